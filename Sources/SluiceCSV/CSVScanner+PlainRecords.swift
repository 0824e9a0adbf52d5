extension CSVScanner {
    /// The loop for plain records, with the general loop for the others, one record at a
    /// time. A plain record is one line whose fields are unquoted, or quoted with the
    /// closing quote right before a delimiter or the line end, and that has the expected
    /// number of fields; it gives the same index entries as the general loop.
    ///
    /// ```
    ///  record start ── byte <= space (blank line?) ──────────────────────> general loop
    ///    └─ next structural byte (SpecialBytes) ─┬─ delimiter: field, next
    ///                                            ├─ \n: last field, commit if the count fits
    ///                                            ├─ quote at the field start: quoted field
    ///                                            │    ├─ closing quote + delimiter or \n: field
    ///                                            │    └─ \n, other byte after the quote ──> general loop
    ///                                            ├─ other quote or escape: an ordinary byte
    ///                                            └─ end of the buffer ───────────────────> general loop
    /// ```
    ///
    /// `fieldCells` is ``fieldCells``; its scratch cell is the index's last cell of a row.
    func scanPlainRecords(_ buf: UnsafePointer<UInt8>, _ start: Int, _ limit: Int, _ eof: Bool,
                          _ stopOffset: Int, _ startLine: Int32, _ stopAfterProblem: Bool, _ index: FieldIndex,
                          _ slotMap: UnsafeBufferPointer<Int32>, _ fieldCells: UnsafeBufferPointer<Int32>) -> Outcome {
        let d = dialect
        let delim = d.delimiter
        // Off bytes are searched as the delimiter, so that they never match on their own.
        let quote = d.quoting ? d.quote : delim
        let escape = d.escaping ? d.escape : delim
        let expected = expectedFields
        let stride = index.stride, capacity = min(index.limit, index.capacity)
        let cells = index.cells
        let cellOf = fieldCells.baseAddress!
        let bound = fieldCells.count &- SpecialBytes.tableMargin
        var bytes = SpecialBytes(buf, limit: limit, delimiter: delim, quote: quote, escape: escape)
        var count = index.count
        var p = start
        var line = startLine

        while true {
            if count == capacity {
                index.count = count
                return Outcome(stop: .full, resume: p, line: line)
            }
            if p >= stopOffset {
                index.count = count
                return Outcome(stop: .stopOffset, resume: p, line: line)
            }
            if p >= limit {
                index.count = count
                return Outcome(stop: eof ? .endOfData : .needMore, resume: p, line: line)
            }
            let recStart = p
            plain: if buf[p] > 32 {
                let row = cells + count &* stride
                var field = 0
                var fs = p
                var recEnd = 0
                var pos = bytes.seek(p, field: 0, bound: bound)
                fields: while true {
                    if pos >= limit { break plain }
                    let c = buf[pos]
                    if c == delim {
                        row[Int(cellOf[field])] = FieldIndex.cell(start: fs, lengthAndFlags: UInt32(truncatingIfNeeded: pos &- fs))
                        field &+= 1
                        fs = pos &+ 1
                        pos = bytes.advance(field: field, bound: bound)
                        continue
                    }
                    if c == 10 {
                        var fe = pos
                        if fe > fs && buf[fe &- 1] == 13 { fe &-= 1 }
                        row[Int(cellOf[field])] = FieldIndex.cell(start: fs, lengthAndFlags: UInt32(truncatingIfNeeded: fe &- fs))
                        field &+= 1
                        recEnd = fe
                        p = pos &+ 1
                        break fields
                    }
                    if c != quote || pos != fs {
                        // A quote or an escape inside an unquoted field is an ordinary byte.
                        pos = bytes.advance(field: field, bound: bound)
                        continue
                    }
                    // A quoted field: find the closing quote.
                    var flags = FieldIndex.quotedFlag
                    pos = bytes.advance(field: field, bound: bound)
                    while true {
                        if pos &+ 1 >= limit { break plain }
                        let b = buf[pos]
                        if b == quote {
                            if buf[pos &+ 1] != quote { break }
                            flags |= FieldIndex.escapedFlag
                            pos = bytes.seek(pos &+ 2, field: field, bound: bound)
                        } else if b == delim {
                            pos = bytes.advance(field: field, bound: bound)
                        } else if b == 10 {
                            break plain
                        } else {
                            // The escape byte: it escapes a quote or itself, else it is literal.
                            let next = buf[pos &+ 1]
                            if next == quote || next == escape {
                                flags |= FieldIndex.escapedFlag
                                pos = bytes.seek(pos &+ 2, field: field, bound: bound)
                            } else {
                                pos = bytes.advance(field: field, bound: bound)
                            }
                        }
                    }
                    let close = pos
                    let after = buf[close &+ 1]
                    if after != delim && after != 10 { break plain }
                    row[Int(cellOf[field])] = FieldIndex.cell(start: fs &+ 1, lengthAndFlags: UInt32(truncatingIfNeeded: close &- fs &- 1) | flags)
                    field &+= 1
                    if after == 10 {
                        recEnd = close &+ 1
                        p = close &+ 2
                        break fields
                    }
                    fs = close &+ 2
                    pos = bytes.seek(fs, field: field, bound: bound)
                }
                if field != expected { break plain }
                let r = count
                index.recordStart[r] = Int32(truncatingIfNeeded: recStart)
                index.recordEnd[r] = Int32(truncatingIfNeeded: recEnd)
                index.recordLine[r] = line
                index.recordFields[r] = Int32(truncatingIfNeeded: field)
                index.recordProblem[r] = .none
                index.problemOffset[r] = 0
                count = r &+ 1
                line &+= 1
                continue
            }
            // The general loop, for the next record (and the blank lines before it).
            index.count = count
            let o = scan(Plain.self, buf, recStart, limit, eof, stopOffset, line, stopAfterProblem, index, slotMap,
                         records: count &+ 1)
            count = index.count
            if o.stop != .full || count == capacity { return o }
            p = o.resume
            line = o.line
            bytes.reset()
        }
    }
}
