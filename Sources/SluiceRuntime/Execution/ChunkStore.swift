import SluiceCore
import SluiceExec

/// The stage outputs a run holds between stages (shuffle partitions, gathered results,
/// join build sides), as numbered buffers of chunks. Buffers stay in memory while the
/// store's bytes are within its budget; past it, the largest buffers in memory are
/// written to zstd spill files in the run's scratch directory and read back when a task
/// reads its input.
///
/// ```
///  append(buffer, chunk) ──> memory segment ──(over budget: largest first)──> spill file
///  chunks(buffer)        ──> the buffer's segments in order, files decoded as they are read
///  drop(buffer)          ──> memory freed, files deleted
/// ```
///
/// Safe from any thread: thread mode's tasks read while the supervisor appends.
public final class ChunkStore: @unchecked Sendable {
    public typealias BufferID = Int

    private enum Segment {
        case memory([Chunk])
        case file(ScratchFile)
        /// Chunks being written to a file by another thread: the file takes this place, so
        /// that the buffer keeps its order whoever finishes first. The chunks stay here
        /// until then: in thread mode a task may read a finished stage's buffer while
        /// another task's append spills it.
        case writing(Int, [Chunk])
        /// Ranges of a worker's shuffle file (process mode): on disk, not counted in memory;
        /// the file goes when the last buffer that names it is dropped.
        case shuffle(ScratchFile, [ShuffleRange])
    }

    private struct Buffer {
        var segments: [Segment] = []
        /// Bytes of the last segment when it is in memory (the one appends go to).
        var memoryBytes = 0
    }

    private let lock = PthreadMutex()
    private var buffers: [BufferID: Buffer] = [:]
    private var nextID = 0
    private var nextWrite = 0
    private var memoryBytes = 0
    /// Bytes the store may hold in memory; nil: unlimited (no scratch directory).
    private let budget: Int?
    private let spill: SpillContext?

    /// A store that spills past `budgetBytes` through `spill`; without a context, it keeps
    /// everything in memory.
    public init(spill: SpillContext?, budgetBytes: Int) {
        self.spill = spill
        budget = spill == nil ? nil : max(budgetBytes, 1)
    }

    /// A new, empty buffer.
    public func makeBuffer() -> BufferID {
        lock.withLock {
            nextID += 1
            buffers[nextID] = Buffer()
            return nextID
        }
    }

    /// Adds a chunk at the end of a buffer; may spill buffers to stay within the budget.
    public func append(_ chunk: Chunk, to id: BufferID) throws {
        guard chunk.count > 0 else { return }
        let bytes = SortOperator.memoryBytes(of: chunk)
        let victims: [(BufferID, Int, [Chunk])] = lock.withLock {
            guard var b = buffers[id] else { return [] }
            if case .memory(var chunks)? = b.segments.last {
                chunks.append(chunk)
                b.segments[b.segments.count - 1] = .memory(chunks)
            } else {
                b.segments.append(.memory([chunk]))
            }
            b.memoryBytes += bytes
            buffers[id] = b
            memoryBytes += bytes
            return takeVictims()
        }
        for (victim, token, chunks) in victims { try write(chunks, of: victim, token: token) }
    }

    /// Adds a worker's shuffle file ranges at the end of a buffer.
    func append(_ file: ScratchFile, _ ranges: [ShuffleRange], to id: BufferID) {
        guard !ranges.isEmpty else { return }
        lock.withLock {
            guard var b = buffers[id] else { return }
            b.segments.append(.shuffle(file, ranges))
            buffers[id] = b
        }
    }

    /// The shuffle files that hold every chunk of `ids`, in order; nil when some chunks
    /// are only in memory or in spill files (they then travel as frames).
    func shuffleRefs(_ ids: [BufferID]) -> [ShuffleFileRef]? {
        lock.withLock {
            var refs: [ShuffleFileRef] = []
            for id in ids {
                for segment in buffers[id]?.segments ?? [] {
                    guard case .shuffle(let file, let ranges) = segment else { return nil }
                    refs.append(ShuffleFileRef(path: file.path, ranges: ranges))
                }
            }
            return refs
        }
    }

    /// Every chunk of a buffer, in the order appended.
    public func chunks(_ id: BufferID) -> ChunkSequence {
        let segments = lock.withLock { buffers[id]?.segments ?? [] }
        return ChunkSequence(segments: segments.map {
            switch $0 {
            case .memory(let c), .writing(_, let c): return .memory(c)
            case .file(let f): return .file(f)
            case .shuffle(let f, let ranges): return .shuffle(f, ranges)
            }
        }, readBufferSize: spill?.readBufferSize ?? (1 << 20))
    }

    /// Frees a buffer: its chunks in memory and its files.
    public func drop(_ id: BufferID) {
        let freed = lock.withLock { () -> [Segment] in
            guard let b = buffers.removeValue(forKey: id) else { return [] }
            memoryBytes -= b.memoryBytes
            return b.segments
        }
        for case .file(let f) in freed { try? f.remove() }
    }

    /// Bytes held in memory now.
    public var bytesInMemory: Int { lock.withLock { memoryBytes } }

    /// Called with the lock held: while over budget, takes the largest in-memory tail
    /// segments out of their buffers (their bytes no longer counted) for writing, leaving
    /// a ``Segment/writing(_:_:)`` mark in their place.
    private func takeVictims() -> [(BufferID, Int, [Chunk])] {
        guard let budget, memoryBytes > budget else { return [] }
        var out: [(BufferID, Int, [Chunk])] = []
        while memoryBytes > budget / 2 {
            guard let (id, b) = buffers.max(by: { $0.value.memoryBytes < $1.value.memoryBytes }), b.memoryBytes > 0,
                  case .memory(let chunks)? = b.segments.last else { break }
            var taken = b
            nextWrite += 1
            taken.segments[taken.segments.count - 1] = .writing(nextWrite, chunks)
            memoryBytes -= b.memoryBytes
            taken.memoryBytes = 0
            buffers[id] = taken
            out.append((id, nextWrite, chunks))
        }
        return out
    }

