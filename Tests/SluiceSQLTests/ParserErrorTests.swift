import Testing
@testable import SluiceSQL

@Suite struct SyntaxErrorTests {
    @Test func misspelledFromAfterStar() {
        #expect(parseQueryError("SELECT * FORM t") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM': expected one of FROM, ',', WHERE, GROUP BY, HAVING, ORDER BY, ... (line 1, column 10)")
    }

    @Test func misspelledKeywordTakenAsAliasIsReportedAtTheKeyword() {
        #expect(parseQueryError("SELECT a FORM t") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM': expected one of FROM, ',', WHERE, GROUP BY, HAVING, ORDER BY, ... (line 1, column 10)")
        #expect(parseQueryError("SELECT a\nFROM t\nWEHRE a > 1") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'WEHRE': expected one of WHERE, ',', GROUP BY, HAVING, ORDER BY, LIMIT, ... (line 3, column 1)")
    }

    @Test func misspelledClauseKeyword() {
        #expect(parseQueryError("SELECT a FROM t WHERE a > 1 GROPU BY a") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'GROPU': expected one of GROUP BY, HAVING, ORDER BY, LIMIT, UNION, DISTRIBUTE BY, ... (line 1, column 29)")
    }

    @Test func endOfInput() {
        #expect(parseQueryError("SELECT a FROM") == "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: expected one of a table name, '(' (line 1, column 14)")
        #expect(parseQueryError("SELECT a FROM t WHERE") == "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: expected an expression (line 1, column 22)")
        #expect(parseExprError("(a + b") == "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: expected ')' (line 1, column 7)")
        #expect(parseExprError("f(a, b") == "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: expected one of ')', ',' (line 1, column 7)")
        #expect(parseExprError("CASE WHEN a THEN 1") == "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: expected one of WHEN, END, ELSE (line 1, column 19)")
    }

    @Test func missingKeyword() {
        #expect(parseExprError("CAST(a INT)") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'INT': expected AS (line 1, column 8)")
        #expect(parseQueryError("SELECT a FROM t ORDER a") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'a': expected BY (line 1, column 23)")
        #expect(parseExprError("a BETWEEN 1 OR 2") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'OR': expected AND (line 1, column 13)")
        #expect(parseExprError("a IS 5") == "[PARSE_SYNTAX_ERROR] Syntax error at or near '5': expected one of NULL, NOT, UNKNOWN, TRUE, FALSE, DISTINCT FROM (line 1, column 6)")
    }

    @Test func reservedWordsNeedBackquotes() {
        #expect(parseQueryError("SELECT a AS from FROM t") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'from': expected an alias; FROM is a reserved word: write `from` to use it as a name (line 1, column 13)")
        #expect(parseQueryError("SELECT * FROM order") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'order': expected one of a table name, '('; ORDER is a reserved word: write `order` to use it as a name (line 1, column 15)")
    }

    @Test func trailingCommaInSelectList() {
        #expect(parseQueryError("SELECT a, b,\nFROM t") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM': expected an expression; a list cannot end with ',' (line 2, column 1)")
    }

    @Test func badTokens() {
        #expect(parseQueryError("SELECT 2024_total FROM t") == "[PARSE_SYNTAX_ERROR] Syntax error at or near '2024_total': expected an expression; a name that starts with a digit or has non-ASCII letters must be quoted: `2024_total` (line 1, column 8)")
        #expect(parseQueryError("SELECT a # b") == "[PARSE_SYNTAX_ERROR] Syntax error at or near '#': expected one of FROM, ',', WHERE, GROUP BY, HAVING, ORDER BY, ... (line 1, column 10)")
    }

    @Test func garbageAfterAStatement() {
        #expect(parseScriptError("SELECT 1\nSELECT 2") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELECT': expected one of FROM, ',', WHERE, GROUP BY, HAVING, ORDER BY, ...; end the statement before it with ';' (line 2, column 1)")
        #expect(parseQueryError("SELECT 1 FROM t;\nSELECT 2") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELECT': expected end of input (line 2, column 1)")
        #expect(parseQueryError("SET a=1") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SET': expected one of SELECT, WITH, '(' (line 1, column 1)")
        #expect(parseExprError("a b") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'b': expected end of input (line 1, column 3)")
    }

    @Test func unknownStatement() {
        #expect(parseScriptError("SELEC 1") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC': expected one of SELECT, WITH, CREATE, INSERT, SET, '(' (line 1, column 1)")
        #expect(parseScriptError("INSERT t SELECT 1") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 't': expected one of OVERWRITE, INTO (line 1, column 8)")
    }

