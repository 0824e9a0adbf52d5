/// Expressions, literals and names as Spark SQL text.
///
/// Precedence, loosest first, as sluice's parser and Spark's grammar share it:
///
/// ```
/// 1 OR   2 AND   3 NOT   4 predicate (IS NULL, IN, BETWEEN, LIKE, RLIKE)
/// 5 comparison   6 + - ||   7 * / % DIV   8 unary - +   9 primary
/// ```
///
/// A binary operator's left operand may sit at its own level (the operators are
/// left-associative), its right operand must bind tighter; anything looser is put in
/// parentheses.
extension SQLPrinter {
    enum Level {
        static let or = 1, and = 2, not = 3, predicate = 4, comparison = 5, additive = 6, multiplicative = 7, unary = 8, primary = 9
    }

    /// One expression on one line.
    public func render(_ e: Expr) -> String {
        expression(e, above: 0)
    }

    /// `e`, in parentheses unless it binds at least as tightly as `level`.
    func expression(_ e: Expr, above level: Int) -> String {
        let text = bare(e)
        return SQLPrinter.level(of: e) < level ? "(" + text + ")" : text
    }

    static func level(of e: Expr) -> Int {
        switch e {
        case .binary(let op, _, _, _): return level(of: op)
        case .unary(.not, _, _): return Level.not
        case .unary: return Level.unary
        case .isNull, .inList, .between, .like: return Level.predicate
        case .literal, .column, .function, .cast, .caseWhen, .interval, .subquery: return Level.primary
        }
    }

    static func level(of op: BinaryOperator) -> Int {
        switch op {
        case .or: return Level.or
        case .and: return Level.and
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .nullSafeEqual: return Level.comparison
        case .add, .subtract, .concat: return Level.additive
        case .multiply, .divide, .modulo, .intDivide: return Level.multiplicative
        }
    }

    private func bare(_ e: Expr) -> String {
        switch e {
        case .literal(let literal, _):
            return SQLPrinter.literal(literal)
        case .column(let id):
            return name(id)
        case .unary(.not, let operand, _):
            return "NOT " + expression(operand, above: Level.not)
        case .unary(let op, let operand, _):
            // `--` would start a comment, and `-5` would be a literal rather than a minus
            // applied to 5 (whose column name differs).
            var text = expression(operand, above: Level.unary)
            if let first = text.first, first == "-" || first == "+" || first == "." || first.isASCII && first.isNumber {
                text = "(" + text + ")"
            }
            return op.rawValue + text
        case .binary(let op, let left, let right, _):
            let level = SQLPrinter.level(of: op)
            // A comparison inside a comparison is legal without parentheses, but rarely
            // what a reader expects: write them.
            let leftLevel = level == Level.comparison ? Level.additive : level
            let symbol = op == .intDivide ? "DIV" : op.rawValue
            return expression(left, above: leftLevel) + " " + symbol + " " + expression(right, above: level + 1)
        case .function(let fname, let args, let distinct, let star, _):
            let upper = fname.uppercased()
            if (upper == "CURRENT_DATE" || upper == "CURRENT_TIMESTAMP"), args.isEmpty, !star {
                // Without parentheses: Spark's parser reserves these words in ANSI mode.
                return fname
            }
            if star { return SQLPrinter.functionName(fname) + "(*)" }
            return SQLPrinter.functionName(fname) + "(" + (distinct ? "DISTINCT " : "") + args.map(render).joined(separator: ", ") + ")"
        case .cast(let value, let typeName, let isTry, _):
            return (isTry ? "TRY_CAST(" : "CAST(") + render(value) + " AS " + typeName + ")"
        case .caseWhen(let operand, let branches, let elseExpr, _):
            var text = "CASE"
            if let operand { text += " " + render(operand) }
            for branch in branches { text += " WHEN " + render(branch.when) + " THEN " + render(branch.then) }
            if let elseExpr { text += " ELSE " + render(elseExpr) }
            return text + " END"
        case .isNull(let value, let negated, _):
            return predicateOperand(value) + (negated ? " IS NOT NULL" : " IS NULL")
        case .inList(let value, let list, let negated, _):
            return predicateOperand(value) + (negated ? " NOT IN (" : " IN (") + list.map(render).joined(separator: ", ") + ")"
        case .between(let value, let low, let high, let negated, _):
            return predicateOperand(value) + (negated ? " NOT BETWEEN " : " BETWEEN ") + predicateOperand(low) + " AND " + predicateOperand(high)
        case .like(let value, let pattern, let negated, let regex, let escape, _):
            var text = predicateOperand(value) + (negated ? " NOT" : "") + (regex ? " RLIKE " : " LIKE ") + predicateOperand(pattern)
            if let escape, !regex { text += " ESCAPE " + SQLPrinter.stringLiteral(escape) }
            return text
        case .interval(let value, let unit, _):
            return "INTERVAL " + intervalValue(value) + " " + unit
        case .subquery(let query, _):
            return "(" + SQLPrinter.flatten(lines(query)) + ")"
        }
    }

