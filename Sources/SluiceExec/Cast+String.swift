/// Casts from STRING, parsing the UTF-8 bytes in place as Spark 4 does under ANSI mode:
///
/// - INT/BIGINT (`UTF8String.toLongExact`): whitespace and control characters trimmed, an
///   optional sign, decimal digits only (no fraction, no exponent); out of range is
///   CAST_INVALID_INPUT, like any malformed text.
/// - DOUBLE (Java's `Double.parseDouble`, then Spark's special literals): `1e3`, `-.5`,
///   `5.`, `1.5d`, `NaN`, `Infinity`, and case-insensitively `inf`, `+inf`, `-infinity`, `nan`.
/// - BOOLEAN: `t`, `true`, `y`, `yes`, `1` / `f`, `false`, `n`, `no`, `0`, trimmed, any case.
/// - DATE and TIMESTAMP: see `Cast+DateTime.swift`.
extension Cast {
    static func parse(_ s: StringArray, to type: DataType, _ ctx: inout CastContext) throws -> Column.Storage {
        let n = s.count
        switch type {
        case .int, .bigint:
            var out = [Int64](repeating: 0, count: n)
            try s.withByteStrings { v in
                for i in 0..<n where !ctx.isNull(i) {
                    if let x = parseInteger(v[i], int32: type == .int) { out[i] = x } else { try ctx.failInvalid(i, v[i]) }
                }
            }
            return .int64(out)
        case .double:
            var out = [Double](repeating: 0, count: n)
            try s.withByteStrings { v in
                for i in 0..<n where !ctx.isNull(i) {
                    if let x = parseDouble(v[i]) { out[i] = x } else { try ctx.failInvalid(i, v[i]) }
                }
            }
            return .double(out)
        case .boolean:
            var out = [UInt8](repeating: 0, count: n)
            try s.withByteStrings { v in
                for i in 0..<n where !ctx.isNull(i) {
                    if let x = parseBoolean(v[i]) { out[i] = x ? 1 : 0 } else { try ctx.failInvalid(i, v[i]) }
                }
            }
            return .bool(out)
        case .date:
            var out = [Int64](repeating: 0, count: n)
            try s.withByteStrings { v in
                for i in 0..<n where !ctx.isNull(i) {
                    if let x = parseDate(v[i]) { out[i] = x } else { try ctx.failInvalid(i, v[i]) }
                }
            }
            return .int64(out)
        case .timestamp:
            var out = [Int64](repeating: 0, count: n)
            try s.withByteStrings { v in
                for i in 0..<n where !ctx.isNull(i) {
                    if let x = parseTimestamp(v[i]) { out[i] = x } else { try ctx.failInvalid(i, v[i]) }
                }
            }
            return .int64(out)
        default:
            throw InternalError("CAST from STRING to \(type) has no conversion")
        }
    }

    /// Spark's `UTF8String.isWhitespaceOrISOControl` on one byte: 0x00–0x20 and 0x7F.
    @inline(__always)
    static func isTrimmable(_ b: UInt8) -> Bool { b <= 0x20 || b == 0x7F }

    /// The range of `p` without leading and trailing whitespace and control characters.
    @inline(__always)
    static func trimmed(_ p: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var a = 0, b = p.count
        while a < b && isTrimmable(p[a]) { a += 1 }
        while b > a && isTrimmable(p[b - 1]) { b -= 1 }
        return a..<b
    }

    /// `UTF8String.toLong/toInt(…, allowDecimal = false)`: accumulates negatively so that
    /// the minimum value parses; `nil` for anything malformed or out of range.
    static func parseInteger(_ p: UnsafeBufferPointer<UInt8>, int32: Bool) -> Int64? {
        let r = trimmed(p)
        var i = r.lowerBound
        let end = r.upperBound
        if i == end { return nil }
        let negative = p[i] == 45
        if negative || p[i] == 43 {
            if end - i == 1 { return nil }
            i += 1
        }
        let minimum = int32 ? Int64(Int32.min) : Int64.min
        let stop = minimum / 10
        var result: Int64 = 0
        while i < end {
            let d = p[i] &- 48
            if d > 9 { return nil }
            if result < stop { return nil }
            let (next, overflow) = (result * 10).subtractingReportingOverflow(Int64(d))
            if overflow || next < minimum { return nil }
            result = next
            i += 1
        }
        if !negative {
            if result == minimum { return nil }
            result = -result
        }
        return result
    }

