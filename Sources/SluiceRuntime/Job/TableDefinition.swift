/// A table of the job (`CREATE TABLE ... USING csv [PARTITIONED BY] LOCATION`): where its
/// files are, its columns and its CSV options. sluice keeps no metastore: the job's text
/// defines the table each run, and data already at the location is the table's.
struct TableDefinition {
    var name: String
    var location: String
    /// The data columns, in the table's order.
    var dataFields: [Field]
    /// The partition columns, in PARTITIONED BY order (the last columns of the table).
    var partitionFields: [Field]
    /// The OPTIONS of the statement (`header`, `sep`, ...), without `path`.
    var options: [(String, String)]

    var fields: [Field] { dataFields + partitionFields }

    /// Spark's location of a managed table, relative to where the job runs.
    static func defaultLocation(_ name: String) -> String { "spark-warehouse/" + name.lowercased() }

    /// The table's current files, as a source to read.
    func source() throws -> CSVSource {
        try CSVSource(table: name, location: location, options: options, dataFields: dataFields, partitionFields: partitionFields)
    }
}
