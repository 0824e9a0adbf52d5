/// The group keys and aggregate calls of an aggregating SELECT. Expressions bound in
/// this context refer to the aggregate's output: keys first, then calls.
struct AggregationContext {
    var keys: [Expression]
    var keyFields: [Field]
    var inputScope: [Field]
    var aggregates: [AggregateCall] = []
}

/// Binds scalar expressions against a scope (the columns of the input plan), applying
/// Spark's type rules. With an aggregation context it binds post-aggregation
/// expressions: group keys and aggregate calls become references to the aggregate's
/// output, and any other column is an error.
final class ExpressionBinder {
    let binder: Binder
    let scope: [Field]
    var aggregation: AggregationContext?
    /// SELECT aliases that HAVING may use.
    let aliases: [String: Expr]
    private var expandingAlias: Set<String> = []

    init(binder: Binder, scope: [Field], aggregation: AggregationContext? = nil, aliases: [String: Expr] = [:]) {
        self.binder = binder
        self.scope = scope
        self.aggregation = aggregation
        self.aliases = aliases
    }

    /// A boolean condition of WHERE or HAVING.
    func bindCondition(_ e: Expr, clause: String) throws -> Expression {
        let bound = try bind(e)
        if bound.type == .null { return .literal(.null, .boolean) }
        guard bound.type == .boolean else {
            throw SQLError("DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN", "Cannot resolve \"\(ExpressionBinder.autoName(e))\" due to data type mismatch: the \(clause) condition must be BOOLEAN, but it is \(bound.type)", at: e.location)
        }
        return bound
    }

    func bind(_ e: Expr) throws -> Expression {
        if var agg = aggregation {
            if case .function(let name, let args, let distinct, let star, let loc) = e, FunctionCatalog.isAggregate(name.lowercased()) {
                let call = try bindAggregate(name.lowercased(), args, distinct: distinct, star: star, at: loc, agg.inputScope)
                let index: Int
                if let i = agg.aggregates.firstIndex(of: call) { index = i } else {
                    agg.aggregates.append(call)
                    index = agg.aggregates.count - 1
                    aggregation = agg
                }
                return .column(agg.keys.count + index, call.type, name: call.description)
            }
            if !ExpressionBinder.containsAggregate(e) {
                let plainBinder = ExpressionBinder(binder: binder, scope: agg.inputScope)
                if let plain = try? plainBinder.bind(e) {
                    if let k = agg.keys.firstIndex(of: plain) {
                        return .column(k, plain.type, name: agg.keyFields[k].name)
                    }
                    if plain.isConstant { return plain }
                }
            }
        }
        return try bindNode(e)
    }

