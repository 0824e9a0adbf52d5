/// Parses a job file: statements separated by `;`, where empty statements are allowed and
/// the final `;` is optional.
public func parseScript(_ text: String) throws(SQLError) -> [Statement] {
    var parser = try Parser(text, setStatements: true)
    return try parser.parseScript()
}

/// Parses one query (`sluice query "SELECT ..."`); a trailing `;` is allowed.
public func parseQuery(_ text: String) throws(SQLError) -> Query {
    var parser = try Parser(text)
    let query = try parser.parseQuery()
    try parser.expectEndOfInput(allowSemicolon: true)
    return query
}

/// Parses one scalar expression (tests, DDL defaults).
public func parseExpression(_ text: String) throws(SQLError) -> Expr {
    var parser = try Parser(text)
    let expr = try parser.parseExpression()
    try parser.expectEndOfInput(allowSemicolon: false)
    return expr
}

/// Parses a DDL column list such as `a INT, b DECIMAL(10,2), c STRING`, as the CSV
/// `schema` option takes it.
public func parseColumnList(_ ddl: String) throws(SQLError) -> [ColumnDefinition] {
    var parser = try Parser(ddl)
    var columns: [ColumnDefinition] = []
    repeat {
        columns.append(try parser.parseColumnDefinition())
    } while parser.acceptSymbol(",")
    try parser.expectEndOfInput(allowSemicolon: false)
    return columns
}

/// A recursive-descent parser over the tokens of one text.
///
/// Besides the position it keeps what it tried at the current token (``Expectation``s):
/// every keyword or symbol the grammar could have accepted there, so that a syntax error
/// says what was expected as well as what was found. The list is reset lazily whenever
/// the position moves. Operators that could continue an expression are not recorded: they
/// fit almost anywhere and would crowd out the clause keywords a user is looking for.
struct Parser {
    struct Expectation {
        var text: String
        /// Lower is more relevant; ties keep the order in which the grammar tried them.
        var rank: Int
    }

    var tokens: [Token]
    let source: [Unicode.Scalar]
    var pos = 0
    var expected: [Expectation] = []
    var expectedPos = -1
    /// Positions of aliases written without AS: a misspelled keyword (`FROM t WHER x`)
    /// becomes one, and the error that follows is reported at it instead.
    var implicitAliases: Set<Int> = []

    init(_ text: String, setStatements: Bool = false) throws(SQLError) {
        var lexer = Lexer(text, setStatements: setStatements)
        tokens = try lexer.tokenize()
        source = lexer.source
    }

    // MARK: Moving

    var current: Token { tokens[pos] }

