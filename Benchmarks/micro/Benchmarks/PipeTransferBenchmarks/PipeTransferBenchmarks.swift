import Benchmark
import CSluiceShims
import Foundation
import MicroBenchSupport
import SluiceCore
import SluiceRuntime
import SystemPackage

/// Chunk frames over a pipe, as a worker sends its output to the supervisor: one thread
/// sends `outputChunk` frames (`Frame.tagged` payloads) with the runtime's `FrameWriter`,
/// the measuring thread takes them off with its `FrameReader` (both check the CRC-32C and
/// copy the payload; `FrameReader` reads 64 KiB at a time). The pipe is made as the
/// runtime makes a worker's: `pipe2(O_CLOEXEC)` and `F_SETPIPE_SZ` raised to 1 MiB, through
/// the C shim.
///
/// The payloads are the CSV reader's chunks, already encoded (ChunkCodecBenchmarks measures
/// that), regrouped so that the frames of a workload, headers included, add up to 10^6
/// bytes (within 0.1%). A run hands one workload to the sending thread and ends when the
/// last of its frames has been read, so `throughput` is bytes per second through the pipe.
let benchmarks: @Sendable () -> Void = {
    let fixture = Fixture<PipeTransfer>()

    Benchmark(
        "Pipe transfer: chunk frames, 1 MiB pipe, 1 MB per run",
        configuration: MicroBenchmark.configuration()
    ) { (benchmark, pipe: PipeTransfer) in
        let job = benchmark.currentIteration % pipe.workloads.count
        benchmark.startMeasurement()
        let frames = try pipe.transfer(job)
        benchmark.stopMeasurement()
        blackHole(frames)
    } setup: {
        try fixture.make {
            let pipe = try PipeTransfer()
            try pipe.check()
            return pipe
        }
    } teardown: {
        fixture.value?.close()
        fixture.value = nil
    }
}

/// A pipe, a sending thread that waits for a workload number, and the reading end.
///
/// ```
///  measuring thread                      sending thread
///  transfer(k): job = k; go.signal() ──> go.wait(); FrameWriter.send × frames of k
///               FrameReader.next × frames of k  <── pipe (1 MiB) ──┘
/// ```
final class PipeTransfer: @unchecked Sendable {
    /// Each workload's payloads (a u32 partition, then a chunk frame).
    let workloads: [[[UInt8]]]
    private let readEnd: FileDescriptor
    private let writeEnd: FileDescriptor
    /// Used by the measuring thread only.
    private var reader: FrameReader
    /// Used by the sending thread only.
    private let writer: FrameWriter
    // `job` is written before `go.signal()` and read after `go.wait()`: the semaphore orders
    // the two. `failure` and `writeEndClosed` are shared under `lock`.
    private var job = 0
    private let go = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var failure: Error?
    private var writeEndClosed = false
    private var closed = false

    init() throws {
        let file = try ClickstreamFile(name: "pipe", minimumBytes: 32 * MicroBenchmark.unitsPerRun)
        defer { file.remove() }
        let cut = try ChunkWorkloads.cut(try file.readAllChunks(), target: MicroBenchmark.unitsPerRun) {
            Frame.headerSize + 4 + ChunkCodec.encodedSize($0)
        }
        workloads = cut.map { w in w.pieces.enumerated().map { Frame.tagged(UInt32($0.offset % 2), $0.element) } }
        for (i, w) in workloads.enumerated() {
            let wire = w.reduce(0) { $0 + Frame.headerSize + $1.count }
            guard wire == cut[i].bytes else { throw BenchmarkFailure("workload \(i): \(wire) bytes of frames, \(cut[i].bytes) planned") }
        }

        // As in the supervisor: a closed read end is EPIPE for the writer, not a fatal SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [-1, -1]
        guard sluice_pipe_cloexec(&fds) == 0 else { throw BenchmarkFailure("pipe2: errno \(errno)") }
        readEnd = FileDescriptor(rawValue: fds[0])
        writeEnd = FileDescriptor(rawValue: fds[1])
        guard sluice_set_pipe_size(fds[1], 1 << 20) >= 1 << 20 else {
            let e = errno
            try? readEnd.close()
            try? writeEnd.close()
            throw BenchmarkFailure("F_SETPIPE_SZ 1 MiB: errno \(e) (see /proc/sys/fs/pipe-max-size)")
        }
        reader = FrameReader(fd: readEnd)
        writer = FrameWriter(fd: writeEnd)
        // The thread holds `self` until `close()` ends its loop.
        let thread = Thread { self.sendLoop() }
        thread.name = "pipe-writer"
        thread.start()
    }

    /// Sends workload `k` from the other thread and reads all of its frames here; the
    /// number of frames.
    func transfer(_ k: Int) throws -> Int {
        job = k
        go.signal()
        let expected = workloads[k].count
        var frames = 0
        while frames < expected {
            guard let (kind, payload) = try reader.next() else {
                throw BenchmarkFailure("the pipe closed after \(frames) of \(expected) frames: \(lock.withLock { failure.map { "\($0)" } } ?? "no error")")
            }
            blackHole(kind)
            blackHole(payload)
            frames += 1
        }
        return frames
    }

    /// One transfer of every workload, each frame decoded and compared with what was sent.
    func check() throws {
        for k in workloads.indices {
            job = k
            go.signal()
            for sent in workloads[k] {
                guard let (kind, payload) = try reader.next() else { throw BenchmarkFailure("the pipe closed in workload \(k)") }
                let (_, chunk) = try Frame.untag(payload)
                let (_, original) = try Frame.untag(sent)
                guard kind == .outputChunk, payload == sent, chunk.count == original.count else {
                    throw BenchmarkFailure("workload \(k): a frame came out different")
                }
            }
        }
    }

    private func sendLoop() {
        while true {
            go.wait()
            let k = job
            if k < 0 { break }
            do {
                for payload in workloads[k] { try writer.send(.outputChunk, payload) }
            } catch {
                // The reader sees the end of the pipe and reports `failure`.
                lock.withLock {
                    failure = error
                    if !writeEndClosed { try? writeEnd.close() }
                    writeEndClosed = true
                }
                break
            }
        }
        stopped.signal()
    }

    /// Stops the sending thread and closes both ends. The read end goes first: a thread
    /// still blocked in write(2) (a run that failed midway) then gets EPIPE and stops too.
    func close() {
        guard !closed else { return }
        closed = true
        job = -1
        go.signal()
        try? readEnd.close()
        stopped.wait()
        lock.withLock {
            if !writeEndClosed { try? writeEnd.close() }
            writeEndClosed = true
        }
    }
}
