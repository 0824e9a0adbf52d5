/// A set of equal-length column vectors: the unit every operator consumes and produces,
/// every pipe frame carries and every spill file stores.
public struct Chunk: Sendable {
    /// Rows a scan puts in one chunk: a power of two by construction, as DuckDB's
    /// `STANDARD_VECTOR_SIZE`; larger than DuckDB's 2048 because Swift's per-chunk
    /// overhead (array headers, reference counts) is higher than C++'s.
    public static let capacity = 1 << capacityShift
    public static let capacityShift = 13

    public var columns: [Column]
    public private(set) var count: Int
    /// The file and lines of each row, when the chunk comes from a scan (for errors).
    public var origin: RowOrigin?

    public init(columns: [Column], count: Int, origin: RowOrigin? = nil) {
        self.columns = columns
        self.count = count
        self.origin = origin
    }

    /// A chunk whose row count is that of its first column (0 with no columns).
    public init(columns: [Column]) {
        self.columns = columns
        self.count = columns.first?.count ?? 0
    }

    public static func empty(types: [DataType]) -> Chunk {
        Chunk(columns: types.map { Column.nulls($0, count: 0) }, count: 0)
    }

    public var types: [DataType] { columns.map(\.type) }

    public subscript(_ i: Int) -> Column { columns[i] }

    /// The rows at `indices`, in that order, in every column.
    public func gather(_ indices: [Int32]) -> Chunk {
        Chunk(columns: columns.map { $0.gather(indices) }, count: indices.count, origin: origin?.gather(indices))
    }

    public func slice(_ range: Range<Int>) -> Chunk {
        Chunk(columns: columns.map { $0.slice(range) }, count: range.count)
    }

    /// Row `i`, boxed; for output and tests.
    public func row(_ i: Int) -> [Value] { columns.map { $0.value(at: i) } }

    /// Chunks stacked into one.
    public static func concat(_ chunks: [Chunk], types: [DataType]) -> Chunk {
        let total = chunks.reduce(0) { $0 + $1.count }
        let cols = types.indices.map { c in Column.concat(chunks.map { $0.columns[c] }, type: types[c]) }
        return Chunk(columns: cols, count: total)
    }

    /// Debug-only structural checks (DuckDB's `DataChunk::Verify`).
    public func checkInvariants() {
        #if DEBUG
        for c in columns {
            assert(c.count == count, "column length \(c.count) != chunk length \(count)")
            if let v = c.validity { assert(v.count == count) }
            if case .string(let s) = c.storage {
                assert(s.offsets.first == 0)
                assert(Int(s.offsets.last!) == s.bytes.count)
                for i in 0..<s.count { assert(s.offsets[i] <= s.offsets[i + 1]) }
            }
        }
        #endif
    }
}

