import Dispatch

/// Runs a physical plan inside this process: each stage's tasks on up to `threads`
/// threads, shuffles handed over in memory. (Process mode sends the same tasks to
/// worker processes.)
public final class LocalExecutor: @unchecked Sendable {
    let settings: Settings
    let threads: Int
    let memory: RunMemory
    let progress: Progress?
    /// Numbers the task attempts of a write stage (their staging directories and files).
    let attempts = AtomicCounter()

    public init(settings: Settings, threads: Int, memory: RunMemory, progress: Progress? = nil) {
        self.settings = settings
        self.threads = max(1, threads)
        self.memory = memory
        self.progress = progress
    }

    /// Runs every stage and returns the result's chunks in order. Stage outputs wait in a
    /// ``ChunkStore`` (per task, per partition) within the supervisor's share of memory,
    /// and are dropped once the last stage that reads them is done. Stages of a wave
    /// (``PhysicalPlan/waves``) share the threads: their tasks run from one queue.
    public func run(_ plan: PhysicalPlan, ledger: TaskLedger? = nil) throws -> QueryOutput {
        let store = ChunkStore(spill: try memory.spillContext(budgetBytes: memory.shareBytes), budgetBytes: memory.shareBytes)
        let outputs = StageOutputs(plan, store: store)
        for wave in plan.waves {
            let runs = try wave.map { try prepare(plan.stages[$0], index: $0, of: plan.stages.count, outputs, store, ledger: ledger) }
            let tasks = runs.enumerated().flatMap { k, r in (0..<r.taskCount).map { (k, $0) } }
            let failed: @Sendable () -> Bool = { runs.contains { $0.errors.any } }
            if threads == 1 || tasks.count <= 1 {
                for (k, t) in tasks {
                    runs[k].run(t)
                    if runs[k].errors[t] != nil { break }
                }
            } else {
                let next = AtomicCounter()
                DispatchQueue.concurrentPerform(iterations: min(threads, tasks.count)) { _ in
                    while true {
                        let i = next.increment() - 1
                        if i >= tasks.count || failed() { break }
                        runs[tasks[i].0].run(tasks[i].1)
                    }
                }
            }
            // The first failing task (in stage and task order) decides the error, so that
            // the same input gives the same message whatever the timing.
            for r in runs {
                for t in 0..<r.taskCount { if let e = r.errors[t] { throw e } }
            }
            for r in runs {
                progress?.finishStage(r.stage.id)
                if case .write = r.stage.output { outputs.written = (0..<r.taskCount).flatMap { r.written[$0] ?? [] } }
                try outputs.finish(r.stage, r.buffers)
            }
        }
        return outputs.output
    }

    /// A stage set up to run: its tasks' inputs and output buffers, and what they report.
    private struct StageRun: @unchecked Sendable {
        let stage: StagePlan
        let taskCount: Int
        let buffers: [[ChunkStore.BufferID]]
        let errors: ResultSlots<Error>
        let written: ResultSlots<[WrittenFile]>
        let run: @Sendable (Int) -> Void
    }

    /// Sets up a stage: its inputs, its broadcast build sides (built once, shared by its
    /// tasks; each task of a shuffled join builds its own partition), its output buffers.
    private func prepare(_ stage: StagePlan, index: Int, of stageCount: Int, _ outputs: StageOutputs, _ store: ChunkStore,
                         ledger: TaskLedger?) throws -> StageRun {
        let inputs = try taskInputs(stage, outputs)
        let scanBytes = inputs.reduce(Int64(0)) {
            if case .split(_, let split) = $1, let csv = split as? CSVSourceSplit { return $0 + csv.split.end - csv.split.start }
            return $0
        }
        progress?.startStage(stage.id, index: index, of: stageCount, tasks: inputs.count, label: stage.label, bytes: scanBytes)
        let builds = try JoinBuilds(stage, outputs)
        var tables: [Int: JoinHashTable] = [:]
        for (i, buffers) in builds.broadcast {
            guard case .hashJoin(let j) = stage.operators[i] else { continue }
            var chunks: [Chunk] = []
            for b in buffers {
                try store.chunks(b).each { chunks.append($0); return true }
            }
            tables[i] = try JoinHashTable(chunks: chunks, types: j.buildTypes, keys: j.buildKeys)
        }
        let joinTables = tables
        let partitionedBuilds = builds.partitioned
        let partitions: Int
        switch stage.output {
        case .hashPartition(_, let p): partitions = p
        default: partitions = 1
        }
        let spill = try memory.spillContext(budgetBytes: memory.operatorBudget(stage.operators))
        let taskCount = inputs.count
        let buffers = (0..<taskCount).map { _ in (0..<partitions).map { _ in store.makeBuffer() } }
        let errors = ResultSlots<Error>(count: taskCount)
        let written = ResultSlots<[WrittenFile]>(count: taskCount)
        let progress = self.progress
        let isWrite: Bool
        if case .write = stage.output { isWrite = true } else { isWrite = false }
        let finished = isWrite ? ledger?.finished ?? [:] : [:]
        let run: @Sendable (Int) -> Void = { t in
            do {
                if let files = finished[t] {
                    // Finished by an earlier coordinator: its staged files stand.
                    written[t] = files
                    return
                }
                try ledger?.check()
                let (rows, files, rowsIn) = try self.runTask(stage, task: t, inputs[t], into: buffers[t], store: store, joinTables: joinTables,
                                                             partitionedBuilds: partitionedBuilds.map { ($0.op, $0.tasks[t]) }, spill: spill)
                if isWrite { try ledger?.record(t, files) }
                written[t] = files
                var bytes: Int64 = 0
                if case .split(_, let split) = inputs[t], let csv = split as? CSVSourceSplit { bytes = csv.split.end - csv.split.start }
                progress?.taskDone(stage: stage.id, t, rows: rows, bytes: bytes, rowsIn: rowsIn)
            } catch {
                errors[t] = error
            }
        }
        return StageRun(stage: stage, taskCount: taskCount, buffers: buffers, errors: errors, written: written, run: run)
    }

