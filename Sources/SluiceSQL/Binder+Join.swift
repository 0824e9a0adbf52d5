extension Binder {
    /// Binds `left JOIN right ON ... | USING (...)`. Equalities between a left and a right
    /// expression in ON become the join keys; what else ON says is the join condition.
    /// A RIGHT join is bound as a LEFT join with the sides swapped, then put back in order.
    func bindJoin(_ l: TableRef, _ r: TableRef, _ kind: JoinKind, _ condition: JoinCondition, at location: SourceLocation) throws -> LogicalPlan {
        if kind == .right {
            let swapped = try bindJoin(r, l, .left, condition, at: location, usingFromRight: true)
            if case .using = condition { return swapped }
            let rightWidth = try bindFrom(r).schema.count
            let fields = swapped.schema
            let order = Array(rightWidth..<fields.count) + Array(0..<rightWidth)
            return .project(swapped, order.map { Expression.column($0, fields[$0].type, name: fields[$0].name) }, order.map { fields[$0] })
        }
        return try bindJoin(l, r, kind, condition, at: location, usingFromRight: false)
    }

    private func bindJoin(_ l: TableRef, _ r: TableRef, _ kind: JoinKind, _ condition: JoinCondition, at location: SourceLocation, usingFromRight: Bool) throws -> LogicalPlan {
        let left = try bindFrom(l)
        let right = try bindFrom(r)
        let type: JoinType
        switch kind {
        case .inner, .cross: type = .inner
        case .left, .right: type = .leftOuter
        case .full: type = .fullOuter
        case .leftSemi: type = .leftSemi
        case .leftAnti: type = .leftAnti
        }
        let lf = left.schema, rf = right.schema
        switch condition {
        case .none:
            if kind != .cross && kind != .inner {
                throw SQLError("UNSUPPORTED_FEATURE", "a \(kind.rawValue) JOIN needs an ON or USING condition", at: location)
            }
            return .join(left, right, JoinNode(type: .inner, leftKeys: [], rightKeys: [], condition: nil))
        case .on(let e):
            let binder = ExpressionBinder(binder: self, scope: lf + rf)
            if ExpressionBinder.containsAggregate(e) {
                throw SQLError("UNSUPPORTED_FEATURE", "an aggregate function cannot be used in a JOIN condition", at: e.location)
            }
            let bound = try binder.bindCondition(e, clause: "JOIN")
            let node = Binder.splitJoinCondition(bound, leftWidth: lf.count, type: type)
            return .join(left, right, node)
        case .using(let names):
            var leftKeys: [Expression] = [], rightKeys: [Expression] = []
            var usedLeft = Set<Int>(), usedRight = Set<Int>()
            for name in names {
                let li = try Binder.uniqueColumn(name, in: lf, side: usingFromRight ? "right" : "left", at: location)
                let ri = try Binder.uniqueColumn(name, in: rf, side: usingFromRight ? "left" : "right", at: location)
                guard let t = TypeCoercion.commonType(lf[li].type, rf[ri].type) else {
                    throw SQLError("DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES", "USING column `\(name)` has incompatible types \(lf[li].type) and \(rf[ri].type) on the two sides", at: location)
                }
                leftKeys.append(TypeCoercion.cast(.column(li, lf[li].type, name: lf[li].name), to: t))
                rightKeys.append(TypeCoercion.cast(.column(ri, rf[ri].type, name: rf[ri].name), to: t))
                usedLeft.insert(li)
                usedRight.insert(ri)
            }
            let join = LogicalPlan.join(left, right, JoinNode(type: type, leftKeys: leftKeys, rightKeys: rightKeys, condition: nil))
            // Spark's output for USING: the join columns once, then the other columns of
            // each side (for a RIGHT join, the join columns come from the right side).
            var exprs: [Expression] = [], fields: [Field] = []
            let n = lf.count
            for (k, name) in names.enumerated() {
                let li = leftKeys[k].columnsUsed.first!, ri = rightKeys[k].columnsUsed.first!
                let l = Expression.column(li, lf[li].type, name: lf[li].name)
                let t = leftKeys[k].type
                if type == .fullOuter {
                    exprs.append(.coalesce([TypeCoercion.cast(l, to: t), TypeCoercion.cast(.column(n + ri, rf[ri].type, name: rf[ri].name), to: t)], t))
                    fields.append(Field(name: name, type: t))
                } else {
                    exprs.append(l)
                    fields.append(lf[li])
                }
            }
            for i in lf.indices where !usedLeft.contains(i) {
                exprs.append(.column(i, lf[i].type, name: lf[i].name)); fields.append(lf[i])
            }
            if type.keepsRight {
                for i in rf.indices where !usedRight.contains(i) {
                    exprs.append(.column(n + i, rf[i].type, name: rf[i].name)); fields.append(rf[i])
                }
            }
            if usingFromRight {
                // A RIGHT JOIN USING: the swapped left side is the query's right side; its
                // other columns come after the query's left side's.
                let keyCount = names.count
                let leftOthers = lf.count - usedLeft.count
                let order = Array(0..<keyCount) + Array((keyCount + leftOthers)..<exprs.count) + Array(keyCount..<(keyCount + leftOthers))
                exprs = order.map { exprs[$0] }
                fields = order.map { fields[$0] }
            }
            // Each side's own key stays reachable by its qualified name (`c.cust`), hidden
            // from `*` and from the unqualified name.
            for k in names.indices {
                let li = leftKeys[k].columnsUsed.first!, ri = rightKeys[k].columnsUsed.first!
                if type == .fullOuter {
                    exprs.append(.column(li, lf[li].type, name: lf[li].name))
                    fields.append(Field(name: lf[li].name, type: lf[li].type, qualifier: lf[li].qualifier, hidden: true))
                }
                if type.keepsRight {
                    exprs.append(.column(n + ri, rf[ri].type, name: rf[ri].name))
                    fields.append(Field(name: rf[ri].name, type: rf[ri].type, qualifier: rf[ri].qualifier, hidden: true))
                }
            }
            return .project(join, exprs, fields)
        }
    }

    /// Equalities between one side and the other become keys (NULL never equal); the rest
    /// stays the join's condition.
    static func splitJoinCondition(_ condition: Expression, leftWidth n: Int, type: JoinType) -> JoinNode {
        var leftKeys: [Expression] = [], rightKeys: [Expression] = [], rest: [Expression] = []
        for c in conjuncts(condition) {
            if case .compare(.equal, let a, let b) = c {
                let ua = a.columnsUsed, ub = b.columnsUsed
                if !ua.isEmpty, !ub.isEmpty, ua.allSatisfy({ $0 < n }), ub.allSatisfy({ $0 >= n }) {
                    leftKeys.append(a); rightKeys.append(b.remapColumns(shift(ub, by: -n))); continue
                }
                if !ua.isEmpty, !ub.isEmpty, ub.allSatisfy({ $0 < n }), ua.allSatisfy({ $0 >= n }) {
                    leftKeys.append(b); rightKeys.append(a.remapColumns(shift(ua, by: -n))); continue
                }
            }
            if case .literal(.bool(true), _) = c { continue }
            rest.append(c)
        }
        let cond = rest.isEmpty ? nil : rest.dropFirst().reduce(rest[0]) { Expression.and($0, $1) }
        return JoinNode(type: type, leftKeys: leftKeys, rightKeys: rightKeys, condition: cond)
    }

    static func conjuncts(_ e: Expression) -> [Expression] {
        if case .and(let a, let b) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    static func shift(_ columns: Set<Int>, by delta: Int) -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: columns.map { ($0, $0 + delta) })
    }

    static func uniqueColumn(_ name: String, in fields: [Field], side: String, at location: SourceLocation) throws -> Int {
        let matches = fields.indices.filter { !fields[$0].hidden && fields[$0].name.lowercased() == name.lowercased() }
        guard matches.count == 1 else {
            if matches.isEmpty {
                throw SQLError("UNRESOLVED_USING_COLUMN_FOR_JOIN", "USING column `\(name)` cannot be resolved on the \(side) side of the join. The \(side)-side columns: [\(fields.map { "`\($0.name)`" }.joined(separator: ", "))].", at: location)
            }
            throw SQLError("AMBIGUOUS_REFERENCE", "USING column `\(name)` is ambiguous on the \(side) side of the join", at: location)
        }
        return matches[0]
    }

    /// Binds `a UNION b`: both sides must have as many columns; each column is widened
    /// to a type both sides' values fit (Spark's rules); names come from the first input.
    func bindUnion(_ a: QueryBody, _ b: QueryBody, at location: SourceLocation) throws -> LogicalPlan {
        var inputs: [LogicalPlan] = []
        func collect(_ body: QueryBody) throws {
            // Nested UNION ALLs flatten into one union.
            if case .union(let x, let y, true, _) = body {
                try collect(x)
                try collect(y)
            } else {
                inputs.append(try bindBody(body))
            }
        }
        if case .union(_, _, true, _) = a { try collect(a) } else { inputs.append(try bindBody(a)) }
        inputs.append(try bindBody(b))
        let first = inputs[0].schema
        var types = first.map(\.type)
        for (k, p) in inputs.enumerated().dropFirst() {
            let s = p.schema
            guard s.count == first.count else {
                throw SQLError("NUM_COLUMNS_MISMATCH", "UNION can only be performed on inputs with the same number of columns, but the first input has \(first.count) columns and the \(Binder.ordinal(k + 1)) input has \(s.count) columns.", at: location)
            }
            for c in s.indices {
                guard let t = TypeCoercion.resultType(types[c], s[c].type) else {
                    throw SQLError("INCOMPATIBLE_COLUMN_TYPE", "UNION can only be performed on inputs with compatible column types. The \(Binder.ordinal(c + 1)) column of the \(Binder.ordinal(k + 1)) input is \"\(s[c].type)\" type which is not compatible with \"\(types[c])\" at the same column of the first input.", at: location)
                }
                types[c] = t
            }
        }
        let fields = first.enumerated().map { Field(name: $0.element.name, type: types[$0.offset] == .null ? .string : types[$0.offset]) }
        let cast = inputs.map { p -> LogicalPlan in
            let s = p.schema
            if s.map(\.type) == fields.map(\.type) { return p }
            return .project(p, s.indices.map { TypeCoercion.cast(.column($0, s[$0].type, name: s[$0].name), to: fields[$0].type) }, fields)
        }
        return .union(cast, fields)
    }

    static func ordinal(_ n: Int) -> String {
        switch n % 100 {
        case 11, 12, 13: return "\(n)th"
        default:
            switch n % 10 {
            case 1: return "\(n)st"
            case 2: return "\(n)nd"
            case 3: return "\(n)rd"
            default: return "\(n)th"
            }
        }
    }
}
