/// Sorts all of its input and emits it in order; equal keys keep their input order.
///
/// Given a ``SpillContext``, the buffered input stays within the context's budget by
/// going to disk as sorted runs, merged at the end (external merge sort):
///
/// ```
///  consume ... buffer over budget ─> sort it ─> run file 0     (runs are consecutive
///  consume ... buffer over budget ─> sort it ─> run file 1      ranges of the input)
///  finish  ─> sort the rest in memory (the last run)
///          ─> more than 64 runs: merge consecutive groups of 64 into longer runs, repeat
///          ─> k-way merge (a heap of run cursors) ─> chunks of Chunk.capacity rows
/// ```
///
/// Ties go to the lower run, then the earlier row within a run, which is input order:
/// the merge is as stable as the in-memory sort. Keys that are not plain input columns
/// are evaluated once and stored in the runs after the input columns.
public final class SortOperator: ChunkConsumer {
    let comparator: RowComparator
    let evaluator: KeyEvaluator
    let types: [DataType]
    var chunks: [Chunk] = []
    let downstream: ChunkConsumer
    /// The budget and scratch space; nil sorts everything in memory.
    let spill: SpillContext?
    /// Bytes of `chunks`, while there is a budget to keep.
    var bufferedBytes = 0
    /// Sorted runs on disk, in input order.
    var runs: [ScratchFile] = []
    /// For each key, the column of a run chunk that holds its values.
    let runKeyColumns: [Int]
    /// The keys that are not plain input columns: stored after the input columns of a run.
    let storedKeys: [Int]
    /// Runs merged at once; more are first merged in groups into longer runs.
    static let maxFanIn = 64

    public init(keys: [SortKey], types: [DataType], downstream: ChunkConsumer, spill: SpillContext? = nil) throws {
        comparator = RowComparator(keys: keys)
        evaluator = try KeyEvaluator(keys)
        self.types = types
        self.downstream = downstream
        self.spill = spill
        var runKeyColumns: [Int] = [], storedKeys: [Int] = []
        for (k, key) in keys.enumerated() {
            if case .column(let i, _, _) = key.expression, i < types.count {
                runKeyColumns.append(i)
            } else {
                runKeyColumns.append(types.count + storedKeys.count)
                storedKeys.append(k)
            }
        }
        self.runKeyColumns = runKeyColumns
        self.storedKeys = storedKeys
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        if chunk.count == 0 { return true }
        chunks.append(chunk)
        if let spill {
            bufferedBytes += Self.memoryBytes(of: chunk)
            if bufferedBytes > spill.budgetBytes { try spillRun(spill) }
        }
        return true
    }

    public func finish() throws {
        if runs.isEmpty {
            let (rows, _, order) = try sortBuffer()
            var start = 0
            while start < order.count {
                let end = min(start + Chunk.capacity, order.count)
                if !(try downstream.consume(rows.gather(Array(order[start..<end])))) { break }
                start = end
            }
        } else {
            try mergeRuns()
        }
        try downstream.finish()
    }

    /// The buffered rows, their key columns, and the order that sorts them; the buffer is emptied.
    private func sortBuffer() throws -> (rows: Chunk, keys: [Column], order: [Int32]) {
        let all = Chunk.concat(chunks, types: types)
        chunks = []
        bufferedBytes = 0
        let keyCols = try evaluator.evaluate(all)
        var order = [Int32](0..<Int32(all.count))
        // A stable sort, so that equal keys keep their input order.
        order = SortOperator.mergeSort(order) { comparator.compare(keyCols, Int($0), keyCols, Int($1)) < 0 }
        return (all, keyCols, order)
    }

    /// Rows `picks` of the buffer as a run chunk: the input columns, then the stored keys.
    private func runChunk(_ rows: Chunk, _ keys: [Column], _ picks: [Int32]) -> Chunk {
        var chunk = rows.gather(picks)
        chunk.origin = nil
        for k in storedKeys { chunk.columns.append(keys[k].gather(picks)) }
        return chunk
    }

    /// Sorts the buffer and writes it to a new run file.
    private func spillRun(_ spill: SpillContext) throws {
        let (rows, keys, order) = try sortBuffer()
        let (file, writer) = try spill.createFile(prefix: "sort-run")
        var start = 0
        while start < order.count {
            let end = min(start + Chunk.capacity, order.count)
            try writer.append(runChunk(rows, keys, Array(order[start..<end])))
            start = end
        }
        try spill.finish(writer)
        spill.countSpill(.sort)
        runs.append(file)
    }

    /// Merges the runs on disk and the sorted rest of the buffer into downstream.
    private func mergeRuns() throws {
        var sources: [SortedRun] = []
        for file in runs { sources.append(try SpilledRun(file, bufferSize: spill!.readBufferSize)) }
        runs = []
        if !chunks.isEmpty {
            let (rows, keys, order) = try sortBuffer()
            sources.append(MemoryRun(count: order.count) { range in self.runChunk(rows, keys, Array(order[range])) })
        }
        while sources.count > Self.maxFanIn { sources = try mergeGroups(sources) }
        let merger = try SortedRunMerger(runs: sources, comparator: comparator, keyColumns: runKeyColumns)
        defer { merger.close() }
        let width = types.count
        while let chunk = try merger.next(maxRows: Chunk.capacity) {
            let out = chunk.columns.count == width ? chunk : Chunk(columns: Array(chunk.columns[0..<width]), count: chunk.count)
            if !(try downstream.consume(out)) { break }
        }
    }

    /// One pass of a multi-pass merge: each group of `maxFanIn` consecutive runs merged
    /// into one longer run (consecutive, so ties still resolve in input order).
    private func mergeGroups(_ sources: [SortedRun]) throws -> [SortedRun] {
        let spill = self.spill!
        var merged: [SortedRun] = []
        var start = 0
        while start < sources.count {
            let group = Array(sources[start..<min(start + Self.maxFanIn, sources.count)])
            start += group.count
            if group.count == 1 {
                merged.append(group[0])
                continue
            }
            let merger = try SortedRunMerger(runs: group, comparator: comparator, keyColumns: runKeyColumns)
            defer { merger.close() }
            let (file, writer) = try spill.createFile(prefix: "sort-merge")
            while let chunk = try merger.next(maxRows: Chunk.capacity) { try writer.append(chunk) }
            try spill.finish(writer)
            merged.append(try SpilledRun(file, bufferSize: spill.readBufferSize))
        }
        return merged
    }

    /// Bytes a chunk's buffers take, for the budget.
    public static func memoryBytes(of chunk: Chunk) -> Int {
        var bytes = 0
        for c in chunk.columns {
            switch c.storage {
            case .bool(let v): bytes += v.count
            case .int64(let v): bytes += v.count * 8
            case .double(let v): bytes += v.count * 8
            case .string(let s): bytes += s.bytes.count + s.offsets.count * 4
            }
            if let v = c.validity { bytes += v.words.count * 8 }
        }
        return bytes
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
