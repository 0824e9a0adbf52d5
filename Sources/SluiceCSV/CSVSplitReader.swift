#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one ``CSVSplit`` into chunks of the projected columns.
///
/// ```
///  pread(readBufferSize) ──> buffer ──scan──> FieldIndex ──parse per column──> accumulators ──> Chunk
///        ^                      │ a record cut off at the buffer end:
///        └── compact + refill ──┘ move it to the front, read more, scan it again
/// ```
///
/// A regular file read with a buffer of at least ``mappingThreshold`` bytes is mapped
/// instead (mmap(2)), a window of ``mappingWindow`` bytes at a time: the buffer is then
/// the window, and a refill maps the next window from the cut-off record on, so no byte
/// is copied. Pipes and small read buffers (the boundary tests) take the read path.
///
/// Only the projected data columns are parsed; the other fields are only stepped over.
/// Partition columns are filled with the split's constants. Every chunk carries a
/// ``RowOrigin`` with each row's line, counted from the split's start.
///
/// Bad records follow `mode` (FAILFAST throws at the first one, with `file:line:column`,
/// whatever the split and buffer sizes; PERMISSIVE keeps the row with NULLs; DROPMALFORMED
/// skips it); with `badRecordsPath` they are dropped and written there.
public struct CSVSplitReader {
    private let core: SplitReaderCore

    /// - Parameters:
    ///   - projection: indexes into `dataset.schema` (data, then partition columns); the
    ///     chunks' columns are exactly these, in this order.
    ///   - chunkCapacity: rows per chunk (the last chunk may hold fewer).
    ///   - readBufferSize: bytes each read(2) asks for; records may straddle reads anywhere.
    public init(split: CSVSplit, dataset: CSVDataset, options: CSVOptions, projection: [Int],
                chunkCapacity: Int = Chunk.capacity, readBufferSize: Int = 4 << 20) {
        self.init(split: split, dataset: dataset, options: options, projection: projection, chunkCapacity: chunkCapacity,
                  readBufferSize: readBufferSize, mappingWindow: readBufferSize >= Self.mappingThreshold ? Self.mappingWindow : nil)
    }

    /// - Parameter mappingWindow: bytes of the file to map at a time, `nil` to read with
    ///   read(2) (tests map with small windows).
    init(split: CSVSplit, dataset: CSVDataset, options: CSVOptions, projection: [Int],
         chunkCapacity: Int, readBufferSize: Int, mappingWindow: Int?) {
        core = SplitReaderCore(split: split, dataset: dataset, options: options, projection: projection,
                               chunkCapacity: max(chunkCapacity, 1), readBufferSize: max(readBufferSize, 1),
                               mappingWindow: mappingWindow.map { max($0, 1) })
    }

    /// The smallest read buffer for which a regular file is mapped instead of read.
    public static let mappingThreshold = 64 << 10
    /// Bytes mapped at a time.
    static let mappingWindow = 64 << 20

    public var split: CSVSplit { core.split }

    /// Bytes of the split scanned so far (for progress).
    public var bytesScanned: Int64 {
        max(0, min(core.bufferStart + Int64(core.scanPos), core.split.end) - core.split.start)
    }

    /// The next chunk, or `nil` when the split is done.
    public mutating func next() throws(CSVError) -> Chunk? {
        try core.next()
    }
}

/// The state behind ``CSVSplitReader``: a class, so that the buffers it owns are freed once.
final class SplitReaderCore {
    enum Output {
        case slot(Int)
        case partition(Int)
    }

    enum Phase {
        case start, skipFirstLine, byteOrderMark, scan, done
    }

