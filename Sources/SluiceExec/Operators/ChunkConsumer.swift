/// A stage of a push-based pipeline: a scan pushes chunks through filters and
/// projections into a sink (an aggregate's hash table, a sort buffer, a shuffle writer).
///
/// `consume` returns `false` once the consumer wants no more input (a satisfied LIMIT),
/// so that the source can stop reading early. `finish` is called once, after the last
/// chunk, and flushes whatever the consumer held back to its own downstream.
public protocol ChunkConsumer: AnyObject {
    func consume(_ chunk: Chunk) throws -> Bool
    func finish() throws
}

/// Collects every chunk it is given; the end of a pipeline in tests and at the driver.
public final class CollectingConsumer: ChunkConsumer {
    public private(set) var chunks: [Chunk] = []
    public private(set) var finished = false

    public init() {}

    public func consume(_ chunk: Chunk) throws -> Bool {
        if chunk.count > 0 { chunks.append(chunk) }
        return true
    }

    public func finish() throws { finished = true }

    public var rowCount: Int { chunks.reduce(0) { $0 + $1.count } }
}

/// Keeps rows for which a predicate is true, as a selection over the chunk.
public final class FilterOperator: ChunkConsumer {
    let predicate: ExpressionProgram
    let downstream: ChunkConsumer

    public init(_ predicate: Expression, downstream: ChunkConsumer) throws {
        self.predicate = try ExpressionProgram(predicate)
        self.downstream = downstream
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        guard let rows = try predicate.select(chunk) else { return try downstream.consume(chunk) }
        if rows.isEmpty { return true }
        return try downstream.consume(chunk.gather(rows))
    }

    public func finish() throws { try downstream.finish() }
}

/// Computes a new set of columns from each chunk.
public final class ProjectOperator: ChunkConsumer {
    let programs: [ExpressionProgram]
    let downstream: ChunkConsumer

    public init(_ expressions: [Expression], downstream: ChunkConsumer) throws {
        programs = try expressions.map { try ExpressionProgram($0) }
        self.downstream = downstream
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        let cols = try programs.map { try $0.evaluate(chunk) }
        return try downstream.consume(Chunk(columns: cols, count: chunk.count, origin: chunk.origin))
    }

    public func finish() throws { try downstream.finish() }
}

/// Passes the first `limit` rows, then asks for no more.
public final class LimitOperator: ChunkConsumer {
    let limit: Int
    var seen = 0
    let downstream: ChunkConsumer

    public init(_ limit: Int, downstream: ChunkConsumer) {
        self.limit = limit
        self.downstream = downstream
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        if seen >= limit { return false }
        let take = min(limit - seen, chunk.count)
        seen += take
        let more = try downstream.consume(take == chunk.count ? chunk : chunk.slice(0..<take))
        return more && seen < limit
    }

    public func finish() throws { try downstream.finish() }
}
