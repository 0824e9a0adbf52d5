#if canImport(Glibc)
import Glibc
#endif
import Logging
import SluiceExec

/// What a run shows of its progress on stderr. On a terminal, one live line rewritten in
/// place: stage, tasks done of total, rows/s, MB/s, spill, ETA. Otherwise one log line per
/// finished stage. Nothing with `--quiet`.
///
/// Rates count the rows and bytes of running tasks too: threads report after each chunk,
/// worker processes in progress frames (five times a second), so a stage of a few long tasks
/// moves as well. The ETA follows the bytes read of the stage's splits when it scans,
/// else the tasks done.
///
/// ```
/// stage 1 (2 of 3): 14/40 tasks, 5.1 M rows/s, 486 MB/s, spilled 0 B, ETA 2 s
/// ```
public final class Progress: @unchecked Sendable {
    public enum Style: Sendable {
        case live, lines, quiet
    }

    let style: Style
    let logger: Logger
    let spilled: () -> SpillStats
    private let lock = PthreadMutex()
    private var stage = 0, position = 0, stages = 0, label = ""
    private var tasks = 0, done = 0
    private var rows = 0, bytes: Int64 = 0
    private var started = 0.0, lastDrawn = 0.0
    /// Input bytes of the stage's splits (0: it does not scan).
    private var stageBytes: Int64 = 0
    /// Rows and bytes read so far by running tasks, by task or attempt.
    private var running: [Int: (rows: Int, bytes: Int64)] = [:]
    private var drawn = false
    /// Every finished stage of the run, for the run report.
    public private(set) var records: [StageRecord] = []
    /// Task attempts that failed (and were retried, or ended the job), over the run.
    public private(set) var failedAttempts = 0
    private var rowsIn = 0
    private var statement = 0

    /// A finished stage, as the run report lists it.
    public struct StageRecord: Codable, Sendable {
        public var statement: Int
        public var stage: Int
        public var label: String
        public var tasks: Int
        public var rowsIn: Int
        public var rowsOut: Int
        public var bytesRead: Int64
        public var seconds: Double
    }

    /// The next stages belong to statement `n` (1-based, as the job lists them).
    public func startStatement(_ n: Int) { lock.withLock { statement = n } }

    /// An attempt failed; what it had read no longer counts.
    public func attemptFailed(_ key: Int? = nil) {
        lock.withLock {
            failedAttempts += 1
            if let key { running[key] = nil }
        }
    }

    /// `quiet` wins; otherwise a live line when stderr is a terminal.
    public init(quiet: Bool, logger: Logger, spilled: @escaping () -> SpillStats) {
        style = quiet ? .quiet : (isatty(2) == 1 ? .live : .lines)
        self.logger = logger
        self.spilled = spilled
    }

    /// Stage `id` (as `explain` numbers it), the `index`-th of `stages`, begins with
    /// `tasks` tasks, reading `bytes` of input splits.
    public func startStage(_ id: Int, index: Int, of stages: Int, tasks: Int, label: String, bytes total: Int64 = 0) {
        lock.withLock {
            stageBytes = total
            running = [:]
            stage = id
            position = index + 1
            self.stages = stages
            self.label = label
            self.tasks = tasks
            done = 0
            rows = 0
            rowsIn = 0
            bytes = 0
            started = monotonicSeconds()
            lastDrawn = 0
        }
    }

    /// A running task (`key`: its task or attempt) has read `rowsIn` rows and `bytes` of its split.
    public func running(_ key: Int, rowsIn: Int, bytes: Int64) {
        lock.withLock {
            running[key] = (rowsIn, bytes)
            guard style == .live else { return }
            let now = monotonicSeconds()
            if now - lastDrawn >= 0.1 {
                lastDrawn = now
                draw(now)
            }
        }
    }

    /// A task finished, having read `bytes` of input (0 for chunks handed over) and
    /// produced `rows`.
    public func taskDone(_ key: Int? = nil, rows: Int, bytes: Int64, rowsIn: Int = 0) {
        lock.withLock {
            if let key { running[key] = nil }
            done += 1
            self.rows += rows
            self.rowsIn += rowsIn
            self.bytes += bytes
            guard style == .live else { return }
            let now = monotonicSeconds()
            if now - lastDrawn >= 0.1 || done == tasks {
                lastDrawn = now
                draw(now)
            }
        }
    }

    /// The stage is over: the live line is cleared, or its log line written.
    public func finishStage() {
        lock.withLock {
            let seconds = monotonicSeconds() - started
            records.append(StageRecord(statement: statement, stage: stage, label: label, tasks: tasks, rowsIn: rowsIn,
                                       rowsOut: rows, bytesRead: bytes, seconds: seconds))
            switch style {
            case .quiet:
                break
            case .live:
                if drawn { write("\r\u{1B}[K") }
                drawn = false
            case .lines:
                let read = bytes > 0 ? ", \(Self.megabytes(bytes)) read" : ""
                logger.info("stage \(stage) (\(position) of \(stages), \(label)): \(tasks) task\(tasks == 1 ? "" : "s"), \(rows) rows out\(read) in \(Self.fixed(seconds)) s")
            }
        }
    }

    /// Called with the lock held.
    private func draw(_ now: Double) {
        let seconds = max(now - started, 1e-3)
        var rowsRead = rowsIn, bytesRead = bytes
        for r in running.values {
            rowsRead += r.rows
            bytesRead += r.bytes
        }
        let rate = rowsRead > 0 ? rowsRead : rows
        var line = "stage \(stage) (\(position) of \(stages)): \(done)/\(tasks) tasks, \(Self.count(Double(rate) / seconds)) rows/s"
        if bytesRead > 0 { line += ", \(Self.fixed(Double(bytesRead) / 1e6 / seconds)) MB/s" }
        let s = spilled()
        if s.spills > 0 { line += ", spilled \(Self.megabytes(s.compressedBytes))" }
        if stageBytes > 0 && bytesRead > 0 && bytesRead < stageBytes {
            line += ", ETA \(Self.fixed(seconds / Double(bytesRead) * Double(stageBytes - bytesRead))) s"
        } else if stageBytes == 0 && done > 0 && done < tasks {
            line += ", ETA \(Self.fixed(seconds / Double(done) * Double(tasks - done))) s"
        }
        write("\r" + line + "\u{1B}[K")
        drawn = true
    }

    private func write(_ s: String) {
        var s = s
        s.withUTF8 { p in _ = Glibc.write(2, p.baseAddress, p.count) }
    }

    static func megabytes(_ b: Int64) -> String { "\(fixed(Double(b) / 1e6)) MB" }

    /// `5.1 M`, `820 k`, `12`.
    static func count(_ x: Double) -> String {
        if x >= 1e6 { return "\(fixed(x / 1e6)) M" }
        if x >= 1e3 { return "\(Int(x / 1e3)) k" }
        return String(Int(x))
    }

    /// One decimal below 100, none above.
    static func fixed(_ x: Double) -> String {
        if x >= 100 || x.isNaN { return String(Int(x.isFinite ? x : 0)) }
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