    @Test func errorsInLaterStatementsCarryTheirLine() {
        let job = """
            SET a=1;
            CREATE TEMPORARY VIEW v USING csv OPTIONS (path 'x');
            SELECT a,
                   b +
              FROM v;
            """
        #expect(parseScriptError(job) == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM': expected an expression (line 5, column 3)")
    }

    @Test func escapeMustBeOneCharacter() {
        #expect(parseExprError("a LIKE 'x' ESCAPE '!!'") == "[INVALID_ESC] Found an invalid escape string: !!. The escape string must contain only one character. (line 1, column 19)")
    }

    @Test func optionValues() {
        #expect(parseScriptError("CREATE TEMPORARY VIEW v USING csv OPTIONS (header)") == "[PARSE_SYNTAX_ERROR] Syntax error at or near ')': expected one of a value ('text', a number, true or false), '=' (line 1, column 50)")
    }
}

@Suite struct UnsupportedFeatureTests {
    @Test func setOperations() {
        #expect(parseQueryError("SELECT a FROM t INTERSECT SELECT a FROM u") == "[UNSUPPORTED_FEATURE] INTERSECT is not supported by sluice; use SELECT DISTINCT with a LEFT SEMI JOIN on every column (<=> where NULLs must match) (line 1, column 17)")
        #expect(parseQueryError("SELECT a FROM t EXCEPT SELECT a FROM u") == "[UNSUPPORTED_FEATURE] EXCEPT is not supported by sluice; use SELECT DISTINCT with a LEFT ANTI JOIN on every column (<=> where NULLs must match) (line 1, column 17)")
    }

    @Test func sortAndClusterBy() {
        #expect(parseQueryError("SELECT a FROM t SORT BY a") == "[UNSUPPORTED_FEATURE] SORT BY is not supported by sluice; use ORDER BY for a total order of the result (line 1, column 17)")
        #expect(parseQueryError("SELECT a FROM t CLUSTER BY a") == "[UNSUPPORTED_FEATURE] CLUSTER BY is not supported by sluice; use DISTRIBUTE BY; sluice does not sort within output partitions (line 1, column 17)")
        #expect(parseQueryError("SELECT a FROM t ORDER BY a DISTRIBUTE BY a") == "[UNSUPPORTED_FEATURE] ORDER BY together with DISTRIBUTE BY is not supported by sluice; keep one of them (Spark rejects the combination too) (line 1, column 17)")
    }

    @Test func grouping() {
        #expect(parseQueryError("SELECT a FROM t GROUP BY ALL") == "[UNSUPPORTED_FEATURE] GROUP BY ALL is not supported by sluice; list the grouping expressions (line 1, column 26)")
        #expect(parseQueryError("SELECT a FROM t GROUP BY GROUPING SETS ((a), ())") == "[UNSUPPORTED_FEATURE] GROUPING SETS is not supported by sluice; run one query per grouping and combine them with UNION ALL (line 1, column 26)")
        #expect(parseQueryError("SELECT a FROM t GROUP BY ROLLUP(a, b)") == "[UNSUPPORTED_FEATURE] ROLLUP is not supported by sluice; run one query per grouping and combine them with UNION ALL (line 1, column 26)")
        #expect(parseQueryError("SELECT a FROM t GROUP BY cube (a)") == "[UNSUPPORTED_FEATURE] CUBE is not supported by sluice; run one query per grouping and combine them with UNION ALL (line 1, column 26)")
    }

    @Test func windowFunctions() {
        #expect(parseQueryError("SELECT row_number() OVER (ORDER BY a) FROM t") == "[UNSUPPORTED_FEATURE] Window functions (OVER) is not supported by sluice; aggregate in a subquery and join the result back (line 1, column 21)")
    }

    @Test func subqueryPredicates() {
        #expect(parseExprError("a IN (SELECT b FROM t)") == "[UNSUPPORTED_FEATURE] IN with a subquery is not supported by sluice; use LEFT SEMI JOIN (or LEFT ANTI JOIN for NOT IN) with the subquery (line 1, column 3)")
        #expect(parseExprError("a NOT IN (SELECT b FROM t)") == "[UNSUPPORTED_FEATURE] IN with a subquery is not supported by sluice; use LEFT SEMI JOIN (or LEFT ANTI JOIN for NOT IN) with the subquery (line 1, column 7)")
        #expect(parseExprError("EXISTS (SELECT 1)") == "[UNSUPPORTED_FEATURE] EXISTS with a subquery is not supported by sluice; use LEFT SEMI JOIN (or LEFT ANTI JOIN for NOT EXISTS) (line 1, column 1)")
    }

    @Test func castShorthandAndSubscripts() {
        #expect(parseExprError("a::int") == "[UNSUPPORTED_FEATURE] The :: cast is not supported by sluice; write CAST(value AS type) (line 1, column 2)")
        #expect(parseExprError("a[0]") == "[UNSUPPORTED_FEATURE] Subscripts (a[i], m['k']) is not supported by sluice; use element_at(a, i) (line 1, column 2)")
    }

