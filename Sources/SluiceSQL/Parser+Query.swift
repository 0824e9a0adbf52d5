/// Queries: WITH, set operations, SELECT, FROM with joins, and the clauses that order and
/// cut the result.
///
/// ```
/// query       := [WITH cte, ...] body [ORDER BY ...] [DISTRIBUTE BY ...] [LIMIT e]
/// body        := primary (UNION [ALL|DISTINCT] primary)*        -- left-associative
/// primary     := select | '(' query ')' | TABLE name
/// select      := SELECT [DISTINCT|ALL] items [FROM from] [WHERE e] [GROUP BY e, ...] [HAVING e]
/// from        := relation ((',' | join) relation [ON e | USING (names)])*
/// ```
///
/// As in Spark, ORDER BY, DISTRIBUTE BY and LIMIT after a UNION apply to the whole union.
extension Parser {
    mutating func parseQuery() throws(SQLError) -> Query {
        let location = current.location
        var ctes: [CommonTableExpression] = []
        if accept("WITH", rank: 1) {
            if current.isWord("RECURSIVE") {
                throw unsupported("WITH RECURSIVE", "compute the recursion outside the job", at: current.location)
            }
            repeat {
                let name = try parseName("a name for the WITH query")
                if ctes.contains(where: { $0.name.name.lowercased() == name.name.lowercased() }) {
                    throw SQLError("DUPLICATED_CTE_NAMES", "CTE definition can't have duplicate names: `\(name.name)`.", at: name.location)
                }
                var aliases: [String] = []
                if current.isSymbol("("), !(peek().isWord("SELECT") || peek().isWord("WITH") || peek().isSymbol("(")) {
                    aliases = try parseParenthesizedNames("a column name")
                }
                _ = accept("AS", rank: 0)
                try expectSymbol("(")
                let query = try parseQuery()
                try expectSymbol(")")
                ctes.append(CommonTableExpression(name: Identifier([name.name], location: name.location), columnAliases: aliases, query: query))
            } while acceptSymbol(",")
        }
        let body = try parseQueryBody()
        return try parseQueryOrganization(with: ctes, body: body, location: location)
    }

    mutating func parseQueryBody() throws(SQLError) -> QueryBody {
        var body = try parseQueryPrimary()
        while true {
            let token = current
            if accept("UNION", rank: 2) {
                var all = false
                if current.isWord("ALL") {
                    advance()
                    all = true
                } else if current.isWord("DISTINCT") {
                    advance()
                }
                let right = try parseQueryPrimary()
                body = .union(body, right, all: all, location: token.location)
            } else if token.isWord("INTERSECT") {
                throw unsupported("INTERSECT", "use SELECT DISTINCT with a LEFT SEMI JOIN on every column (<=> where NULLs must match)", at: token.location)
            } else if token.isWord("EXCEPT") || token.isWord("MINUS") {
                throw unsupported(token.upper, "use SELECT DISTINCT with a LEFT ANTI JOIN on every column (<=> where NULLs must match)", at: token.location)
            } else {
                return body
            }
        }
    }

    mutating func parseQueryPrimary() throws(SQLError) -> QueryBody {
        let token = current
        if check("SELECT", rank: 0) {
            return .select(try parseSelect())
        }
        if checkSymbol("(", rank: 1) {
            advance()
            let query = try parseQuery()
            try expectSymbol(")")
            return .nested(query)
        }
        if token.isWord("TABLE") {
            advance()
            let name = try parseQualifiedName("a table name")
            return .select(Select(distinct: false, items: [.star(qualifier: nil, location: token.location)], from: .named(name, alias: nil),
                                  whereClause: nil, groupBy: [], having: nil, distributeBy: [], location: token.location))
        }
        if token.isWord("VALUES") {
            throw unsupported("VALUES", "put the rows in a CSV file, or write SELECT ... UNION ALL SELECT ...", at: token.location)
        }
        if token.isWord("FROM") {
            throw unsupported("A query that starts with FROM", "write SELECT ... FROM ...", at: token.location)
        }
        throw syntaxError()
    }