    private func bindNode(_ e: Expr) throws -> Expression {
        switch e {
        case .literal(let lit, let loc):
            return try ExpressionBinder.bindLiteral(lit, at: loc)
        case .column(let id):
            return try bindColumn(id)
        case .unary(let op, let x, let loc):
            let v = try bind(x)
            switch op {
            case .plus:
                guard v.type.isNumeric || v.type == .null else { throw mismatch(e, "the operand of unary + must be numeric, but it is \(v.type)", at: loc) }
                return v
            case .negate:
                if case .literal(.int(let n), let t) = v, n != Int64.min { return .literal(.int(-n), t == .int && -n > Int64(Int32.max) ? .bigint : t) }
                if case .literal(.double(let d), _) = v { return .literal(.double(-d), .double) }
                switch v.type {
                case .int, .bigint, .double: return .negate(v)
                case .null: return .literal(.null, .int)
                case .string: return .negate(TypeCoercion.cast(v, to: .double))
                default: throw mismatch(e, "the operand of unary - must be numeric, but it is \(v.type)", at: loc)
                }
            case .not:
                return .not(try boolean(v, e, at: loc))
            }
        case .binary(let op, let l, let r, let loc):
            return try bindBinary(op, l, r, e, at: loc)
        case .function(let name, let args, let distinct, let star, let loc):
            return try bindFunction(name, args, distinct: distinct, star: star, e, at: loc)
        case .cast(let x, let typeName, let isTry, let loc):
            let v = try bind(x)
            guard let t = DataType(sparkName: typeName), t != .null else {
                throw SQLError("UNSUPPORTED_DATATYPE", "Unsupported data type \"\(typeName.uppercased())\"; sluice supports BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL (read as DOUBLE), STRING, DATE and TIMESTAMP", at: loc)
            }
            guard TypeCoercion.canCast(v.type, t) else {
                throw mismatch(e, "cannot cast \"\(v.type)\" to \"\(t)\"", at: loc, errorClass: "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION")
            }
            if v.type == t { return v }
            return .cast(v, t, isTry: isTry)
        case .caseWhen(let operand, let branches, let elseExpr, let loc):
            let op = try operand.map { try bind($0) }
            var conds: [Expression] = []
            var values: [Expression] = []
            for b in branches {
                if let op {
                    let w = try bind(b.when)
                    guard let t = TypeCoercion.commonType(op.type, w.type) else {
                        throw mismatch(e, "the CASE operand \(op.type) cannot be compared with WHEN value \(w.type)", at: b.when.location)
                    }
                    conds.append(.compare(.equal, TypeCoercion.cast(op, to: t), TypeCoercion.cast(w, to: t)))
                } else {
                    conds.append(try boolean(try bind(b.when), b.when, at: b.when.location))
                }
                values.append(try bind(b.then))
            }
            let elseValue = try elseExpr.map { try bind($0) }
            let t = try resultType(values + (elseValue.map { [$0] } ?? []), e, at: loc)
            return .caseWhen(zip(conds, values).map { CaseBranch(condition: $0, value: TypeCoercion.cast($1, to: t)) },
                             elseValue: elseValue.map { TypeCoercion.cast($0, to: t) }, t)
        case .isNull(let x, let negated, _):
            return .isNull(try bind(x), negated: negated)
        case .inList(let x, let list, let negated, let loc):
            let v = try bind(x)
            let items = try list.map { try bind($0) }
            var t = v.type
            for i in items {
                guard let c = TypeCoercion.commonType(t, i.type) else {
                    throw mismatch(e, "the values of IN must be comparable with \(v.type), but one is \(i.type)", at: loc)
                }
                t = c
            }
            if t == .null { t = .string }
            let constants = items.compactMap { ExpressionBinder.constantValue($0, as: t) }
            if constants.count == items.count {
                return .inList(TypeCoercion.cast(v, to: t), constants, negated: negated)
            }
            let lhs = TypeCoercion.cast(v, to: t)
            var any: Expression = .compare(.equal, lhs, TypeCoercion.cast(items[0], to: t))
            for i in items.dropFirst() { any = .or(any, .compare(.equal, lhs, TypeCoercion.cast(i, to: t))) }
            return negated ? .not(any) : any
        case .between(let x, let low, let high, let negated, let loc):
            let v = try bind(x), lo = try bind(low), hi = try bind(high)
            guard let t1 = TypeCoercion.commonType(v.type, lo.type), let t = TypeCoercion.commonType(t1, hi.type) else {
                throw mismatch(e, "BETWEEN needs comparable types, but found \(v.type), \(lo.type) and \(hi.type)", at: loc)
            }
            let range: Expression = .and(.compare(.greaterOrEqual, TypeCoercion.cast(v, to: t), TypeCoercion.cast(lo, to: t)),
                                         .compare(.lessOrEqual, TypeCoercion.cast(v, to: t), TypeCoercion.cast(hi, to: t)))
            return negated ? .not(range) : range
        case .like(let x, let pattern, let negated, let regex, let escape, let loc):
            if regex {
                throw SQLError("UNSUPPORTED_FEATURE", "RLIKE is not supported by sluice; use LIKE with % and _", at: loc)
            }
            let v = try bind(x)
            guard case .literal(.string(let p), _) = try bind(pattern) else {
                throw SQLError("UNSUPPORTED_FEATURE", "the pattern of LIKE must be a string literal", at: pattern.location)
            }
            var esc: UInt8 = UInt8(ascii: "\\")
            if let escape {
                guard escape.utf8.count == 1 else {
                    throw SQLError("INVALID_ESCAPE_CHAR", "The escape character of LIKE must be a single character, but it is '\(escape)'", at: loc)
                }
                esc = escape.utf8.first!
            }
            let s: Expression
            switch v.type {
            case .string: s = v
            case .null: return .literal(.null, .boolean)
            default: s = TypeCoercion.cast(v, to: .string)
            }
            return .like(s, pattern: p, escape: esc, negated: negated)
        case .interval(_, _, let loc):
            throw SQLError("UNSUPPORTED_FEATURE", "an INTERVAL can only be added to or subtracted from a DATE (date + INTERVAL 1 DAY)", at: loc)
        case .subquery(_, let loc):
            throw SQLError("UNSUPPORTED_FEATURE", "scalar subqueries are not supported by sluice yet; join the subquery in FROM instead", at: loc)
        }
    }

    // MARK: Columns