    let split: CSVSplit
    let dataset: CSVDataset
    let options: CSVOptions
    let chunkCapacity: Int
    let readBufferSize: Int
    /// Map the file this many bytes at a time, if it is a regular file.
    let mappingWindow: Int?
    let scanner: CSVScanner
    let index: FieldIndex
    let decoder: FieldDecoder
    let converter: ValueConverter?
    let setupError: CSVError?
    /// The data column (= file field position) of each slot.
    let slotField: [Int]
    let accumulators: [ColumnAccumulator]
    let outputs: [Output]
    let badRecords: BadRecordWriter?
    /// FAILFAST without badRecordsPath: a scan stops at the first bad record.
    let failFast: Bool

    var handle: InputFileHandle?
    /// The bytes being scanned: `ownedBuffer`, or the mapped window.
    var buffer: UnsafePointer<UInt8>
    /// The read path's buffer, `bufferCapacity` bytes.
    var ownedBuffer: UnsafeMutablePointer<UInt8>
    var bufferCapacity: Int
    /// The mapped window, while the file is mapped.
    var mapping: MappedRegion?
    /// The file's size when it is mapped.
    var mappedFileSize: Int64 = 0
    /// File offset of `buffer[0]`.
    var bufferStart: Int64
    var dataEnd = 0
    var scanPos = 0
    var readOffset: Int64
    var eof = false
    /// Lines from the split start to `scanPos`.
    var line: Int32 = 0
    var phase = Phase.start
    var headerPending = false
    var cachedLinesBefore: Int?

    var rows = 0
    var originLines: [Int32] = []
    let batchRows: UnsafeMutablePointer<Int32>
    var failures: [ParseFailure] = []

    init(split: CSVSplit, dataset: CSVDataset, options: CSVOptions, projection: [Int], chunkCapacity: Int, readBufferSize: Int,
         mappingWindow: Int?) {
        self.split = split
        self.dataset = dataset
        self.options = options
        self.chunkCapacity = chunkCapacity
        self.readBufferSize = readBufferSize
        self.mappingWindow = mappingWindow
        let dataCount = dataset.dataSchema.count
        var slotOfField = [Int32](repeating: -1, count: dataCount)
        var slotField: [Int] = []
        var outputs: [Output] = []
        for c in projection {
            precondition(c >= 0 && c < dataCount + dataset.partitionSchema.count, "projection \(c) is outside the schema")
            if c >= dataCount {
                outputs.append(.partition(c - dataCount))
            } else {
                if slotOfField[c] < 0 {
                    slotOfField[c] = Int32(slotField.count)
                    slotField.append(c)
                }
                outputs.append(.slot(Int(slotOfField[c])))
            }
        }
        self.slotField = slotField
        self.outputs = outputs
        accumulators = slotField.map { ColumnAccumulator(type: dataset.dataSchema[$0].type, capacity: chunkCapacity) }
        scanner = CSVScanner(dialect: CSVDialect(options: options), expectedFields: dataCount, slotOfField: slotOfField)
        index = FieldIndex(slots: slotField.count, capacity: chunkCapacity)
        decoder = FieldDecoder(options: options)
        do {
            converter = try ValueConverter(options: options)
            setupError = nil
        } catch {
            converter = nil
            setupError = error
        }
        badRecords = options.badRecordsPath.map { BadRecordWriter(directory: $0, fileIndex: split.fileIndex, splitStart: split.start) }
        failFast = options.mode == .failFast && options.badRecordsPath == nil
        bufferCapacity = readBufferSize + 8
        ownedBuffer = .allocate(capacity: bufferCapacity)
        buffer = UnsafePointer(ownedBuffer)
        readOffset = split.start > 0 ? split.start - 1 : 0
        bufferStart = readOffset
        batchRows = .allocate(capacity: chunkCapacity)
        originLines.reserveCapacity(chunkCapacity)
    }

    deinit {
        ownedBuffer.deallocate()
        batchRows.deallocate()
    }

    func next() throws(CSVError) -> Chunk? {
        if let setupError { throw setupError }
        if phase == .start { try open() }
        while phase != .done && rows < chunkCapacity {
            try step()
        }
        try badRecords?.flush()
        if rows == 0 { return nil }
        return finishChunk()
    }

