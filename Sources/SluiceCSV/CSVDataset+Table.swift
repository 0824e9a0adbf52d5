extension CSVDataset {
    /// The data of a table (`CREATE TABLE ... USING csv [PARTITIONED BY] LOCATION`): the
    /// files under its location, typed by the table's columns. A location that does not
    /// exist yet, or holds no data file, is an empty table.
    ///
    /// - Throws: ``CSVError/invalidPartitionDirectory(path:reason:)`` when the files sit
    ///   under other partition keys than the table's, and the errors of listing and of
    ///   partition values that do not fit their column's type.
    public static func table(path: String, options: CSVOptions, dataSchema: [CSVField], partitionSchema: [CSVField]) throws(CSVError) -> CSVDataset {
        var listed: [ListedFile] = []
        if try PathLookup.status(path) != nil {
            listed = try FileListing.list(path: path, options: options)
        }
        var declared: [String: DataType] = [:]
        for f in partitionSchema { declared[f.name.lowercased()] = f.type }
        let found = try PartitionDiscovery.discover(listed, options: options, declared: declared)
        if !listed.isEmpty && found.schema.map({ $0.name.lowercased() }) != partitionSchema.map({ $0.name.lowercased() }) {
            let expected = partitionSchema.isEmpty ? "no partition directories" : "partition directories " + partitionSchema.map(\.name).joined(separator: "/")
            let actual = found.schema.isEmpty ? "none" : found.schema.map(\.name).joined(separator: "/")
            throw .invalidPartitionDirectory(path: FileListing.parent(listed[0].path),
                                             reason: "the table at \(path) has \(expected), but its files sit under \(actual); move the files, or declare the table's PARTITIONED BY to match")
        }
        let files = listed.indices.map { i in
            InputFile(path: listed[i].path, size: listed[i].status.size,
                      modificationSeconds: listed[i].status.modificationSeconds,
                      modificationNanoseconds: listed[i].status.modificationNanoseconds,
                      partitionValues: found.values[i])
        }
        return CSVDataset(path: path, options: options, files: files, dataSchema: dataSchema,
                          partitionSchema: partitionSchema, schemaSource: .declared)
    }
}
