#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsers from field bytes straight to values, as Spark's CSV reader converts text:
/// Java's `Long.parseLong`, `Double.parseDouble`, Scala's `toBoolean`, and Spark's date and
/// timestamp parsing. No `String` is made and nothing is allocated per field.
enum FieldParsers {
    /// `Long.parseLong`: an optional sign and at least one digit, nothing else; `nil` on
    /// overflow.
    @inline(__always)
    static func int64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        if n == 0 { return nil }
        var i = 0
        var neg = false
        if p[0] == 45 || p[0] == 43 {
            neg = p[0] == 45
            i = 1
            if n == 1 { return nil }
        }
        if n - i <= 18 {
            // At most 18 digits cannot overflow.
            var v: Int64 = 0
            while i < n {
                let d = p[i] &- 48
                if d > 9 { return nil }
                v = v &* 10 &+ Int64(d)
                i += 1
            }
            return neg ? -v : v
        }
        var v: Int64 = 0
        while i < n {
            let d = p[i] &- 48
            if d > 9 { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = neg ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = s
            i += 1
        }
        return v
    }

    /// `Integer.parseInt`: as ``int64(_:_:)`` within the 32-bit range.
    @inline(__always)
    static func int32(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard let v = int64(p, n), v >= Int64(Int32.min), v <= Int64(Int32.max) else { return nil }
        return v
    }

