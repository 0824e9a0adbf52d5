/// Scalar expressions, by Spark's precedence, loosest first:
///
/// ```
/// OR
/// AND
/// NOT
/// predicate    comparison [IS [NOT] NULL | [NOT] IN (...) | [NOT] BETWEEN .. AND ..
///                          | [NOT] LIKE/ILIKE/RLIKE/REGEXP p [ESCAPE 'c']]   -- at most one
/// comparison   = == <> != < <= > >= <=>                                       -- left-assoc
/// additive     + - ||                                                          -- left-assoc
/// multiplicative  * / % DIV                                                    -- left-assoc
/// unary        - +
/// primary      literal, name, f(...), CAST, CASE, (e), (SELECT ...)
/// ```
///
/// As in Spark, a comparison binds tighter than a predicate (`a = b IS NULL` is
/// `(a = b) IS NULL`), and a minus sign before a number is part of the literal, so
/// `-9223372036854775808` is a BIGINT.
extension Parser {
    mutating func parseExpression() throws(SQLError) -> Expr {
        try parseOr()
    }

    private mutating func parseOr() throws(SQLError) -> Expr {
        var left = try parseAnd()
        while current.isWord("OR") {
            let op = advance()
            left = .binary(.or, left, try parseAnd(), op.location)
        }
        return left
    }

    private mutating func parseAnd() throws(SQLError) -> Expr {
        var left = try parseNot()
        while current.isWord("AND") {
            let op = advance()
            left = .binary(.and, left, try parseNot(), op.location)
        }
        return left
    }

    private mutating func parseNot() throws(SQLError) -> Expr {
        if current.isWord("NOT") {
            let op = advance()
            return .unary(.not, try parseNot(), op.location)
        }
        return try parsePredicate()
    }

    private static let predicateWords: Set<String> = ["IN", "BETWEEN", "LIKE", "ILIKE", "RLIKE", "REGEXP"]

    private mutating func parsePredicate() throws(SQLError) -> Expr {
        let left = try parseComparison()
        let start = current
        if start.isWord("IS") {
            advance()
            let negated = accept("NOT")
            if accept("NULL", rank: 0) || accept("UNKNOWN") {
                return .isNull(left, negated: negated, start.location)
            }
            if current.isWord("TRUE") || current.isWord("FALSE") {
                let value = advance().isWord("TRUE")
                let test = Expr.binary(.nullSafeEqual, left, .literal(.bool(value), start.location), start.location)
                return negated ? .unary(.not, test, start.location) : test
            }
            note("TRUE")
            note("FALSE")
            if accept("DISTINCT", display: "DISTINCT FROM") {
                try expect("FROM")
                let right = try parseComparison()
                let same = Expr.binary(.nullSafeEqual, left, right, start.location)
                return negated ? same : .unary(.not, same, start.location)
            }
            throw syntaxError()
        }
        var negated = false
        if start.isWord("NOT"), peek().kind == .word, Parser.predicateWords.contains(peek().upper) {
            advance()
            negated = true
        }
        let op = current
        guard op.kind == .word else { return left }
        switch op.upper {
        case "IN":
            advance()
            try expectSymbol("(")
            if current.isWord("SELECT") || current.isWord("WITH") {
                throw unsupported("IN with a subquery", "use LEFT SEMI JOIN (or LEFT ANTI JOIN for NOT IN) with the subquery", at: op.location)
            }
            var list: [Expr] = []
            repeat {
                list.append(try parseExpression())
            } while acceptSymbol(",")
            try expectSymbol(")")
            return .inList(left, list, negated: negated, start.location)
        case "BETWEEN":
            advance()
            let low = try parseComparison()
            try expect("AND")
            let high = try parseComparison()
            return .between(left, low: low, high: high, negated: negated, start.location)
        case "LIKE", "ILIKE":
            advance()
            if current.isWord("ANY") || current.isWord("ALL") || current.isWord("SOME"), peek().isSymbol("(") {
                throw unsupported("\(op.upper) \(current.upper) (...)", "combine single \(op.upper) predicates with OR or AND", at: op.location)
            }
            var pattern = try parseComparison()
            var escape: String?
            if accept("ESCAPE") {
                let e = try parseStringValue()
                guard e.value.count == 1 else {
                    throw SQLError("INVALID_ESC", "Found an invalid escape string: \(e.value). The escape string must contain only one character.", at: e.location)
                }
                escape = e.value
            }
            var subject = left
            if op.upper == "ILIKE" {
                // Spark's ILIKE is LIKE on lower-cased operands.
                subject = .function(name: "lower", args: [left], distinct: false, star: false, left.location)
                pattern = .function(name: "lower", args: [pattern], distinct: false, star: false, pattern.location)
            }
            return .like(subject, pattern: pattern, negated: negated, regex: false, escape: escape, start.location)
        case "RLIKE", "REGEXP":
            advance()
            let pattern = try parseComparison()
            return .like(left, pattern: pattern, negated: negated, regex: true, escape: nil, start.location)
        default:
            return left
        }
    }

