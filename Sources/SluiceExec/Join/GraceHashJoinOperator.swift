/// A hash join that holds its own build side within a memory budget: the join of one
/// shuffle partition of each side, as a shuffled hash join's task runs it. The build rows
/// come through ``addBuild(_:)`` and ``finishBuild()``; then the probe rows are pushed
/// through ``consume(_:)`` as through any operator.
///
/// While the build rows fit the budget it is a ``HashJoinOperator`` over them. Past the
/// budget it becomes a hybrid grace hash join (as DuckDB's and Spark's out-of-core joins):
///
/// ```
///  addBuild ── over budget ─> rows split 16 ways by 4 bits of a seeded rehash of the key
///                │             hash; the largest partitions go to build files until the
///                │             rest fits, and later rows of a spilled partition follow them
///  finishBuild ─> one table over the partitions still in memory
///  consume ─> a probe row of a partition in memory (or with a NULL key) ─> joined at once
///          └> a probe row of a spilled partition ─> that partition's probe file
///  finish ─> full outer: the table's unmatched build rows
///         ─> per spilled partition: a join one level down (another seed) of its build file
///            and its probe file, spilling again if the partition still does not fit
/// ```
///
/// Equal keys hash alike on both sides, so all rows of a key land in the same partition on
/// both, and each partition's join is complete on its own: a probe row unmatched in its
/// partition is unmatched (left outer, anti), a build row no probe row of its partition
/// matched is emitted once, after that partition (full outer). Rows with a NULL key never
/// match; such probe rows are joined at once, as unmatched. After ``levels`` levels a
/// partition is joined in memory whatever its size (one key too frequent to split).
public final class GraceHashJoinOperator: ChunkConsumer {
    static let fanOut = 16
    /// Levels that may spill (0 ..< levels); a join at the last level keeps everything.
    static let levels = 4

    let type: JoinType
    let buildKeys: [Expression]
    let probeKeys: [Expression]
    let buildKeyPrograms: [ExpressionProgram]
    let probeKeyPrograms: [ExpressionProgram]
    let condition: Expression?
    /// Whether the probe side is the join's left side (else the build side is).
    let probeIsLeft: Bool
    let probeTypes: [DataType]
    let buildTypes: [DataType]
    let downstream: ChunkConsumer
    /// The budget and scratch space; nil keeps the whole build side in memory.
    let spill: SpillContext?
    let level: Int
    /// Mixed into the key hash to pick partitions, different at each level, so that a
    /// partition split again spreads over all 16 of the next level.
    let seed: UInt64

    /// Build rows before the first spill.
    private var held: [Chunk] = []
    /// Once partitioned: the build rows of each partition kept in memory.
    private var parts: [[Chunk]] = []
    private var partBytes: [Int] = Array(repeating: 0, count: fanOut)
    /// Bytes of the build rows in memory (and of the table they will make).
    private var heldBytes = 0
    private var partitioned = false
    private var spilled = [Bool](repeating: false, count: fanOut)
    /// The two sides' files of a spilled partition.
    private enum Side: Int {
        case build = 0, probe = 1
    }
    /// Each spilled partition's files by side, and their writers until finished (a
    /// finished writer is dropped with its buffer).
    private var files: [[ScratchFile?]] = Array(repeating: Array(repeating: nil, count: fanOut), count: 2)
    private var writers: [[SpillFileWriter?]] = Array(repeating: Array(repeating: nil, count: fanOut), count: 2)
    /// The join of the build rows in memory, once the build side is complete.
    private var joiner: HashJoinOperator?
    /// Set when downstream wants no more rows.
    public private(set) var stopped = false

    /// A join whose build side stays within `spill`'s budget (all in memory without one).
    public convenience init(type: JoinType, buildKeys: [Expression], probeKeys: [Expression], condition: Expression?, probeIsLeft: Bool,
                            buildTypes: [DataType], probeTypes: [DataType], downstream: ChunkConsumer, spill: SpillContext?) throws {
        try self.init(type: type, buildKeys: buildKeys, probeKeys: probeKeys, condition: condition, probeIsLeft: probeIsLeft,
                      buildTypes: buildTypes, probeTypes: probeTypes, downstream: downstream, spill: spill, level: 0)
    }

