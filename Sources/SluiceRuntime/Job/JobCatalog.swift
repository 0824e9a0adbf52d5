/// The names a job defines: temporary views over CSV sources and over queries.
public final class JobCatalog: Catalog {
    private var entries: [String: CatalogEntry] = [:]
    private var order: [String] = []
    let settings: () -> Settings

    init(settings: @escaping () -> Settings) {
        self.settings = settings
    }

    public func lookup(_ name: String) -> CatalogEntry? { entries[name.lowercased()] }

    public var names: [String] { order }

    func define(_ name: String, _ entry: CatalogEntry, replace: Bool, at location: SourceLocation) throws {
        let key = name.lowercased()
        if entries[key] != nil && !replace {
            throw SQLError("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", "Cannot create the temporary view `\(name)` because it already exists. Choose a different name, or use CREATE OR REPLACE TEMPORARY VIEW.", at: location)
        }
        if entries[key] == nil { order.append(name) }
        entries[key] = entry
    }

    public func pathSource(format: String, path: String, location: SourceLocation) throws -> any ScanSource {
        guard format.lowercased() == "csv" else {
            throw SQLError("UNSUPPORTED_DATA_SOURCE", "The data source `\(format)` is not supported by sluice; it reads csv", at: location)
        }
        // Unlike Spark, a path named in FROM is read with its first line as the header
        // and inferred types (the README lists this deviation).
        return try CSVSource(options: [("path", path), ("header", "true"), ("inferSchema", "true")], columns: [], settings: settings())
    }
}
