#if canImport(Glibc)
import Glibc
#endif

/// The sink of a write stage's task: rows into CSV files under the attempt's own staging
/// directory, one file per partition directory, as Hive's `FileSinkOperator` does.
///
/// ```
///  chunk ─> partition of each row (computed again only where a key column changes)
///        ─> per-node limit: the partition directory one past the limit fails the task
///        ─> rows of each partition ─> that partition's open file (rolled over at
///           spark.sql.files.maxRecordsPerFile)
///  more partitions than open files allow: every open file is closed, and the rest of
///  the task's rows are sorted by partition and written one partition at a time
/// ```
///
/// Files are `part-<task>-<attempt>-<run>[-c<n>].csv`, created exclusively (`O_EXCL`). They
/// are made durable all at once by the committer (syncfs(2) before its journal), not one
/// fsync per file: a rewrite into hundreds of partitions writes thousands of files.
public final class PartitionedFileWriter: ChunkConsumer {
    let spec: WriteSpec
    let task: Int
    let attempt: Int
    let dataColumns: Int
    let options: CSVOptions
    let spill: SpillContext?
    /// The types of the rows the task receives (data, then partition columns).
    let inputTypes: [DataType]
    /// `<staging>/attempt-<run>-<id>`: attempts of different runs never share one.
    let attemptDirectory: String
    /// Partition directory name to its index in `partitions`.
    private var index: [String: Int] = [:]
    private var partitions: [PartitionFile] = []
    private var openFiles = 0
    /// With one integer-stored partition column: its values' partitions.
    private var keyPartitions: [Int64: Int32] = [:]
    private var nullKeyPartition: Int32 = -1
    /// Set once the task had more partitions than open files: the rows wait here, sorted
    /// by partition.
    private var sorter: SortOperator?
    /// In sorted mode, the partition whose file is open.
    private var current = -1
    public private(set) var rows = 0
    /// Every file closed so far.
    public private(set) var written: [WrittenFile] = []

    /// One partition directory of the task: its file being written, if any.
    final class PartitionFile {
        let directory: String
        var writer: CSVWriter
        var fd: Int32 = -1
        var path = ""
        var name = ""
        var rowsInFile = 0
        var bytesInFile: Int64 = 0
        var files = 0
        init(directory: String, writer: CSVWriter) {
            self.directory = directory
            self.writer = writer
        }
    }

    /// Bytes a partition's CSV text may reach before it is written out: 256 KB, less when
    /// many files are open, so that a task holds about 16 MB of text at most.
    var flushBytes: Int { max(32 << 10, min(256 << 10, (16 << 20) / max(openFiles, 1))) }

    public init(spec: WriteSpec, task: Int, attempt: Int, inputTypes: [DataType], spill: SpillContext?) throws {
        self.spec = spec
        self.inputTypes = inputTypes
        self.task = task
        self.attempt = attempt
        self.spill = spill
        dataColumns = spec.columnNames.count
        options = try CSVOptions(spec.options.map { ($0[0], $0[1]) })
        attemptDirectory = spec.staging + "/attempt-\(spec.runID)-\(attempt)"
    }

    deinit {
        for p in partitions where p.fd >= 0 { close(p.fd) }
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        if chunk.count == 0 { return true }
        rows += chunk.count
        let rowPartitions = try partitionsOf(chunk)
        if let sorter {
            _ = try sorter.consume(chunk)
            return true
        }
        try write(chunk, rowPartitions)
        return true
    }

    public func finish() throws {
        if let sorter {
            current = -1
            try sorter.finish()
        }
        for p in partitions where p.fd >= 0 { try closeFile(p) }
    }

    // MARK: Partitions of rows

    /// The partition of every row, registering new ones (and failing at the per-node limit).
    private func partitionsOf(_ chunk: Chunk) throws -> [Int32] {
        let n = chunk.count
        if spec.partitionNames.isEmpty {
            return Array(repeating: Int32(try partition(named: spec.staticPrefix)), count: n)
        }
        // Rows whose key columns equal the previous row's share its partition: the
        // directory name is built only where a key changes.
        if spec.partitionNames.count == 1, case .int64(let keys) = chunk.columns[dataColumns].storage {
            return try singleKeyPartitions(chunk.columns[dataColumns], keys)
        }
        var changed = [Bool](repeating: false, count: n)
        changed[0] = true
        for c in dataColumns..<chunk.columns.count { Self.markChanges(chunk.columns[c], &changed) }
        var out = [Int32](repeating: 0, count: n)
        var last: Int32 = 0
        for i in 0..<n {
            if changed[i] {
                var dir = spec.staticPrefix
                for (k, name) in spec.partitionNames.enumerated() {
                    if !dir.isEmpty { dir += "/" }
                    dir += HivePartitionPath.directoryName(column: name, value: chunk.columns[dataColumns + k].value(at: i),
                                                           defaultName: spec.defaultPartitionName)
                }
                last = Int32(try partition(named: dir))
            }
            out[i] = last
        }
        return out
    }

