/// Removes the columns nothing uses, from the root down to the scans, so that a scan
/// parses only the CSV fields the query needs.
enum ColumnPruning {
    /// `plan` producing at least the columns `required` (positions in its output), and
    /// where each kept old position went.
    static func prune(_ plan: LogicalPlan, required: Set<Int>) -> (plan: LogicalPlan, map: [Int: Int]) {
        switch plan {
        case .oneRow:
            return (plan, [:])
        case .scan(var scan):
            var need = required
            for f in scan.filters { need.formUnion(f.columnsUsed) }
            let kept = need.sorted()
            var map: [Int: Int] = [:]
            for (new, old) in kept.enumerated() { map[old] = new }
            scan.columns = kept.map { scan.columns[$0] }
            scan.filters = scan.filters.map { $0.remapColumns(map) }
            return (.scan(scan), map)
        case .filter(let child, let c):
            let (p, m) = prune(child, required: required.union(c.columnsUsed))
            return (.filter(p, c.remapColumns(m)), m)
        case .project(let child, let exprs, let fields):
            let kept = required.sorted()
            var need = Set<Int>()
            for k in kept { need.formUnion(exprs[k].columnsUsed) }
            let (p, m) = prune(child, required: need)
            var map: [Int: Int] = [:]
            for (new, old) in kept.enumerated() { map[old] = new }
            return (.project(p, kept.map { exprs[$0].remapColumns(m) }, kept.map { fields[$0] }), map)
        case .aggregate(let child, let keys, let aggs, let fields):
            var need = Set<Int>()
            for k in keys { need.formUnion(k.columnsUsed) }
            for a in aggs { if let arg = a.argument { need.formUnion(arg.columnsUsed) } }
            let (p, m) = prune(child, required: need)
            let newAggs = aggs.map { a -> AggregateCall in
                var c = a
                c.argument = a.argument?.remapColumns(m)
                return c
            }
            let identity = Dictionary(uniqueKeysWithValues: fields.indices.map { ($0, $0) })
            return (.aggregate(p, keys: keys.map { $0.remapColumns(m) }, aggregates: newAggs, fields), identity)
        case .sort(let child, let keys):
            var need = required
            for k in keys { need.formUnion(k.expression.columnsUsed) }
            let (p, m) = prune(child, required: need)
            return (.sort(p, keys.map { SortKey(expression: $0.expression.remapColumns(m), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }), m)
        case .limit(let child, let n):
            let (p, m) = prune(child, required: required)
            return (.limit(p, n), m)
        case .distinct(let child):
            let all = Set(child.schema.indices)
            let (p, m) = prune(child, required: all)
            return (.distinct(p), m)
        }
    }
}
