/// Casts to STRING, in Spark's text forms: `true`/`false`, decimal integers, doubles as
/// Java's `Double.toString` (`1.0`, `1.0E10`, `NaN`), dates as `yyyy-MM-dd`, timestamps as
/// `yyyy-MM-dd HH:mm:ss[.ffffff]` with trailing zeros of the fraction dropped.
extension Cast {
    static func format(_ c: Column) -> StringArray {
        let n = c.count
        var out = ByteStringBuilder(rows: n, bytes: n * 8)
        switch c.storage {
        case .bool(let bs):
            for i in 0..<n {
                if !c.isNull(i) { out.append(bs[i] != 0 ? "true" : "false") }
                out.closeRow()
            }
        case .int64(let xs):
            let type = c.type
            xs.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    if !c.isNull(i) {
                        if type == .date {
                            out.append(SparkFormat.date(p[i]))
                        } else if type == .timestamp {
                            out.append(SparkFormat.timestamp(p[i]))
                        } else {
                            appendDecimal(p[i], to: &out)
                        }
                    }
                    out.closeRow()
                }
            }
        case .double(let xs):
            xs.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    if !c.isNull(i) { out.append(SparkFormat.double(p[i])) }
                    out.closeRow()
                }
            }
        case .string(let s):
            return s
        }
        return StringArray(offsets: out.offsets, bytes: out.bytes)
    }

    /// The decimal digits of `v`, without building a `String`.
    @inline(__always)
    static func appendDecimal(_ v: Int64, to out: inout ByteStringBuilder) {
        if v == 0 { out.append(byte: 48); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of scratch, enough for 20 digits
        var magnitude = v.magnitude
        var k = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while magnitude > 0 {
                buf[k] = UInt8(magnitude % 10) + 48
                magnitude /= 10
                k += 1
            }
            if v < 0 { out.append(byte: 45) }
            while k > 0 {
                k -= 1
                out.append(byte: buf[k])
            }
        }
    }
}
