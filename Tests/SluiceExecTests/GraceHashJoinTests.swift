import Testing
@testable import SluiceExec

/// Rows of a join side in chunks of `chunkRows`: (k BIGINT, s STRING, v) where k takes
/// about `keys` values from `firstKey` on, NULL in every 9th row, and s is NULL in every
/// 11th; v is an INT on the probe side and a DOUBLE on the build side.
private func side(rows: Int, firstKey: Int, keys: Int, value: DataType, seed: UInt64, chunkRows: Int = 700) -> [Chunk] {
    var random = Random(state: seed)
    var chunks: [Chunk] = []
    var start = 0
    while start < rows {
        let n = min(chunkRows, rows - start)
        var b = [ColumnBuilder(type: .bigint), ColumnBuilder(type: .string), ColumnBuilder(type: value)]
        for r in start..<(start + n) {
            let k = firstKey + random.below(keys)
            if r % 9 == 0 { b[0].appendNull() } else { b[0].append(int64: Int64(k)) }
            if r % 11 == 0 { b[1].appendNull() } else { b[1].append(string: "key-\(k % 97)") }
            if value == .double { b[2].append(double: Double(random.below(1000)) / 10) } else { b[2].append(int64: Int64(random.below(100))) }
        }
        chunks.append(Chunk(columns: b.map { $0.finish() }, count: n))
        start += n
    }
    return chunks
}

/// What a join test runs: the two sides, the keys over each and the condition.
private struct JoinCase {
    var probe: [Chunk]
    var build: [Chunk]
    var probeKeys: [Expression]
    var buildKeys: [Expression]
    var condition: Expression? = nil
    var probeIsLeft = true

    var probeTypes: [DataType] { probe[0].types }
    var buildTypes: [DataType] { build[0].types }

    /// The rows of the in-memory ``HashJoinOperator`` over the whole build side: the
    /// reference a grace hash join must equal.
    func reference(_ type: JoinType) throws -> [String] {
        let table = try JoinHashTable(chunks: build, types: buildTypes, keys: buildKeys)
        let sink = CollectingConsumer()
        let op = try HashJoinOperator(table: table, type: type, probeKeys: probeKeys, condition: condition, probeIsLeft: probeIsLeft,
                                      probeTypes: probeTypes, downstream: sink)
        for c in probe { _ = try op.consume(c) }
        try op.finish()
        return rows(sink.chunks).map(\.description).sorted()
    }

    /// The rows of a ``GraceHashJoinOperator`` within `spill`'s budget (none: all in memory).
    func grace(_ type: JoinType, spill: SpillContext?, downstream: ChunkConsumer = CollectingConsumer()) throws -> [String] {
        let op = try GraceHashJoinOperator(type: type, buildKeys: buildKeys, probeKeys: probeKeys, condition: condition, probeIsLeft: probeIsLeft,
                                           buildTypes: buildTypes, probeTypes: probeTypes, downstream: downstream, spill: spill)
        for c in build { try op.addBuild(c) }
        try op.finishBuild()
        for c in probe where try !op.consume(c) { break }
        try op.finish()
        guard let sink = downstream as? CollectingConsumer else { return [] }
        #expect(sink.finished)
        return rows(sink.chunks).map(\.description).sorted()
    }
}

/// The same rows (both sorted); on a difference, the counts and a few rows one side lacks.
private func expectSameRows(_ got: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard got != expected else { return }
    var missing = expected, extra: [String] = []
    for r in got {
        if let i = missing.firstIndex(of: r) { missing.remove(at: i) } else { extra.append(r) }
    }
    Issue.record("\(got.count) rows, expected \(expected.count); missing \(missing.count) (first \(missing.prefix(3))), extra \(extra.count) (first \(extra.prefix(3)))",
                 sourceLocation: sourceLocation)
}

private let allTypes: [JoinType] = [.inner, .leftOuter, .fullOuter, .leftSemi, .leftAnti]

/// Probe keys 0 ..< 1500, build keys 500 ..< 2500 (about two build rows a key): matched
/// and unmatched rows on both sides, NULL keys on both.
private func bigintCase(probeRows: Int = 6000, buildRows: Int = 4000) -> JoinCase {
    JoinCase(probe: side(rows: probeRows, firstKey: 0, keys: 1500, value: .int, seed: 1),
             build: side(rows: buildRows, firstKey: 500, keys: 2000, value: .double, seed: 2),
             probeKeys: [col(0, .bigint)], buildKeys: [col(0, .bigint)])
}

@Suite struct GraceHashJoinTests {
    @Test(arguments: allTypes)
    func spilledJoinEqualsTheInMemoryJoin(_ type: JoinType) throws {
        let c = bigintCase()
        let expected = try c.reference(type)
        let stats = try withSpill(budget: 8192) { spill in
            let got = try c.grace(type, spill: spill)
            expectSameRows(got, expected)
            return spill.stats
        }
        #expect(!expected.isEmpty)
        #expect((stats.byKind["join"] ?? 0) > 0, "the build side did not spill: \(stats)")
        let got = try c.grace(type, spill: nil)
        expectSameRows(got, expected)
    }

