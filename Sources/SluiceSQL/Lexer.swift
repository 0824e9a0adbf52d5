/// Splits SQL text into ``Token``s by Spark's lexical rules, tracking the 1-based line and
/// column where each token starts.
///
/// - Keywords are case-insensitive words; names are words or backquoted (`` `a b` ``,
///   with ``` `` ``` for a backquote).
/// - Strings take single or double quotes, Spark's backslash escapes (`\n`, `\t`, `\uXXXX`,
///   `\%` and `\_` kept with their backslash for LIKE, ...), a doubled quote, and the raw
///   form `r'...'`.
/// - Numbers: `1`, `1L`, `1S`, `1Y`, `1.5`, `.5`, `1e3`, `1.5D`, `1.5F`, `1.5BD`.
/// - Comments: `-- ...` to the end of the line, and `/* ... */`, nested as in Spark.
///   Hints (`/*+ ... */`) are comments too.
/// - `SET` at the start of a statement takes the rest of the statement raw, as Spark's
///   `SET .*?` rule does, since values such as `4g` or `/tmp/x` are not tokens.
///
/// Errors that cannot wait for the parser (an unclosed string, backquote or comment) are
/// thrown at the opening quote; any other lexeme that fits no rule becomes an `.invalid`
/// token, which the parser reports together with what it expected there.
struct Lexer {
    private let s: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    /// Whether `SET` at a statement start takes the rest of the statement raw.
    private let setStatements: Bool
    private var atStatementStart = true

    init(_ text: String, setStatements: Bool = false) {
        self.s = Array(text.unicodeScalars)
        self.setStatements = setStatements
    }

    /// The source text as scalars, for quoting tokens in errors.
    var source: [Unicode.Scalar] { s }

    /// All tokens of the text, ending with an `.end` token.
    mutating func tokenize() throws(SQLError) -> [Token] {
        var tokens: [Token] = []
        while true {
            try skipTrivia()
            let token = try next()
            tokens.append(token)
            if token.kind == .end { break }
            if setStatements, atStatementStart, token.isWord("SET") {
                tokens.append(try setBody())
                atStatementStart = false
                continue
            }
            atStatementStart = token.isSymbol(";")
        }
        return tokens
    }

    // MARK: Characters

    private var location: SourceLocation { SourceLocation(line: line, column: i - lineStart + 1) }

