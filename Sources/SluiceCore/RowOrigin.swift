#if canImport(Glibc)
import Glibc
#endif

/// Where the rows of a scanned chunk came from, so that an error in any later
/// expression of the same pipeline can name the row's file and line.
///
/// Lines are counted from the split's first byte; the absolute line is resolved only
/// when an error needs it, by counting the newlines before the split (DuckDB computes
/// global line numbers the same way, once earlier splits are known).
public struct RowOrigin: Sendable {
    public var path: String
    /// Byte offset of the split in the file.
    public var splitStart: Int64
    /// Per row: the 0-based line, counted from `splitStart`, on which the record starts.
    public var lines: [Int32]

    public init(path: String, splitStart: Int64, lines: [Int32]) {
        self.path = path
        self.splitStart = splitStart
        self.lines = lines
    }

    public func gather(_ indices: [Int32]) -> RowOrigin {
        RowOrigin(path: path, splitStart: splitStart, lines: indices.map { lines[Int($0)] })
    }

    /// The 1-based line of row `row` in its file.
    public func line(ofRow row: Int) -> Int {
        RowOrigin.linesBefore(offset: splitStart, path: path) + Int(lines[row]) + 1
    }

    public func position(ofRow row: Int) -> FilePosition {
        FilePosition(path: path, line: line(ofRow: row))
    }

    /// Newlines in the first `offset` bytes of a file (a cold path, for error messages).
    public static func linesBefore(offset: Int64, path: String) -> Int {
        if offset <= 0 { return 0 }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return 0 }
        defer { close(fd) }
        var remaining = Int(offset)
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while remaining > 0 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, min(remaining, $0.count)) }
            if n <= 0 { break }
            for i in 0..<n where buffer[i] == 10 { count += 1 }
            remaining -= n
        }
        return count
    }
}
