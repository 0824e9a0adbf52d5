import Foundation

/// What a run did, for `--report run.json` and `--metrics FILE.prom`: rows and bytes in and
/// out, what was written, the time of each stage, task attempts and failures, spill, and
/// the exit status.
public struct RunReport: Codable, Sendable {
    public var job: String
    public var status: Int32
    public var error: String?
    /// When the run started, ISO 8601 in UTC.
    public var started: String
    public var seconds: Double
    public var mode: String
    public var workers: Int
    /// The fencing token of the run's lease, when it holds one.
    public var epoch: Int?
    public var rowsIn: Int
    public var bytesIn: Int64
    /// Rows of query results printed and rows written by INSERTs.
    public var rowsOut: Int
    /// Bytes of the files INSERTs wrote.
    public var bytesOut: Int64
    public var filesWritten: Int
    public var partitionsWritten: Int
    public var taskAttempts: Int
    public var taskFailures: Int
    public var workersReplaced: Int
    public var spill: Spill
    public var outputs: [OutputSummary]
    public var stages: [Progress.StageRecord]

    public struct Spill: Codable, Sendable {
        public var spills: Int
        public var files: Int
        public var rawBytes: Int64
        public var compressedBytes: Int64
    }

    /// JSON with sorted keys, indented.
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return Array(try encoder.encode(self)) + [10]
    }

    /// Prometheus text format (version 0.0.4) for node_exporter's textfile collector:
    /// gauges of this run, labelled with the job's name.
    public func prometheus(now: Double = Date().timeIntervalSince1970) -> String {
        let job = Self.escapeLabel(URL(fileURLWithPath: self.job).deletingPathExtension().lastPathComponent)
        var out = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP sluice_\(name) \(help)\n# TYPE sluice_\(name) gauge\n"
            for s in samples {
                let labels = s.labels.isEmpty ? "job=\"\(job)\"" : "job=\"\(job)\",\(s.labels)"
                out += "sluice_\(name){\(labels)} \(s.value)\n"
            }
        }
        func one(_ name: String, _ help: String, _ value: String) { metric(name, help, [("", value)]) }
        one("run_success", "Whether the last run succeeded (1) or failed (0).", status == 0 ? "1" : "0")
        one("run_exit_status", "Exit status of the last run (sysexits: 0 ok, 65 data error, 75 lease held elsewhere, ...).", String(status))
        one("run_last_completion_timestamp_seconds", "When the last run ended, in seconds since the epoch.", String(format: "%.3f", now))
        one("run_duration_seconds", "Wall time of the last run.", String(format: "%.3f", seconds))
        one("run_rows_in", "Rows read from input files.", String(rowsIn))
        one("run_bytes_in", "Bytes of input files read.", String(bytesIn))
        one("run_rows_out", "Rows written by INSERTs and printed by queries.", String(rowsOut))
        one("run_bytes_out", "Bytes of the files written.", String(bytesOut))
        one("run_files_written", "Files published.", String(filesWritten))
        one("run_partitions_written", "Partition directories published.", String(partitionsWritten))
        one("run_task_attempts", "Task attempts started.", String(taskAttempts))
        one("run_task_failures", "Task attempts that failed.", String(taskFailures))
        one("run_workers_replaced", "Worker processes replaced after a fault.", String(workersReplaced))
        metric("run_spill_bytes", "Bytes spilled to scratch files.", [("kind=\"raw\"", String(spill.rawBytes)), ("kind=\"compressed\"", String(spill.compressedBytes))])
        metric("run_stage_duration_seconds", "Wall time of each stage.",
               stages.map { ("statement=\"\($0.statement)\",stage=\"\($0.stage)\"", String(format: "%.3f", $0.seconds)) })
        return out
    }

    /// The report of a run that ended before it could start its job (an unreadable job
    /// file, an invalid setting).
    public static func empty(job: String, started: Date, seconds: Double, status: Int32, error: String?) -> RunReport {
        RunReport(job: job, status: status, error: error, started: isoFormatter.string(from: started), seconds: seconds,
                  mode: "", workers: 0, epoch: nil, rowsIn: 0, bytesIn: 0, rowsOut: 0, bytesOut: 0, filesWritten: 0,
                  partitionsWritten: 0, taskAttempts: 0, taskFailures: 0, workersReplaced: 0,
                  spill: Spill(spills: 0, files: 0, rawBytes: 0, compressedBytes: 0), outputs: [], stages: [])
    }

    static var isoFormatter: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }

    /// `\`, `"` and line feeds escaped, as label values need.
    static func escapeLabel(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Writes `bytes` to `path` whole or not at all: a temporary file beside it, fsynced,
    /// then renamed over it (the textfile collector must never read half a file).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temp = FileSystem.parent(of: path) + "/.\(URL(fileURLWithPath: path).lastPathComponent).\(getpid()).tmp"
        try? FileSystem.removeTree(temp)
        do throws(IOError) {
            try FileSystem.writeNewFile(temp, bytes)
            try FileSystem.rename(temp, to: path)
        } catch {
            try? FileSystem.removeTree(temp)
            throw IOError(error.operation, path: error.path, errno: error.errno, status: .cantCreate)
        }
    }
}

extension JobRunner {
    /// The report of this run so far; `status` and `error` say how it ended.
    public func report(job: String, started: Date, seconds: Double, status: Int32, error: String?) -> RunReport {
        let records = progress.records
        let spilled = memory?.stats ?? SpillStats()
        let attempts = records.reduce(0) { $0 + $1.tasks } + progress.failedAttempts
        return RunReport(
            job: job, status: status, error: error, started: RunReport.isoFormatter.string(from: started), seconds: seconds,
            mode: mode.rawValue, workers: workers, epoch: lease?.epoch,
            rowsIn: records.reduce(0) { $0 + $1.rowsIn }, bytesIn: records.reduce(0) { $0 + $1.bytesRead },
            rowsOut: outputs.reduce(0) { $0 + $1.rows } + printedRows, bytesOut: outputs.reduce(0) { $0 + $1.bytes },
            filesWritten: outputs.reduce(0) { $0 + $1.files }, partitionsWritten: outputs.reduce(0) { $0 + $1.partitions },
            taskAttempts: attempts, taskFailures: progress.failedAttempts, workersReplaced: processes?.replaced ?? 0,
            spill: .init(spills: spilled.spills, files: spilled.files, rawBytes: spilled.rawBytes, compressedBytes: spilled.compressedBytes),
            outputs: outputs, stages: records)
    }
}
