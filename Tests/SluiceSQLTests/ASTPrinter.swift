@testable import SluiceSQL

/// Renders syntax trees in one canonical, fully parenthesized form, so tests can assert a
/// whole tree as one string: `(a + (b * 2))`, `SELECT a FROM t WHERE (a > 1)`.
enum ASTPrinter {
    static func render(_ e: Expr) -> String {
        switch e {
        case .literal(let l, _):
            return render(l)
        case .column(let id):
            return name(id)
        case .unary(let op, let operand, _):
            return "(\(op.rawValue) \(render(operand)))"
        case .binary(let op, let l, let r, _):
            return "(\(render(l)) \(op.rawValue) \(render(r)))"
        case .function(let fname, let args, let distinct, let star, _):
            if star { return "\(fname)(*)" }
            return "\(fname)(\(distinct ? "DISTINCT " : "")\(args.map(render).joined(separator: ", ")))"
        case .cast(let value, let type, let isTry, _):
            return "\(isTry ? "TRY_CAST" : "CAST")(\(render(value)) AS \(type))"
        case .caseWhen(let operand, let branches, let elseExpr, _):
            var s = "CASE"
            if let operand { s += " " + render(operand) }
            for b in branches { s += " WHEN \(render(b.when)) THEN \(render(b.then))" }
            if let elseExpr { s += " ELSE " + render(elseExpr) }
            return s + " END"
        case .isNull(let value, let negated, _):
            return "(\(render(value)) IS \(negated ? "NOT " : "")NULL)"
        case .inList(let value, let list, let negated, _):
            return "(\(render(value)) \(negated ? "NOT " : "")IN (\(list.map(render).joined(separator: ", "))))"
        case .between(let value, let low, let high, let negated, _):
            return "(\(render(value)) \(negated ? "NOT " : "")BETWEEN \(render(low)) AND \(render(high)))"
        case .like(let value, let pattern, let negated, let regex, let escape, _):
            var s = "(\(render(value)) \(negated ? "NOT " : "")\(regex ? "RLIKE" : "LIKE") \(render(pattern))"
            if let escape { s += " ESCAPE '\(escape)'" }
            return s + ")"
        case .interval(let value, let unit, _):
            return "INTERVAL \(render(value)) \(unit)"
        case .subquery(let q, _):
            return "(\(render(q)))"
        }
    }

    static func render(_ l: Literal) -> String {
        switch l {
        case .null: return "NULL"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .integer(let i): return "\(i)"
        case .double(let d): return "\(d)D"
        case .string(let s): return quote(s)
        case .date(let s): return "DATE \(quote(s))"
        case .timestamp(let s): return "TIMESTAMP \(quote(s))"
        }
    }

    static func quote(_ s: String) -> String {
        "'" + s.replacingOccurrences("'", "''") + "'"
    }

    static func name(_ id: Identifier) -> String {
        id.parts.map(namePart).joined(separator: ".")
    }

    static func namePart(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
        return plain ? s : "`" + s.replacingOccurrences("`", "``") + "`"
    }

    static func render(_ q: Query) -> String {
        var parts: [String] = []
        if !q.with.isEmpty {
            let ctes = q.with.map { cte in
                let aliases = cte.columnAliases.isEmpty ? "" : "(\(cte.columnAliases.joined(separator: ", ")))"
                return "\(name(cte.name))\(aliases) AS (\(render(cte.query)))"
            }
            parts.append("WITH " + ctes.joined(separator: ", "))
        }
        parts.append(render(q.body))
        if !q.orderBy.isEmpty {
            let items = q.orderBy.map { item in
                var s = render(item.expr) + (item.ascending ? " ASC" : " DESC")
                if let nf = item.nullsFirst { s += nf ? " NULLS FIRST" : " NULLS LAST" }
                return s
            }
            parts.append("ORDER BY " + items.joined(separator: ", "))
        }
        if let limit = q.limit { parts.append("LIMIT " + render(limit)) }
        return parts.joined(separator: " ")
    }

    static func render(_ body: QueryBody) -> String {
        switch body {
        case .select(let s): return render(s)
        case .union(let l, let r, let all, _): return "(\(render(l)) UNION \(all ? "ALL" : "DISTINCT") \(render(r)))"
        case .nested(let q): return "(\(render(q)))"
        }
    }

    static func render(_ s: Select) -> String {
        var out = "SELECT " + (s.distinct ? "DISTINCT " : "")
        out += s.items.map { item in
            switch item {
            case .star(let qualifier, _): return qualifier.map { "\($0).*" } ?? "*"
            case .expr(let e, let alias): return render(e) + (alias.map { " AS \(namePart($0))" } ?? "")
            }
        }.joined(separator: ", ")
        if let from = s.from { out += " FROM " + render(from) }
        if let w = s.whereClause { out += " WHERE " + render(w) }
        if !s.groupBy.isEmpty { out += " GROUP BY " + s.groupBy.map(render).joined(separator: ", ") }
        if let h = s.having { out += " HAVING " + render(h) }
        if !s.distributeBy.isEmpty { out += " DISTRIBUTE BY " + s.distributeBy.map(render).joined(separator: ", ") }
        return out
    }