    /// Partition indices by one integer, date or timestamp column: its stored values map to
    /// partitions through a small table, so that rows in no particular order cost a hash
    /// lookup each, not a directory name.
    private func singleKeyPartitions(_ column: Column, _ keys: [Int64]) throws -> [Int32] {
        let n = column.count
        var out = [Int32](repeating: 0, count: n)
        let validity = column.validity.flatMap { $0.nullCount > 0 ? $0 : nil }
        // Rows often come in runs of one value (input sorted or clustered by it): a run
        // costs one lookup.
        var lastKey = Int64.min, lastPartition: Int32 = -1
        for i in 0..<n {
            if let validity, validity.isNull(i) {
                if nullKeyPartition < 0 { nullKeyPartition = Int32(try partition(named: directory(for: .null))) }
                out[i] = nullKeyPartition
                continue
            }
            let k = keys[i]
            if k == lastKey && lastPartition >= 0 {
                out[i] = lastPartition
                continue
            }
            if let p = keyPartitions[k] {
                out[i] = p
            } else {
                let p = Int32(try partition(named: directory(for: column.value(at: i))))
                keyPartitions[k] = p
                out[i] = p
            }
            lastKey = k
            lastPartition = out[i]
        }
        return out
    }

    /// The directory of a row whose one dynamic partition column holds `value`.
    private func directory(for value: Value) -> String {
        let name = HivePartitionPath.directoryName(column: spec.partitionNames[0], value: value, defaultName: spec.defaultPartitionName)
        return spec.staticPrefix.isEmpty ? name : spec.staticPrefix + "/" + name
    }

    /// The index of a partition directory; a new one counts against the per-node limit.
    private func partition(named dir: String) throws -> Int {
        if let i = index[dir] { return i }
        if !spec.partitionNames.isEmpty && partitions.count + 1 > spec.maxPartitionsPerNode {
            throw HiveLimitError(
                "Fatal error occurred when node tried to create too many dynamic partitions. The maximum number of dynamic partitions is controlled by hive.exec.max.dynamic.partitions and hive.exec.max.dynamic.partitions.pernode. Maximum was set to \(spec.maxPartitionsPerNode) partitions per node, number of dynamic partitions on this node: \(partitions.count + 1)")
        }
        let writer = try CSVWriter(columnNames: spec.columnNames, options: options)
        partitions.append(PartitionFile(directory: dir, writer: writer))
        index[dir] = partitions.count - 1
        return partitions.count - 1
    }

    /// Sets `changed[i]` where row i's value differs from row i-1's (NULLs equal).
    static func markChanges(_ column: Column, _ changed: inout [Bool]) {
        let n = column.count
        guard n > 1 else { return }
        if let v = column.validity, v.nullCount > 0 {
            for i in 1..<n where v.isNull(i) != v.isNull(i - 1) { changed[i] = true }
        }
        switch column.storage {
        case .bool(let a):
            for i in 1..<n where a[i] != a[i - 1] { changed[i] = true }
        case .int64(let a):
            a.withUnsafeBufferPointer { p in for i in 1..<n where p[i] != p[i - 1] { changed[i] = true } }
        case .double(let a):
            a.withUnsafeBufferPointer { p in for i in 1..<n where p[i].bitPattern != p[i - 1].bitPattern { changed[i] = true } }
        case .string(let s):
            for i in 1..<n where !s.equals(i, s, i - 1) { changed[i] = true }
        }
    }

    // MARK: Writing

    private func write(_ chunk: Chunk, _ rowPartitions: [Int32]) throws {
        let data = chunk.columns.count == dataColumns ? chunk : Chunk(columns: Array(chunk.columns[0..<dataColumns]), count: chunk.count)
        let first = rowPartitions[0]
        if rowPartitions.allSatisfy({ $0 == first }) {
            try append(data, to: Int(first), whole: chunk)
            return
        }
        // Row indices per partition, by the partitions' dense numbers (no hashing per row).
        var rowsOf = [[Int32]](repeating: [], count: partitions.count)
        var order: [Int] = []
        for (i, p) in rowPartitions.enumerated() {
            if rowsOf[Int(p)].isEmpty { order.append(Int(p)) }
            rowsOf[Int(p)].append(Int32(i))
        }
        for (k, p) in order.enumerated() {
            if sorter != nil {
                // The open-file bound was reached: the rest of this chunk is sorted too.
                let rest = order[k...].flatMap { rowsOf[$0] }.sorted()
                _ = try sorter!.consume(chunk.gather(rest))
                return
            }
            try append(data, rows: rowsOf[p], to: p, whole: chunk)
        }
    }

