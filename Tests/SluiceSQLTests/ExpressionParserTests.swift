import Testing
@testable import SluiceSQL

@Suite struct ExpressionPrecedenceTests {
    @Test func arithmeticBindsTighterThanComparison() throws {
        #expect(try sqlExpr("a + b * 2") == "(a + (b * 2))")
        #expect(try sqlExpr("(a + b) * 2") == "((a + b) * 2)")
        #expect(try sqlExpr("a * b + c / d % e") == "((a * b) + ((c / d) % e))")
        #expect(try sqlExpr("a DIV 2 * 3") == "((a div 2) * 3)")
        #expect(try sqlExpr("a + 1 = b - 1") == "((a + 1) = (b - 1))")
    }

    @Test func leftAssociativity() throws {
        #expect(try sqlExpr("a - b - c") == "((a - b) - c)")
        #expect(try sqlExpr("a / b / c") == "((a / b) / c)")
        #expect(try sqlExpr("a || b + c") == "((a || b) + c)")
        #expect(try sqlExpr("a + b || c") == "((a + b) || c)")
        #expect(try sqlExpr("a = b = c") == "((a = b) = c)")
        #expect(try sqlExpr("a OR b OR c") == "((a OR b) OR c)")
    }

    @Test func booleanOperators() throws {
        #expect(try sqlExpr("a OR b AND c") == "(a OR (b AND c))")
        #expect(try sqlExpr("NOT a AND b") == "((NOT a) AND b)")
        #expect(try sqlExpr("NOT a = b") == "(NOT (a = b))")
        #expect(try sqlExpr("NOT NOT a") == "(NOT (NOT a))")
        #expect(try sqlExpr("a = 1 OR NOT b IS NULL AND c") == "((a = 1) OR ((NOT (b IS NULL)) AND c))")
    }

    @Test func comparisonOperators() throws {
        #expect(try sqlExpr("a = 1 AND b == 2 AND c <> 3 AND d != 4") == "((((a = 1) AND (b = 2)) AND (c <> 3)) AND (d <> 4))")
        #expect(try sqlExpr("a < 1 OR a <= 2 OR a > 3 OR a >= 4 OR a <=> 5") == "(((((a < 1) OR (a <= 2)) OR (a > 3)) OR (a >= 4)) OR (a <=> 5))")
    }

    @Test func unaryOperators() throws {
        #expect(try sqlExpr("-a * b") == "((- a) * b)")
        #expect(try sqlExpr("- -a") == "(- (- a))")
        #expect(try sqlExpr("+a") == "(+ a)")
        #expect(try sqlExpr("-(1)") == "(- 1)")
        #expect(try sqlExpr("a - -1") == "(a - -1)")
        #expect(try sqlExpr("2 * -3") == "(2 * -3)")
    }

    @Test func comparisonBindsTighterThanPredicates() throws {
        #expect(try sqlExpr("a = b IS NULL") == "((a = b) IS NULL)")
        #expect(try sqlExpr("x BETWEEN 1 AND 2 AND y") == "((x BETWEEN 1 AND 2) AND y)")
        #expect(try sqlExpr("x + 1 BETWEEN a - 1 AND b * 2") == "((x + 1) BETWEEN (a - 1) AND (b * 2))")
        #expect(try sqlExpr("a || 'x' LIKE 'p%'") == "((a || 'x') LIKE 'p%')")
    }
}

@Suite struct PredicateTests {
    @Test func isNull() throws {
        #expect(try sqlExpr("a IS NULL") == "(a IS NULL)")
        #expect(try sqlExpr("a IS NOT NULL") == "(a IS NOT NULL)")
        #expect(try sqlExpr("a IS UNKNOWN") == "(a IS NULL)")
    }

    @Test func isTrueFalseAndDistinctFrom() throws {
        #expect(try sqlExpr("a IS TRUE") == "(a <=> TRUE)")
        #expect(try sqlExpr("a IS NOT FALSE") == "(NOT (a <=> FALSE))")
        #expect(try sqlExpr("a IS DISTINCT FROM b") == "(NOT (a <=> b))")
        #expect(try sqlExpr("a IS NOT DISTINCT FROM b + 1") == "(a <=> (b + 1))")
    }

