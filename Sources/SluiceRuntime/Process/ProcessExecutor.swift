import Dispatch
import Logging
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// An error a worker reported for a task: its text and status, as the user sees them.
struct RemoteTaskError: SluiceError {
    var message: String
    var status: ExitStatus
    var exitStatus: ExitStatus { status }
    var description: String { message }
}

/// Runs a physical plan on worker processes (the default mode): the supervisor keeps the
/// stage outputs, hands task attempts to idle workers with their input, and routes
/// partitioned output to the next stage.
///
/// Faults: a worker that exits, is killed, stops sending heartbeats or breaks the protocol
/// is killed, reaped and replaced, and its attempt is retried on another worker, up to
/// `spark.task.maxFailures` attempts per task. A user error (a bad row, an invalid cast)
/// is not retried: the job stops with it. Every attempt has an id; output of an attempt
/// that was replaced is dropped, so nothing is counted twice.
public final class ProcessExecutor: @unchecked Sendable {
    let settings: Settings
    let workerCount: Int
    let maxFailures: Int
    let heartbeatTimeout: Double
    let runStart: Int64
    let logger: Logger
    let memory: RunMemory
    let progress: Progress?
    var workers: [Slot] = []
    let events = EventQueue<Event>()
    var nextAttempt = 1
    /// Stages run so far in this run: a stage's number for the workers (stage ids restart per statement).
    var stagesStarted = 0
    /// Worker processes started, and replaced, in this run.
    public private(set) var spawned = 0
    public private(set) var replaced = 0

    enum Event {
        case frame(worker: Int, generation: Int, FrameKind, [UInt8])
        case gone(worker: Int, generation: Int, reason: String)
    }

    /// A worker seat: the process in it, replaced when it dies.
    final class Slot {
        var process: WorkerProcess
        /// Bumped on replacement, so that events of a dead process are ignored.
        var generation: Int
        var attempt: Running?
        var lastHeard: Double
        /// The stage (by run-unique number) whose build sides this process already has.
        var buildsForStage = -1

        init(process: WorkerProcess, generation: Int) {
            self.process = process
            self.generation = generation
            lastHeard = monotonicSeconds()
        }
    }

    /// An attempt in flight: its task and the buffers of the output it has sent so far
    /// (dropped if the attempt does not finish).
    final class Running {
        let id: Int
        let run: StageRun
        let task: Int
        let outputs: [ChunkStore.BufferID]
        /// The file the attempt writes its shuffle output to; removed with the last
        /// reference, so an attempt given up on leaves nothing behind.
        let shuffleFile: ScratchFile?
        init(id: Int, run: StageRun, task: Int, outputs: [ChunkStore.BufferID], shuffleFile: ScratchFile?) {
            self.id = id
            self.run = run
            self.task = task
            self.outputs = outputs
            self.shuffleFile = shuffleFile
        }
    }

    public init(settings: Settings, workers: Int, runStart: Int64, memory: RunMemory, progress: Progress? = nil, logger: Logger) {
        self.logger = logger
        self.memory = memory
        self.progress = progress
        self.settings = settings
        workerCount = max(1, workers)
        maxFailures = max(1, settings.int("spark.task.maxFailures"))
        let timeout = Double(settings.string("sluice.worker.heartbeatTimeout")) ?? 10
        heartbeatTimeout = timeout > 0 ? timeout : 10
        self.runStart = runStart
    }

    deinit { shutdown() }

    // MARK: Workers

    private func startWorkers() throws {
        while workers.count < workerCount {
            let slot = Slot(process: try spawnWorker(), generation: 0)
            workers.append(slot)
            listen(workers.count - 1, slot)
        }
    }

    private func spawnWorker() throws -> WorkerProcess {
        spawned += 1
        var arguments = ["worker", "--parent", String(getpid())]
        // Test-only: the first worker of the run corrupts its pipe.
        if spawned == 1, let n = Int(settings.string("sluice.test.workerGarbageAfterFrames")), n >= 0 {
            arguments += ["--garbage-after", String(n)]
        }
        let process = try WorkerProcess.spawn(arguments: arguments)
        // Our hello goes first on the command pipe, before any task can.
        try? process.writer.send(.hello, [Frame.version])
        return process
    }

