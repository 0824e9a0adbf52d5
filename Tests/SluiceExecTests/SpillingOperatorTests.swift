#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SluiceExec

// MARK: - Helpers

/// A deterministic generator (a 64-bit LCG), so that every run sees the same data.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 17
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Columns of ``events(rows:groups:chunkRows:seed:)``.
private enum C {
    static let kStr = 0, kInt = 1, kNull = 2, vInt = 3, vBig = 4, vDouble = 5, vBool = 6, vDate = 7, vTs = 8, vStr = 9
    static let types: [DataType] = [.string, .bigint, .bigint, .int, .bigint, .double, .boolean, .date, .timestamp, .string]
}

/// Input rows in chunks of `chunkRows`: keys with about `groups` distinct values (a string
/// key, a BIGINT key, a BIGINT key NULL in every 7th row), and values of every type with
/// NULLs (doubles also NaN and -0.0).
private func events(rows: Int, groups: Int, chunkRows: Int = 1000, seed: UInt64 = 7) -> [Chunk] {
    var random = Random(state: seed)
    var chunks: [Chunk] = []
    var start = 0
    while start < rows {
        let n = min(chunkRows, rows - start)
        var b = C.types.map { ColumnBuilder(type: $0, capacity: n) }
        for r in start..<(start + n) {
            let g = random.below(groups)
            b[C.kStr].append(string: "customer-\(g * 7919 % 1_000_003)")
            b[C.kInt].append(int64: Int64(g) * 1_000_003 - 500_000)
            if r % 7 == 0 { b[C.kNull].appendNull() } else { b[C.kNull].append(int64: Int64(g % 50)) }
            if r % 5 == 0 { b[C.vInt].appendNull() } else { b[C.vInt].append(int64: Int64(random.below(2000)) - 1000) }
            b[C.vBig].append(int64: Int64(random.below(1 << 40)) - (1 << 39))
            switch random.below(20) {
            case 0: b[C.vDouble].appendNull()
            case 1: b[C.vDouble].append(double: -0.0)
            case 2 where r % 3 == 0: b[C.vDouble].append(double: .nan)
            default: b[C.vDouble].append(double: Double(random.below(1_000_000)) / 1000 - 300)
            }
            b[C.vBool].append(bool: random.below(3) == 0)
            b[C.vDate].append(int64: 19_000 + Int64(random.below(1000)))
            if r % 11 == 0 { b[C.vTs].appendNull() } else { b[C.vTs].append(int64: 1_700_000_000_000_000 + Int64(random.below(1 << 30)) * 1000) }
            if r % 13 == 0 { b[C.vStr].appendNull() } else { b[C.vStr].append(string: "v\(random.below(100_000))-" + String(repeating: "x", count: random.below(12))) }
        }
        chunks.append(Chunk(columns: b.map { $0.finish() }, count: n))
        start += n
    }
    return chunks
}

private func call(_ f: AggregateCall.Function, _ column: Int?, _ type: DataType, distinct: Bool = false) -> AggregateCall {
    AggregateCall(function: f, argument: column.map { col($0, C.types[$0]) }, distinct: distinct, type: type)
}

/// count(*), count, sum and avg of integers and doubles, min and max of every type.
private let everyAggregate: [AggregateCall] = {
    var calls = [
        call(.countStar, nil, .bigint), call(.count, C.vDouble, .bigint), call(.count, C.vStr, .bigint),
        call(.sum, C.vInt, .bigint), call(.sum, C.vBig, .bigint), call(.sum, C.vDouble, .double),
        call(.avg, C.vInt, .double), call(.avg, C.vDouble, .double),
    ]
    for c in [C.vInt, C.vBig, C.vDouble, C.vBool, C.vDate, C.vTs, C.vStr] {
        calls.append(call(.min, c, C.types[c]))
        calls.append(call(.max, c, C.types[c]))
    }
    return calls
}()

/// Runs an aggregation over `chunks` and returns its rows.
private func aggregate(_ keys: [Expression], _ calls: [AggregateCall], _ mode: AggregateMode, _ chunks: [Chunk], spill: SpillContext? = nil) throws -> [[Value]] {
    let sink = CollectingConsumer()
    let agg = try HashAggregateOperator(keys: keys, aggregates: calls, mode: mode, downstream: sink, spill: spill)
    for c in chunks { _ = try agg.consume(c) }
    try agg.finish()
    #expect(sink.finished)
    return rows(sink.chunks)
}

