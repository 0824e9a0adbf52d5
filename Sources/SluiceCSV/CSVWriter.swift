/// Appends chunks to a byte buffer as CSV, with Spark's text forms of values: `true`,
/// integers, doubles as Java's `Double.toString`, dates `yyyy-MM-dd`, timestamps
/// `yyyy-MM-dd HH:mm:ss[.ffffff]` (or `dateFormat`/`timestampFormat` when given).
///
/// A field is quoted only when it must be (Spark's `quoteAll=false`): when it holds the
/// delimiter, the quote, `\r` or `\n`. Quotes inside are doubled (RFC 4180, which DuckDB,
/// Python and sluice read back) unless an `escape` other than the quote is given. An empty
/// string is written `""` and NULL as `nullValue` (default: nothing), so that readers that
/// tell them apart can; Spark itself, and sluice with the default `nullValue`, read both
/// back as NULL. Lines end with `\n`.
public struct CSVWriter {
    public let columnNames: [String]
    public let delimiter: UInt8
    /// `nil` writes no quotes at all (`quote ''`).
    public let quote: UInt8?
    /// The byte written before a quote inside a quoted field; the quote itself doubles it.
    public let escape: UInt8
    public let nullValue: [UInt8]
    public let header: Bool
    public let quoteAll: Bool
    let dateFormat: DateTimePattern?
    let timestampFormat: DateTimePattern?

    /// The CSV text written so far and not yet taken.
    public private(set) var bytes: [UInt8] = []
    private var headerWritten = false

    public init(columnNames: [String], delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8? = UInt8(ascii: "\""),
                escape: UInt8? = nil, nullValue: String = "", header: Bool = false, quoteAll: Bool = false) {
        self.columnNames = columnNames
        self.delimiter = delimiter
        self.quote = quote
        self.escape = escape ?? quote ?? UInt8(ascii: "\"")
        self.nullValue = Array(nullValue.utf8)
        self.header = header
        self.quoteAll = quoteAll
        dateFormat = nil
        timestampFormat = nil
    }

    /// A writer with a sink's options (`sep`, `quote`, `escape`, `nullValue`, `header`,
    /// `quoteAll`, `dateFormat`, `timestampFormat`).
    public init(columnNames: [String], options: CSVOptions) throws(CSVError) {
        self.columnNames = columnNames
        delimiter = options.delimiter
        quote = options.quote
        escape = options.escapeIsSet ? (options.escape ?? options.quote ?? 34) : (options.quote ?? 34)
        nullValue = Array(options.nullValue.utf8)
        header = options.header
        quoteAll = options.quoteAll
        dateFormat = try options.dateFormat.map { (p) throws(CSVError) in try compilePattern(p, option: "dateFormat") }
        timestampFormat = try options.timestampFormat.map { (p) throws(CSVError) in try compilePattern(p, option: "timestampFormat") }
    }

    /// Writes the header line if `header` is set and it is not written yet (Spark writes it
    /// even when there are no rows).
    public mutating func writeHeaderIfNeeded() {
        guard header && !headerWritten else { return }
        headerWritten = true
        for (i, name) in columnNames.enumerated() {
            if i > 0 { bytes.append(delimiter) }
            var n = name
            n.withUTF8 { appendText($0) }
        }
        bytes.append(10)
    }

    /// Appends every row of `chunk` (or the rows at `rows`, in that order); its columns are
    /// written in order.
    public mutating func append(_ chunk: Chunk, rows: ArraySlice<Int32>? = nil) {
        writeHeaderIfNeeded()
        let n = rows?.count ?? chunk.count
        if n == 0 { return }
        bytes.reserveCapacity(bytes.count + n * (chunk.columns.count * 8 + 1))
        // Row by row, since CSV interleaves columns; the switch per value is on the
        // column's layout, not on a boxed value.
        let base = rows?.startIndex ?? 0
        for k in 0..<n {
            let row = rows.map { Int($0[base + k]) } ?? k
            for (c, column) in chunk.columns.enumerated() {
                if c > 0 { bytes.append(delimiter) }
                appendValue(column, row)
            }
            bytes.append(10)
        }
    }

    /// Takes the bytes written so far, leaving the buffer empty.
    public mutating func takeBytes() -> [UInt8] {
        writeHeaderIfNeeded()
        defer { bytes = [] }
        return bytes
    }

