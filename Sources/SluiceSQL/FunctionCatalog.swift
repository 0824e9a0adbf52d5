/// What a scalar function call resolves to: the canonical name the executor knows it by,
/// the type each argument must be cast to, and the result type.
public struct FunctionSignature: Sendable, Hashable {
    /// Canonical lower-case name, aliases mapped (`substring` → `substr`, `ucase` → `upper`).
    public var name: String
    /// One type per argument: the binder casts argument `i` to `parameterTypes[i]`.
    public var parameterTypes: [DataType]
    public var returnType: DataType

    public init(name: String, parameterTypes: [DataType], returnType: DataType) {
        self.name = name
        self.parameterTypes = parameterTypes
        self.returnType = returnType
    }
}

/// The scalar functions sluice knows, with Spark's names, arities and ANSI implicit casts:
///
/// - numbers widen (INT → BIGINT → DOUBLE) and narrow where a parameter is narrower (the
///   cast then checks the range at run time); STRING is read as the parameter's type,
///   as DOUBLE where any number would do;
/// - anything but NULL becomes STRING where a string is expected;
/// - STRING and TIMESTAMP become DATE where a date is expected, STRING and DATE become
///   TIMESTAMP where a timestamp is;
/// - NULL becomes whatever is expected.
///
/// `if`, `coalesce` and the aggregates are the binder's; this catalog answers for the rest.
public enum FunctionCatalog {
    /// The signature of `name` called with arguments of `argTypes`.
    ///
    /// - Parameter argSQL: the arguments as SQL text, for the wording of type errors
    ///   (`Cannot resolve "lower(x)"`); without it the types stand in for them.
    /// - Throws: `UNRESOLVED_ROUTINE` for an unknown name (with a suggestion when one is
    ///   close), `WRONG_NUM_ARGS`, `DATATYPE_MISMATCH.*`; always without a location,
    ///   which the binder fills in.
    public static func resolve(_ name: String, argTypes: [DataType], argSQL: [String]? = nil) throws(SQLError) -> FunctionSignature {
        let called = name.lowercased()
        let canonical = aliases[called] ?? called
        guard let spec = specs[canonical] else { throw unresolved(called) }
        let count = argTypes.count
        if let minimum = spec.minimum {
            guard count >= minimum else {
                throw SQLError("WRONG_NUM_ARGS", "The `\(called)` requires > \(minimum - 1) parameters but the actual number is \(count).", at: nil)
            }
        } else if !spec.arities.contains(count) {
            let expected = spec.arities.count == 1 ? "\(spec.arities[0])" : "[" + spec.arities.map(String.init).joined(separator: ", ") + "]"
            throw SQLError("WRONG_NUM_ARGS", "The `\(called)` requires \(expected) parameters but the actual number is \(count).", at: nil)
        }
        let texts = argSQL ?? argTypes.map(\.description)
        let call = "\(called)(\(texts.joined(separator: ", ")))"
        switch spec.rule(argTypes) {
        case .resolved(let params, let result, let renamed):
            return FunctionSignature(name: renamed ?? canonical, parameterTypes: params, returnType: result)
        case .wrongType(let index, let required):
            throw SQLError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "Cannot resolve \"\(call)\" due to data type mismatch: The \(ordinal(index)) parameter requires the \(required) type, however \"\(texts[index])\" has the type \"\(argTypes[index])\".", at: nil)
        case .differentTypes:
            let list = argTypes.map { "\"\($0)\"" }.joined(separator: ", ")
            throw SQLError("DATATYPE_MISMATCH.DATA_DIFF_TYPES", "Cannot resolve \"\(call)\" due to data type mismatch: Input to `\(called)` should all be the same type, but it's [\(list)].", at: nil)
        }
    }

    /// Whether `name` is an aggregate function (the binder handles those itself; the ones
    /// sluice cannot compute are listed so that the error says so).
    public static func isAggregate(_ name: String) -> Bool {
        aggregateNames.contains(name.lowercased())
    }

    /// Every scalar function name, aliases included, for "did you mean" suggestions.
    public static var scalarNames: [String] {
        (Array(specs.keys) + Array(aliases.keys)).sorted()
    }

    static let aggregateNames: Set<String> = [
        "count", "sum", "avg", "mean", "min", "max", "first", "last", "any_value", "first_value",
        "last_value", "count_if", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp",
        "var_pop", "collect_list", "collect_set", "approx_count_distinct", "bool_and", "bool_or",
        "every", "some", "any", "max_by", "min_by", "median", "percentile", "percentile_approx",
    ]

    // MARK: Errors

    static func unresolved(_ name: String) -> SQLError {
        var message = "Cannot resolve routine `\(name)` on search path [`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]."
        let candidates = scalarNames + Array(aggregateNames)
        if let best = candidates.min(by: { editDistance($0, name) < editDistance($1, name) }),
           editDistance(best, name) <= max(2, name.count / 3) {
            message += " Did you mean `\(best)`?"
        }
        return SQLError("UNRESOLVED_ROUTINE", message, at: nil)
    }

    /// Spark's `ordinalNumber`: first, second, third, 4th, ...
    static func ordinal(_ i: Int) -> String {
        switch i {
        case 0: return "first"
        case 1: return "second"
        case 2: return "third"
        default: return "\(i + 1)th"
        }
    }

    // MARK: Implicit casts

    /// Whether an argument of type `from` may be cast implicitly to a parameter of type `to`
    /// (Spark's ANSI `implicitCast`: string promotion, then `canANSIStoreAssign`).
    static func implicitlyCastable(_ from: DataType, to: DataType) -> Bool {
        if from == to || from == .null { return true }
        switch to {
        case .string: return true
        case .int, .bigint, .double: return from.isNumeric || from == .string
        case .date: return from == .string || from == .timestamp
        case .timestamp: return from == .string || from == .date
        case .boolean: return from == .string
        case .null: return false
        }
    }

    static func quoted(_ t: DataType) -> String { "\"\(t)\"" }
}

