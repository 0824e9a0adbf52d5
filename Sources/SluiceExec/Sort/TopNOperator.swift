/// `ORDER BY ... LIMIT n`: keeps only the best `n` rows seen so far, so memory is
/// bounded by `n` whatever the input size.
public final class TopNOperator: ChunkConsumer {
    let limit: Int
    let comparator: RowComparator
    let evaluator: KeyEvaluator
    let types: [DataType]
    let downstream: ChunkConsumer
    var buffer: Chunk
    var bufferKeys: [Column] = []
    /// Row of `buffer` that is the current n-th best, once the buffer has n rows.
    var thresholdRow: Int? = nil

    public init(keys: [SortKey], limit: Int, types: [DataType], downstream: ChunkConsumer) throws {
        self.limit = limit
        comparator = RowComparator(keys: keys)
        evaluator = try KeyEvaluator(keys)
        self.types = types
        self.downstream = downstream
        buffer = Chunk.empty(types: types)
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        if chunk.count == 0 || limit == 0 { return true }
        let keys = try evaluator.evaluate(chunk)
        var candidates: [Int32]
        if let t = thresholdRow {
            candidates = []
            for i in 0..<chunk.count where comparator.compare(keys, i, bufferKeys, t) < 0 {
                candidates.append(Int32(i))
            }
            if candidates.isEmpty { return true }
        } else {
            candidates = Array(0..<Int32(chunk.count))
        }
        let picked = candidates.count == chunk.count ? chunk : chunk.gather(candidates)
        var merged = Chunk.concat([buffer, picked], types: types)
        merged.origin = nil
        if merged.count >= max(limit * 2, 1024) || thresholdRow == nil && merged.count >= limit {
            try compact(merged)
        } else {
            buffer = merged
            bufferKeys = try evaluator.evaluate(buffer)
        }
        return true
    }

    /// Sorts the buffer, keeps the best `limit` rows and remembers the worst of them.
    private func compact(_ rows: Chunk) throws {
        let keys = try evaluator.evaluate(rows)
        let order = SortOperator.mergeSort(Array(0..<Int32(rows.count))) { comparator.compare(keys, Int($0), keys, Int($1)) < 0 }
        buffer = rows.gather(Array(order.prefix(limit)))
        bufferKeys = try evaluator.evaluate(buffer)
        thresholdRow = buffer.count >= limit ? buffer.count - 1 : nil
    }

    public func finish() throws {
        try compact(buffer)
        if buffer.count > 0 { _ = try downstream.consume(buffer) }
        try downstream.finish()
    }
}
