/// Comparison of two operands with Spark's semantics: NULL if either side is NULL
/// (except `<=>`), strings in byte order, and NaN equal to NaN and above every number.
extension Kernels {
    static func compare(_ op: ComparisonOperator, _ a: Operand, _ b: Operand, count n: Int) -> Column {
        // Put a scalar on the right.
        if case .scalar = a, case .column = b { return compare(op.flipped, b, a, count: n) }
        let validity: Validity?
        switch (a, b) {
        case (.column(let x), .column(let y)): validity = Validity.and(x.validity, y.validity)
        case (.column(let x), .scalar(let v)):
            if v.isNull { return nullSafeOrNull(op, x, count: n) }
            validity = x.validity
        case (.scalar(let u), .scalar(let v)):
            return Column.constant(scalarCompare(op, u, v), type: .boolean, count: n)
        default: preconditionFailure()
        }
        let out: [UInt8]
        switch (a, b) {
        case (.column(let x), .column(let y)):
            switch x.storage {
            case .int64(let xs): out = ordered(op, xs, y.int64s, n)
            case .double(let xs): out = orderedDouble(op, xs, y.doubles, n)
            case .bool(let xs): out = ordered(op, xs, y.bools, n)
            case .string(let xs):
                let ys = y.strings
                out = (0..<n).map { i in apply(op, xs.compare(i, ys, i)) }
            }
        case (.column(let x), .scalar(let v)):
            switch (x.storage, v) {
            case (.int64(let xs), .int(let s)), (.int64(let xs), .date(let s)), (.int64(let xs), .timestamp(let s)):
                out = orderedScalar(op, xs, s, n)
            case (.double(let xs), .double(let s)): out = orderedDoubleScalar(op, xs, s, n)
            case (.double(let xs), .int(let s)): out = orderedDoubleScalar(op, xs, Double(s), n)
            case (.bool(let xs), .bool(let s)): out = orderedScalar(op, xs, s ? 1 : 0, n)
            case (.string(let xs), .string(let s)):
                let ss = StringArray([s])
                out = (0..<n).map { i in apply(op, xs.compare(i, ss, 0)) }
            default:
                return compare(op, a, .column(Column.constant(v, type: x.type, count: n)), count: n)
            }
        default: preconditionFailure()
        }
        if op == .nullSafeEqual { return nullSafe(out, a, b, count: n) }
        return Column(type: .boolean, storage: .bool(out), validity: validity)
    }

    @inline(__always)
    static func apply(_ op: ComparisonOperator, _ c: Int) -> UInt8 {
        switch op {
        case .equal, .nullSafeEqual: return c == 0 ? 1 : 0
        case .notEqual: return c != 0 ? 1 : 0
        case .less: return c < 0 ? 1 : 0
        case .lessOrEqual: return c <= 0 ? 1 : 0
        case .greater: return c > 0 ? 1 : 0
        case .greaterOrEqual: return c >= 0 ? 1 : 0
        }
    }

