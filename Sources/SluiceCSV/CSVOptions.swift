/// The options of a CSV source or sink, with Spark's names and defaults, except that
/// sluice's default `mode` is FAILFAST (Spark's is PERMISSIVE).
///
/// Built from the `OPTIONS (...)` of a statement with `init(_:)`: keys are
/// case-insensitive, unknown keys are ignored as Spark ignores them, and a value sluice
/// cannot use is a ``CSVError`` (exit 64) that names the option. Spark options that would
/// change the result but that sluice does not implement are rejected rather than ignored.
public struct CSVOptions: Sendable, Equatable {
    /// What to do with a record that does not fit the schema.
    public enum Mode: String, Sendable, CaseIterable {
        /// Stop at the first bad record with its file, line and column (sluice's default).
        case failFast = "FAILFAST"
        /// Keep the record: missing fields and unreadable values NULL, extra fields dropped.
        case permissive = "PERMISSIVE"
        /// Skip the record.
        case dropMalformed = "DROPMALFORMED"
    }

    public var path: String?
    /// The first non-blank line of each file holds the column names (Spark: `header`).
    public var header = false
    /// The field delimiter (`sep` or `delimiter`), one byte.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// The quote byte; `nil` when quoting is off (`quote ''`).
    public var quote: UInt8? = UInt8(ascii: "\"")
    /// The byte that escapes a quote inside a quoted field (`\"`); `nil` when off. A doubled
    /// quote (`""`) inside a quoted field is always read as one quote as well (RFC 4180).
    public var escape: UInt8? = UInt8(ascii: "\\")
    /// Whether `escape` was given; the writer escapes quotes by doubling them unless it was.
    public var escapeIsSet = false
    /// Lines starting with this byte are skipped (`comment`); off by default.
    public var comment: UInt8? = nil
    /// The text that reads as NULL (and that NULL is written as).
    ///
    /// As in Spark 3 and 4: an empty unquoted field is always NULL; a quoted empty field
    /// `""` reads as `emptyValue` (default empty), which is then NULL when it equals
    /// `nullValue`. With the defaults both are NULL, for every type including STRING, as
    /// Spark's `UnivocityParser.nullSafeDatum` does; with `nullValue '\N'`, `""` reads as an
    /// empty string.
    public var nullValue = ""
    /// The value of a quoted empty field (`emptyValue`).
    public var emptyValue = ""
    public var nanValue = "NaN"
    public var positiveInf = "Inf"
    public var negativeInf = "-Inf"
    /// Infer column types from a sample of the data; otherwise every column is STRING.
    public var inferSchema = false
    /// Infer DATE for `yyyy-MM-dd` values (Spark 3.4+'s `preferDate`).
    public var preferDate = true
    /// The `schema` option, parsed; DECIMAL is read as DOUBLE.
    public var schema: [CSVField]? = nil
    /// Fraction of the sampled records that inference looks at, in (0, 1].
    public var samplingRatio = 1.0
    public var mode: Mode = .failFast
    /// Records may span lines inside quoted fields; files are then never split.
    public var multiLine = false
    /// Spark datetime pattern for DATE values; `nil` reads `yyyy-MM-dd` leniently.
    public var dateFormat: String? = nil
    /// Spark datetime pattern for TIMESTAMP values; `nil` reads ISO forms leniently.
    public var timestampFormat: String? = nil
    /// Whether a value that does not match a given format may still be read the lenient
    /// default way (Spark's `enableDateTimeParsingFallback`; on when no format is given).
    public var dateTimeParsingFallback: Bool? = nil
    /// Where rejected records are written as JSON lines; they are dropped from the result.
    public var badRecordsPath: String? = nil
    public var ignoreLeadingWhiteSpace = false
    public var ignoreTrailingWhiteSpace = false
    /// The directory partition discovery starts from (`basePath`).
    public var basePath: String? = nil
    /// List files in all subdirectories without partition discovery.
    public var recursiveFileLookup = false
    /// Only files whose name matches this glob are read (`pathGlobFilter`).
    public var pathGlobFilter: String? = nil
    /// Only files modified before / after this time, in microseconds (UTC).
    public var modifiedBefore: Int64? = nil
    public var modifiedAfter: Int64? = nil
    /// Writing: quote every field (`quoteAll`).
    public var quoteAll = false