// MARK: - Specifications

extension FunctionCatalog {
    enum Outcome {
        /// Parameter and result types, and the canonical name when the arity decides it
        /// (`log(x)` is `ln`).
        case resolved([DataType], DataType, name: String? = nil)
        /// Argument `index` cannot be cast to what the function takes (`required`, as
        /// Spark prints it: `"DATE"`, `("STRING" or "DATE")`).
        case wrongType(index: Int, required: String)
        /// The arguments have no common type (`greatest`, `least`, `nvl`, ...).
        case differentTypes
    }

    struct Spec: Sendable {
        /// The allowed argument counts, when not variadic.
        var arities: [Int]
        /// The least argument count of a variadic function.
        var minimum: Int?
        var rule: @Sendable ([DataType]) -> Outcome
    }

    /// Fixed parameter types; the last `optional` ones may be left out.
    static func fixed(_ params: [DataType], _ result: DataType, optional: Int = 0) -> Spec {
        Spec(arities: Array((params.count - optional)...params.count), minimum: nil) { args in
            for (i, t) in args.enumerated() where !implicitlyCastable(t, to: params[i]) {
                return .wrongType(index: i, required: quoted(params[i]))
            }
            return .resolved(Array(params.prefix(args.count)), result)
        }
    }

    /// Every argument of one type, at least `minimum` of them.
    static func variadic(_ param: DataType, _ result: DataType, minimum: Int) -> Spec {
        Spec(arities: [], minimum: minimum) { args in
            for (i, t) in args.enumerated() where !implicitlyCastable(t, to: param) {
                return .wrongType(index: i, required: quoted(param))
            }
            return .resolved(args.map { _ in param }, result)
        }
    }

    /// The type a function over any number keeps: INT, BIGINT and DOUBLE stay, STRING and
    /// NULL are read as DOUBLE.
    static func numeric(_ t: DataType) -> DataType? {
        switch t {
        case .int, .bigint, .double: return t
        case .string, .null: return .double
        default: return nil
        }
    }

