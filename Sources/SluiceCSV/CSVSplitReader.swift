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
        core = SplitReaderCore(split: split, dataset: dataset, options: options, projection: projection,
                               chunkCapacity: max(chunkCapacity, 1), readBufferSize: max(readBufferSize, 1))
    }

    public var split: CSVSplit { core.split }

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
    var buffer: UnsafeMutablePointer<UInt8>
    var bufferCapacity: Int
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

    init(split: CSVSplit, dataset: CSVDataset, options: CSVOptions, projection: [Int], chunkCapacity: Int, readBufferSize: Int) {
        self.split = split
        self.dataset = dataset
        self.options = options
        self.chunkCapacity = chunkCapacity
        self.readBufferSize = readBufferSize
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
        buffer = .allocate(capacity: bufferCapacity)
        readOffset = split.start > 0 ? split.start - 1 : 0
        bufferStart = readOffset
        batchRows = .allocate(capacity: chunkCapacity)
        originLines.reserveCapacity(chunkCapacity)
    }

    deinit {
        buffer.deallocate()
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
        handle = try InputFileHandle(path: split.path)
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
        if scanPos > 0 {
            let tail = dataEnd - scanPos
            if tail > 0 { buffer.update(from: buffer + scanPos, count: tail) }
            bufferStart += Int64(scanPos)
            dataEnd = tail
            scanPos = 0
        }
        let want = readOffset >= split.end ? min(readBufferSize, 64 << 10) : readBufferSize
        if dataEnd + want + 8 > bufferCapacity {
            let cap = max(bufferCapacity * 2, dataEnd + want + 8)
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
            nb.update(from: buffer, count: dataEnd)
            buffer.deallocate()
            buffer = nb
            bufferCapacity = cap
        }
        let n = try handle!.read(into: buffer + dataEnd, count: want, at: readOffset)
        if n == 0 {
            eof = true
        } else {
            dataEnd += n
            readOffset += Int64(n)
        }
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
