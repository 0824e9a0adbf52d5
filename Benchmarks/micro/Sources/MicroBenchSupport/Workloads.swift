import SluiceCore

/// Chunks regrouped so that each group's encoded size is one benchmark run's worth of bytes
/// (``MicroBenchmark/unitsPerRun``).
public struct ChunkWorkload: Sendable {
    /// Whole chunks and, to fill the rest, a slice of the next one.
    public var pieces: [Chunk]
    /// The sum of `size` over `pieces`, at most the target and short of it by less than
    /// the smallest piece that would still have fit (a frame of one row).
    public var bytes: Int
    public var rows: Int { pieces.reduce(0) { $0 + $1.count } }
}

/// The cutting of a scan's chunks into workloads of a fixed number of encoded bytes.
public enum ChunkWorkloads {
    /// `chunks`, in order, cut into workloads of `target` bytes each by `size` (an encoded
    /// frame's length, say): whole chunks while they fit, then the largest row prefix of the
    /// next chunk that fits (found by bisection, as a frame only grows with its rows); the
    /// rest of that chunk starts the next workload. A last workload short of the target is
    /// left out.
    ///
    /// - Throws: when a workload misses the target by more than 0.1%, which would make the
    ///   per-byte figure wrong by as much.
    public static func cut(_ chunks: [Chunk], target: Int, size: (Chunk) -> Int) throws -> [ChunkWorkload] {
        var workloads: [ChunkWorkload] = []
        var current = ChunkWorkload(pieces: [], bytes: 0)
        for chunk in chunks {
            var start = 0
            while start < chunk.count {
                let rest = start == 0 ? chunk : chunk.slice(start..<chunk.count)
                let room = target - current.bytes
                let whole = size(rest)
                if whole <= room {
                    current.pieces.append(rest)
                    current.bytes += whole
                    break
                }
                // The most rows r of `rest` whose frame fits in `room` (0 when not even one does).
                var low = 0, high = rest.count - 1
                while low < high {
                    let mid = (low + high + 1) / 2
                    if size(rest.slice(0..<mid)) <= room { low = mid } else { high = mid - 1 }
                }
                if low == 0 && current.pieces.isEmpty {
                    throw BenchmarkFailure("a frame of one row is larger than a workload of \(target) bytes")
                }
                if low > 0 {
                    let piece = rest.slice(0..<low)
                    current.pieces.append(piece)
                    current.bytes += size(piece)
                    start += low
                }
                workloads.append(current)
                current = ChunkWorkload(pieces: [], bytes: 0)
            }
        }
        for (i, w) in workloads.enumerated() where w.bytes > target || w.bytes < target - target / 1000 {
            throw BenchmarkFailure("workload \(i) holds \(w.bytes) bytes, the target is \(target)")
        }
        return workloads
    }
}
