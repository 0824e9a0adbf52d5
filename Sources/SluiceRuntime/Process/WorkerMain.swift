import CSluiceShims
import Dispatch
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The loop of a worker process (CPython's `multiprocessing.pool.worker` in spirit):
/// read a task, run it, answer with exactly one `taskDone` or `taskFailed`; meanwhile,
/// a progress frame five times a second while a split is being read, else a heartbeat
/// every 0.6 s. The worker exits when the supervisor is gone: at end of file on
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
        let progress = AttemptProgress()
        startHeartbeats(writer, progress)
        var worker = Worker(writer: writer, progress: progress)
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

    static func startHeartbeats(_ writer: FrameWriter, _ progress: AttemptProgress) {
        let thread = DispatchQueue(label: "sluice.heartbeat")
        thread.async {
            var last: ProgressReport? = nil
            var quietTicks = 0
            while true {
                usleep(200_000)
                do {
                    if let report = progress.report, report != last {
                        try writer.send(.progress, report.payload)
                        last = report
                        quietTicks = 0
                    } else if quietTicks >= 2 {
                        try writer.send(.heartbeat)
                        quietTicks = 0
                    } else {
                        quietTicks += 1
                    }
                } catch {
                    exit(0)
                }
            }
        }
    }
}

/// What the running attempt has read, shared with the heartbeat thread.
final class AttemptProgress: @unchecked Sendable {
    private let lock = PthreadMutex()
    private var current: ProgressReport?

    var report: ProgressReport? { lock.withLock { current } }

    func update(_ report: ProgressReport?) { lock.withLock { current = report } }
}

/// State a worker keeps between the tasks of a stage: its join build sides.
struct Worker {
    let writer: FrameWriter
    let progress: AttemptProgress
    var stage = -1
    var tables: [Int: JoinHashTable] = [:]
    var spillContexts: [Int: SpillContext] = [:]
    /// Test-only fault injection: after this many output frames, garbage on the pipe.
    var garbageAfter: Int?

    init(writer: FrameWriter, progress: AttemptProgress) {
        self.writer = writer
        self.progress = progress
    }

