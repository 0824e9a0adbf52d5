/// A typed scalar expression over the columns of one input: what the binder produces from
/// SQL and what the executor evaluates, a chunk at a time. Column references are by
/// position in the input; every node knows its result type.
public indirect enum Expression: Sendable, Hashable, Codable, CustomStringConvertible {
    case column(Int, DataType, name: String)
    case literal(Value, DataType)
    /// `CAST(e AS type)`; `isTry` makes failures NULL (`try_cast`).
    case cast(Expression, DataType, isTry: Bool)
    case negate(Expression)
    case not(Expression)
    case arithmetic(ArithmeticOperator, Expression, Expression, DataType)
    case compare(ComparisonOperator, Expression, Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case isNull(Expression, negated: Bool)
    /// `e IN (values)` with constant values of e's type.
    case inList(Expression, [Value], negated: Bool)
    /// `e [NOT] LIKE pattern` with a constant pattern and escape character.
    case like(Expression, pattern: String, escape: UInt8, negated: Bool)
    /// Searched CASE: the first branch whose condition is true gives the value.
    case caseWhen([CaseBranch], elseValue: Expression?, DataType)
    case coalesce([Expression], DataType)
    /// A scalar function from the catalog, its arguments already cast to its parameters.
    case function(name: String, [Expression], DataType)

    public var type: DataType {
        switch self {
        case .column(_, let t, _), .literal(_, let t), .cast(_, let t, _): return t
        case .negate(let e): return e.type
        case .not, .compare, .and, .or, .isNull, .inList, .like: return .boolean
        case .arithmetic(_, _, _, let t), .caseWhen(_, _, let t), .coalesce(_, let t), .function(_, _, let t): return t
        }
    }

    /// The input columns the expression reads.
    public var columnsUsed: Set<Int> {
        var s = Set<Int>()
        visit { if case .column(let i, _, _) = $0 { s.insert(i) } }
        return s
    }

    /// Calls `f` on this node and every node below it.
    public func visit(_ f: (Expression) -> Void) {
        f(self)
        for c in children { c.visit(f) }
    }

    public var children: [Expression] {
        switch self {
        case .column, .literal: return []
        case .cast(let e, _, _), .negate(let e), .not(let e), .isNull(let e, _), .inList(let e, _, _), .like(let e, _, _, _): return [e]
        case .arithmetic(_, let a, let b, _), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b): return [a, b]
        case .caseWhen(let branches, let e, _): return branches.flatMap { [$0.condition, $0.value] } + (e.map { [$0] } ?? [])
        case .coalesce(let args, _), .function(_, let args, _): return args
        }
    }

    /// The same expression with every node rewritten bottom-up by `f`.
    public func transform(_ f: (Expression) -> Expression) -> Expression {
        let rebuilt: Expression
        switch self {
        case .column, .literal: rebuilt = self
        case .cast(let e, let t, let isTry): rebuilt = .cast(e.transform(f), t, isTry: isTry)
        case .negate(let e): rebuilt = .negate(e.transform(f))
        case .not(let e): rebuilt = .not(e.transform(f))
        case .arithmetic(let op, let a, let b, let t): rebuilt = .arithmetic(op, a.transform(f), b.transform(f), t)
        case .compare(let op, let a, let b): rebuilt = .compare(op, a.transform(f), b.transform(f))
        case .and(let a, let b): rebuilt = .and(a.transform(f), b.transform(f))
        case .or(let a, let b): rebuilt = .or(a.transform(f), b.transform(f))
        case .isNull(let e, let n): rebuilt = .isNull(e.transform(f), negated: n)
        case .inList(let e, let v, let n): rebuilt = .inList(e.transform(f), v, negated: n)
        case .like(let e, let p, let esc, let n): rebuilt = .like(e.transform(f), pattern: p, escape: esc, negated: n)
        case .caseWhen(let br, let e, let t):
            rebuilt = .caseWhen(br.map { CaseBranch(condition: $0.condition.transform(f), value: $0.value.transform(f)) }, elseValue: e?.transform(f), t)
        case .coalesce(let args, let t): rebuilt = .coalesce(args.map { $0.transform(f) }, t)
        case .function(let n, let args, let t): rebuilt = .function(name: n, args.map { $0.transform(f) }, t)
        }
        return f(rebuilt)
    }

    /// Column references renumbered through `map` (old index → new index).
    public func remapColumns(_ map: [Int: Int]) -> Expression {
        transform { e in
            if case .column(let i, let t, let n) = e, let j = map[i] { return .column(j, t, name: n) }
            return e
        }
    }

    /// Whether evaluating can raise an error for some row (casts, arithmetic, functions),
    /// so that AND, OR and CASE must evaluate it only on the rows that reach it.
    public var canFail: Bool {
        var fails = false
        visit { e in
            switch e {
            case .cast(_, _, let isTry): if !isTry { fails = true }
            case .arithmetic, .negate, .function: fails = true
            default: break
            }
        }
        return fails
    }

    public var isConstant: Bool {
        var constant = true
        visit { if case .column = $0 { constant = false } }
        return constant
    }

    /// The SQL-like text `explain` prints.
    public var description: String {
        switch self {
        case .column(_, _, let name): return name
        case .literal(let v, let t):
            switch v {
            case .null: return "NULL"
            case .string(let s): return "'" + s.replacingAll("'", with: "\\'") + "'"
            case .date: return "DATE '\(v)'"
            case .timestamp: return "TIMESTAMP '\(v)'"
            default: return t == .bigint && v.naturalType == .int ? "\(v)L" : "\(v)"
            }
        case .cast(let e, let t, let isTry): return "\(isTry ? "try_cast" : "CAST")(\(e) AS \(t))"
        case .negate(let e): return "(- \(e))"
        case .not(let e): return "(NOT \(e))"
        case .arithmetic(let op, let a, let b, _): return "(\(a) \(op.rawValue) \(b))"
        case .compare(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .and(let a, let b): return "(\(a) AND \(b))"
        case .or(let a, let b): return "(\(a) OR \(b))"
        case .isNull(let e, let n): return "(\(e) IS \(n ? "NOT " : "")NULL)"
        case .inList(let e, let vs, let n):
            return "(\(e) \(n ? "NOT " : "")IN (\(vs.map { Expression.literal($0, $0.naturalType).description }.joined(separator: ", "))))"
        case .like(let e, let p, _, let n): return "(\(e) \(n ? "NOT " : "")LIKE '\(p)')"
        case .caseWhen(let br, let e, _):
            var s = "CASE"
            for b in br { s += " WHEN \(b.condition) THEN \(b.value)" }
            if let e { s += " ELSE \(e)" }
            return s + " END"
        case .coalesce(let args, _): return "coalesce(\(args.map(\.description).joined(separator: ", ")))"
        case .function(let n, let args, _): return "\(n)(\(args.map(\.description).joined(separator: ", ")))"
        }
    }
}

public struct CaseBranch: Sendable, Hashable, Codable {
    public var condition: Expression
    public var value: Expression
    public init(condition: Expression, value: Expression) {
        self.condition = condition
        self.value = value
    }
}

public enum ArithmeticOperator: String, Sendable, Hashable, Codable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", intDivide = "div"
}