    private func at(_ k: Int) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }

    /// Moves past one scalar, counting lines.
    private mutating func bump() {
        if s[i] == "\n" {
            line += 1
            lineStart = i + 1
        }
        i += 1
    }

    private static func isDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return c >= "0" && c <= "9"
    }

    private static func isWordStart(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    /// Letters, digits and `_`, plus non-ASCII letters and digits so that a name such as
    /// `café` is reported whole rather than cut at the first non-ASCII letter.
    private static func isWordPart(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        if isWordStart(c) || isDigit(c) { return true }
        return c.value > 0x7F && (c.properties.isAlphabetic || c.properties.numericType != nil)
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var v = String.UnicodeScalarView()
        v.append(contentsOf: s[from..<to])
        return String(v)
    }

    // MARK: Trivia

    private mutating func skipTrivia() throws(SQLError) {
        while let c = at(0) {
            if c.properties.isWhitespace {
                bump()
            } else if c == "-", at(1) == "-" {
                skipLineComment()
            } else if c == "/", at(1) == "*" {
                try skipBlockComment()
            } else {
                return
            }
        }
    }

    /// `-- ...` up to and including the newline; a backslash before the newline continues
    /// the comment, as in Spark's SIMPLE_COMMENT rule.
    private mutating func skipLineComment() {
        i += 2
        while let c = at(0) {
            if c == "\\", at(1) == "\n" {
                i += 1
                bump()
                continue
            }
            bump()
            if c == "\n" { return }
        }
    }

    private mutating func skipBlockComment() throws(SQLError) {
        let open = location
        var depth = 0
        while i < s.count {
            if s[i] == "/", at(1) == "*" {
                depth += 1
                i += 2
            } else if s[i] == "*", at(1) == "/" {
                depth -= 1
                i += 2
                if depth == 0 { return }
            } else {
                bump()
            }
        }
        throw SQLError("UNCLOSED_BRACKETED_COMMENT", "Found an unclosed bracketed comment. Please, append */ at the end of the comment.", at: open)
    }

    // MARK: Tokens

    private mutating func next() throws(SQLError) -> Token {
        let loc = location
        let start = i
        guard let c = at(0) else { return Token(.end, "", location: loc, start: i, end: i) }
        if (c == "r" || c == "R"), let q = at(1), q == "'" || q == "\"" {
            return try rawString(quote: q, loc)
        }
        if Lexer.isWordPart(c), !Lexer.isDigit(c) {
            var ascii = true
            while Lexer.isWordPart(at(0)) {
                if s[i].value > 0x7F { ascii = false }
                i += 1
            }
            return Token(ascii ? .word : .invalid, text(start, i), location: loc, start: start, end: i)
        }
        if Lexer.isDigit(c) || (c == "." && Lexer.isDigit(at(1))) {
            return number(loc)
        }
        if c == "'" || c == "\"" {
            return try string(quote: c, loc)
        }
        if c == "`" {
            return try quotedIdentifier(loc)
        }
        return symbol(loc)
    }

    private static let symbols3: Set<String> = ["<=>"]
    private static let symbols2: Set<String> = ["<=", ">=", "<>", "!=", "==", "||", "::"]
    private static let symbols1: Set<Unicode.Scalar> = [
        "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",", ".", ";", ":", "&", "|", "^",
        "~", "!", "[", "]",
    ]

    private mutating func symbol(_ loc: SourceLocation) -> Token {
        let start = i
        for width in [3, 2] where i + width <= s.count {
            let candidate = text(i, i + width)
            if (width == 3 ? Lexer.symbols3 : Lexer.symbols2).contains(candidate) {
                i += width
                return Token(.symbol, candidate, location: loc, start: start, end: i)
            }
        }
        let c = s[i]
        i += 1
        return Token(Lexer.symbols1.contains(c) ? .symbol : .invalid, String(c), location: loc, start: start, end: i)
    }

    /// Spark's INTEGER_VALUE, DECIMAL_VALUE, EXPONENT_VALUE and their typed forms. A number
    /// that runs on into letters (`1a`, `10days`, `1.5L`) is one invalid token: Spark would
    /// read some of these as names or aliases, sluice asks for backquotes instead.
    private mutating func number(_ loc: SourceLocation) -> Token {
        let start = i
        var fractional = false
        while Lexer.isDigit(at(0)) { i += 1 }
        if at(0) == "." {
            fractional = true
            i += 1
            while Lexer.isDigit(at(0)) { i += 1 }
        }
        if let e = at(0), e == "e" || e == "E" {
            if Lexer.isDigit(at(1)) {
                i += 1
            } else if let sign = at(1), sign == "+" || sign == "-", Lexer.isDigit(at(2)) {
                i += 2
            }
            if i > start, Lexer.isDigit(at(0)) {
                fractional = true
                while Lexer.isDigit(at(0)) { i += 1 }
            }
        }
        let digitsEnd = i
        while Lexer.isWordPart(at(0)) { i += 1 }
        let suffixText = text(digitsEnd, i).uppercased()
        let suffix: NumberFormat.Suffix?
        switch suffixText {
        case "": suffix = NumberFormat.Suffix.none
        case "L": suffix = fractional ? nil : .long
        case "S": suffix = fractional ? nil : .short
        case "Y": suffix = fractional ? nil : .tiny
        case "D": suffix = .double
        case "F": suffix = .float
        case "BD": suffix = .bigDecimal
        default: suffix = nil
        }
        guard let suffix else {
            return Token(.invalid, text(start, i), location: loc, start: start, end: i)
        }
        let format = NumberFormat(fractional: fractional, suffix: suffix)
        return Token(.number(format), text(start, digitsEnd), location: loc, start: start, end: i)
    }

    private mutating func string(quote: Unicode.Scalar, _ loc: SourceLocation) throws(SQLError) -> Token {
        let start = i
        i += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let c = at(0) else {
                throw SQLError("PARSE_SYNTAX_ERROR", "The string literal starting here is not closed; add the closing \(quote)", at: loc)
            }
            if c == quote {
                if at(1) == quote {
                    value.append(quote)
                    i += 2
                    continue
                }
                i += 1
                break
            }
            if c == "\\", at(1) != nil {
                i += 1
                unescape(into: &value)
                continue
            }
            value.append(c)
            bump()
        }
        return Token(.string, String(value), location: loc, start: start, end: i)
    }

    /// One escape after a backslash, as Spark's `unescapeSQLString`: `\uXXXX`, octal
    /// `\[01][0-7][0-7]`, the named escapes, `\%` and `\_` kept whole for LIKE, and any
    /// other character standing for itself.
    private mutating func unescape(into value: inout String.UnicodeScalarView) {
        let c = s[i]
        if c == "u", let unit = hex4(at: i + 1) {
            i += 5
            if (0xD800..<0xDC00).contains(unit), at(0) == "\\", at(1) == "u", let low = hex4(at: i + 2), (0xDC00..<0xE000).contains(low) {
                i += 6
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                value.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            } else {
                value.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
            }
            return
        }
        if c == "0" || c == "1", let d2 = at(1), let d3 = at(2), ("0"..."7").contains(d2), ("0"..."7").contains(d3) {
            let code = (c.value - 48) * 64 + (d2.value - 48) * 8 + (d3.value - 48)
            value.append(Unicode.Scalar(code)!)
            i += 3
            return
        }
        switch c {
        case "0": value.append("\u{0}")
        case "b": value.append("\u{8}")
        case "n": value.append("\n")
        case "r": value.append("\r")
        case "t": value.append("\t")
        case "Z": value.append("\u{1A}")
        case "%", "_":
            value.append("\\")
            value.append(c)
        default: value.append(c)
        }
        bump()
    }

    private func hex4(at k: Int) -> UInt32? {
        guard k + 4 <= s.count else { return nil }
        var v: UInt32 = 0
        for c in s[k..<k + 4] {
            let d: UInt32
            switch c {
            case "0"..."9": d = c.value - 48
            case "a"..."f": d = c.value - 87
            case "A"..."F": d = c.value - 55
            default: return nil
            }
            v = v * 16 + d
        }
        return v
    }

    /// `r'...'`: no escapes, and the quote cannot occur inside.
    private mutating func rawString(quote: Unicode.Scalar, _ loc: SourceLocation) throws(SQLError) -> Token {
        let start = i
        i += 2
        let body = i
        while true {
            guard let c = at(0) else {
                throw SQLError("PARSE_SYNTAX_ERROR", "The string literal starting here is not closed; add the closing \(quote)", at: loc)
            }
            if c == quote { break }
            bump()
        }
        let value = text(body, i)
        i += 1
        return Token(.string, value, location: loc, start: start, end: i)
    }

    private mutating func quotedIdentifier(_ loc: SourceLocation) throws(SQLError) -> Token {
        let start = i
        i += 1
        var name = String.UnicodeScalarView()
        while true {
            guard let c = at(0) else {
                throw SQLError("PARSE_SYNTAX_ERROR", "The quoted name starting here is not closed; add the closing `", at: loc)
            }
            if c == "`" {
                if at(1) == "`" {
                    name.append("`")
                    i += 2
                    continue
                }
                i += 1
                break
            }
            name.append(c)
            bump()
        }
        return Token(.quotedIdentifier, String(name), location: loc, start: start, end: i)
    }

    /// The rest of a SET statement: up to a `;` outside quotes, or the end. Quoted parts
    /// are kept as written; comments are dropped.
    private mutating func setBody() throws(SQLError) -> Token {
        while let c = at(0), c.properties.isWhitespace { bump() }
        let loc = location
        let start = i
        var body = String.UnicodeScalarView()
        while let c = at(0), c != ";" {
            if c == "-", at(1) == "-" {
                skipLineComment()
                body.append(" ")
                continue
            }
            if c == "/", at(1) == "*" {
                try skipBlockComment()
                body.append(" ")
                continue
            }
            if c == "'" || c == "\"" || c == "`" {
                let open = location
                body.append(c)
                i += 1
                while true {
                    guard let d = at(0) else {
                        let what = c == "`" ? "quoted name" : "string literal"
                        throw SQLError("PARSE_SYNTAX_ERROR", "The \(what) starting here is not closed; add the closing \(c)", at: open)
                    }
                    body.append(d)
                    if d == "\\", c != "`", at(1) != nil {
                        i += 1
                        body.append(s[i])
                        bump()
                        continue
                    }
                    bump()
                    if d == c {
                        if at(0) == c {
                            body.append(c)
                            i += 1
                            continue
                        }
                        break
                    }
                }
                continue
            }
            body.append(c)
            bump()
        }
        return Token(.setBody, String(body), location: loc, start: start, end: i)
    }
}
