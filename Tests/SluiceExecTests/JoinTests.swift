import Testing
@testable import SluiceExec

@Suite struct HashJoinTests {
    // Left: (id, name) with a NULL key and a duplicate key; right: (id, score) with a NULL key.
    let left = makeChunk([.bigint, .string], [
        [.int(1), .string("a")], [.int(2), .string("b")], [.int(2), .string("b2")], [.null, .string("n")], [.int(4), .string("d")],
    ])
    let right = makeChunk([.bigint, .double], [
        [.int(2), .double(20)], [.int(2), .double(21)], [.int(1), .double(10)], [.null, .double(99)], [.int(3), .double(30)],
    ])

    func join(_ type: JoinType, condition: Expression? = nil, probeIsLeft: Bool = true) throws -> [[Value]] {
        let (probe, build) = probeIsLeft ? (left, right) : (right, left)
        let table = try JoinHashTable(chunks: [build], types: build.types, keys: [col(0, .bigint)])
        let sink = CollectingConsumer()
        let op = try HashJoinOperator(table: table, type: type, probeKeys: [col(0, .bigint)], condition: condition, probeIsLeft: probeIsLeft, probeTypes: probe.types, downstream: sink)
        _ = try op.consume(probe)
        try op.finish()
        return rows(sink.chunks)
    }

    func sorted(_ r: [[Value]]) -> [String] { r.map { $0.description }.sorted() }

    @Test func innerJoinMatchesDuplicatesAndNeverNullKeys() throws {
        let expected = [
            [Value.int(1), .string("a"), .int(1), .double(10)],
            [.int(2), .string("b"), .int(2), .double(20)], [.int(2), .string("b"), .int(2), .double(21)],
            [.int(2), .string("b2"), .int(2), .double(20)], [.int(2), .string("b2"), .int(2), .double(21)],
        ]
        #expect(sorted(try join(.inner)) == sorted(expected))
        // Built from the left side instead, the columns still come left first.
        #expect(sorted(try join(.inner, probeIsLeft: false)) == sorted(expected))
    }

    @Test func leftJoinKeepsUnmatchedRowsWithNulls() throws {
        let out = try join(.leftOuter)
        #expect(out.count == 7)
        #expect(out.contains([.null, .string("n"), .null, .null]))
        #expect(out.contains([.int(4), .string("d"), .null, .null]))
    }

    @Test func conditionThatRejectsEveryPairMakesTheRowUnmatched() throws {
        // ON l.id = r.id AND r.score > 20: only (2, 21) survives for id 2; id 1 becomes unmatched.
        let cond = Expression.compare(.greater, col(3, .double), .literal(.double(20), .double))
        let out = try join(.leftOuter, condition: cond)
        #expect(sorted(out) == sorted([
            [.int(1), .string("a"), .null, .null],
            [.int(2), .string("b"), .int(2), .double(21)], [.int(2), .string("b2"), .int(2), .double(21)],
            [.null, .string("n"), .null, .null], [.int(4), .string("d"), .null, .null],
        ]))
    }

    @Test func semiAndAntiJoinsOutputLeftRowsOnce() throws {
        #expect(sorted(try join(.leftSemi)) == sorted([[.int(1), .string("a")], [.int(2), .string("b")], [.int(2), .string("b2")]]))
        #expect(sorted(try join(.leftAnti)) == sorted([[.null, .string("n")], [.int(4), .string("d")]]))
    }

    @Test func fullJoinAddsUnmatchedBuildRowsAtTheEnd() throws {
        let out = try join(.fullOuter)
        #expect(out.count == 9)
        #expect(out.contains([.null, .null, .null, .double(99)]))
        #expect(out.contains([.null, .null, .int(3), .double(30)]))
    }
}
