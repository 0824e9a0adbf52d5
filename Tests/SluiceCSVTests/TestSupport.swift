import Foundation
import Testing
@testable import SluiceCSV

/// A scratch directory removed when the value goes away.
final class TempDir {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "sluice-csv-XXXXXX").utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: p!)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `content` to `relative` (parent directories created) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ content: String) -> String {
        write(relative, bytes: Array(content.utf8))
    }

    @discardableResult
    func write(_ relative: String, bytes: [UInt8]) -> String {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Options from Spark-style pairs; fails the test on an invalid option.
func csvOptions(_ pairs: KeyValuePairs<String, String> = [:]) -> CSVOptions {
    try! CSVOptions(pairs.map { ($0.key, $0.value) })
}

/// Every row of every split, in split order, boxed.
func readRows(_ dataset: CSVDataset, projection: [Int]? = nil, maxPartitionBytes: Int = 1 << 30,
              readBufferSize: Int = 1 << 20, chunkCapacity: Int = Chunk.capacity) throws(CSVError) -> [[Value]] {
    var rows: [[Value]] = []
    let proj = projection ?? Array(dataset.schema.indices)
    for split in dataset.splits(maxPartitionBytes: maxPartitionBytes) {
        var reader = CSVSplitReader(split: split, dataset: dataset, options: dataset.options, projection: proj,
                                    chunkCapacity: chunkCapacity, readBufferSize: readBufferSize)
        while let chunk = try reader.next() {
            chunk.checkInvariants()
            #expect(chunk.columns.count == proj.count)
            #expect(chunk.origin?.lines.count == chunk.count)
            for i in 0..<chunk.count { rows.append(chunk.row(i)) }
        }
    }
    return rows
}

/// Rows of a path read with the given options.
func read(_ path: String, _ pairs: KeyValuePairs<String, String> = [:], projection: [Int]? = nil) throws(CSVError) -> [[Value]] {
    let ds = try CSVDataset.discover(path: path, options: csvOptions(pairs))
    return try readRows(ds, projection: projection)
}

/// The error reading a path throws (discovery or reading), or `nil`.
func readError(_ path: String, _ pairs: KeyValuePairs<String, String> = [:], maxPartitionBytes: Int = 1 << 30,
               readBufferSize: Int = 1 << 20) -> CSVError? {
    do {
        let ds = try CSVDataset.discover(path: path, options: csvOptions(pairs))
        _ = try readRows(ds, maxPartitionBytes: maxPartitionBytes, readBufferSize: readBufferSize)
        return nil
    } catch {
        return error
    }
}

/// The 1-based file line of every row, from the chunks' origins.
func readLines(_ dataset: CSVDataset, projection: [Int]? = nil, maxPartitionBytes: Int = 1 << 30,
               readBufferSize: Int = 1 << 20) throws -> [Int] {
    var lines: [Int] = []
    for split in dataset.splits(maxPartitionBytes: maxPartitionBytes) {
        var reader = CSVSplitReader(split: split, dataset: dataset, options: dataset.options,
                                    projection: projection ?? Array(dataset.schema.indices),
                                    readBufferSize: readBufferSize)
        while let chunk = try reader.next() {
            for i in 0..<chunk.count { lines.append(chunk.origin!.line(ofRow: i)) }
        }
    }
    return lines
}

func s(_ v: String) -> Value { .string(v) }
func i(_ v: Int64) -> Value { .int(v) }
func d(_ v: Double) -> Value { .double(v) }
let null = Value.null

func date(_ text: String) -> Value { .date(DateTime.parseDate(text)!) }
func ts(_ text: String) -> Value { .timestamp(DateTime.parseTimestamp(text)!) }
