/// Spark's implicit type rules, as the binder applies them (ANSI mode).
public enum TypeCoercion {
    /// The type two operands are widened to for comparison, CASE branches, COALESCE,
    /// UNION and IN; `nil` when Spark would reject the pair.
    public static func commonType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if a == .null { return b }
        if b == .null { return a }
        switch (a, b) {
        case (.int, .bigint), (.bigint, .int): return .bigint
        case (.int, .double), (.double, .int), (.bigint, .double), (.double, .bigint): return .double
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        case (.string, let t), (let t, .string):
            // A string meets a typed value: the string is read as that type (ANSI
            // "implicitStringCast"), integers being read as BIGINT.
            switch t {
            case .int, .bigint: return .bigint
            case .double: return .double
            case .date: return .date
            case .timestamp: return .timestamp
            case .boolean: return .boolean
            default: return nil
            }
        default: return nil
        }
    }

    /// For CASE, COALESCE, IF and UNION results Spark widens a string and a number to STRING.
    public static func resultType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == .string || b == .string {
            if a == .null || b == .null || a == b { return .string }
            if a == .boolean || b == .boolean || a.isNumeric || b.isNumeric || a == .date || b == .date || a == .timestamp || b == .timestamp {
                return .string
            }
        }
        return commonType(a, b)
    }

    /// The result type of arithmetic on two operands, and the type both are cast to.
    public static func arithmeticType(_ op: ArithmeticOperator, _ a: DataType, _ b: DataType) -> (operand: DataType, result: DataType)? {
        func numeric(_ t: DataType, other: DataType) -> DataType? {
            switch t {
            case .int, .bigint, .double: return t
            case .null: return other == .null ? .int : (other.isNumeric ? other : .double)
            case .string: return other.isIntegral ? .bigint : .double
            default: return nil
            }
        }
        guard let x = numeric(a, other: b), let y = numeric(b, other: a), let common = commonType(x, y) else { return nil }
        switch op {
        case .divide: return (.double, .double)
        case .intDivide: return common == .double ? nil : (.bigint, .bigint)
        default: return (common, common)
        }
    }

    /// Whether CAST(from AS to) is allowed at all (Spark ANSI's `Cast.canAnsiCast`).
    public static func canCast(_ from: DataType, _ to: DataType) -> Bool {
        if from == to || from == .null { return true }
        switch (from, to) {
        case (.date, .int), (.date, .bigint), (.date, .double), (.int, .date), (.bigint, .date), (.double, .date): return false
        case (.boolean, .date), (.boolean, .timestamp), (.date, .boolean), (.timestamp, .boolean): return false
        case (.timestamp, .int), (.timestamp, .bigint), (.timestamp, .double): return true
        case (.int, .timestamp), (.bigint, .timestamp), (.double, .timestamp): return true
        case (_, .null): return false
        default: return true
        }
    }

    /// `e` cast to `type` when it is not of it already; literals are cast at once by the
    /// optimizer's constant folding.
    public static func cast(_ e: Expression, to type: DataType) -> Expression {
        if e.type == type { return e }
        if case .literal(.null, _) = e { return .literal(.null, type) }
        if e.type == .null { return .cast(e, type, isTry: false) }
        // INT → BIGINT needs no conversion of the stored Int64.
        return .cast(e, type, isTry: false)
    }
}
