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
        case .repartition(let child, let keys):
            var need = required
            for k in keys { need.formUnion(k.columnsUsed) }
            let (p, m) = prune(child, required: need)
            return (.repartition(p, keys.map { $0.remapColumns(m) }), m)
        case .distinct(let child):
            let all = Set(child.schema.indices)
            let (p, m) = prune(child, required: all)
            return (.distinct(p), m)
        case .union(let inputs, let fields):
            // Every input keeps exactly the required columns, in order, so that positions
            // agree across inputs.
            let kept = required.sorted()
            let pruned = inputs.map { input -> LogicalPlan in
                let (p, m) = prune(input, required: required)
                let s = p.schema
                return .project(p, kept.map { .column(m[$0]!, s[m[$0]!].type, name: s[m[$0]!].name) }, kept.map { fields[$0] })
            }
            var map: [Int: Int] = [:]
            for (new, old) in kept.enumerated() { map[old] = new }
            return (.union(pruned, kept.map { fields[$0] }), map)
        case .join(let left, let right, let j):
            let n = left.schema.count
            var needLeft = Set<Int>(), needRight = Set<Int>()
            for r in required { if r < n { needLeft.insert(r) } else { needRight.insert(r - n) } }
            for k in j.leftKeys { needLeft.formUnion(k.columnsUsed) }
            for k in j.rightKeys { needRight.formUnion(k.columnsUsed) }
            if let c = j.condition {
                for i in c.columnsUsed { if i < n { needLeft.insert(i) } else { needRight.insert(i - n) } }
            }
            let (lp, lm) = prune(left, required: needLeft)
            let (rp, rm) = prune(right, required: needRight)
            let newLeftWidth = lp.schema.count
            var combined: [Int: Int] = [:]
            for (o, nw) in lm { combined[o] = nw }
            for (o, nw) in rm { combined[o + n] = nw + newLeftWidth }
            var node = j
            node.leftKeys = j.leftKeys.map { $0.remapColumns(lm) }
            node.rightKeys = j.rightKeys.map { $0.remapColumns(rm) }
            node.condition = j.condition?.remapColumns(combined)
            return (.join(lp, rp, node), j.type.keepsRight ? combined : lm)
        }
    }
}
