#if canImport(Glibc)
import Glibc
#endif
import SluiceCore

/// Spill files: a sequence of chunks, each a ``ChunkCodec`` frame compressed as one zstd
/// frame, in blocks
///
/// ```
///  block := compressed length u32 | raw length u32 | CRC-32C of the compressed bytes u32 | compressed bytes
/// ```
///
/// (little-endian), then an end marker in the same shape, which no chunk block can have
/// (a zstd frame is never empty):
///
/// ```
///  end   := 0 u32 | chunk count u32 | CRC-32C of those 8 bytes u32
/// ```
///
/// The marker tells a complete file from one cut short at a block boundary. There is no
/// file header: the chunk frame inside each block carries its own magic and version, and
/// each block's CRC is checked before anything is decompressed. Files are private (mode
/// 0600) and created exclusively.
public enum SpillFile {
    /// Bytes before each block's compressed bytes; also the size of the end marker.
    public static let blockHeaderSize = 12
}

/// Writes chunks to a new spill file through a write buffer (1 MiB by default), counting
/// what it writes for the run report.
public final class SpillFileWriter {
    public let path: String
    /// The zstd level (`spark.io.compression.zstd.level`), clamped to libzstd's range.
    public var level: Int32 { compressor.level }
    public private(set) var chunkCount = 0
    /// Bytes of the chunk frames before compression (the spill volume).
    public private(set) var rawBytes: Int64 = 0
    /// Bytes of the file, block headers included.
    public private(set) var fileBytes: Int64 = 0

    /// Raw bytes per file byte (1 before anything is written).
    public var compressionRatio: Double { fileBytes == 0 ? 1 : Double(rawBytes) / Double(fileBytes) }

    private var fd: Int32
    private let bufferSize: Int
    private var out: UnsafeMutableRawBufferPointer
    private var outCount = 0
    private var frame: [UInt8] = []
    private let compressor: ZstdCompressor

    /// Creates the file with open(2) `O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC`, mode 0600:
    /// an existing file is an error, never overwritten.
    public init(path: String, level: Int = 1, bufferSize: Int = 1 << 20) throws(SpillError) {
        self.path = path
        self.bufferSize = max(bufferSize, 4096)
        compressor = ZstdCompressor(level: level)
        do {
            fd = try SpillIO.create(path)
        } catch {
            throw .io(error)
        }
        out = .allocate(byteCount: self.bufferSize + SpillFile.blockHeaderSize + Zstd.compressBound(1 << 16), alignment: 16)
    }

    deinit {
        if fd >= 0 { close(fd) }
        out.deallocate()
    }

    /// Encodes, compresses and buffers one chunk.
    public func append(_ chunk: Chunk) throws(SpillError) {
        precondition(fd >= 0, "append to a finished spill file")
        frame.removeAll(keepingCapacity: true)
        ChunkCodec.encode(chunk, into: &frame)
        guard frame.count <= Int(UInt32.max) else {
            throw .chunkTooLarge(path: path, bytes: frame.count)
        }
        let header = SpillFile.blockHeaderSize
        let bound = Zstd.compressBound(frame.count)
        if outCount + header + bound > out.count {
            try flush()
            if header + bound > out.count {
                out.deallocate()
                out = .allocate(byteCount: header + bound, alignment: 16)
            }
        }
        let block = out.baseAddress! + outCount
        let destination = UnsafeMutableRawBufferPointer(start: block + header, count: out.count - outCount - header)
        let compressed = frame.withUnsafeBytes { src in
            Result { () throws(ZstdError) -> Int in try compressor.compress(src, into: destination) }
        }
        let size: Int
        switch compressed {
        case .success(let n): size = n
        case .failure(let e): throw .zstd(path: path, offset: fileBytes, e)
        }
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: block + header, count: size))
        block.storeBytes(of: UInt32(size).littleEndian, toByteOffset: 0, as: UInt32.self)
        block.storeBytes(of: UInt32(frame.count).littleEndian, toByteOffset: 4, as: UInt32.self)
        block.storeBytes(of: crc.littleEndian, toByteOffset: 8, as: UInt32.self)
        outCount += header + size
        chunkCount += 1
        rawBytes += Int64(frame.count)
        fileBytes += Int64(header + size)
        if outCount >= bufferSize { try flush() }
    }

    /// Writes what is buffered.
    public func flush() throws(SpillError) {
        guard outCount > 0 else { return }
        do {
            try FileSystem.writeAll(fd, UnsafeRawBufferPointer(start: out.baseAddress, count: outCount), path: path)
        } catch {
            throw .io(error)
        }
        outCount = 0
    }

    /// Writes the end marker, flushes and closes the file. Scratch files are not fsynced: after a crash they are
    /// discarded, never read.
    public func finish() throws(SpillError) {
        guard fd >= 0 else { return }
        if outCount + SpillFile.blockHeaderSize > out.count { try flush() }
        let marker = out.baseAddress! + outCount
        marker.storeBytes(of: UInt32(0), toByteOffset: 0, as: UInt32.self)
        marker.storeBytes(of: UInt32(truncatingIfNeeded: chunkCount).littleEndian, toByteOffset: 4, as: UInt32.self)
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: marker, count: 8))
        marker.storeBytes(of: crc.littleEndian, toByteOffset: 8, as: UInt32.self)
        outCount += SpillFile.blockHeaderSize
        fileBytes += Int64(SpillFile.blockHeaderSize)
        try flush()
        let f = fd
        fd = -1
        // close(2) is not retried on EINTR: Linux releases the descriptor either way.
        if close(f) != 0 && errno != EINTR { throw .io(IOError("close", path: path, errno: errno)) }
    }
}

