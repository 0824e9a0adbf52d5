import Testing
@testable import SluiceExec

/// Builds a chunk from rows of boxed values.
func makeChunk(_ types: [DataType], _ rows: [[Value]]) -> Chunk {
    var builders = types.map { ColumnBuilder(type: $0) }
    for r in rows { for (k, v) in r.enumerated() { builders[k].append(v) } }
    return Chunk(columns: builders.map { $0.finish() }, count: rows.count)
}

func rows(_ chunks: [Chunk]) -> [[Value]] {
    chunks.flatMap { c in (0..<c.count).map { c.row($0) } }
}

func col(_ i: Int, _ t: DataType) -> Expression { .column(i, t, name: "c\(i)") }

@Suite struct AggregateTests {
    let input = makeChunk([.string, .bigint, .double], [
        [.string("a"), .int(1), .double(1.5)],
        [.string("b"), .int(2), .null],
        [.string("a"), .int(3), .double(2.5)],
        [.null, .int(4), .double(-1)],
        [.string("b"), .null, .null],
    ])

    var calls: [AggregateCall] {
        [
            AggregateCall(function: .countStar, argument: nil, distinct: false, type: .bigint),
            AggregateCall(function: .count, argument: col(2, .double), distinct: false, type: .bigint),
            AggregateCall(function: .sum, argument: col(1, .bigint), distinct: false, type: .bigint),
            AggregateCall(function: .avg, argument: col(2, .double), distinct: false, type: .double),
            AggregateCall(function: .min, argument: col(2, .double), distinct: false, type: .double),
            AggregateCall(function: .max, argument: col(0, .string), distinct: false, type: .string),
        ]
    }

    let expected: [[Value]] = [
        [.string("a"), .int(2), .int(2), .int(4), .double(2.0), .double(1.5), .string("a")],
        [.string("b"), .int(2), .int(0), .int(2), .null, .null, .string("b")],
        [.null, .int(1), .int(1), .int(4), .double(-1), .double(-1), .null],
    ]

    @Test func singlePhaseGroupsByStringKey() throws {
        let sink = CollectingConsumer()
        let agg = try HashAggregateOperator(keys: [col(0, .string)], aggregates: calls, mode: .single, downstream: sink)
        _ = try agg.consume(input)
        try agg.finish()
        #expect(rows(sink.chunks) == expected)
        #expect(sink.finished)
    }

    @Test func partialThenFinalEqualsSinglePhase() throws {
        // Two map tasks each see part of the input; the reducer merges their states.
        let states = CollectingConsumer()
        for part in [input.slice(0..<2), input.slice(2..<5)] {
            let agg = try HashAggregateOperator(keys: [col(0, .string)], aggregates: calls, mode: .partial, downstream: states)
            _ = try agg.consume(part)
            try agg.finish()
        }
        let sink = CollectingConsumer()
        let final = try HashAggregateOperator(keys: [col(0, .string)], aggregates: calls, mode: .final, downstream: sink)
        for c in states.chunks { _ = try final.consume(c) }
        try final.finish()
        #expect(Set(rows(sink.chunks).map { $0.description }) == Set(expected.map { $0.description }))
    }

    @Test func globalAggregateOnNoRowsGivesOneRow() throws {
        let sink = CollectingConsumer()
        let agg = try HashAggregateOperator(keys: [], aggregates: calls, mode: .single, downstream: sink)
        try agg.finish()
        #expect(rows(sink.chunks) == [[.int(0), .int(0), .null, .null, .null, .null]])
    }

