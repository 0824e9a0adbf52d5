#if canImport(Glibc)
import Glibc
#endif
import SluiceCore
import SluiceExec

/// How a run divides its memory (`--memory`, `sluice.memory`; default half the machine's)
/// and where it spills (`--scratch`, `sluice.scratch`; default `$TMPDIR` or `/tmp`).
///
/// The budget, less a fixed overhead per process, is split into equal shares, one per
/// worker and one for the supervisor. A
/// task's share goes to its operators that hold data (hash aggregations, sorts and the
/// build sides of shuffled hash joins), three quarters between them, the rest left for
/// chunks in flight. (A broadcast join's build side is small by the planner's choice.) The supervisor's share
/// bounds the stage outputs it keeps between stages (``ChunkStore``).
///
/// The scratch directory is created (0700) at the first query, after directories that
/// crashed runs left behind are removed, and removed by ``close()``.
public final class RunMemory: @unchecked Sendable {
    public let totalBytes: Int
    public let workers: Int
    let scratchBase: String
    let zstdLevel: Int
    private let lock = PthreadMutex()
    private var directory: ScratchDirectory?
    private var contexts: [SpillContext] = []
    /// Spilling reported by worker processes.
    private var remote = SpillStats()

    public init(settings: Settings, workers: Int) {
        let configured = settings.int("sluice.memory")
        totalBytes = configured > 0 ? configured : SystemInfo.physicalMemory / 2
        self.workers = max(1, workers)
        let base = settings.string("sluice.scratch")
        scratchBase = base.isEmpty ? ScratchDirectory.defaultBase() : base
        zstdLevel = settings.int("spark.io.compression.zstd.level")
    }

    /// What a process takes before it holds any data (code, runtime, I/O buffers, chunks
    /// in flight), set aside from the budget for each process.
    static let processOverhead = 24 << 20

    /// One worker's (or the supervisor's) share: the budget less each process's overhead,
    /// split evenly (never less than 4 KB).
    public var shareBytes: Int {
        let processes = workers + 1
        return max((totalBytes - processes * Self.processOverhead) / processes, 4096)
    }

    /// The budget of one data-holding operator of a stage: three quarters of a task's share
    /// split between the stage's aggregations, sorts and shuffled joins.
    public func operatorBudget(_ operators: [OperatorSpec]) -> Int {
        let holders = operators.filter {
            switch $0 {
            case .aggregate, .sort: return true
            case .hashJoin(let j): return j.distribution == .shuffled
            default: return false
            }
        }.count
        return max(shareBytes * 3 / 4 / max(holders, 1), 1024)
    }

    /// The run's scratch directory, created at the first call.
    public func scratch() throws -> ScratchDirectory {
        try lock.withLock {
            if let directory { return directory }
            try ScratchDirectory.removeStale(base: scratchBase)
            let d = try ScratchDirectory(base: scratchBase)
            directory = d
            return d
        }
    }

    /// A spill context for operators with `budgetBytes` each.
    public func spillContext(budgetBytes: Int) throws -> SpillContext {
        let context = SpillContext(scratch: try scratch(), budgetBytes: budgetBytes, zstdLevel: zstdLevel)
        lock.withLock { contexts.append(context) }
        return context
    }

    /// Adds what a worker process spilled.
    public func addRemote(_ stats: SpillStats) {
        lock.withLock { remote.add(stats) }
    }

    /// Everything spilled in this run, here and in the workers.
    public var stats: SpillStats {
        lock.withLock {
            var total = remote
            for c in contexts { total.add(c.stats) }
            return total
        }
    }

    /// Removes the scratch directory and all it holds.
    public func close() {
        lock.withLock {
            try? directory?.remove()
            directory = nil
        }
    }

    deinit { try? directory?.remove() }
}