    static func ordered<T: Comparable>(_ op: ComparisonOperator, _ x: [T], _ y: [T], _ n: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: n) { out, done in
            x.withUnsafeBufferPointer { p in
                y.withUnsafeBufferPointer { q in
                    switch op {
                    case .equal, .nullSafeEqual: for i in 0..<n { out[i] = p[i] == q[i] ? 1 : 0 }
                    case .notEqual: for i in 0..<n { out[i] = p[i] != q[i] ? 1 : 0 }
                    case .less: for i in 0..<n { out[i] = p[i] < q[i] ? 1 : 0 }
                    case .lessOrEqual: for i in 0..<n { out[i] = p[i] <= q[i] ? 1 : 0 }
                    case .greater: for i in 0..<n { out[i] = p[i] > q[i] ? 1 : 0 }
                    case .greaterOrEqual: for i in 0..<n { out[i] = p[i] >= q[i] ? 1 : 0 }
                    }
                }
            }
            done = n
        }
    }

    static func orderedScalar<T: Comparable>(_ op: ComparisonOperator, _ x: [T], _ s: T, _ n: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: n) { out, done in
            x.withUnsafeBufferPointer { p in
                switch op {
                case .equal, .nullSafeEqual: for i in 0..<n { out[i] = p[i] == s ? 1 : 0 }
                case .notEqual: for i in 0..<n { out[i] = p[i] != s ? 1 : 0 }
                case .less: for i in 0..<n { out[i] = p[i] < s ? 1 : 0 }
                case .lessOrEqual: for i in 0..<n { out[i] = p[i] <= s ? 1 : 0 }
                case .greater: for i in 0..<n { out[i] = p[i] > s ? 1 : 0 }
                case .greaterOrEqual: for i in 0..<n { out[i] = p[i] >= s ? 1 : 0 }
                }
            }
            done = n
        }
    }

    /// Spark orders NaN above every other double and equal to itself.
    @inline(__always)
    static func doubleCompare(_ a: Double, _ b: Double) -> Int {
        if a < b { return -1 }
        if a > b { return 1 }
        if a == b { return 0 }
        let an = a.isNaN, bn = b.isNaN
        return an == bn ? 0 : (an ? 1 : -1)
    }

    static func orderedDouble(_ op: ComparisonOperator, _ x: [Double], _ y: [Double], _ n: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: n) { out, done in
            x.withUnsafeBufferPointer { p in
                y.withUnsafeBufferPointer { q in
                    for i in 0..<n { out[i] = apply(op, doubleCompare(p[i], q[i])) }
                }
            }
            done = n
        }
    }

    static func orderedDoubleScalar(_ op: ComparisonOperator, _ x: [Double], _ s: Double, _ n: Int) -> [UInt8] {
        if s.isNaN { return orderedDouble(op, x, [Double](repeating: s, count: n), n) }
        return [UInt8](unsafeUninitializedCapacity: n) { out, done in
            x.withUnsafeBufferPointer { p in
                // A NaN row compares as greater than the (non-NaN) scalar.
                switch op {
                case .equal, .nullSafeEqual: for i in 0..<n { out[i] = p[i] == s ? 1 : 0 }
                case .notEqual: for i in 0..<n { out[i] = p[i] != s ? 1 : 0 }
                case .less: for i in 0..<n { out[i] = p[i] < s ? 1 : 0 }
                case .lessOrEqual: for i in 0..<n { out[i] = p[i] <= s ? 1 : 0 }
                case .greater: for i in 0..<n { out[i] = (p[i] > s || p[i] != p[i]) ? 1 : 0 }
                case .greaterOrEqual: for i in 0..<n { out[i] = (p[i] >= s || p[i] != p[i]) ? 1 : 0 }
                }
            }
            done = n
        }
    }

    static func scalarCompare(_ op: ComparisonOperator, _ u: Value, _ v: Value) -> Value {
        if u.isNull || v.isNull {
            if op == .nullSafeEqual { return .bool(u.isNull && v.isNull) }
            return .null
        }
        let c: Int
        switch (u, v) {
        case (.int(let x), .int(let y)), (.date(let x), .date(let y)), (.timestamp(let x), .timestamp(let y)): c = x < y ? -1 : (x > y ? 1 : 0)
        case (.double(let x), .double(let y)): c = doubleCompare(x, y)
        case (.bool(let x), .bool(let y)): c = x == y ? 0 : (x ? 1 : -1)
        case (.string(let x), .string(let y)): c = Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : (x == y ? 0 : 1)
        default: return .null
        }
        return .bool(apply(op, c) != 0)
    }

    /// `x op NULL`: NULL for every row, or for `<=>` whether `x` is NULL.
    static func nullSafeOrNull(_ op: ComparisonOperator, _ x: Column, count n: Int) -> Column {
        if op == .nullSafeEqual {
            return Column(type: .boolean, storage: .bool((0..<n).map { x.isNull($0) ? 1 : 0 }))
        }
        return Column.nulls(.boolean, count: n)
    }

    /// `<=>`: both NULL is true, one NULL is false, never NULL.
    static func nullSafe(_ eq: [UInt8], _ a: Operand, _ b: Operand, count n: Int) -> Column {
        var out = eq
        let x = a.materialize(.null, count: n)
        let bNull: (Int) -> Bool
        switch b {
        case .column(let y): bNull = { y.isNull($0) }
        case .scalar(let v): bNull = { _ in v.isNull }
        }
        for i in 0..<n {
            let xn = x.isNull(i), yn = bNull(i)
            if xn || yn { out[i] = xn && yn ? 1 : 0 }
        }
        return Column(type: .boolean, storage: .bool(out))
    }
}
