/// The build side of a hash join: all of its rows in one chunk, and a chained hash table
/// from key hash to rows (DuckDB's layout: one head per bucket, one `next` per row).
/// Rows with a NULL key are kept (an outer join emits them) but never entered in the
/// table, so they never match. Immutable once built, so the probe tasks of a stage
/// share one table.
///
/// A bucket is chosen by the top bits of the key hash: a shuffle partition fixes the low
/// bits of its rows' hashes (``HashPartitioner``) and a grace-hash partition a rehash of
/// them (``GraceHashJoinOperator``), so the top bits still spread one partition's rows
/// over every bucket.
public final class JoinHashTable: @unchecked Sendable {
    public let rows: Chunk
    let keys: [Column]
    let hashes: [UInt64]
    /// Row index + 1 of each bucket's first row; 0 for none.
    let heads: [Int32]
    /// Row index + 1 of the next row in the same bucket; 0 ends the chain.
    let next: [Int32]
    /// Bucket = hash >> shift (64 - log2 of the bucket count).
    let shift: UInt64

    public init(chunks: [Chunk], types: [DataType], keys keyExprs: [Expression]) throws {
        var all = Chunk.concat(chunks, types: types)
        all.origin = nil
        rows = all
        let n = all.count
        keys = try keyExprs.map { try ExpressionProgram($0).evaluate(all) }
        hashes = hashRows(keys, count: n)
        var cap = 16, bits: UInt64 = 4
        while cap < n * 2 { cap <<= 1; bits += 1 }
        let shift = 64 - bits
        self.shift = shift
        var heads = [Int32](repeating: 0, count: cap)
        var next = [Int32](repeating: 0, count: n)
        // Insert back to front so that chains list rows in input order.
        for i in stride(from: n - 1, through: 0, by: -1) where !keys.contains(where: { $0.isNull(i) }) {
            let b = Int(truncatingIfNeeded: hashes[i] >> shift)
            next[i] = heads[b]
            heads[b] = Int32(i + 1)
        }
        self.heads = heads
        self.next = next
    }

    /// The most a table of `chunk`'s rows takes, while it is built: the rows twice (the
    /// chunks they come in, and the one chunk they are copied into), and per row its hash,
    /// its chain link and up to four bucket heads (plain column keys share the rows').
    public static func memoryBytes(of chunk: Chunk) -> Int {
        2 * SortOperator.memoryBytes(of: chunk) + chunk.count * 28
    }

    /// Appends to `probeRows`/`buildRows` every pair (probe row, build row) whose keys are
    /// equal, for probe rows with keys `probeKeys`.
    func matches(_ probeKeys: [Column], count n: Int, probeRows: inout [Int32], buildRows: inout [Int32]) {
        let h = hashRows(probeKeys, count: n)
        for i in 0..<n {
            if probeKeys.contains(where: { $0.isNull(i) }) { continue }
            var r = heads[Int(truncatingIfNeeded: h[i] >> shift)]
            while r != 0 {
                let b = Int(r - 1)
                if hashes[b] == h[i] && keysEqual(probeKeys, i, b) {
                    probeRows.append(Int32(i))
                    buildRows.append(Int32(b))
                }
                r = next[b]
            }
        }
    }

    private func keysEqual(_ probe: [Column], _ i: Int, _ b: Int) -> Bool {
        for k in 0..<probe.count {
            switch (probe[k].storage, keys[k].storage) {
            case (.int64(let p), .int64(let q)): if p[i] != q[b] { return false }
            case (.double(let p), .double(let q)):
                let x = p[i], y = q[b]
                if !(x == y || (x.isNaN && y.isNaN)) { return false }
            case (.bool(let p), .bool(let q)): if p[i] != q[b] { return false }
            case (.string(let p), .string(let q)): if !p.equals(i, q, b) { return false }
            default: return false
            }
        }
        return true
    }
}
