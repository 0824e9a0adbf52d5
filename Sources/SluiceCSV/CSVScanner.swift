/// The bytes that give a CSV file its shape, fixed for a scan.
struct CSVDialect: Sendable {
    var delimiter: UInt8
    var quote: UInt8
    var quoting: Bool
    var escape: UInt8
    /// An escape byte other than the quote is in use.
    var escaping: Bool
    var comment: UInt8
    var commenting: Bool
    var multiLine: Bool
    var trimLeading: Bool

    init(options: CSVOptions) {
        delimiter = options.delimiter
        quote = options.quote ?? 0
        quoting = options.quote != nil
        escape = options.escape ?? 0
        escaping = options.escape != nil && options.escape != options.quote && quoting
        comment = options.comment ?? 0
        commenting = options.comment != nil
        multiLine = options.multiLine
        trimLeading = options.ignoreLeadingWhiteSpace
    }
}

/// Splits the records of a byte buffer into fields (RFC 4180 plus Spark's escape byte),
/// recording their boundaries in a ``FieldIndex``; no byte is copied.
///
/// The search for the next special byte looks at eight bytes at a time (SWAR): the bytes
/// equal to the delimiter or `\n` are found with the exact has-zero-byte test on
/// `word ^ broadcast(byte)`, and the matches left in a word after one field ends are used
/// for the next field, so that a word is loaded once however many short fields it holds.
///
/// ```
///  record start ─┬─ comment byte ───────────────────────> skip the line
///                ├─ quote ─> quoted: find quote | escape | \n ─> closing quote ─┐
///                └─ other ─> unquoted: find delimiter | \n ─────────────────────┤
///                                    delimiter: next field <────────────────────┤
///                                    \n or end of data: commit the record <─────┘
/// ```
///
/// A scan stops at a record boundary: when the index is full, when the next record
/// starts at or after `stopOffset` (the end of a split), at the end of the data, or when
/// a record is cut off by the end of the buffer (`needMore`: refill and scan again from
/// `resume`, the start of that record). Lines are counted at every `\n`, also inside
/// quoted fields, so a record's line is its physical line.
struct CSVScanner {
    enum Stop {
        case full
        case stopOffset
        case endOfData
        case needMore
        /// A record with a problem was recorded and the caller asked to stop after it.
        case problem
    }

    struct Outcome {
        var stop: Stop
        /// Where the next scan starts (always a record boundary).
        var resume: Int
        /// The line count at `resume`.
        var line: Int32
    }

    let dialect: CSVDialect
    /// Fields a record must have; -1 accepts any number.
    let expectedFields: Int
    /// The slot of each field position, -1 for a field that is only stepped over; fields
    /// past the end of the map have no slot.
    let slotOfField: [Int32]
    /// For the plain-record loop (``scanPlainRecords``): the cell of each field position in a
    /// record's row, the scratch cell for a field without a slot, with
    /// ``SpecialBytes/tableMargin`` entries past the most fields a good record has. Empty
    /// when that loop is not used: options that the general loop alone handles (trimming,
    /// comments, any number of fields) or structural bytes that coincide.
    let fieldCells: [Int32]

    /// - Parameter plainLoop: whether plain records may take the fast loop (tests compare
    ///   both loops).
    init(dialect: CSVDialect, expectedFields: Int, slotOfField: [Int32], plainLoop: Bool = true) {
        self.dialect = dialect
        self.expectedFields = expectedFields
        self.slotOfField = slotOfField
        var structural: [UInt8] = [10, 13, dialect.delimiter]
        if dialect.quoting { structural.append(dialect.quote) }
        if dialect.escaping { structural.append(dialect.escape) }
        if !plainLoop || dialect.trimLeading || dialect.commenting || expectedFields < 0
            || Set(structural).count != structural.count {
            fieldCells = []
        } else {
            let scratch = (slotOfField.max() ?? -1) + 1
            let count = max(expectedFields, slotOfField.count) + SpecialBytes.tableMargin
            fieldCells = (0..<count).map { $0 < slotOfField.count && slotOfField[$0] >= 0 ? slotOfField[$0] : scratch }
        }
    }

