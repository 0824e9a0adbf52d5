/// A sorted sequence of rows, a chunk at a time: a run file on disk, or the sorted rest of
/// a sort's buffer.
protocol SortedRun: AnyObject {
    /// The next chunk of the run, or nil once it is exhausted.
    func next() throws -> Chunk?
    /// Releases what the run holds (deletes its file); called once, when done with it.
    func close() throws
}

/// A run written to a spill file; its file is deleted once the run is closed.
final class SpilledRun: SortedRun {
    private let file: ScratchFile
    private let reader: SpillFileReader

    init(_ file: ScratchFile, bufferSize: Int) throws {
        self.file = file
        reader = try SpillFileReader(path: file.path, bufferSize: bufferSize)
    }

    func next() throws -> Chunk? { try reader.next() }

    func close() throws {
        reader.close()
        try file.remove()
    }
}

/// A run kept in memory: `count` sorted rows, produced a range at a time by `rows`.
final class MemoryRun: SortedRun {
    private let count: Int
    private var position = 0
    private var rows: ((Range<Int>) -> Chunk)?

    init(count: Int, rows: @escaping (Range<Int>) -> Chunk) {
        self.count = count
        self.rows = rows
    }

    func next() throws -> Chunk? {
        guard position < count, let rows else { return nil }
        let end = min(position + Chunk.capacity, count)
        defer { position = end }
        return rows(position..<end)
    }

    func close() throws { rows = nil }
}

/// Merges sorted runs into one sorted sequence with a binary heap of run cursors (a
/// k-way merge). Rows that compare equal come out in run order, then in order within
/// their run, so merging consecutive ranges of a stably sorted input is itself stable.
///
/// Each output chunk is gathered column by column from the chunks its rows came from
/// (``Chunk/interleave(_:slots:rows:)``), never row by row through boxed values.
final class SortedRunMerger {
    private final class Cursor {
        let run: SortedRun
        var chunk: Chunk
        var keys: [Column]
        var row = 0
        /// Index of `chunk` among the sources of the output chunk being built, or -1.
        var slot: Int32 = -1

        init(run: SortedRun, chunk: Chunk, keys: [Column]) {
            self.run = run
            self.chunk = chunk
            self.keys = keys
        }
    }

    private let comparator: RowComparator
    private let keyColumns: [Int]
    /// In run order; a cursor's index breaks ties.
    private var cursors: [Cursor] = []
    /// Indices into `cursors`, a min-heap by (current row's keys, index).
    private var heap: [Int] = []
    /// Runs not yet closed.
    private var open: [SortedRun]

    /// `keyColumns[k]` is the column of a run's chunks that holds sort key `k`.
    init(runs: [SortedRun], comparator: RowComparator, keyColumns: [Int]) throws {
        self.comparator = comparator
        self.keyColumns = keyColumns
        open = runs
        for run in runs {
            if let chunk = try Self.nextNonEmpty(run) {
                cursors.append(Cursor(run: run, chunk: chunk, keys: keyColumns.map { chunk.columns[$0] }))
            } else {
                try finished(run)
            }
        }
        heap = Array(cursors.indices)
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
    }

    /// The next at most `maxRows` rows in order, or nil once every run is exhausted.
    func next(maxRows: Int) throws -> Chunk? {
        guard !heap.isEmpty else { return nil }
        var sources: [Chunk] = []
        var slots: [Int32] = []
        var rows: [Int32] = []
        slots.reserveCapacity(maxRows)
        rows.reserveCapacity(maxRows)
        for c in cursors { c.slot = -1 }
        while rows.count < maxRows, let top = heap.first {
            let c = cursors[top]
            if c.slot < 0 {
                c.slot = Int32(sources.count)
                sources.append(c.chunk)
            }
            slots.append(c.slot)
            rows.append(Int32(truncatingIfNeeded: c.row))
            c.row += 1
            if c.row == c.chunk.count {
                if let chunk = try Self.nextNonEmpty(c.run) {
                    c.chunk = chunk
                    c.keys = keyColumns.map { chunk.columns[$0] }
                    c.row = 0
                    c.slot = -1
                } else {
                    try finished(c.run)
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                    if heap.isEmpty { break }
                }
            }
            siftDown(0)
        }
        return Chunk.interleave(sources, slots: slots, rows: rows)
    }

    /// Closes every run still open (their files are deleted); for a merge stopped early.
    func close() {
        for run in open { try? run.close() }
        open = []
    }

    private func finished(_ run: SortedRun) throws {
        if let i = open.firstIndex(where: { $0 === run }) { open.remove(at: i) }
        try run.close()
    }

    private static func nextNonEmpty(_ run: SortedRun) throws -> Chunk? {
        while let chunk = try run.next() {
            if chunk.count > 0 { return chunk }
        }
        return nil
    }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = cursors[a], y = cursors[b]
        let c = comparator.compare(x.keys, x.row, y.keys, y.row)
        return c < 0 || (c == 0 && a < b)
    }

    private func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var m = l
            if l + 1 < n && less(heap[l + 1], heap[l]) { m = l + 1 }
            if !less(heap[m], heap[i]) { return }
            heap.swapAt(i, m)
            i = m
        }
    }
}
