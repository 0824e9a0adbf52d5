/// One output column of a SELECT list before it is bound: written by the user, or
/// expanded from `*`.
enum SelectEntry {
    case written(Expr, name: String)
    case star(Expression, Field)
}

extension Binder {
    /// Binds `SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ...`, with the query's
    /// ORDER BY and LIMIT (which may name columns the SELECT list does not keep).
    ///
    /// ```
    /// FROM ─> filter(WHERE) ─> aggregate(keys, calls) ─> filter(HAVING)
    ///      ─> project(items + hidden sort keys) ─> [distinct] ─> sort ─> project(items) ─> limit
    /// ```
    func bindSelect(_ select: Select, orderBy: [OrderItem], limit: Int?) throws -> LogicalPlan {
        var plan = try bindFrom(select.from)
        let input = plan.schema
        let rowBinder = ExpressionBinder(binder: self, scope: input)

        if let w = select.whereClause {
            if ExpressionBinder.containsAggregate(w) {
                throw SQLError("INVALID_WHERE_CONDITION", "The WHERE condition \(ExpressionBinder.autoName(w)) contains an aggregate function; use HAVING to filter on aggregates", at: w.location)
            }
            plan = .filter(plan, try rowBinder.bindCondition(w, clause: "WHERE"))
        }

        let entries = try expandItems(select.items, scope: input)
        var aliases: [String: Expr] = [:]
        for case .written(let e, let name) in entries where aliases[name.lowercased()] == nil { aliases[name.lowercased()] = e }

        let aggregating = !select.groupBy.isEmpty || select.having != nil
            || entries.contains { if case .written(let e, _) = $0 { return ExpressionBinder.containsAggregate(e) } else { return false } }
            || orderBy.contains { ExpressionBinder.containsAggregate($0.expr) }

        var exprs: [Expression] = []
        var fields: [Field] = []
        let outer: ExpressionBinder
        if aggregating {
            var keys: [Expression] = []
            var keyFields: [Field] = []
            for g in select.groupBy {
                let ast = try groupByTarget(g, entries: entries, aliases: aliases, scope: input)
                if ExpressionBinder.containsAggregate(ast) {
                    throw SQLError("GROUP_BY_AGGREGATE", "Aggregate functions are not allowed in GROUP BY, but found \(ExpressionBinder.autoName(ast))", at: g.location)
                }
                let key = try rowBinder.bind(ast)
                if !keys.contains(key) {
                    keys.append(key)
                    keyFields.append(Field(name: ExpressionBinder.autoName(ast), type: key.type, qualifier: ExpressionBinder.qualifier(of: key, in: input)))
                }
            }
            let context = AggregationContext(keys: keys, keyFields: keyFields, inputScope: input)
            outer = ExpressionBinder(binder: self, scope: input, aggregation: context, aliases: aliases)
            for entry in entries {
                switch entry {
                case .written(let e, let name):
                    exprs.append(try outer.bind(e))
                    fields.append(Field(name: name, type: exprs.last!.type, qualifier: ExpressionBinder.qualifier(of: e)))
                case .star(let e, let f):
                    guard let k = keys.firstIndex(of: e) else {
                        throw SQLError("MISSING_AGGREGATION", "The non-aggregating expression \"\(f.name)\" is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use \"any_value(\(f.name))\" if you do not care which of the values within a group is returned.", at: select.location)
                    }
                    exprs.append(.column(k, e.type, name: f.name))
                    fields.append(f)
                }
            }
            var having: Expression? = nil
            if let h = select.having { having = try outer.bindCondition(h, clause: "HAVING") }
            // ORDER BY keys are bound now so that their aggregates join the aggregate node.
            let sortKeys = try bindOrderBy(orderBy, exprs: &exprs, fields: fields, binder: outer, distinct: select.distinct)
            let ctx = outer.aggregation!
            var aggFields = ctx.keyFields
            for call in ctx.aggregates { aggFields.append(Field(name: call.description, type: call.type)) }
            plan = .aggregate(plan, keys: ctx.keys, aggregates: ctx.aggregates, aggFields)
            if let having { plan = .filter(plan, having) }
            return finish(plan, exprs: exprs, fields: fields, sortKeys: sortKeys, distinct: select.distinct, limit: limit, distributeBy: try select.distributeBy.map { try outer.bind($0) })
        } else {
            outer = rowBinder
            for entry in entries {
                switch entry {
                case .written(let e, let name):
                    exprs.append(try rowBinder.bind(e))
                    fields.append(Field(name: name, type: exprs.last!.type, qualifier: ExpressionBinder.qualifier(of: e)))
                case .star(let e, let f):
                    exprs.append(e)
                    fields.append(f)
                }
            }
            let sortKeys = try bindOrderBy(orderBy, exprs: &exprs, fields: fields, binder: rowBinder, distinct: select.distinct)
            return finish(plan, exprs: exprs, fields: fields, sortKeys: sortKeys, distinct: select.distinct, limit: limit, distributeBy: try select.distributeBy.map { try rowBinder.bind($0) })
        }
    }