    init(type: JoinType, buildKeys: [Expression], probeKeys: [Expression], condition: Expression?, probeIsLeft: Bool,
         buildTypes: [DataType], probeTypes: [DataType], downstream: ChunkConsumer, spill: SpillContext?, level: Int) throws {
        precondition(!buildKeys.isEmpty && buildKeys.count == probeKeys.count, "a grace hash join needs equality keys")
        self.type = type
        self.buildKeys = buildKeys
        self.probeKeys = probeKeys
        buildKeyPrograms = try buildKeys.map { try ExpressionProgram($0) }
        probeKeyPrograms = try probeKeys.map { try ExpressionProgram($0) }
        self.condition = condition
        self.probeIsLeft = probeIsLeft
        self.buildTypes = buildTypes
        self.probeTypes = probeTypes
        self.downstream = downstream
        self.spill = spill
        self.level = level
        seed = 0x9E37_79B9_7F4A_7C15 &* UInt64(level + 1)
    }

    /// The same join one level down, for one spilled partition.
    private func nextLevel() throws -> GraceHashJoinOperator {
        try GraceHashJoinOperator(type: type, buildKeys: buildKeys, probeKeys: probeKeys, condition: condition, probeIsLeft: probeIsLeft,
                                  buildTypes: buildTypes, probeTypes: probeTypes, downstream: downstream, spill: spill, level: level + 1)
    }

    // MARK: Build

    /// Takes build rows; past the budget, partitions and spills them.
    public func addBuild(_ chunk: Chunk) throws {
        precondition(joiner == nil, "build rows after finishBuild()")
        guard chunk.count > 0 else { return }
        var plain = chunk
        plain.origin = nil
        if partitioned {
            try route(plain)
            try relieveMemory()
            return
        }
        held.append(plain)
        heldBytes += JoinHashTable.memoryBytes(of: plain)
        if let spill, level < Self.levels, heldBytes > spill.budgetBytes {
            partitioned = true
            parts = Array(repeating: [], count: Self.fanOut)
            heldBytes = 0
            let chunks = held
            held = []
            for c in chunks { try route(c) }
            try relieveMemory()
        }
    }

    /// Ends the build side: the table of the rows in memory is built, and the build files
    /// are finished. Called before the first probe row (else at it).
    public func finishBuild() throws {
        guard joiner == nil else { return }
        let rows = partitioned ? parts.flatMap { $0 } : held
        held = []
        parts = []
        try finishWriters(.build)
        let table = try JoinHashTable(chunks: rows, types: buildTypes, keys: buildKeys)
        joiner = try HashJoinOperator(table: table, type: type, probeKeys: probeKeys, condition: condition, probeIsLeft: probeIsLeft,
                                      probeTypes: probeTypes, downstream: downstream)
    }

    /// Each row of `chunk` to its partition: its file if the partition spilled, else memory.
    private func route(_ chunk: Chunk) throws {
        let keys = try buildKeyPrograms.map { try $0.evaluate(chunk) }
        for (p, rows) in chunk.split(byPartition: partitionOf(keys, count: chunk.count), partitions: Self.fanOut) {
            if spilled[p] {
                try writer(.build, p).append(rows)
            } else {
                parts[p].append(rows)
                let bytes = JoinHashTable.memoryBytes(of: rows)
                partBytes[p] += bytes
                heldBytes += bytes
            }
        }
    }

    /// While the rows in memory exceed the budget, the largest partition in memory goes to
    /// its build file.
    private func relieveMemory() throws {
        guard let spill else { return }
        while heldBytes > spill.budgetBytes {
            guard let p = (0..<Self.fanOut).filter({ !spilled[$0] && partBytes[$0] > 0 }).max(by: { partBytes[$0] < partBytes[$1] }) else { return }
            let writer = try writer(.build, p)
            for c in parts[p] { try writer.append(c) }
            parts[p] = []
            heldBytes -= partBytes[p]
            partBytes[p] = 0
            spilled[p] = true
            spill.countSpill(.join)
        }
    }

