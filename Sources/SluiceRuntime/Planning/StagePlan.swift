/// One operator of a task's pipeline, as a value that can be printed by `explain` and
/// sent to a worker process.
public enum OperatorSpec: Sendable, Codable, CustomStringConvertible {
    case filter(Expression)
    case project([Expression])
    case aggregate(keys: [Expression], aggregates: [AggregateCall], mode: AggregateMode)
    case sort([SortKey])
    case topN([SortKey], Int)
    case limit(Int)
    /// Probes a hash table built from `buildStage`'s rows: all of them (broadcast), or the
    /// task's partition of them (shuffled).
    case hashJoin(HashJoinSpec)

    public var description: String {
        switch self {
        case .filter(let e): return "Filter \(e)"
        case .project(let es): return "Project [\(es.map(\.description).joined(separator: ", "))]"
        case .aggregate(let k, let a, let m):
            return "HashAggregate(\(m.rawValue)) keys: [\(k.map(\.description).joined(separator: ", "))] aggregates: [\(a.map(\.description).joined(separator: ", "))]"
        case .sort(let k): return "Sort [\(k.map(\.description).joined(separator: ", "))]"
        case .topN(let k, let n): return "TopN \(n) [\(k.map(\.description).joined(separator: ", "))]"
        case .limit(let n): return "Limit \(n)"
        case .hashJoin(let j):
            let side = j.probeIsLeft ? "right" : "left"
            var text: String
            switch j.distribution {
            case .broadcast: text = "HashJoin \(j.type.rawValue) build: stage \(j.buildStage) (\(side) side)"
            case .shuffled: text = "ShuffledHashJoin \(j.type.rawValue) build: the task's partition of stage \(j.buildStage) (\(side) side)"
            }
            if !j.probeKeys.isEmpty {
                text += " keys: [" + zip(j.probeKeys, j.buildKeys).map { "\($0) = \($1)" }.joined(separator: ", ") + "]"
            }
            if let c = j.condition { text += " condition: \(c)" }
            return text
        }
    }
}

/// How a hash join's build side reaches its probe tasks.
public enum JoinDistribution: String, Sendable, Codable {
    /// All of the build stage's rows go to every probe task (a small side, or a join
    /// without equality keys).
    case broadcast
    /// Both sides are hash-partitioned by their join keys into as many partitions; probe
    /// task p builds its table from partition p of the build stage, within its memory
    /// budget (``GraceHashJoinOperator``).
    case shuffled
}

/// A hash join of a stage's rows (the probe side) against another stage's (the build side).
public struct HashJoinSpec: Sendable, Codable {
    public var buildStage: Int
    public var distribution: JoinDistribution
    public var type: JoinType
    public var probeKeys: [Expression]
    public var buildKeys: [Expression]
    /// Over the left side's columns followed by the right side's.
    public var condition: Expression?
    public var probeIsLeft: Bool
    public var probeTypes: [DataType]
    public var buildTypes: [DataType]
}

/// Where a stage's tasks get their rows.
public enum StageInput: Sendable {
    /// One task per input split of a scan.
    case scan(ScanSpec)
    /// One task, one row with no columns (`SELECT 1`).
    case oneRow
    /// `partitions` tasks; task p reads partition p of every task of `stage`.
    case shuffle(stage: Int, partitions: Int)
    /// One task reading all of the output of `stages`, in order.
    case gather(stages: [Int])
}

/// Where a stage's tasks send their rows.
public enum StageOutput: Sendable {
    /// Rows routed by a hash of the keys (expressions over the stage's output columns) to
    /// the tasks of the next stage.
    case hashPartition(keys: [Expression], partitions: Int)
    /// All rows to the single task of the next stage.
    case single
    /// The query's result.
    case result
    /// Files under a staging directory, one set per task attempt (INSERT).
    case write(WriteSpec)
}

/// What a scan stage reads: the source, the columns, and the partition predicates
/// that prune files.
public struct ScanSpec: @unchecked Sendable {
    public var source: any ScanSource
    public var columns: [Int]
    public var partitionFilters: [Expression]
}