    private static let comparisons: [String: BinaryOperator] = [
        "=": .equal, "==": .equal, "<>": .notEqual, "!=": .notEqual, "<": .less, "<=": .lessOrEqual,
        ">": .greater, ">=": .greaterOrEqual, "<=>": .nullSafeEqual,
    ]

    private mutating func parseComparison() throws(SQLError) -> Expr {
        var left = try parseAdditive()
        while current.kind == .symbol, let op = Parser.comparisons[current.text] {
            let token = advance()
            left = .binary(op, left, try parseAdditive(), token.location)
        }
        return left
    }

    private mutating func parseAdditive() throws(SQLError) -> Expr {
        var left = try parseMultiplicative()
        while current.kind == .symbol {
            let op: BinaryOperator
            switch current.text {
            case "+": op = .add
            case "-": op = .subtract
            case "||": op = .concat
            case "&", "|", "^":
                throw unsupported("The bitwise operator '\(current.text)'", "compute the value with arithmetic and pmod", at: current.location)
            default: return left
            }
            let token = advance()
            left = .binary(op, left, try parseMultiplicative(), token.location)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(SQLError) -> Expr {
        var left = try parseUnary()
        while true {
            let op: BinaryOperator
            if current.isSymbol("*") {
                op = .multiply
            } else if current.isSymbol("/") {
                op = .divide
            } else if current.isSymbol("%") {
                op = .modulo
            } else if current.isWord("DIV") {
                op = .intDivide
            } else {
                return left
            }
            let token = advance()
            left = .binary(op, left, try parseUnary(), token.location)
        }
    }

    private mutating func parseUnary() throws(SQLError) -> Expr {
        let token = current
        if token.isSymbol("-") {
            advance()
            if case .number(let format) = current.kind {
                let literal = try numberLiteral(advance(), format, negative: true)
                return try parsePostfix(.literal(literal, token.location))
            }
            return .unary(.negate, try parseUnary(), token.location)
        }
        if token.isSymbol("+") {
            advance()
            return .unary(.plus, try parseUnary(), token.location)
        }
        if token.isSymbol("~") {
            throw unsupported("The bitwise operator '~'", "compute the value with arithmetic", at: token.location)
        }
        let primary = try parsePrimary()
        return try parsePostfix(primary)
    }

    /// Spark's postfix forms after a primary, none of which sluice has.
    private mutating func parsePostfix(_ expr: Expr) throws(SQLError) -> Expr {
        if current.isSymbol("::") {
            throw unsupported("The :: cast", "write CAST(value AS type)", at: current.location)
        }
        if current.isSymbol("[") {
            throw unsupported("Subscripts (a[i], m['k'])", "use element_at(a, i)", at: current.location)
        }
        return expr
    }

    // MARK: Primary

    private mutating func parsePrimary() throws(SQLError) -> Expr {
        let token = current
        note("an expression", rank: 0)
        switch token.kind {
        case .number(let format):
            advance()
            return .literal(try numberLiteral(token, format, negative: false), token.location)
        case .string:
            return .literal(.string(try parseStringValue().value), token.location)
        case .quotedIdentifier:
            return try parseNameOrCall()
        case .symbol where token.text == "(":
            advance()
            if current.isWord("SELECT") || current.isWord("WITH") {
                let query = try parseQuery()
                try expectSymbol(")")
                return .subquery(query, token.location)
            }
            let inner = try parseExpression()
            if current.isSymbol(",") {
                throw unsupported("Row values ((a, b))", "compare the fields one by one, or use struct(a, b)", at: token.location)
            }
            try expectSymbol(")")
            return inner
        case .word:
            return try parseWordPrimary(token)
        default:
            throw syntaxError()
        }
    }

    private mutating func parseWordPrimary(_ token: Token) throws(SQLError) -> Expr {
        let next = peek()
        switch token.upper {
        case "NULL":
            advance()
            return .literal(.null, token.location)
        case "TRUE", "FALSE":
            advance()
            return .literal(.bool(token.upper == "TRUE"), token.location)
        case "CASE":
            return try parseCase()
        case "CAST":
            return try parseCast(isTry: false)
        case "TRY_CAST" where next.isSymbol("("):
            return try parseCast(isTry: true)
        case "DATE" where next.kind == .string:
            advance()
            return .literal(.date(try parseStringValue().value), token.location)
        case "TIMESTAMP" where next.kind == .string, "TIMESTAMP_LTZ" where next.kind == .string:
            advance()
            return .literal(.timestamp(try parseStringValue().value), token.location)
        case "TIMESTAMP_NTZ" where next.kind == .string:
            throw unsupported("TIMESTAMP_NTZ literals", "write TIMESTAMP '...'", at: token.location)
        case "X" where next.kind == .string:
            throw unsupported("Binary literals (X'...')", "write the value as a string", at: token.location)
        case "INTERVAL" where next.kind == .string || isNumber(next)
            || ((next.isSymbol("-") || next.isSymbol("+")) && isNumber(peek(2)) && isIntervalUnit(peek(3))):
            return try parseInterval()
        case "CURRENT_DATE", "CURRENT_TIMESTAMP":
            advance()
            if current.isSymbol("(") {
                advance()
                try expectSymbol(")")
            }
            return .function(name: token.text, args: [], distinct: false, star: false, token.location)
        case "EXISTS" where next.isSymbol("(") && (peek(2).isWord("SELECT") || peek(2).isWord("WITH")):
            throw unsupported("EXISTS with a subquery", "use LEFT SEMI JOIN (or LEFT ANTI JOIN for NOT EXISTS)", at: token.location)
        case "EXTRACT" where next.isSymbol("(") && peek(2).kind == .word && peek(3).isWord("FROM"):
            return try parseExtract()
        case "LEFT" where next.isSymbol("("), "RIGHT" where next.isSymbol("("):
            advance()
            return try parseCall(name: token.text, location: token.location)
        default:
            guard isName(token) else { throw syntaxError() }
            return try parseNameOrCall()
        }
    }

    private func isIntervalUnit(_ token: Token) -> Bool {
        token.kind == .word && Keywords.intervalUnit(token.text) != nil
    }

    private func isNumber(_ token: Token) -> Bool {
        if case .number = token.kind { return true }
        return false
    }

    /// A column reference (`a`, `t.a`, `` `x y` ``) or a function call (`f(...)`).
    private mutating func parseNameOrCall() throws(SQLError) -> Expr {
        let name = try parseQualifiedName("an expression")
        if current.isSymbol("(") {
            return try parseCall(name: name.description, location: name.location)
        }
        return .column(name)
    }

    /// `name(...)`, `name(*)`, `name(DISTINCT ...)`, at the opening parenthesis.
    private mutating func parseCall(name: String, location: SourceLocation) throws(SQLError) -> Expr {
        try expectSymbol("(")
        var args: [Expr] = []
        var distinct = false
        var star = false
        if current.isSymbol("*"), peek().isSymbol(")") {
            advance()
            star = true
        } else if !current.isSymbol(")") {
            if current.isWord("DISTINCT") {
                advance()
                distinct = true
            } else if current.isWord("ALL") {
                advance()
            }
            repeat {
                args.append(try parseExpression())
            } while acceptSymbol(",")
        }
        try expectSymbol(")")
        let after = current
        if after.isWord("OVER") {
            throw unsupported("Window functions (OVER)", "aggregate in a subquery and join the result back", at: after.location)
        }
        if after.isWord("FILTER"), peek().isSymbol("(") {
            throw unsupported("FILTER (WHERE ...) on an aggregate", "put the condition inside: sum(CASE WHEN cond THEN x END)", at: after.location)
        }
        if after.isWord("IGNORE") || after.isWord("RESPECT"), peek().isWord("NULLS") {
            throw unsupported("\(after.upper) NULLS", "pass it as an argument where the function has one: first(x, true)", at: after.location)
        }
        if after.isWord("WITHIN"), peek().isWord("GROUP") {
            throw unsupported("WITHIN GROUP", "use percentile(x, p) or sort in a subquery", at: after.location)
        }
        return .function(name: name, args: args, distinct: distinct, star: star, location)
    }

    private mutating func parseCase() throws(SQLError) -> Expr {
        let location = advance().location
        var operand: Expr?
        if !current.isWord("WHEN") {
            operand = try parseExpression()
        }
        var branches: [(when: Expr, then: Expr)] = []
        while accept("WHEN", rank: 0) {
            let condition = try parseExpression()
            try expect("THEN")
            branches.append((condition, try parseExpression()))
        }
        if branches.isEmpty { throw syntaxError() }
        var elseExpr: Expr?
        if accept("ELSE") {
            elseExpr = try parseExpression()
        }
        try expect("END")
        return .caseWhen(operand: operand, branches: branches, elseExpr: elseExpr, location)
    }

    private mutating func parseCast(isTry: Bool) throws(SQLError) -> Expr {
        let location = advance().location
        try expectSymbol("(")
        let value = try parseExpression()
        try expect("AS")
        let type = try parseDataType()
        try expectSymbol(")")
        return .cast(value, typeName: type, isTry: isTry, location)
    }

    /// `EXTRACT(field FROM e)`, which Spark defines as `date_part('field', e)`.
    private mutating func parseExtract() throws(SQLError) -> Expr {
        let location = advance().location
        try expectSymbol("(")
        let field = advance()
        try expect("FROM")
        let source = try parseExpression()
        try expectSymbol(")")
        return .function(name: "date_part", args: [.literal(.string(field.text), field.location), source], distinct: false, star: false, location)
    }

    /// `INTERVAL 1 DAY`, `INTERVAL '1' DAY`, `INTERVAL -2 HOURS`, `INTERVAL '3 days'`.
    private mutating func parseInterval() throws(SQLError) -> Expr {
        let location = advance().location
        let valueToken = current
        let value: Expr
        if valueToken.kind == .string {
            let text = try parseStringValue().value
            if !(current.kind == .word && Keywords.intervalUnit(current.text) != nil) {
                // The unit inside the string: INTERVAL '3 days'.
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard words.count == 2, let unit = Keywords.intervalUnit(String(words[1])) else {
                    throw unsupported("INTERVAL '\(text)'", "write one number and one unit, e.g. INTERVAL 3 DAY", at: location)
                }
                return .interval(value: .literal(.string(String(words[0])), valueToken.location), unit: unit, location)
            }
            value = .literal(.string(text), valueToken.location)
        } else {
            var negative = false
            if current.isSymbol("-") || current.isSymbol("+") {
                negative = advance().text == "-"
            }
            let number = advance()
            guard case .number(let format) = number.kind else { throw syntaxError() }
            value = .literal(try numberLiteral(number, format, negative: negative), valueToken.location)
        }
        note("an interval unit (DAY, HOUR, ...)", rank: 0)
        guard current.kind == .word, let unit = Keywords.intervalUnit(current.text) else { throw syntaxError() }
        advance()
        if current.isWord("TO") {
            throw unsupported("INTERVAL ... TO ...", "write a single unit, e.g. INTERVAL 90 MINUTE", at: current.location)
        }
        if (current.kind == .string || isNumber(current)), peek().kind == .word, Keywords.intervalUnit(peek().text) != nil {
            throw unsupported("An INTERVAL with several units", "add one INTERVAL per unit", at: current.location)
        }
        return .interval(value: value, unit: unit, location)
    }

    // MARK: Literals

    /// The value of a numeric token, with Spark's types and ranges: an integer that does
    /// not fit BIGINT is a DECIMAL in Spark and a DOUBLE in sluice; `S`, `Y` and `L` must
    /// fit their types.
    func numberLiteral(_ token: Token, _ format: NumberFormat, negative: Bool) throws(SQLError) -> Literal {
        let digits = token.text
        if format.fractional || format.suffix == .double || format.suffix == .float || format.suffix == .bigDecimal {
            let value = Double(digits) ?? .infinity
            return .double(negative ? -value : value)
        }
        let text = negative ? "-" + digits : digits
        let bounds: (type: String, min: Int64, max: Int64)?
        switch format.suffix {
        case .tiny: bounds = ("tinyint", Int64(Int8.min), Int64(Int8.max))
        case .short: bounds = ("smallint", Int64(Int16.min), Int64(Int16.max))
        case .long: bounds = ("bigint", Int64.min, Int64.max)
        default: bounds = nil
        }
        if let value = Int64(text), value >= (bounds?.min ?? .min), value <= (bounds?.max ?? .max) {
            return .integer(value)
        }
        if let bounds {
            throw SQLError("INVALID_NUMERIC_LITERAL_RANGE",
                           "Numeric literal \(text) is outside the valid range for \(bounds.type) with minimum value of \(bounds.min) and maximum value of \(bounds.max). Please adjust the value accordingly.",
                           at: token.location)
        }
        let value = Double(digits) ?? .infinity
        return .double(negative ? -value : value)
    }
}