    /// ORDER BY, CLUSTER BY, DISTRIBUTE BY, SORT BY, WINDOW, LIMIT and OFFSET, in Spark's
    /// order, after the query body.
    private mutating func parseQueryOrganization(with ctes: [CommonTableExpression], body: QueryBody, location: SourceLocation) throws(SQLError) -> Query {
        var body = body
        var orderBy: [OrderItem] = []
        let orderToken = current
        if check("ORDER", display: "ORDER BY") {
            advance()
            try expect("BY")
            repeat {
                orderBy.append(try parseOrderItem())
            } while acceptSymbol(",")
        }
        if current.isWord("CLUSTER"), peek().isWord("BY") {
            throw unsupported("CLUSTER BY", "use DISTRIBUTE BY; sluice does not sort within output partitions", at: current.location)
        }
        let distributeToken = current
        var distributeBy: [Expr] = []
        if check("DISTRIBUTE", display: "DISTRIBUTE BY", rank: 2) {
            advance()
            try expect("BY")
            repeat {
                distributeBy.append(try parseExpression())
            } while acceptSymbol(",")
            if !orderBy.isEmpty {
                throw unsupported("ORDER BY together with DISTRIBUTE BY", "keep one of them (Spark rejects the combination too)", at: orderToken.location)
            }
        }
        if current.isWord("SORT"), peek().isWord("BY") {
            throw unsupported("SORT BY", "use ORDER BY for a total order of the result", at: current.location)
        }
        if current.isWord("WINDOW"), isName(peek()) {
            throw unsupported("Window functions (the WINDOW clause)", "aggregate in a subquery and join the result back", at: current.location)
        }
        var limit: Expr?
        if accept("LIMIT") {
            if current.isWord("ALL") {
                advance()
            } else {
                limit = try parseExpression()
            }
        }
        if current.isWord("OFFSET") {
            throw unsupported("OFFSET", "filter on a row number computed in the data, or drop the OFFSET", at: current.location)
        }
        if !distributeBy.isEmpty {
            if case .select(let s) = body {
                body = .select(Select(distinct: s.distinct, items: s.items, from: s.from, whereClause: s.whereClause, groupBy: s.groupBy,
                                      having: s.having, distributeBy: distributeBy, location: s.location))
            } else {
                // DISTRIBUTE BY after a UNION or a parenthesized query applies to all of it.
                let inner = Query(with: [], body: body, orderBy: [], limit: nil, location: location)
                body = .select(Select(distinct: false, items: [.star(qualifier: nil, location: distributeToken.location)],
                                      from: .subquery(inner, alias: nil, location: location), whereClause: nil, groupBy: [],
                                      having: nil, distributeBy: distributeBy, location: distributeToken.location))
            }
        }
        return Query(with: ctes, body: body, orderBy: orderBy, limit: limit, location: location)
    }

    private mutating func parseOrderItem() throws(SQLError) -> OrderItem {
        let expr = try parseExpression()
        var ascending = true
        if accept("ASC") {
            ascending = true
        } else if accept("DESC") {
            ascending = false
        }
        var nullsFirst: Bool?
        if accept("NULLS") {
            if accept("FIRST", rank: 0) {
                nullsFirst = true
            } else if accept("LAST", rank: 0) {
                nullsFirst = false
            } else {
                throw syntaxError()
            }
        }
        return OrderItem(expr: expr, ascending: ascending, nullsFirst: nullsFirst)
    }

    // MARK: SELECT

