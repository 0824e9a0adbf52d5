/// Renders sluice's syntax tree back into Spark SQL text: the text that `sluice explain
/// --spark` prints, and that sluice's own parser reads back into the same tree.
///
/// The layout is for people: one statement per block, ending with `;`; each clause on a
/// line of its own; a SELECT list on one line when it fits in ``width`` columns, else one
/// item per line; nested queries indented by two spaces. Parentheses in expressions are
/// written where precedence needs them (and around a comparison inside a predicate, where
/// a reader would want them), since the tree does not keep the ones the job had.
///
/// Names are backquoted when they are not plain ASCII words or when they are keywords that
/// sluice or Spark (in either of its parser modes) reserves; strings are single-quoted with
/// Spark's backslash escapes, which sluice reads the same way.
///
/// ```
/// Statement ─┬─ SET / CREATE / INSERT header lines
///            └─ Query ── WITH ctes ── body ── ORDER BY ── LIMIT
///                                      │
///                      select | body UNION [ALL] body | ( query )
///                        │
///                      SELECT items / FROM refs / WHERE / GROUP BY / HAVING / DISTRIBUTE BY
/// ```
public struct SQLPrinter: Sendable {
    /// Lines that would be longer than this are broken: a SELECT list goes one item per
    /// line, a long WHERE or HAVING one conjunct per line.
    public var width: Int

    /// A printer that breaks lines longer than `width` columns.
    public init(width: Int = 80) {
        self.width = width
    }

    // MARK: Scripts and statements

    /// A whole script: statements in blank-line separated blocks (consecutive SETs stay
    /// together), each ending with `;`, and a final newline.
    public func render(_ statements: [Statement]) -> String {
        var out = ""
        var previousWasSet = false
        for (index, statement) in statements.enumerated() {
            var isSet = false
            if case .set = statement { isSet = true }
            if index > 0 { out += isSet && previousWasSet ? "\n" : "\n\n" }
            out += render(statement)
            previousWasSet = isSet
        }
        return out.isEmpty ? "" : out + "\n"
    }

    /// One statement, ending with `;`.
    public func render(_ statement: Statement) -> String {
        lines(statement).joined(separator: "\n") + ";"
    }

    /// One query, without a final `;`.
    public func render(_ query: Query) -> String {
        lines(query).joined(separator: "\n")
    }

    func lines(_ statement: Statement) -> [String] {
        switch statement {
        case .set(let key, let value, _):
            return [SQLPrinter.setText(key: key, value: value)]
        case .createSourceView(let v):
            var head = "CREATE \(v.orReplace ? "OR REPLACE " : "")TEMPORARY VIEW \(name(v.name))"
            if !v.columns.isEmpty { head += " " + columnList(v.columns) }
            var out = [head + " USING \(v.format)"]
            if !v.options.entries.isEmpty { out.append("  OPTIONS " + options(v.options)) }
            return out
        case .createQueryView(let viewName, let query, let orReplace, _):
            let head = "CREATE \(orReplace ? "OR REPLACE " : "")TEMPORARY VIEW \(name(viewName))"
            // `v (a, b) AS q` is parsed as a WITH query named after the view; write it back
            // the way it was written.
            if let (aliases, inner) = SQLPrinter.renamingView(viewName, query) {
                return [head + " (" + aliases.map(SQLPrinter.identifier).joined(separator: ", ") + ") AS"] + lines(inner)
            }
            return [head + " AS"] + lines(query)
        case .createTable(let t):
            var head = "CREATE TABLE \(t.ifNotExists ? "IF NOT EXISTS " : "")\(name(t.name))"
            if !t.columns.isEmpty { head += " " + columnList(t.columns) }
            var out = [head, "  USING \(t.format)"]
            if !t.partitionedBy.isEmpty { out.append("  PARTITIONED BY " + columnList(t.partitionedBy)) }
            if let path = t.path { out.append("  LOCATION " + SQLPrinter.stringLiteral(path)) }
            if !t.options.entries.isEmpty { out.append("  OPTIONS " + options(t.options)) }
            return out
        case .insertTable(let i):
            var head = "INSERT \(i.overwrite ? "OVERWRITE" : "INTO") TABLE \(name(i.table))"
            if let partition = i.partition {
                head += " PARTITION (" + partition.map { entry in
                    SQLPrinter.identifier(entry.column) + (entry.value.map { "=" + render($0) } ?? "")
                }.joined(separator: ", ") + ")"
            }
            return [head] + lines(i.query)
        case .insertDirectory(let d):
            var out = ["INSERT OVERWRITE DIRECTORY \(SQLPrinter.stringLiteral(d.path)) USING \(d.format)"]
            if !d.options.entries.isEmpty { out.append("  OPTIONS " + options(d.options)) }
            return out + lines(d.query)
        case .query(let q):
            return lines(q)
        }
    }

