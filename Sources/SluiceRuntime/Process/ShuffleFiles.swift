import SluiceCore
import SluiceExec
#if canImport(Glibc)
import Glibc
#endif

/// Bytes of a shuffle file that hold consecutive chunk frames of one partition, as they
/// are or as one zstd frame of `rawLength` bytes.
public struct ShuffleRange: Codable, Sendable, Equatable {
    public var offset: Int64
    public var length: Int64
    /// The length once decompressed; nil when the range is stored as it is.
    public var rawLength: Int64?
}

/// Where a reduce task finds one map task's output for its partition: a file in the run's
/// scratch directory and its ranges, read in order.
public struct ShuffleFileRef: Codable, Sendable, Equatable {
    public var path: String
    public var ranges: [ShuffleRange]
}

/// A map task's shuffle output in process mode (Spark's sort-less shuffle file, without
/// the index file: the ranges travel in the task's result). Each partition's chunks are
/// encoded into a buffer of their own (``ChunkCodec`` frames, each with its checksum);
/// a full buffer is appended to the file as one range, so a partition's rows stay in the
/// order the task produced them. With a compression level, a full buffer is written as
/// one zstd frame when that saves at least an eighth of it (else as it is).
///
/// ```
///  append(p, chunk) ─> buffer[p] ─(full)─> [zstd] ─> write at the file's end ─> ranges[p] += (offset, length)
///  finish()         ─> every buffer written, file closed ─> ranges per partition
/// ```
///
/// The file is created `O_EXCL`, mode 0600, in the private scratch directory; a task that
/// fails removes it (and the supervisor removes the file of any attempt it gives up on).
final class ShuffleFileWriter {
    let path: String
    private var fd: Int32
    private var buffers: [[UInt8]]
    private(set) var ranges: [[ShuffleRange]]
    private var offset: Int64 = 0
    private let flushBytes: Int
    private let compressor: ZstdCompressor?
    /// Bytes written to the file.
    var bytes: Int64 { offset }
    /// Bytes of chunk frames before compression.
    private(set) var rawBytes: Int64 = 0
    private(set) var chunks = 0
    /// Whether the file is written compressed (where that saves space).
    var compresses: Bool { compressor != nil }

    init(path: String, partitions: Int, compressionLevel: Int? = nil) throws(IOError) {
        compressor = compressionLevel.map { ZstdCompressor(level: $0) }
        self.path = path
        fd = try FileSystem.createExclusive(path, mode: 0o600)
        let count = max(partitions, 1)
        buffers = Array(repeating: [], count: count)
        ranges = Array(repeating: [], count: count)
        // Bounded buffering whatever the partition count: 8 MiB in all, 64 KiB to 1 MiB each.
        flushBytes = min(1 << 20, max(1 << 16, (8 << 20) / count))
    }

    deinit { if fd >= 0 { close(fd) } }

    func append(_ chunk: Chunk, partition p: Int) throws(IOError) {
        ChunkCodec.encode(chunk, into: &buffers[p])
        chunks += 1
        if buffers[p].count >= flushBytes { try flush(p) }
    }

    private func flush(_ p: Int) throws(IOError) {
        let count = buffers[p].count
        guard count > 0 else { return }
        rawBytes += Int64(count)
        var compressed: [UInt8]? = nil
        if let compressor {
            let c = buffers[p].withUnsafeBytes { try? compressor.compress($0) }
            if let c, c.count <= count - count / 8 { compressed = c }
        }
        let stored = compressed ?? buffers[p]
        try FileSystem.writeAll(fd, stored, path: path)
        ranges[p].append(ShuffleRange(offset: offset, length: Int64(stored.count), rawLength: compressed == nil ? nil : Int64(count)))
        offset += Int64(stored.count)
        buffers[p].removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file; the ranges of each partition.
    func finish() throws(IOError) -> [[ShuffleRange]] {
        for p in buffers.indices { try flush(p) }
        let fd = self.fd
        self.fd = -1
        if close(fd) != 0 && errno != EINTR { throw IOError("close", path: path, errno: errno) }
        return ranges
    }

    /// Closes and removes the file of a task that failed.
    func abandon() {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(path)
    }
}

/// Reads the chunks of shuffle file ranges in order, each frame's checksum verified. A
/// file that is missing, short or damaged is an infrastructure fault (the task is retried),
/// never a silent end.
struct ShuffleChunkReader {
    private var refs: ArraySlice<ShuffleFileRef>
    private var ranges: ArraySlice<ShuffleRange> = []
    private var path = ""
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var position = 0
    private var compressed: [UInt8] = []
    private var decompressor: ZstdDecompressor?