/// Partial aggregations over two halves of the input, then a final one, as two map tasks
/// and a reducer would run; `partialSpill` and `finalSpill` are their budgets.
private func twoPhase(_ keys: [Expression], _ calls: [AggregateCall], _ chunks: [Chunk], partialSpill: SpillContext?, finalSpill: SpillContext?) throws -> [[Value]] {
    let states = CollectingConsumer()
    let half = chunks.count / 2
    for part in [Array(chunks[..<half]), Array(chunks[half...])] {
        let agg = try HashAggregateOperator(keys: keys, aggregates: calls, mode: .partial, downstream: states, spill: partialSpill)
        for c in part { _ = try agg.consume(c) }
        try agg.finish()
    }
    let finalKeys = keys.enumerated().map { Expression.column($0.offset, $0.element.type, name: "k\($0.offset)") }
    return try aggregate(finalKeys, calls, .final, states.chunks, spill: finalSpill)
}

/// A sortable, unambiguous text of a value (NULL apart from the string "NULL").
func sortText(_ v: Value) -> String {
    switch v {
    case .null: return "0"
    case .bool(let b): return "b\(b)"
    case .int(let i): return "i\(i)"
    case .double(let d): return "d\(d)"
    case .string(let s): return "s" + s
    case .date(let d): return "D\(d)"
    case .timestamp(let t): return "T\(t)"
    }
}

private func sameValue(_ a: Value, _ b: Value) -> Bool {
    if case .double(let x) = a, case .double(let y) = b {
        if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
        return x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y))
    }
    return a == b
}

