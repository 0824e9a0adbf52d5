/// Conversions between text and dates/timestamps: `to_date`, `to_timestamp`,
/// `date_format`, `unix_timestamp` and `from_unixtime`.
///
/// Without a pattern, `to_date(x)` and `to_timestamp(x)` are `CAST(x AS DATE|TIMESTAMP)`
/// (Spark rewrites them so) and fail with CAST_INVALID_INPUT. With a pattern they parse
/// with Spark's datetime patterns (``DateTimePattern``) and fail with
/// CANNOT_PARSE_TIMESTAMP; a DATE or TIMESTAMP argument ignores the pattern.
extension DateFunctions {
    /// The pattern `unix_timestamp` and `from_unixtime` use when none is given.
    static let defaultPattern = "yyyy-MM-dd HH:mm:ss"

    static func patternKernel(_ name: String, _ argTypes: [DataType], _ returnType: DataType) -> ScalarKernel? {
        let t = argTypes.first
        let patterned = argTypes.count == 2 && argTypes[1] == .string
        switch (name, argTypes.count) {
        case ("to_date", 1):
            guard t == .string || t == .date || t == .timestamp else { return nil }
            return { args, _ in try Cast.cast(args[0], to: .date, mode: .ansi) }
        case ("to_timestamp", 1):
            guard let t, Cast.canCast(from: t, to: .timestamp) else { return nil }
            return { args, _ in try Cast.cast(args[0], to: .timestamp, mode: .ansi) }
        case ("to_date", 2) where patterned:
            guard let k = instantKernel(t, name: name, { DateTime.day(ofMicros: $0) }) else { return nil }
            return { args, n in var c = try k(args, n); c.type = .date; return c }
        case ("to_timestamp", 2) where patterned:
            return instantKernel(t, name: name) { $0 }
        case ("unix_timestamp", 0):
            return { _, n in Column(type: .bigint, storage: .int64([Int64](repeating: floorDiv(ScalarFunctions.runStart, DateTime.microsPerSecond), count: n))) }
        case ("unix_timestamp", 1), ("unix_timestamp", 2):
            guard argTypes.count == 1 || patterned else { return nil }
            guard let k = instantKernel(t, name: name, { floorDiv($0, DateTime.microsPerSecond) }) else { return nil }
            return { args, n in var c = try k(args, n); c.type = .bigint; return c }
        case ("date_format", 2) where t == .timestamp && patterned:
            return { args, n in try format(micros: args[0], args[1], n, name: name) }
        case ("from_unixtime", 1) where t == .bigint:
            return { args, n in
                let patterns = Column.constant(.string(defaultPattern), type: .string, count: n)
                return try format(micros: secondsToMicros(args[0]), patterns, n, name: name)
            }
        case ("from_unixtime", 2) where t == .bigint && patterned:
            return { args, n in try format(micros: secondsToMicros(args[0]), args[1], n, name: name) }
        default:
            return nil
        }
    }

    /// The names `patternKernel` implements.
    static let patternNames = ["to_date", "to_timestamp", "unix_timestamp", "date_format", "from_unixtime"]

    // MARK: Patterns

    /// Compiles the pattern of each row, once per distinct text (nearly always a literal).
    struct PatternCache {
        let name: String
        let forParsing: Bool
        var lastText: [UInt8] = []
        var last: DateTimePattern? = nil

        init(name: String, forParsing: Bool) {
            self.name = name
            self.forParsing = forParsing
        }

        mutating func pattern(_ p: UnsafeBufferPointer<UInt8>, row: Int) throws -> DateTimePattern {
            if let last, lastText.elementsEqual(p) { return last }
            let text = String(decoding: p, as: UTF8.self)
            do {
                let compiled = try DateTimePattern(text, forParsing: forParsing)
                last = compiled
                lastText = Array(p)
                return compiled
            } catch {
                throw EvalError(.other("[INVALID_DATETIME_PATTERN] Unrecognized datetime pattern: \(text) (\(error.reason)); see Spark's datetime patterns, as `\(name)` takes them."), row: row)
            }
        }
    }

    /// CANNOT_PARSE_TIMESTAMP for text that does not match its pattern (ANSI mode).
    static func cannotParse(_ text: UnsafeBufferPointer<UInt8>) -> ExecError.Kind {
        .other("[CANNOT_PARSE_TIMESTAMP] Text '\(String(decoding: text, as: UTF8.self))' could not be parsed at index 0. Use `try_to_timestamp` to tolerate invalid input string and return NULL instead.")
    }

    /// A kernel taking `(x, pattern)` to an Int64 column: a STRING `x` is parsed with the
    /// pattern into microseconds, a DATE is its midnight, a TIMESTAMP itself; `result` maps
    /// the microseconds to the output slot. The output type is TIMESTAMP until the caller
    /// retypes it.
    static func instantKernel(_ t: DataType?, name: String, _ result: @escaping @Sendable (Int64) -> Int64) -> ScalarKernel? {
        switch t {
        case .date:
            return { args, n in mapMicrosWithPattern(args, n) { result($0 * DateTime.microsPerDay) } }
        case .timestamp:
            return { args, n in mapMicrosWithPattern(args, n, result) }
        case .string:
            return { args, n in try parse(args[0], args.count > 1 ? args[1] : nil, n, name: name, result) }
        default:
            return nil
        }
    }

    /// DATE/TIMESTAMP input: the pattern is ignored, but a NULL pattern still gives NULL.
    static func mapMicrosWithPattern(_ args: [Column], _ n: Int, _ f: (Int64) -> Int64) -> Column {
        var c = mapInt64(args[0], n, to: .timestamp, f)
        c.validity = NullPropagation.union(args)
        return c
    }

    static func parse(_ text: Column, _ patterns: Column?, _ n: Int, name: String, _ result: (Int64) -> Int64) throws -> Column {
        let patterns = patterns ?? Column.constant(.string(defaultPattern), type: .string, count: n)
        let validity = NullPropagation.union([text, patterns])
        var cache = PatternCache(name: name, forParsing: true)
        var out = [Int64](repeating: 0, count: n)
        try text.strings.withByteStrings { v in
            try patterns.strings.withByteStrings { w in
                for i in 0..<n where NullPropagation.isValid(validity, i) {
                    let pattern = try cache.pattern(w[i], row: i)
                    guard let micros = pattern.parse(v[i]) else { throw EvalError(cannotParse(v[i]), row: i) }
                    out[i] = result(micros)
                }
            }
        }
        return Column(type: .timestamp, storage: .int64(out), validity: validity)
    }

    /// `date_format(ts, fmt)` and `from_unixtime`: the timestamp as text in UTC.
    static func format(micros: Column, _ patterns: Column, _ n: Int, name: String) throws -> Column {
        let validity = NullPropagation.union([micros, patterns])
        var cache = PatternCache(name: name, forParsing: false)
        var out = ByteStringBuilder(rows: n, bytes: n * 20)
        let xs = micros.int64s
        try patterns.strings.withByteStrings { w in
            for i in 0..<n {
                if NullPropagation.isValid(validity, i) {
                    try cache.pattern(w[i], row: i).format(micros: xs[i], into: &out.bytes)
                }
                out.closeRow()
            }
        }
        return out.finish(validity: validity)
    }

    /// Seconds to microseconds, saturating at the ends of the range.
    static func secondsToMicros(_ c: Column) -> Column {
        mapInt64(c, c.count, to: .timestamp) { s in
            let (v, overflow) = s.multipliedReportingOverflow(by: DateTime.microsPerSecond)
            return overflow ? (s < 0 ? Int64.min : Int64.max) : v
        }
    }
}