    /// `abs`, `round`, ...: the argument's numeric type, kept for the result; further
    /// parameters fixed.
    static func sameNumeric(_ rest: [DataType] = [], optional: Int = 0, result: (@Sendable (DataType) -> DataType)? = nil) -> Spec {
        Spec(arities: Array((1 + rest.count - optional)...(1 + rest.count)), minimum: nil) { args in
            guard let t = numeric(args[0]) else { return .wrongType(index: 0, required: "\"NUMERIC\"") }
            for (i, r) in rest.enumerated() where i + 1 < args.count && !implicitlyCastable(args[i + 1], to: r) {
                return .wrongType(index: i + 1, required: quoted(r))
            }
            return .resolved([t] + rest.prefix(args.count - 1), result?(t) ?? t)
        }
    }

    /// A first argument that may be any of `accepted` (kept as is; NULL read as the first
    /// of them), then fixed parameters.
    static func oneOf(_ accepted: [DataType], then rest: [DataType], optional: Int, _ result: DataType) -> Spec {
        let required = "(" + accepted.map { quoted($0) }.joined(separator: " or ") + ")"
        return Spec(arities: Array((1 + rest.count - optional)...(1 + rest.count)), minimum: nil) { args in
            let first: DataType
            if args[0] == .null { first = accepted[0] } else if accepted.contains(args[0]) { first = args[0] } else if accepted.contains(.double) && args[0].isNumeric { first = args[0] } else {
                return .wrongType(index: 0, required: required)
            }
            for (i, r) in rest.enumerated() where i + 1 < args.count && !implicitlyCastable(args[i + 1], to: r) {
                return .wrongType(index: i + 1, required: quoted(r))
            }
            return .resolved([first] + rest.prefix(args.count - 1), result)
        }
    }

    /// `greatest`/`least`: every argument widened to their common type.
    static func common(minimum: Int) -> Spec {
        Spec(arities: [], minimum: minimum) { args in
            var t = DataType.null
            for a in args {
                guard let c = TypeCoercion.commonType(t, a) else { return .differentTypes }
                t = c
            }
            return .resolved(args.map { _ in t }, t)
        }
    }

    static let aliases: [String: String] = [
        "lcase": "lower", "ucase": "upper", "char_length": "length", "character_length": "length",
        "len": "length", "substring": "substr", "position": "locate", "char": "chr",
        "dayofmonth": "day", "pow": "power", "ceiling": "ceil", "signum": "sign",
        "now": "current_timestamp", "ifnull": "nvl",
    ]

