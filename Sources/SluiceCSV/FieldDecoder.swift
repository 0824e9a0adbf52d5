#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a field's boundaries into the text of its value, or NULL, as Spark's univocity
/// settings and `nullSafeDatum` do:
///
/// - an empty unquoted field is NULL;
/// - a quoted empty field is `emptyValue` (default empty);
/// - a value (after unquoting) equal to `nullValue` is NULL, so with the default
///   `nullValue` of "" a quoted `""` is NULL too, for every type;
/// - doubled quotes and escapes in a quoted field are resolved into a scratch buffer;
/// - with `ignoreLeadingWhiteSpace`/`ignoreTrailingWhiteSpace`, unquoted text is trimmed.
final class FieldDecoder {
    let quote: UInt8
    let escape: UInt8
    let escaping: Bool
    let trimLeading: Bool
    let trimTrailing: Bool
    let nullValue: UnsafeMutableBufferPointer<UInt8>
    let emptyValue: UnsafeMutableBufferPointer<UInt8>
    let emptyIsNull: Bool
    /// An unquoted field's text is its bytes (no trimming, no NULL text to compare with):
    /// parse loops then read it from the cell directly.
    let plainUnquoted: Bool
    private let emptyBase: UnsafeMutablePointer<UInt8>
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    init(options: CSVOptions) {
        let dialect = CSVDialect(options: options)
        quote = dialect.quote
        escape = dialect.escape
        escaping = dialect.escaping
        trimLeading = options.ignoreLeadingWhiteSpace
        trimTrailing = options.ignoreTrailingWhiteSpace
        nullValue = .allocate(capacity: options.nullValue.utf8.count)
        _ = nullValue.initialize(from: options.nullValue.utf8)
        // Every text this returns is readable 8 bytes past its end (see appendString).
        let empty = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: options.emptyValue.utf8.count + 8)
        empty.initialize(repeating: 0)
        _ = empty.initialize(from: options.emptyValue.utf8)
        emptyValue = UnsafeMutableBufferPointer(rebasing: empty[0..<options.emptyValue.utf8.count])
        emptyBase = empty.baseAddress!
        emptyIsNull = options.emptyValue == options.nullValue
        plainUnquoted = !trimLeading && !trimTrailing && options.nullValue.isEmpty
        scratchCapacity = 256
        scratch = .allocate(capacity: scratchCapacity + 8)
    }

    deinit {
        nullValue.deallocate()
        emptyBase.deallocate()
        scratch.deallocate()
    }

    /// The text of the field at `start` with length-and-flags `lf` in `buf`; `nil` for NULL.
    /// The pointer is valid until the next call.
    @inline(__always)
    func text(_ buf: UnsafePointer<UInt8>, _ start: Int32, _ lf: UInt32) -> (UnsafePointer<UInt8>, Int)? {
        if start < 0 { return nil }
        var p = buf + Int(start)
        var n = Int(lf & FieldIndex.lengthMask)
        if lf & FieldIndex.quotedFlag == 0 {
            if trimLeading { while n > 0 && p[0] <= 32 { p += 1; n -= 1 } }
            if trimTrailing { while n > 0 && p[n - 1] <= 32 { n -= 1 } }
            if n == 0 { return nil }
        } else {
            if n == 0 {
                if emptyIsNull { return nil }
                return (UnsafePointer(emptyBase), emptyValue.count)
            }
            if lf & FieldIndex.escapedFlag != 0 {
                if n > scratchCapacity {
                    scratch.deallocate()
                    scratchCapacity = max(n, scratchCapacity * 2)
                    scratch = .allocate(capacity: scratchCapacity + 8)
                }
                n = FieldParsers.unescape(p, n, quote: quote, escape: escape, escaping: escaping, into: scratch)
                p = UnsafePointer(scratch)
            }
        }
        if nullValue.count > 0 && n == nullValue.count && memcmp(p, nullValue.baseAddress!, n) == 0 { return nil }
        return (p, n)
    }
}