    private func bindColumn(_ id: Identifier) throws -> Expression {
        let name = id.name.lowercased()
        let qualifier = id.parts.count >= 2 ? id.parts[id.parts.count - 2].lowercased() : nil
        guard id.parts.count <= 2 else {
            throw SQLError("UNRESOLVED_COLUMN", "Column reference `\(id)` has too many name parts", at: id.location)
        }
        let all = scope.indices.filter { i in
            scope[i].name.lowercased() == name && (qualifier == nil || scope[i].qualifier?.lowercased() == qualifier)
        }
        let visible = all.filter { !scope[$0].hidden }
        let matches = visible.isEmpty && qualifier != nil ? all : visible
        if matches.count == 1 {
            let i = matches[0]
            if let agg = aggregation, !agg.keys.contains(.column(i, scope[i].type, name: scope[i].name)) {
                throw missingAggregation(id.description, at: id.location)
            }
            return .column(i, scope[i].type, name: scope[i].name)
        }
        if matches.count > 1 {
            let names = matches.map { "`\(scope[$0].qualifier ?? "")`.`\(scope[$0].name)`" }.joined(separator: ", ")
            throw SQLError("AMBIGUOUS_REFERENCE", "Reference `\(id)` is ambiguous, could be: [\(names)].", at: id.location)
        }
        if id.parts.count == 1, let aliased = aliases[name], !expandingAlias.contains(name) {
            expandingAlias.insert(name)
            defer { expandingAlias.remove(name) }
            return try bind(aliased)
        }
        let candidates = scope.filter { !$0.name.hasPrefix("__") && !$0.hidden }
        let ranked = candidates.enumerated()
            .sorted { (editDistance($0.element.name, id.name), $0.offset) < (editDistance($1.element.name, id.name), $1.offset) }
            .prefix(5).map(\.element)
        let list = ranked.map { f in f.qualifier.map { "`\($0)`.`\(f.name)`" } ?? "`\(f.name)`" }.joined(separator: ", ")
        if ranked.isEmpty {
            throw SQLError("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "A column, variable, or function parameter with name `\(id)` cannot be resolved.", at: id.location)
        }
        throw SQLError("UNRESOLVED_COLUMN.WITH_SUGGESTION", "A column, variable, or function parameter with name `\(id)` cannot be resolved. Did you mean one of the following? [\(list)].", at: id.location)
    }

    private func missingAggregation(_ text: String, at loc: SourceLocation) -> SQLError {
        SQLError("MISSING_AGGREGATION", "The non-aggregating expression \"\(text)\" is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use \"any_value(\(text))\" if you do not care which of the values within a group is returned.", at: loc)
    }

    // MARK: Operators

    private func bindBinary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ e: Expr, at loc: SourceLocation) throws -> Expression {
        switch op {
        case .and, .or:
            let a = try boolean(try bind(l), l, at: l.location)
            let b = try boolean(try bind(r), r, at: r.location)
            return op == .and ? .and(a, b) : .or(a, b)
        case .concat:
            return try bindFunction("concat", [l, r], distinct: false, star: false, e, at: loc)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .nullSafeEqual:
            let a = try bind(l), b = try bind(r)
            guard let t = TypeCoercion.commonType(a.type, b.type) else {
                throw mismatch(e, "the left and right operands of the binary operator have incompatible types (\"\(a.type)\" and \"\(b.type)\")", at: loc, errorClass: "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES")
            }
            let cmp: ComparisonOperator
            switch op {
            case .equal: cmp = .equal
            case .notEqual: cmp = .notEqual
            case .less: cmp = .less
            case .lessOrEqual: cmp = .lessOrEqual
            case .greater: cmp = .greater
            case .greaterOrEqual: cmp = .greaterOrEqual
            default: cmp = .nullSafeEqual
            }
            let t2 = t == .null ? DataType.boolean : t
            return .compare(cmp, TypeCoercion.cast(a, to: t2), TypeCoercion.cast(b, to: t2))
        case .add, .subtract, .multiply, .divide, .modulo, .intDivide:
            // date ± INTERVAL n DAY, date ± n
            if op == .add || op == .subtract {
                if case .interval(let value, let unit, let iloc) = r {
                    return try dateArithmetic(try bind(l), try bind(value), unit: unit, subtract: op == .subtract, e, at: iloc)
                }
                if op == .add, case .interval(let value, let unit, let iloc) = l {
                    return try dateArithmetic(try bind(r), try bind(value), unit: unit, subtract: false, e, at: iloc)
                }
            }
            let a = try bind(l), b = try bind(r)
            if (op == .add || op == .subtract) && (a.type == .date) && (b.type.isIntegral) {
                return try dateArithmetic(a, b, unit: "DAY", subtract: op == .subtract, e, at: loc)
            }
            if op == .add && a.type.isIntegral && b.type == .date {
                return try dateArithmetic(b, a, unit: "DAY", subtract: false, e, at: loc)
            }
            if op == .subtract && a.type == .date && b.type == .date {
                return try function("datediff", [a, b], e, at: loc)
            }
            let arith: ArithmeticOperator
            switch op {
            case .add: arith = .add
            case .subtract: arith = .subtract
            case .multiply: arith = .multiply
            case .divide: arith = .divide
            case .modulo: arith = .remainder
            default: arith = .intDivide
            }
            guard let (operand, result) = TypeCoercion.arithmeticType(arith, a.type, b.type) else {
                throw mismatch(e, "the binary operator \(op.rawValue) requires numeric operands, but found \"\(a.type)\" and \"\(b.type)\"", at: loc, errorClass: "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE")
            }
            return .arithmetic(arith, TypeCoercion.cast(a, to: operand), TypeCoercion.cast(b, to: operand), result)
        }
    }

