/// Statements other than queries: SET, CREATE TEMPORARY VIEW, CREATE TABLE, INSERT, and
/// the pieces they share (OPTIONS lists, column definitions, data types, PARTITION specs).
extension Parser {
    mutating func parseStatement() throws(SQLError) -> Statement {
        let token = current
        if token.kind == .word {
            switch token.upper {
            case "SET": return try parseSet()
            case "CREATE": return try parseCreate()
            case "INSERT": return try parseInsert()
            case "SELECT", "WITH", "TABLE", "VALUES", "FROM": return .query(try parseQuery())
            default:
                if Keywords.unsupportedStatements.contains(token.upper) {
                    throw unsupported("\(token.upper) statements", "a job consists of SET, CREATE TEMPORARY VIEW, CREATE TABLE, INSERT and SELECT statements", at: token.location)
                }
            }
        }
        if token.isSymbol("(") { return .query(try parseQuery()) }
        for keyword in ["SELECT", "WITH", "CREATE", "INSERT", "SET", "'('"] { note(keyword, rank: 0) }
        throw syntaxError()
    }

    // MARK: SET

    /// `SET`, `SET key`, `SET key=value`, `` SET `key`=`value` ``, `SET TIME ZONE 'zone'`.
    /// The lexer hands over the raw text; the key is what precedes the first `=`, the value
    /// the rest, both trimmed, with one pair of surrounding quotes taken off the value.
    private mutating func parseSet() throws(SQLError) -> Statement {
        let setToken = advance()
        guard current.kind == .setBody else { throw syntaxError() }
        let text = Parser.trim(advance().text)
        let location = setToken.location
        if text.isEmpty { return .set(key: "", value: nil, location: location) }

        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        if words.count >= 2, words[0].uppercased() == "TIME", words[1].uppercased() == "ZONE" {
            let zone = Parser.trim(text.dropFirst(text.distance(from: text.startIndex, to: words[1].endIndex)))
            guard let first = zone.first, first == "'" || first == "\"", zone.count >= 2, zone.last == first else {
                throw unsupported("SET TIME ZONE \(zone)", "write SET TIME ZONE 'Area/City' or SET spark.sql.session.timeZone=Area/City", at: location)
            }
            return .set(key: "spark.sql.session.timeZone", value: String(zone.dropFirst().dropLast()), location: location)
        }

        let invalid = SQLError("INVALID_SET_SYNTAX", "Expected format is 'SET', 'SET key', or 'SET key=value'. If you want to include special characters in key, or include semicolon in value, please use backquotes, e.g., SET `key`=`value`.", at: location)
        var key: String
        var rest: Substring
        if text.hasPrefix("`") {
            // A backquoted key, with `` for a backquote.
            var name = ""
            var index = text.index(after: text.startIndex)
            while true {
                guard index < text.endIndex else { throw invalid }
                let c = text[index]
                index = text.index(after: index)
                if c == "`" {
                    if index < text.endIndex, text[index] == "`" {
                        name.append("`")
                        index = text.index(after: index)
                        continue
                    }
                    break
                }
                name.append(c)
            }
            key = name
            rest = Substring(Parser.trim(text[index...]))
            guard rest.isEmpty || rest.hasPrefix("=") else { throw invalid }
        } else if let eq = text.firstIndex(of: "=") {
            key = Parser.trim(text[..<eq])
            rest = text[eq...]
            guard !key.isEmpty, key == "-v" || key.unicodeScalars.allSatisfy({ Parser.isSetKeyCharacter($0) }) else { throw invalid }
        } else {
            key = text
            rest = ""
            guard key == "-v" || key.unicodeScalars.allSatisfy({ Parser.isSetKeyCharacter($0) }) else { throw invalid }
        }
        guard rest.hasPrefix("=") else { return .set(key: key, value: nil, location: location) }
        var value = Parser.trim(rest.dropFirst())
        if let first = value.first, first == "'" || first == "\"" || first == "`", value.count >= 2, value.last == first {
            value = String(value.dropFirst().dropLast())
        }
        return .set(key: key, value: value, location: location)
    }

