import Testing
@testable import SluiceSQL

@Suite struct SelectTests {
    @Test func selectClausesInOrder() throws {
        #expect(try sqlQuery("select a, b + 1 AS c FROM t WHERE a > 1 GROUP BY a, b HAVING count(*) > 2 ORDER BY a DESC, c LIMIT 10") ==
            "SELECT a, (b + 1) AS c FROM t WHERE (a > 1) GROUP BY a, b HAVING (count(*) > 2) ORDER BY a DESC, c ASC LIMIT 10")
    }

    @Test func selectWithoutFrom() throws {
        #expect(try sqlQuery("SELECT 1, 'x'") == "SELECT 1, 'x'")
    }

    @Test func distinctAndAll() throws {
        #expect(try sqlQuery("SELECT DISTINCT a FROM t") == "SELECT DISTINCT a FROM t")
        #expect(try sqlQuery("SELECT ALL a FROM t") == "SELECT a FROM t")
    }

    @Test func starsAndQualifiedStars() throws {
        #expect(try sqlQuery("SELECT *, t.*, db.t.*, `x y`.* FROM t") == "SELECT *, t.*, db.t.*, x y.* FROM t")
    }

    @Test func aliases() throws {
        #expect(try sqlQuery("SELECT a AS x, b y, c AS `the c`, d date, e AS year, f value FROM t") ==
            "SELECT a AS x, b AS y, c AS `the c`, d AS date, e AS year, f AS value FROM t")
    }

    @Test func orderByDirectionsAndNulls() throws {
        #expect(try sqlQuery("SELECT a FROM t ORDER BY a ASC NULLS LAST, b DESC NULLS FIRST, c") ==
            "SELECT a FROM t ORDER BY a ASC NULLS LAST, b DESC NULLS FIRST, c ASC")
    }

    @Test func limitAll() throws {
        #expect(try sqlQuery("SELECT a FROM t LIMIT ALL") == "SELECT a FROM t")
        #expect(try sqlQuery("SELECT a FROM t LIMIT 1 + 1") == "SELECT a FROM t LIMIT (1 + 1)")
    }

    @Test func distributeBy() throws {
        #expect(try sqlQuery("SELECT a, dt FROM t DISTRIBUTE BY dt, a LIMIT 5") == "SELECT a, dt FROM t DISTRIBUTE BY dt, a LIMIT 5")
        // After a union it applies to the whole union.
        #expect(try sqlQuery("SELECT a FROM t UNION ALL SELECT a FROM u DISTRIBUTE BY a") ==
            "SELECT * FROM ((SELECT a FROM t UNION ALL SELECT a FROM u)) DISTRIBUTE BY a")
    }

    @Test func tableQueryIsSelectStar() throws {
        #expect(try sqlQuery("TABLE db.events") == "SELECT * FROM db.events")
    }

    @Test func trailingSemicolonIsAllowed() throws {
        #expect(try sqlQuery("SELECT 1;") == "SELECT 1")
    }

    @Test func selectLocations() throws {
        let q = try parseQuery("\n  SELECT a\n  FROM t")
        #expect(q.location == sqlLoc(2, 3))
        guard case .select(let s) = q.body, case .expr(.column(let id), _) = s.items[0] else { Issue.record("shape"); return }
        #expect(s.location == sqlLoc(2, 3))
        #expect(id.location == sqlLoc(2, 10))
    }
}

@Suite struct SetOperationTests {
    @Test func unionIsLeftAssociative() throws {
        #expect(try sqlQuery("SELECT 1 UNION ALL SELECT 2 UNION SELECT 3 UNION DISTINCT SELECT 4") ==
            "(((SELECT 1 UNION ALL SELECT 2) UNION DISTINCT SELECT 3) UNION DISTINCT SELECT 4)")
    }

    @Test func orderByAndLimitApplyToTheWholeUnion() throws {
        let q = try parseQuery("SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY a LIMIT 3")
        guard case .union = q.body else { Issue.record("not a union"); return }
        #expect(ASTPrinter.render(q) == "(SELECT a FROM t UNION ALL SELECT a FROM u) ORDER BY a ASC LIMIT 3")
    }

    @Test func parenthesizedOperands() throws {
        #expect(try sqlQuery("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM u)") ==
            "((SELECT a FROM t ORDER BY a ASC LIMIT 1) UNION ALL (SELECT a FROM u))")
        #expect(try sqlQuery("SELECT 1 UNION ALL (SELECT 2 UNION ALL SELECT 3)") == "(SELECT 1 UNION ALL ((SELECT 2 UNION ALL SELECT 3)))")
    }
}

@Suite struct WithTests {
    @Test func commonTableExpressions() throws {
        #expect(try sqlQuery("WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a) SELECT y FROM b") ==
            "WITH a AS (SELECT 1 AS x), b(y) AS (SELECT x FROM a) SELECT y FROM b")
        // AS is optional, as in Spark.
        #expect(try sqlQuery("WITH a (SELECT 1) SELECT * FROM a") == "WITH a AS (SELECT 1) SELECT * FROM a")
    }

    @Test func duplicateNames() {
        #expect(parseQueryError("WITH a AS (SELECT 1), A AS (SELECT 2) SELECT 1") == "[DUPLICATED_CTE_NAMES] CTE definition can't have duplicate names: `A`. (line 1, column 23)")
    }
}