    private mutating func parseSelect() throws(SQLError) -> Select {
        let location = advance().location
        var distinct = false
        if current.isWord("DISTINCT") {
            advance()
            distinct = true
        } else if current.isWord("ALL") {
            advance()
        }
        var items: [SelectItem] = []
        repeat {
            items.append(try parseSelectItem())
        } while acceptSymbol(",")
        var from: TableRef?
        if accept("FROM", rank: 0) {
            from = try parseFrom()
        }
        var whereClause: Expr?
        if accept("WHERE") {
            whereClause = try parseExpression()
        }
        var groupBy: [Expr] = []
        if check("GROUP", display: "GROUP BY") {
            advance()
            try expect("BY")
            groupBy = try parseGroupBy()
        }
        var having: Expr?
        if accept("HAVING") {
            having = try parseExpression()
        }
        return Select(distinct: distinct, items: items, from: from, whereClause: whereClause, groupBy: groupBy, having: having,
                      distributeBy: [], location: location)
    }

    private mutating func parseSelectItem() throws(SQLError) -> SelectItem {
        let start = current
        if start.isSymbol("*") {
            advance()
            return .star(qualifier: nil, location: start.location)
        }
        // t.* and db.t.*: names joined by dots, then a star.
        if isName(start) {
            var k = 0
            var parts = [start.text]
            while peek(k + 1).isSymbol("."), peek(k + 2).kind == .word || peek(k + 2).kind == .quotedIdentifier {
                parts.append(peek(k + 2).text)
                k += 2
            }
            if peek(k + 1).isSymbol("."), peek(k + 2).isSymbol("*") {
                pos += k + 3
                return .star(qualifier: parts.joined(separator: "."), location: start.location)
            }
        }
        let expr = try parseExpression()
        return .expr(expr, alias: try parseAlias())
    }

    /// `[AS] alias` after a select item; nil when there is none.
    private mutating func parseAlias() throws(SQLError) -> String? {
        if current.isWord("AS") {
            advance()
            if current.isSymbol("(") {
                throw unsupported("Several aliases for one expression (AS (a, b))", "give each column its own expression and alias", at: current.location)
            }
            return try parseName("an alias").name
        }
        if canBeImplicitAlias(current) {
            implicitAliases.insert(pos)
            return advance().text
        }
        return nil
    }

    private mutating func parseGroupBy() throws(SQLError) -> [Expr] {
        let token = current
        if token.isWord("ALL") {
            throw unsupported("GROUP BY ALL", "list the grouping expressions", at: token.location)
        }
        if token.isWord("GROUPING"), peek().isWord("SETS") {
            throw unsupported("GROUPING SETS", "run one query per grouping and combine them with UNION ALL", at: token.location)
        }
        if token.isWord("ROLLUP") || token.isWord("CUBE"), peek().isSymbol("(") {
            throw unsupported(token.upper, "run one query per grouping and combine them with UNION ALL", at: token.location)
        }
        var exprs: [Expr] = []
        repeat {
            exprs.append(try parseExpression())
        } while acceptSymbol(",")
        if current.isWord("WITH"), peek().isWord("ROLLUP") || peek().isWord("CUBE") {
            throw unsupported("GROUP BY ... WITH \(peek().upper)", "run one query per grouping and combine them with UNION ALL", at: current.location)
        }
        return exprs
    }

    // MARK: FROM

    mutating func parseFrom() throws(SQLError) -> TableRef {
        var left = try parseRelation()
        while true {
            let token = current
            if acceptSymbol(",") {
                let right = try parseRelation()
                left = .join(left, right, .cross, .none, location: token.location)
                continue
            }
            guard let kind = try parseJoinKind() else { return left }
            let right = try parseRelation()
            var condition = JoinCondition.none
            if accept("ON", rank: 0) {
                condition = .on(try parseExpression())
            } else if accept("USING", rank: 0) {
                condition = .using(try parseParenthesizedNames("a column name"))
            }
            left = .join(left, right, kind, condition, location: token.location)
        }
    }

