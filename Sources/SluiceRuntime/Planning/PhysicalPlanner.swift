/// Cuts an optimized logical plan into stages at every point where rows must be
/// regrouped: aggregation and DISTINCT (partial before a hash shuffle, final after),
/// a global sort (sorted runs, then a single merging task), LIMIT (local, then global),
/// a join (its build side broadcast, or both sides hash-partitioned by their keys).
public struct PhysicalPlanner {
    /// Reduce tasks per shuffle (`spark.sql.shuffle.partitions`).
    public var shufflePartitions: Int
    /// The largest estimated build side that is broadcast, in bytes
    /// (`spark.sql.autoBroadcastJoinThreshold`); -1: none is (joins with equality keys
    /// shuffle both sides).
    public var broadcastThreshold: Int64

    public init(shufflePartitions: Int, broadcastThreshold: Int64 = 10 << 20) {
        self.shufflePartitions = max(1, shufflePartitions)
        self.broadcastThreshold = broadcastThreshold
    }

    /// Stages already planned for a subplan whose whole output is materialized (a join's
    /// build side, a union's input), by the subplan's text: a view or CTE used twice is
    /// computed once and its stage read by both users.
    private final class Memo {
        var stages: [String: Int] = [:]
        /// Stages that hash-partition a subplan's output, by subplan text and keys.
        var partitioned: [PartitionedOutput: Int] = [:]
    }

    private struct PartitionedOutput: Hashable {
        var plan: String
        var keys: [Expression]
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

    /// The stage whose output is `plan`'s rows hash-partitioned by `keys` into
    /// `shufflePartitions`, planned once per subplan and keys (a shuffled join's side).
    private func partitioned(_ plan: LogicalPlan, keys: [Expression], _ stages: inout [StagePlan]) -> (id: Int, types: [DataType]) {
        let key = PartitionedOutput(plan: plan.treeString, keys: keys)
        if let id = memo.partitioned[key] { return (id, stages[id].outputTypes) }
        let p = reading(plan, &stages)
        let id = close(p, .hashPartition(keys: keys, partitions: shufflePartitions), &stages)
        memo.partitioned[key] = id
        return (id, p.types)
    }

    /// `plan`'s pipeline; a subplan already materialized (a CTE joined with itself) is read
    /// from its stage instead of being computed again.
    private func reading(_ plan: LogicalPlan, _ stages: inout [StagePlan]) -> Pipeline {
        if let shared = memo.stages[plan.treeString] {
            return Pipeline(input: .gather(stages: [shared]), operators: [], types: stages[shared].outputTypes)
        }
        return build(plan, &stages)
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
            let columns = keys.filter { if case .column = $0 { return true } else { return false } }
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

    /// A rough size of a plan's output, to build the smaller side of an inner join and to
    /// decide whether a build side is small enough to broadcast. A scan is its input
    /// files' bytes (those its partition filters keep), as Spark sizes a file relation,
    /// times the share of the columns it reads; a filter is guessed to keep half.
    static func estimatedBytes(_ plan: LogicalPlan) -> Int64 {
        switch plan {
        case .scan(let s):
            var bytes = s.source.estimatedBytes
            if !s.partitionFilters.isEmpty, let csv = s.source as? CSVSource, let keep = try? csv.prunedFiles(s.partitionFilters) {
                bytes = zip(csv.dataset.files, keep).reduce(0) { $0 + ($1.1 ? $1.0.size : 0) }
            }
            let all = max(s.source.schema.count, 1)
            let share = bytes / Int64(all) * Int64(max(s.columns.count, 1))
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

    /// A hash join. Outer, semi and anti joins keep the left side's rows: they probe with
    /// it and build the right side; an inner join builds the smaller side. The build side is
    /// broadcast when the join has no equality keys (a shuffle needs keys) or its estimated
    /// size is within `broadcastThreshold`; otherwise both sides are hash-partitioned by
    /// their keys and each task joins one partition of each.
    private func join(_ left: LogicalPlan, _ right: LogicalPlan, _ j: JoinNode, _ stages: inout [StagePlan]) -> Pipeline {
        let buildLeft = j.type == .inner && PhysicalPlanner.estimatedBytes(left) < PhysicalPlanner.estimatedBytes(right)
        let buildPlan = buildLeft ? left : right, probePlan = buildLeft ? right : left
        var probeKeys = buildLeft ? j.rightKeys : j.leftKeys
        var buildKeys = buildLeft ? j.leftKeys : j.rightKeys
        let broadcast = probeKeys.isEmpty
            || (broadcastThreshold >= 0 && PhysicalPlanner.estimatedBytes(buildPlan) <= broadcastThreshold)
        let distribution: JoinDistribution
        let buildStage: Int, buildTypes: [DataType]
        var p: Pipeline
        if broadcast {
            distribution = .broadcast
            (buildStage, buildTypes) = materialized(buildPlan, &stages)
            p = reading(probePlan, &stages)
            if j.type == .fullOuter && !isSingleTask(p) {
                // Unmatched build rows are known only once every probe row was seen.
                let id = close(p, .single, &stages)
                p = Pipeline(input: .gather(stages: [id]), operators: [], types: p.types)
            }
        } else {
            distribution = .shuffled
            // Both sides' keys hash alike only when they are of one type (the binder
            // already compares them as one).
            for k in probeKeys.indices where probeKeys[k].type != buildKeys[k].type {
                if let t = TypeCoercion.commonType(probeKeys[k].type, buildKeys[k].type) {
                    probeKeys[k] = TypeCoercion.cast(probeKeys[k], to: t)
                    buildKeys[k] = TypeCoercion.cast(buildKeys[k], to: t)
                }
            }
            (buildStage, buildTypes) = partitioned(buildPlan, keys: buildKeys, &stages)
            let (probeStage, probeTypes) = partitioned(probePlan, keys: probeKeys, &stages)
            // Each task holds all rows of its keys from both sides: a full outer join's
            // unmatched build rows are known at the end of each task.
            p = Pipeline(input: .shuffle(stage: probeStage, partitions: shufflePartitions), operators: [], types: probeTypes)
        }
        let spec = HashJoinSpec(buildStage: buildStage, distribution: distribution, type: j.type,
                                probeKeys: probeKeys, buildKeys: buildKeys,
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
        let stateKeys = keyTypes.enumerated().map { Expression.column($0.offset, $0.element, name: "k\($0.offset)") }
        let id = close(p, .hashPartition(keys: stateKeys, partitions: partitions), &stages)
        var reduce = Pipeline(input: .shuffle(stage: id, partitions: partitions),
                              operators: [.aggregate(keys: keys, aggregates: aggs, mode: .final)], types: p.types)
        reduce.types = outTypes
        return reduce
    }
}
