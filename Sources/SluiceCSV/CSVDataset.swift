/// One file of a dataset, as listed.
public struct InputFile: Sendable, Hashable {
    public var path: String
    public var size: Int64
    /// Modification time: seconds since the epoch ...
    public var modificationSeconds: Int64
    /// ... and the nanoseconds within that second.
    public var modificationNanoseconds: Int32
    /// Typed values of the file's `key=value` directories, in ``CSVDataset/partitionSchema`` order.
    public var partitionValues: [Value]

    public init(path: String, size: Int64, modificationSeconds: Int64, modificationNanoseconds: Int32, partitionValues: [Value]) {
        self.path = path
        self.size = size
        self.modificationSeconds = modificationSeconds
        self.modificationNanoseconds = modificationNanoseconds
        self.partitionValues = partitionValues
    }
}

/// Where a dataset's column types came from; it decides what a bad-value error advises.
public enum SchemaSource: Sendable, Hashable {
    /// The `schema` option.
    case declared
    /// Sampled by `inferSchema`.
    case inferred
    /// Neither: every column is STRING.
    case strings
}

/// A CSV source resolved: its files, their partition values, and its schema.
///
/// The schema is the data columns (from the `schema` option, the header, or `_c0`,
/// `_c1`, ...) followed by the partition columns; ``CSVSplitReader`` projections index it.
public struct CSVDataset: Sendable {
    /// The path (or glob) as given.
    public let path: String
    public let options: CSVOptions
    public let files: [InputFile]
    public let dataSchema: [CSVField]
    public let partitionSchema: [CSVField]
    public let schemaSource: SchemaSource

    /// A dataset from parts already known (a worker rebuilding what the coordinator found).
    public init(path: String, options: CSVOptions, files: [InputFile], dataSchema: [CSVField],
                partitionSchema: [CSVField], schemaSource: SchemaSource) {
        self.path = path
        self.options = options
        self.files = files
        self.dataSchema = dataSchema
        self.partitionSchema = partitionSchema
        self.schemaSource = schemaSource
    }

    /// Data columns, then partition columns.
    public var schema: [CSVField] { dataSchema + partitionSchema }

    /// Bytes in all files.
    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.size } }

    /// Lists `path` (a file, a directory read recursively, or a glob), discovers its
    /// partition directories and works out the schema.
    ///
    /// - Throws: ``CSVError/pathNotFound(path:)`` (exit 66) when nothing is there;
    ///   partition, header and inference errors.
    public static func discover(path: String, options: CSVOptions) throws(CSVError) -> CSVDataset {
        let listed = try FileListing.list(path: path, options: options)
        var declared: [String: DataType] = [:]
        for f in options.schema ?? [] { declared[f.name.lowercased()] = f.type }
        let partitions = try PartitionDiscovery.discover(listed, options: options, declared: declared)
        let partitionNames = Set(partitions.schema.map { $0.name.lowercased() })
        let files = listed.indices.map { i in
            InputFile(path: listed[i].path, size: listed[i].status.size,
                      modificationSeconds: listed[i].status.modificationSeconds,
                      modificationNanoseconds: listed[i].status.modificationNanoseconds,
                      partitionValues: partitions.values[i])
        }

        let dataSchema: [CSVField]
        let source: SchemaSource
        if let ddl = options.schema {
            // Columns of the schema option that name partition keys only type those keys.
            dataSchema = ddl.filter { !partitionNames.contains($0.name.lowercased()) }
            source = .declared
        } else {
            guard let first = try SchemaInference.firstRecord(files: files, options: options) else {
                throw .unableToInferSchema(path: path)
            }
            let names = options.header
                ? SchemaInference.safeHeader(first.values, nullValue: options.nullValue)
                : first.values.indices.map { "_c\($0)" }
            if let clash = names.first(where: { partitionNames.contains($0.lowercased()) }) {
                throw .columnIsPartitionKey(column: clash, path: files[first.fileIndex].path)
            }
            if options.inferSchema {
                let types = try SchemaInference.inferTypes(files: files, options: options, columns: names.count)
                dataSchema = zip(names, types).map { CSVField($0, $1) }
                source = .inferred
            } else {
                dataSchema = names.map { CSVField($0, .string) }
                source = .strings
            }
        }
        return CSVDataset(path: path, options: options, files: files, dataSchema: dataSchema,
                          partitionSchema: partitions.schema, schemaSource: source)
    }
}