    /// Spark's unquoted configuration keys: `[a-zA-Z_\d\\.:]+`.
    private static func isSetKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "." || c == ":" || c == "\\"
    }

    // MARK: CREATE

    private mutating func parseCreate() throws(SQLError) -> Statement {
        let create = advance()
        var orReplace = false
        if accept("OR", display: "OR REPLACE") {
            try expect("REPLACE")
            orReplace = true
        }
        let global = accept("GLOBAL", display: "GLOBAL TEMPORARY", rank: 2)
        let temporary = accept("TEMPORARY", rank: 0) || accept("TEMP", rank: 3)
        if global, !temporary { throw syntaxError() }
        if accept("VIEW") {
            guard temporary else {
                throw unsupported("Permanent views (CREATE VIEW)", "use CREATE TEMPORARY VIEW", at: create.location)
            }
            return try parseCreateView(orReplace: orReplace, location: create.location)
        }
        if current.isWord("EXTERNAL") {
            throw unsupported("CREATE EXTERNAL TABLE", "use CREATE TABLE ... USING csv LOCATION '...'", at: current.location)
        }
        if !temporary, !orReplace, current.isWord("DATABASE") || current.isWord("SCHEMA") || current.isWord("FUNCTION") {
            throw unsupported("CREATE \(current.upper)", "a job creates only temporary views and tables", at: current.location)
        }
        guard check("TABLE", rank: 0) else { throw syntaxError() }
        if temporary {
            throw unsupported("CREATE TEMPORARY TABLE", "use CREATE TEMPORARY VIEW ... USING csv OPTIONS (...)", at: create.location)
        }
        if orReplace {
            throw unsupported("CREATE OR REPLACE TABLE", "use CREATE TABLE IF NOT EXISTS, and INSERT OVERWRITE to replace the rows", at: create.location)
        }
        advance()
        return .createTable(try parseCreateTable(location: create.location))
    }

    /// `name [(cols)] USING fmt [OPTIONS (...)]` or `name [(names)] AS query`, after VIEW.
    private mutating func parseCreateView(orReplace: Bool, location: SourceLocation) throws(SQLError) -> Statement {
        if current.isWord("IF"), peek().isWord("NOT") {
            throw unsupported("CREATE TEMPORARY VIEW ... IF NOT EXISTS", "use CREATE OR REPLACE TEMPORARY VIEW (Spark rejects it too)", at: current.location)
        }
        let name = try parseQualifiedName("a view name")
        if name.parts.count > 1 {
            throw SQLError("TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS", "CREATE TEMPORARY VIEW or the corresponding Dataset APIs only accept single-part view names, but got: \(name).", at: name.location)
        }
        // Column types are given with USING, names alone with AS: parse either, then check.
        var columns: [(name: String, location: SourceLocation, type: String?, typeSlot: Token)] = []
        if acceptSymbol("(") {
            repeat {
                let column = try parseName("a column name")
                let slot = current
                var type: String?
                if current.kind == .word, !current.isWord("COMMENT") {
                    type = try parseDataType()
                }
                if accept("COMMENT", rank: 2) {
                    _ = try parseStringValue()
                }
                columns.append((column.name, column.location, type, slot))
            } while acceptSymbol(",")
            try expectSymbol(")")
        }
        if accept("USING", rank: 0) {
            if let untyped = columns.first(where: { $0.type == nil }) {
                throw SQLError("PARSE_SYNTAX_ERROR", "Syntax error at or near \(describe(untyped.typeSlot)): expected a data type", at: untyped.typeSlot.location)
            }
            let format = try parseFormat()
            var options = OptionList()
            if accept("OPTIONS") {
                options = try parseOptionList()
            }
            let definitions = columns.map { ColumnDefinition(name: $0.name, typeName: $0.type ?? "", location: $0.location) }
            return .createSourceView(CreateSourceView(name: name, columns: definitions, format: format, options: options, orReplace: orReplace, location: location))
        }
        if check("AS", rank: 0) {
            if let typed = columns.first(where: { $0.type != nil }) {
                throw SQLError("PARSE_SYNTAX_ERROR", "Syntax error at or near \(describe(typed.typeSlot)): expected one of ',', ')'; a view defined AS a query takes column names without types",
                               at: typed.typeSlot.location)
            }
            advance()
            var query = try parseQuery()
            if !columns.isEmpty {
                // `v (a, b) AS q` renames q's columns: as a WITH query with column aliases.
                let cte = CommonTableExpression(name: name, columnAliases: columns.map(\.name), query: query)
                let select = Select(distinct: false, items: [.star(qualifier: nil, location: name.location)], from: .named(name, alias: nil),
                                    whereClause: nil, groupBy: [], having: nil, distributeBy: [], location: query.location)
                query = Query(with: [cte], body: .select(select), orderBy: [], limit: nil, location: query.location)
            }
            return .createQueryView(name: name, query: query, orReplace: orReplace, location: location)
        }
        throw syntaxError()
    }

    /// After `CREATE TABLE`: `[IF NOT EXISTS] name [(cols)] USING fmt` and its clauses, in
    /// any order, each at most once.
    private mutating func parseCreateTable(location: SourceLocation) throws(SQLError) -> CreateTable {
        var ifNotExists = false
        if accept("IF", display: "IF NOT EXISTS") {
            try expect("NOT")
            try expect("EXISTS")
            ifNotExists = true
        }
        let name = try parseQualifiedName("a table name")
        var columns: [ColumnDefinition] = []
        if acceptSymbol("(", rank: 0) {
            repeat {
                columns.append(try parseColumnDefinition())
            } while acceptSymbol(",")
            try expectSymbol(")")
        }
        var format: String?
        if accept("USING", rank: 0) {
            format = try parseFormat()
        }
        var partitionedBy: [ColumnDefinition] = []
        var path: String?
        var options = OptionList()
        var seen: Set<String> = []
        while true {
            let token = current
            let clause: String
            if check("OPTIONS") {
                clause = "OPTIONS"
            } else if check("PARTITIONED", display: "PARTITIONED BY") {
                clause = "PARTITIONED BY"
            } else if check("LOCATION") {
                clause = "LOCATION"
            } else if check("COMMENT", rank: 2) {
                clause = "COMMENT"
            } else if check("TBLPROPERTIES", rank: 2) {
                clause = "TBLPROPERTIES"
            } else {
                break
            }
            if seen.contains(clause) {
                throw SQLError("DUPLICATE_CLAUSES", "Found duplicate clauses: \(clause). Please, remove one of them.", at: token.location)
            }
            seen.insert(clause)
            advance()
            switch clause {
            case "OPTIONS":
                options = try parseOptionList()
            case "PARTITIONED BY":
                try expect("BY")
                partitionedBy = try parsePartitionColumns()
            case "LOCATION":
                path = try parseStringValue("a path in quotes").value
            case "COMMENT":
                _ = try parseStringValue()
            default:
                _ = try parseOptionList()
            }
        }
        let token = current
        if token.isWord("CLUSTERED"), peek().isWord("BY") {
            throw unsupported("Bucketed tables (CLUSTERED BY)", "use PARTITIONED BY, or DISTRIBUTE BY in the INSERT", at: token.location)
        }
        if token.isWord("STORED") || token.isWord("ROW") || token.isWord("SKEWED") {
            throw unsupported("Hive-format tables (\(token.upper) ...)", "write USING csv OPTIONS (...) instead", at: token.location)
        }
        if token.isWord("AS") {
            throw unsupported("CREATE TABLE ... AS SELECT", "create the table, then INSERT INTO it", at: token.location)
        }
        guard let format else {
            if token.isWord("USING") {
                throw SQLError("PARSE_SYNTAX_ERROR", "Syntax error at or near 'USING': USING must come right after the column list", at: token.location)
            }
            throw unsupported("CREATE TABLE without USING (a Hive-format table)", "add USING csv after the column list", at: location)
        }
        return CreateTable(name: name, ifNotExists: ifNotExists, columns: columns, format: format, partitionedBy: partitionedBy,
                           path: path, options: options, location: location)
    }

    /// `(dt)` (Spark: a column of the table) or `(dt DATE)` (Hive: an extra column).
    private mutating func parsePartitionColumns() throws(SQLError) -> [ColumnDefinition] {
        try expectSymbol("(")
        var columns: [ColumnDefinition] = []
        repeat {
            let column = try parseName("a column name")
            if current.isSymbol("(") {
                throw unsupported("Partition transforms (\(column.name)(...))", "partition by a column computed in the INSERT's SELECT", at: column.location)
            }
            var type = ""
            if current.kind == .word, !current.isWord("COMMENT") {
                type = try parseDataType()
            }
            if accept("COMMENT", rank: 2) {
                _ = try parseStringValue()
            }
            columns.append(ColumnDefinition(name: column.name, typeName: type, location: column.location))
        } while acceptSymbol(",")
        try expectSymbol(")")
        return columns
    }

    /// `name type [COMMENT '...']`.
    mutating func parseColumnDefinition() throws(SQLError) -> ColumnDefinition {
        let column = try parseName("a column name")
        let type = try parseDataType()
        while true {
            let token = current
            if token.isWord("NOT"), peek().isWord("NULL") {
                throw unsupported("NOT NULL columns", "drop NOT NULL, and filter the NULL rows in the query that writes the table", at: token.location)
            }
            if token.isWord("DEFAULT") || token.isWord("GENERATED") {
                throw unsupported("\(token.upper) column values", "compute the value in the query that writes the table", at: token.location)
            }
            guard accept("COMMENT", rank: 2) else { break }
            _ = try parseStringValue()
        }
        return ColumnDefinition(name: column.name, typeName: type, location: column.location)
    }

    /// The data source after USING, in lower case (`csv`; `org.apache.spark.sql.csv`).
    private mutating func parseFormat() throws(SQLError) -> String {
        try parseQualifiedName("a data source name such as csv").description.lowercased()
    }

    // MARK: Types

    /// A data type as written, in a canonical spelling: `INT`, `DECIMAL(10,2)`,
    /// `ARRAY<STRUCT<a:INT>>`, `INTERVAL DAY TO SECOND`. The binder resolves it.
    mutating func parseDataType() throws(SQLError) -> String {
        note("a data type", rank: 0)
        guard current.kind == .word, !Keywords.reserved.contains(current.upper) else { throw syntaxError() }
        let name = advance()
        var text = name.text
        if name.upper == "INTERVAL" {
            while current.kind == .word, Keywords.intervalUnit(current.text) != nil || current.isWord("TO") {
                text += " " + advance().text
            }
            return text
        }
        if current.isSymbol("(") {
            advance()
            var arguments: [String] = []
            repeat {
                note("a number", rank: 0)
                guard case .number(let format) = current.kind, !format.fractional, format.suffix == .none else { throw syntaxError() }
                arguments.append(advance().text)
            } while acceptSymbol(",")
            try expectSymbol(")")
            return text + "(" + arguments.joined(separator: ",") + ")"
        }
        if current.isSymbol("<>") {
            advance()
            return text + "<>"
        }
        if current.isSymbol("<") {
            // A complex type: copy the tokens up to the matching '>'.
            var depth = 0
            var parentheses = 0
            var previousWordLike = false
            repeat {
                let token = current
                if token.isSymbol("(") { parentheses += 1 }
                if token.isSymbol(")") { parentheses -= 1 }
                if token.kind == .end || token.isSymbol(";") || parentheses < 0 {
                    note("'>'", rank: 0)
                    throw syntaxError()
                }
                if token.isSymbol("<") { depth += 1 }
                if token.isSymbol(">") { depth -= 1 }
                let wordLike: Bool
                switch token.kind {
                case .word, .number, .string: wordLike = true
                case .quotedIdentifier: wordLike = true
                default: wordLike = false
                }
                if wordLike, previousWordLike { text += " " }
                switch token.kind {
                case .word, .symbol: text += token.text
                case .quotedIdentifier: text += "`" + token.text.replacingBackquotes() + "`"
                default: text += String(String.UnicodeScalarView(source[token.start..<token.end]))
                }
                previousWordLike = wordLike
                advance()
            } while depth > 0
        }
        return text
    }

    // MARK: INSERT

    private mutating func parseInsert() throws(SQLError) -> Statement {
        let insert = advance()
        let overwrite: Bool
        if accept("OVERWRITE", rank: 0) {
            overwrite = true
            if current.isWord("LOCAL"), peek().isWord("DIRECTORY") {
                advance()
            }
            if accept("DIRECTORY", rank: 2) {
                return .insertDirectory(try parseInsertDirectory(location: insert.location))
            }
        } else if accept("INTO", rank: 0) {
            overwrite = false
        } else {
            throw syntaxError()
        }
        _ = accept("TABLE", rank: 0)
        let table = try parseQualifiedName("a table name")
        var partition: [PartitionSpecEntry]?
        if accept("PARTITION") {
            partition = try parsePartitionSpec()
        }
        let token = current
        if token.isWord("IF"), peek().isWord("NOT") {
            throw unsupported("INSERT OVERWRITE ... IF NOT EXISTS", "drop IF NOT EXISTS", at: token.location)
        }
        if token.isWord("BY"), peek().isWord("NAME") {
            throw unsupported("INSERT ... BY NAME", "select the columns in the table's order", at: token.location)
        }
        if token.isWord("REPLACE") {
            throw unsupported("INSERT ... REPLACE", "use INSERT OVERWRITE with a PARTITION clause", at: token.location)
        }
        if token.isSymbol("(") {
            var k = 1
            while peek(k).isSymbol("(") { k += 1 }
            if !(peek(k).isWord("SELECT") || peek(k).isWord("WITH") || peek(k).isWord("VALUES") || peek(k).isWord("TABLE")) {
                throw unsupported("INSERT with a column list", "select the columns in the table's order, with NULL for the ones left empty", at: token.location)
            }
        }
        let query = try parseQuery()
        return .insertTable(InsertTable(table: table, overwrite: overwrite, partition: partition, query: query, location: insert.location))
    }

    /// `PARTITION (k='v', k2)`, after the keyword.
    private mutating func parsePartitionSpec() throws(SQLError) -> [PartitionSpecEntry] {
        try expectSymbol("(")
        var entries: [PartitionSpecEntry] = []
        repeat {
            let column = try parseName("a partition column name")
            var value: Expr?
            if acceptSymbol("=", rank: 0) {
                value = try parseConstant()
            }
            entries.append(PartitionSpecEntry(column: column.name, value: value, location: column.location))
        } while acceptSymbol(",")
        try expectSymbol(")")
        return entries
    }

    /// A literal value: a number (with a sign), a string, TRUE, FALSE, NULL, DATE '...',
    /// TIMESTAMP '...'.
    private mutating func parseConstant() throws(SQLError) -> Expr {
        let token = current
        note("a literal value", rank: 0)
        if token.isSymbol("-"), case .number(let format) = peek().kind {
            advance()
            return .literal(try numberLiteral(advance(), format, negative: true), token.location)
        }
        switch token.kind {
        case .number(let format):
            advance()
            return .literal(try numberLiteral(token, format, negative: false), token.location)
        case .string:
            return .literal(.string(try parseStringValue().value), token.location)
        case .word where token.upper == "NULL":
            advance()
            return .literal(.null, token.location)
        case .word where token.upper == "TRUE" || token.upper == "FALSE":
            advance()
            return .literal(.bool(token.upper == "TRUE"), token.location)
        case .word where token.upper == "DATE" && peek().kind == .string:
            advance()
            return .literal(.date(try parseStringValue().value), token.location)
        case .word where token.upper == "TIMESTAMP" && peek().kind == .string:
            advance()
            return .literal(.timestamp(try parseStringValue().value), token.location)
        default:
            throw syntaxError()
        }
    }

    /// After `INSERT OVERWRITE [LOCAL] DIRECTORY`: `['path'] USING fmt [OPTIONS (...)] query`.
    /// The path may instead be the `path` option, but not both (as in Spark).
    private mutating func parseInsertDirectory(location: SourceLocation) throws(SQLError) -> InsertDirectory {
        var path: String?
        if current.kind == .string {
            path = try parseStringValue().value
        }
        if current.isWord("STORED") || current.isWord("ROW") {
            throw unsupported("Hive-format directories (\(current.upper) ...)", "write USING csv OPTIONS (...) instead", at: current.location)
        }
        note("a path in quotes", rank: 0)
        try expect("USING")
        let format = try parseFormat()
        var options = OptionList()
        if accept("OPTIONS") {
            options = try parseOptionList()
        }
        if let index = options.entries.firstIndex(where: { $0.key.lowercased() == "path" }) {
            if path != nil {
                throw SQLError("INVALID_SQL_SYNTAX", "Directory path and 'path' in OPTIONS should be specified one, but not both.", at: options.entries[index].location)
            }
            path = options.entries[index].value
            options.entries.remove(at: index)
        }
        guard let path else {
            throw SQLError("INVALID_SQL_SYNTAX", "INSERT OVERWRITE DIRECTORY needs a path: write INSERT OVERWRITE DIRECTORY 'path' USING \(format) ...", at: location)
        }
        let query = try parseQuery()
        return InsertDirectory(path: path, overwrite: true, format: format, options: options, query: query, location: location)
    }

    // MARK: OPTIONS

    /// `(key 'v', key='v', a.b "v", 'k' 'v', key true, key 10)`: keys are dotted names or
    /// strings; values are strings (unquoted), numbers as written, or booleans in lower
    /// case, as Spark's property lists. A key given twice (in any case) is an error.
    mutating func parseOptionList() throws(SQLError) -> OptionList {
        try expectSymbol("(")
        var list = OptionList()
        repeat {
            let location = current.location
            var key: String
            if current.kind == .string {
                key = advance().text
            } else {
                note("an option name", rank: 0)
                guard current.kind == .word || current.kind == .quotedIdentifier else { throw syntaxError() }
                key = advance().text
                while current.isSymbol(".") {
                    advance()
                    note("a name", rank: 0)
                    guard current.kind == .word || current.kind == .quotedIdentifier else { throw syntaxError() }
                    key += "." + advance().text
                }
            }
            _ = acceptSymbol("=", rank: 1)
            let value = try parseOptionValue()
            if list.entries.contains(where: { $0.key.lowercased() == key.lowercased() }) {
                throw SQLError("DUPLICATE_KEY", "Found duplicate keys '\(key)'.", at: location)
            }
            list.entries.append((key: key, value: value, location: location))
        } while acceptSymbol(",")
        try expectSymbol(")")
        return list
    }

    private mutating func parseOptionValue() throws(SQLError) -> String {
        let token = current
        note("a value ('text', a number, true or false)", rank: 0)
        switch token.kind {
        case .string:
            return advance().text
        case .number(let format) where format.suffix == .none:
            advance()
            return String(String.UnicodeScalarView(source[token.start..<token.end]))
        case .word where token.upper == "TRUE" || token.upper == "FALSE":
            advance()
            return token.text.lowercased()
        default:
            throw syntaxError()
        }
    }
}

extension String {
    /// The name with each backquote doubled, as it is written inside backquotes.
    fileprivate func replacingBackquotes() -> String {
        var out = ""
        for c in self {
            if c == "`" { out.append("`") }
            out.append(c)
        }
        return out
    }
}