    /// The join operator at the current token, consumed; nil when there is none.
    private mutating func parseJoinKind() throws(SQLError) -> JoinKind? {
        let token = current
        note("JOIN", rank: 2)
        guard token.kind == .word else { return nil }
        switch token.upper {
        case "JOIN":
            advance()
            return .inner
        case "INNER":
            advance()
            try expect("JOIN")
            return .inner
        case "CROSS":
            advance()
            try expect("JOIN")
            return .cross
        case "LEFT":
            advance()
            if accept("SEMI") {
                try expect("JOIN")
                return .leftSemi
            }
            if accept("ANTI") {
                try expect("JOIN")
                return .leftAnti
            }
            _ = accept("OUTER")
            try expect("JOIN")
            return .left
        case "RIGHT":
            advance()
            _ = accept("OUTER")
            try expect("JOIN")
            return .right
        case "FULL":
            advance()
            _ = accept("OUTER")
            try expect("JOIN")
            return .full
        case "SEMI" where peek().isWord("JOIN"):
            advance()
            advance()
            return .leftSemi
        case "ANTI" where peek().isWord("JOIN"):
            advance()
            advance()
            return .leftAnti
        case "NATURAL":
            throw unsupported("NATURAL JOIN", "name the join columns with JOIN ... USING (...)", at: token.location)
        case "LATERAL":
            throw unsupported("LATERAL", "join a subquery or an aggregated view instead", at: token.location)
        default:
            return nil
        }
    }

    /// A table, a path (csv.`data/events`), a subquery, or a parenthesized join.
    private mutating func parseRelation() throws(SQLError) -> TableRef {
        let token = current
        note("a table name", rank: 0)
        if checkSymbol("(", rank: 1) {
            var k = 1
            while peek(k).isSymbol("(") { k += 1 }
            let first = peek(k)
            advance()
            if first.isWord("SELECT") || first.isWord("WITH") || first.isWord("VALUES") || first.isWord("TABLE") {
                let query = try parseQuery()
                try expectSymbol(")")
                let alias = try parseTableAlias()
                return try checkRelationSuffix(.subquery(query, alias: alias, location: token.location))
            }
            let inner = try parseFrom()
            try expectSymbol(")")
            return inner
        }
        if token.kind == .word || token.kind == .quotedIdentifier,
           Keywords.pathFormats.contains(token.text.uppercased()), peek().isSymbol("."),
           peek(2).kind == .quotedIdentifier, !peek(3).isSymbol(".") {
            advance()
            advance()
            let path = advance().text
            let alias = try parseTableAlias()
            return try checkRelationSuffix(.path(format: token.text.lowercased(), path: path, alias: alias, location: token.location))
        }
        let name = try parseQualifiedName("a table name")
        if current.isSymbol("(") {
            throw unsupported("Table-valued functions (\(name)(...))", "read the data from a table, a view or a file", at: name.location)
        }
        let alias = try parseTableAlias()
        return try checkRelationSuffix(.named(name, alias: alias))
    }

    private mutating func parseTableAlias() throws(SQLError) -> String? {
        var alias: String?
        if current.isWord("AS") {
            advance()
            alias = try parseName("an alias").name
        } else if canBeImplicitAlias(current) {
            implicitAliases.insert(pos)
            alias = advance().text
        }
        if alias != nil, current.isSymbol("(") {
            throw unsupported("Column aliases on a table (t AS x(a, b))", "rename the columns in a subquery: (SELECT a AS x, ...) t", at: current.location)
        }
        return alias
    }

    /// Spark's clauses after a relation that sluice does not run.
    private mutating func checkRelationSuffix(_ ref: TableRef) throws(SQLError) -> TableRef {
        let token = current
        guard token.kind == .word else { return ref }
        switch token.upper {
        case "TABLESAMPLE":
            throw unsupported("TABLESAMPLE", "filter with rand() < fraction instead", at: token.location)
        case "PIVOT" where peek().isSymbol("("), "UNPIVOT" where peek().isSymbol("(") || peek().isWord("INCLUDE") || peek().isWord("EXCLUDE"):
            throw unsupported(token.upper, "write the reshaping with GROUP BY and CASE WHEN", at: token.location)
        case "LATERAL":
            throw unsupported("LATERAL VIEW", "explode the data before loading it, or join a derived table", at: token.location)
        default:
            return ref
        }
    }
}
