/// Cuts an optimized logical plan into stages at every point where rows must be
/// regrouped: aggregation and DISTINCT (partial before a hash shuffle, final after),
/// a global sort (sorted runs, then a single merging task), LIMIT (local, then global).
public struct PhysicalPlanner {
    /// Reduce tasks per shuffle.
    public var shufflePartitions: Int

    public init(shufflePartitions: Int) {
        self.shufflePartitions = max(1, shufflePartitions)
    }

    /// Stages already planned for a subplan whose whole output is materialized (a join's
    /// build side, a union's input), by the subplan's text: a view or CTE used twice is
    /// computed once and its stage read by both users.
    private final class Memo {
        var stages: [String: Int] = [:]
    }
    private let memo = Memo()

    /// The stage holding `plan`'s whole output, planned once per distinct subplan.
    private func materialized(_ plan: LogicalPlan, _ stages: inout [StagePlan]) -> (id: Int, types: [DataType]) {
        let key = plan.treeString
        if let id = memo.stages[key] { return (id, stages[id].outputTypes) }
        let p = build(plan, &stages)
        let id = close(p, .single, &stages)
        memo.stages[key] = id
        return (id, p.types)
    }

    /// A stage being built: its input and the operators appended so far.
    struct Pipeline {
        var input: StageInput
        var inputTypes: [DataType]
        var operators: [OperatorSpec]
        var types: [DataType]

        init(input: StageInput, operators: [OperatorSpec], types: [DataType]) {
            self.input = input
            inputTypes = types
            self.operators = operators
            self.types = types
        }
    }

    /// The stages of `logical`; the last one's rows go to `output`: the query's result, or
    /// files written by its tasks.
    public func plan(_ logical: LogicalPlan, output: StageOutput = .result) -> PhysicalPlan {
        var stages: [StagePlan] = []
        let last = build(logical, &stages)
        stages.append(StagePlan(id: stages.count, input: last.input, inputTypes: last.inputTypes, operators: last.operators, output: output, outputTypes: last.types))
        return PhysicalPlan(stages: stages, outputFields: logical.schema)
    }

    /// Closes `p` as a stage with `output` and returns its id.
    private func close(_ p: Pipeline, _ output: StageOutput, _ stages: inout [StagePlan]) -> Int {
        stages.append(StagePlan(id: stages.count, input: p.input, inputTypes: p.inputTypes, operators: p.operators, output: output, outputTypes: p.types))
        return stages.count - 1
    }

    /// Whether a pipeline runs as exactly one task (no shuffle is needed above it).
    private func isSingleTask(_ p: Pipeline) -> Bool {
        switch p.input {
        case .oneRow, .gather: return true
        case .shuffle(_, let n): return n == 1
        case .scan: return false
        }
    }

    private func build(_ plan: LogicalPlan, _ stages: inout [StagePlan]) -> Pipeline {
        switch plan {
        case .join(let l, let r, let j):
            return join(l, r, j, &stages)
        case .union(let inputs, let fields):
            let ids = inputs.map { materialized($0, &stages).id }
            return Pipeline(input: .gather(stages: ids), operators: [], types: fields.map(\.type))
        case .scan(let scan):
            var p = Pipeline(input: .scan(ScanSpec(source: scan.source, columns: scan.columns, partitionFilters: scan.partitionFilters)), operators: [], types: plan.schema.map(\.type))
            if !scan.filters.isEmpty {
                p.operators.append(.filter(scan.filters.dropFirst().reduce(scan.filters[0]) { .and($0, $1) }))
            }
            return p
        case .oneRow:
            return Pipeline(input: .oneRow, operators: [], types: [])
        case .filter(let child, let c):
            var p = build(child, &stages)
            p.operators.append(.filter(c))
            return p
        case .project(let child, let exprs, _):
            var p = build(child, &stages)
            p.operators.append(.project(exprs))
            p.types = exprs.map(\.type)
            return p
        case .aggregate(let child, let keys, let aggs, _):
            return aggregate(build(child, &stages), keys: keys, aggs: aggs, &stages)
        case .repartition(let child, let keys):
            // DISTRIBUTE BY: a hash shuffle on key columns (the binder made each key a column).
            let p = build(child, &stages)
            let columns = keys.compactMap { k -> Int? in if case .column(let i, _, _) = k { return i } else { return nil } }
            let id = close(p, .hashPartition(keys: columns, partitions: shufflePartitions), &stages)
            return Pipeline(input: .shuffle(stage: id, partitions: shufflePartitions), operators: [], types: p.types)
        case .distinct(let child):
            let types = child.schema.map(\.type)
            let keys = types.enumerated().map { Expression.column($0.offset, $0.element, name: "c\($0.offset)") }
            return aggregate(build(child, &stages), keys: keys, aggs: [], &stages)
        case .sort(let child, let keys):
            var p = build(child, &stages)
            if isSingleTask(p) {
                p.operators.append(.sort(keys))
                return p
            }
            p.operators.append(.sort(keys))
            let id = close(p, .single, &stages)
            return Pipeline(input: .gather(stages: [id]), operators: [.sort(keys)], types: p.types)
        case .limit(let child, let n):
            if case .sort(let grandchild, let keys) = child {
                var p = build(grandchild, &stages)
                p.operators.append(.topN(keys, n))
                if isSingleTask(p) { return p }
                let id = close(p, .single, &stages)
                return Pipeline(input: .gather(stages: [id]), operators: [.topN(keys, n)], types: p.types)
            }
            var p = build(child, &stages)
            p.operators.append(.limit(n))
            if isSingleTask(p) { return p }
            let id = close(p, .single, &stages)
            return Pipeline(input: .gather(stages: [id]), operators: [.limit(n)], types: p.types)
        }
    }