    private mutating func appendValue(_ column: Column, _ row: Int) {
        if column.isNull(row) {
            bytes.append(contentsOf: nullValue)
            return
        }
        // Text goes through appendText, which quotes as needed; other values never need
        // quotes, except with quoteAll.
        let viaText = column.type == .string || (column.type == .date && dateFormat != nil)
            || (column.type == .timestamp && timestampFormat != nil)
        let wrap = quoteAll && quote != nil && !viaText
        if wrap { bytes.append(quote!) }
        defer { if wrap { bytes.append(quote!) } }
        switch column.storage {
        case .bool(let v):
            appendASCII(v[row] != 0 ? "true" : "false")
        case .int64(let v):
            switch column.type {
            case .date:
                if let f = dateFormat { appendFormatted { f.format(days: v[row], into: &$0) } } else { appendDate(v[row]) }
            case .timestamp:
                if let f = timestampFormat { appendFormatted { f.format(micros: v[row], into: &$0) } } else { appendTimestamp(v[row]) }
            default:
                appendInt(v[row])
            }
        case .double(let v):
            appendASCII(SparkFormat.double(v[row]))
        case .string(let s):
            let r = s.range(row)
            s.bytes.withUnsafeBufferPointer { appendText(UnsafeBufferPointer(rebasing: $0[r])) }
        }
    }

    /// Formatted text, quoted if the pattern put a special byte in it.
    private mutating func appendFormatted(_ body: (inout [UInt8]) -> Void) {
        var out: [UInt8] = []
        body(&out)
        out.withUnsafeBufferPointer { appendText($0) }
    }

    private mutating func appendASCII(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Text, quoted when it must be.
    private mutating func appendText(_ text: UnsafeBufferPointer<UInt8>) {
        guard let quote else {
            bytes.append(contentsOf: text)
            return
        }
        var needs = quoteAll || text.isEmpty
        if !needs {
            for b in text where b == delimiter || b == quote || b == 10 || b == 13 || (b == escape && escape != quote) {
                needs = true
                break
            }
        }
        if !needs {
            bytes.append(contentsOf: text)
            return
        }
        bytes.append(quote)
        for b in text {
            if b == quote || (b == escape && escape != quote) { bytes.append(escape) }
            bytes.append(b)
        }
        bytes.append(quote)
    }

    private mutating func appendInt(_ v: Int64) {
        if v == Int64.min {
            appendASCII(String(v))
            return
        }
        var x = v < 0 ? -v : v
        if v < 0 { bytes.append(45) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { tmp in
            var i = 20
            repeat {
                i -= 1
                tmp[i] = UInt8(truncatingIfNeeded: x % 10) + 48
                x /= 10
            } while x > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: tmp[i..<20]))
        }
    }

    private mutating func appendDigits(_ v: Int64, _ width: Int) {
        var d = Int64(1)
        for _ in 1..<width { d *= 10 }
        var x = v
        while d > 0 {
            bytes.append(UInt8(truncatingIfNeeded: x / d) + 48)
            x %= d
            d /= 10
        }
    }

    private mutating func appendDate(_ days: Int64) {
        let (y, m, d) = DateTime.civil(days)
        guard y >= 0 && y <= 9999 else {
            appendASCII(SparkFormat.date(days))
            return
        }
        appendDigits(y, 4)
        bytes.append(45)
        appendDigits(m, 2)
        bytes.append(45)
        appendDigits(d, 2)
    }

    private mutating func appendTimestamp(_ micros: Int64) {
        let day = micros >= 0 ? micros / DateTime.microsPerDay : (micros + 1) / DateTime.microsPerDay - 1
        let (y, _, _) = DateTime.civil(day)
        guard y >= 0 && y <= 9999 else {
            appendASCII(SparkFormat.timestamp(micros))
            return
        }
        appendDate(day)
        var rem = micros - day * DateTime.microsPerDay
        var frac = rem % DateTime.microsPerSecond
        rem /= DateTime.microsPerSecond
        bytes.append(32)
        appendDigits(rem / 3600, 2)
        bytes.append(58)
        appendDigits(rem / 60 % 60, 2)
        bytes.append(58)
        appendDigits(rem % 60, 2)
        if frac != 0 {
            var width = 6
            while frac % 10 == 0 {
                frac /= 10
                width -= 1
            }
            bytes.append(46)
            appendDigits(frac, width)
        }
    }
}