    private func open() throws(CSVError) {
        let handle = try InputFileHandle(path: split.path)
        self.handle = handle
        if mappingWindow != nil, let size = handle.regularFileSize(), size > readOffset { mappedFileSize = size }
        if split.start == 0 {
            phase = .byteOrderMark
            headerPending = options.header
        } else {
            phase = .skipFirstLine
            headerPending = false
            if options.header && !options.multiLine { headerPending = try headerStartsAtOrAfter(split.start) }
        }
    }

    private func step() throws(CSVError) {
        switch phase {
        case .skipFirstLine:
            // The line under the split start belongs to the split before.
            if scanPos == dataEnd {
                if eof { phase = .done } else { try fill() }
                return
            }
            if let nl = memchr(buffer + scanPos, 10, dataEnd - scanPos) {
                let i = buffer.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                if bufferStart + Int64(i) >= split.start { line += 1 }
                scanPos = i + 1
                phase = .scan
            } else {
                scanPos = dataEnd
            }
        case .byteOrderMark:
            if dataEnd < 3 && !eof {
                try fill()
                return
            }
            if dataEnd >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { scanPos = 3 }
            phase = .scan
        case .scan:
            index.count = 0
            index.limit = chunkCapacity - rows
            let stopOffset = Int(clamping: split.end - bufferStart)
            let outcome = scanner.scan(buffer, from: scanPos, limit: dataEnd, eof: eof, stopOffset: stopOffset,
                                       line: line, stopAfterProblem: failFast, into: index)
            try process()
            scanPos = outcome.resume
            line = outcome.line
            switch outcome.stop {
            case .needMore: try fill()
            case .stopOffset, .endOfData: phase = .done
            case .full, .problem: break
            }
        case .start, .done:
            phase = .done
        }
    }

    /// Moves the unscanned tail to the front and reads up to `readBufferSize` more bytes
    /// (less once past the split end, where only the last record's rest is wanted).
    private func fill() throws(CSVError) {
        if mappedFileSize > 0, mapNext() { return }
        if scanPos > 0 {
            let tail = dataEnd - scanPos
            if tail > 0 { ownedBuffer.update(from: buffer + scanPos, count: tail) }
            bufferStart += Int64(scanPos)
            dataEnd = tail
            scanPos = 0
        }
        let want = readOffset >= split.end ? min(readBufferSize, 64 << 10) : readBufferSize
        if dataEnd + want + 8 > bufferCapacity {
            let cap = max(bufferCapacity * 2, dataEnd + want + 8)
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
            nb.update(from: buffer, count: dataEnd)
            ownedBuffer.deallocate()
            ownedBuffer = nb
            buffer = UnsafePointer(nb)
            bufferCapacity = cap
        }
        let n = try handle!.read(into: ownedBuffer + dataEnd, count: want, at: readOffset)
        if n == 0 {
            eof = true
        } else {
            dataEnd += n
            readOffset += Int64(n)
        }
    }

    /// The mapped path of ``fill()``: maps the window that starts at the unscanned tail
    /// (a longer one when the tail alone fills most of a window) and says whether it did.
    /// A file that cannot be mapped, or a window that would end before the old one, turns
    /// the reader to the read path, which goes on from `readOffset`.
    private func mapNext() -> Bool {
        let from = bufferStart + Int64(scanPos)
        let tail = dataEnd - scanPos
        let window = max(mappingWindow ?? 0, 2 * tail)
        let count = Int(min(Int64(window), mappedFileSize - from))
        guard count > tail, let region = handle!.map(offset: from, count: count) else {
            mappedFileSize = 0
            return mapFallback()
        }
        // Read ahead only what this split wants.
        let wanted = Int(min(Int64(count), max(split.end - from, 0) + (64 << 10)))
        region.willNeed(from: 0, count: wanted)
        mapping = region
        buffer = region.bytes
        bufferStart = from
        dataEnd = count
        scanPos = 0
        readOffset = from + Int64(count)
        eof = readOffset >= mappedFileSize
        return true
    }

