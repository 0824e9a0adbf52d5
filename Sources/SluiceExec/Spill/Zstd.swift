import CZstd
import SluiceCore

/// zstd compression of whole buffers, one zstd frame per buffer, with the content size
/// recorded in the frame (what spill files store per chunk).
///
/// ``ZstdCompressor`` and ``ZstdDecompressor`` keep a context (`ZSTD_CCtx`, `ZSTD_DCtx`)
/// across calls, which saves its allocation and set-up on every chunk; a context serves
/// one thread at a time, so they are not `Sendable`. The static functions are one-off
/// conveniences over `ZSTD_compress` / `ZSTD_decompress`.
public enum Zstd {
    /// The version of the linked libzstd (`ZSTD_versionString`), for run reports.
    public static var version: String { String(cString: ZSTD_versionString()) }

    /// The largest compressed size of `count` bytes (`ZSTD_compressBound`).
    public static func compressBound(_ count: Int) -> Int { ZSTD_compressBound(count) }

    /// `level` clamped to what the library accepts (negative levels are the fast ones).
    public static func clampLevel(_ level: Int) -> Int32 {
        Int32(min(max(level, Int(ZSTD_minCLevel())), Int(ZSTD_maxCLevel())))
    }

    /// One zstd frame of `source` (`ZSTD_compress`).
    public static func compress(_ source: UnsafeRawBufferPointer, level: Int) throws(ZstdError) -> [UInt8] {
        let bound = compressBound(source.count)
        var code = 0
        let out = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            code = ZSTD_compress(buffer.baseAddress, bound, source.baseAddress ?? emptyInput, source.count, clampLevel(level))
            count = ZSTD_isError(code) != 0 ? 0 : code
        }
        try check(code, "compress")
        return out
    }

    /// The content of one zstd frame (`ZSTD_decompress`); the frame must record its content
    /// size, which may not exceed `limit` (a guard against forged sizes).
    public static func decompress(_ source: UnsafeRawBufferPointer, limit: Int) throws(ZstdError) -> [UInt8] {
        let size = try contentSize(source, limit: limit)
        var code = 0
        let out = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            code = ZSTD_decompress(buffer.baseAddress.map { UnsafeMutableRawPointer($0) } ?? emptyOutput, size, source.baseAddress, source.count)
            count = ZSTD_isError(code) != 0 ? 0 : code
        }
        try check(code, "decompress")
        guard code == size else { throw ZstdError(operation: "decompress", message: "the frame holds \(code) bytes, not the \(size) its header says") }
        return out
    }

    /// The content size a frame records (`ZSTD_getFrameContentSize`).
    public static func contentSize(_ source: UnsafeRawBufferPointer, limit: Int) throws(ZstdError) -> Int {
        guard let base = source.baseAddress else { throw ZstdError(operation: "decompress", message: "empty input") }
        let size = ZSTD_getFrameContentSize(base, source.count)
        // ZSTD_CONTENTSIZE_ERROR and ZSTD_CONTENTSIZE_UNKNOWN: (0ULL - 2) and (0ULL - 1).
        if size == UInt64.max - 1 { throw ZstdError(operation: "decompress", message: "not a zstd frame") }
        if size == UInt64.max { throw ZstdError(operation: "decompress", message: "the frame does not record its content size") }
        guard size <= UInt64(limit) else {
            throw ZstdError(operation: "decompress", message: "the frame claims \(size) bytes, more than the \(limit) expected")
        }
        return Int(size)
    }

    static func check(_ code: Int, _ operation: String) throws(ZstdError) {
        if ZSTD_isError(code) != 0 {
            throw ZstdError(operation: operation, message: String(cString: ZSTD_getErrorName(code)))
        }
    }

    /// A valid pointer for empty inputs and outputs (zstd wants non-null buffers); one byte,
    /// allocated once and never freed.
    nonisolated(unsafe) static let emptyOutput = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    static var emptyInput: UnsafeRawPointer { UnsafeRawPointer(emptyOutput) }
}

/// Compresses buffers with one reusable `ZSTD_CCtx` at a fixed level.
public final class ZstdCompressor {
    private let context: OpaquePointer
    public let level: Int32

    /// `ZSTD_createCCtx`; `level` is clamped to the library's range (1 is Spark's default).
    public init(level: Int) {
        guard let c = ZSTD_createCCtx() else { fatalError("ZSTD_createCCtx failed: out of memory") }
        context = c
        self.level = Zstd.clampLevel(level)
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `source` into `destination` (`ZSTD_compressCCtx`), which must hold at least
    /// ``Zstd/compressBound(_:)`` bytes; the compressed size.
    public func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(ZstdError) -> Int {
        let code = ZSTD_compressCCtx(context, destination.baseAddress, destination.count, source.baseAddress ?? Zstd.emptyInput, source.count, level)
        try Zstd.check(code, "compress")
        return code
    }

    /// One zstd frame of `source`.
    public func compress(_ source: UnsafeRawBufferPointer) throws(ZstdError) -> [UInt8] {
        let bound = Zstd.compressBound(source.count)
        var result: Result<Int, ZstdError> = .success(0)
        let out = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            result = Result { () throws(ZstdError) -> Int in try compress(source, into: UnsafeMutableRawBufferPointer(buffer)) }
            count = (try? result.get()) ?? 0
        }
        _ = try result.get()
        return out
    }
}

/// Decompresses zstd frames with one reusable `ZSTD_DCtx`.
public final class ZstdDecompressor {
    private let context: OpaquePointer

    /// `ZSTD_createDCtx`.
    public init() {
        guard let c = ZSTD_createDCtx() else { fatalError("ZSTD_createDCtx failed: out of memory") }
        context = c
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses one frame whose content is exactly `destination.count` bytes
    /// (`ZSTD_decompressDCtx`); anything else is an error.
    public func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(ZstdError) {
        let expected = destination.count
        let recorded = try Zstd.contentSize(source, limit: Int.max)
        guard recorded == expected else {
            throw ZstdError(operation: "decompress", message: "the frame holds \(recorded) bytes, not the \(expected) expected")
        }
        let code = ZSTD_decompressDCtx(context, destination.baseAddress ?? Zstd.emptyOutput, expected, source.baseAddress, source.count)
        try Zstd.check(code, "decompress")
        guard code == expected else {
            throw ZstdError(operation: "decompress", message: "the frame holds \(code) bytes, not the \(expected) expected")
        }
    }

    /// The content of one frame, which must record its size and hold at most `limit` bytes.
    public func decompress(_ source: UnsafeRawBufferPointer, limit: Int) throws(ZstdError) -> [UInt8] {
        let size = try Zstd.contentSize(source, limit: limit)
        var result: Result<Void, ZstdError> = .success(())
        let out = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            result = Result { () throws(ZstdError) in try decompress(source, into: UnsafeMutableRawBufferPointer(buffer)) }
            count = (try? result.get()) != nil ? size : 0
        }
        try result.get()
        return out
    }
}

/// A zstd call that failed, with libzstd's error name (`ZSTD_getErrorName`).
public struct ZstdError: SluiceError, Equatable {
    public var operation: String
    public var message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    /// Data that does not decompress was damaged at rest (exit 74); compression only fails
    /// for want of memory or a bug.
    public var exitStatus: ExitStatus { operation == "decompress" ? .ioError : .software }
    public var description: String { "zstd cannot \(operation): \(message)" }
}