    /// A thread that reads the worker's frames into the event queue until its pipe closes.
    private func listen(_ index: Int, _ slot: Slot) {
        let process = slot.process, generation = slot.generation
        let events = self.events
        Thread.detach {
            var reader = FrameReader(fd: process.results)
            do {
                guard let (kind, payload) = try reader.next(), kind == .hello, payload == [Frame.version] else {
                    events.push(.gone(worker: index, generation: generation, reason: "no hello"))
                    return
                }
                while let (kind, payload) = try reader.next() {
                    events.push(.frame(worker: index, generation: generation, kind, payload), bytes: kind == .outputChunk ? payload.count : 0)
                }
                events.push(.gone(worker: index, generation: generation, reason: "exited"))
            } catch {
                events.push(.gone(worker: index, generation: generation, reason: "\(error)"))
            }
        }
    }

    /// Kills and reaps the process in a seat and starts a new one.
    private func replace(_ index: Int, reason: String) throws {
        let slot = workers[index]
        logger.warning("worker \(slot.process.pid) \(reason); replacing it")
        slot.process.signal(SIGKILL)
        slot.process.closePipes()
        slot.process.reap()
        replaced += 1
        slot.process = try spawnWorker()
        slot.generation += 1
        slot.attempt = nil
        slot.buildsForStage = -1
        slot.lastHeard = monotonicSeconds()
        listen(index, slot)
    }

    /// Asks every worker to exit, then makes sure each is gone and reaped.
    public func shutdown() {
        for slot in workers {
            try? slot.process.writer.send(.shutdown)
            slot.process.closePipes()
        }
        for slot in workers {
            slot.process.signal(SIGKILL)
            slot.process.reap()
        }
        workers = []
    }

    /// The worker processes' pids (for tests and progress).
    public var pids: [Int32] { workers.map { $0.process.pid } }

    // MARK: Stages

    /// Runs every stage and returns the result's chunks in order. Stage outputs wait in a
    /// ``ChunkStore`` (shuffle output in the workers' files), and are dropped once the last
    /// stage that reads them is done. The stages of a wave (``PhysicalPlan/waves``) share
    /// the workers: an idle worker takes the next task of the first of them with one left.
    public func run(_ plan: PhysicalPlan, ledger: TaskLedger? = nil) throws -> QueryOutput {
        try startWorkers()
        let store = ChunkStore(spill: try memory.spillContext(budgetBytes: memory.shareBytes), budgetBytes: memory.shareBytes)
        let outputs = StageOutputs(plan, store: store)
        do {
            for wave in plan.waves {
                let runs = try wave.map { try prepare(plan.stages[$0], outputs, store, index: $0, of: plan.stages.count, ledger: ledger) }
                try runStages(runs, store, ledger: ledger)
                for r in runs {
                    progress?.finishStage(r.stage.id)
                    if r.write != nil { outputs.written = r.written.flatMap { $0 } }
                    try outputs.finish(r.stage, r.done.map { $0! })
                }
            }
        } catch {
            // Stop whatever is still running; the next query gets fresh workers.
            for slot in workers { slot.process.signal(SIGKILL) }
            shutdown()
            throw error
        }
        return outputs.output
    }

    /// What one task of a stage reads.
    enum TaskInput {
        case split(CSVSourceDescription, CSVSplit, [Int])
        case buffers([ChunkStore.BufferID])
        case oneRow
    }

    private func inputs(_ stage: StagePlan, _ outputs: StageOutputs) throws -> [TaskInput] {
        switch stage.input {
        case .scan(let spec):
            guard let source = spec.source as? CSVSource else { throw InternalError("source \(spec.source.displayName) cannot run in a worker process") }
            let description = source.processDescription
            return try source.splits(partitionFilters: spec.partitionFilters, settings: settings).map {
                .split(description, ($0 as! CSVSourceSplit).split, spec.columns)
            }
        case .oneRow:
            return [.oneRow]
        case .shuffle(let from, let partitions):
            return outputs.shuffleInputs(from: from, partitions: partitions).map { .buffers($0) }
        case .gather(let from):
            return [.buffers(outputs.all(from))]
        }
    }

    /// A stage being run: what its tasks read and how they write, and which of them are
    /// done, pending or have failed.
    final class StageRun {
        let stage: StagePlan
        let inputs: [TaskInput]
        let partitionKeys: [Expression]?
        let partitions: Int
        /// The stage's number for the workers (stage ids restart with each statement).
        let number: Int
        let builds: JoinBuilds
        let budget: Int
        let write: WriteSpec?
        let shuffles: Bool
        let compressShuffle: Bool
        var done: [[ChunkStore.BufferID]?]
        var written: [[WrittenFile]]
        var failures: [Int]
        var pending: [Int]
        var remaining: Int