    /// Appends a partition's rows (those at `rows`, or all) to its file, opening (or rolling
    /// over) files as needed. `whole` is the chunk with every column, for the sorter if no
    /// file can open.
    private func append(_ data: Chunk, rows: [Int32]? = nil, to p: Int, whole: Chunk) throws {
        let part = partitions[p]
        let count = rows?.count ?? data.count
        var offset = 0
        while offset < count {
            if part.fd < 0 {
                if openFiles >= spec.maxOpenFiles && current < 0 {
                    try startSorting()
                    let rest = rows.map { Array($0[offset...]) } ?? (offset..<count).map { Int32($0) }
                    _ = try sorter!.consume(rest.count == whole.count ? whole : whole.gather(rest))
                    return
                }
                try openFile(part)
            }
            var take = count - offset
            if spec.maxRecordsPerFile > 0 { take = min(take, spec.maxRecordsPerFile - part.rowsInFile) }
            if let rows {
                part.writer.append(data, rows: rows[offset..<offset + take])
            } else {
                part.writer.append(take == data.count ? data : data.slice(offset..<offset + take))
            }
            part.rowsInFile += take
            offset += take
            if part.writer.bytes.count >= flushBytes { try flush(part) }
            if spec.maxRecordsPerFile > 0 && part.rowsInFile >= spec.maxRecordsPerFile { try closeFile(part) }
        }
    }

    /// Closes every open file and sends the rest of the task's rows through a sort by
    /// partition (spilling within the task's share of memory), so that one file is open
    /// at a time from here on.
    private func startSorting() throws {
        for p in partitions where p.fd >= 0 { try closeFile(p) }
        let keys = spec.partitionNames.indices.map { k in
            SortKey(expression: .column(dataColumns + k, inputTypes[dataColumns + k], name: spec.partitionNames[k]), ascending: true, nullsFirst: true)
        }
        sorter = try SortOperator(keys: keys, types: inputTypes, downstream: SequentialSink(self), spill: spill)
    }

    /// Receives the sorted rows: each partition's rows arrive together.
    final class SequentialSink: ChunkConsumer {
        unowned let writer: PartitionedFileWriter
        init(_ writer: PartitionedFileWriter) { self.writer = writer }
        func consume(_ chunk: Chunk) throws -> Bool {
            if chunk.count == 0 { return true }
            try writer.writeSorted(chunk)
            return true
        }
        func finish() throws {}
    }

    fileprivate func writeSorted(_ chunk: Chunk) throws {
        let rowPartitions = try partitionsOf(chunk)
        let data = chunk.columns.count == dataColumns ? chunk : Chunk(columns: Array(chunk.columns[0..<dataColumns]), count: chunk.count)
        var start = 0
        while start < chunk.count {
            let p = rowPartitions[start]
            var end = start + 1
            while end < chunk.count && rowPartitions[end] == p { end += 1 }
            if current >= 0 && current != Int(p) && partitions[current].fd >= 0 { try closeFile(partitions[current]) }
            current = Int(p)
            let slice = start == 0 && end == chunk.count ? data : data.slice(start..<end)
            try append(slice, to: Int(p), whole: slice)
            start = end
        }
    }

    private func openFile(_ part: PartitionFile) throws {
        let dir = part.directory.isEmpty ? attemptDirectory : attemptDirectory + "/" + part.directory
        try FileSystem.makeDirectories(dir, under: spec.staging)
        var name = "part-" + Self.padded(task, 5) + "-\(attempt)-\(spec.runID)"
        if part.files > 0 { name += "-c" + Self.padded(part.files, 3) }
        name += ".csv"
        part.name = name
        part.path = dir + "/" + name
        part.fd = try FileSystem.createExclusive(part.path)
        part.files += 1
        part.rowsInFile = 0
        part.bytesInFile = 0
        openFiles += 1
        // A header line opens every file.
        part.writer = try CSVWriter(columnNames: spec.columnNames, options: options)
        part.writer.writeHeaderIfNeeded()
    }

    private func flush(_ part: PartitionFile) throws {
        let bytes = part.writer.takeBytes()
        var result: Result<Void, IOError> = .success(())
        bytes.withUnsafeBytes { b in result = Result { () throws(IOError) in try FileSystem.writeAll(part.fd, b, path: part.path) } }
        try result.get()
        part.bytesInFile += Int64(bytes.count)
    }

    private func closeFile(_ part: PartitionFile) throws {
        try flush(part)
        close(part.fd)
        part.fd = -1
        openFiles -= 1
        let relative = "attempt-\(spec.runID)-\(attempt)/" + (part.directory.isEmpty ? "" : part.directory + "/") + part.name
        written.append(WrittenFile(partition: part.directory, path: relative, name: part.name, rows: part.rowsInFile, bytes: part.bytesInFile))
    }

    static func padded(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