    /// Schema inference reads at most this many records of each sampled file ...
    public var sampleRecordsPerFile = 10_000
    /// ... and at most this many bytes of it ...
    public var sampleBytesPerFile = 4 << 20
    /// ... from at most this many files, spread evenly over the listing.
    public var sampleFiles = 32

    /// The defaults.
    public init() {}

    /// Options from a statement's `OPTIONS (key 'value', ...)`, in order; a later key wins.
    public init(_ pairs: [(String, String)]) throws(CSVError) {
        self.init()
        for (key, value) in pairs { try set(key, value) }
        try validate()
    }

    public init(_ options: [String: String]) throws(CSVError) {
        try self.init(options.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Sets one option by its Spark name (case-insensitive). Unknown names are ignored.
    public mutating func set(_ key: String, _ value: String) throws(CSVError) {
        switch key.lowercased() {
        case "path": path = value
        case "header": header = try Self.bool(key, value)
        case "sep", "delimiter": delimiter = try Self.delimiterByte(key, value)
        case "quote": quote = try Self.optionalByte(key, value)
        case "escape":
            escape = try Self.optionalByte(key, value)
            escapeIsSet = true
        case "comment": comment = try Self.optionalByte(key, value)
        case "nullvalue": nullValue = value
        case "emptyvalue": emptyValue = value
        case "nanvalue": nanValue = value
        case "positiveinf": positiveInf = value
        case "negativeinf": negativeInf = value
        case "inferschema": inferSchema = try Self.bool(key, value)
        case "preferdate": preferDate = try Self.bool(key, value)
        case "schema":
            let s = value.trimmingSpaces()
            schema = s.isEmpty ? nil : try SchemaDDL.parse(s)
        case "samplingratio":
            guard let r = Double(value.trimmingSpaces()), r > 0, r.isFinite else {
                throw .invalidOption(name: key, value: value, expected: "a fraction greater than 0 and at most 1, such as 0.1")
            }
            samplingRatio = min(r, 1)
        case "mode":
            guard let m = Mode(rawValue: value.trimmingSpaces().uppercased()) else {
                throw .invalidOption(name: key, value: value, expected: "FAILFAST, PERMISSIVE or DROPMALFORMED")
            }
            mode = m
        case "multiline": multiLine = try Self.bool(key, value)
        case "dateformat": dateFormat = try Self.pattern(key, value)
        case "timestampformat": timestampFormat = try Self.pattern(key, value)
        case "enabledatetimeparsingfallback": dateTimeParsingFallback = try Self.bool(key, value)
        case "badrecordspath": badRecordsPath = value.isEmpty ? nil : value
        case "ignoreleadingwhitespace": ignoreLeadingWhiteSpace = try Self.bool(key, value)
        case "ignoretrailingwhitespace": ignoreTrailingWhiteSpace = try Self.bool(key, value)
        case "basepath": basePath = value
        case "recursivefilelookup": recursiveFileLookup = try Self.bool(key, value)
        case "pathglobfilter": pathGlobFilter = value
        case "modifiedbefore": modifiedBefore = try Self.time(key, value)
        case "modifiedafter": modifiedAfter = try Self.time(key, value)
        case "quoteall": quoteAll = try Self.bool(key, value)
        case "encoding", "charset":
            let v = value.trimmingSpaces().lowercased()
            guard v == "utf-8" || v == "utf8" else {
                throw .invalidOption(name: key, value: value, expected: "UTF-8 (sluice reads UTF-8 only; convert the files with iconv -f <encoding> -t UTF-8)")
            }
        case "linesep":
            guard value == "\n" || value == "\r\n" || value == "\\n" || value == "\\r\\n" else {
                throw .unsupportedOption(name: key, value: value, hint: "records end at \\n or \\r\\n; leave lineSep unset")
            }
        case "compression", "codec":
            let v = value.lowercased()
            guard v == "none" || v == "uncompressed" else {
                throw .unsupportedOption(name: key, value: value, hint: "sluice reads and writes uncompressed CSV only")
            }
        case "enforceschema":
            guard try Self.bool(key, value) else {
                throw .unsupportedOption(name: key, value: value, hint: "the header's names are not checked against the schema; leave enforceSchema 'true'")
            }
        case "columnnameofcorruptrecord":
            throw .unsupportedOption(name: key, value: value, hint: "use the option badRecordsPath to keep rejected records")
        case "unescapedquotehandling":
            guard value.uppercased() == "STOP_AT_DELIMITER" else {
                throw .unsupportedOption(name: key, value: value, hint: "a quote inside a quoted field must be doubled or escaped")
            }
        case "locale":
            let v = value.lowercased()
            guard v == "en-us" || v == "en_us" || v == "en" else {
                throw .unsupportedOption(name: key, value: value, hint: "sluice parses numbers and dates in the en-US locale only")
            }
        case "maxcolumns", "maxcharspercolumn":
            guard Int(value.trimmingSpaces()) != nil else {
                throw .invalidOption(name: key, value: value, expected: "a whole number")
            }
        default:
            break // Spark ignores options it does not know (prefersDecimal, escapeQuotes, ...).
        }
    }

    /// Checks combinations of options.
    func validate() throws(CSVError) {
        if let q = quote, q == delimiter {
            throw .invalidOption(name: "quote", value: String(decoding: [q], as: UTF8.self), expected: "a character other than the delimiter")
        }
        if let c = comment, c == delimiter || c == quote {
            throw .invalidOption(name: "comment", value: String(decoding: [c], as: UTF8.self), expected: "a character other than the delimiter and the quote")
        }
    }

    // MARK: - Derived

    /// Whether a value that fails `dateFormat` may still be read leniently.
    var dateFallback: Bool { dateTimeParsingFallback ?? (dateFormat == nil) }
    var timestampFallback: Bool { dateTimeParsingFallback ?? (timestampFormat == nil) }

    // MARK: - Value parsing

    private static func bool(_ key: String, _ value: String) throws(CSVError) -> Bool {
        switch value.trimmingSpaces().lowercased() {
        case "true": return true
        case "false": return false
        default: throw .invalidOption(name: key, value: value, expected: "true or false")
        }
    }

    /// Spark's `CSVExprUtils.toChar`: one character, or `\t`, `\r`, `\b`, `\f`, `\"`, `\'`,
    /// `\\`, `\u0000`.
    private static func delimiterByte(_ key: String, _ value: String) throws(CSVError) -> UInt8 {
        let b = Array(value.utf8)
        var result: UInt8? = nil
        if b.count == 1 {
            result = b[0] == 92 ? nil : b[0]
        } else if b.count == 2 && b[0] == 92 {
            switch b[1] {
            case UInt8(ascii: "t"): result = 9
            case UInt8(ascii: "b"): result = 8
            case UInt8(ascii: "f"): result = 12
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): result = b[1]
            default: result = nil
            }
        } else if value == "\\u0000" {
            result = 0
        }
        guard let r = result, r < 0x80, r != 10, r != 13 else {
            throw .invalidOption(name: key, value: value, expected: "a single ASCII character such as ',' ';' '|' or '\\t' (not a line break)")
        }
        return r
    }

    /// A one-byte option where an empty value turns the feature off (Spark's `\u0000`).
    private static func optionalByte(_ key: String, _ value: String) throws(CSVError) -> UInt8? {
        if value.isEmpty || value == "\u{0}" || value == "\\u0000" { return nil }
        let b = Array(value.utf8)
        if b.count == 2 && b[0] == 92 && b[1] == 92 { return 92 }
        if b.count == 2 && b[0] == 92 && b[1] == UInt8(ascii: "t") { return 9 }
        guard b.count == 1, b[0] < 0x80, b[0] != 10, b[0] != 13 else {
            throw .invalidOption(name: key, value: value, expected: "a single ASCII character, or '' to turn it off")
        }
        return b[0]
    }

    private static func pattern(_ key: String, _ value: String) throws(CSVError) -> String? {
        if value.isEmpty { return nil }
        do {
            _ = try DateTimePattern(value, forParsing: true)
        } catch {
            throw .invalidOption(name: key, value: value, expected: "a Spark datetime pattern such as 'yyyy-MM-dd' or 'dd/MM/yyyy HH:mm' (\(error.reason))")
        }
        return value
    }

    private static func time(_ key: String, _ value: String) throws(CSVError) -> Int64 {
        guard let t = DateTime.parseTimestamp(value.trimmingSpaces()) else {
            throw .invalidOption(name: key, value: value, expected: "a timestamp such as 2024-03-05T10:00:00")
        }
        return t
    }
}

/// Compiles a datetime option (already checked when the options were parsed).
func compilePattern(_ pattern: String, option: String) throws(CSVError) -> DateTimePattern {
    do {
        return try DateTimePattern(pattern, forParsing: true)
    } catch {
        throw .invalidOption(name: option, value: pattern, expected: "a Spark datetime pattern (\(error.reason))")
    }
}