    /// A rough size of a plan's output, to build the smaller side of an inner join.
    static func estimatedBytes(_ plan: LogicalPlan) -> Int64 {
        switch plan {
        case .scan(let s):
            let all = max(s.source.schema.count, 1)
            let share = s.source.estimatedBytes / Int64(all) * Int64(max(s.columns.count, 1))
            return s.filters.isEmpty ? share : share / 2
        case .oneRow: return 0
        case .filter(let p, _): return estimatedBytes(p) / 2
        case .aggregate(let p, _, _, _), .distinct(let p): return estimatedBytes(p) / 4
        case .project(let p, _, _), .sort(let p, _), .repartition(let p, _): return estimatedBytes(p)
        case .limit(let p, let n): return min(estimatedBytes(p), Int64(n) * 64)
        case .join(let l, let r, _): return estimatedBytes(l) + estimatedBytes(r)
        case .union(let ps, _): return ps.reduce(0) { $0 + estimatedBytes($1) }
        }
    }

    private func join(_ left: LogicalPlan, _ right: LogicalPlan, _ j: JoinNode, _ stages: inout [StagePlan]) -> Pipeline {
        // Outer, semi and anti joins keep the left side's rows: they probe with it.
        let buildLeft = j.type == .inner && PhysicalPlanner.estimatedBytes(left) < PhysicalPlanner.estimatedBytes(right)
        let (buildStage, buildTypes) = materialized(buildLeft ? left : right, &stages)
        let probePlan = buildLeft ? right : left
        var p: Pipeline
        if let shared = memo.stages[probePlan.treeString] {
            // The probe side is a subplan already computed (a CTE joined with itself).
            p = Pipeline(input: .gather(stages: [shared]), operators: [], types: stages[shared].outputTypes)
        } else {
            p = self.build(probePlan, &stages)
        }
        if j.type == .fullOuter && !isSingleTask(p) {
            // Unmatched build rows are known only once every probe row was seen.
            let id = close(p, .single, &stages)
            p = Pipeline(input: .gather(stages: [id]), operators: [], types: p.types)
        }
        let spec = HashJoinSpec(buildStage: buildStage, type: j.type,
                                probeKeys: buildLeft ? j.rightKeys : j.leftKeys,
                                buildKeys: buildLeft ? j.leftKeys : j.rightKeys,
                                condition: j.condition, probeIsLeft: !buildLeft,
                                probeTypes: p.types, buildTypes: buildTypes)
        let leftTypes = buildLeft ? buildTypes : p.types
        let rightTypes = buildLeft ? p.types : buildTypes
        p.operators.append(.hashJoin(spec))
        p.types = j.type.keepsRight ? leftTypes + rightTypes : leftTypes
        return p
    }

    private func aggregate(_ child: Pipeline, keys: [Expression], aggs: [AggregateCall], _ stages: inout [StagePlan]) -> Pipeline {
        var p = child
        let keyTypes = keys.map(\.type)
        let outTypes = HashAggregateOperator.outputTypes(keys: keyTypes, aggregates: aggs, mode: .final)
        if aggs.contains(where: \.distinct) && !isSingleTask(p) {
            // DISTINCT aggregates keep their value sets in one task.
            let id = close(p, .single, &stages)
            p = Pipeline(input: .gather(stages: [id]), operators: [], types: p.types)
        }
        if isSingleTask(p) {
            p.operators.append(.aggregate(keys: keys, aggregates: aggs, mode: .single))
            p.types = outTypes
            return p
        }
        p.operators.append(.aggregate(keys: keys, aggregates: aggs, mode: .partial))
        p.types = HashAggregateOperator.outputTypes(keys: keyTypes, aggregates: aggs, mode: .partial)
        let partitions = keys.isEmpty ? 1 : shufflePartitions
        let id = close(p, .hashPartition(keys: Array(keys.indices), partitions: partitions), &stages)
        var reduce = Pipeline(input: .shuffle(stage: id, partitions: partitions),
                              operators: [.aggregate(keys: keys, aggregates: aggs, mode: .final)], types: p.types)
        reduce.types = outTypes
        return reduce
    }
}
