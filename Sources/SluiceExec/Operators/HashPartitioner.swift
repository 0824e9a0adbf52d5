/// Routes rows to shuffle partitions by a hash of their key columns. Every task of a
/// stage computes the same partition for the same key, whatever chunk it is in.
public enum HashPartitioner {
    /// The partition (0 ..< partitions) of each row.
    public static func partitions(_ keys: [Column], count n: Int, partitions: Int) -> [Int32] {
        let p = UInt64(partitions)
        return hashRows(keys, count: n).map { Int32(truncatingIfNeeded: ($0 >> 1) % p) }
    }
}

/// The end of a task's pipeline: hands each chunk on whole (no keys, or one partition),
/// or split into one chunk per partition by the hash of the key expressions (the group
/// key columns of a partial aggregation, the join keys of a shuffled join's side). Rows
/// keep their order within a partition.
public final class PartitioningConsumer: ChunkConsumer {
    let keys: [ExpressionProgram]?
    let count: Int
    let deliver: (Int, Chunk) throws -> Void
    public private(set) var rows = 0

    public init(keys: [Expression]?, partitions: Int, deliver: @escaping (_ partition: Int, _ chunk: Chunk) throws -> Void) throws {
        self.keys = try keys.map { try $0.map { try ExpressionProgram($0) } }
        self.count = max(partitions, 1)
        self.deliver = deliver
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        if chunk.count == 0 { return true }
        rows += chunk.count
        var plain = chunk
        plain.origin = nil
        guard let keys, count > 1 else {
            try deliver(0, plain)
            return true
        }
        let parts = HashPartitioner.partitions(try keys.map { try $0.evaluate(chunk) }, count: plain.count, partitions: count)
        var rowsOf = Array(repeating: [Int32](), count: count)
        for (i, p) in parts.enumerated() { rowsOf[Int(p)].append(Int32(i)) }
        for (p, r) in rowsOf.enumerated() where !r.isEmpty {
            try deliver(p, r.count == plain.count ? plain : plain.gather(r))
        }
        return true
    }

    public func finish() throws {}
}