    /// The subject or bound of a predicate: a comparison there goes in parentheses, for the
    /// reader (`(a = b) IS NULL`).
    private func predicateOperand(_ e: Expr) -> String {
        expression(e, above: Level.additive)
    }

    /// `1`, `-3`, `'2'`: an interval's number is written without the `D` of a double
    /// literal, which Spark's interval syntax does not take.
    private func intervalValue(_ value: Expr) -> String {
        switch value {
        case .literal(.integer(let n), _): return String(n)
        case .literal(.double(let d), _) where d.isFinite: return "\(d)"
        case .literal(.string(let s), _): return SQLPrinter.stringLiteral(s)
        default: return expression(value, above: Level.primary)
        }
    }

    /// A CASE with several branches, one per line, for a SELECT list; anything else on one.
    func expressionLines(_ e: Expr) -> [String] {
        guard case .caseWhen(let operand, let branches, let elseExpr, _) = e, branches.count > 1 else { return [render(e)] }
        var out = ["CASE" + (operand.map { " " + render($0) } ?? "")]
        for branch in branches { out.append("  WHEN " + render(branch.when) + " THEN " + render(branch.then)) }
        if let elseExpr { out.append("  ELSE " + render(elseExpr)) }
        out.append("END")
        return out
    }

    // MARK: Literals

    /// A literal as Spark reads it with the same type and value: integers as written
    /// (Spark types them INT or BIGINT by size, as sluice does), doubles with Spark's `D`
    /// suffix (a plain `1.5` is a DECIMAL in Spark), NaN and infinities as casts.
    static func literal(_ literal: Literal) -> String {
        switch literal {
        case .null: return "NULL"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .integer(let n): return String(n)
        case .double(let d):
            if d.isNaN { return "CAST('NaN' AS DOUBLE)" }
            if d.isInfinite { return d < 0 ? "CAST('-Infinity' AS DOUBLE)" : "CAST('Infinity' AS DOUBLE)" }
            return "\(d)D"
        case .string(let s): return stringLiteral(s)
        case .date(let s): return "DATE " + stringLiteral(s)
        case .timestamp(let s): return "TIMESTAMP " + stringLiteral(s)
        }
    }

    /// `'text'` with Spark's escapes: `\\`, `\'`, `\n`, `\t`, `\r`, and `\uXXXX` for other
    /// control characters. A backslash before `%` or `_` stays single: both Spark and
    /// sluice keep `\%` and `\_` whole for LIKE.
    public static func stringLiteral(_ s: String) -> String {
        var out = "'"
        let scalars = Array(s.unicodeScalars)
        for (index, c) in scalars.enumerated() {
            switch c {
            case "\\":
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                out += next == "%" || next == "_" ? "\\" : "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let hex = String(c.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "'"
    }

    // MARK: Names

    /// A name as is when it is a plain ASCII word that no parser reserves, else in
    /// backquotes (with a backquote doubled).
    public static func identifier(_ name: String) -> String {
        if isPlainWord(name), !quotedWords.contains(name.uppercased()) { return name }
        return "`" + name.replacing("`", with: "``") + "`"
    }

    /// A function name: `left` and `right` stay bare (both grammars take them before `(`),
    /// other reserved words and odd names go in backquotes, part by part when qualified.
    static func functionName(_ name: String) -> String {
        if isPlainWord(name) {
            let upper = name.uppercased()
            return upper == "LEFT" || upper == "RIGHT" || !quotedWords.contains(upper) ? name : "`" + name + "`"
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.allSatisfy(isPlainWord) { return parts.map { identifier(String($0)) }.joined(separator: ".") }
        return "`" + name.replacing("`", with: "``") + "`"
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    static func isPlainWord<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { c in
            c == "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
        }
    }

    /// Words written in backquotes when they are names: sluice's reserved words, the words
    /// Spark reserves in ANSI mode (Spark 3.0 to 3.2 enforce them whenever
    /// `spark.sql.ansi.enabled` is on, which the exported script sets), the words its
    /// default mode keeps from being aliases, and INTERVAL, which starts a literal.
    static let quotedWords: Set<String> = Keywords.reserved.union([
        "ALL", "AND", "ANTI", "ANY", "AS", "AUTHORIZATION", "BOTH", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN",
        "CONSTRAINT", "CREATE", "CROSS", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER",
        "DISTINCT", "ELSE", "END", "ESCAPE", "EXCEPT", "FALSE", "FETCH", "FILTER", "FOR", "FOREIGN", "FROM", "FULL",
        "GRANT", "GROUP", "HAVING", "IN", "INNER", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN", "LATERAL", "LEADING",
        "LEFT", "MINUS", "NATURAL", "NOT", "NULL", "OFFSET", "ON", "ONLY", "OR", "ORDER", "OUTER", "OVERLAPS",
        "PRIMARY", "REFERENCES", "RIGHT", "SELECT", "SEMI", "SESSION_USER", "SETMINUS", "SOME", "TABLE", "THEN",
        "TIME", "TO", "TRAILING", "TRUE", "UNION", "UNIQUE", "UNKNOWN", "USER", "USING", "WHEN", "WHERE", "WITH",
    ])
}