public enum ComparisonOperator: String, Sendable, Hashable, Codable {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    /// `<=>`: NULL equals NULL, never NULL itself.
    case nullSafeEqual = "<=>"

    /// The operator with its operands swapped (`a < b` is `b > a`).
    public var flipped: ComparisonOperator {
        switch self {
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        default: return self
        }
    }
}

/// One ORDER BY key over the input's columns.
public struct SortKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var expression: Expression
    public var ascending: Bool
    public var nullsFirst: Bool

    public init(expression: Expression, ascending: Bool, nullsFirst: Bool) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }

    public var description: String {
        "\(expression) \(ascending ? "ASC" : "DESC") NULLS \(nullsFirst ? "FIRST" : "LAST")"
    }
}

/// The kinds of join the planner and executor know.
public enum JoinType: String, Sendable, Hashable, Codable {
    case inner = "Inner"
    case leftOuter = "LeftOuter"
    case fullOuter = "FullOuter"
    case leftSemi = "LeftSemi"
    case leftAnti = "LeftAnti"

    /// Whether the output has the right side's columns.
    public var keepsRight: Bool { self != .leftSemi && self != .leftAnti }
}

/// An aggregate call of a GROUP BY: the function, its argument, and DISTINCT.
public struct AggregateCall: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Function: String, Sendable, Hashable, Codable {
        case countStar = "count(*)", count, sum, avg, min, max
    }
    public var function: Function
    /// The argument (an input column expression); `nil` for `count(*)`.
    public var argument: Expression?
    public var distinct: Bool
    public var type: DataType

    public init(function: Function, argument: Expression?, distinct: Bool, type: DataType) {
        self.function = function
        self.argument = argument
        self.distinct = distinct
        self.type = type
    }

    public var description: String {
        if function == .countStar { return "count(*)" }
        return "\(function.rawValue)(\(distinct ? "DISTINCT " : "")\(argument.map(\.description) ?? ""))"
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in the core).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i, k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] { j = u.index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = u.index(after: i)
        }
        return nil
    }
}