/// The same rows in any order (groups come out in another order once spilled); doubles
/// equal up to 1e-9 relative, since spilled partial sums add up in another order.
private func expectSameGroups(_ actual: [[Value]], _ expected: [[Value]], keyCount: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(actual.count) groups, expected \(expected.count)", sourceLocation: sourceLocation)
    func byKey(_ rows: [[Value]]) -> [[Value]] {
        rows.map { ($0.prefix(keyCount).map(sortText).joined(separator: "\u{1}"), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }
    var differences = 0
    for (a, e) in zip(byKey(actual), byKey(expected)) where a.count != e.count || !zip(a, e).allSatisfy(sameValue) {
        differences += 1
        if differences <= 3 { Issue.record("group \(a) != \(e)", sourceLocation: sourceLocation) }
    }
    #expect(differences == 0, "\(differences) groups differ", sourceLocation: sourceLocation)
}

/// A scratch directory and a context with `budget` bytes per operator; checks that every
/// spill file is gone once `body` returns, then removes the directory.
func withSpill<T>(budget: Int, level: Int = 1, sourceLocation: SourceLocation = #_sourceLocation, _ body: (SpillContext) throws -> T) throws -> T {
    let dir = try ScratchDirectory()
    defer { try? dir.remove() }
    let context = SpillContext(scratch: dir, budgetBytes: budget, zstdLevel: level)
    let result = try body(context)
    #expect(try FileSystem.listDirectory(dir.path) == [], "spill files left behind", sourceLocation: sourceLocation)
    return result
}

private func fileMode(_ path: String) -> mode_t {
    var st = stat()
    _ = lstat(path, &st)
    return st.st_mode & 0o7777
}

private func fileSize(_ path: String) -> Int {
    var st = stat()
    return lstat(path, &st) == 0 ? Int(st.st_size) : -1
}

/// Flips one byte of a file in place (the file may still be open for writing elsewhere).
private func flipByte(_ path: String, at offset: Int) {
    let fd = open(path, O_RDWR)
    defer { close(fd) }
    var b: UInt8 = 0
    _ = pread(fd, &b, 1, off_t(offset))
    b ^= 0x5A
    _ = pwrite(fd, &b, 1, off_t(offset))
}

// MARK: - Aggregation

@Suite struct SpillingAggregateTests {
    static let budget = 4096

    @Test func stringKeysSingleModeEqualsUnspilled() throws {
        let input = events(rows: 20_000, groups: 3000)
        let keys = [col(C.kStr, .string)]
        let expected = try aggregate(keys, everyAggregate, .single, input)
        let stats = try withSpill(budget: Self.budget) { spill in
            let actual = try aggregate(keys, everyAggregate, .single, input, spill: spill)
            expectSameGroups(actual, expected, keyCount: 1)
            return spill.stats
        }
        #expect(expected.count > 2500)
        #expect(stats.spills > 0 && stats.files > 0 && stats.chunks > 0)
        #expect(stats.rawBytes > 0 && stats.compressedBytes > 0)
    }

    @Test func intKeysSingleModeEqualsUnspilled() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 11)
        let keys = [col(C.kInt, .bigint)]
        let expected = try aggregate(keys, everyAggregate, .single, input)
        let stats = try withSpill(budget: Self.budget) { spill in
            expectSameGroups(try aggregate(keys, everyAggregate, .single, input, spill: spill), expected, keyCount: 1)
            return spill.stats
        }
        #expect(stats.files > 0)
    }

    @Test func nullKeysStayOneGroup() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 3)
        let calls = [call(.countStar, nil, .bigint), call(.sum, C.vInt, .bigint), call(.max, C.vStr, .string)]
        for keys in [[col(C.kNull, .bigint)], [col(C.kNull, .bigint), col(C.vBool, .boolean)], [col(C.kNull, .bigint), col(C.kStr, .string)]] {
            let expected = try aggregate(keys, calls, .single, input)
            try withSpill(budget: 1024) { spill in
                let actual = try aggregate(keys, calls, .single, input, spill: spill)
                expectSameGroups(actual, expected, keyCount: keys.count)
            }
        }
        // One NULL group: 20,000 / 7 rows, rounded up.
        let single = try withSpill(budget: 256) { try aggregate([col(C.kNull, .bigint)], calls, .single, input, spill: $0) }
        #expect(single.count == 51)
        #expect(single.filter { $0[0] == .null }.map { $0[1] } == [.int(2858)])
    }

    @Test func nullKeysComputedByAnExpressionAreOneGroup() throws {
        // `kNull + vInt` is NULL where either is; a kernel may leave any value in the
        // slot of a NULL, which must not split the NULL group (nor its spill partition).
        let input = events(rows: 10_000, groups: 500, seed: 5)
        let sumKey = Expression.arithmetic(.add, col(C.kNull, .bigint), col(C.vInt, .int), .bigint)
        let keys = [sumKey, col(C.vBool, .boolean)]
        var expected: [[Value]: Int64] = [:]
        for c in input {
            for r in 0..<c.count {
                let a = c.columns[C.kNull].value(at: r), b = c.columns[C.vInt].value(at: r)
                var k: Value = .null
                if case .int(let x) = a, case .int(let y) = b { k = .int(x + y) }
                expected[[k, c.columns[C.vBool].value(at: r)], default: 0] += 1
            }
        }
        let want = expected.map { $0.key + [.int($0.value)] }
        let calls = [call(.countStar, nil, .bigint)]
        expectSameGroups(try aggregate(keys, calls, .single, input), want, keyCount: 2)
        try withSpill(budget: 512) { spill in
            expectSameGroups(try aggregate(keys, calls, .single, input, spill: spill), want, keyCount: 2)
        }
    }

    @Test func hundredThousandGroupsSpillAndCompress() throws {
        let input = events(rows: 250_000, groups: 100_000, chunkRows: Chunk.capacity, seed: 17)
        let calls = [call(.countStar, nil, .bigint), call(.sum, C.vBig, .bigint), call(.avg, C.vDouble, .double),
                     call(.min, C.vStr, .string), call(.max, C.vTs, .timestamp)]
        for keys in [[col(C.kInt, .bigint)], [col(C.kStr, .string)]] {
            let clock = ContinuousClock()
            var t0 = clock.now
            let expected = try aggregate(keys, calls, .single, input)
            print("unspilled", clock.now - t0); t0 = clock.now
            defer { print("rest", clock.now - t0) }
            #expect(expected.count > 90_000)
            let stats = try withSpill(budget: 256 << 10) { spill in
                let got = try aggregate(keys, calls, .single, input, spill: spill)
                print("spilled", clock.now - t0); t0 = clock.now
                expectSameGroups(got, expected, keyCount: 1)
                print("compare", clock.now - t0); t0 = clock.now
                return spill.stats
            }
            #expect(stats.files >= GraceHashPartitions.fanOut)
            #expect(stats.compressionRatio > 1)
            print("100k groups by \(keys[0].type), 256 KiB budget: \(stats)")
        }
    }

    @Test func tinyBudgetSplitsPartitionsRecursively() throws {
        // 2 KiB holds a few dozen groups: each level-0 partition (~1,000 groups) is
        // still too big when merged back and is split again by the next hash bits.
        let input = events(rows: 40_000, groups: 16_000, chunkRows: 2000, seed: 19)
        let keys = [col(C.kStr, .string), col(C.kNull, .bigint)]
        let calls = [call(.countStar, nil, .bigint), call(.sum, C.vDouble, .double), call(.min, C.vStr, .string)]
        let expected = try aggregate(keys, calls, .single, input)
        let stats = try withSpill(budget: 2048) { spill in
            expectSameGroups(try aggregate(keys, calls, .single, input, spill: spill), expected, keyCount: 2)
            return spill.stats
        }
        #expect(stats.files > GraceHashPartitions.fanOut * 4)
    }

    @Test func partialThenFinalEqualsSingle() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 23)
        let keys = [col(C.kStr, .string), col(C.kNull, .bigint)]
        let expected = try aggregate(keys, everyAggregate, .single, input)
        // Unspilled two-phase, for reference.
        expectSameGroups(try twoPhase(keys, everyAggregate, input, partialSpill: nil, finalSpill: nil), expected, keyCount: 2)
        // Spilling partials (they flush to downstream, never to disk) and a spilling final.
        let (partialStats, finalStats) = try withSpill(budget: Self.budget) { partial in
            try withSpill(budget: Self.budget) { final in
                expectSameGroups(try twoPhase(keys, everyAggregate, input, partialSpill: partial, finalSpill: final), expected, keyCount: 2)
                return (partial.stats, final.stats)
            }
        }
        #expect(partialStats.files == 0)
        #expect(finalStats.files > 0)
    }

    @Test func partialModeFlushesGroupsUnderBudget() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 29)
        let keys = [col(C.kInt, .bigint)]
        let calls = [call(.countStar, nil, .bigint), call(.avg, C.vDouble, .double)]
        try withSpill(budget: Self.budget) { spill in
            let states = CollectingConsumer()
            let agg = try HashAggregateOperator(keys: keys, aggregates: calls, mode: .partial, downstream: states, spill: spill)
            for c in input { _ = try agg.consume(c) }
            try agg.finish()
            // Groups went on more than once each: the table was flushed along the way.
            let distinct = Set(rows(states.chunks).map { $0[0] })
            #expect(states.rowCount > distinct.count)
            #expect(states.chunks.allSatisfy { $0.types == [.bigint, .bigint, .double, .bigint] })
            let total = rows(states.chunks).reduce(Int64(0)) { if case .int(let n) = $1[1] { return $0 + n } else { return $0 } }
            #expect(total == 20_000)
        }
    }

    @Test func finalModeEqualsUnspilledFinal() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 31)
        let keys = [col(C.kStr, .string)]
        let states = CollectingConsumer()
        let partial = try HashAggregateOperator(keys: keys, aggregates: everyAggregate, mode: .partial, downstream: states)
        for c in input { _ = try partial.consume(c) }
        try partial.finish()
        let finalKeys = [Expression.column(0, .string, name: "k0")]
        let expected = try aggregate(finalKeys, everyAggregate, .final, states.chunks)
        let stats = try withSpill(budget: Self.budget) { spill in
            expectSameGroups(try aggregate(finalKeys, everyAggregate, .final, states.chunks, spill: spill), expected, keyCount: 1)
            return spill.stats
        }
        #expect(stats.files > 0)
    }

    @Test func globalAggregateGivesOneRow() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 37)
        let expected = try aggregate([], everyAggregate, .single, input)
        #expect(expected.count == 1)
        try withSpill(budget: 64) { spill in
            expectSameGroups(try aggregate([], everyAggregate, .single, input, spill: spill), expected, keyCount: 0)
            expectSameGroups(try twoPhase([], everyAggregate, input, partialSpill: spill, finalSpill: spill), expected, keyCount: 0)
            let empty = try aggregate([], [call(.countStar, nil, .bigint), call(.sum, C.vInt, .bigint)], .single, [], spill: spill)
            #expect(empty == [[.int(0), .null]])
            #expect(spill.stats.files == 0)
        }
    }

    @Test func distinctAggregateStaysInMemory() throws {
        let input = events(rows: 10_000, groups: 1000, seed: 41)
        let keys = [col(C.kNull, .bigint)]
        let calls = [call(.count, C.vDate, .bigint, distinct: true), call(.sum, C.vInt, .bigint)]
        let expected = try aggregate(keys, calls, .single, input)
        try withSpill(budget: 64) { spill in
            expectSameGroups(try aggregate(keys, calls, .single, input, spill: spill), expected, keyCount: 1)
            #expect(spill.stats.files == 0)
        }
    }

    @Test func spillFilesArePrivateAndRemoved() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 43)
        try withSpill(budget: Self.budget) { spill in
            let sink = CollectingConsumer()
            let agg = try HashAggregateOperator(keys: [col(C.kStr, .string)], aggregates: [call(.countStar, nil, .bigint)], mode: .single, downstream: sink, spill: spill)
            for c in input { _ = try agg.consume(c) }
            let names = try FileSystem.listDirectory(spill.scratch.path)
            #expect(names.count == GraceHashPartitions.fanOut)
            for name in names {
                #expect(name.hasPrefix("agg-l0-p") && name.hasSuffix(".zst"))
                #expect(fileMode(spill.scratch.path + "/" + name) == 0o600)
            }
            #expect(fileMode(spill.scratch.path) == 0o700)
            try agg.finish()
            #expect(try FileSystem.listDirectory(spill.scratch.path) == [])
        }
    }

    @Test func downstreamStoppingEarlyLeavesNoFiles() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 47)
        try withSpill(budget: Self.budget) { spill in
            let sink = CollectingConsumer()
            let agg = try HashAggregateOperator(keys: [col(C.kInt, .bigint)], aggregates: [call(.countStar, nil, .bigint)], mode: .single, downstream: LimitOperator(10, downstream: sink), spill: spill)
            for c in input { _ = try agg.consume(c) }
            try agg.finish()
            #expect(sink.rowCount == 10)
            #expect(sink.finished)
        }
    }

    @Test func corruptSpillFileIsAClearError() throws {
        let input = events(rows: 20_000, groups: 3000, seed: 53)
        try withSpill(budget: Self.budget) { spill in
            let agg = try HashAggregateOperator(keys: [col(C.kStr, .string)], aggregates: [call(.countStar, nil, .bigint)], mode: .single, downstream: CollectingConsumer(), spill: spill)
            for c in input { _ = try agg.consume(c) }
            // The writers' small buffers have already put the first blocks on disk.
            let paths = try FileSystem.listDirectory(spill.scratch.path).map { spill.scratch.path + "/" + $0 }
            #expect(paths.allSatisfy { fileSize($0) > 64 })
            for p in paths { flipByte(p, at: SpillFile.blockHeaderSize + 8) }
            let error = #expect(throws: SpillError.self) { try agg.finish() }
            let text = error?.description ?? ""
            #expect(text.hasPrefix("corrupt spill file '\(spill.scratch.path)/agg-l0-p"))
            #expect(text.contains(".zst': at offset 0, checksum mismatch (expected 0x"))
            #expect(error?.exitStatus == .ioError)
        }
    }
}

