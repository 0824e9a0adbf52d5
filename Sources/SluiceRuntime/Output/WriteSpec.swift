/// How a write stage's tasks write their rows: under which staging directory, in which
/// partition directories, with which CSV options and Hive limits. Sent to workers as is.
///
/// The rows a task receives are the data columns, then the dynamic partition columns
/// (Hive's rule: the last columns of the SELECT, in PARTITION() order).
public struct WriteSpec: Codable, Sendable, CustomStringConvertible {
    /// The output location, for messages and `explain`.
    public var location: String
    /// `<location>/.sluice-staging-<epoch>-<lease>`: each attempt writes under
    /// `attempt-<run>-<id>/` in it.
    public var staging: String
    /// Part of every file name, so that files of different runs never collide.
    public var runID: String
    /// Names of the data columns (the header line, when the options ask for one).
    public var columnNames: [String]
    /// Names of the dynamic partition columns, which follow the data columns.
    public var partitionNames: [String]
    /// `k=v/...` of the static partition columns, escaped; empty without any.
    public var staticPrefix: String
    /// The CSV options of the table or directory (`header`, `sep`, `nullValue`, ...).
    public var options: [[String]]
    /// `spark.sql.files.maxRecordsPerFile`; 0 for no limit.
    public var maxRecordsPerFile: Int
    /// `hive.exec.max.dynamic.partitions.pernode`.
    public var maxPartitionsPerNode: Int
    /// `hive.exec.default.partition.name`.
    public var defaultPartitionName: String
    /// Files a task keeps open at once; past this, its remaining rows are sorted by
    /// partition and written one partition at a time.
    public var maxOpenFiles: Int

    public var description: String {
        var text = "write csv \(location)"
        var parts: [String] = []
        if !staticPrefix.isEmpty { parts.append(staticPrefix) }
        parts += partitionNames
        if !parts.isEmpty { text += " partitioned by [\(parts.joined(separator: ", "))]" }
        return text
    }
}

/// A file a task attempt wrote, as the committer publishes it.
public struct WrittenFile: Codable, Sendable, Hashable {
    /// The partition directory, relative to the location (`dt=2024-03-05`; empty when the
    /// output is not partitioned).
    public var partition: String
    /// Relative to the staging directory: `attempt-<run>-<id>/<partition>/<name>`.
    public var path: String
    public var name: String
    public var rows: Int
    public var bytes: Int64
}

/// A Hive limit or rule that the data broke (exit 65, not retried): the message is Hive's.
public struct HiveLimitError: SluiceError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var exitStatus: ExitStatus { .dataError }
    public var description: String { message }
}
