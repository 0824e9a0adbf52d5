/// A CSV view's data: the files found at its path (with their Hive partition values),
/// the schema, and the options to read them with.
public final class CSVSource: ExecutableSource, @unchecked Sendable {
    public let dataset: CSVDataset
    public let options: CSVOptions
    /// The options as written, and a column list given in the statement, so that a worker
    /// process can rebuild the source.
    let optionPairs: [(String, String)]
    let declaredSchema: [CSVField]?
    public let schema: [Field]
    public let partitionColumnCount: Int
    public let displayName: String
    public var estimatedBytes: Int64 { dataset.totalBytes }

    /// Discovers the files of a `CREATE TEMPORARY VIEW ... USING csv OPTIONS (...)` and
    /// settles its schema (declared, inferred, or all STRING). A column list written in
    /// the statement acts as the `schema` option.
    public init(options pairs: [(String, String)], columns: [ColumnDefinition], settings: Settings) throws {
        var options = try CSVOptions(pairs)
        if !columns.isEmpty {
            options.schema = try columns.map { c in
                guard let t = DataType(sparkName: c.typeName), t != .null else {
                    throw SQLError("UNSUPPORTED_DATATYPE", "Unsupported data type \"\(c.typeName.uppercased())\" for column \(c.name)", at: c.location)
                }
                return CSVField(c.name, t)
            }
        }
        guard let path = options.path else {
            throw SQLError("CSV_PATH_REQUIRED", "a csv view needs OPTIONS (path '...'): the file, directory or glob to read", at: nil)
        }
        self.options = options
        optionPairs = pairs
        declaredSchema = columns.isEmpty ? nil : options.schema
        dataset = try CSVDataset.discover(path: path, options: options)
        schema = dataset.schema.map { Field(name: $0.name, type: $0.type) }
        partitionColumnCount = dataset.partitionSchema.count
        displayName = "csv \(path)"
    }

    /// A table's data (`CREATE TABLE ... USING csv LOCATION`): the files under its
    /// location, read with the table's columns and options; a missing location is empty.
    public init(table name: String, location: String, options pairs: [(String, String)], dataFields: [Field], partitionFields: [Field]) throws {
        let withPath = pairs.filter { $0.0.lowercased() != "path" } + [("path", location)]
        var options = try CSVOptions(withPath)
        let data = dataFields.map { CSVField($0.name, $0.type) }
        let partitions = partitionFields.map { CSVField($0.name, $0.type) }
        options.schema = data + partitions
        self.options = options
        optionPairs = withPath
        declaredSchema = data + partitions
        dataset = try CSVDataset.table(path: location, options: options, dataSchema: data, partitionSchema: partitions)
        schema = dataset.schema.map { Field(name: $0.name, type: $0.type) }
        partitionColumnCount = partitions.count
        displayName = "table \(name)"
    }

    /// Rebuilds a source in a worker from its description (no listing, no sampling).
    public init(_ d: CSVSourceDescription) throws {
        var options = try CSVOptions(d.optionPairs.map { ($0[0], $0[1]) })
        let declared = d.declaredSchema.map { $0.map { CSVField($0.name, $0.type) } }
        if let declared { options.schema = declared }
        self.options = options
        optionPairs = d.optionPairs.map { ($0[0], $0[1]) }
        declaredSchema = declared
        let source: SchemaSource = d.schemaSource == "declared" ? .declared : (d.schemaSource == "inferred" ? .inferred : .strings)
        dataset = CSVDataset(path: d.path, options: options,
                             files: d.files.map { InputFile(path: $0.path, size: $0.size, modificationSeconds: $0.seconds, modificationNanoseconds: $0.nanoseconds, partitionValues: $0.partitionValues) },
                             dataSchema: d.dataSchema.map { CSVField($0.name, $0.type) },
                             partitionSchema: d.partitionSchema.map { CSVField($0.name, $0.type) }, schemaSource: source)
        schema = dataset.schema.map { Field(name: $0.name, type: $0.type) }
        partitionColumnCount = dataset.partitionSchema.count
        displayName = d.displayName
    }

    /// What a worker needs to rebuild this source.
    public var processDescription: CSVSourceDescription {
        CSVSourceDescription(
            displayName: displayName, optionPairs: optionPairs.map { [$0.0, $0.1] },
            declaredSchema: declaredSchema.map { $0.map { .init(name: $0.name, type: $0.type) } },
            path: dataset.path,
            files: dataset.files.map { .init(path: $0.path, size: $0.size, seconds: $0.modificationSeconds, nanoseconds: $0.modificationNanoseconds, partitionValues: $0.partitionValues) },
            dataSchema: dataset.dataSchema.map { .init(name: $0.name, type: $0.type) },
            partitionSchema: dataset.partitionSchema.map { .init(name: $0.name, type: $0.type) },
            schemaSource: dataset.schemaSource == .declared ? "declared" : (dataset.schemaSource == .inferred ? "inferred" : "strings"))
    }

    public func splits(partitionFilters: [Expression], settings: Settings) throws -> [any SourceSplit] {
        let keep = try prunedFiles(partitionFilters)
        let all = dataset.splits(maxPartitionBytes: settings.int("spark.sql.files.maxPartitionBytes"))
        return all.filter { keep[$0.fileIndex] }.map { CSVSourceSplit(split: $0) }
    }

    /// Which files survive the partition predicates, judged on their directory names
    /// alone: no data file is opened for this.
    func prunedFiles(_ filters: [Expression]) throws -> [Bool] {
        let files = dataset.files
        guard !filters.isEmpty, partitionColumnCount > 0, !files.isEmpty else {
            return Array(repeating: true, count: files.count)
        }
        // One row per file, with the partition columns at their schema positions.
        let first = schema.count - partitionColumnCount
        var builders = schema.map { ColumnBuilder(type: $0.type, capacity: files.count) }
        for f in files {
            for c in 0..<schema.count {
                if c >= first { builders[c].append(f.partitionValues[c - first]) } else { builders[c].appendNull() }
            }
        }
        let chunk = Chunk(columns: builders.map { $0.finish() }, count: files.count)
        var keep = Array(repeating: true, count: files.count)
        for f in filters {
            let c = try ExpressionProgram(f).evaluate(chunk)
            for i in 0..<files.count where c.isNull(i) || c.bools[i] == 0 { keep[i] = false }
        }
        return keep
    }

    public func read(_ split: any SourceSplit, columns: [Int], into consumer: ChunkConsumer,
                     progress: ((_ rows: Int, _ bytes: Int64) -> Void)?) throws {
        guard let s = split as? CSVSourceSplit else { throw InternalError("not a CSV split: \(split.displayName)") }
        var reader = try CSVSplitReader(split: s.split, dataset: dataset, options: options, projection: columns)
        var rows = 0
        while let chunk = try reader.next() {
            rows += chunk.count
            progress?(rows, reader.bytesScanned)
            if !(try consumer.consume(chunk)) { break }
        }
    }
}

/// A byte range of one CSV file.
struct CSVSourceSplit: SourceSplit {
    let split: CSVSplit
    var displayName: String { "\(split.path)[\(split.start)..<\(split.end)]" }

    init(split: CSVSplit) { self.split = split }
}