    @Test(arguments: allTypes)
    func twoKeysAndAConditionAcrossSides(_ type: JoinType) throws {
        // ON l.k = r.k AND l.s = r.s AND r.w > l.v (left: k, s, v; right: k, s, w).
        var c = bigintCase()
        c.probeKeys = [col(0, .bigint), col(1, .string)]
        c.buildKeys = [col(0, .bigint), col(1, .string)]
        c.condition = .compare(.greater, col(5, .double), .cast(col(2, .int), .double, isTry: false))
        let expected = try c.reference(type)
        try withSpill(budget: 8192) { spill in
            let got = try c.grace(type, spill: spill)
            expectSameRows(got, expected)
            #expect(spill.stats.spills > 0)
        }
    }

    @Test func innerJoinBuildingTheLeftSide() throws {
        var c = bigintCase()
        c.probeIsLeft = false
        c.condition = .compare(.less, col(2, .double), .literal(.double(60), .double))
        let expected = try c.reference(.inner)
        try withSpill(budget: 8192) { spill in
            let got = try c.grace(.inner, spill: spill)
            expectSameRows(got, expected)
        }
    }

    @Test(arguments: [JoinType.fullOuter, .leftAnti])
    func partitionsTooBigForTheBudgetAreSplitAgain(_ type: JoinType) throws {
        // A 1 KB budget: the first level's partitions do not fit either, and are joined by
        // partitioning them again (more spills than the 16 partitions of one level).
        let c = bigintCase(probeRows: 8000, buildRows: 8000)
        let expected = try c.reference(type)
        let stats = try withSpill(budget: 1024) { spill in
            let got = try c.grace(type, spill: spill)
            expectSameRows(got, expected)
            return spill.stats
        }
        #expect((stats.byKind["join"] ?? 0) > GraceHashJoinOperator.fanOut, "\(stats)")
    }

    @Test(arguments: [JoinType.inner, .fullOuter])
    func oneKeyTooFrequentToSplitIsJoinedInMemoryAtTheLastLevel(_ type: JoinType) throws {
        // Every build row has key 7 (or NULL): no level can split it.
        let c = JoinCase(probe: side(rows: 300, firstKey: 5, keys: 4, value: .int, seed: 3),
                         build: side(rows: 3000, firstKey: 7, keys: 1, value: .double, seed: 4),
                         probeKeys: [col(0, .bigint)], buildKeys: [col(0, .bigint)])
        let expected = try c.reference(type)
        try withSpill(budget: 4096) { spill in
            let got = try c.grace(type, spill: spill)
            expectSameRows(got, expected)
            #expect(spill.stats.spills >= GraceHashJoinOperator.levels)
        }
    }

    @Test func nullKeysNeverMatchAndOuterRowsComeOnce() throws {
        let c = bigintCase()
        let probeNulls = c.probe.reduce(0) { n, ch in n + (0..<ch.count).filter { ch.columns[0].isNull($0) }.count }
        let buildNulls = c.build.reduce(0) { n, ch in n + (0..<ch.count).filter { ch.columns[0].isNull($0) }.count }
        try withSpill(budget: 4096) { spill in
            let inner = try c.grace(.inner, spill: spill)
            #expect(!inner.contains { $0.hasPrefix("[NULL") })
            // Full outer: each NULL-key row of either side exactly once, unmatched.
            let full = try c.grace(.fullOuter, spill: spill)
            #expect(full.filter { $0.hasPrefix("[NULL, ") && !$0.hasPrefix("[NULL, NULL, NULL, ") }.count == probeNulls)
            #expect(full.filter { $0.hasPrefix("[NULL, NULL, NULL, NULL, ") }.count == buildNulls)
            let anti = try c.grace(.leftAnti, spill: spill)
            #expect(anti.filter { $0.hasPrefix("[NULL") }.count == probeNulls)
        }
    }

    @Test func downstreamThatWantsNoMoreStopsTheJoinAndLeavesNoFile() throws {
        /// Takes 100 rows, then asks for no more.
        final class First100: ChunkConsumer {
            var rows = 0
            func consume(_ chunk: Chunk) throws -> Bool {
                rows += chunk.count
                return rows < 100
            }
            func finish() throws {}
        }
        let c = bigintCase()
        try withSpill(budget: 4096) { spill in
            let first = First100()
            _ = try c.grace(.fullOuter, spill: spill, downstream: first)
            #expect(first.rows >= 100 && first.rows < 100 + Chunk.capacity)
        }
    }

    @Test func emptySidesJoinAsInMemory() throws {
        var c = bigintCase()
        c.build = [Chunk(columns: c.buildTypes.map { Column.nulls($0, count: 0) }, count: 0)]
        for type in allTypes {
            let expected = try c.reference(type)
            try withSpill(budget: 4096) { spill in
                let got = try c.grace(type, spill: spill)
                expectSameRows(got, expected)
            }
        }
    }
}
