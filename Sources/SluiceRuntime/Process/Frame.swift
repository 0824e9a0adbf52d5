import SystemPackage

/// What a frame on a supervisor–worker pipe carries.
public enum FrameKind: UInt8, Sendable {
    /// First frame each way: the protocol version.
    case hello = 1
    /// Supervisor → worker: a task attempt (JSON ``TaskMessage``).
    case task = 2
    /// Supervisor → worker: a chunk of a join's build side (u32 operator index, then a chunk).
    case buildChunk = 3
    /// Supervisor → worker: an input chunk of the current task.
    case inputChunk = 4
    /// Supervisor → worker: the current task's input is complete.
    case inputEnd = 5
    /// Worker → supervisor: an output chunk (u32 partition, then a chunk).
    case outputChunk = 6
    /// Worker → supervisor: the attempt succeeded (JSON ``TaskResult``).
    case taskDone = 7
    /// Worker → supervisor: the attempt failed (JSON ``TaskFailure``).
    case taskFailed = 8
    /// Worker → supervisor: still alive.
    case heartbeat = 9
    /// Supervisor → worker: exit now.
    case shutdown = 10
    /// Worker → supervisor: what the running attempt has read so far (``ProgressReport``).
    case progress = 11
}

/// A progress frame's payload: three little-endian u64s, the attempt, the rows and the
/// bytes of its split read so far.
struct ProgressReport: Equatable {
    var attempt: Int
    var rows: Int
    var bytes: Int64

    init(attempt: Int, rows: Int, bytes: Int64) {
        self.attempt = attempt
        self.rows = rows
        self.bytes = bytes
    }

    init?(_ payload: [UInt8]) {
        guard payload.count == 24 else { return nil }
        func u64(_ at: Int) -> UInt64 { UInt64(Frame.readU32(payload[...], at)) | UInt64(Frame.readU32(payload[...], at + 4)) << 32 }
        guard let a = Int(exactly: u64(0)), let r = Int(exactly: u64(8)), let b = Int64(exactly: u64(16)) else { return nil }
        self.init(attempt: a, rows: r, bytes: b)
    }

    var payload: [UInt8] {
        var out: [UInt8] = []
        for v in [UInt64(attempt), UInt64(rows), UInt64(bytes)] {
            Frame.appendU32(UInt32(truncatingIfNeeded: v), to: &out)
            Frame.appendU32(UInt32(truncatingIfNeeded: v >> 32), to: &out)
        }
        return out
    }
}

/// The framing of the pipes between the supervisor and its workers:
///
/// ```
/// [ 'S' 'L' ][ kind u8 ][ version u8 ][ payload length u32 ][ crc32c of payload u32 ][ payload ]
/// ```
/// Little-endian. A frame whose magic, version, length or checksum is wrong is a protocol
/// error: the peer is killed and replaced, never trusted.
public enum Frame {
    public static let version: UInt8 = 1
    public static let headerSize = 12
    /// The largest payload accepted (a chunk of a few hundred MB at most).
    public static let maxPayload = 1 << 30

    public static func encode(_ kind: FrameKind, _ payload: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(headerSize + payload.count)
        out.append(0x53); out.append(0x4C)
        out.append(kind.rawValue)
        out.append(version)
        appendU32(UInt32(payload.count), to: &out)
        appendU32(CRC32C.checksum(payload), to: &out)
        out.append(contentsOf: payload)
        return out
    }

    static func appendU32(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v)); out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v >> 16)); out.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    static func readU32(_ b: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
        let i = b.startIndex + at
        return UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    /// A payload that starts with a u32 (a partition or an operator index), then a chunk.
    public static func tagged(_ tag: UInt32, _ chunk: Chunk) -> [UInt8] {
        var out = [UInt8]()
        appendU32(tag, to: &out)
        ChunkCodec.encode(chunk, into: &out)
        return out
    }

    public static func untag(_ payload: [UInt8]) throws -> (UInt32, Chunk) {
        guard payload.count >= 4 else { throw ProtocolError("a chunk frame of \(payload.count) bytes is too short") }
        let tag = readU32(payload[...], 0)
        let chunk = try payload.withUnsafeBytes { try ChunkCodec.decode(UnsafeRawBufferPointer(rebasing: $0[4...])) }
        return (tag, chunk)
    }
}

/// A peer that broke the protocol (garbage on the pipe, a bad checksum, an unknown kind).
public struct ProtocolError: SluiceError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var exitStatus: ExitStatus { .software }
    public var description: String { "worker protocol error: \(message)" }
}

/// Reads frames from a pipe, blocking.
public struct FrameReader {
    let fd: FileDescriptor
    private var buffer: [UInt8] = []
    private var start = 0

    public init(fd: FileDescriptor) { self.fd = fd }

    /// The next frame, or `nil` at end of file (the peer is gone).
    public mutating func next() throws -> (FrameKind, [UInt8])? {
        guard try fill(Frame.headerSize) else { return nil }
        let h = buffer[start..<(start + Frame.headerSize)]
        guard h[h.startIndex] == 0x53, h[h.startIndex + 1] == 0x4C else {
            throw ProtocolError("bad frame magic 0x\(String(h[h.startIndex], radix: 16))\(String(h[h.startIndex + 1], radix: 16))")
        }
        guard let kind = FrameKind(rawValue: h[h.startIndex + 2]) else { throw ProtocolError("unknown frame kind \(h[h.startIndex + 2])") }
        guard h[h.startIndex + 3] == Frame.version else { throw ProtocolError("frame version \(h[h.startIndex + 3]), expected \(Frame.version)") }
        let length = Int(Frame.readU32(h, 4))
        let crc = Frame.readU32(h, 8)
        guard length <= Frame.maxPayload else { throw ProtocolError("frame of \(length) bytes exceeds the limit") }
        guard try fill(Frame.headerSize + length) else { throw ProtocolError("pipe closed inside a frame") }
        let payload = Array(buffer[(start + Frame.headerSize)..<(start + Frame.headerSize + length)])
        start += Frame.headerSize + length
        guard CRC32C.checksum(payload) == crc else { throw ProtocolError("frame checksum mismatch") }
        return (kind, payload)
    }

    /// Makes `n` unread bytes available; false at a clean end of file before any of them.
    private mutating func fill(_ n: Int) throws -> Bool {
        if buffer.count - start >= n { return true }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: max(1 << 16, n - buffer.count))
        while buffer.count < n {
            let got = try chunk.withUnsafeMutableBytes { try fd.read(into: $0, retryOnInterrupt: true) }
            if got == 0 {
                if buffer.isEmpty { return false }
                throw ProtocolError("pipe closed inside a frame")
            }
            buffer.append(contentsOf: chunk[0..<got])
        }
        return true
    }
}

/// Writes frames to a pipe; one writer at a time (the worker's heartbeat thread shares it).
public final class FrameWriter: @unchecked Sendable {
    let fd: FileDescriptor
    private let lock = PthreadMutex()

    public init(fd: FileDescriptor) { self.fd = fd }

    public func send(_ kind: FrameKind, _ payload: [UInt8] = []) throws {
        let bytes = Frame.encode(kind, payload)
        try lock.withLock {
            _ = try bytes.withUnsafeBytes { try fd.writeAll($0) }
        }
    }
}
