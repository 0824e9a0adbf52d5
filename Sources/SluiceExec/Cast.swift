/// How a cast treats a value it cannot convert.
public enum CastMode: Sendable {
    /// `CAST` under ANSI mode: raise CAST_INVALID_INPUT or CAST_OVERFLOW naming the row.
    case ansi
    /// `try_cast`: the row becomes NULL.
    case tryCast
}

/// `CAST(x AS type)` over whole columns, with Spark 4's ANSI semantics.
///
/// ```
///  from \ to   BOOLEAN INT BIGINT DOUBLE STRING DATE TIMESTAMP
///  BOOLEAN        =     ✓    ✓      ✓      ✓     ✗      ✗
///  INT/BIGINT     ✓     ✓    ✓      ✓      ✓     ✗      ✓ (seconds)
///  DOUBLE         ✓     ✓    ✓      =      ✓     ✗      ✓ (seconds)
///  STRING         ✓     ✓    ✓      ✓      =     ✓      ✓
///  DATE           ✗     ✗    ✗      ✗      ✓     =      ✓ (midnight)
///  TIMESTAMP      ✗     ✓    ✓      ✓      ✓     ✓      =
///  NULL (VOID)    every type
/// ```
/// The conversions themselves live in `Cast+Numeric.swift` (numbers and booleans),
/// `Cast+String.swift` (parsing text to numbers and booleans), `Cast+DateTime.swift`
/// (dates and timestamps) and `Cast+Format.swift` (anything to text).
public enum Cast {
    /// Whether `CAST(from AS to)` is allowed at all (Spark's `Cast.canAnsiCast`, which
    /// `try_cast` shares for these types).
    public static func canCast(from: DataType, to: DataType) -> Bool {
        if from == to || from == .null { return true }
        switch (from, to) {
        case (_, .null): return false
        case (_, .string): return true
        case (.string, _): return true
        case (.boolean, .int), (.boolean, .bigint), (.boolean, .double): return true
        case (.int, _), (.bigint, _), (.double, _):
            return to == .boolean || to.isNumeric || to == .timestamp
        case (.date, .timestamp): return true
        case (.timestamp, .date), (.timestamp, .int), (.timestamp, .bigint), (.timestamp, .double): return true
        default: return false
        }
    }

    /// `column` converted to `type`. In ``CastMode/ansi`` a value that cannot be converted
    /// throws an ``EvalError`` with its row (CAST_INVALID_INPUT for malformed text,
    /// CAST_OVERFLOW for a number out of range); in ``CastMode/tryCast`` it becomes NULL.
    /// NULL stays NULL.
    public static func cast(_ column: Column, to type: DataType, mode: CastMode) throws -> Column {
        let from = column.type
        if from == type { return column }
        if from == .null { return .nulls(type, count: column.count) }
        guard canCast(from: from, to: type) else {
            throw InternalError("CAST from \(from) to \(type) is not allowed; the binder should have rejected it")
        }
        var context = CastContext(mode: mode, from: from, to: type, column: column)
        let storage: Column.Storage
        switch (from, type) {
        case (_, .string): storage = .string(format(column))
        case (.string, _): storage = try parse(column.strings, to: type, &context)
        case (.int, .bigint): return column.retyped(.bigint)
        case (.date, .timestamp): storage = .int64(try dateToTimestamp(column.int64s, &context))
        case (.timestamp, .date): storage = .int64(column.int64s.map { DateTime.day(ofMicros: $0) })
        default: storage = try convertNumber(column, to: type, &context)
        }
        return Column(type: type, storage: storage, validity: context.validity)
    }
}

/// The state of one cast over a column: which rows are NULL in the result, and what to
/// do with a value that does not convert.
struct CastContext {
    let mode: CastMode
    let from: DataType
    let to: DataType
    let count: Int
    /// Starts as the input's validity; `try_cast` failures are added to it.
    var validity: Validity?

    init(mode: CastMode, from: DataType, to: DataType, column: Column) {
        self.mode = mode
        self.from = from
        self.to = to
        count = column.count
        validity = column.validity
    }

    @inline(__always)
    func isNull(_ i: Int) -> Bool { !NullPropagation.isValid(validity, i) }

    /// Row `i` did not convert: raise `kind` (ANSI) or make the row NULL (`try_cast`).
    @inline(__always)
    mutating func fail(_ i: Int, _ kind: @autoclosure () -> ExecError.Kind) throws {
        if mode == .ansi { throw EvalError(kind(), row: i) }
        if validity == nil { validity = Validity(allValid: count) }
        validity!.setNull(i)
    }

    /// CAST_INVALID_INPUT for the text of row `i`.
    mutating func failInvalid(_ i: Int, _ text: UnsafeBufferPointer<UInt8>) throws {
        let (source, target) = (from, to)
        try fail(i, .castInvalidInput(value: SQLValueText.quotedBody(text), from: source, to: target))
    }

    /// CAST_OVERFLOW for a value already rendered as Spark's SQL literal.
    mutating func failOverflow(_ i: Int, _ literal: @autoclosure () -> String) throws {
        let (source, target) = (from, to)
        try fail(i, .castOverflow(value: literal(), from: source, to: target))
    }
}
