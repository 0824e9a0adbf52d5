/// A column of a plan's output: its name, type and, for columns that come straight from a
/// table or alias, the qualifier that `t.col` resolves against.
public struct Field: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: DataType
    public var qualifier: String?
    /// A column that only a qualified name reaches: the other side's key of a join
    /// `USING (k)` (`t2.k`), left out of `*` and of unqualified names, as in Spark.
    public var hidden: Bool

    public init(name: String, type: DataType, qualifier: String? = nil, hidden: Bool = false) {
        self.name = name
        self.type = type
        self.qualifier = qualifier
        self.hidden = hidden
    }

    public var description: String { "\(name): \(type)" }
}

/// Something the binder can scan: a CSV view or path. The runtime implements it; the
/// planner only needs its schema and, to prune partitions, which columns are partition
/// columns.
public protocol ScanSource: AnyObject, Sendable {
    /// Data columns, then partition columns.
    var schema: [Field] { get }
    /// How many of the last columns of `schema` are Hive partition columns.
    var partitionColumnCount: Int { get }
    /// What `explain` prints, e.g. `csv data/events`.
    var displayName: String { get }
    /// The input's size in bytes, to pick the smaller side of a join to build.
    var estimatedBytes: Int64 { get }
}

extension ScanSource {
    public var estimatedBytes: Int64 { 1 << 40 }
}

/// A scan of a source: the columns it produces (positions in the source schema), the
/// predicates evaluated right at the scan, and the predicates on partition columns that
/// prune files before any is opened.
public struct ScanNode: Sendable {
    public var source: any ScanSource
    public var columns: [Int]
    public var qualifier: String?
    /// Filters over the scan's output columns, evaluated as rows are read.
    public var filters: [Expression]
    /// Filters over the source schema's partition columns only, used to prune files.
    public var partitionFilters: [Expression]

    public init(source: any ScanSource, columns: [Int], qualifier: String?, filters: [Expression] = [], partitionFilters: [Expression] = []) {
        self.source = source
        self.columns = columns
        self.qualifier = qualifier
        self.filters = filters
        self.partitionFilters = partitionFilters
    }
}

/// What a query means, as a tree of relational operators. Each node's output columns are
/// `schema`; expressions refer to the input's columns by position.
public indirect enum LogicalPlan: Sendable {
    case scan(ScanNode)
    /// One row with no columns (`SELECT 1` without FROM).
    case oneRow
    case filter(LogicalPlan, Expression)
    case project(LogicalPlan, [Expression], [Field])
    /// Output: the group keys, then the aggregates.
    case aggregate(LogicalPlan, keys: [Expression], aggregates: [AggregateCall], [Field])
    case sort(LogicalPlan, [SortKey])
    case limit(LogicalPlan, Int)
    case distinct(LogicalPlan)
    /// An equi-join: `leftKeys[i] = rightKeys[i]` for every i (over each side's own
    /// columns; NULL keys never match), then `condition` over the left columns followed
    /// by the right ones. Output: left columns, then right ones (semi and anti: left only).
    case join(LogicalPlan, LogicalPlan, JoinNode)
    /// The rows of every input, one after another; inputs already share `fields`' types.
    case union([LogicalPlan], [Field])
    /// `DISTRIBUTE BY keys`: the same rows, regrouped so that rows with equal keys are in the
    /// same task (a hash shuffle on the keys).
    case repartition(LogicalPlan, [Expression])

    public var schema: [Field] {
        switch self {
        case .scan(let s):
            let src = s.source.schema
            return s.columns.map { Field(name: src[$0].name, type: src[$0].type, qualifier: s.qualifier) }
        case .oneRow: return []
        case .filter(let p, _), .sort(let p, _), .limit(let p, _), .distinct(let p), .repartition(let p, _): return p.schema
        case .project(_, _, let f), .aggregate(_, _, _, let f), .union(_, let f): return f
        case .join(let l, let r, let j):
            return j.type.keepsRight ? l.schema + r.schema : l.schema
        }
    }

    public var inputs: [LogicalPlan] {
        switch self {
        case .scan, .oneRow: return []
        case .filter(let p, _), .sort(let p, _), .limit(let p, _), .distinct(let p), .project(let p, _, _), .aggregate(let p, _, _, _), .repartition(let p, _): return [p]
        case .join(let l, let r, _): return [l, r]
        case .union(let ps, _): return ps
        }
    }
}

/// The keys and condition of a join.
public struct JoinNode: Sendable {
    public var type: JoinType
    public var leftKeys: [Expression]
    public var rightKeys: [Expression]
    /// What must also hold for a pair to match, over left then right columns.
    public var condition: Expression?

    public init(type: JoinType, leftKeys: [Expression], rightKeys: [Expression], condition: Expression?) {
        self.type = type
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.condition = condition
    }
}
