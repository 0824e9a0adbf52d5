/// The tree rewrite behind ``SparkExport``: one walk over each statement that turns path
/// sources into views, makes paths absolute, types portable and CSV options explicit.
final class PortableRewriter {
    let export: SparkExport
    /// Names the job gives or reads tables, views and WITH queries by, lower-cased, plus the
    /// views made so far: a new view must take none of them.
    private var taken: Set<String>
    /// The view made for each path source, by absolute path.
    private var views: [String: String] = [:]
    /// Views made since the last ``takeNewViews()``.
    private var newViews: [Statement] = []

    init(export: SparkExport, taken: Set<String>) {
        self.export = export
        self.taken = taken
    }

    /// The CREATE statements of the views the last statement needs, to go before it.
    func takeNewViews() -> [Statement] {
        defer { newViews = [] }
        return newViews
    }

    // MARK: Statements

    func statement(_ statement: Statement) -> Statement {
        switch statement {
        case .set:
            return statement
        case .createSourceView(var v):
            // `schema` is DataFrameReader's, not an option of Spark's SQL data sources: a
            // view takes its schema as a column list.
            if v.columns.isEmpty, let i = v.options.entries.firstIndex(where: { $0.key.lowercased() == "schema" }),
               let columns = try? parseColumnList(v.options.entries[i].value) {
                v.columns = columns
                v.options.entries.remove(at: i)
            }
            v.columns = v.columns.map(column)
            v.options = export.options(v.options, adding: v.format == "csv" ? SparkExport.sourceDefaults : [], at: v.location)
            return .createSourceView(v)
        case .createQueryView(let name, let q, let orReplace, let location):
            return .createQueryView(name: name, query: query(q), orReplace: orReplace, location: location)
        case .createTable(var t):
            var columns = t.columns.map(column)
            if !columns.isEmpty {
                // Hive's `PARTITIONED BY (dt DATE)` adds a column; Spark's data source
                // tables name it in the column list and only its name in PARTITIONED BY.
                for p in t.partitionedBy where !p.typeName.isEmpty && !columns.contains(where: { $0.name.lowercased() == p.name.lowercased() }) {
                    columns.append(column(p))
                }
                t.partitionedBy = t.partitionedBy.map { ColumnDefinition(name: $0.name, typeName: "", location: $0.location) }
            } else {
                t.partitionedBy = t.partitionedBy.map(column)
            }
            t.columns = columns
            t.path = t.path.map(export.absolute)
            t.options = export.options(t.options, adding: t.format == "csv" ? SparkExport.sourceDefaults + SparkExport.sinkDefaults : [], at: t.location)
            return .createTable(t)
        case .insertTable(var i):
            i.query = query(i.query)
            return .insertTable(i)
        case .insertDirectory(var d):
            d.path = export.absolute(d.path)
            d.options = export.options(d.options, adding: d.format == "csv" ? SparkExport.sinkDefaults : [], at: d.location)
            d.query = query(d.query)
            return .insertDirectory(d)
        case .query(let q):
            return .query(query(q))
        }
    }

    private func column(_ c: ColumnDefinition) -> ColumnDefinition {
        ColumnDefinition(name: c.name, typeName: SparkExport.portableType(c.typeName), location: c.location)
    }

    // MARK: Queries