        init(stage: StagePlan, inputs: [TaskInput], partitionKeys: [Expression]?, partitions: Int, number: Int,
                         builds: JoinBuilds, budget: Int, write: WriteSpec?, shuffles: Bool, compressShuffle: Bool) {
            self.stage = stage
            self.inputs = inputs
            self.partitionKeys = partitionKeys
            self.partitions = partitions
            self.number = number
            self.builds = builds
            self.budget = budget
            self.write = write
            self.shuffles = shuffles
            self.compressShuffle = compressShuffle
            done = Array(repeating: nil, count: inputs.count)
            written = Array(repeating: [], count: inputs.count)
            failures = Array(repeating: 0, count: inputs.count)
            pending = Array(inputs.indices)
            remaining = inputs.count
        }
    }

    private func prepare(_ stage: StagePlan, _ outputs: StageOutputs, _ store: ChunkStore,
                         index: Int, of stageCount: Int, ledger: TaskLedger?) throws -> StageRun {
        let inputs = try self.inputs(stage, outputs)
        let scanBytes = inputs.reduce(Int64(0)) {
            if case .split(_, let split, _) = $1 { return $0 + split.end - split.start }
            return $0
        }
        progress?.startStage(stage.id, index: index, of: stageCount, tasks: inputs.count, label: stage.label, bytes: scanBytes)
        var partitionKeys: [Expression]? = nil
        var partitions = 1
        if case .hashPartition(let keys, let p) = stage.output {
            partitionKeys = keys
            partitions = p
        }
        var write: WriteSpec? = nil
        var shuffles = false
        switch stage.output {
        case .write(let spec): write = spec
        case .hashPartition, .single: shuffles = true
        case .result: break
        }
        let run = StageRun(stage: stage, inputs: inputs, partitionKeys: partitionKeys, partitions: partitions, number: stagesStarted,
                           builds: try JoinBuilds(stage, outputs), budget: memory.operatorBudget(stage.operators), write: write,
                           shuffles: shuffles, compressShuffle: compressesShuffle(inputs, scanBytes: scanBytes, store: store))
        stagesStarted += 1
        if write != nil, let ledger {
            // Tasks an earlier coordinator finished: their staged files stand.
            for (t, files) in ledger.finished where t < inputs.count {
                run.done[t] = [store.makeBuffer()]
                run.written[t] = files
                run.remaining -= 1
            }
            run.pending.removeAll { ledger.finished[$0] != nil }
        }
        return run
    }

