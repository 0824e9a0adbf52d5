extension LogicalPlan {
    /// The plan as an indented tree, as `sluice explain` prints it (Spark's style).
    public var treeString: String {
        var lines: [String] = []
        render(into: &lines, prefix: "", childPrefix: "")
        return lines.joined(separator: "\n")
    }

    private func render(into lines: inout [String], prefix: String, childPrefix: String) {
        lines.append(prefix + nodeString)
        let kids = inputs
        for (i, k) in kids.enumerated() {
            let last = i == kids.count - 1
            k.render(into: &lines, prefix: childPrefix + (last ? "+- " : ":- "), childPrefix: childPrefix + (last ? "   " : ":  "))
        }
    }

    /// One line describing this node.
    public var nodeString: String {
        switch self {
        case .scan(let s):
            let names = s.columns.map { s.source.schema[$0].name }
            var text = "Scan \(s.source.displayName) [\(names.joined(separator: ", "))]"
            if !s.filters.isEmpty { text += " filters: [\(s.filters.map(\.description).joined(separator: ", "))]" }
            if !s.partitionFilters.isEmpty { text += " partition filters: [\(s.partitionFilters.map(\.description).joined(separator: ", "))]" }
            return text
        case .oneRow: return "OneRow"
        case .filter(_, let c): return "Filter \(c)"
        case .project(_, let e, let f):
            return "Project [\(zip(e, f).map { e, f in e.description == f.name ? f.name : "\(e) AS \(f.name)" }.joined(separator: ", "))]"
        case .aggregate(_, let k, let a, _):
            return "Aggregate keys: [\(k.map(\.description).joined(separator: ", "))] aggregates: [\(a.map(\.description).joined(separator: ", "))]"
        case .sort(_, let k): return "Sort [\(k.map(\.description).joined(separator: ", "))]"
        case .limit(_, let n): return "Limit \(n)"
        case .distinct: return "Distinct"
        case .repartition(_, let k): return "RepartitionByExpression [\(k.map(\.description).joined(separator: ", "))]"
        case .union: return "Union"
        case .join(let l, let r, let j):
            let lf = l.schema, rf = r.schema
            var text = "Join \(j.type.rawValue)"
            if !j.leftKeys.isEmpty {
                text += " keys: [" + zip(j.leftKeys, j.rightKeys).map { "\($0) = \($1.renamed(rf))" }.joined(separator: ", ") + "]"
            }
            if let c = j.condition { text += " condition: \(c.renamed(lf + rf))" }
            _ = lf
            return text
        }
    }
}

extension Expression {
    /// The expression with column names taken from `fields` (for printing a side's keys).
    func renamed(_ fields: [Field]) -> Expression {
        remapColumns([:]).transform { e in
            if case .column(let i, let t, _) = e, i < fields.count {
                let f = fields[i]
                return .column(i, t, name: f.qualifier.map { "\($0).\(f.name)" } ?? f.name)
            }
            return e
        }
    }
}
