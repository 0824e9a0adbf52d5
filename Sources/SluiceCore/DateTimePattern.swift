/// A Spark datetime pattern (`yyyy-MM-dd HH:mm:ss.SSS`, `dd/MMM/yyyy:HH:mm:ss Z`, ...)
/// compiled once into a list of elements, for `dateFormat` / `timestampFormat`,
/// `to_timestamp`, `date_format` and the like.
///
/// Semantics follow Spark 3+ (java.time's `DateTimeFormatter` with Spark's restrictions):
/// parsing is case-insensitive and strict (Feb 30 is no date, `MM` needs two digits), the
/// whole text must match, missing fields default to 1970-01-01 00:00:00, a parsed zone
/// offset is applied, and the session time zone is UTC. Numbers written back to back
/// (`yyyyMMdd`) are split as java.time's adjacent value parsing does: a variable-width
/// field leaves the digits of the fixed-width fields after it.
///
/// ```
///  "dd/MMM/yyyy"  ──compile──>  [day(2,2) "/" month-text(short) "/" year(4...19)]
///        parse: bytes ──> Fields (year, month, ...) ──resolve (strict)──> micros (UTC)
///       format: micros ──> civil date and time ──> bytes
/// ```
///
/// Not supported: region zone ids (`America/Los_Angeles`) and zone names other than
/// UTC/GMT when parsing `VV` or `z` (there is no time-zone database); week-based letters
/// (`Y w W u e c`), which Spark 3 rejects as well; `F`, `q` and the `p` pad modifier.
public struct DateTimePattern: Sendable {
    /// The pattern as written.
    public let pattern: String
    let elements: [Element]
    /// The bytes of every literal, which elements address by offset (no array per element,
    /// so that walking the elements in the parse loop does no reference counting).
    let literals: [UInt8]

    /// Compiles `pattern`. With `forParsing`, also rejects the letters Spark refuses when
    /// parsing (`E`, `Q`), as its CSV reader and `to_timestamp` do.
    public init(_ pattern: String, forParsing: Bool = false) throws(DateTimePatternError) {
        self.pattern = pattern
        var compiler = Compiler(pattern: pattern, forParsing: forParsing)
        try compiler.compile()
        elements = compiler.elements
        literals = compiler.literals
    }

