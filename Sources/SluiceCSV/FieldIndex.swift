/// The field boundaries of the records one scan found in a read buffer: one byte buffer
/// plus offsets, no per-field allocation (arrow-csv's `RecordDecoder`).
///
/// Only the fields that have a *slot* (the columns a reader parses) are recorded; the
/// scanner steps over the others. Offsets are relative to the buffer the scan ran over,
/// so the index is consumed before that buffer is compacted or refilled.
///
/// ```
///  record r:  start/end/line/fieldCount/problem
///  field (r, slot s) at [r * slots + s]:  start (Int32), length | quoted bit | escaped bit
/// ```
final class FieldIndex {
    /// The field was enclosed in quotes (a quoted empty field is not NULL-by-emptiness).
    static let quotedFlag: UInt32 = 1 << 31
    /// The field holds doubled quotes or escapes and must be unescaped before use.
    static let escapedFlag: UInt32 = 1 << 30
    static let lengthMask: UInt32 = (1 << 30) - 1

    let slots: Int
    let capacity: Int
    /// Records a scan may add before it stops (at most `capacity`).
    var limit: Int
    var count = 0

    let fieldStart: UnsafeMutablePointer<Int32>
    let fieldLength: UnsafeMutablePointer<UInt32>
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
        self.capacity = max(capacity, 1)
        limit = self.capacity
        let cells = max(slots * self.capacity, 1)
        fieldStart = .allocate(capacity: cells)
        fieldLength = .allocate(capacity: cells)
        recordStart = .allocate(capacity: self.capacity)
        recordEnd = .allocate(capacity: self.capacity)
        recordLine = .allocate(capacity: self.capacity)
        recordFields = .allocate(capacity: self.capacity)
        recordProblem = .allocate(capacity: self.capacity)
        problemOffset = .allocate(capacity: self.capacity)
    }

    deinit {
        fieldStart.deallocate()
        fieldLength.deallocate()
        recordStart.deallocate()
        recordEnd.deallocate()
        recordLine.deallocate()
        recordFields.deallocate()
        recordProblem.deallocate()
        problemOffset.deallocate()
    }
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