    /// Scans `buf[start ..< limit]`; `eof` says no byte follows `limit`.
    func scan(_ buf: UnsafePointer<UInt8>, from start: Int, limit: Int, eof: Bool, stopOffset: Int,
              line startLine: Int32, stopAfterProblem: Bool, into index: FieldIndex) -> Outcome {
        slotOfField.withUnsafeBufferPointer { slotMap in
            let d = dialect
            if d.trimLeading || d.commenting {
                return scan(General.self, buf, start, limit, eof, stopOffset, startLine, stopAfterProblem, index, slotMap)
            }
            // The scratch cell of the table must be the one the index has.
            if let last = fieldCells.last, Int(last) == index.stride - 1 {
                return fieldCells.withUnsafeBufferPointer { cells in
                    scanPlainRecords(buf, start, limit, eof, stopOffset, startLine, stopAfterProblem, index, slotMap, cells)
                }
            }
            return scan(Plain.self, buf, start, limit, eof, stopOffset, startLine, stopAfterProblem, index, slotMap)
        }
    }

    /// The general loop: every dialect, every kind of record. `records` caps the records
    /// the index may hold after this scan (the plain-record loop hands one record at a time).
    func scan<V: ScanVariant>(_: V.Type, _ buf: UnsafePointer<UInt8>, _ start: Int, _ limit: Int, _ eof: Bool,
                              _ stopOffset: Int, _ startLine: Int32, _ stopAfterProblem: Bool, _ index: FieldIndex,
                              _ slotMap: UnsafeBufferPointer<Int32>, records: Int = Int.max) -> Outcome {
        let d = dialect
        let delim = d.delimiter, quote = d.quote, escape = d.escape
        let quoting = d.quoting, escaping = d.escaping, multiLine = d.multiLine
        // Constant false in the plain variant, so that its loop carries none of these tests.
        let trimLeading = V.general && d.trimLeading
        let commenting = V.general && d.commenting
        let comment = d.comment
        let recordStarts = index.recordStart, recordEnds = index.recordEnd, recordLines = index.recordLine
        let recordFields = index.recordFields, recordProblems = index.recordProblem, problemOffsets = index.problemOffset
        var count = index.count
        defer { index.count = count }
        let dMask = broadcast(delim), nlMask = broadcast(10), qMask = broadcast(quote), eMask = broadcast(escape)
        let expected = expectedFields
        let stride = index.stride, capacity = min(index.limit, index.capacity, records)
        let nMapped = slotMap.count
        let cells = index.cells

        var p = start
        var line = startLine
        // Matches left in the last word the unquoted search loaded; valid for a field
        // that starts at `carryFor`.
        var carryFor = -1, carryWord = 0, carryMask: UInt64 = 0

        while true {
            if count == capacity { return Outcome(stop: .full, resume: p, line: line) }
            if p >= stopOffset { return Outcome(stop: .stopOffset, resume: p, line: line) }
            if p >= limit { return Outcome(stop: eof ? .endOfData : .needMore, resume: p, line: line) }
            let recStart = p, recLine = line
            if commenting && buf[p] == comment {
                var k = p
                while k < limit && buf[k] != 10 { k += 1 }
                if k == limit {
                    if !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                    p = limit
                } else {
                    p = k + 1
                    line += 1
                }
                continue
            }
            let r = count
            let cellBase = r &* stride
            var field = 0
            var problem = RecordProblem.none
            var problemAt = 0
            var extraAt = 0
            var recEnd = 0
            var fs = p

            fieldLoop: while true {
                if field == expected { extraAt = fs }
                var qs = fs
                if trimLeading {
                    while qs < limit && (buf[qs] == 32 || buf[qs] == 9) && buf[qs] != delim { qs += 1 }
                    if qs == limit && !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                }
                if quoting && qs < limit && buf[qs] == quote {
                    // Quoted field: find the closing quote.
                    var q = qs + 1
                    var escaped = false
                    while true {
                        var idx = -1
                        var w = q
                        while w &+ 8 <= limit {
                            let x = UnsafeRawPointer(buf + w).loadUnaligned(as: UInt64.self)
                            var m = zeroBytes(x ^ qMask) | zeroBytes(x ^ nlMask)
                            if escaping { m |= zeroBytes(x ^ eMask) }
                            if m != 0 { idx = w &+ (m.trailingZeroBitCount >> 3); break }
                            w &+= 8
                        }
                        if idx < 0 {
                            while w < limit {
                                let c = buf[w]
                                if c == quote || c == 10 || (escaping && c == escape) { idx = w; break }
                                w &+= 1
                            }
                        }
                        if idx < 0 {
                            if !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                            problem = .unterminatedQuote
                            problemAt = qs
                            recEnd = limit
                            p = limit
                            break fieldLoop
                        }
                        let c = buf[idx]
                        if c == 10 {
                            line += 1
                            if !multiLine {
                                problem = .quotedLineBreak
                                problemAt = qs
                                recEnd = idx > recStart && buf[idx - 1] == 13 ? idx - 1 : idx
                                p = idx + 1
                                break fieldLoop
                            }
                            q = idx + 1
                            continue
                        }
                        if c == quote {
                            if idx + 1 >= limit {
                                if !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                            } else if buf[idx + 1] == quote {
                                escaped = true
                                q = idx + 2
                                continue
                            }
                            // The closing quote.
                            if field < nMapped {
                                let s = Int(slotMap[field])
                                if s >= 0 {
                                    let flags = FieldIndex.quotedFlag | (escaped ? FieldIndex.escapedFlag : 0)
                                    cells[cellBase + s] = FieldIndex.cell(start: qs + 1, lengthAndFlags: UInt32(truncatingIfNeeded: idx - qs - 1) | flags)
                                }
                            }
                            field += 1
                            // Spaces after a closing quote are dropped, as univocity does.
                            var a = idx + 1
                            while a < limit && (buf[a] == 32 || buf[a] == 9) && buf[a] != delim { a += 1 }
                            if a == limit && a > idx + 1 && !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                            if a >= limit {
                                recEnd = a
                                p = limit
                                break fieldLoop
                            }
                            let c2 = buf[a]
                            if c2 == delim {
                                fs = a + 1
                                continue fieldLoop
                            }
                            if c2 == 10 {
                                recEnd = a
                                p = a + 1
                                line += 1
                                break fieldLoop
                            }
                            if c2 == 13 {
                                if a + 1 >= limit {
                                    if !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                                    recEnd = a
                                    p = limit
                                    break fieldLoop
                                }
                                if buf[a + 1] == 10 {
                                    recEnd = a
                                    p = a + 2
                                    line += 1
                                    break fieldLoop
                                }
                            }
                            // Junk after the closing quote: the field is broken; step over
                            // the rest of it as if unquoted.
                            if problem == .none {
                                problem = .characterAfterQuote
                                problemAt = a
                            }
                            if field - 1 < nMapped {
                                let s = Int(slotMap[field - 1])
                                if s >= 0 { cells[cellBase + s] |= FieldIndex.brokenStart }
                            }
                            var k = a
                            while k < limit && buf[k] != delim && buf[k] != 10 { k += 1 }
                            if k == limit {
                                if !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                                recEnd = limit
                                p = limit
                                break fieldLoop
                            }
                            if buf[k] == delim {
                                fs = k + 1
                                continue fieldLoop
                            }
                            recEnd = buf[k - 1] == 13 ? k - 1 : k
                            p = k + 1
                            line += 1
                            break fieldLoop
                        }
                        // The escape byte: it escapes a quote or itself, else it is literal.
                        if idx + 1 >= limit {
                            if !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                            q = idx + 1
                            continue
                        }
                        let nx = buf[idx + 1]
                        if nx == quote || nx == escape {
                            escaped = true
                            q = idx + 2
                        } else {
                            q = idx + 1
                        }
                    }
                } else {
                    // Unquoted field: find the delimiter or line end.
                    var found = -1
                    var fromWord = true
                    var w = fs
                    if carryFor == fs {
                        if carryMask != 0 {
                            found = carryWord &+ (carryMask.trailingZeroBitCount >> 3)
                            carryMask &= carryMask &- 1
                        } else {
                            w = carryWord &+ 8
                        }
                    }
                    if found < 0 {
                        while w &+ 8 <= limit {
                            let x = UnsafeRawPointer(buf + w).loadUnaligned(as: UInt64.self)
                            let m = zeroBytes(x ^ dMask) | zeroBytes(x ^ nlMask)
                            if m != 0 {
                                found = w &+ (m.trailingZeroBitCount >> 3)
                                carryWord = w
                                carryMask = m & (m &- 1)
                                break
                            }
                            w &+= 8
                        }
                        if found < 0 {
                            fromWord = false
                            while w < limit {
                                let c = buf[w]
                                if c == delim || c == 10 { found = w; break }
                                w &+= 1
                            }
                        }
                    }
                    if found < 0 {
                        if !eof { return Outcome(stop: .needMore, resume: recStart, line: recLine) }
                        found = limit
                    }
                    carryFor = fromWord ? found &+ 1 : -1
                    let atDelim = found < limit && buf[found] == delim
                    var fe = found
                    if !atDelim && fe > fs && buf[fe - 1] == 13 { fe -= 1 }
                    if field < nMapped {
                        let s = Int(slotMap[field])
                        if s >= 0 {
                            cells[cellBase + s] = FieldIndex.cell(start: fs, lengthAndFlags: UInt32(truncatingIfNeeded: fe - fs))
                        }
                    }
                    field += 1
                    if atDelim {
                        fs = found + 1
                        continue fieldLoop
                    }
                    recEnd = fe
                    if found < limit {
                        p = found + 1
                        line += 1
                    } else {
                        p = limit
                    }
                    break fieldLoop
                }
            }

            if problem == .none {
                // Spark skips lines that are empty after trimming (bytes up to space).
                if buf[recStart] <= 32 && isBlank(buf, recStart, recEnd) { continue }
                if expected >= 0 && field != expected {
                    problem = field < expected ? .tooFewFields : .tooManyFields
                    problemAt = field < expected ? recEnd : extraAt
                }
            }
            recordStarts[r] = Int32(truncatingIfNeeded: recStart)
            recordEnds[r] = Int32(truncatingIfNeeded: recEnd)
            recordLines[r] = recLine
            recordFields[r] = Int32(truncatingIfNeeded: field)
            recordProblems[r] = problem
            problemOffsets[r] = Int32(truncatingIfNeeded: problemAt)
            count = r + 1
            if problem != .none && stopAfterProblem { return Outcome(stop: .problem, resume: p, line: line) }
        }
    }
}

/// Which scan loop to compile: the plain one leaves out trimming and comments.
protocol ScanVariant {
    static var general: Bool { get }
}

enum Plain: ScanVariant {
    static var general: Bool { false }
}

enum General: ScanVariant {
    static var general: Bool { true }
}

/// A byte repeated in all eight lanes of a word.
@inline(__always)
func broadcast(_ b: UInt8) -> UInt64 { UInt64(b) &* 0x0101_0101_0101_0101 }

/// 0x80 in every byte of `x` that is zero, 0 elsewhere; exact (no false positives from
/// borrows, unlike the shorter `(x - 0x01..) & ~x & 0x80..`), so every set bit is a match.
@inline(__always)
func zeroBytes(_ x: UInt64) -> UInt64 {
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    return ~(((x & low7) &+ low7) | x | low7)
}

/// Whether `buf[from ..< to]` holds only bytes up to space (Java's `String.trim` rule).
@inline(__always)
func isBlank(_ buf: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    var i = from
    while i < to {
        if buf[i] > 32 { return false }
        i += 1
    }
    return true
}
