import Foundation

/// A private directory for one benchmark's files, `$TMPDIR/sluice-micro-<name>-XXXXXX`
/// (mkdtemp(3), mode 0700), removed with everything in it by ``remove()``.
public final class ScratchSpace: @unchecked Sendable {
    public let path: String

    /// Creates the directory. `NSTemporaryDirectory()` reads `$TMPDIR` (else `/tmp`).
    public init(name: String) throws {
        let template = NSTemporaryDirectory() + "sluice-micro-\(name)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = bytes.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchmarkFailure("cannot create a scratch directory from '\(template)': errno \(errno)")
        }
        path = String(cString: made)
    }

    /// Writes `bytes` to `<path>/<name>` and returns the file's path.
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// Deletes the directory and its files; one already gone is fine.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
