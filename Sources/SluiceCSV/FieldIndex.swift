/// The field boundaries of the records one scan found in a read buffer: one byte buffer
/// plus offsets, no per-field allocation (arrow-csv's `RecordDecoder`).
///
/// Only the fields that have a *slot* (the columns a reader parses) are recorded; the
/// scanner writes the others to a scratch cell at the end of each record's row, so that
/// its loop stores every field the same way. Offsets are relative to the buffer the scan
/// ran over, so the index is consumed before that buffer is compacted or refilled.
///
/// ```
///  record r:  start/end/line/fieldCount/problem
///  cell (r, slot s) at [r * stride + s]:  start (low 32 bits) | length, quoted bit, escaped bit (high 32 bits)
///  cell (r, stride - 1): scratch
/// ```
final class FieldIndex {
    /// The field was enclosed in quotes (a quoted empty field is not NULL-by-emptiness).
    static let quotedFlag: UInt32 = 1 << 31
    /// The field holds doubled quotes or escapes and must be unescaped before use.
    static let escapedFlag: UInt32 = 1 << 30
    static let lengthMask: UInt32 = (1 << 30) - 1

    let slots: Int
    /// Cells per record: the slots and the scratch cell.
    let stride: Int
    let capacity: Int
    /// Records a scan may add before it stops (at most `capacity`).
    var limit: Int
    var count = 0

    let cells: UnsafeMutablePointer<UInt64>
    let recordStart: UnsafeMutablePointer<Int32>
    /// End of the record's text, before its line terminator.
    let recordEnd: UnsafeMutablePointer<Int32>
    /// Line of the record's first byte, counted from the reader's start.
    let recordLine: UnsafeMutablePointer<Int32>
    /// Fields the record has (all of them, also those without a slot).
    let recordFields: UnsafeMutablePointer<Int32>
    let recordProblem: UnsafeMutablePointer<RecordProblem>
    /// Buffer offset the problem points at.
    let problemOffset: UnsafeMutablePointer<Int32>

    init(slots: Int, capacity: Int) {
        self.slots = slots
        stride = slots + 1
        self.capacity = max(capacity, 1)
        limit = self.capacity
        cells = .allocate(capacity: stride * self.capacity)
        recordStart = .allocate(capacity: self.capacity)
        recordEnd = .allocate(capacity: self.capacity)
        recordLine = .allocate(capacity: self.capacity)
        recordFields = .allocate(capacity: self.capacity)
        recordProblem = .allocate(capacity: self.capacity)
        problemOffset = .allocate(capacity: self.capacity)
    }

    deinit {
        cells.deallocate()
        recordStart.deallocate()
        recordEnd.deallocate()
        recordLine.deallocate()
        recordFields.deallocate()
        recordProblem.deallocate()
        problemOffset.deallocate()
    }

    /// A cell's value: the field's first byte and its length with the flags.
    @inline(__always)
    static func cell(start: Int, lengthAndFlags: UInt32) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: start)) | UInt64(lengthAndFlags) << 32
    }

    /// OR-ed into a cell: its start becomes -1, the field is broken (read as NULL).
    static let brokenStart: UInt64 = 0xFFFF_FFFF

    /// The start of the field in `cell`; negative when the field is broken (NULL).
    @inline(__always)
    func start(_ cell: Int) -> Int32 { Int32(truncatingIfNeeded: cells[cell]) }

    /// The length and flags of the field in `cell`.
    @inline(__always)
    func lengthAndFlags(_ cell: Int) -> UInt32 { UInt32(truncatingIfNeeded: cells[cell] >> 32) }
}

/// What is structurally wrong with a record, found while splitting it into fields.
enum RecordProblem: UInt8 {
    case none = 0
    case tooFewFields
    case tooManyFields
    /// A quoted field reached a line end while multiLine is off.
    case quotedLineBreak
    /// A quoted field still open at the end of the file.
    case unterminatedQuote
    /// Something other than a delimiter or line end followed a closing quote.
    case characterAfterQuote
}