/// Streams the chunks of a spill file back, one at a time, checking each block.
public final class SpillFileReader {
    public let path: String
    public private(set) var chunksRead = 0
    /// File offset of the next block.
    public private(set) var offset: Int64 = 0
    /// Whether the end marker has been read.
    public private(set) var atEnd = false

    private var fd: Int32
    private let fileSize: Int64
    private var buffer: UnsafeMutableRawBufferPointer
    /// Unconsumed bytes are `buffer[start..<end]`; `buffer[start]` is at file `offset`.
    private var start = 0
    private var end = 0
    private var raw: UnsafeMutableRawBufferPointer
    private let decompressor = ZstdDecompressor()

    /// Opens the file with open(2) `O_RDONLY | O_CLOEXEC`.
    public init(path: String, bufferSize: Int = 1 << 20) throws(SpillError) {
        self.path = path
        do {
            fd = try SpillIO.openForReading(path)
            fileSize = try SpillIO.size(fd, path: path)
        } catch {
            throw .io(error)
        }
        buffer = .allocate(byteCount: max(bufferSize, 64), alignment: 16)
        raw = .allocate(byteCount: 1 << 16, alignment: 16)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
        buffer.deallocate()
        raw.deallocate()
    }

    /// The next chunk, or nil at the end of the file.
    public func next() throws(SpillError) -> Chunk? {
        if atEnd { return nil }
        let header = SpillFile.blockHeaderSize
        guard try fill(header) else {
            if end == start {
                throw .truncated(path: path, offset: offset, detail: "the file ends after \(chunksRead) chunks without its end marker")
            }
            throw .truncated(path: path, offset: offset, detail: "the block header has \(end - start) of \(header) bytes")
        }
        let h = UnsafeRawPointer(buffer.baseAddress! + start)
        let compressedSize = Int(UInt32(littleEndian: h.loadUnaligned(as: UInt32.self)))
        let rawSize = Int(UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let stored = UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        if compressedSize == 0 {
            try checkEndMarker(UnsafeRawBufferPointer(start: h, count: 8), count: rawSize, stored: stored)
            return nil
        }
        // Checked against the file's size before the buffer grows, so a damaged length
        // cannot make the reader allocate gigabytes.
        let remaining = fileSize - offset - Int64(header)
        guard Int64(compressedSize) <= remaining else {
            throw .truncated(path: path, offset: offset, detail: "the block needs \(compressedSize) bytes after its header, the file has \(max(remaining, 0))")
        }
        guard try fill(header + compressedSize) else {
            throw .truncated(path: path, offset: offset, detail: "the block needs \(compressedSize) bytes after its header, the file has \(end - start - header)")
        }
        let compressed = UnsafeRawBufferPointer(start: buffer.baseAddress! + start + header, count: compressedSize)
        let found = CRC32C.checksum(compressed)
        guard found == stored else {
            throw .corrupt(path: path, offset: offset, detail: "checksum mismatch (expected 0x\(CRC32C.hex(stored)), found 0x\(CRC32C.hex(found)))")
        }
        let recorded: Int
        do {
            recorded = try Zstd.contentSize(compressed, limit: Int(UInt32.max))
        } catch {
            throw .zstd(path: path, offset: offset, error)
        }
        guard recorded == rawSize else {
            throw .corrupt(path: path, offset: offset, detail: "the block header says \(rawSize) raw bytes, its zstd frame \(recorded)")
        }
        if raw.count < rawSize {
            raw.deallocate()
            raw = .allocate(byteCount: rawSize, alignment: 16)
        }
        let frame = UnsafeMutableRawBufferPointer(start: raw.baseAddress, count: rawSize)
        do {
            try decompressor.decompress(compressed, into: frame)
        } catch {
            throw .zstd(path: path, offset: offset, error)
        }
        let chunk: Chunk
        do {
            chunk = try ChunkCodec.decode(UnsafeRawBufferPointer(frame))
        } catch {
            throw .corrupt(path: path, offset: offset, detail: error.description)
        }
        start += header + compressedSize
        offset += Int64(header + compressedSize)
        chunksRead += 1
        return chunk
    }

    /// The end marker: its checksum, the number of chunks read, and nothing after it.
    private func checkEndMarker(_ bytes: UnsafeRawBufferPointer, count: Int, stored: UInt32) throws(SpillError) {
        let found = CRC32C.checksum(bytes)
        guard found == stored else {
            throw .corrupt(path: path, offset: offset, detail: "checksum mismatch in the end marker (expected 0x\(CRC32C.hex(stored)), found 0x\(CRC32C.hex(found)))")
        }
        guard count == chunksRead & 0xFFFF_FFFF else {
            throw .corrupt(path: path, offset: offset, detail: "the end marker counts \(count) chunks but the file holds \(chunksRead)")
        }
        let after = fileSize - offset - Int64(SpillFile.blockHeaderSize)
        guard after == 0 else {
            throw .corrupt(path: path, offset: offset, detail: "\(after) bytes follow the end marker")
        }
        start += SpillFile.blockHeaderSize
        offset += Int64(SpillFile.blockHeaderSize)
        atEnd = true
    }

    /// Closes the file (also done when the reader goes away).
    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Makes at least `count` unconsumed bytes available; false when the file ends first.
    private func fill(_ count: Int) throws(SpillError) -> Bool {
        if end - start >= count { return true }
        precondition(fd >= 0, "read from a closed spill file")
        if start > 0 {
            let pending = end - start
            if pending > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending) }
            start = 0
            end = pending
        }
        if count > buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, buffer.count * 2), alignment: 16)
            if end > 0 { bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end) }
            buffer.deallocate()
            buffer = bigger
        }
        while end < count {
            let n: Int
            do {
                n = try SpillIO.read(fd, into: buffer.baseAddress! + end, count: buffer.count - end, path: path)
            } catch {
                throw .io(error)
            }
            if n == 0 { return false }
            end += n
        }
        return true
    }
}

