/// Compares rows by ORDER BY keys, with Spark's rules: NULLs first or last as each key
/// says, strings in byte order, NaN above every number.
struct RowComparator {
    let keys: [SortKey]

    /// Compares row `i` of key columns `a` with row `j` of key columns `b`: negative
    /// when row `i` sorts first.
    func compare(_ a: [Column], _ i: Int, _ b: [Column], _ j: Int) -> Int {
        for k in 0..<keys.count {
            let x = a[k], y = b[k]
            let xn = x.isNull(i), yn = y.isNull(j)
            if xn || yn {
                if xn && yn { continue }
                return xn == keys[k].nullsFirst ? -1 : 1
            }
            var c: Int
            switch (x.storage, y.storage) {
            case (.int64(let p), .int64(let q)): c = p[i] < q[j] ? -1 : (p[i] > q[j] ? 1 : 0)
            case (.double(let p), .double(let q)): c = Kernels.doubleCompare(p[i], q[j])
            case (.bool(let p), .bool(let q)): c = Int(p[i]) - Int(q[j])
            case (.string(let p), .string(let q)): c = p.compare(i, q, j)
            default: c = 0
            }
            if c != 0 { return keys[k].ascending ? c : -c }
        }
        return 0
    }
}

/// Evaluated sort-key columns of a chunk.
struct KeyEvaluator {
    let programs: [ExpressionProgram]
    init(_ keys: [SortKey]) throws { programs = try keys.map { try ExpressionProgram($0.expression) } }
    func evaluate(_ chunk: Chunk) throws -> [Column] { try programs.map { try $0.evaluate(chunk) } }
}

/// Sorts all of its input (in memory) and emits it in order.
public final class SortOperator: ChunkConsumer {
    let comparator: RowComparator
    let evaluator: KeyEvaluator
    let types: [DataType]
    var chunks: [Chunk] = []
    let downstream: ChunkConsumer

    public init(keys: [SortKey], types: [DataType], downstream: ChunkConsumer) throws {
        comparator = RowComparator(keys: keys)
        evaluator = try KeyEvaluator(keys)
        self.types = types
        self.downstream = downstream
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        if chunk.count > 0 { chunks.append(chunk) }
        return true
    }

    public func finish() throws {
        let all = Chunk.concat(chunks, types: types)
        chunks = []
        let keyCols = try evaluator.evaluate(all)
        var order = [Int32](0..<Int32(all.count))
        // A stable sort, so that equal keys keep their input order.
        order = SortOperator.mergeSort(order) { comparator.compare(keyCols, Int($0), keyCols, Int($1)) < 0 }
        let sorted = all.gather(order)
        var start = 0
        while start < sorted.count {
            let end = min(start + Chunk.capacity, sorted.count)
            if !(try downstream.consume(sorted.slice(start..<end))) { break }
            start = end
        }
        try downstream.finish()
    }

    /// A stable merge sort of `items` by `less`.
    static func mergeSort(_ items: [Int32], by less: (Int32, Int32) -> Bool) -> [Int32] {
        var a = items
        var b = items
        let n = a.count
        var width = 1
        // Insertion-sort runs of 16 first.
        let run = 16
        var s = 0
        while s < n {
            let e = min(s + run, n)
            var i = s + 1
            while i < e {
                let x = a[i]
                var j = i - 1
                while j >= s && less(x, a[j]) { a[j + 1] = a[j]; j -= 1 }
                a[j + 1] = x
                i += 1
            }
            s = e
        }
        width = run
        while width < n {
            var lo = 0
            while lo < n {
                let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
                var i = lo, j = mid, k = lo
                while i < mid && j < hi {
                    if less(a[j], a[i]) { b[k] = a[j]; j += 1 } else { b[k] = a[i]; i += 1 }
                    k += 1
                }
                while i < mid { b[k] = a[i]; i += 1; k += 1 }
                while j < hi { b[k] = a[j]; j += 1; k += 1 }
                lo = hi
            }
            swap(&a, &b)
            width *= 2
        }
        return a
    }
}

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