    /// Writes chunks taken from a buffer to a spill file and puts the file where its mark is.
    private func write(_ chunks: [Chunk], of id: BufferID, token: Int) throws {
        guard let spill else { return }
        let (file, writer) = try spill.createFile(prefix: "shuffle")
        spill.countSpill(.shuffle)
        for c in chunks { try writer.append(c) }
        try spill.finish(writer)
        let placed: Bool = lock.withLock {
            guard var b = buffers[id], let at = b.segments.firstIndex(where: {
                if case .writing(token, _) = $0 { return true }
                return false
            }) else { return false }
            b.segments[at] = .file(file)
            buffers[id] = b
            return true
        }
        if !placed { try? file.remove() }
    }
}

/// The chunks of a ``ChunkStore`` buffer, read in order; spill files are decoded as the
/// iteration reaches them.
public struct ChunkSequence {
    enum Part {
        case memory([Chunk])
        case file(ScratchFile)
        case shuffle(ScratchFile, [ShuffleRange])
    }

    let segments: [Part]
    let readBufferSize: Int

    public func makeIterator() -> Iterator { Iterator(parts: segments, readBufferSize: readBufferSize) }

    /// Reads the chunks one by one; a spill file that cannot be read is an error, never a
    /// silent end.
    public struct Iterator {
        var parts: ArraySlice<Part>
        let readBufferSize: Int
        var memory: ArraySlice<Chunk> = []
        var reader: SpillFileReader?
        var shuffle: ShuffleChunkReader?
        /// Keeps the shuffle file being read from removal.
        var shuffleFile: ScratchFile?

        init(parts: [Part], readBufferSize: Int) {
            self.parts = parts[...]
            self.readBufferSize = readBufferSize
        }

        /// The next chunk, or nil at the end; a spill file that cannot be read throws.
        public mutating func nextChunk() throws -> Chunk? {
            while true {
                if let c = memory.popFirst() { return c }
                if let r = reader {
                    if let c = try r.next() { return c }
                    r.close()
                    reader = nil
                    continue
                }
                if shuffle != nil {
                    if let c = try shuffle!.next() { return c }
                    shuffle = nil
                    shuffleFile = nil
                    continue
                }
                guard let part = parts.popFirst() else { return nil }
                switch part {
                case .memory(let chunks): memory = chunks[...]
                case .file(let f): reader = try SpillFileReader(path: f.path, bufferSize: readBufferSize)
                case .shuffle(let f, let ranges):
                    shuffle = ShuffleChunkReader([ShuffleFileRef(path: f.path, ranges: ranges)])
                    shuffleFile = f
                }
            }
        }
    }

    /// Calls `body` with each chunk in order until it returns false; a spill file's error
    /// is thrown.
    public func each(_ body: (Chunk) throws -> Bool) throws {
        var it = makeIterator()
        while let c = try it.nextChunk() {
            if !(try body(c)) { return }
        }
    }
}

/// The outputs of a query's finished stages, per stage, task and partition, as buffers of
/// a ``ChunkStore``; both executors keep them so. A stage's output is freed once the last
/// stage that reads it is done; the result stage's rows are collected in order.
final class StageOutputs {
    let store: ChunkStore
    private var buffers: [Int: [[ChunkStore.BufferID]]] = [:]
    private var readers: [Int: Int]
    private(set) var result: [Chunk] = []
    /// The files a write stage's tasks wrote, in task order (successful attempts only).
    var written: [WrittenFile] = []

    /// What the query produced: the result's rows, or the files written.
    var output: QueryOutput { QueryOutput(chunks: result, written: written) }

    init(_ plan: PhysicalPlan, store: ChunkStore) {
        self.store = store
        readers = plan.readerCounts
    }

    deinit {
        for b in buffers.values.joined().joined() { store.drop(b) }
    }

    /// A finished stage's buffers, per task and partition.
    subscript(stage: Int) -> [[ChunkStore.BufferID]] { buffers[stage]! }

    /// What each reduce task of a shuffle from `stage` reads: its partition of every task.
    func shuffleInputs(from stage: Int, partitions: Int) -> [[ChunkStore.BufferID]] {
        let data = self[stage]
        return (0..<partitions).map { p in data.map { $0[p] } }
    }

    /// Every buffer of the stages, in order: a gather's input, a join's build side.
    func all(_ stages: [Int]) -> [ChunkStore.BufferID] {
        stages.flatMap { Array(self[$0].joined()) }
    }

    /// Records `stage` as finished with `data`: frees the inputs no later stage reads,
    /// then keeps its output, or collects it when it is the result.
    func finish(_ stage: StagePlan, _ data: [[ChunkStore.BufferID]]) throws {
        for from in stage.reads {
            readers[from, default: 1] -= 1
            if readers[from] == 0, let done = buffers.removeValue(forKey: from) {
                for b in done.joined() { store.drop(b) }
            }
        }
        switch stage.output {
        case .result: break
        case .write:
            for b in data.joined() { store.drop(b) }
            return
        case .hashPartition, .single:
            buffers[stage.id] = data
            return
        }
        for task in data {
            try store.chunks(task[0]).each { result.append($0); return true }
            store.drop(task[0])
        }
    }
}

/// What a query run produced: the result's chunks, or, for an INSERT, the files its
/// tasks wrote into staging.
public struct QueryOutput: Sendable {
    public var chunks: [Chunk]
    public var written: [WrittenFile]
}