    init(_ refs: [ShuffleFileRef]) { self.refs = refs[...] }

    /// Closes the file being read (the reader is done with it, or gives up).
    mutating func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    mutating func next() throws -> Chunk? {
        while true {
            if position < buffer.count { return try decodeNext() }
            if let range = ranges.popFirst() {
                try load(range)
                continue
            }
            close()
            guard let ref = refs.popFirst() else { return nil }
            path = ref.path
            ranges = ref.ranges[...]
            if ranges.isEmpty { continue }
            repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
            if fd < 0 { throw IOError("open the shuffle file", path: path, errno: errno, status: .software) }
        }
    }

    /// Reads a whole range into the buffer (decompressed).
    private mutating func load(_ range: ShuffleRange) throws {
        position = 0
        guard let raw = range.rawLength else {
            try Self.read(range, fd: fd, path: path, into: &buffer)
            return
        }
        try Self.read(range, fd: fd, path: path, into: &compressed)
        if buffer.count != Int(raw) { buffer = [UInt8](repeating: 0, count: Int(raw)) }
        if decompressor == nil { decompressor = ZstdDecompressor() }
        let z = decompressor!
        do {
            try compressed.withUnsafeBytes { source in
                try buffer.withUnsafeMutableBytes { destination in try z.decompress(source, into: destination) }
            }
        } catch {
            throw ShuffleFileError(path: path, problem: "a compressed range (\(range.offset)+\(range.length)) does not decompress: \(error)")
        }
    }

    private static func read(_ range: ShuffleRange, fd: Int32, path: String, into buffer: inout [UInt8]) throws {
        let length = Int(range.length)
        if buffer.count != length { buffer = [UInt8](repeating: 0, count: length) }
        try buffer.withUnsafeMutableBytes { b in
            var done = 0
            while done < length {
                let n = pread(fd, b.baseAddress! + done, length - done, off_t(range.offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IOError("read the shuffle file", path: path, errno: errno, status: .software)
                }
                if n == 0 { throw ShuffleFileError(path: path, problem: "ends inside a range (\(range.offset)+\(range.length))") }
                done += n
            }
        }
    }

    private mutating func decodeNext() throws -> Chunk {
        let start = position, path = self.path
        let (chunk, length): (Chunk, Int) = try buffer.withUnsafeBytes { b in
            let rest = UnsafeRawBufferPointer(rebasing: b[start...])
            do {
                let length = try ChunkCodec.frameLength(header: rest)
                guard length <= rest.count else { throw ShuffleFileError(path: path, problem: "a chunk frame runs past its range") }
                return (try ChunkCodec.decode(UnsafeRawBufferPointer(rebasing: rest[..<length])), length)
            } catch let e as ChunkCodecError {
                throw ShuffleFileError(path: path, problem: "\(e)")
            }
        }
        position = start + length
        return chunk
    }
}

/// A shuffle file that cannot be read back as written (exit 70: not the data's fault).
struct ShuffleFileError: SluiceError {
    var path: String
    var problem: String
    var exitStatus: ExitStatus { .software }
    var description: String { "shuffle file '\(path)' is damaged: \(problem)" }
}
