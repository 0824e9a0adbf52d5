/// A byte range of one input file that one task reads.
///
/// Ranges are cut at fixed byte offsets; the reader aligns them to records as DataFusion's
/// `calculate_range` does: a split owns the records whose first byte lies in
/// `start ..< end` and that begin a line, so a reader that does not start at 0 skips to
/// just past the next `\n`, and it reads its last record past `end` to that record's line
/// end. No record is lost or read twice, whatever the cut.
public struct CSVSplit: Sendable, Hashable, Codable {
    /// Index of the file in ``CSVDataset/files``.
    public var fileIndex: Int
    public var path: String
    /// First byte of the range.
    public var start: Int64
    /// One past the last byte of the range.
    public var end: Int64
    /// Size of the whole file, when it was listed.
    public var fileSize: Int64
    /// The file's partition values, in ``CSVDataset/partitionSchema`` order.
    public var partitionValues: [Value]

    public init(fileIndex: Int, path: String, start: Int64, end: Int64, fileSize: Int64, partitionValues: [Value]) {
        self.fileIndex = fileIndex
        self.path = path
        self.start = start
        self.end = end
        self.fileSize = fileSize
        self.partitionValues = partitionValues
    }

    public var length: Int64 { end - start }
}

extension CSVDataset {
    /// The dataset cut into splits of at most `maxPartitionBytes` bytes each
    /// (`spark.sql.files.maxPartitionBytes`), in file order. Empty files give none; with
    /// `multiLine` a file is never cut, since a record may span any line end.
    public func splits(maxPartitionBytes: Int) -> [CSVSplit] {
        let step = Int64(max(maxPartitionBytes, 1))
        var out: [CSVSplit] = []
        for (i, f) in files.enumerated() where f.size > 0 {
            if options.multiLine || f.size <= step {
                out.append(CSVSplit(fileIndex: i, path: f.path, start: 0, end: f.size, fileSize: f.size, partitionValues: f.partitionValues))
                continue
            }
            var s: Int64 = 0
            while s < f.size {
                let e = min(s + step, f.size)
                out.append(CSVSplit(fileIndex: i, path: f.path, start: s, end: e, fileSize: f.size, partitionValues: f.partitionValues))
                s = e
            }
        }
        return out
    }
}
