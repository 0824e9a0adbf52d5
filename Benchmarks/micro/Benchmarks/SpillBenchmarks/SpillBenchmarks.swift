import Benchmark
import MicroBenchSupport
import SluiceCore
import SluiceExec

/// Spill files at zstd level 1 (`spark.io.compression.zstd.level`'s default): a
/// `SpillContext` over a `ScratchDirectory` creates the file, `SpillFileWriter` encodes,
/// compresses and writes chunks, `SpillFileReader` checks, decompresses and decodes them.
///
/// The chunks are the CSV reader's, regrouped into workloads of 10^6 bytes of chunk frames
/// (within 0.1%): the spill volume as the run report counts it (`SpillStats.rawBytes`). A
/// run writes (or reads back) one file of one workload, creating (or opening) and closing it
/// included, so `throughput` is raw bytes per second. The files stay in the page cache;
/// nothing is fsynced, as for real spills. "Spill file bytes" is what one such file takes
/// on disk, headers included (its compression ratio is 10^6 over that).
let benchmarks: @Sendable () -> Void = {
    let fixture = Fixture<SpillInput>()
    let fileBytes = BenchmarkMetric.custom("Spill file bytes", polarity: .prefersSmaller, useScalingFactor: false)

    Benchmark(
        "Spill write: zstd level 1, 1 MB of chunk frames per file",
        configuration: MicroBenchmark.configuration(extra: [fileBytes])
    ) { (benchmark, input: SpillInput) in
        let workload = input.workloads[benchmark.currentIteration % input.workloads.count]
        benchmark.startMeasurement()
        let (file, writer) = try input.context.createFile(prefix: "bench")
        for chunk in workload.pieces { try writer.append(chunk) }
        try input.context.finish(writer)
        benchmark.stopMeasurement()
        benchmark.measurement(fileBytes, Int(writer.fileBytes))
        try file.remove()
    } setup: {
        try fixture.make { try SpillInput(name: "spill-write") }
    } teardown: {
        fixture.value?.remove()
        fixture.value = nil
    }

    Benchmark(
        "Spill read: zstd level 1, 1 MB of chunk frames per file",
        configuration: MicroBenchmark.configuration()
    ) { (benchmark, input: SpillInput) in
        let path = input.written[benchmark.currentIteration % input.written.count].path
        var rows = 0
        benchmark.startMeasurement()
        let reader = try SpillFileReader(path: path, bufferSize: input.context.readBufferSize)
        while let chunk = try reader.next() {
            rows += chunk.count
            blackHole(chunk)
        }
        reader.close()
        benchmark.stopMeasurement()
        blackHole(rows)
    } setup: {
        try fixture.make {
            let input = try SpillInput(name: "spill-read")
            try input.writeAll()
            return input
        }
    } teardown: {
        fixture.value?.remove()
        fixture.value = nil
    }
}

/// Workloads of 10^6 raw bytes, the spill context, and (for reading) one file per workload.
final class SpillInput {
    let file: ClickstreamFile
    let scratch: ScratchDirectory
    let context: SpillContext
    let workloads: [ChunkWorkload]
    private(set) var written: [ScratchFile] = []

    init(name: String) throws {
        file = try ClickstreamFile(name: name, minimumBytes: 32 * MicroBenchmark.unitsPerRun)
        workloads = try ChunkWorkloads.cut(try file.readAllChunks(), target: MicroBenchmark.unitsPerRun, size: ChunkCodec.encodedSize)
        // Inside the benchmark's own directory, so that removing that removes everything.
        scratch = try ScratchDirectory(base: file.scratch.path)
        // 64 MiB: large enough for the 1 MiB write and read buffers a run would get.
        context = SpillContext(scratch: scratch, budgetBytes: 64 << 20, zstdLevel: 1)
    }

    /// Writes one file per workload and reads each back once, checking its rows and bytes.
    func writeAll() throws {
        for (i, w) in workloads.enumerated() {
            let (f, writer) = try context.createFile(prefix: "read")
            for chunk in w.pieces { try writer.append(chunk) }
            try context.finish(writer)
            guard writer.rawBytes == Int64(w.bytes) else {
                throw BenchmarkFailure("spill file \(i) holds \(writer.rawBytes) raw bytes, its workload \(w.bytes)")
            }
            let reader = try SpillFileReader(path: f.path)
            var rows = 0
            while let chunk = try reader.next() { rows += chunk.count }
            guard rows == w.rows else { throw BenchmarkFailure("spill file \(f.path) reads back \(rows) rows, \(w.rows) written") }
            written.append(f)
        }
    }

    /// Deletes the spill files, the scratch directory and the CSV.
    func remove() {
        for f in written { try? f.remove() }
        written = []
        try? scratch.remove()
        file.remove()
    }
}
