extension ExpressionBinder {
    /// Whether an expression contains an aggregate function call.
    static func containsAggregate(_ e: Expr) -> Bool {
        switch e {
        case .function(let name, let args, _, _, _):
            return FunctionCatalog.isAggregate(name.lowercased()) || args.contains(where: containsAggregate)
        case .literal, .column, .subquery: return false
        case .unary(_, let x, _), .cast(let x, _, _, _), .isNull(let x, _, _), .interval(let x, _, _): return containsAggregate(x)
        case .binary(_, let a, let b, _): return containsAggregate(a) || containsAggregate(b)
        case .caseWhen(let op, let branches, let e, _):
            return (op.map(containsAggregate) ?? false) || branches.contains { containsAggregate($0.when) || containsAggregate($0.then) } || (e.map(containsAggregate) ?? false)
        case .inList(let x, let list, _, _): return containsAggregate(x) || list.contains(where: containsAggregate)
        case .between(let x, let a, let b, _, _): return containsAggregate(x) || containsAggregate(a) || containsAggregate(b)
        case .like(let x, let p, _, _, _, _): return containsAggregate(x) || containsAggregate(p)
        }
    }

    /// The qualifier a SELECT item keeps: a bare or qualified column keeps its table's.
    static func qualifier(of e: Expr) -> String? {
        if case .column(let id) = e, id.parts.count == 2 { return id.parts[0] }
        return nil
    }

    static func qualifier(of e: Expression, in scope: [Field]) -> String? {
        if case .column(let i, _, _) = e { return scope[i].qualifier }
        return nil
    }

    /// The column name Spark gives an unaliased expression: the column's own name, or
    /// the expression's SQL text (`count(1)`, `sum(amount)`, `(a + 1)`).
    static func autoName(_ e: Expr) -> String {
        switch e {
        case .literal(let lit, _):
            switch lit {
            case .null: return "NULL"
            case .bool(let b): return b ? "true" : "false"
            case .integer(let v): return String(v)
            case .double(let d): return SparkFormat.double(d)
            case .string(let s): return s
            case .date(let s): return "DATE '\(s)'"
            case .timestamp(let s): return "TIMESTAMP '\(s)'"
            }
        case .column(let id): return id.name
        case .unary(let op, let x, _):
            switch op {
            case .negate: return "(- \(autoName(x)))"
            case .plus: return "(+ \(autoName(x)))"
            case .not: return "(NOT \(autoName(x)))"
            }
        case .binary(let op, let a, let b, _):
            return "(\(autoName(a)) \(op.rawValue) \(autoName(b)))"
        case .function(let name, let args, let distinct, let star, _):
            if star || (name.lowercased() == "count" && args.isEmpty) { return "count(1)" }
            return "\(name.lowercased())(\(distinct ? "DISTINCT " : "")\(args.map(autoName).joined(separator: ", ")))"
        case .cast(let x, let t, let isTry, _):
            let tn = DataType(sparkName: t)?.description ?? t.uppercased()
            return "\(isTry ? "TRY_CAST" : "CAST")(\(autoName(x)) AS \(tn))"
        case .caseWhen(let op, let branches, let e, _):
            var s = "CASE"
            if let op { s += " \(autoName(op))" }
            for b in branches { s += " WHEN \(autoName(b.when)) THEN \(autoName(b.then))" }
            if let e { s += " ELSE \(autoName(e))" }
            return s + " END"
        case .isNull(let x, let negated, _): return "(\(autoName(x)) IS \(negated ? "NOT " : "")NULL)"
        case .inList(let x, let list, let negated, _):
            return "(\(negated ? "NOT " : "")\(autoName(x)) IN (\(list.map(autoName).joined(separator: ", "))))"
        case .between(let x, let a, let b, let negated, _):
            return "(\(negated ? "NOT " : "")\(autoName(x)) BETWEEN \(autoName(a)) AND \(autoName(b)))"
        case .like(let x, let p, let negated, let regex, _, _):
            return "(\(negated ? "NOT " : "")\(autoName(x)) \(regex ? "RLIKE" : "LIKE") \(autoName(p)))"
        case .interval(let v, let unit, _): return "INTERVAL '\(autoName(v))' \(unit.uppercased())"
        case .subquery: return "scalarsubquery()"
        }
    }

    /// A literal's value and type: integers are INT when they fit, else BIGINT.
    static func bindLiteral(_ lit: Literal, at loc: SourceLocation) throws -> Expression {
        switch lit {
        case .null: return .literal(.null, .null)
        case .bool(let b): return .literal(.bool(b), .boolean)
        case .integer(let v): return .literal(.int(v), Value.int(v).naturalType)
        case .double(let d): return .literal(.double(d), .double)
        case .string(let s): return .literal(.string(s), .string)
        case .date(let s):
            guard let d = DateTime.parseDate(s.trimmingSpaces()) else {
                throw SQLError("INVALID_TYPED_LITERAL", "The value of the typed literal \"DATE\" is invalid: '\(s)'.", at: loc)
            }
            return .literal(.date(d), .date)
        case .timestamp(let s):
            guard let t = DateTime.parseTimestamp(s.trimmingSpaces()) else {
                throw SQLError("INVALID_TYPED_LITERAL", "The value of the typed literal \"TIMESTAMP\" is invalid: '\(s)'.", at: loc)
            }
            return .literal(.timestamp(t), .timestamp)
        }
    }

    /// A constant expression's value as `type`, for IN lists; `nil` when it is not a
    /// plain literal that converts exactly.
    static func constantValue(_ e: Expression, as type: DataType) -> Value? {
        guard case .literal(let v, _) = e else { return nil }
        switch (v, type) {
        case (.null, _): return .null
        case (.int, .int), (.int, .bigint): return v
        case (.int(let i), .double): return .double(Double(i))
        case (.double, .double), (.string, .string), (.bool, .boolean), (.date, .date), (.timestamp, .timestamp): return v
        case (.date(let d), .timestamp): return .timestamp(d * DateTime.microsPerDay)
        case (.string(let s), .date): return DateTime.parseDate(s.trimmingSpaces()).map { .date($0) }
        case (.string(let s), .timestamp): return DateTime.parseTimestamp(s.trimmingSpaces()).map { .timestamp($0) }
        case (.string(let s), .bigint): return Int64(s.trimmingSpaces()).map { .int($0) }
        case (.string(let s), .double): return Double(s.trimmingSpaces()).map { .double($0) }
        default: return nil
        }
    }
}