    /// `SET key=value`: a key of Spark's unquoted form as is, any other in backquotes; a
    /// value in backquotes when it holds what would end or change the statement (`;`,
    /// quotes, comment marks, surrounding blanks), as Spark's `SET key=\`value\``.
    static func setText(key: String, value: String?) -> String {
        if key.isEmpty, value == nil { return "SET" }
        let plainKey = key == "-v" || (!key.isEmpty && key.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "." || c == ":" || c == "\\"
        })
        let keyText = plainKey ? key : "`" + key.replacing("`", with: "``") + "`"
        guard let value else { return "SET \(keyText)" }
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let needsQuotes = value.contains(";") || value.contains("'") || value.contains("\"") || value.contains("--")
            || value.contains("/*") || value.first.map(blank) == true || value.last.map(blank) == true
        if needsQuotes, !value.contains("`") { return "SET \(keyText)=`\(value)`" }
        return "SET \(keyText)=\(value)"
    }

    /// The column aliases and query of a view written `CREATE TEMPORARY VIEW v (a, b) AS q`,
    /// which the parser turns into `WITH v (a, b) AS (q) SELECT * FROM v`.
    static func renamingView(_ view: Identifier, _ query: Query) -> ([String], Query)? {
        guard query.with.count == 1, let cte = query.with.first, !cte.columnAliases.isEmpty,
              cte.name.parts == view.parts, query.orderBy.isEmpty, query.limit == nil,
              case .select(let s) = query.body, !s.distinct, s.items.count == 1,
              case .star(nil, _) = s.items[0], case .named(let source, nil)? = s.from, source.parts == view.parts,
              s.whereClause == nil, s.groupBy.isEmpty, s.having == nil, s.distributeBy.isEmpty else { return nil }
        return (cte.columnAliases, cte.query)
    }

    func columnList(_ columns: [ColumnDefinition]) -> String {
        let items = columns.map { c in c.typeName.isEmpty ? SQLPrinter.identifier(c.name) : "\(SQLPrinter.identifier(c.name)) \(c.typeName)" }
        return "(" + items.joined(separator: ", ") + ")"
    }

    /// `(key 'value', ...)`: every value as a string, which Spark and sluice both accept for
    /// every option; a key that is not a dotted run of plain words as a string too.
    func options(_ list: OptionList) -> String {
        let items = list.entries.map { entry -> String in
            let parts = entry.key.split(separator: ".", omittingEmptySubsequences: false)
            let plain = parts.allSatisfy { SQLPrinter.isPlainWord($0) && !SQLPrinter.quotedWords.contains($0.uppercased()) }
            return (plain ? entry.key : SQLPrinter.stringLiteral(entry.key)) + " " + SQLPrinter.stringLiteral(entry.value)
        }
        return "(" + items.joined(separator: ", ") + ")"
    }

    func name(_ id: Identifier) -> String {
        id.parts.map(SQLPrinter.identifier).joined(separator: ".")
    }

    // MARK: Queries

    func lines(_ query: Query) -> [String] {
        var out: [String] = []
        for (index, cte) in query.with.enumerated() {
            var head = (index == 0 ? "WITH " : "") + name(cte.name)
            if !cte.columnAliases.isEmpty {
                head += " (" + cte.columnAliases.map(SQLPrinter.identifier).joined(separator: ", ") + ")"
            }
            out.append(head + " AS (")
            out += indented(lines(cte.query))
            out.append(index == query.with.count - 1 ? ")" : "),")
        }
        // DISTRIBUTE BY belongs to the SELECT, ORDER BY to the query; sluice's parser does
        // not take both at one level, so such a SELECT goes in parentheses.
        if case .select(let s) = query.body, !s.distributeBy.isEmpty, !query.orderBy.isEmpty {
            out += parenthesized(lines(s))
        } else {
            out += lines(query.body, operand: false)
        }
        if !query.orderBy.isEmpty {
            out.append("ORDER BY " + query.orderBy.map(orderItem).joined(separator: ", "))
        }
        if let limit = query.limit {
            out.append("LIMIT " + render(limit))
        }
        return out
    }

    /// A query body; as an operand of UNION, anything but a plain SELECT goes in
    /// parentheses (a left-hand UNION does not: UNION is left-associative).
    func lines(_ body: QueryBody, operand: Bool) -> [String] {
        switch body {
        case .select(let s):
            return operand && !s.distributeBy.isEmpty ? parenthesized(lines(s)) : lines(s)
        case .union(let left, let right, let all, _):
            var leftLines: [String]
            if case .union = left { leftLines = lines(left, operand: false) } else { leftLines = lines(left, operand: true) }
            let rightLines: [String]
            if case .union = right { rightLines = parenthesized(lines(right, operand: false)) } else { rightLines = lines(right, operand: true) }
            leftLines.append(all ? "UNION ALL" : "UNION")
            return leftLines + rightLines
        case .nested(let q):
            return parenthesized(lines(q))
        }
    }

    func lines(_ s: Select) -> [String] {
        var out: [String] = []
        let head = s.distinct ? "SELECT DISTINCT" : "SELECT"
        let items = s.items.map(selectItem)
        let oneLine = head + " " + items.map { $0[0] }.joined(separator: ", ")
        if items.allSatisfy({ $0.count == 1 }), items.count == 1 || oneLine.count <= width {
            out.append(oneLine)
        } else {
            out.append(head)
            for (index, item) in items.enumerated() {
                var itemLines = item
                if index < items.count - 1 { itemLines[itemLines.count - 1] += "," }
                out += indented(itemLines)
            }
        }
        if let from = s.from {
            out += prefixed("FROM ", lines(from))
        }
        if let condition = s.whereClause {
            out += conditionLines("WHERE", condition)
        }
        if !s.groupBy.isEmpty {
            out.append("GROUP BY " + s.groupBy.map(render).joined(separator: ", "))
        }
        if let having = s.having {
            out += conditionLines("HAVING", having)
        }
        if !s.distributeBy.isEmpty {
            out.append("DISTRIBUTE BY " + s.distributeBy.map(render).joined(separator: ", "))
        }
        return out
    }

    func selectItem(_ item: SelectItem) -> [String] {
        switch item {
        case .star(let qualifier, _):
            // The qualifier is one name to the binder (an alias, a view, or a path).
            return [qualifier.map { SQLPrinter.identifier($0) + ".*" } ?? "*"]
        case .expr(let e, let alias):
            var out = expressionLines(e)
            if let alias { out[out.count - 1] += " AS " + SQLPrinter.identifier(alias) }
            return out
        }
    }

    /// `WHERE e` on one line, or, when too long, one conjunct of its top-level AND per line.
    func conditionLines(_ keyword: String, _ condition: Expr) -> [String] {
        let flat = keyword + " " + render(condition)
        let conjuncts = SQLPrinter.conjuncts(condition)
        guard flat.count > width, conjuncts.count > 1 else { return [flat] }
        return [keyword + " " + expression(conjuncts[0], above: Level.not)]
            + conjuncts.dropFirst().map { "  AND " + expression($0, above: Level.not) }
    }

    static func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let left, let right, _) = e { return conjuncts(left) + [right] }
        return [e]
    }

    func orderItem(_ item: OrderItem) -> String {
        var text = render(item.expr)
        if !item.ascending { text += " DESC" }
        if let nullsFirst = item.nullsFirst { text += nullsFirst ? " NULLS FIRST" : " NULLS LAST" }
        return text
    }

    // MARK: FROM

    func lines(_ ref: TableRef) -> [String] {
        func aliased(_ alias: String?) -> String { alias.map { " AS " + SQLPrinter.identifier($0) } ?? "" }
        switch ref {
        case .named(let id, let alias):
            return [name(id) + aliased(alias)]
        case .path(let format, let path, let alias, _):
            return ["\(format).`\(path.replacing("`", with: "``"))`" + aliased(alias)]
        case .subquery(let q, let alias, _):
            var out = parenthesized(lines(q))
            out[out.count - 1] += aliased(alias)
            return out
        case .join(let left, let right, let kind, let condition, _):
            var rightLines: [String]
            if case .join = right {
                rightLines = ["(" + SQLPrinter.flatten(lines(right)) + ")"]
            } else {
                rightLines = lines(right)
            }
            rightLines[0] = SQLPrinter.joinKeyword(kind) + " " + rightLines[0]
            switch condition {
            case .on(let e): rightLines[rightLines.count - 1] += " ON " + render(e)
            case .using(let columns): rightLines[rightLines.count - 1] += " USING (" + columns.map(SQLPrinter.identifier).joined(separator: ", ") + ")"
            case .none: break
            }
            return lines(left) + rightLines
        }
    }

    static func joinKeyword(_ kind: JoinKind) -> String {
        switch kind {
        case .inner: return "JOIN"
        case .left: return "LEFT JOIN"
        case .right: return "RIGHT JOIN"
        case .full: return "FULL JOIN"
        case .cross: return "CROSS JOIN"
        case .leftSemi: return "LEFT SEMI JOIN"
        case .leftAnti: return "LEFT ANTI JOIN"
        }
    }

    // MARK: Layout

    func indented(_ lines: [String]) -> [String] {
        lines.map { "  " + $0 }
    }

    func parenthesized(_ lines: [String]) -> [String] {
        ["("] + indented(lines) + [")"]
    }

    func prefixed(_ prefix: String, _ lines: [String]) -> [String] {
        var out = lines
        out[0] = prefix + out[0]
        return out
    }

    /// Lines joined into one: the indentation dropped, no space after `(` or before `)`.
    static func flatten(_ lines: [String]) -> String {
        var out = ""
        for line in lines {
            let text = line.drop(while: { $0 == " " })
            if !out.isEmpty, !out.hasSuffix("("), !text.hasPrefix(")") { out += " " }
            out += text
        }
        return out
    }
}
