/// Cuts an optimized logical plan into stages at every point where rows must be
/// regrouped: aggregation and DISTINCT (partial before a hash shuffle, final after),
/// a global sort (sorted runs, then a single merging task), LIMIT (local, then global).
public struct PhysicalPlanner {
    /// Reduce tasks per shuffle.
    public var shufflePartitions: Int

    public init(shufflePartitions: Int) {
        self.shufflePartitions = max(1, shufflePartitions)
    }

    /// A stage being built: its input and the operators appended so far.
    struct Pipeline {
        var input: StageInput
        var operators: [OperatorSpec]
        var types: [DataType]
    }

    public func plan(_ logical: LogicalPlan) -> PhysicalPlan {
        var stages: [StagePlan] = []
        let last = build(logical, &stages)
        stages.append(StagePlan(id: stages.count, input: last.input, operators: last.operators, output: .result, outputTypes: last.types))
        return PhysicalPlan(stages: stages, outputFields: logical.schema)
    }

    /// Closes `p` as a stage with `output` and returns its id.
    private func close(_ p: Pipeline, _ output: StageOutput, _ stages: inout [StagePlan]) -> Int {
        stages.append(StagePlan(id: stages.count, input: p.input, operators: p.operators, output: output, outputTypes: p.types))
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
            return Pipeline(input: .gather(stage: id), operators: [.sort(keys)], types: p.types)
        case .limit(let child, let n):
            if case .sort(let grandchild, let keys) = child {
                var p = build(grandchild, &stages)
                p.operators.append(.topN(keys, n))
                if isSingleTask(p) { return p }
                let id = close(p, .single, &stages)
                return Pipeline(input: .gather(stage: id), operators: [.topN(keys, n)], types: p.types)
            }
            var p = build(child, &stages)
            p.operators.append(.limit(n))
            if isSingleTask(p) { return p }
            let id = close(p, .single, &stages)
            return Pipeline(input: .gather(stage: id), operators: [.limit(n)], types: p.types)
        }
    }

    private func aggregate(_ child: Pipeline, keys: [Expression], aggs: [AggregateCall], _ stages: inout [StagePlan]) -> Pipeline {
        var p = child
        let keyTypes = keys.map(\.type)
        let outTypes = HashAggregateOperator.outputTypes(keys: keyTypes, aggregates: aggs, mode: .final)
        if aggs.contains(where: \.distinct) && !isSingleTask(p) {
            // DISTINCT aggregates keep their value sets in one task.
            let id = close(p, .single, &stages)
            p = Pipeline(input: .gather(stage: id), operators: [], types: p.types)
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
        return Pipeline(input: .shuffle(stage: id, partitions: partitions),
                        operators: [.aggregate(keys: keys, aggregates: aggs, mode: .final)], types: outTypes)
    }
}
