import Dispatch

/// Runs a physical plan inside this process: each stage's tasks on up to `threads`
/// threads, shuffles handed over in memory. (Process mode sends the same tasks to
/// worker processes.)
public final class LocalExecutor: @unchecked Sendable {
    let settings: Settings
    let threads: Int

    public init(settings: Settings, threads: Int) {
        self.settings = settings
        self.threads = max(1, threads)
    }

    /// Output of a finished stage: per task, per partition, its chunks.
    private struct StageOutputData {
        var tasks: [[[Chunk]]]
    }

    /// Runs every stage and returns the result's chunks in order.
    public func run(_ plan: PhysicalPlan) throws -> [Chunk] {
        var outputs: [Int: StageOutputData] = [:]
        var result: [Chunk] = []
        for stage in plan.stages {
            let inputs = try taskInputs(stage, outputs)
            // Build sides of the stage's joins, once, shared by its tasks.
            var tables: [Int: JoinHashTable] = [:]
            for (i, op) in stage.operators.enumerated() {
                if case .hashJoin(let j) = op {
                    let chunks = outputs[j.buildStage]!.tasks.flatMap { $0.flatMap { $0 } }
                    tables[i] = try JoinHashTable(chunks: chunks, types: j.buildTypes, keys: j.buildKeys)
                }
            }
            let joinTables = tables
            let partitions: Int
            switch stage.output {
            case .hashPartition(_, let p): partitions = p
            default: partitions = 1
            }
            let taskCount = inputs.count
            let slots = ResultSlots<[[Chunk]]>(count: taskCount)
            let errors = ResultSlots<Error>(count: taskCount)
            let run: @Sendable (Int) -> Void = { t in
                do {
                    slots[t] = try self.runTask(stage, inputs[t], partitions: partitions, joinTables: joinTables)
                } catch {
                    errors[t] = error
                }
            }
            if threads == 1 || taskCount <= 1 {
                for t in 0..<taskCount {
                    run(t)
                    if errors[t] != nil { break }
                }
            } else {
                let next = AtomicCounter()
                DispatchQueue.concurrentPerform(iterations: min(threads, taskCount)) { _ in
                    while true {
                        let t = next.increment() - 1
                        if t >= taskCount || errors.any { break }
                        run(t)
                    }
                }
            }
            // The first failing task (in task order) decides the error, so that the
            // same input gives the same message whatever the timing.
            for t in 0..<taskCount { if let e = errors[t] { throw e } }
            let data = StageOutputData(tasks: (0..<taskCount).map { slots[$0] ?? Array(repeating: [], count: partitions) })
            if case .result = stage.output {
                for task in data.tasks { result.append(contentsOf: task[0]) }
            } else {
                outputs[stage.id] = data
            }
        }
        return result
    }

    /// What each task of a stage reads.
    private enum TaskInput: @unchecked Sendable {
        case split(ScanSpec, any SourceSplit)
        case chunks([Chunk], types: [DataType])
        case oneRow
    }

    private func taskInputs(_ stage: StagePlan, _ outputs: [Int: StageOutputData]) throws -> [TaskInput] {
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
            let data = outputs[from]!
            return (0..<partitions).map { p in .chunks(data.tasks.flatMap { $0[p] }, types: []) }
        case .gather(let from):
            return [.chunks(from.flatMap { outputs[$0]!.tasks.flatMap { $0.flatMap { $0 } } }, types: [])]
        }
    }

    private func runTask(_ stage: StagePlan, _ input: TaskInput, partitions: Int, joinTables: [Int: JoinHashTable]) throws -> [[Chunk]] {
        let inputTypes: [DataType]
        switch input {
        case .split(let spec, _): inputTypes = spec.columns.map { spec.source.schema[$0].type }
        case .chunks: inputTypes = stage.inputTypes
        case .oneRow: inputTypes = []
        }
        let partitioner: PartitioningConsumer?
        let collector: CollectingConsumer?
        let sink: ChunkConsumer
        if case .hashPartition(let keys, let p) = stage.output {
            let pc = PartitioningConsumer(keys: keys, partitions: p)
            partitioner = pc; collector = nil; sink = pc
        } else {
            let cc = CollectingConsumer()
            partitioner = nil; collector = cc; sink = cc
        }
        let head = try TaskPipeline.build(stage.operators, inputTypes: inputTypes, sink: sink, joinTables: joinTables)
        switch input {
        case .split(let spec, let split):
            let source = spec.source as! ExecutableSource
            try source.read(split, columns: spec.columns, into: head)
        case .chunks(let chunks, _):
            for c in chunks where !(try head.consume(c)) { break }
        case .oneRow:
            _ = try head.consume(Chunk(columns: [], count: 1))
        }
        try head.finish()
        if let partitioner { return partitioner.outputs }
        return [collector!.chunks]
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
