/// The live operators of one task, built from its stage's specs and ending in a sink.
/// Broadcast joins probe the stage's shared tables (`joinTables`, by operator index); a
/// shuffled join holds its own build side, which the executor hands to it from
/// ``partitionedJoins`` before the task's first input row.
struct TaskPipeline {
    /// The first consumer of the chain `ops[0] -> ops[1] -> ... -> sink`.
    let head: ChunkConsumer
    /// The shuffled joins, by operator index.
    let partitionedJoins: [Int: GraceHashJoinOperator]

    init(_ ops: [OperatorSpec], inputTypes: [DataType], sink: ChunkConsumer, joinTables: [Int: JoinHashTable] = [:], spill: SpillContext? = nil) throws {
        // Types flowing into each operator, to size sorts.
        var types: [[DataType]] = [inputTypes]
        for op in ops {
            let t = types.last!
            switch op {
            case .filter, .sort, .topN, .limit: types.append(t)
            case .hashJoin(let j):
                let left = j.probeIsLeft ? j.probeTypes : j.buildTypes
                let right = j.probeIsLeft ? j.buildTypes : j.probeTypes
                types.append(j.type.keepsRight ? left + right : left)
            case .project(let es): types.append(es.map(\.type))
            case .aggregate(let keys, let aggs, let mode):
                let keyTypes = keys.map(\.type)
                types.append(HashAggregateOperator.outputTypes(keys: keyTypes, aggregates: aggs, mode: mode == .partial ? .partial : .final))
            }
        }
        var next: ChunkConsumer = sink
        var joins: [Int: GraceHashJoinOperator] = [:]
        for (i, op) in ops.enumerated().reversed() {
            switch op {
            case .filter(let e): next = try FilterOperator(e, downstream: next)
            case .project(let es): next = try ProjectOperator(es, downstream: next)
            case .aggregate(let keys, let aggs, let mode): next = try HashAggregateOperator(keys: keys, aggregates: aggs, mode: mode, downstream: next, spill: spill)
            case .sort(let keys): next = try SortOperator(keys: keys, types: types[i], downstream: next, spill: spill)
            case .topN(let keys, let n): next = try TopNOperator(keys: keys, limit: n, types: types[i], downstream: next)
            case .limit(let n): next = LimitOperator(n, downstream: next)
            case .hashJoin(let j) where j.distribution == .shuffled:
                let join = try GraceHashJoinOperator(type: j.type, buildKeys: j.buildKeys, probeKeys: j.probeKeys, condition: j.condition,
                                                     probeIsLeft: j.probeIsLeft, buildTypes: j.buildTypes, probeTypes: j.probeTypes,
                                                     downstream: next, spill: spill)
                joins[i] = join
                next = join
            case .hashJoin(let j):
                guard let table = joinTables[i] else { throw InternalError("no build table for the join of operator \(i)") }
                next = try HashJoinOperator(table: table, type: j.type, probeKeys: j.probeKeys, condition: j.condition, probeIsLeft: j.probeIsLeft, probeTypes: j.probeTypes, downstream: next)
            }
        }
        head = next
        partitionedJoins = joins
    }
}

/// Counts the rows a source pushes into a pipeline (the run report's rows read).
final class CountingConsumer: ChunkConsumer {
    let downstream: ChunkConsumer
    private(set) var rows = 0
    init(_ downstream: ChunkConsumer) { self.downstream = downstream }
    func consume(_ chunk: Chunk) throws -> Bool {
        rows += chunk.count
        return try downstream.consume(chunk)
    }
    func finish() throws { try downstream.finish() }
}
