/// The conditional helpers that are plain functions in Spark: `nullif`, `nvl`/`ifnull`,
/// `nvl2`, `isnull` and `isnotnull`. (The binder may also rewrite these into CASE and
/// COALESCE; the kernels give the same answers.)
enum ConditionalFunctions {
    static func kernel(_ name: String, _ argTypes: [DataType], _ returnType: DataType) -> ScalarKernel? {
        switch (name, argTypes.count) {
        case ("nullif", 2): return { args, n in nullif(args[0], args[1], n, type: returnType) }
        case ("nvl", 2): return { args, n in choose(args[0], args[0], args[1], n, type: returnType) }
        case ("nvl2", 3): return { args, n in choose(args[0], args[1], args[2], n, type: returnType) }
        case ("isnull", 1): return { args, n in nullFlags(args[0], n, negated: false) }
        case ("isnotnull", 1): return { args, n in nullFlags(args[0], n, negated: true) }
        default: return nil
        }
    }

    /// The names this file implements.
    static let names = ["nullif", "nvl", "nvl2", "isnull", "isnotnull"]

    /// `nullif(a, b)`: NULL where `a = b`, else `a`.
    static func nullif(_ a: Column, _ b: Column, _ n: Int, type: DataType) -> Column {
        var validity = a.validity ?? Validity(allValid: n)
        for i in 0..<n where !a.isNull(i) && !b.isNull(i) && equal(a, b, i) {
            validity.setNull(i)
        }
        var c = a.retyped(type)
        c.validity = validity.normalized
        return c
    }

    /// Row `i` of `a` equals row `i` of `b` (same layout), with Spark's double equality
    /// (NaN = NaN, -0.0 = 0.0).
    static func equal(_ a: Column, _ b: Column, _ i: Int) -> Bool {
        switch (a.storage, b.storage) {
        case (.int64(let x), .int64(let y)): return x[i] == y[i]
        case (.double(let x), .double(let y)): return MathFunctions.compareDoubles(x[i], y[i]) == 0
        case (.bool(let x), .bool(let y)): return x[i] == y[i]
        case (.string(let x), .string(let y)): return x.equals(i, y, i)
        default: return false
        }
    }

    /// Row by row: `ifSet` where `test` is not NULL, else `otherwise`
    /// (`nvl(a, b)` is `choose(a, a, b)`, `nvl2(a, b, c)` is `choose(a, b, c)`).
    static func choose(_ test: Column, _ ifSet: Column, _ otherwise: Column, _ n: Int, type: DataType) -> Column {
        if test.validity == nil { return ifSet.retyped(type) }
        var b = ColumnBuilder(type: type, capacity: n)
        for i in 0..<n {
            b.append(from: test.isNull(i) ? otherwise : ifSet, at: i)
        }
        return b.finish()
    }

    /// `isnull`/`isnotnull`: a BOOLEAN that is never NULL.
    static func nullFlags(_ c: Column, _ n: Int, negated: Bool) -> Column {
        var out = [UInt8](repeating: negated ? 1 : 0, count: n)
        if let v = c.validity {
            for i in 0..<n where v.isNull(i) { out[i] = negated ? 0 : 1 }
        }
        return Column(type: .boolean, storage: .bool(out))
    }
}
