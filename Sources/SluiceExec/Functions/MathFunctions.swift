#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Math functions with Spark's ANSI semantics. INT values live in `Int64` slots and are
/// range-checked against `Int32` wherever a result can leave it. This file holds the
/// kernel lookup and the one-argument functions; rounding is in `MathFunctions+Round.swift`,
/// the two-argument and variadic ones in `MathFunctions+Binary.swift`.
enum MathFunctions {
    static func kernel(_ name: String, _ argTypes: [DataType], _ returnType: DataType) -> ScalarKernel? {
        let t = argTypes.first ?? .double
        switch (name, argTypes.count) {
        case ("abs", 1) where t.isNumeric: return { args, n in try absolute(args[0], n) }
        case ("negative", 1) where t.isNumeric: return { args, n in try negative(args[0], n) }
        case ("positive", 1) where t.isNumeric: return { args, _ in args[0] }
        case ("sign", 1) where t == .double: return { args, n in mapDouble(args[0], n) { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) } }
        case ("floor", 1): return floorCeil(t, ceil: false)
        case ("ceil", 1): return floorCeil(t, ceil: true)
        case ("round", 1) where t.isNumeric, ("round", 2) where t.isNumeric:
            return { args, n in try round(args, n, halfEven: false) }
        case ("bround", 1) where t.isNumeric, ("bround", 2) where t.isNumeric:
            return { args, n in try round(args, n, halfEven: true) }
        case ("mod", 2) where t.isNumeric: return { args, n in try modulo(args[0], args[1], n, positive: false) }
        case ("pmod", 2) where t.isNumeric: return { args, n in try modulo(args[0], args[1], n, positive: true) }
        case ("greatest", _) where argTypes.count >= 2: return { args, n in extreme(args, n, type: returnType, greatest: true) }
        case ("least", _) where argTypes.count >= 2: return { args, n in extreme(args, n, type: returnType, greatest: false) }
        case ("log", 2): return { args, n in logarithm(base: args[0], args[1], n) }
        case ("power", 2): return { args, n in mapDoubles(args[0], args[1], n) { pow($0, $1) } }
        case ("atan2", 2): return { args, n in mapDoubles(args[0], args[1], n) { atan2($0, $1) } }
        case ("pi", 0): return { _, n in Column(type: .double, storage: .double([Double](repeating: Double.pi, count: n))) }
        case ("e", 0): return { _, n in Column(type: .double, storage: .double([Double](repeating: M_E, count: n))) }
        case (_, 1) where t == .double:
            guard let f = unaryDouble[name] else { return nil }
            return { args, n in mapDouble(args[0], n, f.function, nullAtOrBelow: f.nullAtOrBelow) }
        default:
            return nil
        }
    }

    /// The names this file implements.
    static var names: [String] {
        ["abs", "negative", "positive", "sign", "floor", "ceil", "round", "bround", "mod", "pmod",
         "greatest", "least", "log", "power", "atan2", "pi", "e"] + unaryDouble.keys
    }

    /// DOUBLE → DOUBLE functions, with the bound at or below which Spark's logarithms
    /// return NULL (`UnaryLogExpression`).
    static let unaryDouble: [String: (function: @Sendable (Double) -> Double, nullAtOrBelow: Double?)] = [
        "sqrt": ({ $0.squareRoot() }, nil),
        "cbrt": ({ exactCubeRoot($0) }, nil),
        "exp": ({ exp($0) }, nil),
        "expm1": ({ expm1($0) }, nil),
        "ln": ({ log($0) }, 0),
        "log10": ({ log10($0) }, 0),
        // Spark computes log2 as ln(x) / ln(2), not with a log2 instruction.
        "log2": ({ log($0) / log(2.0) }, 0),
        "log1p": ({ log1p($0) }, -1),
        "sin": ({ sin($0) }, nil),
        "cos": ({ cos($0) }, nil),
        "tan": ({ tan($0) }, nil),
        "asin": ({ asin($0) }, nil),
        "acos": ({ acos($0) }, nil),
        "atan": ({ atan($0) }, nil),
        "sinh": ({ sinh($0) }, nil),
        "cosh": ({ cosh($0) }, nil),
        "tanh": ({ tanh($0) }, nil),
        // Java's Math.toDegrees / toRadians multiply by a rounded constant.
        "degrees": ({ $0 * 57.29577951308232 }, nil),
        "radians": ({ $0 * 0.017453292519943295 }, nil),
    ]

    /// glibc's `cbrt` can miss perfect cubes by an ulp (cbrt(27) = 3.0000000000000004),
    /// where Java's is exact; snap those.
    @Sendable
    static func exactCubeRoot(_ x: Double) -> Double {
        let r = cbrt(x)
        let k = r.rounded()
        return k * k * k == x ? k : r
    }

    // MARK: Helpers

    /// The `Int32` range check for INT results.
    @inline(__always)
    static func fits(_ v: Int64, _ type: DataType) -> Bool {
        type != .int || (v >= Int64(Int32.min) && v <= Int64(Int32.max))
    }

    /// Spark's name of an integral type in ARITHMETIC_OVERFLOW messages.
    static func overflowName(_ type: DataType) -> String { type == .int ? "integer" : "long" }

    /// A DOUBLE → DOUBLE map; rows at or below `nullAtOrBelow` become NULL.
    static func mapDouble(_ c: Column, _ n: Int, _ f: (Double) -> Double, nullAtOrBelow: Double? = nil) -> Column {
        let xs = c.doubles
        var validity = c.validity
        let out = [Double](unsafeUninitializedCapacity: n) { buf, done in
            xs.withUnsafeBufferPointer { p in for i in 0..<n { buf[i] = f(p[i]) } }
            done = n
        }
        if let bound = nullAtOrBelow {
            for i in 0..<n where xs[i] <= bound {
                if validity == nil { validity = Validity(allValid: n) }
                validity!.setNull(i)
            }
        }
        return Column(type: .double, storage: .double(out), validity: validity)
    }

    /// A (DOUBLE, DOUBLE) → DOUBLE map, NULL where either side is.
    static func mapDoubles(_ a: Column, _ b: Column, _ n: Int, _ f: (Double, Double) -> Double) -> Column {
        let xs = a.doubles, ys = b.doubles
        let out = [Double](unsafeUninitializedCapacity: n) { buf, done in
            xs.withUnsafeBufferPointer { p in ys.withUnsafeBufferPointer { q in for i in 0..<n { buf[i] = f(p[i], q[i]) } } }
            done = n
        }
        return Column(type: .double, storage: .double(out), validity: NullPropagation.union([a, b]))
    }

    // MARK: Sign

    /// `abs`: INT and BIGINT raise ARITHMETIC_OVERFLOW on their minimum value.
    static func absolute(_ c: Column, _ n: Int) throws -> Column {
        switch c.storage {
        case .double(let xs):
            return Column(type: c.type, storage: .double(xs.map { Swift.abs($0) }), validity: c.validity)
        case .int64(let xs):
            let limit = c.type == .int ? Int64(Int32.min) : Int64.min
            var bad = -1
            let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
                xs.withUnsafeBufferPointer { p in
                    for i in 0..<n {
                        let v = p[i]
                        if v == limit && bad < 0 && !c.isNull(i) { bad = i }
                        buf[i] = v < 0 ? 0 &- v : v
                    }
                }
                done = n
            }
            if bad >= 0 { throw EvalError(.arithmeticOverflow(typeName: overflowName(c.type), tryFunction: ""), row: bad) }
            return Column(type: c.type, storage: .int64(out), validity: c.validity)
        default:
            throw InternalError("abs of \(c.type)")
        }
    }

    /// `negative`: unary minus, with the same overflow rule as `abs`.
    static func negative(_ c: Column, _ n: Int) throws -> Column {
        switch c.storage {
        case .double(let xs):
            return Column(type: c.type, storage: .double(xs.map { -$0 }), validity: c.validity)
        case .int64(let xs):
            let limit = c.type == .int ? Int64(Int32.min) : Int64.min
            var bad = -1
            let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
                xs.withUnsafeBufferPointer { p in
                    for i in 0..<n {
                        if p[i] == limit && bad < 0 && !c.isNull(i) { bad = i }
                        buf[i] = 0 &- p[i]
                    }
                }
                done = n
            }
            if bad >= 0 { throw EvalError(.arithmeticOverflow(typeName: overflowName(c.type), tryFunction: ""), row: bad) }
            return Column(type: c.type, storage: .int64(out), validity: c.validity)
        default:
            throw InternalError("negative of \(c.type)")
        }
    }

    // MARK: Floor, ceil

    /// `floor`/`ceil` return BIGINT. A DOUBLE converts as Java's `(long)` cast does: NaN
    /// becomes 0 and values beyond the range saturate (Spark does not check these).
    static func floorCeil(_ t: DataType, ceil: Bool) -> ScalarKernel? {
        switch t {
        case .bigint, .int:
            return { args, _ in args[0].retyped(.bigint) }
        case .double:
            return { args, n in
                let xs = args[0].doubles
                let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
                    xs.withUnsafeBufferPointer { p in
                        for i in 0..<n { buf[i] = javaLong(ceil ? p[i].rounded(.up) : p[i].rounded(.down)) }
                    }
                    done = n
                }
                return Column(type: .bigint, storage: .int64(out), validity: args[0].validity)
            }
        default:
            return nil
        }
    }

    /// Java's `(long) d`: NaN → 0, saturating at the ends of the range, toward zero otherwise.
    @inline(__always)
    static func javaLong(_ d: Double) -> Int64 {
        if d.isNaN { return 0 }
        if d >= 9.223372036854775807e18 { return Int64.max }
        if d <= -9.223372036854775808e18 { return Int64.min }
        return Int64(d)
    }
}