    @Test func inLists() throws {
        #expect(try sqlExpr("a IN (1, 2, 'x')") == "(a IN (1, 2, 'x'))")
        #expect(try sqlExpr("a NOT IN (b + 1)") == "(a NOT IN ((b + 1)))")
    }

    @Test func between() throws {
        #expect(try sqlExpr("a BETWEEN 1 AND 10") == "(a BETWEEN 1 AND 10)")
        #expect(try sqlExpr("a NOT BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'") == "(a NOT BETWEEN DATE '2024-01-01' AND DATE '2024-12-31')")
    }

    @Test func likeAndRegex() throws {
        #expect(try sqlExpr("a LIKE 'x%'") == "(a LIKE 'x%')")
        #expect(try sqlExpr("a NOT LIKE 'x!%' ESCAPE '!'") == "(a NOT LIKE 'x!%' ESCAPE '!')")
        #expect(try sqlExpr(#"a LIKE '50\%'"#) == #"(a LIKE '50\%')"#)
        #expect(try sqlExpr("a RLIKE '^[0-9]+$'") == "(a RLIKE '^[0-9]+$')")
        #expect(try sqlExpr("a NOT REGEXP 'x'") == "(a NOT RLIKE 'x')")
        #expect(try sqlExpr("a ILIKE 'X%'") == "(lower(a) LIKE lower('X%'))")
    }

    @Test func predicateLocationsPointAtTheOperator() throws {
        guard case .like(_, _, _, _, _, let l) = try parseExpression("name NOT LIKE 'a'") else { Issue.record("not a LIKE"); return }
        #expect(l == sqlLoc(1, 6))
        guard case .binary(.add, _, _, let plus) = try parseExpression("a\n  + b") else { Issue.record("not +"); return }
        #expect(plus == sqlLoc(2, 3))
    }
}

@Suite struct LiteralTests {
    @Test func numbers() throws {
        #expect(try sqlExpr("1") == "1")
        #expect(try sqlExpr("10L") == "10")
        #expect(try sqlExpr("12S") == "12")
        #expect(try sqlExpr("-128Y") == "-128")
        #expect(try sqlExpr("1.5") == "1.5D")
        #expect(try sqlExpr(".5") == "0.5D")
        #expect(try sqlExpr("1e3") == "1000.0D")
        #expect(try sqlExpr("1.5D") == "1.5D")
        #expect(try sqlExpr("2.25BD") == "2.25D")
        #expect(try sqlExpr("3F") == "3.0D")
        #expect(try sqlExpr("9223372036854775807") == "9223372036854775807")
        #expect(try sqlExpr("-9223372036854775808") == "-9223372036854775808")
        // Past BIGINT, Spark reads a DECIMAL; sluice a DOUBLE.
        #expect(try sqlExpr("9223372036854775808") == "9.223372036854776e+18D")
    }

    @Test func typedNumbersOutOfRange() {
        #expect(parseExprError("128Y") == "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 128 is outside the valid range for tinyint with minimum value of -128 and maximum value of 127. Please adjust the value accordingly. (line 1, column 1)")
        #expect(parseExprError("x + 40000S") == "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 40000 is outside the valid range for smallint with minimum value of -32768 and maximum value of 32767. Please adjust the value accordingly. (line 1, column 5)")
        #expect(parseExprError("9223372036854775808L") == "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 9223372036854775808 is outside the valid range for bigint with minimum value of -9223372036854775808 and maximum value of 9223372036854775807. Please adjust the value accordingly. (line 1, column 1)")
    }

    @Test func stringsConcatenateWhenAdjacent() throws {
        #expect(try sqlExpr("'a' 'b' \"c\"") == "'abc'")
        #expect(try sqlExpr("'it''s'") == "'it''s'")
        #expect(try sqlExpr("\"x\"") == "'x'")
    }

    @Test func constants() throws {
        #expect(try sqlExpr("NULL") == "NULL")
        #expect(try sqlExpr("true AND False") == "(TRUE AND FALSE)")
        #expect(try sqlExpr("DATE '2024-03-05'") == "DATE '2024-03-05'")
        #expect(try sqlExpr("timestamp '2024-03-05 10:00:00'") == "TIMESTAMP '2024-03-05 10:00:00'")
        #expect(try sqlExpr("TIMESTAMP_LTZ '2024-03-05 10:00:00'") == "TIMESTAMP '2024-03-05 10:00:00'")
    }