    func peek(_ k: Int = 1) -> Token { tokens[min(pos + k, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return token
    }

    // MARK: Expectations

    /// Records that `text` would have been accepted at the current token.
    mutating func note(_ text: String, rank: Int = 1) {
        if expectedPos != pos {
            expected.removeAll(keepingCapacity: true)
            expectedPos = pos
        }
        if !expected.contains(where: { $0.text == text }) {
            expected.append(Expectation(text: text, rank: rank))
        }
    }

    /// Whether the current token is `keyword`, recording it as expected (as `display`,
    /// e.g. `GROUP BY` for `GROUP`).
    mutating func check(_ keyword: String, display: String? = nil, rank: Int = 1) -> Bool {
        note(display ?? keyword, rank: rank)
        return current.isWord(keyword)
    }

    mutating func accept(_ keyword: String, display: String? = nil, rank: Int = 1) -> Bool {
        guard check(keyword, display: display, rank: rank) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ keyword: String, display: String? = nil) throws(SQLError) -> Token {
        guard check(keyword, display: display, rank: 0) else { throw syntaxError() }
        return advance()
    }

    mutating func checkSymbol(_ symbol: String, rank: Int = 1) -> Bool {
        note("'\(symbol)'", rank: rank)
        return current.isSymbol(symbol)
    }

    mutating func acceptSymbol(_ symbol: String, rank: Int = 1) -> Bool {
        guard checkSymbol(symbol, rank: rank) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expectSymbol(_ symbol: String) throws(SQLError) -> Token {
        guard checkSymbol(symbol, rank: 0) else { throw syntaxError() }
        return advance()
    }

    /// The end of a text that holds one query, expression or column list; a query may be
    /// followed by `;`, but not by another statement.
    mutating func expectEndOfInput(allowSemicolon: Bool) throws(SQLError) {
        if allowSemicolon, current.isSymbol(";") {
            while current.isSymbol(";") { advance() }
        }
        note("end of input", rank: 3)
        guard current.kind == .end else { throw syntaxError() }
    }

    // MARK: Names

    /// A name token: backquoted, or a word that is not reserved.
    func isName(_ token: Token) -> Bool {
        token.kind == .quotedIdentifier || (token.kind == .word && !Keywords.reserved.contains(token.upper))
    }

    /// Whether `token` can be an alias written without AS.
    func canBeImplicitAlias(_ token: Token) -> Bool {
        token.kind == .quotedIdentifier
            || (token.kind == .word && !Keywords.reserved.contains(token.upper) && !Keywords.noImplicitAlias.contains(token.upper))
    }

    /// One name; `what` says what it names in an error ("a table name").
    mutating func parseName(_ what: String) throws(SQLError) -> (name: String, location: SourceLocation) {
        note(what, rank: 0)
        guard isName(current) else { throw syntaxError() }
        let token = advance()
        return (token.text, token.location)
    }

    /// `a`, `db.t`, `` t.`x y` ``: after a dot any word is a name, reserved or not.
    mutating func parseQualifiedName(_ what: String) throws(SQLError) -> Identifier {
        let first = try parseName(what)
        var parts = [first.name]
        while current.isSymbol(".") {
            advance()
            note("a name", rank: 0)
            guard current.kind == .word || current.kind == .quotedIdentifier else { throw syntaxError() }
            parts.append(advance().text)
        }
        return Identifier(parts, location: first.location)
    }

    /// `(a, b, c)`: the opening parenthesis already checked.
    mutating func parseParenthesizedNames(_ what: String) throws(SQLError) -> [String] {
        try expectSymbol("(")
        var names: [String] = []
        repeat {
            names.append(try parseName(what).name)
        } while acceptSymbol(",")
        try expectSymbol(")")
        return names
    }

    /// One or more adjacent string literals, concatenated as Spark does (`'a' 'b'`).
    mutating func parseStringValue(_ what: String = "a string literal") throws(SQLError) -> (value: String, location: SourceLocation) {
        note(what, rank: 0)
        guard current.kind == .string else { throw syntaxError() }
        let location = current.location
        var value = ""
        while current.kind == .string {
            value += advance().text
        }
        return (value, location)
    }

    // MARK: Script

    mutating func parseScript() throws(SQLError) -> [Statement] {
        var statements: [Statement] = []
        while true {
            while current.isSymbol(";") { advance() }
            if current.kind == .end { break }
            statements.append(try parseStatement())
            if current.kind == .end { break }
            guard checkSymbol(";", rank: 3) else { throw syntaxError() }
        }
        return statements
    }

    // MARK: Errors

    /// `UNSUPPORTED_FEATURE`: "<feature> is not supported by sluice; <what to do>".
    func unsupported(_ feature: String, _ advice: String, at location: SourceLocation) -> SQLError {
        SQLError("UNSUPPORTED_FEATURE", "\(feature) is not supported by sluice; \(advice)", at: location)
    }

    /// A `PARSE_SYNTAX_ERROR` at the current token, listing what was expected there.
    func syntaxError() -> SQLError {
        var at = pos
        var candidates = expectedPos == pos ? expected : []
        // A misspelled keyword read as an alias: `SELECT a FORM t` fails at `t`, but the
        // mistake is `FORM`, where the same clauses were expected.
        if implicitAliases.contains(pos - 1), tokens[pos - 1].kind == .word,
           candidates.contains(where: { Parser.resembles(tokens[pos - 1].upper, $0.text) }) {
            at = pos - 1
        }
        let found = tokens[at]
        if found.kind == .word {
            candidates = candidates.enumerated().sorted { a, b in
                let sa = Parser.resembles(found.upper, a.element.text), sb = Parser.resembles(found.upper, b.element.text)
                if sa != sb { return sa }
                if a.element.rank != b.element.rank { return a.element.rank < b.element.rank }
                return a.offset < b.offset
            }.map(\.element)
        } else {
            candidates = candidates.enumerated().sorted { a, b in
                a.element.rank != b.element.rank ? a.element.rank < b.element.rank : a.offset < b.offset
            }.map(\.element)
        }
        var message = "Syntax error at or near \(describe(found))"
        let texts = candidates.map(\.text)
        if texts.count == 1 {
            message += ": expected \(texts[0])"
        } else if texts.count > 1 {
            let shown = texts.prefix(6).joined(separator: ", ")
            message += ": expected one of \(shown)\(texts.count > 6 ? ", ..." : "")"
        }
        if let hint = hint(found: found, at: at, expected: texts) {
            message += "; \(hint)"
        }
        return SQLError("PARSE_SYNTAX_ERROR", message, at: found.location)
    }

    /// A token as an error quotes it: its source text, or `end of input`.
    func describe(_ token: Token) -> String {
        if token.kind == .end { return "end of input" }
        var text = ""
        for c in source[token.start..<min(token.end, token.start + 40)] {
            if c == "\n" || c == "\r" { break }
            text.unicodeScalars.append(c)
        }
        if token.end - token.start > text.unicodeScalars.count { text += "..." }
        return "'\(text)'"
    }

    private func hint(found: Token, at: Int, expected: [String]) -> String? {
        if found.kind == .invalid, let first = found.text.unicodeScalars.first,
           found.text.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
            if first.properties.numericType != nil || found.text.unicodeScalars.contains(where: { $0.value > 0x7F }) {
                return "a name that starts with a digit or has non-ASCII letters must be quoted: `\(found.text)`"
            }
        }
        if found.kind == .word, expected.contains("';'"), ["SELECT", "CREATE", "INSERT", "SET", "WITH"].contains(found.upper) {
            return "end the statement before it with ';'"
        }
        guard found.kind == .word, Keywords.reserved.contains(found.upper) else { return nil }
        if at > 0, tokens[at - 1].isSymbol(","), expected.contains("an expression") {
            return "a list cannot end with ','"
        }
        // In an expression a reserved word is more often a misplaced keyword than a column,
        // unless what follows it is what follows a name.
        let next = tokens[min(at + 1, tokens.count - 1)]
        let usedAsName = next.kind == .end || next.isSymbol(",") || next.isSymbol(".") || next.isSymbol(")") || next.isWord("FROM")
        if expected.contains(where: { $0.hasSuffix("name") || $0 == "an alias" }) || (usedAsName && expected.contains("an expression")) {
            return "\(found.upper) is a reserved word: write `\(found.text)` to use it as a name"
        }
        return nil
    }

    /// Whether a word the user wrote looks like a misspelling of an expected keyword
    /// (`FORM` for `FROM`, `GROPU` for `GROUP BY`).
    static func resembles(_ word: String, _ expectation: String) -> Bool {
        guard let keyword = expectation.split(separator: " ").first, keyword.allSatisfy({ $0.isUppercase || $0 == "_" }) else { return false }
        let a = Array(word), b = Array(keyword)
        guard a.count >= 2 else { return false }
        let limit = b.count <= 4 ? 1 : 2
        return a != b && abs(a.count - b.count) <= limit && editDistance(a, b) <= limit
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and
    /// transpositions of neighbours each cost one.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }

    /// `text` without leading and trailing whitespace.
    static func trim<S: StringProtocol>(_ text: S) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
