#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two-argument and variadic math functions: `mod`, `pmod`, `log(base, x)`,
/// `greatest` and `least`.
extension MathFunctions {
    /// ANSI `%` by zero, with the message the `%` operator uses.
    static let remainderByZero = ExecError.Kind.other("[REMAINDER_BY_ZERO] Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL instead.")

    /// `mod(a, n)` (the `%` operator: the sign follows `a`) and `pmod(a, n)` (Spark's
    /// positive modulo: `r = a % n; r < 0 ? (r + n) % n : r`, Java's wrapping arithmetic).
    /// A zero divisor raises REMAINDER_BY_ZERO.
    static func modulo(_ a: Column, _ b: Column, _ n: Int, positive: Bool) throws -> Column {
        let validity = NullPropagation.union([a, b])
        var bad = -1
        switch (a.storage, b.storage) {
        case (.int64(let xs), .int64(let ys)):
            let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
                xs.withUnsafeBufferPointer { p in
                    ys.withUnsafeBufferPointer { q in
                        for i in 0..<n {
                            let d = q[i]
                            if d == 0 {
                                buf[i] = 0
                                if bad < 0 && NullPropagation.isValid(validity, i) { bad = i }
                                continue
                            }
                            // Int64.min % -1 traps in Swift; Java gives 0.
                            var r = d == -1 ? 0 : p[i] % d
                            if positive && r < 0 { r = d == -1 ? 0 : (r &+ d) % d }
                            buf[i] = r
                        }
                    }
                }
                done = n
            }
            if bad >= 0 { throw EvalError(remainderByZero, row: bad) }
            return Column(type: a.type, storage: .int64(out), validity: validity)
        case (.double(let xs), .double(let ys)):
            let out = [Double](unsafeUninitializedCapacity: n) { buf, done in
                xs.withUnsafeBufferPointer { p in
                    ys.withUnsafeBufferPointer { q in
                        for i in 0..<n {
                            let d = q[i]
                            if d == 0 {
                                buf[i] = 0
                                if bad < 0 && NullPropagation.isValid(validity, i) { bad = i }
                                continue
                            }
                            var r = fmod(p[i], d)
                            if positive && r < 0 { r = fmod(r + d, d) }
                            buf[i] = r
                        }
                    }
                }
                done = n
            }
            if bad >= 0 { throw EvalError(remainderByZero, row: bad) }
            return Column(type: a.type, storage: .double(out), validity: validity)
        default:
            throw InternalError("mod of \(a.type) and \(b.type)")
        }
    }

    /// `log(base, x)`: `ln(x) / ln(base)`, NULL when either is `<= 0`.
    static func logarithm(base: Column, _ x: Column, _ n: Int) -> Column {
        let bs = base.doubles, xs = x.doubles
        var validity = NullPropagation.union([base, x]) ?? Validity(allValid: n)
        let out = [Double](unsafeUninitializedCapacity: n) { buf, done in
            bs.withUnsafeBufferPointer { p in
                xs.withUnsafeBufferPointer { q in
                    for i in 0..<n {
                        if p[i] <= 0 || q[i] <= 0 {
                            buf[i] = 0
                            validity.setNull(i)
                        } else {
                            buf[i] = log(q[i]) / log(p[i])
                        }
                    }
                }
            }
            done = n
        }
        return Column(type: .double, storage: .double(out), validity: validity)
    }

    /// `greatest`/`least`: the largest (smallest) non-NULL argument, NULL only when all are
    /// NULL. Doubles order as Spark orders them (NaN above everything); on ties the first
    /// argument wins.
    static func extreme(_ args: [Column], _ n: Int, type: DataType, greatest: Bool) -> Column {
        let sign = greatest ? 1 : -1
        let best: [Int]
        switch args[0].storage {
        case .int64:
            let xs = args.map(\.int64s)
            best = pick(args, n) { a, b, i in xs[a][i] < xs[b][i] ? -sign : (xs[a][i] > xs[b][i] ? sign : 0) }
        case .double:
            let xs = args.map(\.doubles)
            best = pick(args, n) { a, b, i in compareDoubles(xs[a][i], xs[b][i]) * sign }
        case .bool:
            let xs = args.map(\.bools)
            best = pick(args, n) { a, b, i in xs[a][i] < xs[b][i] ? -sign : (xs[a][i] > xs[b][i] ? sign : 0) }
        case .string:
            let xs = args.map(\.strings)
            best = pick(args, n) { a, b, i in xs[a].compare(i, xs[b], i) * sign }
        }
        var b = ColumnBuilder(type: type, capacity: n)
        for i in 0..<n {
            if best[i] < 0 { b.appendNull() } else { b.append(from: args[best[i]], at: i) }
        }
        return b.finish()
    }

    /// For each row, the index of the first argument that no later non-NULL argument beats
    /// (`better(a, b, row) > 0` when argument `a` beats `b`), or -1 when all are NULL.
    @inline(__always)
    private static func pick(_ args: [Column], _ n: Int, _ better: (Int, Int, Int) -> Int) -> [Int] {
        var best = [Int](repeating: -1, count: n)
        for (k, a) in args.enumerated() {
            for i in 0..<n where !a.isNull(i) {
                let j = best[i]
                if j < 0 || better(k, j, i) > 0 { best[i] = k }
            }
        }
        return best
    }

    /// Spark's double ordering: NaN equals NaN and is above every other value; -0.0 == 0.0.
    @inline(__always)
    static func compareDoubles(_ x: Double, _ y: Double) -> Int {
        if x.isNaN { return y.isNaN ? 0 : 1 }
        if y.isNaN { return -1 }
        return x < y ? -1 : (x > y ? 1 : 0)
    }
}
