/// One lexical token of sluice's SQL dialect, with where it starts in the text.
///
/// The lexer keeps what the parser needs to decide and to report: the kind, the text
/// (unescaped for strings and backquoted names, as written otherwise), the keyword spelling
/// in upper case, and the token's span in the source so an error can quote it as written.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        /// An unquoted name or keyword: letters, digits and `_`, not starting with a digit.
        case word
        /// A backquoted name; `text` is the name with doubled backquotes undone.
        case quotedIdentifier
        /// A string literal in single or double quotes; `text` is its unescaped value.
        case string
        /// A numeric literal; `text` is the digits as written, without the type suffix.
        case number(NumberFormat)
        /// An operator or punctuation: `=`, `<=>`, `||`, `(`, `;`, ...
        case symbol
        /// The raw text of a `SET` statement after the keyword, up to `;` or the end, with
        /// comments removed.
        case setBody
        /// A lexeme that cannot start any token (`#`, `1a`, a non-ASCII name): the parser
        /// reports it with what it expected there.
        case invalid
        case end
    }

    var kind: Kind
    var text: String
    /// For `.word`, the text in upper case (keywords are case-insensitive); else empty.
    var upper: String
    var location: SourceLocation
    /// The token's span in the source, in Unicode scalars.
    var start: Int
    var end: Int

    init(_ kind: Kind, _ text: String, location: SourceLocation, start: Int, end: Int) {
        self.kind = kind
        self.text = text
        self.upper = kind == .word ? text.uppercased() : ""
        self.location = location
        self.start = start
        self.end = end
    }

    func isWord(_ keyword: String) -> Bool { kind == .word && upper == keyword }
    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
}

/// How a numeric literal was written: with a fraction or exponent, and which suffix.
struct NumberFormat: Sendable, Equatable {
    enum Suffix: Sendable, Equatable {
        case none
        /// `L`: BIGINT.
        case long
        /// `S`: SMALLINT.
        case short
        /// `Y`: TINYINT.
        case tiny
        /// `D`: DOUBLE.
        case double
        /// `F`: FLOAT.
        case float
        /// `BD`: DECIMAL, which sluice reads as DOUBLE.
        case bigDecimal
    }
    /// `1.5`, `.5`, `1.`, `1e3`.
    var fractional: Bool
    var suffix: Suffix
}

/// Spark's keyword classes, as far as sluice's grammar needs them.
enum Keywords {
    /// Words that can never be a bare name (column, table, alias): a subset of Spark's
    /// ANSI reserved list. Words that real CSV headers use (`date`, `time`, `user`,
    /// `year`, `value`, `key`, ...) are deliberately left out; backquotes make any word a
    /// name.
    static let reserved: Set<String> = [
        "ALL", "AND", "AS", "CASE", "CAST", "CREATE", "CROSS", "CURRENT_DATE",
        "CURRENT_TIMESTAMP", "DISTINCT", "ELSE", "END", "EXCEPT", "FALSE", "FROM", "FULL",
        "GROUP", "HAVING", "IN", "INNER", "INTERSECT", "INTO", "IS", "JOIN", "LATERAL",
        "LEFT", "NATURAL", "NOT", "NULL", "ON", "OR", "ORDER", "OUTER", "RIGHT", "SELECT",
        "TABLE", "THEN", "TRUE", "UNION", "USING", "WHEN", "WHERE", "WITH",
    ]

    /// Words that may be names, but not an alias written without AS, because they can
    /// continue the clause before them (`FROM t LIMIT 5`, `a LIKE 'x%'`, `t SEMI JOIN`).
    static let noImplicitAlias: Set<String> = [
        "LIMIT", "OFFSET", "DISTRIBUTE", "SORT", "CLUSTER", "WINDOW", "MINUS", "LIKE",
        "ILIKE", "RLIKE", "REGEXP", "BETWEEN", "DIV", "OVER", "FILTER", "SEMI", "ANTI",
        "PIVOT", "UNPIVOT", "TABLESAMPLE", "ESCAPE", "QUALIFY",
    ]

    /// File formats that may qualify a backquoted path in FROM: csv.`data/events`.
    static let pathFormats: Set<String> = [
        "CSV", "JSON", "PARQUET", "ORC", "TEXT", "AVRO", "BINARYFILE", "DELTA",
    ]

    /// Statements Spark has and sluice does not run, so the error can name them.
    static let unsupportedStatements: Set<String> = [
        "ALTER", "ANALYZE", "CACHE", "CLEAR", "DELETE", "DESC", "DESCRIBE", "DROP",
        "EXPLAIN", "LIST", "LOAD", "MERGE", "MSCK", "REFRESH", "REPAIR", "RESET", "SHOW",
        "TRUNCATE", "UNCACHE", "UPDATE", "USE", "ADD", "DECLARE", "EXECUTE", "CALL",
    ]

    /// Interval units, singular and upper case; plural spellings are accepted too.
    static let intervalUnits: Set<String> = [
        "YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND",
        "MICROSECOND",
    ]

    /// The canonical unit for `word` (`days` → `DAY`), or nil when it is not a unit.
    static func intervalUnit(_ word: String) -> String? {
        let upper = word.uppercased()
        if intervalUnits.contains(upper) { return upper }
        if upper.hasSuffix("S"), intervalUnits.contains(String(upper.dropLast())) { return String(upper.dropLast()) }
        return nil
    }
}