    @Test func intervals() throws {
        #expect(try sqlExpr("dt + INTERVAL 1 DAY") == "(dt + INTERVAL 1 DAY)")
        #expect(try sqlExpr("INTERVAL '2' days") == "INTERVAL '2' DAY")
        #expect(try sqlExpr("INTERVAL -3 HOUR") == "INTERVAL -3 HOUR")
        #expect(try sqlExpr("INTERVAL '7 weeks'") == "INTERVAL '7' WEEK")
        // Without a value after it, `interval` is a column.
        #expect(try sqlExpr("interval + 1") == "(interval + 1)")
    }

    @Test func literalLocations() throws {
        guard case .literal(.integer(-5), let l) = try parseExpression("  -5") else { Issue.record("not -5"); return }
        #expect(l == sqlLoc(1, 3))
    }
}

@Suite struct PrimaryExpressionTests {
    @Test func columnReferences() throws {
        #expect(try sqlExpr("a") == "a")
        #expect(try sqlExpr("t.a") == "t.a")
        #expect(try sqlExpr("db.t.a") == "db.t.a")
        #expect(try sqlExpr("`x y`.`a``b`") == "`x y`.`a``b`")
        #expect(try sqlExpr("t.`from`") == "t.from")
        // After a dot, reserved words are names.
        #expect(try sqlExpr("t.from") == "t.from")
    }

    @Test func nonReservedKeywordsAreColumnNames() throws {
        #expect(try sqlExpr("date + year + month + day + hour + count + sum + first + last") ==
            "((((((((date + year) + month) + day) + hour) + count) + sum) + first) + last)")
        #expect(try sqlExpr("value || type || user || key || data || region || name || location || time") ==
            "((((((((value || type) || user) || key) || data) || region) || name) || location) || time)")
    }

    @Test func functionCalls() throws {
        #expect(try sqlExpr("coalesce(a, 0)") == "coalesce(a, 0)")
        #expect(try sqlExpr("COUNT(*)") == "COUNT(*)")
        #expect(try sqlExpr("count(DISTINCT a, b)") == "count(DISTINCT a, b)")
        #expect(try sqlExpr("sum(ALL x)") == "sum(x)")
        #expect(try sqlExpr("now()") == "now()")
        #expect(try sqlExpr("If(a > 1, 'x', 'y')") == "If((a > 1), 'x', 'y')")
        #expect(try sqlExpr("left(s, 2) || right(s, 1)") == "(left(s, 2) || right(s, 1))")
        #expect(try sqlExpr("`my fn`(1)") == "my fn(1)")
        #expect(try sqlExpr("date(ts)") == "date(ts)")
        #expect(try sqlExpr("current_date + current_timestamp()") == "(current_date() + current_timestamp())")
        #expect(try sqlExpr("EXTRACT(YEAR FROM dt)") == "date_part('YEAR', dt)")
    }

    @Test func casts() throws {
        #expect(try sqlExpr("CAST(a AS INT)") == "CAST(a AS INT)")
        #expect(try sqlExpr("cast(a + 1 AS decimal ( 10 , 2 ))") == "CAST((a + 1) AS decimal(10,2))")
        #expect(try sqlExpr("try_cast(s AS DATE)") == "TRY_CAST(s AS DATE)")
        #expect(try sqlExpr("CAST(x AS ARRAY<STRUCT<a: INT, `b c`: STRING>>)") == "CAST(x AS ARRAY<STRUCT<a:INT,`b c`:STRING>>)")
    }

    @Test func caseExpressions() throws {
        #expect(try sqlExpr("CASE WHEN a > 1 THEN 'x' WHEN a IS NULL THEN NULL ELSE 'z' END") ==
            "CASE WHEN (a > 1) THEN 'x' WHEN (a IS NULL) THEN NULL ELSE 'z' END")
        #expect(try sqlExpr("CASE k WHEN 1 THEN 'one' END") == "CASE k WHEN 1 THEN 'one' END")
        #expect(try sqlExpr("CASE WHEN a THEN CASE WHEN b THEN 1 END END") == "CASE WHEN a THEN CASE WHEN b THEN 1 END END")
    }

    @Test func scalarSubqueries() throws {
        #expect(try sqlExpr("a > (SELECT max(b) FROM t)") == "(a > (SELECT max(b) FROM t))")
        #expect(try sqlExpr("((a))") == "a")
    }
}