    func query(_ q: Query) -> Query {
        Query(with: q.with.map { CommonTableExpression(name: $0.name, columnAliases: $0.columnAliases, query: query($0.query)) },
              body: body(q.body),
              orderBy: q.orderBy.map { OrderItem(expr: expr($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) },
              limit: q.limit.map(expr), location: q.location)
    }

    private func body(_ b: QueryBody) -> QueryBody {
        switch b {
        case .select(let s): return .select(select(s))
        case .union(let left, let right, let all, let location): return .union(body(left), body(right), all: all, location: location)
        case .nested(let q): return .nested(query(q))
        }
    }

    private func select(_ s: Select) -> Select {
        let items = s.items.map { item -> SelectItem in
            if case .expr(let e, let alias) = item { return .expr(expr(e), alias: alias) }
            return item
        }
        return Select(distinct: s.distinct, items: items, from: s.from.map(tableRef), whereClause: s.whereClause.map(expr),
                      groupBy: s.groupBy.map(expr), having: s.having.map(expr), distributeBy: s.distributeBy.map(expr), location: s.location)
    }

    private func tableRef(_ ref: TableRef) -> TableRef {
        switch ref {
        case .named:
            return ref
        case .path(let format, let path, let alias, let location):
            // sluice reads only csv; another format is left for the binder to reject.
            guard format == "csv" else { return ref }
            let name = view(for: export.absolute(path), at: location)
            return .named(Identifier([name], location: location), alias: alias ?? path)
        case .subquery(let q, let alias, let location):
            return .subquery(query(q), alias: alias, location: location)
        case .join(let left, let right, let kind, let condition, let location):
            var newCondition = condition
            if case .on(let e) = condition { newCondition = .on(expr(e)) }
            return .join(tableRef(left), tableRef(right), kind, newCondition, location: location)
        }
    }

    // MARK: Expressions

    private func expr(_ e: Expr) -> Expr {
        switch e {
        case .literal, .column:
            return e
        case .unary(let op, let x, let l):
            return .unary(op, expr(x), l)
        case .binary(let op, let a, let b, let l):
            return .binary(op, expr(a), expr(b), l)
        case .function(let name, let args, let distinct, let star, let l):
            return .function(name: name, args: args.map(expr), distinct: distinct, star: star, l)
        case .cast(let x, let typeName, let isTry, let l):
            return .cast(expr(x), typeName: SparkExport.portableType(typeName), isTry: isTry, l)
        case .caseWhen(let operand, let branches, let elseExpr, let l):
            return .caseWhen(operand: operand.map(expr), branches: branches.map { (expr($0.when), expr($0.then)) }, elseExpr: elseExpr.map(expr), l)
        case .isNull(let x, let negated, let l):
            return .isNull(expr(x), negated: negated, l)
        case .inList(let x, let list, let negated, let l):
            return .inList(expr(x), list.map(expr), negated: negated, l)
        case .between(let x, let low, let high, let negated, let l):
            return .between(expr(x), low: expr(low), high: expr(high), negated: negated, l)
        case .like(let x, let pattern, let negated, let regex, let escape, let l):
            return .like(expr(x), pattern: expr(pattern), negated: negated, regex: regex, escape: escape, l)
        case .interval(let value, let unit, let l):
            return .interval(value: expr(value), unit: unit, l)
        case .subquery(let q, let l):
            return .subquery(query(q), l)
        }
    }

    // MARK: Path views

    /// The view that reads `path` as sluice reads a path source (header line, inferred
    /// types, FAILFAST), made on first use.
    private func view(for path: String, at location: SourceLocation) -> String {
        if let name = views[path] { return name }
        let base = "csv_" + PortableRewriter.nameStem(path)
        var name = base
        var n = 2
        while taken.contains(name.lowercased()) {
            name = "\(base)_\(n)"
            n += 1
        }
        taken.insert(name.lowercased())
        views[path] = name
        let options = OptionList([("path", path), ("header", "true"), ("inferSchema", "true"), ("mode", "FAILFAST")].map {
            (key: $0.0, value: $0.1, location: location)
        })
        newViews.append(.createSourceView(CreateSourceView(name: Identifier([name], location: location), columns: [], format: "csv",
                                                           options: options, orReplace: true, location: location)))
        return name
    }

    /// A name from the path's last part, without its extension: `data/countries.csv` →
    /// `countries`; lower-case letters, digits and single underscores.
    static func nameStem(_ path: String) -> String {
        var last = Substring(path)
        while last.hasSuffix("/") { last.removeLast() }
        if let slash = last.lastIndex(of: "/") { last = last[last.index(after: slash)...] }
        if let dot = last.lastIndex(of: "."), dot != last.startIndex { last = last[..<dot] }
        var stem = ""
        for c in last.lowercased().unicodeScalars {
            let keep = (c >= "a" && c <= "z") || (c >= "0" && c <= "9")
            if keep {
                stem.unicodeScalars.append(c)
            } else if !stem.isEmpty, !stem.hasSuffix("_") {
                stem += "_"
            }
        }
        while stem.hasSuffix("_") { stem.removeLast() }
        return stem.isEmpty ? "path" : stem
    }

    // MARK: Names in use

    /// Every name the job defines or reads a relation by (views, tables, WITH queries),
    /// lower-cased, at any depth.
    static func names(in job: [Statement]) -> Set<String> {
        var collector = NameCollector()
        for statement in job { collector.statement(statement) }
        return collector.names
    }
}

/// Walks statements for ``PortableRewriter/names(in:)``.
private struct NameCollector {
    var names: Set<String> = []

    mutating func add(_ id: Identifier) {
        for part in id.parts { names.insert(part.lowercased()) }
    }

    mutating func statement(_ statement: Statement) {
        switch statement {
        case .set: break
        case .createSourceView(let v): add(v.name)
        case .createQueryView(let name, let q, _, _): add(name); query(q)
        case .createTable(let t): add(t.name)
        case .insertTable(let i): add(i.table); query(i.query)
        case .insertDirectory(let d): query(d.query)
        case .query(let q): query(q)
        }
    }

    mutating func query(_ q: Query) {
        for cte in q.with {
            add(cte.name)
            query(cte.query)
        }
        body(q.body)
        for item in q.orderBy { expr(item.expr) }
        if let limit = q.limit { expr(limit) }
    }

    mutating func body(_ b: QueryBody) {
        switch b {
        case .select(let s):
            for case .expr(let e, _) in s.items { expr(e) }
            if let from = s.from { tableRef(from) }
            for e in [s.whereClause, s.having].compactMap({ $0 }) + s.groupBy + s.distributeBy { expr(e) }
        case .union(let left, let right, _, _):
            body(left)
            body(right)
        case .nested(let q):
            query(q)
        }
    }

    mutating func tableRef(_ ref: TableRef) {
        switch ref {
        case .named(let id, _): add(id)
        case .path: break
        case .subquery(let q, _, _): query(q)
        case .join(let left, let right, _, let condition, _):
            tableRef(left)
            tableRef(right)
            if case .on(let e) = condition { expr(e) }
        }
    }

    /// Only subqueries matter inside an expression.
    mutating func expr(_ e: Expr) {
        switch e {
        case .literal, .column: break
        case .unary(_, let x, _), .cast(let x, _, _, _), .isNull(let x, _, _), .interval(let x, _, _): expr(x)
        case .binary(_, let a, let b, _), .like(let a, let b, _, _, _, _): expr(a); expr(b)
        case .function(_, let args, _, _, _): for a in args { expr(a) }
        case .caseWhen(let operand, let branches, let elseExpr, _):
            if let operand { expr(operand) }
            for branch in branches { expr(branch.when); expr(branch.then) }
            if let elseExpr { expr(elseExpr) }
        case .inList(let x, let list, _, _): expr(x); for a in list { expr(a) }
        case .between(let x, let low, let high, _, _): expr(x); expr(low); expr(high)
        case .subquery(let q, _): query(q)
        }
    }
}
