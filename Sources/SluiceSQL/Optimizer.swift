/// Rewrites a bound plan into one that computes the same rows with less work:
///
/// 1. constant folding (with an evaluator the runtime supplies, so that folding and
///    execution can never disagree) and boolean simplification;
/// 2. predicate pushdown: filters split into conjuncts and moved below projections,
///    sorts and aggregates (conjuncts on group keys) down into the scans, where
///    conjuncts on partition columns also prune files before any is opened;
/// 3. column pruning: every scan reads only the columns something above it uses.
public struct Optimizer: Sendable {
    /// Evaluates a constant expression; returns `nil` when it cannot be folded (the
    /// expression is then left for execution, where an error names its row).
    public typealias Folder = @Sendable (Expression) -> Value?

    let fold: Folder

    public init(fold: @escaping Folder) {
        self.fold = fold
    }

    public func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        var p = foldConstants(plan)
        p = pushDownFilters(p)
        let all = Set(p.schema.indices)
        p = ColumnPruning.prune(p, required: all).plan
        return p
    }

    // MARK: Constant folding

    func foldConstants(_ plan: LogicalPlan) -> LogicalPlan {
        plan.mapExpressions { self.simplify($0) }.mapInputs { foldConstants($0) }
    }

    /// Folds constant sub-expressions and simplifies boolean logic bottom-up.
    public func simplify(_ e: Expression) -> Expression {
        e.transform { node in
            switch node {
            case .column, .literal: return node
            case .and(let a, let b):
                if case .literal(.bool(false), _) = a { return a }
                if case .literal(.bool(false), _) = b { return b }
                if case .literal(.bool(true), _) = a { return b }
                if case .literal(.bool(true), _) = b { return a }
            case .or(let a, let b):
                if case .literal(.bool(true), _) = a { return a }
                if case .literal(.bool(true), _) = b { return b }
                if case .literal(.bool(false), _) = a { return b }
                if case .literal(.bool(false), _) = b { return a }
            default: break
            }
            guard node.isConstant, node.children.allSatisfy({ if case .literal = $0 { return true } else { return false } }) else { return node }
            if let v = fold(node) { return .literal(v, node.type) }
            return node
        }
    }

    // MARK: Predicate pushdown

    func pushDownFilters(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .filter(let child, let condition):
            return push(conjuncts(condition), into: pushDownFilters(child))
        case .join(let l, let r, let j):
            return pushJoin([], pushDownFilters(l), pushDownFilters(r), j)
        default:
            return plan.mapInputs { pushDownFilters($0) }
        }
    }

    /// Places `preds` (over `plan`'s output) as deep as they can go.
    private func push(_ preds: [Expression], into plan: LogicalPlan) -> LogicalPlan {
        var preds = preds.filter { if case .literal(.bool(true), _) = $0 { return false } else { return true } }
        if preds.isEmpty { return plan }
        switch plan {
        case .scan(var scan):
            let src = scan.source.schema
            let firstPartition = src.count - scan.source.partitionColumnCount
            for p in preds {
                scan.filters.append(p)
                let used = p.columnsUsed
                if !used.isEmpty && used.allSatisfy({ scan.columns[$0] >= firstPartition }) && !p.canFail {
                    // Over the source schema, for pruning files.
                    var map: [Int: Int] = [:]
                    for i in used { map[i] = scan.columns[i] }
                    scan.partitionFilters.append(p.remapColumns(map))
                }
            }
            return .scan(scan)
        case .filter(let child, let c):
            preds.append(contentsOf: conjuncts(c))
            return push(preds, into: child)
        case .project(let child, let exprs, let fields):
            var below: [Expression] = []
            var above: [Expression] = []
            for p in preds {
                let substituted = p.transform { e in
                    if case .column(let i, _, _) = e { return exprs[i] }
                    return e
                }
                // Only move predicates whose rewritten form is no costlier to evaluate.
                if !substituted.canFail || !p.canFail && p.columnsUsed.allSatisfy({ if case .column = exprs[$0] { return true } else { return false } }) {
                    below.append(substituted)
                } else {
                    above.append(p)
                }
            }
            let inner = push(below, into: child)
            let projected = LogicalPlan.project(inner, exprs, fields)
            return above.isEmpty ? projected : .filter(projected, andAll(above))
        case .sort(let child, let keys):
            return .sort(push(preds, into: child), keys)
        case .distinct(let child):
            return .distinct(push(preds, into: child))
        case .repartition(let child, let keys):
            return .repartition(push(preds, into: child), keys)
        case .aggregate(let child, let keys, let aggs, let fields):
            var below: [Expression] = []
            var above: [Expression] = []
            for p in preds {
                if p.columnsUsed.allSatisfy({ $0 < keys.count }) && !p.columnsUsed.isEmpty {
                    below.append(p.transform { e in
                        if case .column(let i, _, _) = e { return keys[i] }
                        return e
                    })
                } else {
                    above.append(p)
                }
            }
            let agg = LogicalPlan.aggregate(push(below, into: child), keys: keys, aggregates: aggs, fields)
            return above.isEmpty ? agg : .filter(agg, andAll(above))
        case .union(let inputs, let fields):
            return .union(inputs.map { push(preds, into: $0) }, fields)
        case .join(let left, let right, let j):
            return pushJoin(preds, left, right, j)
        default:
            return .filter(plan, andAll(preds))
        }
    }

    /// Places predicates over a join's output, and the one-sided parts of its own
    /// condition, into its inputs (already optimized themselves).
    private func pushJoin(_ preds: [Expression], _ left: LogicalPlan, _ right: LogicalPlan, _ node: JoinNode) -> LogicalPlan {
            var j = node
            let n = left.schema.count
            var toLeft: [Expression] = [], toRight: [Expression] = [], above: [Expression] = []
            for p in preds {
                let used = p.columnsUsed
                if used.allSatisfy({ $0 < n }) && !used.isEmpty && j.type != .fullOuter {
                    toLeft.append(p)
                } else if used.allSatisfy({ $0 >= n }) && !used.isEmpty && j.type == .inner {
                    toRight.append(p.remapColumns(Dictionary(uniqueKeysWithValues: used.map { ($0, $0 - n) })))
                } else if j.type == .inner {
                    // A WHERE over both sides of an inner join is part of its condition,
                    // where an equality becomes a key.
                    let extra = Binder.splitJoinCondition(p, leftWidth: n, type: .inner)
                    j.leftKeys += extra.leftKeys
                    j.rightKeys += extra.rightKeys
                    if let c = extra.condition { j.condition = j.condition.map { .and($0, c) } ?? c }
                } else {
                    above.append(p)
                }
            }
            // Conditions of ON that name one side only filter that side before the join
            // where that keeps the join's meaning: both sides of an inner join, the
            // right side of a left join.
            if let c = j.condition, j.type == .inner || j.type == .leftOuter || j.type == .leftSemi || j.type == .leftAnti {
                var keep: [Expression] = []
                for p in conjuncts(c) {
                    let used = p.columnsUsed
                    if !used.isEmpty && used.allSatisfy({ $0 >= n }) && !p.canFail {
                        toRight.append(p.remapColumns(Dictionary(uniqueKeysWithValues: used.map { ($0, $0 - n) })))
                    } else if j.type == .inner && !used.isEmpty && used.allSatisfy({ $0 < n }) && !p.canFail {
                        toLeft.append(p)
                    } else {
                        keep.append(p)
                    }
                }
                j.condition = keep.isEmpty ? nil : andAll(keep)
            }
            let joined = LogicalPlan.join(push(toLeft, into: left), push(toRight, into: right), j)
            return above.isEmpty ? joined : .filter(joined, andAll(above))
    }

    func conjuncts(_ e: Expression) -> [Expression] {
        if case .and(let a, let b) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    func andAll(_ preds: [Expression]) -> Expression {
        preds.dropFirst().reduce(preds[0]) { .and($0, $1) }
    }
}