    static func render(_ ref: TableRef) -> String {
        func aliased(_ s: String, _ alias: String?) -> String { alias.map { "\(s) AS \(namePart($0))" } ?? s }
        switch ref {
        case .named(let id, let alias): return aliased(name(id), alias)
        case .path(let format, let path, let alias, _): return aliased("\(format).`\(path)`", alias)
        case .subquery(let q, let alias, _): return aliased("(\(render(q)))", alias)
        case .join(let l, let r, let kind, let condition, _):
            let op = kind == .inner ? "JOIN" : "\(kind.rawValue) JOIN"
            var s = "(\(render(l)) \(op) \(render(r))"
            switch condition {
            case .on(let e): s += " ON " + render(e)
            case .using(let cols): s += " USING (\(cols.joined(separator: ", ")))"
            case .none: break
            }
            return s + ")"
        }
    }

    static func render(_ options: OptionList) -> String {
        "(" + options.entries.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
    }

    static func render(_ columns: [ColumnDefinition]) -> String {
        columns.map { $0.typeName.isEmpty ? $0.name : "\($0.name) \($0.typeName)" }.joined(separator: ", ")
    }

    static func render(_ statement: Statement) -> String {
        switch statement {
        case .set(let key, let value, _):
            return value.map { "SET \(key)=\($0)" } ?? "SET \(key)"
        case .createSourceView(let v):
            var s = "CREATE \(v.orReplace ? "OR REPLACE " : "")TEMPORARY VIEW \(name(v.name))"
            if !v.columns.isEmpty { s += " (\(render(v.columns)))" }
            s += " USING \(v.format)"
            if !v.options.entries.isEmpty { s += " OPTIONS \(render(v.options))" }
            return s
        case .createQueryView(let n, let q, let orReplace, _):
            return "CREATE \(orReplace ? "OR REPLACE " : "")TEMPORARY VIEW \(name(n)) AS \(render(q))"
        case .createTable(let t):
            var s = "CREATE TABLE \(t.ifNotExists ? "IF NOT EXISTS " : "")\(name(t.name))"
            if !t.columns.isEmpty { s += " (\(render(t.columns)))" }
            s += " USING \(t.format)"
            if !t.partitionedBy.isEmpty { s += " PARTITIONED BY (\(render(t.partitionedBy)))" }
            if let path = t.path { s += " LOCATION \(quote(path))" }
            if !t.options.entries.isEmpty { s += " OPTIONS \(render(t.options))" }
            return s
        case .insertTable(let i):
            var s = "INSERT \(i.overwrite ? "OVERWRITE" : "INTO") \(name(i.table))"
            if let partition = i.partition {
                s += " PARTITION (" + partition.map { entry in entry.value.map { "\(entry.column)=\(render($0))" } ?? entry.column }.joined(separator: ", ") + ")"
            }
            return s + " " + render(i.query)
        case .insertDirectory(let d):
            var s = "INSERT OVERWRITE DIRECTORY \(quote(d.path)) USING \(d.format)"
            if !d.options.entries.isEmpty { s += " OPTIONS \(render(d.options))" }
            return s + " " + render(d.query)
        case .query(let q):
            return render(q)
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}

// MARK: Helpers

/// A place in SQL text (`SourceLocation` alone is ambiguous next to Swift Testing's).
func sqlLoc(_ line: Int, _ column: Int) -> SluiceSQL.SourceLocation { SluiceSQL.SourceLocation(line: line, column: column) }

/// The canonical form of one expression.
func sqlExpr(_ text: String) throws -> String { ASTPrinter.render(try parseExpression(text)) }

/// The canonical form of one query.
func sqlQuery(_ text: String) throws -> String { ASTPrinter.render(try parseQuery(text)) }

/// The canonical form of each statement of a script.
func sqlScript(_ text: String) throws -> [String] { try parseScript(text).map(ASTPrinter.render) }

/// The full text of the error a parse throws (`[CLASS] message (line L, column C)`), or
/// "no error".
func parseFailure<T>(_ parse: (String) throws(SQLError) -> T, _ text: String) -> String {
    do {
        _ = try parse(text)
        return "no error"
    } catch {
        return error.description
    }
}

func parseScriptError(_ text: String) -> String { parseFailure(parseScript, text) }
func parseQueryError(_ text: String) -> String { parseFailure(parseQuery, text) }
func parseExprError(_ text: String) -> String { parseFailure(parseExpression, text) }
