/// The cold paths of the reader: where a bad record is (absolute line and character
/// column, the same whatever the split and buffer sizes), what its error says, and
/// where a split's header is.
extension SplitReaderCore {
    /// Newlines before the split (counted once, only when an error needs them).
    func linesBefore() -> Int {
        if let cachedLinesBefore { return cachedLinesBefore }
        let n = split.start == 0 ? 0 : RowOrigin.linesBefore(offset: split.start, path: split.path)
        cachedLinesBefore = n
        return n
    }

    /// The position of buffer offset `offset` inside record `r`: the line counts the
    /// record's own line breaks before it; the column counts UTF-8 characters from the
    /// line start, 1-based.
    func position(record r: Int, offset: Int) -> FilePosition {
        let start = Int(index.recordStart[r])
        var line = linesBefore() + Int(index.recordLine[r]) + 1
        var lineStart = start
        var i = start
        while i < offset {
            if buffer[i] == 10 {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        i = lineStart
        while i < offset {
            if buffer[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return FilePosition(path: split.path, line: line, column: column)
    }

    /// The error of a record the scanner found malformed.
    func problemError(record r: Int) -> CSVError {
        let at = position(record: r, offset: Int(index.problemOffset[r]))
        switch index.recordProblem[r] {
        case .tooFewFields, .tooManyFields, .none:
            return .wrongFieldCount(at: at, expected: dataset.dataSchema.count, found: Int(index.recordFields[r]))
        case .quotedLineBreak:
            return .quotedLineBreak(at: at)
        case .unterminatedQuote:
            return .unterminatedQuote(at: at, quote: String(decoding: [options.quote ?? 34], as: UTF8.self))
        case .characterAfterQuote:
            let off = Int(index.problemOffset[r])
            var end = off + 1
            while end < Int(index.recordEnd[r]) && buffer[end] & 0xC0 == 0x80 { end += 1 }
            let found = String(decoding: UnsafeBufferPointer(start: buffer + off, count: end - off), as: UTF8.self)
            return .unexpectedCharacterAfterQuote(at: at, found: CSVError.display(found), delimiter: CSVError.showByte(options.delimiter))
        }
    }

    /// The error of a value in slot `s` of record `r` that does not convert.
    func valueError(record r: Int, slot s: Int) -> CSVError {
        let cell = r * index.stride + s
        let start = Int(index.start(cell))
        let lf = index.lengthAndFlags(cell)
        let quoted = lf & FieldIndex.quotedFlag != 0
        let at = position(record: r, offset: quoted ? start - 1 : start)
        var text = ""
        if let (p, n) = decoder.text(buffer, index.start(cell), lf) {
            text = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        }
        let field = dataset.dataSchema[slotField[s]]
        var format: String? = nil
        if field.type == .date { format = options.dateFormat }
        if field.type == .timestamp { format = options.timestampFormat }
        return .valueTypeMismatch(at: at, column: field.name, value: text, type: field.type, format: format,
                                  inferred: dataset.schemaSource == .inferred)
    }

    /// Writes a rejected record to the badRecordsPath.
    func reject(record r: Int, _ error: CSVError) {
        guard let badRecords else { return }
        let start = Int(index.recordStart[r]), end = Int(index.recordEnd[r])
        let record = String(decoding: UnsafeBufferPointer(start: buffer + start, count: max(end - start, 0)), as: UTF8.self)
        // The line is the record's first line; the reason is the error without its
        // position and without the advice on options (the record was already set aside).
        let text = error.description
        var reason = text
        if let at = error.position, text.hasPrefix(at.description + ": ") {
            reason = String(text.dropFirst(at.description.count + 2))
        }
        if let advice = reason.firstRange(of: "; ") { reason = String(reason[..<advice.lowerBound]) }
        badRecords.add(path: split.path, line: linesBefore() + Int(index.recordLine[r]) + 1, record: record, reason: reason)
    }

    /// Whether the file's header line starts at or after `offset`, i.e. every line that
    /// starts before it is blank or a comment: then this split owns the header and skips
    /// its first record.
    func headerStartsAtOrAfter(_ offset: Int64) throws(CSVError) -> Bool {
        let size = 64 << 10
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { buf.deallocate() }
        var pos: Int64 = 0
        var atLineStart = true
        var inComment = false
        var first = true
        while pos < offset {
            let n = try handle!.read(into: buf, count: size, at: pos)
            if n == 0 { return true }
            var i = 0
            if first && n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }
            first = false
            while i < n {
                let abs = pos + Int64(i)
                let c = buf[i]
                if atLineStart {
                    if abs >= offset { return true }
                    inComment = options.comment.map { $0 == c } ?? false
                    atLineStart = false
                }
                if c == 10 {
                    atLineStart = true
                } else if c > 32 && !inComment {
                    return false
                }
                i += 1
            }
            pos += Int64(n)
        }
        return true
    }
}

extension CSVError {
    /// The file position a record error names, if it is one.
    public var position: FilePosition? {
        switch self {
        case .wrongFieldCount(let at, _, _), .valueTypeMismatch(let at, _, _, _, _, _), .quotedLineBreak(let at),
             .unterminatedQuote(let at, _), .unexpectedCharacterAfterQuote(let at, _, _):
            return at
        default:
            return nil
        }
    }
}