extension LogicalPlan {
    /// The plan with `f` applied to each direct input.
    public func mapInputs(_ f: (LogicalPlan) -> LogicalPlan) -> LogicalPlan {
        switch self {
        case .scan, .oneRow: return self
        case .filter(let p, let c): return .filter(f(p), c)
        case .project(let p, let e, let fl): return .project(f(p), e, fl)
        case .aggregate(let p, let k, let a, let fl): return .aggregate(f(p), keys: k, aggregates: a, fl)
        case .sort(let p, let k): return .sort(f(p), k)
        case .limit(let p, let n): return .limit(f(p), n)
        case .distinct(let p): return .distinct(f(p))
        case .repartition(let p, let k): return .repartition(f(p), k)
        case .join(let l, let r, let j): return .join(f(l), f(r), j)
        case .union(let ps, let fl): return .union(ps.map(f), fl)
        }
    }

    /// The plan with `f` applied to each expression of this node (not its inputs).
    public func mapExpressions(_ f: (Expression) -> Expression) -> LogicalPlan {
        switch self {
        case .scan(var s):
            s.filters = s.filters.map(f)
            return .scan(s)
        case .oneRow, .limit, .distinct: return self
        case .filter(let p, let c): return .filter(p, f(c))
        case .project(let p, let e, let fl): return .project(p, e.map(f), fl)
        case .aggregate(let p, let k, let a, let fl):
            return .aggregate(p, keys: k.map(f), aggregates: a.map { var c = $0; c.argument = c.argument.map(f); return c }, fl)
        case .sort(let p, let k): return .sort(p, k.map { SortKey(expression: f($0.expression), ascending: $0.ascending, nullsFirst: $0.nullsFirst) })
        case .repartition(let p, let k): return .repartition(p, k.map(f))
        case .join(let l, let r, var j):
            j.leftKeys = j.leftKeys.map(f)
            j.rightKeys = j.rightKeys.map(f)
            j.condition = j.condition.map(f)
            return .join(l, r, j)
        case .union: return self
        }
    }
}
