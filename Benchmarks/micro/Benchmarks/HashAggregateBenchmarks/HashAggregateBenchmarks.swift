import Benchmark
import MicroBenchSupport
import SluiceCore
import SluiceExec

/// `HashAggregateOperator` in single mode (rows in, results out, no spill context):
/// `SELECT user_id, sum(amount), count(*) GROUP BY user_id` over chunks of 8192 rows, a
/// BIGINT key drawn uniformly (about four rows per key) and a DOUBLE amount that is NULL in
/// 62% of the rows (views, as in the clickstream). A run builds the operator, consumes
/// every chunk and emits every group downstream (to a sink that only counts).
///
/// Two sizes. `throughput` is per row only when a run consumes exactly 10^6 rows
/// (``MicroBenchmark``), so the first benchmark aggregates 1,000,000 rows over a key space
/// of 250,000 (about 245,000 groups). The second keeps the original shape, 4,000,000 rows
/// over 1,000,000 keys (about 982,000 groups: a table four times larger). Both report
/// "Rows per second", measured around the same code: a run takes tens of milliseconds, so
/// `throughput` (an integer count of runs per second) is coarse.
let benchmarks: @Sendable () -> Void = {
    let rowsPerSecond = MicroBenchmark.rate("Rows per second")

    /// A run aggregates `rows` rows over `keySpace` keys, checked once in the setup.
    func aggregation(_ name: String, _ configuration: Benchmark.Configuration, rows: Int, keySpace: Int) {
        Benchmark(name, configuration: configuration) { (benchmark, input: AggregateInput) in
            try MicroBenchmark.measuredRate(benchmark, rowsPerSecond) {
                let (op, sink) = try aggregate(input)
                blackHole(sink.rows)
                return (op, input.rows)
            }
        } setup: {
            try AggregateInput(rows: rows, keySpace: keySpace)
        }
    }

    aggregation("HashAggregate sum+count: 1M rows, 250K BIGINT keys",
                MicroBenchmark.configuration(extra: [rowsPerSecond], units: [rowsPerSecond: .kilo]),
                rows: MicroBenchmark.unitsPerRun, keySpace: 250_000)
    aggregation("HashAggregate sum+count: 4M rows, 1M BIGINT keys",
                MicroBenchmark.wholeRunConfiguration(rate: rowsPerSecond, units: .kilo),
                rows: 4 * MicroBenchmark.unitsPerRun, keySpace: 1_000_000)
}

/// One whole aggregation of `input`; the operator is returned so that the caller decides
/// when its table is freed.
func aggregate(_ input: AggregateInput) throws -> (HashAggregateOperator, CountingSink) {
    let sink = CountingSink()
    let op = try HashAggregateOperator(keys: AggregateInput.keys, aggregates: AggregateInput.calls, mode: .single, downstream: sink)
    for chunk in input.chunks { _ = try op.consume(chunk) }
    try op.finish()
    return (op, sink)
}

/// The aggregation's input: chunks of (user_id BIGINT, amount DOUBLE).
struct AggregateInput {
    static let keys: [Expression] = [.column(0, .bigint, name: "user_id")]
    static let calls: [AggregateCall] = [
        AggregateCall(function: .sum, argument: .column(1, .double, name: "amount"), distinct: false, type: .double),
        AggregateCall(function: .countStar, argument: nil, distinct: false, type: .bigint),
    ]

    let chunks: [Chunk]
    let rows: Int
    let distinctKeys: Int

    /// `rows` rows with keys uniform in `1 ... keySpace`; checks one aggregation's result
    /// (a group per distinct key, counts adding up to `rows`, the sum of the amounts).
    init(rows: Int, keySpace: Int, seed: UInt64 = 11) throws {
        var rng = SplitMix64(seed: seed)
        var chunks: [Chunk] = []
        var seen = Set<Int64>()
        var total = 0.0
        var start = 0
        while start < rows {
            let n = min(Chunk.capacity, rows - start)
            var keys = [Int64](repeating: 0, count: n)
            var amounts = [Double](repeating: 0, count: n)
            var valid = [Bool](repeating: true, count: n)
            for i in 0..<n {
                keys[i] = Int64(1 + rng.next(below: keySpace))
                seen.insert(keys[i])
                if rng.next(below: 100) < 62 {
                    valid[i] = false
                } else {
                    amounts[i] = Double(100 + rng.next(below: 49_900)) / 100
                    total += amounts[i]
                }
            }
            chunks.append(Chunk(columns: [
                Column(type: .bigint, storage: .int64(keys)),
                Column(type: .double, storage: .double(amounts), validity: Validity(validFlags: valid)),
            ], count: n))
            start += n
        }
        self.chunks = chunks
        self.rows = rows
        distinctKeys = seen.count

        let out = CollectingConsumer()
        let op = try HashAggregateOperator(keys: Self.keys, aggregates: Self.calls, mode: .single, downstream: out)
        for chunk in chunks { _ = try op.consume(chunk) }
        try op.finish()
        let groups = out.rowCount
        let counted = out.chunks.reduce(Int64(0)) { $0 + $1[2].int64s.reduce(0, +) }
        let summed = out.chunks.reduce(0.0) { acc, c in (0..<c.count).reduce(acc) { c[1].isNull($1) ? $0 : $0 + c[1].doubles[$1] } }
        guard groups == distinctKeys, counted == Int64(rows), abs(summed - total) <= 1e-6 * total else {
            throw BenchmarkFailure("aggregated \(groups) groups, \(counted) rows, sum \(summed); expected \(distinctKeys), \(rows), \(total)")
        }
    }
}

/// A downstream operator that counts what it is given and keeps nothing.
final class CountingSink: ChunkConsumer {
    private(set) var rows = 0

    func consume(_ chunk: Chunk) throws -> Bool {
        rows += chunk.count
        blackHole(chunk)
        return true
    }

    func finish() throws {}
}