    /// Leaves the mapped path: copies the unscanned tail into the read buffer, from which
    /// reading goes on. Returns false, for ``fill()`` to continue.
    private func mapFallback() -> Bool {
        guard mapping != nil else { return false }
        let tail = dataEnd - scanPos
        if tail + 8 > bufferCapacity {
            ownedBuffer.deallocate()
            bufferCapacity = tail + readBufferSize + 8
            ownedBuffer = .allocate(capacity: bufferCapacity)
        }
        ownedBuffer.update(from: buffer + scanPos, count: tail)
        buffer = UnsafePointer(ownedBuffer)
        mapping = nil
        bufferStart += Int64(scanPos)
        dataEnd = tail
        scanPos = 0
        return false
    }

    /// Turns the records of the last scan into rows, as the mode says.
    private func process() throws(CSVError) {
        let n = index.count
        if n == 0 { return }
        var m = 0
        var pendingProblem = -1
        for r in 0..<n {
            if headerPending {
                headerPending = false
                continue
            }
            if index.recordProblem[r] != .none {
                if badRecords != nil {
                    reject(record: r, problemError(record: r))
                    continue
                }
                if failFast {
                    pendingProblem = r
                    break
                }
                if options.mode == .dropMalformed { continue }
            }
            batchRows[m] = Int32(truncatingIfNeeded: r)
            m += 1
        }
        if m > 0 {
            failures.removeAll(keepingCapacity: true)
            for (s, acc) in accumulators.enumerated() {
                acc.parse(buffer, index, slot: s, field: slotField[s], rows: batchRows, m,
                          decoder: decoder, converter: converter!, failures: &failures)
            }
            if !failures.isEmpty { m = try handleFailures(m) }
            for k in 0..<m { originLines.append(index.recordLine[Int(batchRows[k])]) }
            rows += m
        }
        if pendingProblem >= 0 { throw problemError(record: pendingProblem) }
    }

    /// Values that did not convert: FAILFAST throws the first (by row, then field);
    /// PERMISSIVE keeps the NULLs; DROPMALFORMED and badRecordsPath drop the rows.
    /// Returns the rows left in the batch.
    private func handleFailures(_ m: Int) throws(CSVError) -> Int {
        var first: [Int: ParseFailure] = [:]
        for f in failures {
            if let e = first[f.row], slotField[e.slot] <= slotField[f.slot] { continue }
            first[f.row] = f
        }
        let badRows = first.keys.sorted()
        if failFast {
            let f = first[badRows[0]]!
            throw valueError(record: Int(batchRows[f.row]), slot: f.slot)
        }
        if badRecords == nil && options.mode == .permissive { return m }
        for k in badRows where badRecords != nil {
            let f = first[k]!
            reject(record: Int(batchRows[k]), valueError(record: Int(batchRows[k]), slot: f.slot))
        }
        let base = rows
        for acc in accumulators { acc.remove(badRows.map { base + $0 }) }
        var w = 0
        var bad = Set(badRows)
        for k in 0..<m {
            if bad.remove(k) != nil { continue }
            batchRows[w] = batchRows[k]
            w += 1
        }
        return w
    }

    private func finishChunk() -> Chunk {
        var finished = [Column?](repeating: nil, count: accumulators.count)
        var columns: [Column] = []
        columns.reserveCapacity(outputs.count)
        for o in outputs {
            switch o {
            case .slot(let s):
                if finished[s] == nil { finished[s] = accumulators[s].finish() }
                columns.append(finished[s]!)
            case .partition(let p):
                columns.append(constantColumn(split.partitionValues[p], type: dataset.partitionSchema[p].type, count: rows))
            }
        }
        let origin = RowOrigin(path: split.path, splitStart: split.start, lines: originLines)
        let chunk = Chunk(columns: columns, count: rows, origin: origin)
        rows = 0
        originLines.removeAll(keepingCapacity: true)
        return chunk
    }
}
