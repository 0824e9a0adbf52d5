#if canImport(Glibc)
import Glibc
#endif

/// A buffered writer to a file descriptor (stdout for results), flushed in large writes.
public final class OutputStream: @unchecked Sendable {
    let fd: Int32
    var buffer: [UInt8] = []
    let limit = 1 << 16

    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(limit * 2)
    }

    public static let standardOutput = OutputStream(fd: 1)

    /// Whether the descriptor is a terminal (tables there, CSV into pipes).
    public var isTerminal: Bool { isatty(fd) == 1 }

    public func write(_ s: String) {
        var s = s
        s.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= limit { flush() }
    }

    public func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { flush() }
    }

    public func flush() {
        var off = 0
        buffer.withUnsafeBytes { p in
            while off < p.count {
                let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    // A closed pipe (`| head`) ends the output quietly.
                    break
                }
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