/// A spill file that cannot be written or read back (exit 74).
public enum SpillError: SluiceError {
    /// A system call failed (`cannot write '/tmp/…/spill-3.zst': No space left on device`).
    case io(IOError)
    /// The file ends inside a block.
    case truncated(path: String, offset: Int64, detail: String)
    /// A block fails its checksum, or what it holds is not what its header says.
    case corrupt(path: String, offset: Int64, detail: String)
    /// zstd could not compress a block, or refused one when reading it back.
    case zstd(path: String, offset: Int64, ZstdError)
    /// A chunk whose frame exceeds the 4 GiB a block's u32 lengths can describe.
    case chunkTooLarge(path: String, bytes: Int)

    public var exitStatus: ExitStatus {
        switch self {
        case .io(let e): return e.exitStatus
        case .truncated, .corrupt: return .ioError
        case .zstd(_, _, let e): return e.exitStatus
        case .chunkTooLarge: return .software
        }
    }

    public var description: String {
        switch self {
        case .io(let e): return e.description
        case .truncated(let path, let offset, let detail):
            return "truncated spill file '\(path)': at offset \(offset), \(detail)"
        case .corrupt(let path, let offset, let detail):
            return "corrupt spill file '\(path)': at offset \(offset), \(detail)"
        case .zstd(let path, let offset, let e) where e.operation == "compress":
            return "cannot write spill file '\(path)': at offset \(offset), \(e)"
        case .zstd(let path, let offset, let e):
            return "corrupt spill file '\(path)': at offset \(offset), \(e)"
        case .chunkTooLarge(let path, let bytes):
            return "cannot spill a chunk of \(bytes) bytes to '\(path)': a spill block holds at most 4 GiB"
        }
    }
}

/// The system calls of spill files, each wrapped once: EINTR retried, errno turned into an
/// ``IOError`` that names the path.
enum SpillIO {
    /// open(2) `O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC`, mode 0600 (set again with fchmod(2),
    /// since open applies the umask).
    static func create(_ path: String) throws(IOError) -> Int32 {
        var fd: Int32
        repeat { fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600) } while fd < 0 && errno == EINTR
        if fd < 0 { throw IOError("create", path: path, errno: errno) }
        while fchmod(fd, 0o600) != 0 {
            if errno == EINTR { continue }
            let e = errno
            close(fd)
            throw IOError("set the mode of", path: path, errno: e)
        }
        return fd
    }

    /// open(2) `O_RDONLY | O_CLOEXEC`.
    static func openForReading(_ path: String) throws(IOError) -> Int32 {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 { throw IOError("open", path: path, errno: errno) }
        return fd
    }

    /// fstat(2)'s size.
    static func size(_ fd: Int32, path: String) throws(IOError) -> Int64 {
        var st = stat()
        while fstat(fd, &st) != 0 {
            if errno == EINTR { continue }
            throw IOError("inspect", path: path, errno: errno)
        }
        return Int64(st.st_size)
    }

    /// read(2) of up to `count` bytes; 0 at the end of the file.
    static func read(_ fd: Int32, into p: UnsafeMutableRawPointer, count: Int, path: String) throws(IOError) -> Int {
        while true {
            let n = Glibc.read(fd, p, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IOError("read", path: path, errno: errno)
        }
    }
}