    /// Runs one attempt. Errors of the task are answered with `taskFailed`; errors of the
    /// pipe propagate (the worker then exits).
    ///
    /// After the message come sections of chunk frames, each ended by `inputEnd`: the
    /// broadcast build sides (when the stage is new to this worker), the task's partitions
    /// of its shuffled joins' build sides, then the input (for a task that reads chunks);
    /// a build partition or an input that is in shuffle files is read from them instead.
    /// Output that later stages read goes to the task's shuffle file when the message
    /// names one, else back as frames.
    /// A task that fails still reads every section to its end, so that the pipe stays in
    /// step for the next task.
    mutating func run(_ m: TaskMessage, _ reader: inout FrameReader) throws {
        ScalarFunctions.runStart = m.runStart
        if m.stage != stage {
            stage = m.stage
            tables = [:]
        }
        var inputChunks = false
        if case .chunks = m.input { inputChunks = true }
        let framedBuilds = m.partitionedBuildFiles.filter { $0 == nil }.count
        var sectionsLeft = m.buildOperators.count + framedBuilds + (inputChunks ? 1 : 0)
        for op in m.buildOperators {
            var chunks: [Chunk] = []
            sectionsLeft -= 1
            try readSection(&reader, .buildChunk) { chunks.append($0) }
            guard case .hashJoin(let spec) = m.operators[op] else { throw ProtocolError("operator \(op) is not a join") }
            do {
                tables[op] = try JoinHashTable(chunks: chunks, types: spec.buildTypes, keys: spec.buildKeys)
            } catch {
                try skipSections(sectionsLeft, &reader)
                return try fail(m, error)
            }
        }
        let writer = self.writer, garbageAfter = self.garbageAfter
        var frames = 0
        let spill: SpillContext?
        let spilledBefore: SpillStats
        if let scratch = m.scratch {
            spill = try spillContext(scratch: scratch, budgetBytes: m.memoryBudget, level: m.zstdLevel)
            spilledBefore = spill!.stats
        } else {
            spill = nil
            spilledBefore = SpillStats()
        }
        var partitioner: PartitioningConsumer? = nil
        var fileWriter: PartitionedFileWriter? = nil
        var shuffleWriter: ShuffleFileWriter? = nil
        var rowsIn = 0
        do {
            let sink: ChunkConsumer
            if let spec = m.write {
                fileWriter = try PartitionedFileWriter(spec: spec, task: m.task, attempt: m.attempt, inputTypes: m.outputTypes, spill: spill)
                sink = fileWriter!
            } else {
                if let path = m.shuffleFile {
                    shuffleWriter = try ShuffleFileWriter(path: path, partitions: m.partitions, compressionLevel: m.compressShuffle ? m.zstdLevel : nil)
                }
                let shuffle = shuffleWriter
                partitioner = try PartitioningConsumer(keys: m.partitionKeys, partitions: m.partitions) { partition, chunk in
                    frames += 1
                    if let garbageAfter, frames > garbageAfter {
                        // What a corrupted worker would do: bytes that are no frame at all.
                        let junk = [UInt8](repeating: 0x5A, count: 64)
                        _ = try junk.withUnsafeBytes { try writer.fd.writeAll($0) }
                    }
                    if let shuffle {
                        try shuffle.append(chunk, partition: partition)
                    } else {
                        try writer.send(.outputChunk, Frame.tagged(UInt32(partition), chunk))
                    }
                }
                sink = partitioner!
            }
            let pipeline = try TaskPipeline(m.operators, inputTypes: m.inputTypes, sink: sink, joinTables: tables, spill: spill)
            for (i, op) in m.partitionedBuildOperators.enumerated() {
                guard let join = pipeline.partitionedJoins[op] else { throw ProtocolError("operator \(op) is not a shuffled join") }
                if i < m.partitionedBuildFiles.count, let refs = m.partitionedBuildFiles[i] {
                    var files = ShuffleChunkReader(refs)
                    defer { files.close() }
                    while let c = try files.next() { try join.addBuild(c) }
                } else {
                    sectionsLeft -= 1
                    try readSection(&reader, .buildChunk) { try join.addBuild($0) }
                }
                try join.finishBuild()
            }
            let head = pipeline.head
            switch m.input {
            case .split(let source, let split, let columns):
                let counter = CountingConsumer(head)
                let progress = self.progress, attempt = m.attempt
                defer { progress.update(nil) }
                try CSVSource(source).read(CSVSourceSplit(split: split), columns: columns, into: counter) { rows, bytes in
                    progress.update(ProgressReport(attempt: attempt, rows: rows, bytes: bytes))
                }
                rowsIn = counter.rows
            case .oneRow:
                _ = try head.consume(Chunk(columns: [], count: 1))
            case .chunks:
                var wanted = true
                sectionsLeft -= 1
                try readSection(&reader, .inputChunk) { if wanted { wanted = try head.consume($0) } }
            case .files(let refs):
                var files = ShuffleChunkReader(refs)
                defer { files.close() }
                while let c = try files.next() {
                    if !(try head.consume(c)) { break }
                }
            }
            try head.finish()
        } catch let e as ProtocolError {
            shuffleWriter?.abandon()
            throw e
        } catch {
            shuffleWriter?.abandon()
            try skipSections(sectionsLeft, &reader)
            return try fail(m, error)
        }
        let shuffled: [[ShuffleRange]]?
        do {
            shuffled = try shuffleWriter?.finish()
        } catch {
            shuffleWriter?.abandon()
            return try fail(m, error)
        }
        var spilled = spill?.stats ?? SpillStats()
        spilled.subtract(spilledBefore)
        if let s = shuffleWriter, s.compresses, s.chunks > 0 {
            // Compressed because the stage's data exceeds the run's memory: a spill to scratch.
            var shuffle = SpillStats()
            shuffle.spills = 1
            shuffle.byKind[SpillKind.shuffle.rawValue] = 1
            shuffle.files = 1
            shuffle.chunks = s.chunks
            shuffle.rawBytes = s.rawBytes
            shuffle.compressedBytes = s.bytes
            spilled.add(shuffle)
        }
        let result = TaskResult(attempt: m.attempt, rowsOut: fileWriter?.rows ?? partitioner?.rows ?? 0, spilled: spilled, written: fileWriter?.written, rowsIn: rowsIn, shuffle: shuffled)
        try writer.send(.taskDone, try MessageCoding.encode(result))
    }

    /// Reads one section of `kind` frames up to its `inputEnd`, handing each chunk to
    /// `body`. An error of `body` is thrown once the whole section has been read; a frame
    /// that is not a chunk of the section breaks the protocol.
    private func readSection(_ reader: inout FrameReader, _ kind: FrameKind, _ body: (Chunk) throws -> Void) throws {
        var failure: Error? = nil
        while true {
            guard let (k, payload) = try reader.next() else { throw ProtocolError("pipe closed during a task's \(kind) frames") }
            if k == .inputEnd { break }
            guard k == kind else { throw ProtocolError("unexpected \(k) frame among \(kind) frames") }
            let chunk: Chunk
            do { chunk = try Frame.untag(payload).1 } catch { throw ProtocolError("a \(kind) frame that does not decode: \(error)") }
            if failure == nil {
                do { try body(chunk) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    /// Reads and drops the next `count` sections of a task that failed.
    private func skipSections(_ count: Int, _ reader: inout FrameReader) throws {
        var left = count
        while left > 0 {
            guard let (kind, _) = try reader.next() else { throw ProtocolError("pipe closed during a task's input") }
            if kind == .inputEnd { left -= 1 }
        }
    }

    /// The spill context for a budget, kept for the worker's life (one per budget).
    private mutating func spillContext(scratch path: String, budgetBytes: Int, level: Int) throws -> SpillContext {
        if let c = spillContexts[budgetBytes], c.scratch.path == path { return c }
        let c = SpillContext(scratch: ScratchDirectory(adopting: path), budgetBytes: budgetBytes, zstdLevel: level)
        spillContexts[budgetBytes] = c
        return c
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