    /// Scala's `toBoolean`: `true` or `false`, any case.
    @inline(__always)
    static func bool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 4 && (p[0] | 0x20) == 116 && (p[1] | 0x20) == 114 && (p[2] | 0x20) == 117 && (p[3] | 0x20) == 101 { return true }
        if n == 5 && (p[0] | 0x20) == 102 && (p[1] | 0x20) == 97 && (p[2] | 0x20) == 108 && (p[3] | 0x20) == 115 && (p[4] | 0x20) == 101 { return false }
        return nil
    }

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// `Double.parseDouble`. Plain decimals whose digits fit in 2^53 with a power of ten up
    /// to 10^22 are computed exactly with one multiplication or division (Clinger's fast
    /// path); anything else is checked against Java's grammar and handed to strtod(3).
    @inline(__always)
    static func double(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var i = 0
        var neg = false
        if n > 0 && (p[0] == 45 || p[0] == 43) {
            neg = p[0] == 45
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = 0
        let intStart = i
        while i < n {
            let d = p[i] &- 48
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            if mantissa != 0 { digits += 1 }
            i += 1
        }
        var any = i > intStart
        if i < n && p[i] == 46 {
            i += 1
            let fracStart = i
            while i < n {
                let d = p[i] &- 48
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { digits += 1 }
                i += 1
            }
            scale = i - fracStart
            any = any || i > fracStart
        }
        if any && i == n && digits <= 15 {
            let v: Double
            if scale <= 22 {
                v = Double(mantissa) / powersOfTen[scale]
            } else {
                return slowDouble(p, n)
            }
            return neg ? -v : v
        }
        if any && i < n && (p[i] | 0x20) == 101 && digits <= 15 {
            // Exponent.
            var j = i + 1
            var eneg = false
            if j < n && (p[j] == 45 || p[j] == 43) {
                eneg = p[j] == 45
                j += 1
            }
            var e = 0
            let eStart = j
            while j < n, p[j] &- 48 <= 9, j - eStart < 6 {
                e = e * 10 + Int(p[j] - 48)
                j += 1
            }
            if j == n && j > eStart {
                let e10 = (eneg ? -e : e) - scale
                if e10 >= -22 && e10 <= 22 {
                    let v = e10 >= 0 ? Double(mantissa) * powersOfTen[e10] : Double(mantissa) / powersOfTen[-e10]
                    return neg ? -v : v
                }
            }
        }
        return slowDouble(p, n)
    }

    /// The decimals of at most eight characters after an optional sign (`-12.5`, `7`,
    /// `.25`), read eight bytes at a time; `nil` for any other text, which ``double(_:_:)``
    /// then reads. The value is the one ``double(_:_:)`` gives: the digits as an integer
    /// divided by a power of ten, both exact, so the quotient is correctly rounded.
    /// `p` must be readable for 8 bytes past its end, as every parsed text is.
    @inline(__always)
    static func shortDecimal(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        let c0 = p[0]
        let signed = c0 == 45 || c0 == 43
        let s = signed ? 1 : 0
        let len = n &- s
        if len < 1 || len > 8 { return nil }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let keep: UInt64 = ~0 >> UInt64(64 &- 8 &* len)
        // Digits become 0...9, '.' becomes 0x1E; the bytes past the text become 0.
        let t = (UnsafeRawPointer(p + s).loadUnaligned(as: UInt64.self) ^ (0x30 &* ones)) & keep
        // Bytes above 9 (each byte is added to without a carry into the next).
        let big = (((t & (0x7F &* ones)) &+ (0x76 &* ones)) | t) & high & keep
        let dot = zeroBytes(t ^ (0x1E &* ones)) & keep
        if big != dot || dot & (dot &- 1) != 0 { return nil }
        var digits = t
        var count = len
        var scale = 0
        if dot != 0 {
            // Close the gap of the point: the bytes above it move down by one.
            let at = dot.trailingZeroBitCount &- 7
            let below: UInt64 = (1 << UInt64(at)) &- 1
            digits = (t & below) | ((t >> 8) & ~below)
            count = len &- 1
            scale = count &- (at >> 3)
            if count == 0 { return nil }
        }
        // Right-align the digits (the first one in the lowest byte is the most significant)
        // and combine pairs, quads and halves.
        digits <<= UInt64(64 &- 8 &* count)
        let pairs: UInt64 = 0x00FF_00FF_00FF_00FF, quads: UInt64 = 0x0000_FFFF_0000_FFFF
        digits = (digits &* 10 &+ (digits >> 8)) & pairs
        digits = (digits &* 100 &+ (digits >> 16)) & quads
        digits = (digits &* 10000 &+ (digits >> 32)) & 0xFFFF_FFFF
        let v = Double(digits) / shortPowersOfTen(scale)
        return c0 == 45 ? -v : v
    }

    /// 10^k for 0 <= k <= 7, exact.
    @inline(__always)
    static func shortPowersOfTen(_ k: Int) -> Double {
        switch k {
        case 0: return 1
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        default: return 1e7
        }
    }

    /// Java's full grammar: surrounding bytes up to space trimmed, `NaN`, `Infinity`, a
    /// trailing `f`/`F`/`d`/`D`; the number itself converted by strtod(3).
    static func slowDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var a = 0, b = n
        while a < b && p[a] <= 32 { a += 1 }
        while b > a && p[b - 1] <= 32 { b -= 1 }
        if a == b { return nil }
        var i = a
        var neg = false
        if p[i] == 45 || p[i] == 43 {
            neg = p[i] == 45
            i += 1
        }
        if matches(p + i, b - i, "NaN") { return .nan }
        if matches(p + i, b - i, "Infinity") { return neg ? -.infinity : .infinity }
        if b > i, p[b - 1] | 0x20 == 102 || p[b - 1] | 0x20 == 100 { b -= 1 }
        // Grammar: digits [. digits] | . digits, then [e [sign] digits].
        var j = i
        var mant = 0
        while j < b && p[j] &- 48 <= 9 { j += 1; mant += 1 }
        if j < b && p[j] == 46 {
            j += 1
            while j < b && p[j] &- 48 <= 9 { j += 1; mant += 1 }
        }
        if mant == 0 { return nil }
        if j < b && p[j] | 0x20 == 101 {
            j += 1
            if j < b && (p[j] == 45 || p[j] == 43) { j += 1 }
            let e0 = j
            while j < b && p[j] &- 48 <= 9 { j += 1 }
            if j == e0 { return nil }
        }
        if j != b { return nil }
        let len = b - a
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: len + 1) { tmp -> Double? in
            UnsafeMutableRawPointer(tmp.baseAddress!).copyMemory(from: p + a, byteCount: len)
            // A trailing f/d suffix was dropped from `b`; cut it here as well.
            tmp[b - a] = 0
            return strtod(tmp.baseAddress!, nil)
        }
    }

    /// Whether `p[0 ..< n]` is exactly `text`.
    @inline(__always)
    static func matches(_ p: UnsafePointer<UInt8>, _ n: Int, _ text: StaticString) -> Bool {
        guard n == text.utf8CodeUnitCount else { return false }
        return memcmp(p, text.utf8Start, n) == 0
    }

    /// Whether `p[0 ..< n]` equals `bytes`.
    @inline(__always)
    static func equals(_ p: UnsafePointer<UInt8>, _ n: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        n == bytes.count && (n == 0 || memcmp(p, bytes.baseAddress!, n) == 0)
    }

    @inline(__always)
    static func twoDigits(_ p: UnsafePointer<UInt8>) -> Int64? {
        let a = p[0] &- 48, b = p[1] &- 48
        if a > 9 || b > 9 { return nil }
        return Int64(a) * 10 + Int64(b)
    }

    /// `yyyy-MM-dd` exactly (the strict form inference accepts).
    @inline(__always)
    static func isoDate(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n == 10, p[4] == 45, p[7] == 45, let y1 = twoDigits(p), let y2 = twoDigits(p + 2),
              let m = twoDigits(p + 5), let d = twoDigits(p + 8) else { return nil }
        let y = y1 * 100 + y2
        guard m >= 1, m <= 12, d >= 1, d <= DateTime.daysInMonth(y, m) else { return nil }
        return DateTime.days(year: y, month: m, day: d)
    }

    /// A DATE as Spark reads it without `dateFormat`: `yyyy-MM-dd` fast, else the lenient
    /// forms of `DateTime.parseDate` (`yyyy-M-d`, a trailing time part).
    @inline(__always)
    static func date(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        if let d = isoDate(p, n) { return d }
        return DateTime.parseDate(UnsafeBufferPointer(start: p, count: n))
    }

    /// A TIMESTAMP as Spark reads it without `timestampFormat`: `yyyy-MM-dd HH:mm:ss` fast,
    /// else the forms of `DateTime.parseTimestamp` (ISO `T`, fractions, zone offsets, a date
    /// alone).
    @inline(__always)
    static func timestamp(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        if n == 19, p[10] == 32 || p[10] == 84, p[13] == 58, p[16] == 58, let day = isoDate(p, 10),
           let h = twoDigits(p + 11), let mi = twoDigits(p + 14), let s = twoDigits(p + 17), h < 24, mi < 60, s < 60 {
            return day * DateTime.microsPerDay + ((h * 60 + mi) * 60 + s) * DateTime.microsPerSecond
        }
        return DateTime.parseTimestamp(UnsafeBufferPointer(start: p, count: n))
    }

    /// A timestamp that inference accepts without `timestampFormat`: a date, a `T` or a
    /// space, and a time with at least hours and minutes.
    static func inferableTimestamp(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n >= 16, p[4] == 45, p[10] == 32 || p[10] == 84 else { return false }
        return DateTime.parseTimestamp(UnsafeBufferPointer(start: p, count: n)) != nil
    }

    /// Copies a quoted field's text with its escapes resolved (`""` → `"`, `\"` → `"`,
    /// `\\` → `\`) to `out`; returns the length written (never more than `n`).
    @inline(__always)
    static func unescape(_ p: UnsafePointer<UInt8>, _ n: Int, quote: UInt8, escape: UInt8, escaping: Bool,
                         into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0, o = 0
        while i < n {
            let c = p[i]
            if i + 1 < n {
                let nx = p[i + 1]
                if c == quote && nx == quote {
                    out[o] = quote; o += 1; i += 2
                    continue
                }
                if escaping && c == escape && (nx == quote || nx == escape) {
                    out[o] = nx; o += 1; i += 2
                    continue
                }
            }
            out[o] = c
            o += 1
            i += 1
        }
        return o
    }
}