    private func dateArithmetic(_ date: Expression, _ amount: Expression, unit: String, subtract: Bool, _ e: Expr, at loc: SourceLocation) throws -> Expression {
        let u = unit.uppercased()
        guard u == "DAY" || u == "DAYS" else {
            throw SQLError("UNSUPPORTED_FEATURE", "only INTERVAL n DAY is supported by sluice; use add_months for months", at: loc)
        }
        let d = date.type == .date ? date : (date.type == .string || date.type == .timestamp ? TypeCoercion.cast(date, to: .date) : date)
        guard d.type == .date else {
            throw mismatch(e, "a DAY interval can only be added to a DATE, but the operand is \(date.type)", at: loc)
        }
        guard amount.type.isIntegral || amount.type == .null else {
            throw mismatch(e, "the number of days must be an integer, but it is \(amount.type)", at: loc)
        }
        return try function(subtract ? "date_sub" : "date_add", [d, amount], e, at: loc)
    }

    // MARK: Functions

    private func bindFunction(_ rawName: String, _ args: [Expr], distinct: Bool, star: Bool, _ e: Expr, at loc: SourceLocation) throws -> Expression {
        let name = rawName.lowercased()
        if FunctionCatalog.isAggregate(name) {
            throw SQLError("UNSUPPORTED_FEATURE", "the aggregate function \(name) cannot be used here (in WHERE, GROUP BY or inside another aggregate)", at: loc)
        }
        if distinct {
            throw SQLError("INVALID_DISTINCT_USAGE", "DISTINCT can only be used with an aggregate function, not with \(name)", at: loc)
        }
        let bound = try args.map { try bind($0) }
        switch name {
        case "if", "iff":
            guard bound.count == 3 else { throw wrongArgs(name, "3", bound.count, at: loc) }
            let c = try boolean(bound[0], args[0], at: args[0].location)
            let t = try resultType([bound[1], bound[2]], e, at: loc)
            return .caseWhen([CaseBranch(condition: c, value: TypeCoercion.cast(bound[1], to: t))], elseValue: TypeCoercion.cast(bound[2], to: t), t)
        case "coalesce", "nvl", "ifnull":
            guard !bound.isEmpty else { throw wrongArgs(name, "> 0", 0, at: loc) }
            if name != "coalesce" && bound.count != 2 { throw wrongArgs(name, "2", bound.count, at: loc) }
            let t = try resultType(bound, e, at: loc)
            return .coalesce(bound.map { TypeCoercion.cast($0, to: t) }, t)
        case "nullif":
            guard bound.count == 2 else { throw wrongArgs(name, "2", bound.count, at: loc) }
            guard let t = TypeCoercion.commonType(bound[0].type, bound[1].type) else {
                throw mismatch(e, "the arguments of nullif must be comparable, but are \(bound[0].type) and \(bound[1].type)", at: loc)
            }
            return .caseWhen([CaseBranch(condition: .compare(.equal, TypeCoercion.cast(bound[0], to: t), TypeCoercion.cast(bound[1], to: t)), value: .literal(.null, bound[0].type))], elseValue: bound[0], bound[0].type)
        case "isnull", "isnotnull":
            guard bound.count == 1 else { throw wrongArgs(name, "1", bound.count, at: loc) }
            return .isNull(bound[0], negated: name == "isnotnull")
        case "nvl2":
            guard bound.count == 3 else { throw wrongArgs(name, "3", bound.count, at: loc) }
            let t = try resultType([bound[1], bound[2]], e, at: loc)
            return .caseWhen([CaseBranch(condition: .isNull(bound[0], negated: true), value: TypeCoercion.cast(bound[1], to: t))], elseValue: TypeCoercion.cast(bound[2], to: t), t)
        default:
            return try function(name, bound, e, at: loc)
        }
    }