    /// Runs the tasks of `runs` until each has finished once, retrying failed attempts.
    private func runStages(_ runs: [StageRun], _ store: ChunkStore, ledger: TaskLedger?) throws {
        let scratch = try memory.scratch().path
        let zstdLevel = settings.int("spark.io.compression.zstd.level")
        // Output of attempts that did not finish is dropped, whatever ends the stages.
        var live: [Int: Running] = [:]
        defer { for r in live.values { for b in r.outputs { store.drop(b) } } }
        while runs.contains(where: { $0.remaining > 0 }) {
            try ledger?.check()
            // Hand pending tasks to idle workers, the first stage's first.
            for slot in workers where slot.attempt == nil {
                guard let run = runs.first(where: { !$0.pending.isEmpty }) else { break }
                let task = run.pending.removeFirst()
                let shuffleFile = run.shuffles ? ScratchFile(path: "\(scratch)/shuffle-\(nextAttempt)") : nil
                let running = Running(id: nextAttempt, run: run, task: task, outputs: (0..<run.partitions).map { _ in store.makeBuffer() },
                                      shuffleFile: shuffleFile)
                nextAttempt += 1
                live[running.id] = running
                slot.attempt = running
                let sendBuilds = slot.buildsForStage != run.number
                // Shuffle output of earlier stages is read by the worker from its files.
                var input = describe(run.inputs[task])
                var framedInput: [ChunkStore.BufferID]? = nil
                if case .buffers(let ids) = run.inputs[task] {
                    if let refs = store.shuffleRefs(ids) { input = .files(refs) } else { framedInput = ids }
                }
                let builds = run.builds
                let buildFiles = builds.partitioned.map { store.shuffleRefs($0.tasks[task]) }
                let framedBuilds = zip(builds.partitioned, buildFiles).compactMap { $1 == nil ? ($0.op, $0.tasks[task]) : nil }
                let message = TaskMessage(attempt: running.id, stage: run.number, task: task, operators: run.stage.operators,
                                          inputTypes: run.stage.inputTypes, outputTypes: run.stage.outputTypes, input: input,
                                          partitionKeys: run.partitionKeys, partitions: run.partitions,
                                          buildOperators: sendBuilds ? builds.broadcast.map(\.op) : [],
                                          partitionedBuildOperators: builds.partitioned.map(\.op), partitionedBuildFiles: buildFiles,
                                          runStart: runStart, scratch: scratch, memoryBudget: run.budget, zstdLevel: zstdLevel,
                                          write: run.write, shuffleFile: shuffleFile?.path, compressShuffle: run.compressShuffle)
                do {
                    try events.bypassingLimit {
                        try send(message, builds: (sendBuilds ? builds.broadcast : []) + framedBuilds,
                                 input: framedInput, store: store, to: slot)
                    }
                    slot.buildsForStage = run.number
                } catch let e as SpillError {
                    throw e
                } catch {
                    // A dead pipe: the reader thread reports the exit; the attempt is retried then.
                }
            }
            guard let event = events.pop(timeout: 0.25) else {
                try checkHeartbeats()
                continue
            }
            switch event {
            case .gone(let w, let generation, let reason):
                let slot = workers[w]
                guard generation == slot.generation else { continue }
                let lost = slot.attempt
                try replace(w, reason: reason == "exited" ? "exited" : "failed: \(reason)")
                if let lost {
                    try retry(lost, reason: "worker process \(reason)")
                }
            case .frame(let w, let generation, let kind, let payload):
                let slot = workers[w]
                guard generation == slot.generation else { continue }
                slot.lastHeard = monotonicSeconds()
                switch kind {
                case .heartbeat:
                    break
                case .progress:
                    guard let report = ProgressReport(payload) else {
                        try breakProtocol(w, ProtocolError("a progress frame of \(payload.count) bytes"))
                        continue
                    }
                    if let running = slot.attempt, running.id == report.attempt {
                        progress?.running(stage: running.run.stage.id, running.id, rowsIn: report.rows, bytes: report.bytes)
                    }
                case .outputChunk:
                    guard let running = slot.attempt else { continue }
                    do {
                        let (partition, chunk) = try Frame.untag(payload)
                        guard Int(partition) < running.run.partitions else {
                            throw ProtocolError("output for partition \(partition) of \(running.run.partitions)")
                        }
                        try store.append(chunk, to: running.outputs[Int(partition)])
                    } catch {
                        try breakProtocol(w, error)
                    }
                case .taskDone:
                    do {
                        let r = try MessageCoding.decode(TaskResult.self, payload)
                        guard let running = slot.attempt, running.id == r.attempt else { continue }
                        slot.attempt = nil
                        live[running.id] = nil
                        memory.addRemote(r.spilled)
                        let run = running.run
                        if run.done[running.task] == nil {
                            if run.write != nil { try ledger?.record(running.task, r.written ?? []) }
                            if let ranges = r.shuffle, let file = running.shuffleFile {
                                guard ranges.count == run.partitions else {
                                    throw ProtocolError("shuffle ranges for \(ranges.count) of \(run.partitions) partitions")
                                }
                                for (p, partRanges) in ranges.enumerated() { store.append(file, partRanges, to: running.outputs[p]) }
                            }
                            run.done[running.task] = running.outputs
                            run.written[running.task] = r.written ?? []
                            run.remaining -= 1
                            var bytes: Int64 = 0
                            if case .split(_, let split, _) = run.inputs[running.task] { bytes = split.end - split.start }
                            progress?.taskDone(stage: run.stage.id, running.id, rows: r.rowsOut, bytes: bytes, rowsIn: r.rowsIn ?? 0)
                        } else {
                            for b in running.outputs { store.drop(b) }
                        }
                    } catch let e as IOError {
                        // The journal of finished tasks could not be written.
                        throw e
                    } catch {
                        try breakProtocol(w, error)
                    }
                case .taskFailed:
                    do {
                        let f = try MessageCoding.decode(TaskFailure.self, payload)
                        guard let running = slot.attempt, running.id == f.attempt else { continue }
                        slot.attempt = nil
                        if f.userError {
                            progress?.attemptFailed(stage: running.run.stage.id, running.id)
                            throw RemoteTaskError(message: f.message, status: ExitStatus(rawValue: f.status) ?? .dataError)
                        }
                        try retry(running, reason: f.message)
                    } catch let e as RemoteTaskError {
                        throw e
                    } catch let e as TaskFailedError {
                        throw e
                    } catch {
                        try breakProtocol(w, error)
                    }
                default:
                    try breakProtocol(w, ProtocolError("unexpected \(kind) frame from a worker"))
                }
            }
            try checkHeartbeats()
        }
    }

