import SluiceCore
import SluiceCSV

/// A seeded synthetic clickstream as CSV bytes, in the spirit of
/// `Benchmarks/e2e/gen_clickstream.py` (same event mix, skewed countries, NULL amounts for
/// views, about one url in ten quoted because it holds a comma), with eight columns:
///
/// ```
///  id BIGINT, user_id BIGINT, ts TIMESTAMP, event_type STRING, country STRING,
///  amount DOUBLE (empty for views), url STRING, dt DATE
///  1,418203,2023-01-01 00:00:41,view,US,,/product/socks/512,2023-01-01
///  2,77311,2023-01-01 00:01:50,click,DE,0,"/search?q=hat,gloves&page=3",2023-01-01
/// ```
///
/// No header; timestamps increase through 2023 (a log file's order). The same size and
/// seed give the same bytes.
public struct ClickstreamCSV: Sendable {
    /// The columns, as the `schema` option declares them.
    public static let schema: [CSVField] = [
        CSVField("id", .bigint), CSVField("user_id", .bigint), CSVField("ts", .timestamp),
        CSVField("event_type", .string), CSVField("country", .string), CSVField("amount", .double),
        CSVField("url", .string), CSVField("dt", .date),
    ]
    public static let amountColumn = 5

    public let bytes: [UInt8]
    public let rows: Int
    /// Rows whose amount is empty (read as NULL).
    public let emptyAmounts: Int
    /// Rows whose url is quoted (it holds a comma).
    public let quotedURLs: Int

    /// Whole records until there are at least `minimumBytes` bytes.
    public init(minimumBytes: Int, seed: UInt64 = 7) {
        var rng = SplitMix64(seed: seed)
        var out = ByteWriter(capacity: minimumBytes + 256)
        // About 90 bytes a record: spread the records over the year.
        let secondsPerRow = max(1, 365 * 86_400 / max(minimumBytes / 90, 1))
        let firstSecond = Int(DateTime.days(year: 2023, month: 1, day: 1)) * 86_400
        var rows = 0, emptyAmounts = 0, quotedURLs = 0
        while out.count < minimumBytes {
            let id = rows + 1
            let second = firstSecond + rows * secondsPerRow + rng.next(below: secondsPerRow)
            let day = second / 86_400
            let (year, month, dayOfMonth) = DateTime.civil(Int64(day))
            let event = rng.next(below: 100)
            let category = Self.categories[rng.next(below: Self.categories.count)]

            out.decimal(id)
            out.byte(",")
            out.decimal(1 + rng.next(below: 1_000_000))
            out.byte(",")
            out.date(year: Int(year), month: Int(month), day: Int(dayOfMonth))
            out.byte(" ")
            let inDay = second % 86_400
            out.padded(inDay / 3600, 2); out.byte(":"); out.padded(inDay / 60 % 60, 2); out.byte(":"); out.padded(inDay % 60, 2)
            out.byte(",")
            // view 62%, click 25%, purchase 10%, refund 3%
            let kind = event < 62 ? 0 : event < 87 ? 1 : event < 97 ? 2 : 3
            out.text(Self.events[kind])
            out.byte(",")
            out.text(Self.countryTable[rng.next(below: Self.countryTable.count)])
            out.byte(",")
            switch kind {
            case 0: emptyAmounts += 1
            case 1: out.byte("0")
            default:
                if kind == 3 { out.byte("-") }
                let cents = 100 + rng.next(below: 49_900)
                out.decimal(cents / 100); out.byte("."); out.padded(cents % 100, 2)
            }
            out.byte(",")
            if rng.next(below: 10) == 0 {
                quotedURLs += 1
                out.text("\"/search?q=")
                out.text(category)
                out.byte(",")
                out.text(Self.categories[rng.next(below: Self.categories.count)])
                out.text("&page=")
                out.decimal(1 + rng.next(below: 20))
                out.byte("\"")
            } else {
                out.text(kind < 2 ? "/product/" : "/checkout/")
                out.text(category)
                out.byte("/")
                out.decimal(1 + rng.next(below: 999))
            }
            out.byte(",")
            out.date(year: Int(year), month: Int(month), day: Int(dayOfMonth))
            out.byte("\n")
            rows += 1
        }
        bytes = out.bytes
        self.rows = rows
        self.emptyAmounts = emptyAmounts
        self.quotedURLs = quotedURLs
    }

    static let events = ["view", "click", "purchase", "refund"]
    static let categories = ["shoes", "shirt", "socks", "gloves", "hat", "jacket", "bag", "watch"]
    /// Each code as many times as its weight (gen_clickstream.py's weights), so a uniform
    /// index draws the skew.
    static let countryTable: [String] = {
        let weights: [(String, Int)] = [
            ("US", 20), ("IN", 9), ("GB", 7), ("DE", 7), ("BR", 5), ("FR", 5), ("JP", 5), ("CA", 4),
            ("MX", 3), ("ES", 3), ("IT", 3), ("AU", 3), ("KR", 2), ("NL", 2), ("ID", 2), ("TR", 2),
            ("PL", 2), ("SE", 1), ("CH", 1), ("BE", 1), ("AR", 1), ("CO", 1), ("CL", 1), ("ZA", 1),
            ("NG", 1), ("EG", 1), ("KE", 1), ("SG", 1), ("VN", 1), ("TH", 1), ("PH", 1), ("MY", 1),
            ("NZ", 1), ("IE", 1), ("AT", 1), ("PT", 1), ("CZ", 1), ("IR", 1), ("BO", 1), ("NO", 1),
        ]
        return weights.flatMap { Array(repeating: $0.0, count: $0.1) }
    }()
}

/// Sebastiano Vigna's SplitMix64: a small, fast, seeded generator (the standard library's
/// generator cannot be seeded).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0 ..< n` (the modulo bias is below 10^-12 for the sizes used here).
    public mutating func next(below n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Appends ASCII text to a byte buffer without a `String` per field.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func byte(_ c: Unicode.Scalar) { bytes.append(UInt8(ascii: c)) }

    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// `v` (not negative) in decimal.
    mutating func decimal(_ v: Int) {
        if v >= 10 { decimal(v / 10) }
        bytes.append(UInt8(truncatingIfNeeded: 48 + v % 10))
    }

    /// `v` (not negative) in decimal, zero-padded to `width` digits.
    mutating func padded(_ v: Int, _ width: Int) {
        var digits = 1, p = 10
        while p <= v { digits += 1; p *= 10 }
        for _ in digits..<max(width, digits) { bytes.append(48) }
        decimal(v)
    }

    /// `yyyy-MM-dd`.
    mutating func date(year: Int, month: Int, day: Int) {
        padded(year, 4); byte("-"); padded(month, 2); byte("-"); padded(day, 2)
    }
}