    /// A catalog function with its arguments cast to the signature's parameter types.
    private func function(_ name: String, _ args: [Expression], _ e: Expr, at loc: SourceLocation) throws -> Expression {
        let sig: FunctionSignature
        do {
            sig = try FunctionCatalog.resolve(name, argTypes: args.map(\.type), argSQL: args.map(\.description))
        } catch var error {
            error.location = error.location ?? loc
            throw error
        }
        let cast = zip(args, sig.parameterTypes).map { TypeCoercion.cast($0, to: $1) }
        return .function(name: sig.name, cast, sig.returnType)
    }

    private func bindAggregate(_ name: String, _ args: [Expr], distinct: Bool, star: Bool, at loc: SourceLocation, _ input: [Field]) throws -> AggregateCall {
        let inner = ExpressionBinder(binder: binder, scope: input)
        for a in args where ExpressionBinder.containsAggregate(a) {
            throw SQLError("NESTED_AGGREGATE_FUNCTION", "It is not allowed to use an aggregate function in the argument of another aggregate function. Please use the inner aggregate function in a sub-query.", at: a.location)
        }
        if name == "count" && (star || args.isEmpty) {
            return AggregateCall(function: .countStar, argument: nil, distinct: false, type: .bigint)
        }
        guard args.count == 1 else { throw wrongArgs(name, "1", args.count, at: loc) }
        var arg = try inner.bind(args[0])
        if name == "count", case .literal(let v, _) = arg, !v.isNull, !distinct {
            return AggregateCall(function: .countStar, argument: nil, distinct: false, type: .bigint)
        }
        if distinct && name != "count" && name != "sum" && name != "avg" && name != "min" && name != "max" {
            throw SQLError("INVALID_DISTINCT_USAGE", "DISTINCT is not supported in \(name)", at: loc)
        }
        switch name {
        case "count":
            return AggregateCall(function: .count, argument: arg, distinct: distinct, type: .bigint)
        case "sum", "avg", "mean":
            switch arg.type {
            case .int, .bigint: arg = TypeCoercion.cast(arg, to: .bigint)
            case .double: break
            case .string, .null: arg = TypeCoercion.cast(arg, to: .double)
            default:
                throw SQLError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "Cannot resolve \"\(name)(\(arg))\" due to data type mismatch: the parameter requires a numeric type, however \(arg) is \(arg.type)", at: loc)
            }
            if name == "sum" {
                return AggregateCall(function: .sum, argument: arg, distinct: distinct, type: arg.type)
            }
            return AggregateCall(function: .avg, argument: arg, distinct: distinct, type: .double)
        case "min", "max":
            if arg.type == .null { arg = TypeCoercion.cast(arg, to: .string) }
            return AggregateCall(function: name == "min" ? .min : .max, argument: arg, distinct: false, type: arg.type)
        default:
            throw SQLError("UNSUPPORTED_FEATURE", "the aggregate function \(name) is not supported by sluice; use count, sum, avg, min or max", at: loc)
        }
    }

    // MARK: Helpers

    private func boolean(_ v: Expression, _ e: Expr, at loc: SourceLocation) throws -> Expression {
        if v.type == .boolean { return v }
        if v.type == .null { return .literal(.null, .boolean) }
        throw mismatch(e, "a BOOLEAN is required, but \(ExpressionBinder.autoName(e)) is \(v.type)", at: loc)
    }

    private func resultType(_ values: [Expression], _ e: Expr, at loc: SourceLocation) throws -> DataType {
        var t = DataType.null
        for v in values {
            guard let c = TypeCoercion.resultType(t, v.type) else {
                throw mismatch(e, "the branches have incompatible types \(t) and \(v.type)", at: loc)
            }
            t = c
        }
        return t == .null ? .string : t
    }

    private func mismatch(_ e: Expr, _ detail: String, at loc: SourceLocation, errorClass: String = "DATATYPE_MISMATCH") -> SQLError {
        SQLError(errorClass, "Cannot resolve \"\(ExpressionBinder.autoName(e))\" due to data type mismatch: \(detail).", at: loc)
    }

    private func wrongArgs(_ name: String, _ expected: String, _ actual: Int, at loc: SourceLocation) -> SQLError {
        SQLError("WRONG_NUM_ARGS", "The `\(name)` requires \(expected) parameters but the actual number is \(actual).", at: loc)
    }
}
