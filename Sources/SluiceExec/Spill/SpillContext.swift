#if canImport(Glibc)
import Glibc
#endif
import SluiceCore
import Synchronization

/// What an operator needs to stay within a memory budget by spilling: the run's scratch
/// directory, the zstd level of spill files (`spark.io.compression.zstd.level`), the
/// budget of one operator in bytes, and counters of everything spilled, for the run report.
///
/// One context serves every operator of a run, on any thread: file names come from the
/// directory's atomic counter and the counters sit behind a lock. An operator given no
/// context keeps everything in memory, as if its budget were unlimited.
///
/// ```
///  operator ── over budget ──> SpillFileWriter (zstd level) ──> <scratch>/<prefix>-<n>.zst
///      │                              └── finished: counted in ``stats``
///      └── merge back ──> SpillFileReader ──> file removed once read
/// ```
public final class SpillContext: Sendable {
    public let scratch: ScratchDirectory
    /// The zstd level of spill files (libzstd clamps it to its range).
    public let zstdLevel: Int
    /// Bytes one operator may hold (its hash table, its sort buffer) before it spills.
    public let budgetBytes: Int
    private let counters = Mutex(SpillStats())

    /// A context whose operators each hold at most `budgetBytes` (at least 1) before spilling.
    public init(scratch: ScratchDirectory, budgetBytes: Int, zstdLevel: Int = 1) {
        self.scratch = scratch
        self.budgetBytes = max(budgetBytes, 1)
        self.zstdLevel = zstdLevel
    }

    /// A context with the zstd level of the run's settings (`spark.io.compression.zstd.level`).
    public convenience init(scratch: ScratchDirectory, budgetBytes: Int, settings: Settings) {
        self.init(scratch: scratch, budgetBytes: budgetBytes, zstdLevel: settings.int("spark.io.compression.zstd.level"))
    }

    /// What has been spilled so far, by every operator using this context.
    public var stats: SpillStats { counters.withLock { $0 } }

    /// Bytes of a spill file's write buffer: small budgets get small buffers (an
    /// aggregation keeps one writer per grace-hash partition open), large ones 1 MiB.
    var writeBufferSize: Int { min(max(budgetBytes / 32, 4096), 1 << 20) }

    /// Bytes of a spill file's read buffer (it grows for a larger block).
    public var readBufferSize: Int { min(max(budgetBytes / 64, 4096), 1 << 20) }

    /// A new spill file in the scratch directory (`<prefix>-<n>.zst`, mode 0600), and the
    /// handle that deletes it.
    public func createFile(prefix: String) throws(SpillError) -> (ScratchFile, SpillFileWriter) {
        let path = scratch.newFilePath(prefix: prefix)
        let writer = try SpillFileWriter(path: path, level: zstdLevel, bufferSize: writeBufferSize)
        return (ScratchFile(path: path), writer)
    }

    /// Finishes `writer` and counts what it wrote.
    public func finish(_ writer: SpillFileWriter) throws(SpillError) {
        try writer.finish()
        counters.withLock {
            $0.files += 1
            $0.chunks += writer.chunkCount
            $0.rawBytes += writer.rawBytes
            $0.compressedBytes += writer.fileBytes
        }
    }

    /// Counts one time an operator went over its budget and wrote its data out.
    public func countSpill(_ kind: SpillKind) {
        counters.withLock {
            $0.spills += 1
            $0.byKind[kind.rawValue, default: 0] += 1
        }
    }
}

/// What spilled: a hash aggregation's table, a sort's buffer, a hash join's build side, or
/// stage output held between stages.
public enum SpillKind: String, Sendable, CaseIterable {
    case aggregation, sort, join, shuffle
}

/// Spill volume, as the run report prints it.
public struct SpillStats: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Times an operator went over its budget and wrote what it held to disk.
    public var spills = 0
    /// Those times by ``SpillKind`` (its raw value).
    public var byKind: [String: Int] = [:]
    /// Spill files written (each read back once, then deleted).
    public var files = 0
    /// Chunks written to them.
    public var chunks = 0
    /// Bytes of the chunk frames before compression.
    public var rawBytes: Int64 = 0
    /// Bytes of the files, block headers and end markers included.
    public var compressedBytes: Int64 = 0

    /// No spills yet.
    public init() {}

    /// Takes an earlier count away (what a context spilled since then).
    public mutating func subtract(_ earlier: SpillStats) {
        spills -= earlier.spills
        for (k, n) in earlier.byKind { byKind[k, default: 0] -= n }
        byKind = byKind.filter { $0.value != 0 }
        files -= earlier.files
        chunks -= earlier.chunks
        rawBytes -= earlier.rawBytes
        compressedBytes -= earlier.compressedBytes
    }

    /// Adds another count (a worker's, another operator's).
    public mutating func add(_ other: SpillStats) {
        spills += other.spills
        byKind.merge(other.byKind, uniquingKeysWith: +)
        files += other.files
        chunks += other.chunks
        rawBytes += other.rawBytes
        compressedBytes += other.compressedBytes
    }

    /// Raw bytes per byte on disk (1 when nothing was spilled).
    public var compressionRatio: Double {
        compressedBytes == 0 ? 1 : Double(rawBytes) / Double(compressedBytes)
    }

    /// `3 spills (aggregation 2, sort 1), 48 files, 112 chunks, 5.2 MB raw, 1.3 MB
    /// compressed (ratio 4.00)`.
    public var description: String {
        let kinds = SpillKind.allCases.compactMap { k in byKind[k.rawValue].map { "\(k.rawValue) \($0)" } }
        return "\(spills) spills\(kinds.isEmpty ? "" : " (" + kinds.joined(separator: ", ") + ")"), \(files) files, \(chunks) chunks, \(Self.fixed(Double(rawBytes) / 1e6, digits: 1)) MB raw, "
            + "\(Self.fixed(Double(compressedBytes) / 1e6, digits: 1)) MB compressed (ratio \(Self.fixed(compressionRatio, digits: 2)))"
    }

    /// `x` (not negative) with `digits` decimals, without Foundation.
    static func fixed(_ x: Double, digits: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((x * Double(scale)).rounded())
        let fraction = String(scaled % scale)
        return "\(scaled / scale)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}

/// A file in the scratch directory that this operator created and must delete: by
/// ``remove()`` once it has been read back, or when the last reference goes away, so that
/// an operator that fails midway leaves no file behind either.
public final class ScratchFile {
    public let path: String
    private var removed = false

    public init(path: String) { self.path = path }

    deinit {
        if !removed { _ = Self.unlinkIgnoringMissing(path) }
    }

    /// Deletes the file (unlink(2)); one that is already gone is fine.
    public func remove() throws(IOError) {
        guard !removed else { return }
        removed = true
        let e = Self.unlinkIgnoringMissing(path)
        if e != 0 { throw IOError("remove", path: path, errno: e) }
    }

    /// unlink(2), retried on EINTR; the errno of a failure other than ENOENT, else 0.
    private static func unlinkIgnoringMissing(_ path: String) -> Int32 {
        while unlink(path) != 0 {
            let e = errno
            if e == EINTR { continue }
            return e == ENOENT ? 0 : e
        }
        return 0
    }
}