    /// The partition (0 ..< 16) of each row: 4 bits of the seeded rehash of its key hash,
    /// independent of the bits that picked its shuffle partition and its table bucket.
    private func partitionOf(_ keys: [Column], count n: Int) -> [UInt8] {
        let seed = self.seed
        return hashRows(keys, count: n).map { UInt8(truncatingIfNeeded: mixHash($0 ^ seed) >> 60) }
    }

    /// The writer of partition `p`'s file of `side`, the file created at the first row.
    private func writer(_ side: Side, _ p: Int) throws -> SpillFileWriter {
        if let w = writers[side.rawValue][p] { return w }
        let (file, w) = try spill!.createFile(prefix: "join-l\(level)-p\(p)-\(side)")
        files[side.rawValue][p] = file
        writers[side.rawValue][p] = w
        return w
    }

    /// Finishes (and counts) every open writer of `side`, and drops it.
    private func finishWriters(_ side: Side) throws {
        for p in 0..<Self.fanOut {
            guard let w = writers[side.rawValue][p] else { continue }
            writers[side.rawValue][p] = nil
            try spill!.finish(w)
        }
    }

    // MARK: Probe

    public func consume(_ chunk: Chunk) throws -> Bool {
        if stopped { return false }
        try finishBuild()
        guard chunk.count > 0 else { return true }
        guard partitioned && spilled.contains(true) else { return try pass(chunk) }
        let n = chunk.count
        let keys = try probeKeyPrograms.map { try $0.evaluate(chunk) }
        // Partition `fanOut` stands for "joined now": partitions in memory and NULL keys.
        var part = partitionOf(keys, count: n)
        let now = UInt8(Self.fanOut)
        for i in 0..<n where !spilled[Int(part[i])] { part[i] = now }
        for validity in keys.compactMap(\.validity) {
            for i in 0..<n where validity.isNull(i) { part[i] = now }
        }
        for (p, rows) in chunk.split(byPartition: part, partitions: Self.fanOut + 1) {
            if p == Self.fanOut {
                if !(try pass(rows)) { return false }
            } else {
                var plain = rows
                plain.origin = nil
                try writer(.probe, p).append(plain)
            }
        }
        return true
    }

    /// Probe rows to the table in memory.
    private func pass(_ chunk: Chunk) throws -> Bool {
        if !(try joiner!.consume(chunk)) { stopped = true }
        return !stopped
    }

    public func finish() throws {
        try finishRows()
        try downstream.finish()
    }

    /// Everything but downstream's `finish`: the table's unmatched build rows (full outer),
    /// then the join of each spilled partition. Every spill file is deleted by the end.
    func finishRows() throws {
        try finishBuild()
        if !stopped, !(try joiner!.emitUnmatchedBuildRows()) { stopped = true }
        joiner = nil
        try finishWriters(.probe)
        for p in 0..<Self.fanOut where spilled[p] {
            let build = files[Side.build.rawValue][p], probe = files[Side.probe.rawValue][p]
            files[Side.build.rawValue][p] = nil
            files[Side.probe.rawValue][p] = nil
            // Without probe rows, only a full outer join has anything to emit.
            if stopped || (probe == nil && type != .fullOuter) {
                try build?.remove()
                try probe?.remove()
                continue
            }
            let join = try nextLevel()
            if let build { try read(build) { try join.addBuild($0); return true } }
            try join.finishBuild()
            if let probe { try read(probe) { try join.consume($0) } }
            try join.finishRows()
            if join.stopped { stopped = true }
        }
    }

    /// Calls `body` with each chunk of a spill file until it returns false, then deletes it.
    private func read(_ file: ScratchFile, _ body: (Chunk) throws -> Bool) throws {
        let reader = try SpillFileReader(path: file.path, bufferSize: spill!.readBufferSize)
        while let c = try reader.next() {
            if !(try body(c)) { break }
        }
        reader.close()
        try file.remove()
    }
}