    @Test func otherStatements() {
        #expect(parseScriptError("DROP TABLE t") == "[UNSUPPORTED_FEATURE] DROP statements is not supported by sluice; a job consists of SET, CREATE TEMPORARY VIEW, CREATE TABLE, INSERT and SELECT statements (line 1, column 1)")
        #expect(parseQueryError("VALUES (1, 2)") == "[UNSUPPORTED_FEATURE] VALUES is not supported by sluice; put the rows in a CSV file, or write SELECT ... UNION ALL SELECT ... (line 1, column 1)")
    }

    @Test func intervalForms() {
        #expect(parseExprError("INTERVAL 1 DAY 2 HOURS") == "[UNSUPPORTED_FEATURE] An INTERVAL with several units is not supported by sluice; add one INTERVAL per unit (line 1, column 16)")
        #expect(parseExprError("INTERVAL '1-2' YEAR TO MONTH") == "[UNSUPPORTED_FEATURE] INTERVAL ... TO ... is not supported by sluice; write a single unit, e.g. INTERVAL 90 MINUTE (line 1, column 21)")
        #expect(parseExprError("INTERVAL 1 FORTNIGHT") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORTNIGHT': expected an interval unit (DAY, HOUR, ...) (line 1, column 12)")
    }

    @Test func aggregateModifiers() {
        #expect(parseExprError("sum(x) FILTER (WHERE y)") == "[UNSUPPORTED_FEATURE] FILTER (WHERE ...) on an aggregate is not supported by sluice; put the condition inside: sum(CASE WHEN cond THEN x END) (line 1, column 8)")
        #expect(parseExprError("first(x) IGNORE NULLS") == "[UNSUPPORTED_FEATURE] IGNORE NULLS is not supported by sluice; pass it as an argument where the function has one: first(x, true) (line 1, column 10)")
        #expect(parseExprError("a LIKE ANY ('x%', 'y%')") == "[UNSUPPORTED_FEATURE] LIKE ANY (...) is not supported by sluice; combine single LIKE predicates with OR or AND (line 1, column 3)")
    }

    @Test func rowValuesAndBitwiseOperators() {
        #expect(parseExprError("(a, b) = (1, 2)") == "[UNSUPPORTED_FEATURE] Row values ((a, b)) is not supported by sluice; compare the fields one by one, or use struct(a, b) (line 1, column 1)")
        #expect(parseExprError("a | 1") == "[UNSUPPORTED_FEATURE] The bitwise operator '|' is not supported by sluice; compute the value with arithmetic and pmod (line 1, column 3)")
    }

    @Test func complexTypeMustBeClosed() {
        #expect(parseScriptError("CREATE TABLE t (a STRUCT<b:INT) USING csv") == "[PARSE_SYNTAX_ERROR] Syntax error at or near ')': expected '>' (line 1, column 31)")
        #expect(parseScriptError("CREATE TABLE t (a DECIMAL(10.5)) USING csv") == "[PARSE_SYNTAX_ERROR] Syntax error at or near '10.5': expected a number (line 1, column 27)")
    }

    @Test func joinsAndRelations() {
        #expect(parseQueryError("SELECT * FROM a NATURAL JOIN b") == "[UNSUPPORTED_FEATURE] NATURAL JOIN is not supported by sluice; name the join columns with JOIN ... USING (...) (line 1, column 17)")
        #expect(parseQueryError("SELECT * FROM a LEFT b") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'b': expected one of JOIN, SEMI, ANTI, OUTER (line 1, column 22)")
        #expect(parseQueryError("SELECT * FROM t TABLESAMPLE (10 PERCENT)") == "[UNSUPPORTED_FEATURE] TABLESAMPLE is not supported by sluice; filter with rand() < fraction instead (line 1, column 17)")
        #expect(parseQueryError("SELECT * FROM range(10)") == "[UNSUPPORTED_FEATURE] Table-valued functions (range(...)) is not supported by sluice; read the data from a table, a view or a file (line 1, column 15)")
        #expect(parseQueryError("SELECT * FROM t LATERAL VIEW explode(a) x") == "[UNSUPPORTED_FEATURE] LATERAL VIEW is not supported by sluice; explode the data before loading it, or join a derived table (line 1, column 17)")
        #expect(parseQueryError("SELECT a FROM t LIMIT 10 OFFSET 5") == "[UNSUPPORTED_FEATURE] OFFSET is not supported by sluice; filter on a row number computed in the data, or drop the OFFSET (line 1, column 26)")
    }
}