// MARK: - Sort

@Suite struct SpillingSortTests {
    /// Rows with many ties: a nullable BIGINT of 5 values, a DOUBLE with NULL, NaN, -0.0
    /// and 0.0, a nullable short string, and the input position.
    static func tiedRows(_ count: Int, chunkRows: Int, seed: UInt64 = 5) -> [Chunk] {
        var random = Random(state: seed)
        let doubles: [Double] = [1.5, -0.0, 0.0, .nan, 2, -7.25]
        let strings = ["", "a", "ab", "b", "é"]
        var chunks: [Chunk] = []
        var start = 0
        while start < count {
            let n = min(chunkRows, count - start)
            var k1 = ColumnBuilder(type: .bigint), k2 = ColumnBuilder(type: .double), k3 = ColumnBuilder(type: .string), pos = ColumnBuilder(type: .bigint)
            for r in start..<(start + n) {
                let a = random.below(6), b = random.below(7), c = random.below(6)
                if a == 5 { k1.appendNull() } else { k1.append(int64: Int64(a) - 2) }
                if b == 6 { k2.appendNull() } else { k2.append(double: doubles[b]) }
                if c == 5 { k3.appendNull() } else { k3.append(string: strings[c]) }
                pos.append(int64: Int64(r))
            }
            chunks.append(Chunk(columns: [k1, k2, k3, pos].map { $0.finish() }, count: n))
            start += n
        }
        return chunks
    }

