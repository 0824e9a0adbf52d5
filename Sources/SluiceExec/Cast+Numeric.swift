/// Casts among BOOLEAN, INT, BIGINT, DOUBLE and TIMESTAMP (as seconds).
///
/// ANSI rules: narrowing checks the range (CAST_OVERFLOW); DOUBLE → integral truncates
/// toward zero and rejects NaN and values past the range (Spark's `DoubleExactNumeric`,
/// whose BIGINT bound is 2^63, so 9.223372036854775807E18 itself saturates); a number
/// is TRUE when it is not zero; TIMESTAMP → number is seconds (floored for integers).
extension Cast {
    static func convertNumber(_ c: Column, to type: DataType, _ ctx: inout CastContext) throws -> Column.Storage {
        let n = c.count
        switch (c.storage, type) {
        // → BOOLEAN
        case (.int64(let xs), .boolean):
            return .bool(xs.map { $0 != 0 ? 1 : 0 })
        case (.double(let xs), .boolean):
            return .bool(xs.map { $0 != 0 ? 1 : 0 })

        // BOOLEAN →
        case (.bool(let bs), .int), (.bool(let bs), .bigint):
            return .int64(bs.map { Int64($0) })
        case (.bool(let bs), .double):
            return .double(bs.map { Double($0) })

        // integral / TIMESTAMP →
        case (.int64(let xs), .int), (.int64(let xs), .bigint):
            let seconds = c.type == .timestamp
            var out = [Int64](repeating: 0, count: n)
            try xs.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    let v = seconds ? DateFunctions.floorDiv(p[i], DateTime.microsPerSecond) : p[i]
                    if type == .int && (v < Int64(Int32.min) || v > Int64(Int32.max)) && !ctx.isNull(i) {
                        try ctx.failOverflow(i, SQLValueText.literal(int64: p[i], c.type))
                        continue
                    }
                    out[i] = v
                }
            }
            return .int64(out)
        case (.int64(let xs), .double):
            if c.type == .timestamp { return .double(xs.map { Double($0) / 1_000_000 }) }
            return .double(xs.map { Double($0) })
        case (.int64(let xs), .timestamp):
            // Seconds to microseconds, saturating as Java's TimeUnit.SECONDS.toMicros does.
            return .int64(xs.map { s in
                let (v, overflow) = s.multipliedReportingOverflow(by: DateTime.microsPerSecond)
                return overflow ? (s < 0 ? Int64.min : Int64.max) : v
            })

        // DOUBLE →
        case (.double(let xs), .int), (.double(let xs), .bigint):
            var out = [Int64](repeating: 0, count: n)
            let (lower, upper) = type == .int ? (Double(Int32.min), Double(Int32.max)) : (-9.223372036854775808e18, 9.223372036854775807e18)
            try xs.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    let d = p[i]
                    if d.rounded(.down) <= upper && d.rounded(.up) >= lower {
                        out[i] = MathFunctions.javaLong(d)
                    } else if !ctx.isNull(i) {
                        try ctx.failOverflow(i, SQLValueText.literal(double: d))
                    }
                }
            }
            return .int64(out)
        case (.double(let xs), .timestamp):
            var out = [Int64](repeating: 0, count: n)
            try xs.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    let d = p[i]
                    if ctx.isNull(i) { continue }
                    if d.isNaN || d.isInfinite {
                        try ctx.fail(i, .castInvalidInput(value: SQLValueText.literal(double: d), from: .double, to: .timestamp))
                        continue
                    }
                    let micros = d * 1_000_000
                    if micros.rounded(.down) <= 9.223372036854775807e18 && micros.rounded(.up) >= -9.223372036854775808e18 {
                        out[i] = MathFunctions.javaLong(micros)
                    } else {
                        try ctx.fail(i, .castOverflow(value: SQLValueText.literal(double: micros), from: .double, to: .bigint))
                    }
                }
            }
            return .int64(out)
        default:
            throw InternalError("CAST from \(c.type) to \(type) has no conversion")
        }
    }
}
