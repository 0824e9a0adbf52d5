#if canImport(Glibc)
import Glibc
#endif

/// Arithmetic with Spark's ANSI semantics: integer overflow, division by zero and
/// remainder by zero are errors naming the row; NULL in, NULL out.
extension Kernels {
    static func negate(_ c: Column, type: DataType) throws -> Column {
        let n = c.count
        switch c.storage {
        case .int64(let xs):
            let limit: Int64 = type == .int ? Int64(Int32.min) : Int64.min
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                if xs[i] == limit && !c.isNull(i) {
                    throw EvalError(.arithmeticOverflow(typeName: type == .int ? "integer" : "long", tryFunction: "try_subtract"), row: i)
                }
                out[i] = 0 &- xs[i]
            }
            return Column(type: type, storage: .int64(out), validity: c.validity)
        case .double(let xs):
            return Column(type: type, storage: .double(xs.map { -$0 }), validity: c.validity)
        default:
            throw InternalError("negate of \(c.type)")
        }
    }

    static func arithmetic(_ op: ArithmeticOperator, _ a: Operand, _ b: Operand, count n: Int, type: DataType) throws -> Column {
        var x = a.materialize(type == .double || op == .divide ? .double : .bigint, count: n)
        var y = b.materialize(type == .double || op == .divide ? .double : .bigint, count: n)
        if case .scalar(let v) = a, v.isNull { return Column.nulls(type, count: n) }
        if case .scalar(let v) = b, v.isNull { return Column.nulls(type, count: n) }
        if x.type.physical != y.type.physical {
            // Operands of one type always reach here; a mismatch is a planning bug.
            throw InternalError("arithmetic on \(x.type) and \(y.type)")
        }
        let validity = Validity.and(x.validity, y.validity)
        switch (x.storage, y.storage) {
        case (.int64(let xs), .int64(let ys)):
            let out = try integerArithmetic(op, xs, ys, n, type: type, validity: validity)
            return Column(type: type, storage: .int64(out), validity: validity)
        case (.double(let xs), .double(let ys)):
            let out = try doubleArithmetic(op, xs, ys, n, validity: validity)
            return Column(type: type, storage: .double(out), validity: validity)
        default:
            x = x.retyped(x.type); y = y.retyped(y.type)
            throw InternalError("arithmetic on \(x.type) and \(y.type)")
        }
    }

    private static func tryName(_ op: ArithmeticOperator) -> String {
        switch op {
        case .add: return "try_add"
        case .subtract: return "try_subtract"
        case .multiply: return "try_multiply"
        case .divide, .intDivide: return "try_divide"
        case .remainder: return "try_mod"
        }
    }

    private static func integerArithmetic(_ op: ArithmeticOperator, _ xs: [Int64], _ ys: [Int64], _ n: Int, type: DataType, validity: Validity?) throws -> [Int64] {
        let isInt = type == .int
        let typeName = isInt ? "integer" : "long"
        var firstBad = -1
        var badKind: ExecError.Kind = .divideByZero
        let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
            xs.withUnsafeBufferPointer { p in
                ys.withUnsafeBufferPointer { q in
                    switch op {
                    case .add, .subtract, .multiply:
                        for i in 0..<n {
                            let r: (partialValue: Int64, overflow: Bool)
                            switch op {
                            case .add: r = p[i].addingReportingOverflow(q[i])
                            case .subtract: r = p[i].subtractingReportingOverflow(q[i])
                            default: r = p[i].multipliedReportingOverflow(by: q[i])
                            }
                            buf[i] = r.partialValue
                            if (r.overflow || (isInt && (r.partialValue < Int64(Int32.min) || r.partialValue > Int64(Int32.max)))) && firstBad < 0 && validity?.isValid(i) ?? true {
                                firstBad = i
                                badKind = .arithmeticOverflow(typeName: typeName, tryFunction: tryName(op))
                            }
                        }
                    case .remainder, .intDivide:
                        for i in 0..<n {
                            let d = q[i]
                            if d == 0 {
                                buf[i] = 0
                                if firstBad < 0 && validity?.isValid(i) ?? true {
                                    firstBad = i
                                    badKind = op == .remainder ? .other("[REMAINDER_BY_ZERO] Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL instead.") : .divideByZero
                                }
                            } else if d == -1 {
                                if op == .remainder { buf[i] = 0 } else {
                                    let r = (0 as Int64).subtractingReportingOverflow(p[i])
                                    buf[i] = r.partialValue
                                    if r.overflow && firstBad < 0 && validity?.isValid(i) ?? true {
                                        firstBad = i
                                        badKind = .arithmeticOverflow(typeName: "long", tryFunction: "try_divide")
                                    }
                                }
                            } else {
                                buf[i] = op == .remainder ? p[i] % d : p[i] / d
                            }
                        }
                    case .divide:
                        for i in 0..<n { buf[i] = 0 }
                    }
                }
            }
            done = n
        }
        if firstBad >= 0 { throw EvalError(badKind, row: firstBad) }
        return out
    }

    private static func doubleArithmetic(_ op: ArithmeticOperator, _ xs: [Double], _ ys: [Double], _ n: Int, validity: Validity?) throws -> [Double] {
        var firstBad = -1
        let out = [Double](unsafeUninitializedCapacity: n) { buf, done in
            xs.withUnsafeBufferPointer { p in
                ys.withUnsafeBufferPointer { q in
                    switch op {
                    case .add: for i in 0..<n { buf[i] = p[i] + q[i] }
                    case .subtract: for i in 0..<n { buf[i] = p[i] - q[i] }
                    case .multiply: for i in 0..<n { buf[i] = p[i] * q[i] }
                    case .divide, .remainder, .intDivide:
                        for i in 0..<n {
                            if q[i] == 0 {
                                buf[i] = 0
                                if firstBad < 0 && validity?.isValid(i) ?? true { firstBad = i }
                            } else {
                                buf[i] = op == .divide ? p[i] / q[i] : fmod(p[i], q[i])
                            }
                        }
                    }
                }
            }
            done = n
        }
        if firstBad >= 0 {
            throw EvalError(op == .remainder ? .other("[REMAINDER_BY_ZERO] Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL instead.") : .divideByZero, row: firstBad)
        }
        return out
    }
}