    @Test func int64KeyTableKeepsNullAsItsOwnGroup() throws {
        let c = makeChunk([.bigint], (0..<5000).map { i in [i % 7 == 0 ? .null : .int(Int64(i % 1000))] })
        let sink = CollectingConsumer()
        let agg = try HashAggregateOperator(keys: [col(0, .bigint)], aggregates: [AggregateCall(function: .countStar, argument: nil, distinct: false, type: .bigint)], mode: .single, downstream: sink)
        _ = try agg.consume(c)
        try agg.finish()
        let out = rows(sink.chunks)
        var expected: [Value: Int64] = [:]
        for i in 0..<5000 { expected[i % 7 == 0 ? .null : .int(Int64(i % 1000)), default: 0] += 1 }
        #expect(out.count == expected.count)
        for r in out { #expect(expected[r[0]] == { if case .int(let n) = r[1] { return n } else { return -1 } }()) }
    }

    @Test func sumOverflowIsAnAnsiErrorNamingTheRow() throws {
        var c = makeChunk([.bigint], [[.int(Int64.max)], [.int(1)]])
        c.origin = RowOrigin(path: "x.csv", splitStart: 0, lines: [1, 2])
        let agg = try HashAggregateOperator(keys: [], aggregates: [AggregateCall(function: .sum, argument: col(0, .bigint), distinct: false, type: .bigint)], mode: .single, downstream: CollectingConsumer())
        #expect {
            _ = try agg.consume(c)
        } throws: { e in
            (e as? ExecError)?.description == "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_sum' to tolerate overflow and return NULL instead. (row at x.csv:3)"
        }
    }
}

@Suite struct SortTests {
    let input = makeChunk([.bigint, .double, .string], [
        [.int(3), .double(1), .string("c")],
        [.null, .double(.nan), .string("n")],
        [.int(1), .null, .string("a")],
        [.int(2), .double(-0.5), .string("b")],
        [.int(1), .double(7), .string("a2")],
    ])

    @Test func ascendingPutsNullsFirstAndIsStable() throws {
        let sink = CollectingConsumer()
        let sort = try SortOperator(keys: [SortKey(expression: col(0, .bigint), ascending: true, nullsFirst: true)], types: input.types, downstream: sink)
        _ = try sort.consume(input)
        try sort.finish()
        #expect(rows(sink.chunks).map { $0[2] } == [.string("n"), .string("a"), .string("a2"), .string("b"), .string("c")])
    }

    @Test func descendingOrdersNaNAboveNumbersAndNullsLast() throws {
        let sink = CollectingConsumer()
        let sort = try SortOperator(keys: [SortKey(expression: col(1, .double), ascending: false, nullsFirst: false)], types: input.types, downstream: sink)
        _ = try sort.consume(input)
        try sort.finish()
        #expect(rows(sink.chunks).map { $0[2] } == [.string("n"), .string("a2"), .string("c"), .string("b"), .string("a")])
    }

    @Test func topNEqualsSortThenLimitOnManyChunks() throws {
        var chunks: [Chunk] = []
        var all: [[Value]] = []
        var x: UInt64 = 42
        for _ in 0..<20 {
            var r: [[Value]] = []
            for _ in 0..<500 {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                let v = Int64(x >> 40) % 1000
                r.append([.int(v), .double(Double(v) / 3), .string("s\(v)")])
            }
            all.append(contentsOf: r)
            chunks.append(makeChunk([.bigint, .double, .string], r))
        }
        let keys = [SortKey(expression: col(0, .bigint), ascending: false, nullsFirst: false), SortKey(expression: col(2, .string), ascending: true, nullsFirst: true)]
        let topSink = CollectingConsumer()
        let top = try TopNOperator(keys: keys, limit: 37, types: [.bigint, .double, .string], downstream: topSink)
        for c in chunks { _ = try top.consume(c) }
        try top.finish()
        let sortSink = CollectingConsumer()
        let sort = try SortOperator(keys: keys, types: [.bigint, .double, .string], downstream: sortSink)
        for c in chunks { _ = try sort.consume(c) }
        try sort.finish()
        #expect(rows(topSink.chunks).map { $0[0] } == Array(rows(sortSink.chunks).prefix(37)).map { $0[0] })
        #expect(rows(topSink.chunks).count == 37)
    }
}