    /// Java's `Double.parseDouble` grammar (decimal forms; hexadecimal floats are not
    /// accepted), then Spark's case-insensitive special literals.
    static func parseDouble(_ p: UnsafeBufferPointer<UInt8>) -> Double? {
        let r = trimmed(p)
        var i = r.lowerBound
        let end = r.upperBound
        if i == end { return nil }
        var negative = false
        if p[i] == 43 || p[i] == 45 {
            negative = p[i] == 45
            i += 1
        }
        if let special = specialDouble(p, i, end, signed: i > r.lowerBound, negative: negative) { return special }
        // digits [. digits] [e|E [sign] digits] [f|F|d|D]
        var mantissa: UInt64 = 0
        var significant = 0
        var exponentAdjust = 0
        var digits = 0
        var exact = true
        while i < end, p[i] &- 48 <= 9 {
            accumulate(p[i] - 48, &mantissa, &significant, &exponentAdjust, &exact, fraction: false)
            digits += 1
            i += 1
        }
        if i < end && p[i] == 46 {
            i += 1
            while i < end, p[i] &- 48 <= 9 {
                accumulate(p[i] - 48, &mantissa, &significant, &exponentAdjust, &exact, fraction: true)
                digits += 1
                i += 1
            }
        }
        if digits == 0 { return nil }
        var exponent = 0
        if i < end && (p[i] == 101 || p[i] == 69) {
            i += 1
            var expNegative = false
            if i < end && (p[i] == 43 || p[i] == 45) {
                expNegative = p[i] == 45
                i += 1
            }
            var expDigits = 0
            while i < end, p[i] &- 48 <= 9 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(p[i] - 48) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return nil }
            if expNegative { exponent = -exponent }
        }
        if i < end && (p[i] | 0x20 == 102 || p[i] | 0x20 == 100) { i += 1 }
        if i != end { return nil }
        let e10 = exponent + exponentAdjust
        // Clinger's fast path: an exact mantissa below 2^53 times an exact power of ten.
        if exact && mantissa < (1 << 53) && e10 >= -22 && e10 <= 22 {
            var v = Double(mantissa)
            if e10 >= 0 { v *= MathFunctions.exactPowersOfTen[e10] } else { v /= MathFunctions.exactPowersOfTen[-e10] }
            return negative ? -v : v
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self)
        var cleaned = Substring(text)
        if let last = cleaned.last, "fFdD".contains(last) { cleaned = cleaned.dropLast() }
        return Double(cleaned)
    }

    /// Adds one decimal digit to the mantissa while it stays exact (19 digits fit).
    @inline(__always)
    private static func accumulate(_ d: UInt8, _ mantissa: inout UInt64, _ significant: inout Int, _ exponentAdjust: inout Int, _ exact: inout Bool, fraction: Bool) {
        if significant < 19 {
            if mantissa != 0 || d != 0 { significant += 1 }
            mantissa = mantissa * 10 + UInt64(d)
            if fraction { exponentAdjust -= 1 }
        } else {
            if d != 0 { exact = false }
            if !fraction { exponentAdjust += 1 }
        }
    }

    /// `NaN` and `Infinity` (Java, with an optional sign), and Spark's special literals.
    private static func specialDouble(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, signed: Bool, negative: Bool) -> Double? {
        let word = String(decoding: UnsafeBufferPointer(rebasing: p[i..<end]), as: UTF8.self)
        switch word {
        case "NaN": return .nan
        case "Infinity": return negative ? -.infinity : .infinity
        default: break
        }
        switch word.lowercased() {
        case "inf", "infinity": return negative ? -.infinity : .infinity
        case "nan" where !signed: return .nan
        default: return nil
        }
    }

    /// Spark's `StringUtils.isTrueString` / `isFalseString`.
    static func parseBoolean(_ p: UnsafeBufferPointer<UInt8>) -> Bool? {
        let r = trimmed(p)
        if r.count == 0 || r.count > 5 { return nil }
        var word: UInt64 = 0
        for k in r { word = word << 8 | UInt64(p[k] &- 65 < 26 ? p[k] | 0x20 : p[k]) }
        switch word {
        case 0x74, 0x7472_7565, 0x79, 0x79_6573, 0x31: return true // t true y yes 1
        case 0x66, 0x66_616C_7365, 0x6E, 0x6E6F, 0x30: return false // f false n no 0
        default: return nil
        }
    }
}
