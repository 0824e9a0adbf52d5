/// Routes rows to shuffle partitions by a hash of their key columns. Every task of a
/// stage computes the same partition for the same key, whatever chunk it is in.
public enum HashPartitioner {
    /// The partition (0 ..< partitions) of each row.
    public static func partitions(_ keys: [Column], count n: Int, partitions: Int) -> [Int32] {
        let p = UInt64(partitions)
        return hashRows(keys, count: n).map { Int32(truncatingIfNeeded: ($0 >> 1) % p) }
    }
}

/// The end of a map task's pipeline: splits each chunk into one chunk per partition.
public final class PartitioningConsumer: ChunkConsumer {
    let keys: [Int]
    let count: Int
    public private(set) var outputs: [[Chunk]]

    public init(keys: [Int], partitions: Int) {
        self.keys = keys
        self.count = partitions
        outputs = Array(repeating: [], count: partitions)
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        if chunk.count == 0 { return true }
        if count == 1 {
            outputs[0].append(chunk)
            return true
        }
        let parts = HashPartitioner.partitions(keys.map { chunk.columns[$0] }, count: chunk.count, partitions: count)
        var rows = Array(repeating: [Int32](), count: count)
        for (i, p) in parts.enumerated() { rows[Int(p)].append(Int32(i)) }
        var plain = chunk
        plain.origin = nil
        for (p, r) in rows.enumerated() where !r.isEmpty {
            outputs[p].append(plain.gather(r))
        }
        return true
    }

    public func finish() throws {}
}
