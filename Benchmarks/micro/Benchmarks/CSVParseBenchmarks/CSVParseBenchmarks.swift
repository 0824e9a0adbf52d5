import Benchmark
import MicroBenchSupport
import SluiceCore
import SluiceCSV

/// CSV parsing: `CSVSplitReader` turning a split of the generated clickstream (eight typed
/// columns, empty amounts, quoted urls holding commas) into chunks of every column.
///
/// The file is 32 MB, cut into 32 splits of exactly 10^6 bytes; a run reads one split
/// whole (opening and mapping the file included, as a task does), so `throughput` is bytes
/// per second. A split owns the records that begin in it, so a run parses 10^6 bytes give
/// or take one record (about 90 bytes).
let benchmarks: @Sendable () -> Void = {
    let file = Fixture<ClickstreamFile>()

    Benchmark(
        "CSV parse: clickstream, 8 columns, 1 MB splits of 32 MB",
        configuration: MicroBenchmark.configuration()
    ) { (benchmark, input: (file: ClickstreamFile, splits: [CSVSplit])) in
        let (f, splits) = input
        let split = splits[benchmark.currentIteration % splits.count]
        var rows = 0
        benchmark.startMeasurement()
        var reader = CSVSplitReader(split: split, dataset: f.dataset, options: f.dataset.options, projection: f.projection)
        while let chunk = try reader.next() {
            rows += chunk.count
            blackHole(chunk)
        }
        benchmark.stopMeasurement()
        blackHole(rows)
    } setup: {
        let f = try file.make { try ClickstreamFile(name: "csv", minimumBytes: 32 * MicroBenchmark.unitsPerRun) }
        // Every split parses, and together they give every row once.
        var rows = 0
        for split in f.dataset.splits(maxPartitionBytes: MicroBenchmark.unitsPerRun) {
            var reader = CSVSplitReader(split: split, dataset: f.dataset, options: f.dataset.options, projection: f.projection)
            while let chunk = try reader.next() { rows += chunk.count }
        }
        guard rows == f.rows else { throw BenchmarkFailure("the splits of \(f.path) hold \(rows) rows, generated \(f.rows)") }
        return (f, f.splits(bytesEach: MicroBenchmark.unitsPerRun))
    } teardown: {
        file.value?.remove()
        file.value = nil
    }

    // The same file read as one split, as a task reads a file below
    // spark.sql.files.maxPartitionBytes (128 MB): against the benchmark above, what a split's
    // fixed costs (open, map, column buffers, a last partial chunk) weigh at 1 MB.
    let wholeFile = Fixture<ClickstreamFile>()
    let bytesPerSecond = MicroBenchmark.rate("Bytes per second")

    Benchmark(
        "CSV parse: clickstream, 8 columns, the 32 MB file as one split",
        configuration: MicroBenchmark.wholeRunConfiguration(rate: bytesPerSecond, units: .mega)
    ) { (benchmark, input: (file: ClickstreamFile, split: CSVSplit)) in
        let (f, split) = input
        try MicroBenchmark.measuredRate(benchmark, bytesPerSecond) {
            var reader = CSVSplitReader(split: split, dataset: f.dataset, options: f.dataset.options, projection: f.projection)
            var rows = 0
            while let chunk = try reader.next() {
                rows += chunk.count
                blackHole(chunk)
            }
            blackHole(rows)
            return ((), Int(split.length))
        }
    } setup: {
        let f = try wholeFile.make { try ClickstreamFile(name: "csv-whole", minimumBytes: 32 * MicroBenchmark.unitsPerRun) }
        let splits = f.dataset.splits(maxPartitionBytes: Int.max)
        guard splits.count == 1, splits[0].length == Int64(f.bytes) else { throw BenchmarkFailure("\(f.path) is not one split") }
        _ = try f.readAllChunks()
        return (f, splits[0])
    } teardown: {
        wholeFile.value?.remove()
        wholeFile.value = nil
    }
}
