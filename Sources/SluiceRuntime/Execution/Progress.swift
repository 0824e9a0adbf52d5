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
    /// Stages running now, in the order they started (independent stages run together).
    private var active: [Stage] = []
    private var stages = 0
    private var lastDrawn = 0.0
    private var drawn = false
    /// Every finished stage of the run, for the run report.
    public private(set) var records: [StageRecord] = []
    /// Task attempts that failed (and were retried, or ended the job), over the run.
    public private(set) var failedAttempts = 0
    private var statement = 0

    /// A running stage's counts.
    private struct Stage {
        var id: Int, position: Int, label: String
        var tasks: Int, done = 0
        var rows = 0, rowsIn = 0, bytes: Int64 = 0
        /// Input bytes of the stage's splits (0: it does not scan).
        var stageBytes: Int64
        var started: Double
        /// Rows and bytes read so far by running tasks, by task or attempt.
        var running: [Int: (rows: Int, bytes: Int64)] = [:]
    }

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
            self.stages = stages
            active.append(Stage(id: id, position: index + 1, label: label, tasks: tasks, stageBytes: total, started: monotonicSeconds()))
            lastDrawn = 0
        }
    }

    /// Called with the lock held: the running stage `id`.
    private func withStage(_ id: Int, _ body: (inout Stage) -> Void) {
        guard let i = active.firstIndex(where: { $0.id == id }) else { return }
        body(&active[i])
    }

    /// An attempt of stage `stage` failed; what it had read no longer counts.
    public func attemptFailed(stage: Int, _ key: Int? = nil) {
        lock.withLock {
            failedAttempts += 1
            if let key { withStage(stage) { $0.running[key] = nil } }
        }
    }

    /// A running task of stage `stage` (`key`: its task or attempt) has read `rowsIn` rows
    /// and `bytes` of its split.
    public func running(stage: Int, _ key: Int, rowsIn: Int, bytes: Int64) {
        lock.withLock {
            withStage(stage) { $0.running[key] = (rowsIn, bytes) }
            guard style == .live else { return }
            let now = monotonicSeconds()
            if now - lastDrawn >= 0.1 {
                lastDrawn = now
                draw(now)
            }
        }
    }

    /// A task of stage `stage` finished, having read `bytes` of input (0 for chunks handed
    /// over) and produced `rows`.
    public func taskDone(stage: Int, _ key: Int? = nil, rows: Int, bytes: Int64, rowsIn: Int = 0) {
        lock.withLock {
            var last = false
            withStage(stage) {
                if let key { $0.running[key] = nil }
                $0.done += 1
                $0.rows += rows
                $0.rowsIn += rowsIn
                $0.bytes += bytes
                last = $0.done == $0.tasks
            }
            guard style == .live else { return }
            let now = monotonicSeconds()
            if now - lastDrawn >= 0.1 || last {
                lastDrawn = now
                draw(now)
            }
        }
    }

    /// Stage `id` is over: the live line is cleared (or redrawn for the stages still
    /// running), or its log line written.
    public func finishStage(_ id: Int) {
        lock.withLock {
            guard let i = active.firstIndex(where: { $0.id == id }) else { return }
            let st = active.remove(at: i)
            let seconds = monotonicSeconds() - st.started
            records.append(StageRecord(statement: statement, stage: st.id, label: st.label, tasks: st.tasks, rowsIn: st.rowsIn,
                                       rowsOut: st.rows, bytesRead: st.bytes, seconds: seconds))
            switch style {
            case .quiet:
                break
            case .live:
                if drawn { write("\r\u{1B}[K") }
                drawn = false
                if !active.isEmpty { draw(monotonicSeconds()) }
            case .lines:
                let read = st.bytes > 0 ? ", \(Self.megabytes(st.bytes)) read" : ""
                logger.info("stage \(st.id) (\(st.position) of \(stages), \(st.label)): \(st.tasks) task\(st.tasks == 1 ? "" : "s"), \(st.rows) rows out\(read) in \(Self.fixed(seconds)) s")
            }
        }
    }

    /// Called with the lock held: one line for the running stages (their counts added up
    /// when several run together).
    private func draw(_ now: Double) {
        guard let first = active.first else { return }
        let seconds = max(now - first.started, 1e-3)
        var tasks = 0, done = 0, rows = 0, rowsRead = 0
        var bytesRead: Int64 = 0, stageBytes: Int64 = 0
        for st in active {
            tasks += st.tasks
            done += st.done
            rows += st.rows
            rowsRead += st.rowsIn
            bytesRead += st.bytes
            stageBytes += st.stageBytes
            for r in st.running.values {
                rowsRead += r.rows
                bytesRead += r.bytes
            }
        }
        let rate = rowsRead > 0 ? rowsRead : rows
        let name = active.count == 1
            ? "stage \(first.id) (\(first.position) of \(stages))"
            : "stages \(active.map { String($0.id) }.joined(separator: "+")) (\(active.map { String($0.position) }.joined(separator: "+")) of \(stages))"
        var line = "\(name): \(done)/\(tasks) tasks, \(Self.count(Double(rate) / seconds)) rows/s"
        if bytesRead > 0 { line += ", \(Self.fixed(Double(bytesRead) / 1e6 / seconds)) MB/s" }
        let s = spilled()
        if s.spills > 0 { line += ", spilled \(Self.megabytes(s.compressedBytes))" }
        let scansOnly = active.allSatisfy { $0.stageBytes > 0 }
        if scansOnly && bytesRead > 0 && bytesRead < stageBytes {
            line += ", ETA \(Self.fixed(seconds / Double(bytesRead) * Double(stageBytes - bytesRead))) s"
        } else if !scansOnly && done > 0 && done < tasks {
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
