/// Routes rows to shuffle partitions by a hash of their key columns. Every task of a
/// stage computes the same partition for the same key, whatever chunk it is in.
public enum HashPartitioner {
    static let nullHash: UInt64 = 0x5851_F42D_4C95_7F2D

    /// The partition (0 ..< partitions) of each row.
    public static func partitions(_ keys: [Column], count n: Int, partitions: Int) -> [Int32] {
        var h = [UInt64](repeating: 0x2545_F491_4F6C_DD1D, count: n)
        h.withUnsafeMutableBufferPointer { hp in
            for c in keys {
                let validity = c.validity
                switch c.storage {
                case .int64(let v):
                    v.withUnsafeBufferPointer { p in for i in 0..<n { hp[i] = mixHash(hp[i] ^ UInt64(bitPattern: p[i])) } }
                case .double(let v):
                    v.withUnsafeBufferPointer { p in
                        for i in 0..<n {
                            var d = p[i]
                            if d == 0 { d = 0 }
                            if d.isNaN { d = .nan }
                            hp[i] = mixHash(hp[i] ^ d.bitPattern)
                        }
                    }
                case .bool(let v):
                    for i in 0..<n { hp[i] = mixHash(hp[i] ^ UInt64(v[i])) }
                case .string(let s):
                    s.bytes.withUnsafeBufferPointer { p in
                        for i in 0..<n {
                            let r = s.range(i)
                            let sh = r.isEmpty ? 0 : hashBytes(p.baseAddress! + r.lowerBound, r.count)
                            hp[i] = mixHash(hp[i] ^ sh)
                        }
                    }
                }
                if let validity {
                    for i in 0..<n where validity.isNull(i) { hp[i] = mixHash(hp[i] ^ nullHash) }
                }
            }
        }
        let p = UInt64(partitions)
        return h.map { Int32(truncatingIfNeeded: ($0 >> 1) % p) }
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
