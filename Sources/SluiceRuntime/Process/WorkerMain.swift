import CSluiceShims
import Dispatch
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The loop of a worker process (CPython's `multiprocessing.pool.worker` in spirit):
/// read a task, run it, answer with exactly one `taskDone` or `taskFailed`; meanwhile a
/// heartbeat every second. The worker exits when the supervisor is gone: at end of file on
/// its command pipe, or at once by SIGKILL from the kernel if the supervisor dies.
public enum WorkerMain {
    public static func run(parent: Int32, garbageAfter: Int? = nil) -> Int32 {
        // The kernel kills us when the supervisor dies; if it already has, stop now.
        _ = sluice_set_parent_death_signal(SIGKILL)
        if getppid() != parent { return 0 }
        let writer = FrameWriter(fd: FileDescriptor(rawValue: 4))
        var reader = FrameReader(fd: FileDescriptor(rawValue: 3))
        do {
            try writer.send(.hello, [Frame.version])
            guard let (kind, _) = try reader.next(), kind == .hello else { return 70 }
        } catch {
            return 70
        }
        startHeartbeats(writer)
        var worker = Worker(writer: writer)
        worker.garbageAfter = garbageAfter
        while true {
            do {
                guard let (kind, payload) = try reader.next() else { return 0 }
                switch kind {
                case .task:
                    let message = try MessageCoding.decode(TaskMessage.self, payload)
                    try worker.run(message, &reader)
                case .shutdown:
                    return 0
                default:
                    throw ProtocolError("unexpected \(kind) frame while idle")
                }
            } catch {
                // The pipe is unusable or the supervisor spoke nonsense: nothing to answer.
                FileDescriptorStderr.write("sluice worker \(getpid()): \(error)\n")
                return 70
            }
        }
    }

    static func startHeartbeats(_ writer: FrameWriter) {
        let thread = DispatchQueue(label: "sluice.heartbeat")
        thread.async {
            while true {
                sleep(1)
                do { try writer.send(.heartbeat) } catch { exit(0) }
            }
        }
    }
}

/// State a worker keeps between the tasks of a stage: its join build sides.
struct Worker {
    let writer: FrameWriter
    var stage = -1
    var tables: [Int: JoinHashTable] = [:]
    var spillContexts: [Int: SpillContext] = [:]
    /// Test-only fault injection: after this many output frames, garbage on the pipe.
    var garbageAfter: Int?

    init(writer: FrameWriter) { self.writer = writer }

    /// Runs one attempt. Errors of the task are answered with `taskFailed`; errors of the
    /// pipe propagate (the worker then exits).
    mutating func run(_ m: TaskMessage, _ reader: inout FrameReader) throws {
        ScalarFunctions.runStart = m.runStart
        if m.stage != stage {
            stage = m.stage
            tables = [:]
        }
        // Build sides that follow the message.
        for op in m.buildOperators {
            var chunks: [Chunk] = []
            while true {
                guard let (kind, payload) = try reader.next() else { throw ProtocolError("pipe closed during a build side") }
                if kind == .inputEnd { break }
                guard kind == .buildChunk else { throw ProtocolError("unexpected \(kind) frame in a build side") }
                chunks.append(try Frame.untag(payload).1)
            }
            guard case .hashJoin(let spec) = m.operators[op] else { throw ProtocolError("operator \(op) is not a join") }
            do {
                tables[op] = try JoinHashTable(chunks: chunks, types: spec.buildTypes, keys: spec.buildKeys)
            } catch {
                try drainInput(m, &reader)
                return try fail(m, error)
            }
        }
        let writer = self.writer, garbageAfter = self.garbageAfter
        var frames = 0
        let partitioner = PartitioningConsumer(keys: m.partitionKeys, partitions: m.partitions) { partition, chunk in
            frames += 1
            if let garbageAfter, frames > garbageAfter {
                // What a corrupted worker would do: bytes that are no frame at all.
                let junk = [UInt8](repeating: 0x5A, count: 64)
                _ = try junk.withUnsafeBytes { try writer.fd.writeAll($0) }
            }
            try writer.send(.outputChunk, Frame.tagged(UInt32(partition), chunk))
        }
        let spill: SpillContext?
        let spilledBefore: SpillStats
        if let scratch = m.scratch {
            spill = try spillContext(scratch: scratch, budgetBytes: m.memoryBudget, level: m.zstdLevel)
            spilledBefore = spill!.stats
        } else {
            spill = nil
            spilledBefore = SpillStats()
        }
        var fileWriter: PartitionedFileWriter? = nil
        var rowsIn = 0
        do {
            let sink: ChunkConsumer
            if let spec = m.write {
                fileWriter = try PartitionedFileWriter(spec: spec, task: m.task, attempt: m.attempt, inputTypes: m.outputTypes, spill: spill)
                sink = fileWriter!
            } else {
                sink = partitioner
            }
            let head = try TaskPipeline.build(m.operators, inputTypes: m.inputTypes, sink: sink, joinTables: tables, spill: spill)
            switch m.input {
            case .split(let source, let split, let columns):
                let counter = CountingConsumer(head)
                try CSVSource(source).read(CSVSourceSplit(split: split), columns: columns, into: counter)
                rowsIn = counter.rows
            case .oneRow:
                _ = try head.consume(Chunk(columns: [], count: 1))
            case .chunks:
                var wanted = true
                while true {
                    guard let (kind, payload) = try reader.next() else { throw ProtocolError("pipe closed during task input") }
                    if kind == .inputEnd { break }
                    guard kind == .inputChunk else { throw ProtocolError("unexpected \(kind) frame in task input") }
                    if wanted { wanted = try head.consume(try Frame.untag(payload).1) }
                }
            }
            try head.finish()
        } catch let e as ProtocolError {
            throw e
        } catch {
            if case .chunks = m.input { try? drainInput(m, &reader) }
            return try fail(m, error)
        }
        var spilled = spill?.stats ?? SpillStats()
        spilled.subtract(spilledBefore)
        let result = TaskResult(attempt: m.attempt, rowsOut: fileWriter?.rows ?? partitioner.rows, spilled: spilled, written: fileWriter?.written, rowsIn: rowsIn)
        try writer.send(.taskDone, try MessageCoding.encode(result))
    }

    /// The spill context for a budget, kept for the worker's life (one per budget).
    private mutating func spillContext(scratch path: String, budgetBytes: Int, level: Int) throws -> SpillContext {
        if let c = spillContexts[budgetBytes], c.scratch.path == path { return c }
        let c = SpillContext(scratch: ScratchDirectory(adopting: path), budgetBytes: budgetBytes, zstdLevel: level)
        spillContexts[budgetBytes] = c
        return c
    }

    /// Reads and drops what is left of a task's input after it failed.
    private func drainInput(_ m: TaskMessage, _ reader: inout FrameReader) throws {
        guard case .chunks = m.input else { return }
        while let (kind, _) = try reader.next(), kind != .inputEnd {}
    }

    private func fail(_ m: TaskMessage, _ error: Error) throws {
        let failure: TaskFailure
        if let e = error as? SluiceError {
            let user = [ExitStatus.usage, .dataError, .noInput].contains(e.exitStatus)
            failure = TaskFailure(attempt: m.attempt, message: e.description, status: e.exitStatus.rawValue, userError: user)
        } else {
            failure = TaskFailure(attempt: m.attempt, message: "\(error)", status: ExitStatus.software.rawValue, userError: false)
        }
        try writer.send(.taskFailed, try MessageCoding.encode(failure))
    }
}

enum FileDescriptorStderr {
    static func write(_ s: String) {
        var s = s
        s.withUTF8 { p in _ = Glibc.write(2, p.baseAddress, p.count) }
    }
}