@Suite struct FromTests {
    @Test func tableAliases() throws {
        #expect(try sqlQuery("SELECT * FROM events e") == "SELECT * FROM events AS e")
        #expect(try sqlQuery("SELECT * FROM db.events AS `e v`") == "SELECT * FROM db.events AS `e v`")
        #expect(try sqlQuery("SELECT * FROM t date") == "SELECT * FROM t AS date")
        #expect(try sqlQuery("SELECT * FROM t LIMIT 5") == "SELECT * FROM t LIMIT 5")
    }

    @Test func pathSources() throws {
        #expect(try sqlQuery("SELECT * FROM csv.`data/events`") == "SELECT * FROM csv.`data/events`")
        #expect(try sqlQuery("SELECT * FROM CSV.`data/x.csv` AS x") == "SELECT * FROM csv.`data/x.csv` AS x")
        guard case .select(let s) = try parseQuery("SELECT * FROM\n csv.`p` p").body,
              case .path(let format, let path, let alias, let at) = s.from else { Issue.record("not a path"); return }
        #expect(format == "csv" && path == "p" && alias == "p")
        #expect(at == sqlLoc(2, 2))
        // Without backquotes it is a qualified table name.
        #expect(try sqlQuery("SELECT * FROM csv.events") == "SELECT * FROM csv.events")
    }

    @Test func subqueries() throws {
        #expect(try sqlQuery("SELECT x.a FROM (SELECT a FROM t) x") == "SELECT x.a FROM (SELECT a FROM t) AS x")
        #expect(try sqlQuery("SELECT * FROM (SELECT 1) AS s") == "SELECT * FROM (SELECT 1) AS s")
        #expect(try sqlQuery("SELECT * FROM (SELECT 1)") == "SELECT * FROM (SELECT 1)")
        #expect(try sqlQuery("SELECT * FROM ((SELECT 1) UNION ALL (SELECT 2)) u") == "SELECT * FROM (((SELECT 1) UNION ALL (SELECT 2))) AS u")
    }

    @Test func joinKinds() throws {
        #expect(try sqlQuery("SELECT * FROM a JOIN b ON a.k = b.k") == "SELECT * FROM (a JOIN b ON (a.k = b.k))")
        #expect(try sqlQuery("SELECT * FROM a INNER JOIN b ON x") == "SELECT * FROM (a JOIN b ON x)")
        #expect(try sqlQuery("SELECT * FROM a LEFT JOIN b ON x") == "SELECT * FROM (a LEFT OUTER JOIN b ON x)")
        #expect(try sqlQuery("SELECT * FROM a LEFT OUTER JOIN b ON x") == "SELECT * FROM (a LEFT OUTER JOIN b ON x)")
        #expect(try sqlQuery("SELECT * FROM a RIGHT OUTER JOIN b ON x") == "SELECT * FROM (a RIGHT OUTER JOIN b ON x)")
        #expect(try sqlQuery("SELECT * FROM a FULL JOIN b ON x") == "SELECT * FROM (a FULL OUTER JOIN b ON x)")
        #expect(try sqlQuery("SELECT * FROM a CROSS JOIN b") == "SELECT * FROM (a CROSS JOIN b)")
        #expect(try sqlQuery("SELECT * FROM a LEFT SEMI JOIN b ON x") == "SELECT * FROM (a LEFT SEMI JOIN b ON x)")
        #expect(try sqlQuery("SELECT * FROM a LEFT ANTI JOIN b ON x") == "SELECT * FROM (a LEFT ANTI JOIN b ON x)")
        #expect(try sqlQuery("SELECT * FROM a SEMI JOIN b ON x") == "SELECT * FROM (a LEFT SEMI JOIN b ON x)")
    }

    @Test func joinUsing() throws {
        #expect(try sqlQuery("SELECT * FROM a JOIN b USING (k, dt)") == "SELECT * FROM (a JOIN b USING (k, dt))")
    }

    @Test func joinsAreLeftAssociative() throws {
        #expect(try sqlQuery("SELECT * FROM a e JOIN b c ON e.k = c.k LEFT JOIN d ON d.x = e.x") ==
            "SELECT * FROM ((a AS e JOIN b AS c ON (e.k = c.k)) LEFT OUTER JOIN d ON (d.x = e.x))")
    }

    @Test func commaJoins() throws {
        #expect(try sqlQuery("SELECT * FROM a, b, c WHERE a.x = b.x") == "SELECT * FROM ((a CROSS JOIN b) CROSS JOIN c) WHERE (a.x = b.x)")
        // As in Spark, joins after a comma apply to everything before them.
        #expect(try sqlQuery("SELECT * FROM a, b JOIN c ON y") == "SELECT * FROM ((a CROSS JOIN b) JOIN c ON y)")
    }

    @Test func parenthesizedJoins() throws {
        #expect(try sqlQuery("SELECT * FROM a JOIN (b JOIN c ON y) ON x") == "SELECT * FROM (a JOIN (b JOIN c ON y) ON x)")
    }

    @Test func joinLocationIsTheJoinKeyword() throws {
        guard case .select(let s) = try parseQuery("SELECT * FROM a\nLEFT JOIN b ON x").body,
              case .join(_, _, .left, _, let at) = s.from else { Issue.record("not a left join"); return }
        #expect(at == sqlLoc(2, 1))
    }
}