    /// Parses the whole of `bytes` into microseconds since the epoch (UTC); `nil` when the
    /// text does not match the pattern or names an invalid date or time.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var fields = ParsedFields()
        guard let end = parseElements(0, elements.count, bytes, 0, &fields), end == bytes.count else { return nil }
        return fields.resolveMicros()
    }

    public func parse(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parse($0) }
    }

    /// Parses the whole of `bytes` into a date (days since the epoch): the local date of the
    /// text, whatever time or offset follows it, as Spark's date parser does. Time fields
    /// must still be valid.
    public func parseDays(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var fields = ParsedFields()
        guard let end = parseElements(0, elements.count, bytes, 0, &fields), end == bytes.count else { return nil }
        guard let days = fields.resolveDays(), fields.resolveMicrosOfDay() != nil else { return nil }
        return days
    }

    public func parseDays(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseDays($0) }
    }

    /// A timestamp (microseconds since the epoch) as text in UTC.
    public func format(micros: Int64) -> String {
        var out: [UInt8] = []
        format(micros: micros, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A date (days since the epoch) as text. Optional sections that need a time of day or
    /// a zone are left out, as Spark does for dates; outside them such fields print as
    /// midnight UTC.
    public func format(days: Int64) -> String {
        var out: [UInt8] = []
        format(days: days, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text of a timestamp to `out` (for writers that build a byte buffer).
    public func format(micros: Int64, into out: inout [UInt8]) {
        // Floor division without DateTime.day(ofMicros:), which overflows near Int64.min.
        var day = micros / DateTime.microsPerDay
        var microsOfDay = micros % DateTime.microsPerDay
        if microsOfDay < 0 { day -= 1; microsOfDay += DateTime.microsPerDay }
        let value = FormatValue(day: day, microsOfDay: microsOfDay, hasTime: true)
        formatElements(0, elements.count, value, &out)
    }

    /// Appends the text of a date to `out`.
    public func format(days: Int64, into out: inout [UInt8]) {
        formatElements(0, elements.count, FormatValue(day: days, microsOfDay: 0, hasTime: false), &out)
    }
}

/// A datetime pattern that cannot be compiled (exit 64).
public struct DateTimePatternError: SluiceError, Equatable {
    public var pattern: String
    /// What is wrong, e.g. `unknown pattern letter 'q'`.
    public var reason: String

    public init(pattern: String, reason: String) {
        self.pattern = pattern
        self.reason = reason
    }

    public var exitStatus: ExitStatus { .usage }
    public var description: String { "invalid datetime pattern '\(pattern)': \(reason)" }
}

// MARK: - Compiled form

extension DateTimePattern {
    /// One compiled piece of a pattern. Plain values only, so the array is walked without
    /// reference counting.
    enum Element: Sendable {
        case literal(start: Int32, count: Int32)
        case number(NumberSpec)
        /// `yy`: two digits, 2000-2099 when parsing.
        case reducedYear(ofEra: Bool, subsequentWidth: Int8)
        /// `S...`: parse 1 to `digits` digits (more than six are truncated), format exactly `digits`.
        case fraction(digits: Int8)
        case text(TextField, full: Bool)
        case offset(OffsetStyle)
        /// `VV`
        case zoneID
        /// `z`...`zzzz`
        case zoneName(full: Bool)
        /// `[`: the matching `optionalEnd` is at `end`.
        case optionalStart(end: Int32)
        case optionalEnd
    }

    enum NumberField: UInt8, Sendable {
        case year, yearOfEra, dayOfYear, month, dayOfMonth
        case hourOfDay, clockHourOfAmPm, hourOfAmPm, clockHourOfDay, minute, second, quarter
    }

    /// java.time's sign styles, as far as patterns use them.
    enum SignStyle: UInt8, Sendable {
        /// A `-` for negative values only (`y`, `yyy`, single letters).
        case normal
        /// `-` for negatives, `+` when the value has more digits than the minimum width (`yyyy`).
        case exceedsPad
        /// No sign at all (`MM`, `dd`, ...).
        case notNegative
    }

    struct NumberSpec: Sendable {
        var field: NumberField
        var minWidth: Int8
        var maxWidth: Int8
        var sign: SignStyle
        /// Digits to leave for the fixed-width number fields that directly follow.
        var subsequentWidth: Int8 = 0

        var isFixedWidth: Bool { minWidth == maxWidth && sign == .notNegative }
    }

    enum TextField: UInt8, Sendable {
        case month, dayOfWeek, era, amPm, quarter
    }

    /// How a zone offset is written; `zeroText` is what stands for offset zero.
    enum OffsetStyle: Sendable {
        /// `X`, `x`, `Z` forms: `+HH`, `+HHmm`, `+HH:mm`, ... (`count` as java.time's
        /// OffsetIdPrinterParser patterns: 0 `+HHmm`, 1 `+HHMM`, 2 `+HH:MM`, 3 `+HHMMss`, 4 `+HH:MM:ss`).
        case id(kind: Int8, zeroIsZ: Bool)
        /// `O`, `ZZZZ`: `GMT+8` (short) or `GMT+08:00` (full).
        case localized(full: Bool)
    }
}

// MARK: - Compiler

extension DateTimePattern {
    struct Compiler {
        let pattern: String
        let forParsing: Bool
        let scalars: [Unicode.Scalar]
        var elements: [Element] = []
        var literals: [UInt8] = []
        var openSections: [Int] = []
        /// `G` anywhere in the pattern makes `y` the year of era (else the proleptic year), as Spark does.
        let hasEra: Bool

        init(pattern: String, forParsing: Bool) {
            self.pattern = pattern
            self.forParsing = forParsing
            scalars = Array(pattern.unicodeScalars)
            var inQuote = false, era = false
            for c in scalars {
                if c == "'" { inQuote.toggle() } else if c == "G" && !inQuote { era = true }
            }
            hasEra = era
        }

        func fail(_ reason: String) -> DateTimePatternError {
            DateTimePatternError(pattern: pattern, reason: reason)
        }

        mutating func compile() throws(DateTimePatternError) {
            var i = 0
            let n = scalars.count
            while i < n {
                let c = scalars[i]
                if (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") {
                    var j = i + 1
                    while j < n && scalars[j] == c { j += 1 }
                    try letter(Character(c), count: j - i)
                    i = j
                } else if c == "'" {
                    if i + 1 < n && scalars[i + 1] == "'" {
                        appendLiteral("'")
                        i += 2
                        continue
                    }
                    var j = i + 1
                    var text = ""
                    while true {
                        guard j < n else { throw fail("unterminated quoted literal (a single quote is written '')") }
                        if scalars[j] == "'" {
                            if j + 1 < n && scalars[j + 1] == "'" { text.unicodeScalars.append("'"); j += 2; continue }
                            break
                        }
                        text.unicodeScalars.append(scalars[j])
                        j += 1
                    }
                    appendLiteral(text)
                    i = j + 1
                } else if c == "[" {
                    openSections.append(elements.count)
                    elements.append(.optionalStart(end: 0))
                    i += 1
                } else if c == "]" {
                    guard let start = openSections.popLast() else { throw fail("']' without a preceding '['") }
                    elements[start] = .optionalStart(end: Int32(elements.count))
                    elements.append(.optionalEnd)
                    i += 1
                } else if c == "#" || c == "{" || c == "}" {
                    throw fail("reserved character '\(c)' (quote it as '\(c)')")
                } else {
                    appendLiteral(String(c))
                    i += 1
                }
            }
            // An optional section may run to the end of the pattern.
            while let start = openSections.popLast() {
                elements[start] = .optionalStart(end: Int32(elements.count))
                elements.append(.optionalEnd)
            }
            linkAdjacentNumbers()
        }

        mutating func appendLiteral(_ text: String) {
            let bytes = Array(text.utf8)
            if bytes.isEmpty { return }
            if case .literal(let start, let count)? = elements.last {
                elements[elements.count - 1] = .literal(start: start, count: count + Int32(bytes.count))
            } else {
                elements.append(.literal(start: Int32(literals.count), count: Int32(bytes.count)))
            }
            literals.append(contentsOf: bytes)
        }

        mutating func letter(_ c: Character, count: Int) throws(DateTimePatternError) {
            let run = String(repeating: c, count: count)
            func tooMany() -> DateTimePatternError { fail("too many pattern letters '\(run)'") }
            func number(_ f: NumberField, max: Int) throws(DateTimePatternError) {
                guard count <= max else { throw tooMany() }
                if count == 1 {
                    elements.append(.number(NumberSpec(field: f, minWidth: 1, maxWidth: 19, sign: .normal)))
                } else {
                    elements.append(.number(NumberSpec(field: f, minWidth: Int8(count), maxWidth: Int8(count), sign: .notNegative)))
                }
            }
            switch c {
            case "G":
                guard count <= 4 else { throw tooMany() }
                elements.append(.text(.era, full: count == 4))
            case "y":
                // Spark: more than six letters would overflow the year range it can hold.
                guard count <= 6 else { throw tooMany() }
                let f: NumberField = hasEra ? .yearOfEra : .year
                switch count {
                case 2: elements.append(.reducedYear(ofEra: hasEra, subsequentWidth: 0))
                case 1, 3: elements.append(.number(NumberSpec(field: f, minWidth: Int8(count), maxWidth: 19, sign: .normal)))
                default: elements.append(.number(NumberSpec(field: f, minWidth: Int8(count), maxWidth: 19, sign: .exceedsPad)))
                }
            case "D":
                switch count {
                case 1: elements.append(.number(NumberSpec(field: .dayOfYear, minWidth: 1, maxWidth: 19, sign: .normal)))
                case 2, 3: elements.append(.number(NumberSpec(field: .dayOfYear, minWidth: Int8(count), maxWidth: 3, sign: .notNegative)))
                default: throw tooMany()
                }
            case "M", "L":
                switch count {
                case 1, 2: try number(.month, max: 2)
                case 3, 4: elements.append(.text(.month, full: count == 4))
                default: throw tooMany()
                }
            case "d": try number(.dayOfMonth, max: 2)
            case "H": try number(.hourOfDay, max: 2)
            case "h": try number(.clockHourOfAmPm, max: 2)
            case "K": try number(.hourOfAmPm, max: 2)
            case "k": try number(.clockHourOfDay, max: 2)
            case "m": try number(.minute, max: 2)
            case "s": try number(.second, max: 2)
            case "Q":
                if forParsing { throw fail("pattern letter 'Q' cannot be used for parsing") }
                switch count {
                case 1, 2: try number(.quarter, max: 2)
                case 3, 4: elements.append(.text(.quarter, full: count == 4))
                default: throw tooMany()
                }
            case "E":
                if forParsing { throw fail("pattern letter 'E' cannot be used for parsing") }
                guard count <= 4 else { throw tooMany() }
                elements.append(.text(.dayOfWeek, full: count == 4))
            case "a":
                guard count == 1 else { throw tooMany() }
                elements.append(.text(.amPm, full: false))
            case "S":
                guard count <= 9 else { throw fail("too many pattern letters '\(run)': at most 9 fraction digits") }
                elements.append(.fraction(digits: Int8(count)))
            case "V":
                guard count == 2 else { throw fail("pattern letter 'V' must be written 'VV'") }
                elements.append(.zoneID)
            case "z":
                guard count <= 4 else { throw tooMany() }
                elements.append(.zoneName(full: count == 4))
            case "O":
                guard count == 1 || count == 4 else { throw fail("pattern letter 'O' must be written 'O' or 'OOOO'") }
                elements.append(.offset(.localized(full: count == 4)))
            case "X", "x":
                guard count <= 5 else { throw tooMany() }
                elements.append(.offset(.id(kind: Int8(count - 1), zeroIsZ: c == "X")))
            case "Z":
                switch count {
                case 1, 2, 3: elements.append(.offset(.id(kind: 1, zeroIsZ: false)))
                case 4: elements.append(.offset(.localized(full: true)))
                case 5: elements.append(.offset(.id(kind: 4, zeroIsZ: true)))
                default: throw tooMany()
                }
            case "Y", "w", "W", "u", "e", "c":
                throw fail("week-based pattern letter '\(c)' is not supported (Spark 3 rejects it too); use 'y', 'E' or EXTRACT instead")
            default:
                // ISO's 'T' is the usual slip: say how to write it.
                throw fail(c == "T" ? "unknown pattern letter 'T' (quote literal text: 'T')" : "unknown pattern letter '\(c)'")
            }
        }

        /// java.time's adjacent value parsing: a number field followed directly by fixed-width
        /// number fields (`yyyyMMdd`) leaves their digits to them.
        mutating func linkAdjacentNumbers() {
            func fixedWidth(_ e: Element) -> Int? {
                switch e {
                case .number(let s) where s.isFixedWidth: return Int(s.maxWidth)
                case .reducedYear: return 2
                case .fraction(let d) where d == 1: return 1
                default: return nil
                }
            }
            for i in elements.indices {
                var sub = 0
                var j = i + 1
                while j < elements.count, let w = fixedWidth(elements[j]) { sub += w; j += 1 }
                if sub == 0 { continue }
                switch elements[i] {
                case .number(var s):
                    s.subsequentWidth = Int8(clamping: sub)
                    elements[i] = .number(s)
                case .reducedYear(let era, _):
                    elements[i] = .reducedYear(ofEra: era, subsequentWidth: Int8(clamping: sub))
                default: break
                }
            }
        }
    }
}

// MARK: - Parsing

extension DateTimePattern {
    /// Field values read from the text; `unset` where the pattern has no such field.
    struct ParsedFields {
        static let unset = Int64.min
        var year = unset, yearOfEra = unset, era = unset, month = unset, day = unset, dayOfYear = unset
        var hourOfDay = unset, clockHourOfAmPm = unset, hourOfAmPm = unset, clockHourOfDay = unset
        var amPm = unset, minute = unset, second = unset, micros = unset
        var quarter = unset, dayOfWeek = unset, offsetSeconds = unset

        /// Stores a value; a field given twice must agree with itself.
        @inline(__always)
        static func set(_ slot: inout Int64, _ v: Int64) -> Bool {
            if slot != unset && slot != v { return false }
            slot = v
            return true
        }

        @inline(__always)
        mutating func set(_ f: NumberField, _ v: Int64) -> Bool {
            switch f {
            case .year: return Self.set(&year, v)
            case .yearOfEra: return Self.set(&yearOfEra, v)
            case .dayOfYear: return Self.set(&dayOfYear, v)
            case .month: return Self.set(&month, v)
            case .dayOfMonth: return Self.set(&day, v)
            case .hourOfDay: return Self.set(&hourOfDay, v)
            case .clockHourOfAmPm: return Self.set(&clockHourOfAmPm, v)
            case .hourOfAmPm: return Self.set(&hourOfAmPm, v)
            case .clockHourOfDay: return Self.set(&clockHourOfDay, v)
            case .minute: return Self.set(&minute, v)
            case .second: return Self.set(&second, v)
            case .quarter: return Self.set(&quarter, v)
            }
        }

        /// The date, strictly checked (java.time's STRICT resolver); defaults 1970, January, 1st.
        func resolveDays() -> Int64? {
            let u = Self.unset
            var y: Int64
            if yearOfEra != u {
                guard yearOfEra >= 1 else { return nil }
                y = era == 0 ? 1 - yearOfEra : yearOfEra
                if year != u && year != y { return nil }
            } else {
                y = year != u ? year : 1970
            }
            guard y >= -999_999_999 && y <= 999_999_999 else { return nil }
            var days: Int64
            if month != u || day != u || dayOfYear == u {
                let m = month != u ? month : 1
                let d = day != u ? day : 1
                guard m >= 1 && m <= 12 && d >= 1 && d <= DateTime.daysInMonth(y, m) else { return nil }
                days = DateTime.days(year: y, month: m, day: d)
                if dayOfYear != u && dayOfYear != days - DateTime.days(year: y, month: 1, day: 1) + 1 { return nil }
                if quarter != u && month != u && quarter != (m - 1) / 3 + 1 { return nil }
            } else {
                guard dayOfYear >= 1 && dayOfYear <= (DateTime.isLeap(y) ? 366 : 365) else { return nil }
                days = DateTime.days(year: y, month: 1, day: 1) + dayOfYear - 1
                if quarter != u {
                    let m = DateTime.civil(days).month
                    if quarter != (m - 1) / 3 + 1 { return nil }
                }
            }
            if dayOfWeek != u {
                let complete = (year != u || yearOfEra != u) && ((month != u && day != u) || dayOfYear != u)
                if complete && dayOfWeek != DateTimePattern.dayOfWeek(days) { return nil }
            }
            return days
        }

        /// The time of day in microseconds, strictly checked; hours from `h`/`K` without `a`
        /// are morning hours, and `a` alone means 12:00 for PM (as Spark does).
        func resolveMicrosOfDay() -> Int64? {
            let u = Self.unset
            var hour = u
            if hourOfDay != u {
                guard hourOfDay >= 0 && hourOfDay <= 23 else { return nil }
                hour = hourOfDay
            }
            if clockHourOfDay != u {
                guard clockHourOfDay >= 1 && clockHourOfDay <= 24 else { return nil }
                let h = clockHourOfDay == 24 ? 0 : clockHourOfDay
                if hour != u && hour != h { return nil }
                hour = h
            }
            var hap = u
            if hourOfAmPm != u {
                guard hourOfAmPm >= 0 && hourOfAmPm <= 11 else { return nil }
                hap = hourOfAmPm
            }
            if clockHourOfAmPm != u {
                guard clockHourOfAmPm >= 1 && clockHourOfAmPm <= 12 else { return nil }
                let h = clockHourOfAmPm == 12 ? 0 : clockHourOfAmPm
                if hap != u && hap != h { return nil }
                hap = h
            }
            if hap != u {
                if amPm != u {
                    let h = amPm * 12 + hap
                    if hour != u && hour != h { return nil }
                    hour = h
                } else if hour != u {
                    if hour % 12 != hap { return nil }
                } else {
                    hour = hap
                }
            } else if amPm != u {
                if hour != u {
                    if (hour >= 12 ? 1 : 0) != amPm { return nil }
                } else {
                    hour = amPm == 1 ? 12 : 0
                }
            }
            if hour == u { hour = 0 }
            let mi = minute != u ? minute : 0
            let s = second != u ? second : 0
            guard mi >= 0 && mi <= 59 && s >= 0 && s <= 59 else { return nil }
            return (hour * 3600 + mi * 60 + s) * DateTime.microsPerSecond + (micros != u ? micros : 0)
        }

        func resolveMicros() -> Int64? {
            guard let days = resolveDays(), let tod = resolveMicrosOfDay() else { return nil }
            let (dayMicros, o1) = days.multipliedReportingOverflow(by: DateTime.microsPerDay)
            var (t, o2) = dayMicros.addingReportingOverflow(tod)
            if o1 || o2 { return nil }
            if offsetSeconds != Self.unset {
                let (r, o3) = t.subtractingReportingOverflow(offsetSeconds * DateTime.microsPerSecond)
                if o3 { return nil }
                t = r
            }
            return t
        }
    }
}

extension DateTimePattern {
    /// Parses elements `from..<to` starting at byte `pos`; the position after them, or nil.
    func parseElements(_ from: Int, _ to: Int, _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ f: inout ParsedFields) -> Int? {
        var pos = start
        let n = text.count
        var i = from
        while i < to {
            switch elements[i] {
            case .literal(let ls, let lc):
                let count = Int(lc)
                guard n - pos >= count else { return nil }
                let ok = literals.withUnsafeBufferPointer { lit -> Bool in
                    // Most literals are one separator byte ('-', ':', ' ').
                    if count == 1 { return Self.sameLetter(text[pos], lit[Int(ls)]) }
                    for k in 0..<count where !Self.sameLetter(text[pos + k], lit[Int(ls) + k]) { return false }
                    return true
                }
                guard ok else { return nil }
                pos += count
            case .number(let spec):
                guard let (v, p) = Self.parseNumber(spec, text, pos), f.set(spec.field, v) else { return nil }
                pos = p
            case .reducedYear(let ofEra, let sub):
                let spec = NumberSpec(field: .year, minWidth: 2, maxWidth: 2, sign: .notNegative, subsequentWidth: sub)
                guard let (v, p) = Self.parseNumber(spec, text, pos) else { return nil }
                guard ofEra ? ParsedFields.set(&f.yearOfEra, 2000 + v) : ParsedFields.set(&f.year, 2000 + v) else { return nil }
                pos = p
            case .fraction(let digits):
                var k = 0
                var v: Int64 = 0
                while k < Int(digits), pos + k < n, text[pos + k] &- 48 < 10 {
                    if k < 6 { v = v * 10 + Int64(text[pos + k] &- 48) }
                    k += 1
                }
                guard k > 0 else { return nil }
                for _ in min(k, 6)..<6 { v *= 10 }
                guard ParsedFields.set(&f.micros, v) else { return nil }
                pos += k
            case .text(let field, let full):
                guard let (v, p) = Self.parseText(field, full: full, text, pos) else { return nil }
                let ok: Bool
                switch field {
                case .month: ok = ParsedFields.set(&f.month, v)
                case .dayOfWeek: ok = ParsedFields.set(&f.dayOfWeek, v)
                case .era: ok = ParsedFields.set(&f.era, v)
                case .amPm: ok = ParsedFields.set(&f.amPm, v)
                case .quarter: ok = ParsedFields.set(&f.quarter, v)
                }
                guard ok else { return nil }
                pos = p
            case .offset(let style):
                guard let (v, p) = Self.parseOffset(style, text, pos), ParsedFields.set(&f.offsetSeconds, v) else { return nil }
                pos = p
            case .zoneID, .zoneName:
                guard let (v, p) = Self.parseZone(text, pos), ParsedFields.set(&f.offsetSeconds, v) else { return nil }
                pos = p
            case .optionalStart(let end):
                let saved = f
                if let p = parseElements(i + 1, Int(end), text, pos, &f) {
                    pos = p
                } else {
                    f = saved
                }
                i = Int(end)
            case .optionalEnd:
                break
            }
            i += 1
        }
        return pos
    }

    /// ASCII case-insensitive byte equality (java.time's parseCaseInsensitive).
    @inline(__always)
    static func sameLetter(_ a: UInt8, _ b: UInt8) -> Bool {
        if a == b { return true }
        let la = a | 0x20
        return la == (b | 0x20) && la >= 97 && la <= 122
    }

    /// A number as java.time's strict NumberPrinterParser reads it, including the digits
    /// it leaves to adjacent fixed-width fields.
    @inline(__always)
    static func parseNumber(_ spec: NumberSpec, _ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> (Int64, Int)? {
        let n = text.count
        var pos = start
        var negative = false, positive = false
        if pos < n && (text[pos] == 45 || text[pos] == 43) {
            if text[pos] == 45 {
                guard spec.sign != .notNegative else { return nil }
                negative = true
            } else {
                guard spec.sign == .exceedsPad else { return nil }
                positive = true
            }
            pos += 1
        }
        let minWidth = Int(spec.minWidth)
        let sub = Int(spec.subsequentWidth)
        let limit = min(n - pos, Int(spec.maxWidth) + sub)
        var take = 0
        var v: Int64 = 0
        if sub == 0 {
            // One pass: nothing after this field needs its digits.
            while take < limit {
                let d = text[pos + take] &- 48
                if d >= 10 { break }
                v = v &* 10 &+ Int64(d)
                take += 1
            }
            guard take >= minWidth, take <= 18 else { return nil }
        } else {
            var len = 0
            while len < limit && text[pos + len] &- 48 < 10 { len += 1 }
            guard len >= minWidth else { return nil }
            take = min(len, max(minWidth, len - sub))
            guard take <= 18 else { return nil }
            for k in 0..<take { v = v &* 10 &+ Int64(text[pos + k] &- 48) }
        }
        if negative {
            guard v != 0 else { return nil }
            v = -v
        } else if spec.sign == .exceedsPad {
            // '+' only, and always, when the value is wider than the minimum width.
            if positive ? take <= minWidth : take > minWidth { return nil }
        }
        return (v, pos + take)
    }

    static func parseText(_ field: TextField, full: Bool, _ text: UnsafeBufferPointer<UInt8>, _ pos: Int) -> (Int64, Int)? {
        let names: [StaticString]
        let base: Int64
        switch field {
        case .month: names = full ? Names.months : Names.shortMonths; base = 1
        case .dayOfWeek: names = full ? Names.days : Names.shortDays; base = 0
        case .era: names = full ? Names.eras : Names.shortEras; base = 0
        case .amPm: names = Names.amPm; base = 0
        case .quarter: names = full ? Names.quarters : Names.shortQuarters; base = 1
        }
        // Longest match first, as java.time does ("June" before "Jun" cannot clash here,
        // but full and short names of one style never share a prefix otherwise).
        var best: (Int64, Int)? = nil
        for (k, name) in names.enumerated() {
            let len = name.utf8CodeUnitCount
            guard text.count - pos >= len, len > (best.map { $0.1 - pos } ?? 0) else { continue }
            var ok = true
            let p = name.utf8Start
            for j in 0..<len where !sameLetter(text[pos + j], p[j]) { ok = false; break }
            if ok { best = (Int64(k) + base, pos + len) }
        }
        return best
    }

    /// Two digits at `pos`, or nil.
    @inline(__always)
    static func twoDigits(_ text: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Int64? {
        guard pos + 2 <= text.count else { return nil }
        let a = text[pos] &- 48, b = text[pos + 1] &- 48
        guard a < 10 && b < 10 else { return nil }
        return Int64(a) * 10 + Int64(b)
    }

    static func parseOffset(_ style: OffsetStyle, _ text: UnsafeBufferPointer<UInt8>, _ pos: Int) -> (Int64, Int)? {
        let n = text.count
        switch style {
        case .id(let kind, let zeroIsZ):
            guard pos < n else { return nil }
            if zeroIsZ && (text[pos] == 90 || text[pos] == 122) { return (0, pos + 1) }
            guard text[pos] == 43 || text[pos] == 45 else { return nil }
            let sign: Int64 = text[pos] == 45 ? -1 : 1
            let colon = kind == 2 || kind == 4
            var p = pos + 1
            guard let h = twoDigits(text, p), h <= 18 else { return nil }
            p += 2
            var m: Int64 = 0, s: Int64 = 0
            // Minutes: optional for +HHmm and +HHMM (as java.time 11+ reads them), else required.
            let minuteRequired = kind >= 2
            let q = colon ? p + 1 : p
            if (!colon || (p < n && text[p] == 58)), let mm = twoDigits(text, q), mm <= 59 {
                m = mm
                p = q + 2
                if kind >= 3 {
                    let r = colon ? p + 1 : p
                    if (!colon || (p < n && text[p] == 58)), let ss = twoDigits(text, r), ss <= 59 {
                        s = ss
                        p = r + 2
                    }
                }
            } else if minuteRequired {
                return nil
            }
            let total = h * 3600 + m * 60 + s
            guard total <= 18 * 3600 else { return nil }
            return (sign * total, p)
        case .localized(let full):
            guard n - pos >= 3, sameLetter(text[pos], 71), sameLetter(text[pos + 1], 77), sameLetter(text[pos + 2], 84) else { return nil }
            return parseGMTSuffix(full: full, text, pos + 3)
        }
    }

    /// What follows `GMT` in a localized offset: nothing (zero), or `+8`, `+08`, `+8:30`,
    /// `+08:30:15` (short) / `+08:00`, `+08:00:15` (full).
    static func parseGMTSuffix(full: Bool, _ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> (Int64, Int)? {
        let n = text.count
        var p = start
        guard p < n, text[p] == 43 || text[p] == 45 else { return (0, p) }
        let sign: Int64 = text[p] == 45 ? -1 : 1
        p += 1
        var h: Int64, m: Int64 = 0, s: Int64 = 0
        if full {
            guard let hh = twoDigits(text, p), p + 2 < n, text[p + 2] == 58, let mm = twoDigits(text, p + 3) else { return nil }
            h = hh; m = mm; p += 5
            if p + 2 < n, text[p] == 58, let ss = twoDigits(text, p + 1) { s = ss; p += 3 }
        } else {
            guard p < n, text[p] &- 48 < 10 else { return nil }
            h = Int64(text[p] &- 48); p += 1
            if p < n, text[p] &- 48 < 10 { h = h * 10 + Int64(text[p] &- 48); p += 1 }
            if p + 2 < n, text[p] == 58, let mm = twoDigits(text, p + 1) {
                m = mm; p += 3
                if p + 2 < n, text[p] == 58, let ss = twoDigits(text, p + 1) { s = ss; p += 3 }
            }
        }
        guard h <= 18, m <= 59, s <= 59, h * 3600 + m * 60 + s <= 18 * 3600 else { return nil }
        return (sign * (h * 3600 + m * 60 + s), p)
    }

    /// A zone for `VV` or `z`: `Z`, `UTC`, `GMT`, `UT` (optionally with an offset such as
    /// `UTC+8` or `GMT-03:30`), a bare offset (`+08:00`, `-0330`), or the English names of
    /// UTC and GMT. Region ids need a time-zone database sluice does not carry.
    static func parseZone(_ text: UnsafeBufferPointer<UInt8>, _ pos: Int) -> (Int64, Int)? {
        let n = text.count
        guard pos < n else { return nil }
        func matches(_ s: StaticString) -> Bool {
            let len = s.utf8CodeUnitCount
            guard n - pos >= len else { return false }
            for j in 0..<len where !sameLetter(text[pos + j], s.utf8Start[j]) { return false }
            return true
        }
        for name: StaticString in ["Coordinated Universal Time", "Greenwich Mean Time"] where matches(name) {
            return (0, pos + name.utf8CodeUnitCount)
        }
        for prefix: StaticString in ["UTC", "GMT", "UT"] where matches(prefix) {
            let p = pos + prefix.utf8CodeUnitCount
            guard p < n, text[p] == 43 || text[p] == 45 else { return (0, p) }
            return parseGMTSuffix(full: false, text, p)
        }
        if text[pos] == 90 || text[pos] == 122 { return (0, pos + 1) }
        if text[pos] == 43 || text[pos] == 45 {
            // +HH:MM[:SS] or +HHMM[SS] or +HH.
            return parseOffset(.id(kind: 4, zeroIsZ: false), text, pos)
                ?? parseOffset(.id(kind: 3, zeroIsZ: false), text, pos)
                ?? parseOffset(.id(kind: 0, zeroIsZ: false), text, pos)
        }
        return nil
    }

    /// ISO day of week, 0 = Monday (1970-01-01 was a Thursday).
    static func dayOfWeek(_ days: Int64) -> Int64 {
        let r = (days + 3) % 7
        return r < 0 ? r + 7 : r
    }
}

// MARK: - Formatting

extension DateTimePattern {
    /// A date or timestamp split for formatting; `hasTime` false for a DATE (no time, no zone).
    struct FormatValue {
        var day: Int64
        var microsOfDay: Int64
        var hasTime: Bool
    }
}

extension DateTimePattern {
    func formatElements(_ from: Int, _ to: Int, _ v: FormatValue, _ out: inout [UInt8]) {
        let (year, month, dom) = DateTime.civil(v.day)
        let secondOfDay = v.microsOfDay / DateTime.microsPerSecond
        let hour = secondOfDay / 3600
        var i = from
        while i < to {
            switch elements[i] {
            case .literal(let s, let c):
                literals.withUnsafeBufferPointer { lit in
                    if c == 1 {
                        out.append(lit[Int(s)])
                    } else {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: lit[Int(s)..<Int(s + c)]))
                    }
                }
            case .number(let spec):
                let value: Int64
                switch spec.field {
                case .year: value = year
                case .yearOfEra: value = year >= 1 ? year : 1 - year
                case .dayOfYear: value = v.day - DateTime.days(year: year, month: 1, day: 1) + 1
                case .month: value = month
                case .dayOfMonth: value = dom
                case .hourOfDay: value = hour
                case .clockHourOfAmPm: value = hour % 12 == 0 ? 12 : hour % 12
                case .hourOfAmPm: value = hour % 12
                case .clockHourOfDay: value = hour == 0 ? 24 : hour
                case .minute: value = secondOfDay / 60 % 60
                case .second: value = secondOfDay % 60
                case .quarter: value = (month - 1) / 3 + 1
                }
                Self.appendNumber(value, spec, &out)
            case .reducedYear(let ofEra, _):
                let y = ofEra && year < 1 ? 1 - year : year
                Self.appendPadded(y.magnitude % 100, width: 2, &out)
            case .fraction(let digits):
                let frac = UInt64(v.microsOfDay % DateTime.microsPerSecond)
                var divisor: UInt64 = 100_000
                for _ in 0..<Int(digits) {
                    if divisor == 0 { out.append(48); continue }
                    out.append(UInt8(48 + frac / divisor % 10))
                    divisor /= 10
                }
            case .text(let field, let full):
                let name: StaticString
                switch field {
                case .month: name = (full ? Names.months : Names.shortMonths)[Int(month) - 1]
                case .dayOfWeek: name = (full ? Names.days : Names.shortDays)[Int(Self.dayOfWeek(v.day))]
                case .era: name = (full ? Names.eras : Names.shortEras)[year >= 1 ? 1 : 0]
                case .amPm: name = Names.amPm[hour >= 12 ? 1 : 0]
                case .quarter: name = (full ? Names.quarters : Names.shortQuarters)[Int((month - 1) / 3)]
                }
                out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            case .offset(let style):
                // The session time zone is UTC: the offset is always zero.
                let text: StaticString
                switch style {
                case .id(let kind, let zeroIsZ):
                    if zeroIsZ { text = "Z" } else { text = kind == 0 ? "+00" : (kind == 2 || kind == 4 ? "+00:00" : "+0000") }
                case .localized: text = "GMT"
                }
                out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
            case .zoneID:
                out.append(contentsOf: "UTC".utf8)
            case .zoneName(let full):
                out.append(contentsOf: (full ? "Coordinated Universal Time" : "UTC").utf8)
            case .optionalStart(let end):
                // A section whose fields the value lacks (a time of a DATE) is left out whole.
                if v.hasTime || !needsTime(i + 1, Int(end)) {
                    formatElements(i + 1, Int(end), v, &out)
                }
                i = Int(end)
            case .optionalEnd:
                break
            }
            i += 1
        }
    }

    /// Whether elements `from..<to` print a time of day or a zone.
    func needsTime(_ from: Int, _ to: Int) -> Bool {
        for k in from..<to {
            switch elements[k] {
            case .number(let s):
                switch s.field {
                case .hourOfDay, .clockHourOfAmPm, .hourOfAmPm, .clockHourOfDay, .minute, .second: return true
                default: break
                }
            case .fraction, .offset, .zoneID, .zoneName: return true
            case .text(let f, _) where f == .amPm: return true
            default: break
            }
        }
        return false
    }

    /// java.time's NumberPrinterParser: zero-padded to the minimum width, with the sign style's sign.
    static func appendNumber(_ value: Int64, _ spec: NumberSpec, _ out: inout [UInt8]) {
        let width = Int(spec.minWidth)
        if value < 0 {
            out.append(45)
        } else if spec.sign == .exceedsPad {
            var limit: Int64 = 1
            for _ in 0..<width { limit *= 10 }
            if value >= limit { out.append(43) }
        }
        appendPadded(value.magnitude, width: width, &out)
    }

    static func appendPadded(_ v: UInt64, width: Int, _ out: inout [UInt8]) {
        var divisor: UInt64 = 1
        var digits = 1
        while divisor <= v / 10 {
            divisor *= 10
            digits += 1
        }
        for _ in digits..<max(digits, width) { out.append(48) }
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: 48 + v / divisor % 10))
            divisor /= 10
        }
    }
}

extension DateTimePattern {
    /// English (US) texts, as Spark prints them with its default locale.
    enum Names {
        static let shortMonths: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        static let months: [StaticString] = [
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ]
        static let shortDays: [StaticString] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        static let days: [StaticString] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        static let shortEras: [StaticString] = ["BC", "AD"]
        static let eras: [StaticString] = ["Before Christ", "Anno Domini"]
        static let amPm: [StaticString] = ["AM", "PM"]
        static let shortQuarters: [StaticString] = ["Q1", "Q2", "Q3", "Q4"]
        static let quarters: [StaticString] = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"]
    }
}