/// A stage of the physical plan (as in Tez): tasks that run the same pipeline on
/// different parts of the input, cut from the next stage where rows are regrouped.
public struct StagePlan: Sendable {
    public var id: Int
    public var input: StageInput
    /// The types of the rows the input delivers.
    public var inputTypes: [DataType]
    public var operators: [OperatorSpec]
    public var output: StageOutput
    /// The types of the rows the pipeline produces.
    public var outputTypes: [DataType]

    /// `scan data/events`, `shuffle from stage 1`: what progress lines call the stage.
    public var label: String {
        switch input {
        case .scan(let spec): return "scan \(spec.source.displayName)"
        case .oneRow: return "one row"
        case .shuffle(let from, _): return "shuffle from stage \(from)"
        case .gather(let from): return "gather from stage\(from.count == 1 ? "" : "s") \(from.map(String.init).joined(separator: ", "))"
        }
    }

    /// The stages whose output this stage reads: its input and its joins' build sides
    /// (a stage read twice is listed twice).
    public var reads: [Int] {
        var out: [Int] = []
        switch input {
        case .shuffle(let from, _): out.append(from)
        case .gather(let from): out += from
        case .scan, .oneRow: break
        }
        for case .hashJoin(let j) in operators { out.append(j.buildStage) }
        return out
    }
}

/// The stages of one query, in an order where every stage comes after its inputs; the
/// last produces the result.
public struct PhysicalPlan: Sendable {
    public var stages: [StagePlan]
    public var outputFields: [Field]

    /// For each stage read by others, how many times it is read: its output can be freed
    /// when that many readers are done.
    public var readerCounts: [Int: Int] {
        var counts: [Int: Int] = [:]
        for s in stages { for from in s.reads { counts[from, default: 0] += 1 } }
        return counts
    }

    /// The stages (by index) in groups that run together: consecutive stages none of which
    /// reads another of its group, so that each stage starts once its inputs are complete
    /// instead of after every stage before it (the two sides of a shuffled join scan at
    /// once).
    public var waves: [[Int]] {
        var waves: [[Int]] = []
        var ids: Set<Int> = []
        for (i, s) in stages.enumerated() {
            if waves.isEmpty || s.reads.contains(where: ids.contains) {
                waves.append([i])
                ids = [s.id]
            } else {
                waves[waves.count - 1].append(i)
                ids.insert(s.id)
            }
        }
        return waves
    }

    /// The stage DAG as `explain` prints it.
    public var treeString: String {
        var lines: [String] = []
        for s in stages {
            var input: String
            switch s.input {
            case .scan(let spec):
                input = "scan \(spec.source.displayName) [\(spec.columns.map { spec.source.schema[$0].name }.joined(separator: ", "))]"
                if !spec.partitionFilters.isEmpty { input += " pruning [\(spec.partitionFilters.map(\.description).joined(separator: ", "))]" }
                input += ", one task per split"
            case .oneRow: input = "one row, 1 task"
            case .shuffle(let st, let p): input = "shuffle from stage \(st), \(p) tasks"
            case .gather(let st): input = "gather from stage\(st.count == 1 ? "" : "s") \(st.map(String.init).joined(separator: ", ")), 1 task"
            }
            let output: String
            switch s.output {
            case .hashPartition(let k, let p):
                // A column key prints as its position (#0), any other key as its expression.
                let keys = k.map { key -> String in
                    if case .column(let i, _, _) = key { return "#\(i)" }
                    return key.description
                }
                output = "hash partition by [\(keys.joined(separator: ", "))] into \(p)"
            case .single: output = "to one task"
            case .result: output = "result"
            case .write(let w): output = w.description
            }
            lines.append("Stage \(s.id): \(input) -> \(output)")
            for op in s.operators { lines.append("  \(op)") }
        }
        return lines.joined(separator: "\n")
    }
}