    static let types: [DataType] = [.bigint, .double, .string, .bigint]

    static let keys = [
        SortKey(expression: col(0, .bigint), ascending: true, nullsFirst: true),
        SortKey(expression: col(1, .double), ascending: false, nullsFirst: false),
        SortKey(expression: col(2, .string), ascending: true, nullsFirst: false),
    ]

    static func sort(_ chunks: [Chunk], keys: [SortKey] = keys, spill: SpillContext? = nil) throws -> (rows: [[Value]], chunks: [Chunk]) {
        let sink = CollectingConsumer()
        let op = try SortOperator(keys: keys, types: types, downstream: sink, spill: spill)
        for c in chunks { _ = try op.consume(c) }
        try op.finish()
        #expect(sink.finished)
        return (rows(sink.chunks), sink.chunks)
    }

    /// Row equality that tells NaN from NaN and -0.0 from 0.0 apart by bits.
    static func expectIdentical(_ a: [[Value]], _ b: [[Value]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        let same = a.count == b.count && zip(a, b).allSatisfy { x, y in x.map(sortText) == y.map(sortText) }
        #expect(same, "sorted rows differ", sourceLocation: sourceLocation)
    }

    @Test func multipleKeysNullsNaNDescendingAndStable() throws {
        let input = Self.tiedRows(6000, chunkRows: 300)
        let expected = try Self.sort(input).rows
        let stats = try withSpill(budget: 8192) { spill in
            let (actual, chunks) = try Self.sort(input, spill: spill)
            Self.expectIdentical(actual, expected)
            #expect(chunks.dropLast().allSatisfy { $0.count == Chunk.capacity })
            return spill.stats
        }
        #expect(stats.files > 10 && stats.spills == stats.files)
        // Stable: within equal keys, input order.
        for (x, y) in zip(expected, expected.dropFirst()) where x[0..<3].map(sortText) == y[0..<3].map(sortText) {
            guard case .int(let p) = x[3], case .int(let q) = y[3] else { continue }
            #expect(p < q)
        }
        // Ordered: NULLS FIRST on k1, then k2 descending with NaN on top and NULL last.
        #expect(expected.first?[0] == .null)
        #expect(expected.first.map { sortText($0[1]) } == "dnan")
        #expect(expected.last?[0] == .int(2))
        #expect(expected.last?[1] == .null)
    }

    @Test func computedKeysAreStoredInRuns() throws {
        let input = Self.tiedRows(4000, chunkRows: 250, seed: 9)
        let keys = [
            SortKey(expression: .negate(col(0, .bigint)), ascending: true, nullsFirst: false),
            SortKey(expression: .function(name: "upper", [col(2, .string)], .string), ascending: false, nullsFirst: true),
        ]
        let expected = try Self.sort(input, keys: keys).rows
        try withSpill(budget: 4096) { spill in
            Self.expectIdentical(try Self.sort(input, keys: keys, spill: spill).rows, expected)
            #expect(spill.stats.files > 0)
        }
    }

    @Test func manyRunsMergeInSeveralPasses() throws {
        let input = Self.tiedRows(9000, chunkRows: 60, seed: 13)
        let expected = try Self.sort(input).rows
        let stats = try withSpill(budget: 1024) { spill in
            Self.expectIdentical(try Self.sort(input, spill: spill).rows, expected)
            return spill.stats
        }
        // 150 runs: 64 + 64 + 22 merged into 3 longer runs first, then those 3.
        #expect(stats.spills == 150)
        #expect(stats.files == 153)
    }

    @Test func inMemoryRemainderJoinsTheMerge() throws {
        let input = Self.tiedRows(5000, chunkRows: 1000, seed: 21)
        let expected = try Self.sort(input).rows
        // 40 KB: a run every couple of chunks, and the last chunk stays in memory.
        try withSpill(budget: 40_000) { spill in
            Self.expectIdentical(try Self.sort(input, spill: spill).rows, expected)
            #expect(spill.stats.files == 2)
        }
    }

    @Test func runFilesArePrivateAndRemoved() throws {
        let input = Self.tiedRows(3000, chunkRows: 500, seed: 27)
        try withSpill(budget: 1024) { spill in
            let sink = CollectingConsumer()
            let op = try SortOperator(keys: Self.keys, types: Self.types, downstream: LimitOperator(7, downstream: sink), spill: spill)
            for c in input { _ = try op.consume(c) }
            let names = try FileSystem.listDirectory(spill.scratch.path)
            #expect(names.count == 6)
            for name in names { #expect(fileMode(spill.scratch.path + "/" + name) == 0o600) }
            try op.finish()
            // Downstream stopped after 7 rows; the runs were removed all the same.
            #expect(sink.rowCount == 7)
        }
    }

    @Test func corruptRunIsAClearError() throws {
        let input = Self.tiedRows(3000, chunkRows: 500, seed: 33)
        try withSpill(budget: 1024) { spill in
            let op = try SortOperator(keys: Self.keys, types: Self.types, downstream: CollectingConsumer(), spill: spill)
            for c in input { _ = try op.consume(c) }
            let path = spill.scratch.path + "/" + (try FileSystem.listDirectory(spill.scratch.path).sorted().first!)
            flipByte(path, at: SpillFile.blockHeaderSize + 8)
            let error = #expect(throws: SpillError.self) { try op.finish() }
            #expect(error?.description.hasPrefix("corrupt spill file '\(path)': at offset 0, checksum mismatch (expected 0x") == true)
            #expect(error?.exitStatus == .ioError)
        }
    }

    @Test func truncatedRunIsAClearError() throws {
        let input = Self.tiedRows(3000, chunkRows: 500, seed: 35)
        try withSpill(budget: 1024) { spill in
            let op = try SortOperator(keys: Self.keys, types: Self.types, downstream: CollectingConsumer(), spill: spill)
            for c in input { _ = try op.consume(c) }
            let path = spill.scratch.path + "/" + (try FileSystem.listDirectory(spill.scratch.path).sorted().last!)
            let size = fileSize(path) - SpillFile.blockHeaderSize
            #expect(truncate(path, off_t(size)) == 0)
            let error = #expect(throws: SpillError.self) { try op.finish() }
            #expect(error?.description == "truncated spill file '\(path)': at offset \(size), the file ends after 1 chunks without its end marker")
        }
    }
}

@Suite struct SpillContextTests {
    @Test func statsDescribeVolumeAndRatio() {
        var s = SpillStats()
        #expect(s.compressionRatio == 1)
        s.spills = 3
        s.files = 48
        s.chunks = 112
        s.rawBytes = 5_200_000
        s.compressedBytes = 1_300_000
        #expect(s.description == "3 spills, 48 files, 112 chunks, 5.2 MB raw, 1.3 MB compressed (ratio 4.00)")
    }

    @Test func levelComesFromSettings() throws {
        var settings = Settings()
        try settings.set("spark.io.compression.zstd.level", "9")
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let context = SpillContext(scratch: dir, budgetBytes: 0, settings: settings)
        #expect(context.zstdLevel == 9)
        #expect(context.budgetBytes == 1)
        let (file, writer) = try context.createFile(prefix: "t")
        try writer.append(makeChunk([.bigint], [[.int(1)]]))
        try context.finish(writer)
        #expect(writer.level == 9)
        #expect(context.stats.files == 1 && context.stats.chunks == 1)
        #expect(context.stats.compressedBytes == writer.fileBytes)
        try file.remove()
        #expect(try FileSystem.listDirectory(dir.path) == [])
    }
}