    /// What each task of a stage reads.
    private enum TaskInput: @unchecked Sendable {
        case split(ScanSpec, any SourceSplit)
        case buffers([ChunkStore.BufferID])
        case oneRow
    }

    private func taskInputs(_ stage: StagePlan, _ outputs: StageOutputs) throws -> [TaskInput] {
        switch stage.input {
        case .scan(let spec):
            guard let source = spec.source as? ExecutableSource else {
                throw InternalError("source \(spec.source.displayName) cannot be executed")
            }
            let splits = try source.splits(partitionFilters: spec.partitionFilters, settings: settings)
            return splits.map { .split(spec, $0) }
        case .oneRow:
            return [.oneRow]
        case .shuffle(let from, let partitions):
            return outputs.shuffleInputs(from: from, partitions: partitions).map { .buffers($0) }
        case .gather(let from):
            return [.buffers(outputs.all(from))]
        }
    }

    /// Runs one task; returns its rows out and, for a write stage, the files it wrote.
    private func runTask(_ stage: StagePlan, task: Int, _ input: TaskInput, into buffers: [ChunkStore.BufferID], store: ChunkStore,
                         joinTables: [Int: JoinHashTable], partitionedBuilds: [(op: Int, buffers: [ChunkStore.BufferID])],
                         spill: SpillContext) throws -> (Int, [WrittenFile], Int) {
        let inputTypes: [DataType]
        switch input {
        case .split(let spec, _): inputTypes = spec.columns.map { spec.source.schema[$0].type }
        case .buffers: inputTypes = stage.inputTypes
        case .oneRow: inputTypes = []
        }
        var keys: [Expression]? = nil
        if case .hashPartition(let k, _) = stage.output { keys = k }
        let sink: ChunkConsumer
        var writer: PartitionedFileWriter? = nil
        var partitioner: PartitioningConsumer? = nil
        if case .write(let spec) = stage.output {
            writer = try PartitionedFileWriter(spec: spec, task: task, attempt: attempts.increment(), inputTypes: stage.outputTypes, spill: spill)
            sink = writer!
        } else {
            partitioner = try PartitioningConsumer(keys: keys, partitions: buffers.count) { partition, chunk in
                try store.append(chunk, to: buffers[partition])
            }
            sink = partitioner!
        }
        let pipeline = try TaskPipeline(stage.operators, inputTypes: inputTypes, sink: sink, joinTables: joinTables, spill: spill)
        for (op, ids) in partitionedBuilds {
            guard let join = pipeline.partitionedJoins[op] else { throw InternalError("no shuffled join at operator \(op)") }
            for id in ids {
                try store.chunks(id).each { try join.addBuild($0); return true }
            }
            try join.finishBuild()
        }
        let head = pipeline.head
        var rowsIn = 0
        switch input {
        case .split(let spec, let split):
            let source = spec.source as! ExecutableSource
            let counter = CountingConsumer(head)
            let progress = self.progress
            try source.read(split, columns: spec.columns, into: counter) { rows, bytes in
                progress?.running(stage: stage.id, task, rowsIn: rows, bytes: bytes)
            }
            rowsIn = counter.rows
        case .buffers(let ids):
            var more = true
            for id in ids where more {
                try store.chunks(id).each { c in
                    more = try head.consume(c)
                    return more
                }
            }
        case .oneRow:
            _ = try head.consume(Chunk(columns: [], count: 1))
        }
        try head.finish()
        if let writer { return (writer.rows, writer.written, rowsIn) }
        return (partitioner!.rows, [], rowsIn)
    }
}

/// Per-task result slots written from several threads, each slot by one task.
final class ResultSlots<T>: @unchecked Sendable {
    private var values: [T?]
    private let lock = PthreadMutex()

    init(count: Int) { values = Array(repeating: nil, count: count) }

    private var filled = false

    subscript(i: Int) -> T? {
        get { lock.withLock { values[i] } }
        set { lock.withLock { values[i] = newValue; if newValue != nil { filled = true } } }
    }

    /// Whether any slot holds a value.
    var any: Bool { lock.withLock { filled } }
}

/// A counter shared by the threads of a stage.
final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = PthreadMutex()
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