    /// Whether a stage's shuffle files are compressed (`sluice.shuffle.compress`). On one
    /// machine the files are read back from the page cache faster than zstd compresses, so
    /// `auto` compresses only when the stage reads more than the run's whole memory budget:
    /// then its output may not stay in memory either, and disk space and I/O are what count.
    private func compressesShuffle(_ inputs: [TaskInput], scanBytes: Int64, store: ChunkStore) -> Bool {
        switch settings.string("sluice.shuffle.compress") {
        case "true": return true
        case "false": return false
        default:
            var bytes = scanBytes
            for case .buffers(let ids) in inputs {
                for ref in store.shuffleRefs(ids) ?? [] {
                    for r in ref.ranges { bytes += r.rawLength ?? r.length }
                }
            }
            return bytes > Int64(memory.totalBytes)
        }
    }

    private func describe(_ input: TaskInput) -> TaskMessage.Input {
        switch input {
        case .split(let s, let sp, let columns): return .split(s, sp, columns: columns)
        case .buffers: return .chunks
        case .oneRow: return .oneRow
        }
    }

    /// Sends a task: its message, each of its build sides that travels as frames (the
    /// stage's broadcast ones when the worker does not have them yet, then the task's
    /// partitions of its shuffled joins' that are not in shuffle files), then its input
    /// chunks when they are not in shuffle files; each section ends in `inputEnd`.
    private func send(_ message: TaskMessage, builds: [(op: Int, buffers: [ChunkStore.BufferID])], input: [ChunkStore.BufferID]?,
                      store: ChunkStore, to slot: Slot) throws {
        let writer = slot.process.writer
        try writer.send(.task, try MessageCoding.encode(message))
        for b in builds {
            for id in b.buffers {
                try store.chunks(id).each { try writer.send(.buildChunk, Frame.tagged(UInt32(b.op), $0)); return true }
            }
            try writer.send(.inputEnd)
        }
        if let ids = input {
            for id in ids {
                try store.chunks(id).each { try writer.send(.inputChunk, Frame.tagged(0, $0)); return true }
            }
            try writer.send(.inputEnd)
        }
    }

    /// A worker that broke the protocol is killed and replaced; its attempt is retried.
    private func breakProtocol(_ w: Int, _ error: Error) throws {
        let lost = workers[w].attempt
        try replace(w, reason: "broke the protocol (\(error))")
        if let lost { try retry(lost, reason: "\(error)") }
    }

    private func retry(_ attempt: Running, reason: String) throws {
        let run = attempt.run, task = attempt.task
        run.failures[task] += 1
        progress?.attemptFailed(stage: run.stage.id, attempt.id)
        if run.failures[task] >= maxFailures {
            throw TaskFailedError(task: task, attempts: run.failures[task], reason: reason)
        }
        logger.warning("task \(task) failed (\(reason)); attempt \(run.failures[task] + 1) of \(maxFailures)")
        run.pending.insert(task, at: 0)
    }

    /// A busy worker silent for longer than the heartbeat timeout (stopped, or hung) is
    /// killed; its exit is then handled as any other.
    private func checkHeartbeats() throws {
        let now = monotonicSeconds()
        for slot in workers where now - slot.lastHeard > heartbeatTimeout {
            logger.warning("worker \(slot.process.pid) sent no heartbeat for \(heartbeatTimeout) s; killing it")
            slot.process.signal(SIGKILL)
            slot.lastHeard = now
        }
    }
}

/// A task that failed on every attempt it was allowed (exit 70: not the data's fault).
struct TaskFailedError: SluiceError {
    var task: Int
    var attempts: Int
    var reason: String
    var exitStatus: ExitStatus { .software }
    var description: String {
        "[TASK_FAILED] task \(task) failed \(attempts) times (spark.task.maxFailures); the last failure: \(reason)"
    }
}

/// Starts a detached thread.
enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        pthread_create(&tid, nil, { arg in
            let b = Unmanaged<AnyObject>.fromOpaque(arg!).takeRetainedValue()
            (b as! Box).body()
            return nil
        }, box)
        pthread_detach(tid)
    }
}
