import SluiceCore
import SluiceCSV

/// The generated clickstream written to a file, as a dataset for sluice's CSV reader
/// (the reader maps or reads files; it takes no bytes from memory). The file was just
/// written, so it is in the page cache: reading it measures parsing, not the disk.
public final class ClickstreamFile: @unchecked Sendable {
    public let scratch: ScratchSpace
    public let path: String
    public let dataset: CSVDataset
    public let rows: Int
    public let emptyAmounts: Int
    public let bytes: Int

    /// Generates at least `minimumBytes` bytes of whole records and writes them to
    /// `clickstream.csv` in a new scratch directory.
    public init(name: String, minimumBytes: Int) throws {
        let csv = ClickstreamCSV(minimumBytes: minimumBytes)
        scratch = try ScratchSpace(name: name)
        path = try scratch.write("clickstream.csv", csv.bytes)
        var options = CSVOptions()
        options.schema = ClickstreamCSV.schema
        dataset = try CSVDataset.discover(path: path, options: options)
        rows = csv.rows
        emptyAmounts = csv.emptyAmounts
        bytes = csv.bytes.count
    }

    /// Every data column, in schema order.
    public var projection: [Int] { Array(dataset.schema.indices) }

    /// The splits `[k·n, (k+1)·n)` for every whole `n` bytes of the file (a shorter tail is
    /// left out). A reader owns the records that begin in its range, so each split parses
    /// `n` bytes give or take one record.
    public func splits(bytesEach n: Int) -> [CSVSplit] {
        dataset.splits(maxPartitionBytes: n).filter { $0.length == Int64(n) }
    }

    /// Every row, in the chunks the reader makes of the whole file as one split, with their
    /// row origins dropped (the benchmarks that use them move column data only). Checks the
    /// row and NULL counts against what was generated.
    public func readAllChunks() throws -> [Chunk] {
        let whole = dataset.splits(maxPartitionBytes: Int.max)
        var chunks: [Chunk] = []
        for split in whole {
            var reader = CSVSplitReader(split: split, dataset: dataset, options: dataset.options, projection: projection)
            while let chunk = try reader.next() {
                chunks.append(Chunk(columns: chunk.columns, count: chunk.count))
            }
        }
        let read = chunks.reduce(0) { $0 + $1.count }
        let nulls = chunks.reduce(0) { $0 + $1[ClickstreamCSV.amountColumn].nullCount }
        guard read == rows, nulls == emptyAmounts else {
            throw BenchmarkFailure("read \(read) rows with \(nulls) NULL amounts from \(path), generated \(rows) with \(emptyAmounts)")
        }
        return chunks
    }

    /// Deletes the file and its directory.
    public func remove() { scratch.remove() }
}
