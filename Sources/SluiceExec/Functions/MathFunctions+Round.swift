/// `round` (HALF_UP) and `bround` (HALF_EVEN) with Spark's semantics.
///
/// Spark rounds a DOUBLE through `BigDecimal(Double.toString(x))`, i.e. on the shortest
/// decimal that reads back as `x`, not on its exact binary value: `round(2.675, 2)` is
/// 2.68 although the double 2.675 is slightly below it. So does sluice:
///
/// ```
///  fast path: t = |x|·10^s, clearly away from a tie (|frac(t) − ½| > 1e−6, t < 1e9)
///             → m = rounded t; m / 10^s is the double nearest the decimal result
///  otherwise: shortest digits of x → decimal rounding → parse back
/// ```
/// INT and BIGINT stay integral; a negative scale rounds to tens, hundreds, ...
extension MathFunctions {
    static func round(_ args: [Column], _ n: Int, halfEven: Bool) throws -> Column {
        let c = args[0]
        let scales = args.count > 1 ? args[1].int64s : [Int64](repeating: 0, count: n)
        let validity = NullPropagation.union(args)
        switch c.storage {
        case .double(let xs):
            let out = [Double](unsafeUninitializedCapacity: n) { buf, done in
                xs.withUnsafeBufferPointer { p in
                    scales.withUnsafeBufferPointer { s in
                        for i in 0..<n { buf[i] = roundDouble(p[i], scale: s[i], halfEven: halfEven) }
                    }
                }
                done = n
            }
            return Column(type: c.type, storage: .double(out), validity: validity)
        case .int64(let xs):
            var bad = -1
            let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
                xs.withUnsafeBufferPointer { p in
                    scales.withUnsafeBufferPointer { s in
                        for i in 0..<n {
                            let r = roundInteger(p[i], scale: s[i], halfEven: halfEven)
                            buf[i] = r ?? 0
                            if (r == nil || !fits(r!, c.type)) && bad < 0 && NullPropagation.isValid(validity, i) { bad = i }
                        }
                    }
                }
                done = n
            }
            if bad >= 0 { throw EvalError(.arithmeticOverflow(typeName: overflowName(c.type), tryFunction: ""), row: bad) }
            return Column(type: c.type, storage: .int64(out), validity: validity)
        default:
            throw InternalError("round of \(c.type)")
        }
    }

    /// An integer rounded to `10^-scale` (unchanged for `scale >= 0`); `nil` on overflow.
    static func roundInteger(_ x: Int64, scale: Int64, halfEven: Bool) -> Int64? {
        if scale >= 0 { return x }
        if scale < -18 {
            // |x| < 9.3e18 < 10^19: only HALF_UP of |x| >= 5e18 at scale -19 leaves zero.
            if scale == -19 && !halfEven && (x >= 5_000_000_000_000_000_000 || x <= -5_000_000_000_000_000_000) { return nil }
            return 0
        }
        var p: Int64 = 1
        for _ in 0..<(-scale) { p *= 10 }
        let q = x / p, r = x % p
        let twice = r.magnitude * 2
        var up = false
        if twice > p.magnitude { up = true } else if twice == p.magnitude { up = !halfEven || q % 2 != 0 }
        let m = up ? (x < 0 ? q - 1 : q + 1) : q
        let (v, overflow) = m.multipliedReportingOverflow(by: p)
        return overflow ? nil : v
    }

    /// A double rounded to `scale` decimal places as `BigDecimal(Double.toString(x))
    /// .setScale(scale, mode).toDouble` does.
    static func roundDouble(_ x: Double, scale: Int64, halfEven: Bool) -> Double {
        if x.isNaN || x.isInfinite { return x }
        // BigDecimal has no negative zero.
        if x == 0 { return 0 }
        if scale >= 0 && scale <= 15 {
            let p = exactPowersOfTen[Int(scale)]
            let t = Swift.abs(x) * p
            if t < 1e9 {
                let whole = t.rounded(.down)
                let frac = t - whole
                if Swift.abs(frac - 0.5) > 1e-6 {
                    let m = frac > 0.5 ? whole + 1 : whole
                    if m == 0 { return 0 }
                    return (x < 0 ? -m : m) / p
                }
            }
        }
        return roundDecimal(x, scale: scale, halfEven: halfEven)
    }

    static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// The slow path: decimal rounding on the shortest digits of `x`.
    static func roundDecimal(_ x: Double, scale: Int64, halfEven: Bool) -> Double {
        // Swift prints the shortest digits that read back as `x`: "1.2345e-05", "2.675".
        let text = "\(Swift.abs(x))"
        var digits: [UInt8] = []
        var exponent = 0
        var point: Int? = nil
        var chars = Array(text.utf8)
        if let e = chars.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: chars[(e + 1)...], as: UTF8.self)) ?? 0
            chars = Array(chars[..<e])
        }
        for ch in chars {
            if ch == UInt8(ascii: ".") { point = digits.count } else { digits.append(ch - 48) }
        }
        // value = 0.d1d2d3... × 10^pointPos
        var pointPos = (point ?? digits.count) + exponent
        while digits.count > 1 && digits.first == 0 { digits.removeFirst(); pointPos -= 1 }
        let keep64 = Int64(pointPos) + scale
        if keep64 >= Int64(digits.count) { return x }
        if keep64 < 0 { return 0 }
        let keep = Int(keep64)
        let next = digits[keep]
        var up: Bool
        if next > 5 {
            up = true
        } else if next < 5 {
            up = false
        } else if !halfEven {
            up = true
        } else {
            let sticky = digits[(keep + 1)...].contains { $0 != 0 }
            let previousOdd = keep > 0 && digits[keep - 1] % 2 == 1
            up = sticky || previousOdd
        }
        var mantissa: UInt64 = 0
        for d in digits[..<keep] { mantissa = mantissa * 10 + UInt64(d) }
        if up { mantissa += 1 }
        if mantissa == 0 { return 0 }
        let magnitude = Double("\(mantissa)e\(pointPos - keep)") ?? 0
        return x < 0 ? -magnitude : magnitude
    }
}
