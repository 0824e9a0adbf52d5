/// Turns a parsed query into a ``LogicalPlan``: resolves names against the catalog and
/// the FROM clause, checks and coerces types, and splits SELECT into the relational
/// operators it means (filter, aggregate, project, sort, limit).
public struct Binder {
    let catalog: any Catalog
    /// Common table expressions in scope, innermost last.
    var ctes: [String: LogicalPlan] = [:]

    public init(catalog: any Catalog) {
        self.catalog = catalog
    }

    /// Binds a full query: WITH, body, ORDER BY and LIMIT.
    public func bind(_ query: Query) throws -> LogicalPlan {
        var binder = self
        for cte in query.with {
            var plan = try binder.bind(cte.query)
            if !cte.columnAliases.isEmpty {
                plan = try Binder.renameColumns(plan, cte.columnAliases, at: cte.name.location)
            }
            binder.ctes[cte.name.name.lowercased()] = plan
        }
        let limit = try query.limit.map { try Binder.bindLimit($0) }
        switch query.body {
        case .select(let select):
            return try binder.bindSelect(select, orderBy: query.orderBy, limit: limit)
        default:
            var plan = try binder.bindBody(query.body)
            if !query.orderBy.isEmpty {
                let fields = plan.schema
                var keys: [SortKey] = []
                for item in query.orderBy {
                    let e = try binder.bindOutputReference(item.expr, fields: fields) ?? ExpressionBinder(binder: binder, scope: fields).bind(item.expr)
                    keys.append(SortKey(expression: e, ascending: item.ascending, nullsFirst: item.nullsFirst ?? item.ascending))
                }
                plan = .sort(plan, keys)
            }
            if let limit { plan = .limit(plan, limit) }
            return plan
        }
    }

    func bindBody(_ body: QueryBody) throws -> LogicalPlan {
        switch body {
        case .select(let s): return try bindSelect(s, orderBy: [], limit: nil)
        case .nested(let q): return try bind(q)
        case .union(let a, let b, let all, let location):
            let plan = try bindUnion(a, b, at: location)
            return all ? plan : .distinct(plan)
        }
    }

    /// A constant expression (a static partition value, `PARTITION (dt='2024-03-05')`) cast
    /// to `type`, over no columns.
    public func bindConstant(_ e: Expr, as type: DataType) throws -> Expression {
        let bound = try ExpressionBinder(binder: self, scope: []).bind(e)
        guard bound.isConstant else {
            throw SQLError("INVALID_PARTITION_VALUE", "a partition value must be a constant, such as '2024-03-05'", at: e.location)
        }
        guard TypeCoercion.canCast(bound.type, type) else {
            throw SQLError("DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION", "cannot cast \(bound.type) to \(type) for the partition value", at: e.location)
        }
        return TypeCoercion.cast(bound, to: type)
    }

    static func bindLimit(_ e: Expr) throws -> Int {
        if case .literal(.integer(let n), let loc) = e {
            guard n >= 0 else {
                throw SQLError("INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", "The limit like expression \"\(n)\" is invalid: the value must be equal to or greater than 0", at: loc)
            }
            return Int(n)
        }
        throw SQLError("INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE", "The limit like expression must be an integer constant", at: e.location)
    }

    static func renameColumns(_ plan: LogicalPlan, _ names: [String], at location: SourceLocation) throws -> LogicalPlan {
        let fields = plan.schema
        guard names.count == fields.count else {
            throw SQLError("CREATE_VIEW_COLUMN_ARITY_MISMATCH", "The query returns \(fields.count) columns but \(names.count) column names were given", at: location)
        }
        let exprs = fields.enumerated().map { Expression.column($0.offset, $0.element.type, name: $0.element.name) }
        let renamed = zip(fields, names).map { Field(name: $1, type: $0.type) }
        return .project(plan, exprs, renamed)
    }

    // MARK: FROM

    func bindFrom(_ ref: TableRef?) throws -> LogicalPlan {
        guard let ref else { return .oneRow }
        switch ref {
        case .named(let id, let alias):
            let name = id.name.lowercased()
            let qualifier = alias ?? id.name
            if id.parts.count == 1, let cte = ctes[name] {
                return Binder.requalify(cte, qualifier)
            }
            guard let entry = catalog.lookup(name) else {
                let all = catalog.names + Array(ctes.keys)
                var msg = "The table or view `\(id)` cannot be found."
                if let best = all.min(by: { editDistance($0, id.name) < editDistance($1, id.name) }), editDistance(best, id.name) <= max(2, id.name.count / 3) {
                    msg += " Did you mean `\(best)`?"
                }
                msg += " Create it first with CREATE TEMPORARY VIEW \(id.name) USING csv OPTIONS (path '...')."
                throw SQLError("TABLE_OR_VIEW_NOT_FOUND", msg, at: id.location)
            }
            switch entry {
            case .source(let source):
                return .scan(ScanNode(source: source, columns: Array(source.schema.indices), qualifier: qualifier))
            case .view(let plan):
                return Binder.requalify(plan, qualifier)
            }
        case .path(let format, let path, let alias, let location):
            let source = try catalog.pathSource(format: format, path: path, location: location)
            return .scan(ScanNode(source: source, columns: Array(source.schema.indices), qualifier: alias ?? path))
        case .subquery(let q, let alias, _):
            let plan = try bind(q)
            return Binder.requalify(plan, alias)
        case .join(let l, let r, let kind, let condition, let location):
            return try bindJoin(l, r, kind, condition, at: location)
        }
    }

    /// The plan with its output columns qualified by `qualifier` (an alias or a view name).
    static func requalify(_ plan: LogicalPlan, _ qualifier: String?) -> LogicalPlan {
        if case .scan(var s) = plan {
            s.qualifier = qualifier
            return .scan(s)
        }
        let fields = plan.schema
        let exprs = fields.enumerated().map { Expression.column($0.offset, $0.element.type, name: $0.element.name) }
        return .project(plan, exprs, fields.map { Field(name: $0.name, type: $0.type, qualifier: qualifier) })
    }
}