    /// Project, distinct, distribute, sort, drop the hidden sort and distribution columns,
    /// limit. A DISTRIBUTE BY key that is not an output column is computed by the
    /// projection as a hidden column, like an ORDER BY key.
    private func finish(_ input: LogicalPlan, exprs: [Expression], fields: [Field], sortKeys: [SortKey], distinct: Bool, limit: Int?, distributeBy: [Expression]) -> LogicalPlan {
        var plan = input
        var exprs = exprs
        var distributeKeys: [Int] = []
        for e in distributeBy where !e.isConstant {
            if let j = exprs.firstIndex(of: e) {
                distributeKeys.append(j)
            } else {
                exprs.append(e)
                distributeKeys.append(exprs.count - 1)
            }
        }
        var allFields = fields
        for i in fields.count..<exprs.count { allFields.append(Field(name: "__sort\(i)", type: exprs[i].type)) }
        plan = .project(plan, exprs, allFields)
        if distinct { plan = .distinct(plan) }
        if !distributeKeys.isEmpty {
            plan = .repartition(plan, distributeKeys.map { .column($0, allFields[$0].type, name: allFields[$0].name) })
        }
        if !sortKeys.isEmpty { plan = .sort(plan, sortKeys) }
        if exprs.count > fields.count {
            plan = .project(plan, fields.indices.map { .column($0, fields[$0].type, name: fields[$0].name) }, fields)
        }
        if let limit { plan = .limit(plan, limit) }
        return plan
    }

    /// ORDER BY keys over the projection's output. A key that is neither an output
    /// column, a position nor an expression of the SELECT list is added to the projection
    /// as a hidden column.
    private func bindOrderBy(_ items: [OrderItem], exprs: inout [Expression], fields: [Field], binder: ExpressionBinder, distinct: Bool) throws -> [SortKey] {
        var keys: [SortKey] = []
        for item in items {
            let nullsFirst = item.nullsFirst ?? item.ascending
            if let e = try bindOutputReference(item.expr, fields: fields) {
                keys.append(SortKey(expression: e, ascending: item.ascending, nullsFirst: nullsFirst))
                continue
            }
            let bound = try binder.bind(item.expr)
            if let j = exprs.firstIndex(of: bound) {
                keys.append(SortKey(expression: .column(j, bound.type, name: j < fields.count ? fields[j].name : "__sort\(j)"), ascending: item.ascending, nullsFirst: nullsFirst))
                continue
            }
            if bound.isConstant {
                continue
            }
            if distinct {
                throw SQLError("UNRESOLVED_COLUMN", "ORDER BY \(ExpressionBinder.autoName(item.expr)) must appear in the SELECT list of a SELECT DISTINCT", at: item.expr.location)
            }
            exprs.append(bound)
            keys.append(SortKey(expression: .column(exprs.count - 1, bound.type, name: "__sort\(exprs.count - 1)"), ascending: item.ascending, nullsFirst: nullsFirst))
        }
        return keys
    }

    /// `ORDER BY 2` or `ORDER BY alias`: a column of the output, or `nil`.
    func bindOutputReference(_ e: Expr, fields: [Field]) throws -> Expression? {
        if case .literal(.integer(let k), let loc) = e {
            guard k >= 1 && Int(k) <= fields.count else {
                throw SQLError("ORDER_BY_POS_OUT_OF_RANGE", "ORDER BY position \(k) is not in select list (valid range is [1, \(fields.count)])", at: loc)
            }
            let f = fields[Int(k) - 1]
            return .column(Int(k) - 1, f.type, name: f.name)
        }
        if case .column(let id) = e, id.parts.count == 1 {
            let matches = fields.indices.filter { fields[$0].name.lowercased() == id.name.lowercased() }
            if matches.count == 1 {
                return .column(matches[0], fields[matches[0]].type, name: fields[matches[0]].name)
            }
        }
        return nil
    }

    /// The expression a GROUP BY entry stands for: a position, an alias or itself.
    private func groupByTarget(_ g: Expr, entries: [SelectEntry], aliases: [String: Expr], scope: [Field]) throws -> Expr {
        if case .literal(.integer(let k), let loc) = g {
            guard k >= 1 && Int(k) <= entries.count else {
                throw SQLError("GROUP_BY_POS_OUT_OF_RANGE", "GROUP BY position \(k) is not in select list (valid range is [1, \(entries.count)])", at: loc)
            }
            switch entries[Int(k) - 1] {
            case .written(let e, _):
                if ExpressionBinder.containsAggregate(e) {
                    throw SQLError("GROUP_BY_POS_AGGREGATE", "GROUP BY \(k) refers to an expression \(ExpressionBinder.autoName(e)) that contains an aggregate function. Aggregate functions are not allowed in GROUP BY.", at: loc)
                }
                return e
            case .star(_, let f):
                return .column(Identifier([f.name], location: loc))
            }
        }
        if case .column(let id) = g, id.parts.count == 1,
           !scope.contains(where: { $0.name.lowercased() == id.name.lowercased() }),
           let aliased = aliases[id.name.lowercased()] {
            return aliased
        }
        return g
    }

    private func expandItems(_ items: [SelectItem], scope: [Field]) throws -> [SelectEntry] {
        var out: [SelectEntry] = []
        for item in items {
            switch item {
            case .star(let qualifier, let location):
                var any = false
                for (i, f) in scope.enumerated() {
                    if let qualifier, f.qualifier?.lowercased() != qualifier.lowercased() { continue }
                    if f.name.hasPrefix("__") || f.hidden { continue }
                    out.append(.star(.column(i, f.type, name: f.name), f))
                    any = true
                }
                if !any {
                    if let qualifier {
                        throw SQLError("CANNOT_RESOLVE_STAR_EXPAND", "Cannot resolve `\(qualifier)`.* given input columns \(scope.map { "`\($0.name)`" }.joined(separator: ", "))", at: location)
                    }
                    throw SQLError("INVALID_USAGE_OF_STAR_OR_REGEX", "Invalid usage of '*': the query has no FROM clause", at: location)
                }
            case .expr(let e, let alias):
                out.append(.written(e, name: alias ?? ExpressionBinder.autoName(e)))
            }
        }
        return out
    }
}
