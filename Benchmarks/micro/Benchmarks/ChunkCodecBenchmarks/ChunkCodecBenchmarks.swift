import Benchmark
import MicroBenchSupport
import SluiceCore

/// `ChunkCodec`: chunks to frames (what pipes and spill files carry) and back.
///
/// The chunks are the CSV reader's (8192 rows of the eight clickstream columns, row
/// origins dropped), regrouped into workloads whose frames add up to 10^6 bytes (within
/// 0.1%); a run encodes, or decodes, one workload, so `throughput` is frame bytes per
/// second. Encoding reuses one output buffer, as `SpillFileWriter` does; decoding checks
/// the CRC-32C and every offset and copies each buffer out.
let benchmarks: @Sendable () -> Void = {
    let file = Fixture<ClickstreamFile>()
    let bytesPerRun = MicroBenchmark.unitsPerRun

    Benchmark(
        "ChunkCodec encode: clickstream chunks, 1 MB of frames",
        configuration: MicroBenchmark.configuration()
    ) { (benchmark, input: EncodeInput) in
        let workload = input.workloads[benchmark.currentIteration % input.workloads.count]
        benchmark.startMeasurement()
        for chunk in workload.pieces {
            input.buffer.removeAll(keepingCapacity: true)
            ChunkCodec.encode(chunk, into: &input.buffer)
            blackHole(input.buffer)
        }
        benchmark.stopMeasurement()
    } setup: {
        let f = try file.make { try ClickstreamFile(name: "codec", minimumBytes: 32 * bytesPerRun) }
        let workloads = try ChunkWorkloads.cut(try f.readAllChunks(), target: bytesPerRun, size: ChunkCodec.encodedSize)
        f.remove()
        return EncodeInput(workloads: workloads)
    } teardown: {
        file.value?.remove()
        file.value = nil
    }

    Benchmark(
        "ChunkCodec decode: clickstream chunks, 1 MB of frames",
        configuration: MicroBenchmark.configuration()
    ) { (benchmark, frames: [[[UInt8]]]) in
        let workload = frames[benchmark.currentIteration % frames.count]
        benchmark.startMeasurement()
        for frame in workload {
            blackHole(try ChunkCodec.decode(frame))
        }
        benchmark.stopMeasurement()
    } setup: {
        let f = try file.make { try ClickstreamFile(name: "codec", minimumBytes: 32 * bytesPerRun) }
        let workloads = try ChunkWorkloads.cut(try f.readAllChunks(), target: bytesPerRun, size: ChunkCodec.encodedSize)
        f.remove()
        let frames = workloads.map { $0.pieces.map { ChunkCodec.encode($0) } }
        // A frame that does not decode to its chunk would measure a failure path.
        for (w, workload) in workloads.enumerated() {
            for (p, chunk) in workload.pieces.enumerated() {
                let back = try ChunkCodec.decode(frames[w][p])
                guard back.count == chunk.count, back.types == chunk.types, back.row(back.count - 1) == chunk.row(chunk.count - 1) else {
                    throw BenchmarkFailure("frame \(p) of workload \(w) does not decode to its chunk")
                }
            }
        }
        return frames
    } teardown: {
        file.value?.remove()
        file.value = nil
    }
}

/// The encode benchmark's workloads and its reused output buffer.
final class EncodeInput {
    let workloads: [ChunkWorkload]
    var buffer: [UInt8] = []

    init(workloads: [ChunkWorkload]) {
        self.workloads = workloads
        buffer.reserveCapacity(2 * MicroBenchmark.unitsPerRun)
    }
}