    static let specs: [String: Spec] = {
        let S = DataType.string, I = DataType.int, L = DataType.bigint, D = DataType.double
        let DT = DataType.date, TS = DataType.timestamp, B = DataType.boolean
        var s: [String: Spec] = [:]

        // Strings
        for name in ["lower", "upper", "initcap", "reverse", "trim", "ltrim", "rtrim"] { s[name] = fixed([S], S) }
        s["btrim"] = fixed([S, S], S, optional: 1)
        for name in ["length", "octet_length", "bit_length", "ascii"] { s[name] = fixed([S], I) }
        s["chr"] = fixed([L], S)
        s["repeat"] = fixed([S, I], S)
        s["substr"] = fixed([S, I, I], S, optional: 1)
        s["left"] = fixed([S, I], S)
        s["right"] = fixed([S, I], S)
        s["lpad"] = fixed([S, I, S], S, optional: 1)
        s["rpad"] = fixed([S, I, S], S, optional: 1)
        s["split_part"] = fixed([S, S, I], S)
        s["concat"] = variadic(S, S, minimum: 0)
        s["concat_ws"] = variadic(S, S, minimum: 1)
        s["replace"] = fixed([S, S, S], S, optional: 1)
        s["instr"] = fixed([S, S], I)
        s["locate"] = fixed([S, S, I], I, optional: 1)
        for name in ["startswith", "endswith", "contains"] { s[name] = fixed([S, S], B) }

        // Math
        for name in ["abs", "negative", "positive"] { s[name] = sameNumeric() }
        s["round"] = sameNumeric([I], optional: 1)
        s["bround"] = sameNumeric([I], optional: 1)
        s["floor"] = sameNumeric(result: { _ in L })
        s["ceil"] = sameNumeric(result: { _ in L })
        for name in ["mod", "pmod"] {
            s[name] = Spec(arities: [2], minimum: nil) { args in
                for (i, t) in args.enumerated() where numeric(t) == nil { return .wrongType(index: i, required: "\"NUMERIC\"") }
                guard let (operand, result) = TypeCoercion.arithmeticType(.remainder, args[0], args[1]) else { return .differentTypes }
                return .resolved([operand, operand], result)
            }
        }
        s["greatest"] = common(minimum: 2)
        s["least"] = common(minimum: 2)
        s["sign"] = fixed([D], D)
        for name in ["sqrt", "cbrt", "exp", "expm1", "ln", "log10", "log2", "log1p", "sin", "cos", "tan",
                     "asin", "acos", "atan", "sinh", "cosh", "tanh", "degrees", "radians"] {
            s[name] = fixed([D], D)
        }
        s["log"] = Spec(arities: [1, 2], minimum: nil) { args in
            for (i, t) in args.enumerated() where !implicitlyCastable(t, to: D) { return .wrongType(index: i, required: quoted(D)) }
            return args.count == 1 ? .resolved([D], D, name: "ln") : .resolved([D, D], D)
        }
        s["power"] = fixed([D, D], D)
        s["atan2"] = fixed([D, D], D)
        s["pi"] = fixed([], D)
        s["e"] = fixed([], D)

        // Dates and times
        for name in ["year", "month", "day", "dayofweek", "weekday", "dayofyear", "quarter", "weekofyear"] { s[name] = fixed([DT], I) }
        for name in ["hour", "minute", "second"] { s[name] = fixed([TS], I) }
        s["last_day"] = fixed([DT], DT)
        s["date_add"] = fixed([DT, I], DT)
        s["date_sub"] = fixed([DT, I], DT)
        s["datediff"] = fixed([DT, DT], I)
        s["add_months"] = fixed([DT, I], DT)
        s["trunc"] = fixed([DT, S], DT)
        s["date_trunc"] = fixed([S, TS], TS)
        s["current_date"] = fixed([], DT)
        s["current_timestamp"] = fixed([], TS)
        s["to_date"] = oneOf([S, DT, TS], then: [S], optional: 1, DT)
        s["to_timestamp"] = Spec(arities: [1, 2], minimum: nil) { args in
            // Numbers (seconds) only without a pattern, as Spark allows.
            let accepted = args.count == 1 ? [S, DT, TS, D] : [S, DT, TS]
            return oneOf(accepted, then: [S], optional: 1, TS).rule(args)
        }
        s["date_format"] = fixed([TS, S], S)
        s["unix_timestamp"] = Spec(arities: [0, 1, 2], minimum: nil) { args in
            args.isEmpty ? .resolved([], L) : oneOf([S, DT, TS], then: [S], optional: 1, L).rule(args)
        }
        s["from_unixtime"] = fixed([L, S], S, optional: 1)

        // Conditional helpers
        s["nullif"] = Spec(arities: [2], minimum: nil) { args in
            guard let t = TypeCoercion.commonType(args[0], args[1]) else { return .differentTypes }
            return .resolved([t, t], t)
        }
        s["nvl"] = Spec(arities: [2], minimum: nil) { args in
            guard let t = TypeCoercion.resultType(args[0], args[1]) else { return .differentTypes }
            let r = t == .null ? S : t
            return .resolved([r, r], r)
        }
        s["nvl2"] = Spec(arities: [3], minimum: nil) { args in
            guard let t = TypeCoercion.resultType(args[1], args[2]) else { return .differentTypes }
            let r = t == .null ? S : t
            return .resolved([args[0], r, r], r)
        }
        s["isnull"] = Spec(arities: [1], minimum: nil) { args in .resolved(args, B) }
        s["isnotnull"] = Spec(arities: [1], minimum: nil) { args in .resolved(args, B) }
        return s
    }()
}
