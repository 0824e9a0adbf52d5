import Testing
@testable import SluiceSQL

// MARK: Helpers

/// Prints `script`, parses the text again, and checks that the tree is the same (in its
/// canonical, fully parenthesized form) and that it prints the same text again.
private func expectRoundTrip(_ script: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let statements = try parseScript(script)
    let printed = SQLPrinter().render(statements)
    let again = try parseScript(printed)
    #expect(again.map(ASTPrinter.render) == statements.map(ASTPrinter.render), "printed as:\n\(printed)", sourceLocation: sourceLocation)
    #expect(SQLPrinter().render(again) == printed, sourceLocation: sourceLocation)
}

/// The same for one expression.
private func expectExpressionRoundTrip(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let expr = try parseExpression(text)
    let printed = SQLPrinter().render(expr)
    let again = try parseExpression(printed)
    #expect(ASTPrinter.render(again) == ASTPrinter.render(expr), "printed as: \(printed)", sourceLocation: sourceLocation)
    #expect(SQLPrinter().render(again) == printed, sourceLocation: sourceLocation)
}

private func printed(_ expression: String) throws -> String { SQLPrinter().render(try parseExpression(expression)) }
private func printedScript(_ script: String) throws -> String { SQLPrinter().render(try parseScript(script)) }

// MARK: Round trips

@Suite struct SQLPrinterTests {
    static let expressions = [
        // Precedence and associativity.
        "a + b * 2", "(a + b) * 2", "a * b + c / d % e", "a DIV 2 * 3", "a * (b DIV 2)", "a + 1 = b - 1", "a - b - c",
        "a - (b - c)", "a / (b / c)", "a || b + c", "a + b || c", "a || (b + c)", "a = b = c", "a = (b = c)",
        "a OR b OR c", "a OR (b OR c)", "a OR b AND c", "(a OR b) AND c", "a AND (b AND c)", "NOT a AND b",
        "NOT (a AND b)", "NOT a = b", "NOT NOT a", "a = 1 OR NOT b IS NULL AND c", "(NOT a) = b",
        "a = 1 AND b == 2 AND c <> 3 AND d != 4", "a < 1 OR a <= 2 OR a > 3 OR a >= 4 OR a <=> 5",
        // Signs: unary minus, negative literals, and what would lex as a comment.
        "-a * b", "-(a * b)", "- -a", "+a", "-(1)", "-(-1)", "- (- 1.5)", "a - -1", "a - (-1)", "2 * -3", "-a - -b",
        "+ -1", "-9223372036854775808", "-(9223372036854775807)", "-(a + b)", "-x.y",
        // Predicates.
        "a = b IS NULL", "(a IS NULL) = b", "x BETWEEN 1 AND 2 AND y", "x + 1 BETWEEN a - 1 AND b * 2",
        "x BETWEEN (a AND b) AND c", "x NOT BETWEEN (a OR b) AND (c = d)", "a || 'x' LIKE 'p%'", "a IS NOT NULL",
        "a IS UNKNOWN", "a IS TRUE", "a IS NOT FALSE", "a IS DISTINCT FROM b", "a IS NOT DISTINCT FROM b + 1",
        "a IN (1, 2, 'x')", "a NOT IN (b + 1, c OR d)", "(a IN (1)) IN (TRUE)", "a NOT BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'",
        "a NOT LIKE 'x!%' ESCAPE '!'", #"a LIKE '50\%'"#, #"a LIKE 'x\_y'"#, "a RLIKE '^[0-9]+$'", "a NOT REGEXP 'x'",
        "a ILIKE 'X%'", "(a LIKE 'x') = TRUE", "NOT a IN (1, 2)", "(a = b) BETWEEN c AND d",
        // Literals.
        "1", "10L", "12S", "-128Y", "1.5", ".5", "1e3", "1.5D", "2.25BD", "3F", "1e-7", "-0.0", "123456789.125",
        "9223372036854775807", "9223372036854775808", "'a' 'b' \"c\"", "'it''s'", "\"x\"", #"'a\nb\tc\rd'"#,
        #"'back\\slash'"#, #"'\u0001\u007F'"#, "'ünïcödé ✓ 日本'", #"'"dq"'"#, #"'\\%'"#, "r'C:\\temp'", "NULL",
        "true AND False", "DATE '2024-03-05'", "timestamp '2024-03-05 10:00:00'", "TIMESTAMP_LTZ '2024-03-05 10:00:00'",
        "dt + INTERVAL 1 DAY", "INTERVAL '2' days", "INTERVAL -3 HOUR", "INTERVAL '7 weeks'", "dt - INTERVAL 1.5 DAY",
        "INTERVAL 1 DAY * 2",
        // Names.
        "a", "t.a", "db.t.a", "`x y`.`a``b`", "t.`from`", "t.from", "`from`", "`select` + `order`",
        "date + year + month + day + hour + count + sum + first + last",
        "value || type || user || key || data || region || name || location || time", "interval + 1",
        "`café`", "`1a`", "`a-b`.`c.d`", "`current_date`", "`data/events`.amount", "`interval`",
        // Calls, casts, CASE, subqueries.
        "coalesce(a, 0)", "COUNT(*)", "count(DISTINCT a, b)", "sum(ALL x)", "now()", "If(a > 1, 'x', 'y')",
        "left(s, 2) || right(s, 1)", "`my fn`(1)", "`in`(1)", "date(ts)", "current_date + current_timestamp()",
        "EXTRACT(YEAR FROM dt)", "db.fn(x)", "CAST(a AS INT)", "cast(a + 1 AS decimal ( 10 , 2 ))", "try_cast(s AS DATE)",
        "CAST(x AS ARRAY<STRUCT<a: INT, `b c`: STRING>>)", "CAST(x AS INTERVAL DAY TO SECOND)", "-CAST(a AS INT)",
        "CASE WHEN a > 1 THEN 'x' WHEN a IS NULL THEN NULL ELSE 'z' END", "CASE k WHEN 1 THEN 'one' END",
        "CASE WHEN a THEN CASE WHEN b THEN 1 END END", "CASE a OR b WHEN c AND d THEN e OR f ELSE NOT g END",
        "a > (SELECT max(b) FROM t)", "(SELECT 1) + 1", "(SELECT a FROM t WHERE b IN (1, 2) ORDER BY a LIMIT 1) IS NULL",
        "((a))",
    ]

    @Test(arguments: expressions)
    func expressionRoundTrip(_ text: String) throws {
        try expectExpressionRoundTrip(text)
    }

    static let scripts = [
        // SELECT clauses.
        "select a, b + 1 AS c FROM t WHERE a > 1 GROUP BY a, b HAVING count(*) > 2 ORDER BY a DESC, c LIMIT 10",
        "SELECT 1, 'x'", "SELECT DISTINCT a FROM t", "SELECT ALL a FROM t", "SELECT *, t.*, db.t.*, `x y`.*, `a.b`.* FROM t",
        "SELECT a AS x, b y, c AS `the c`, d date, e AS year, f value, g AS `select`, h AS `user` FROM t",
        "SELECT a FROM t ORDER BY a ASC NULLS LAST, b DESC NULLS FIRST, c", "SELECT a FROM t LIMIT ALL",
        "SELECT a FROM t LIMIT 1 + 1", "SELECT a, dt FROM t DISTRIBUTE BY dt, a LIMIT 5",
        "SELECT a FROM t WHERE a > 1 AND b < 2 AND c = 'a long string constant' AND d IS NOT NULL AND e LIKE 'x%' OR f",
        "SELECT a FROM t WHERE a > 1 AND (b < 2 OR c = 'a long string constant that is long') AND d IS NOT NULL AND e LIKE 'x%'",
        "SELECT a FROM t GROUP BY a HAVING count(*) > 1000000 AND sum(b) > 2000000 AND min(c) < 3000000 AND max(d) > 4",
        "SELECT CASE WHEN a < 1 THEN 'x' WHEN a < 2 THEN 'y' ELSE 'z' END AS k, CASE WHEN b THEN 1 END FROM t",
        "SELECT CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END FROM t",
        // Set operations.
        "SELECT a FROM t UNION ALL SELECT a FROM u DISTRIBUTE BY a", "TABLE db.events",
        "SELECT 1 UNION ALL SELECT 2 UNION SELECT 3 UNION DISTINCT SELECT 4",
        "SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY a LIMIT 3",
        "(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM u)", "SELECT 1 UNION ALL (SELECT 2 UNION ALL SELECT 3)",
        "(SELECT 1) ORDER BY 1", "(SELECT a FROM t DISTRIBUTE BY a) UNION ALL SELECT b FROM u",
        // WITH.
        "WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a) SELECT y FROM b", "WITH a (SELECT 1) SELECT * FROM a",
        "WITH `the x` AS (WITH y AS (SELECT 1 AS z) SELECT z FROM y) SELECT * FROM `the x` UNION ALL SELECT 2",
        // FROM.
        "SELECT * FROM events e", "SELECT * FROM db.events AS `e v`", "SELECT * FROM t date", "SELECT * FROM csv.`data/events`",
        "SELECT * FROM CSV.`data/x.csv` AS x", "SELECT `data/x.csv`.a FROM csv.`data/x.csv`", "SELECT * FROM csv.`a``b c`",
        "SELECT * FROM csv.events", "SELECT x.a FROM (SELECT a FROM t) x", "SELECT * FROM (SELECT 1)",
        "SELECT * FROM ((SELECT 1) UNION ALL (SELECT 2)) u", "SELECT * FROM a JOIN b ON a.k = b.k",
        "SELECT * FROM a INNER JOIN b ON x", "SELECT * FROM a LEFT JOIN b ON x", "SELECT * FROM a RIGHT OUTER JOIN b ON x",
        "SELECT * FROM a FULL JOIN b ON x", "SELECT * FROM a CROSS JOIN b", "SELECT * FROM a LEFT SEMI JOIN b ON x",
        "SELECT * FROM a LEFT ANTI JOIN b ON x", "SELECT * FROM a SEMI JOIN b ON x", "SELECT * FROM a JOIN b USING (k, dt)",
        "SELECT * FROM a e JOIN b c ON e.k = c.k LEFT JOIN d ON d.x = e.x", "SELECT * FROM a, b, c WHERE a.x = b.x",
        "SELECT * FROM a, b JOIN c ON y", "SELECT * FROM a JOIN (b JOIN c ON y) ON x", "SELECT * FROM a JOIN b",
        "SELECT * FROM a JOIN (SELECT k FROM b WHERE k > 1) s ON a.k = s.k",
        "SELECT * FROM a JOIN (b JOIN (SELECT 1 AS k) s ON b.k = s.k) ON a.k = b.k",
        "SELECT * FROM `from` AS `join` JOIN `user` ON `join`.a = `user`.a",
        // Statements.
        "SET spark.sql.shuffle.partitions = 8; SET sluice.scratch=/tmp/x y; SET a=; SET a='x;y'; SET `odd key`=`v`",
        "SET hive.exec.dynamic.partition; SET; SET -v; SET TIME ZONE 'UTC'; SET a='it''s'",
        "CREATE OR REPLACE TEMPORARY VIEW ev USING CSV OPTIONS (path 'a', header='true', `sep` \";\", 'nullValue' 'NA', inferSchema true, samplingRatio 0.5, maxColumns 10, spark.x.y 'z', 'odd key' 'v', escape '\\\\', quote '\"')",
        "CREATE GLOBAL TEMP VIEW v (a INT, b DECIMAL(10, 2) COMMENT 'money', `c d` STRING) USING csv",
        "CREATE TEMPORARY VIEW big AS SELECT * FROM t WHERE n > 10",
        "CREATE OR REPLACE TEMPORARY VIEW v (x, `y z` COMMENT 'why') AS SELECT a, b FROM t",
        "CREATE TEMPORARY VIEW v AS WITH v (x) AS (SELECT 1) SELECT * FROM v WHERE x > 0",
        "CREATE TABLE t (a INT COMMENT 'x', dt DATE) USING csv OPTIONS (header 'true') LOCATION 'out/t' COMMENT 'table' PARTITIONED BY (dt) TBLPROPERTIES ('k'='v')",
        "CREATE TABLE IF NOT EXISTS db.t (a INT) USING csv PARTITIONED BY (dt DATE, region) LOCATION 'p'",
        "CREATE TABLE t USING csv LOCATION '/x'",
        "INSERT OVERWRITE TABLE t SELECT * FROM s", "INSERT INTO db.t SELECT * FROM s", "INSERT INTO TABLE t (SELECT 1)",
        "INSERT INTO t WITH x AS (SELECT 1) SELECT * FROM x",
        "INSERT OVERWRITE TABLE t PARTITION (dt='2024-03-05', region, n=-1, d=DATE '2024-01-01', f=1.5, b=true, z=NULL) SELECT a FROM s",
        "INSERT OVERWRITE DIRECTORY 'out/x' USING csv OPTIONS (header 'true') SELECT 1",
        "INSERT OVERWRITE LOCAL DIRECTORY USING csv OPTIONS (path 'o', sep '|') SELECT 1",
        "INSERT OVERWRITE TABLE `order` PARTITION (`date`) SELECT 1, 2 UNION ALL SELECT 3, 4",
    ]

    @Test(arguments: scripts)
    func statementRoundTrip(_ text: String) throws {
        try expectRoundTrip(text)
    }

    @Test func designExampleRoundTrip() throws {
        try expectRoundTrip("""
            SET spark.sql.sources.partitionOverwriteMode=dynamic;
            SET hive.exec.max.dynamic.partitions.pernode=200;
            CREATE TEMPORARY VIEW events USING csv
              OPTIONS (path 'data/events', header 'true', inferSchema 'true');
            CREATE TEMPORARY VIEW countries USING csv
              OPTIONS (path 'data/countries.csv', header 'true');
            CREATE TABLE IF NOT EXISTS daily_revenue (region STRING, event_type STRING, n BIGINT, total DOUBLE, dt DATE)
              USING csv PARTITIONED BY (dt) LOCATION 'out/daily_revenue' OPTIONS (header 'true');
            INSERT OVERWRITE TABLE daily_revenue PARTITION (dt)
            SELECT c.region, e.event_type, count(*), sum(e.amount), e.dt
            FROM events e JOIN countries c ON e.country = c.code
            WHERE e.amount > 0
            GROUP BY e.dt, c.region, e.event_type;
            """)
    }

    // MARK: Exact text

    @Test func parenthesesOnlyWherePrecedenceNeedsThem() throws {
        #expect(try printed("(a + b) * 2 - (c - d)") == "(a + b) * 2 - (c - d)")
        #expect(try printed("((a * b)) + c") == "a * b + c")
        #expect(try printed("a OR b AND c") == "a OR b AND c")
        #expect(try printed("(a OR b) AND NOT (c AND d)") == "(a OR b) AND NOT (c AND d)")
        #expect(try printed("a = b IS NULL") == "(a = b) IS NULL")
        #expect(try printed("a = b = c") == "(a = b) = c")
        #expect(try printed("x BETWEEN 1 AND 2 AND y") == "x BETWEEN 1 AND 2 AND y")
        #expect(try printed("a DIV 2") == "a DIV 2")
        #expect(try printed("a IS DISTINCT FROM b") == "NOT a <=> b")
        #expect(try printed("a ILIKE 'X%'") == "lower(a) LIKE lower('X%')")
    }

    @Test func signsNeverFormAComment() throws {
        #expect(try printed("a - -1") == "a - -1")
        #expect(try printed("- -a") == "-(-a)")
        #expect(try printed("-(1)") == "-(1)")
        #expect(try printed("-(-1)") == "-(-1)")
        #expect(try printed("-(.5)") == "-(0.5D)")
        #expect(try printed("+ -1") == "+(-1)")
        #expect(try printed("-a * b") == "-a * b")
        #expect(try printed("-(a * b)") == "-(a * b)")
    }

    @Test func literals() throws {
        #expect(try printed("1.5") == "1.5D")
        #expect(try printed("1e3") == "1000.0D")
        #expect(try printed("1e-7") == "1e-07D")
        #expect(try printed("9223372036854775808") == "9.223372036854776e+18D")
        #expect(try printed("-9223372036854775808") == "-9223372036854775808")
        #expect(try printed("1e400") == "CAST('Infinity' AS DOUBLE)")
        #expect(try printed("-1e400") == "CAST('-Infinity' AS DOUBLE)")
        #expect(try printed("true OR NULL") == "TRUE OR NULL")
        #expect(try printed("date '2024-03-05' < timestamp_ltz '2024-03-05 10:00:00'") == "DATE '2024-03-05' < TIMESTAMP '2024-03-05 10:00:00'")
        #expect(try printed("INTERVAL '3 days'") == "INTERVAL '3' DAY")
        #expect(try printed("INTERVAL 1.5 hours") == "INTERVAL 1.5 HOUR")
        #expect(try printed("INTERVAL - 2 DAY") == "INTERVAL -2 DAY")
    }

    @Test func stringEscapes() throws {
        #expect(try printed("'it''s'") == #"'it\'s'"#)
        #expect(try printed(#""say \"hi\"""#) == #"'say "hi"'"#)
        #expect(try printed(#"'a\nb\tc\rd'"#) == #"'a\nb\tc\rd'"#)
        #expect(try printed("'line\nbreak'") == #"'line\nbreak'"#)
        #expect(try printed(#"'C:\\temp\\'"#) == #"'C:\\temp\\'"#)
        #expect(try printed(#"r'C:\temp'"#) == #"'C:\\temp'"#)
        #expect(try printed(#"'50\% and a\_b'"#) == #"'50\% and a\_b'"#)
        #expect(try printed(#"'\0\u0001\u007F\Z'"#) == #"'\u0000\u0001\u007F\u001A'"#)
        #expect(try printed("'ünïcödé ✓'") == "'ünïcödé ✓'")
        #expect(SQLPrinter.stringLiteral("") == "''")
    }

    @Test func namesInBackquotesWhenNeeded() throws {
        #expect(try printed("`from` + t.`select` + `x y`.`a``b` + `café` + `1a` + a_1 + _b") ==
            "`from` + t.`select` + `x y`.`a``b` + `café` + `1a` + a_1 + _b")
        // Spark reserves these in ANSI mode; sluice does not.
        #expect(try printed("user || time || `to` || date || year || value") == "`user` || `time` || `to` || date || year || value")
        #expect(try printed("interval + 1") == "`interval` + 1")
        #expect(try printed("left(s, 2) || `in`(1) || `my fn`(2) || current_date || current_timestamp()") ==
            "left(s, 2) || `in`(1) || `my fn`(2) || current_date || current_timestamp")
        #expect(SQLPrinter.identifier("a.b") == "`a.b`")
        #expect(SQLPrinter.identifier("Events") == "Events")
    }

    @Test func castsAndCase() throws {
        #expect(try printed("cast(a + 1 AS decimal ( 10 , 2 ))") == "CAST(a + 1 AS decimal(10,2))")
        #expect(try printed("try_cast(s AS DATE)") == "TRY_CAST(s AS DATE)")
        #expect(try printed("CAST(x AS ARRAY<STRUCT<a: INT, `b c`: STRING>>)") == "CAST(x AS ARRAY<STRUCT<a:INT,`b c`:STRING>>)")
        #expect(try printed("CASE k WHEN 1 THEN 'one' ELSE 'many' END") == "CASE k WHEN 1 THEN 'one' ELSE 'many' END")
        #expect(try printed("case when a > 1 then 'x' when a is null then null end") == "CASE WHEN a > 1 THEN 'x' WHEN a IS NULL THEN NULL END")
    }

    @Test func selectLayout() throws {
        #expect(try printedScript("""
            select `from`, b + 1 as `the b`, case when c < 1 then 'low' when c < 10 then 'mid' else 'it''s high' end level
            from t where a > 1 group by 1, 2, 3 having count(*) > 2 order by 1 desc nulls last limit 5
            """) == """
            SELECT
              `from`,
              b + 1 AS `the b`,
              CASE
                WHEN c < 1 THEN 'low'
                WHEN c < 10 THEN 'mid'
                ELSE 'it\\'s high'
              END AS level
            FROM t
            WHERE a > 1
            GROUP BY 1, 2, 3
            HAVING count(*) > 2
            ORDER BY 1 DESC NULLS LAST
            LIMIT 5;

            """)
        #expect(try printedScript("SELECT DISTINCT a, b FROM t WHERE a = 'a fairly long constant' AND b > 1000000 AND c IS NOT NULL OR d") == """
            SELECT DISTINCT a, b
            FROM t
            WHERE a = 'a fairly long constant' AND b > 1000000 AND c IS NOT NULL OR d;

            """)
        #expect(try printedScript("SELECT a FROM t WHERE a = 'a fairly long constant string' AND b > 1000000 AND (c IS NOT NULL OR d)") == """
            SELECT a
            FROM t
            WHERE a = 'a fairly long constant string'
              AND b > 1000000
              AND (c IS NOT NULL OR d);

            """)
    }

    @Test func joins() throws {
        #expect(try printedScript("""
            SELECT e.a, c.region FROM events e JOIN countries AS c ON e.country = c.code LEFT OUTER JOIN (SELECT k FROM d) x USING (k)
            CROSS JOIN z, w LEFT SEMI JOIN (p JOIN q ON p.a = q.a) ON w.a = p.a
            """) == """
            SELECT e.a, c.region
            FROM events AS e
            JOIN countries AS c ON e.country = c.code
            LEFT JOIN (
              SELECT k
              FROM d
            ) AS x USING (k)
            CROSS JOIN z
            CROSS JOIN w
            LEFT SEMI JOIN (p JOIN q ON p.a = q.a) ON w.a = p.a;

            """)
    }

    @Test func unionsAndWith() throws {
        #expect(try printedScript("""
            WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a)
            SELECT y FROM b UNION ALL (SELECT 2 UNION SELECT 3) UNION SELECT x FROM a ORDER BY 1 LIMIT 2
            """) == """
            WITH a AS (
              SELECT 1 AS x
            ),
            b (y) AS (
              SELECT x
              FROM a
            )
            SELECT y
            FROM b
            UNION ALL
            (
              SELECT 2
              UNION
              SELECT 3
            )
            UNION
            SELECT x
            FROM a
            ORDER BY 1
            LIMIT 2;

            """)
        #expect(try printedScript("SELECT a FROM t UNION ALL SELECT a FROM u DISTRIBUTE BY a") == """
            SELECT *
            FROM (
              SELECT a
              FROM t
              UNION ALL
              SELECT a
              FROM u
            )
            DISTRIBUTE BY a;

            """)
    }

    @Test func statements() throws {
        #expect(try printedScript("""
            set spark.sql.shuffle.partitions = 8; SET a='x;y'; SET `odd key`=v; SET TIME ZONE 'UTC'; set;
            create or replace temporary view v (a int, b decimal(10, 2)) using CSV options (path='data/v.csv', 'odd key' 1, escape '\\\\');
            create temporary view w (x, y) as select a, b from v;
            create table if not exists t (a int, `order` string) using csv partitioned by (dt date) location 'out/t' options (header true);
            insert overwrite table t partition (dt = '2024-03-05') select a, b from w;
            insert overwrite directory 'out/d' using csv options (sep '|') select * from w
            """) == """
            SET spark.sql.shuffle.partitions=8;
            SET a=`x;y`;
            SET `odd key`=v;
            SET spark.sql.session.timeZone=UTC;
            SET;

            CREATE OR REPLACE TEMPORARY VIEW v (a int, b decimal(10,2)) USING csv
              OPTIONS (path 'data/v.csv', 'odd key' '1', 'escape' '\\\\');

            CREATE TEMPORARY VIEW w (x, y) AS
            SELECT a, b
            FROM v;

            CREATE TABLE IF NOT EXISTS t (a int, `order` string)
              USING csv
              PARTITIONED BY (dt date)
              LOCATION 'out/t'
              OPTIONS (header 'true');

            INSERT OVERWRITE TABLE t PARTITION (dt='2024-03-05')
            SELECT a, b
            FROM w;

            INSERT OVERWRITE DIRECTORY 'out/d' USING csv
              OPTIONS (sep '|')
            SELECT *
            FROM w;

            """)
    }
}

// MARK: Export

@Suite struct SparkExportTests {
    private func export(_ job: String, settings: Settings = Settings(), cwd: String = "/home/etl") throws -> String {
        let text = try SparkExport(settings: settings, workingDirectory: cwd).script(try parseScript(job))
        // Whatever the export writes, sluice reads back, and prints the same.
        #expect(SQLPrinter().render(try parseScript(text)) == text)
        return text
    }

    private func exportError(_ job: String) -> String {
        do {
            _ = try SparkExport(workingDirectory: "/w").script(try parseScript(job))
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func weeklyRevenue() throws {
        #expect(try export("""
            SET spark.sql.shuffle.partitions=4;

            CREATE TEMPORARY VIEW events USING csv
              OPTIONS (path 'data/events', header 'true', inferSchema 'true');

            SELECT coalesce(country, '??') AS country, event_type, count(*) AS events, count(DISTINCT user_id) AS users,
              round(sum(amount), 2) AS amount
            FROM events
            WHERE event_type IN ('purchase', 'refund')
            GROUP BY coalesce(country, '??'), event_type
            HAVING count(*) >= 3
            ORDER BY country, event_type;
            """) == """
            SET spark.sql.sources.partitionOverwriteMode=dynamic;
            SET spark.sql.ansi.enabled=true;
            SET spark.sql.session.timeZone=UTC;
            SET spark.sql.shuffle.partitions=4;

            CREATE TEMPORARY VIEW events USING csv
              OPTIONS (path '/home/etl/data/events', header 'true', inferSchema 'true', mode 'FAILFAST');

            SELECT
              coalesce(country, '??') AS country,
              event_type,
              count(*) AS events,
              count(DISTINCT user_id) AS users,
              round(sum(amount), 2) AS amount
            FROM events
            WHERE event_type IN ('purchase', 'refund')
            GROUP BY coalesce(country, '??'), event_type
            HAVING count(*) >= 3
            ORDER BY country, event_type;

            """)
    }

    @Test func settingsTheJobSetsFirstAreNotRepeated() throws {
        #expect(try export("SET spark.sql.sources.partitionOverwriteMode=static; SET spark.sql.session.timeZone=UTC; SELECT 1") == """
            SET spark.sql.ansi.enabled=true;
            SET spark.sql.sources.partitionOverwriteMode=static;
            SET spark.sql.session.timeZone=UTC;

            SELECT 1;

            """)
        // Set only after a statement that runs with sluice's default: the default is written.
        #expect(try export("SELECT 1; SET spark.sql.sources.partitionOverwriteMode=static") == """
            SET spark.sql.sources.partitionOverwriteMode=dynamic;
            SET spark.sql.ansi.enabled=true;
            SET spark.sql.session.timeZone=UTC;

            SELECT 1;

            SET spark.sql.sources.partitionOverwriteMode=static;

            """)
    }

    @Test func commandLineSettings() throws {
        var settings = Settings()
        try settings.set("spark.sql.shuffle.partitions", "8")
        try settings.set("hive.exec.max.dynamic.partitions", "2000")
        try settings.set("spark.sql.sources.partitionOverwriteMode", "STATIC")
        try settings.set("sluice.workers", "2")
        try settings.set("spark.some.key", "v")
        #expect(try export("SET hive.exec.max.dynamic.partitions=3000; SELECT 1", settings: settings) == """
            SET spark.sql.sources.partitionOverwriteMode=static;
            SET spark.sql.ansi.enabled=true;
            SET spark.sql.session.timeZone=UTC;
            SET spark.some.key=v;
            SET spark.sql.shuffle.partitions=8;
            SET hive.exec.max.dynamic.partitions=3000;

            SELECT 1;

            """)
    }

    @Test func invalidSettingsFailAsARunWould() {
        #expect(exportError("SELECT 1;\nSET spark.sql.session.timeZone=America/New_York") ==
            "[INVALID_CONF_VALUE] invalid value 'America/New_York' for setting spark.sql.session.timeZone: expected UTC (sluice computes in UTC only) (line 2, column 1)")
        #expect(exportError("SET sluice.wokers=2") == "[INVALID_CONF_VALUE] unknown setting 'sluice.wokers'; did you mean 'sluice.workers'? (line 1, column 1)")
    }

    @Test func csvOptionsMadeExplicit() throws {
        #expect(try export("""
            CREATE TEMPORARY VIEW a USING csv OPTIONS (path './in/a.csv', MODE 'permissive', basePath 'in', badRecordsPath '/bad');
            CREATE TEMPORARY VIEW b (x DECIMAL(10,2), y SMALLINT, z VARCHAR(3)) USING csv OPTIONS (path 'hdfs://nn/b', schema 'p DECIMAL(4,1), q STRING');
            CREATE TEMPORARY VIEW c USING csv OPTIONS (path 'file:/c', schema 'p INT, q STRING');
            CREATE TEMPORARY VIEW j USING json OPTIONS (path 'j');
            """, cwd: "/home/etl/") == """
            SET spark.sql.sources.partitionOverwriteMode=dynamic;
            SET spark.sql.ansi.enabled=true;
            SET spark.sql.session.timeZone=UTC;

            CREATE TEMPORARY VIEW a USING csv
              OPTIONS (path '/home/etl/in/a.csv', MODE 'permissive', basePath '/home/etl/in', badRecordsPath '/bad');

            CREATE TEMPORARY VIEW b (x DOUBLE, y INT, z STRING) USING csv
              OPTIONS (path 'hdfs://nn/b', schema 'p DOUBLE, q STRING', mode 'FAILFAST');

            CREATE TEMPORARY VIEW c (p INT, q STRING) USING csv
              OPTIONS (path 'file:/c', mode 'FAILFAST');

            CREATE TEMPORARY VIEW j USING json
              OPTIONS (path '/home/etl/j');

            """)
    }

    @Test func tablesAndDirectories() throws {
        #expect(try export("""
            CREATE TABLE IF NOT EXISTS t (a DECIMAL(5,2), b STRING) USING csv PARTITIONED BY (dt DATE, b) LOCATION 'out/t' OPTIONS (header 'true', escape '\\\\');
            INSERT OVERWRITE TABLE t PARTITION (dt) SELECT CAST(x AS DECIMAL(5,2)), try_cast(y AS TINYINT), dt FROM s;
            INSERT OVERWRITE DIRECTORY '../out/d' USING csv SELECT 1 AS one
            """) == """
            SET spark.sql.sources.partitionOverwriteMode=dynamic;
            SET spark.sql.ansi.enabled=true;
            SET spark.sql.session.timeZone=UTC;

            CREATE TABLE IF NOT EXISTS t (a DOUBLE, b STRING, dt DATE)
              USING csv
              PARTITIONED BY (dt, b)
              LOCATION '/home/etl/out/t'
              OPTIONS (header 'true', 'escape' '\\\\', mode 'FAILFAST', ignoreLeadingWhiteSpace 'false', ignoreTrailingWhiteSpace 'false');

            INSERT OVERWRITE TABLE t PARTITION (dt)
            SELECT CAST(x AS DOUBLE), TRY_CAST(y AS INT), dt
            FROM s;

            INSERT OVERWRITE DIRECTORY '/home/etl/../out/d' USING csv
              OPTIONS ('escape' '"', ignoreLeadingWhiteSpace 'false', ignoreTrailingWhiteSpace 'false')
            SELECT 1 AS one;

            """)
    }

    @Test func pathSourcesBecomeViews() throws {
        #expect(try export("""
            SELECT `data/events`.country, count(*) FROM csv.`data/events` GROUP BY 1;
            CREATE TEMPORARY VIEW csv_countries AS SELECT 1 AS code;
            SELECT e.country, c.name
            FROM csv.`./data/events` e JOIN csv.`/ref/countries.csv` AS c ON e.country = c.code
            WHERE e.amount > (SELECT avg(amount) FROM csv.`data/events/dt=2024-03-05`)
            """) == """
            SET spark.sql.sources.partitionOverwriteMode=dynamic;
            SET spark.sql.ansi.enabled=true;
            SET spark.sql.session.timeZone=UTC;

            CREATE OR REPLACE TEMPORARY VIEW csv_events USING csv
              OPTIONS (path '/home/etl/data/events', header 'true', inferSchema 'true', mode 'FAILFAST');

            SELECT `data/events`.country, count(*)
            FROM csv_events AS `data/events`
            GROUP BY 1;

            CREATE TEMPORARY VIEW csv_countries AS
            SELECT 1 AS code;

            CREATE OR REPLACE TEMPORARY VIEW csv_countries_2 USING csv
              OPTIONS (path '/ref/countries.csv', header 'true', inferSchema 'true', mode 'FAILFAST');

            CREATE OR REPLACE TEMPORARY VIEW csv_dt_2024_03_05 USING csv
              OPTIONS (path '/home/etl/data/events/dt=2024-03-05', header 'true', inferSchema 'true', mode 'FAILFAST');

            SELECT e.country, c.name
            FROM csv_events AS e
            JOIN csv_countries_2 AS c ON e.country = c.code
            WHERE e.amount > (SELECT avg(amount) FROM csv_dt_2024_03_05 AS `data/events/dt=2024-03-05`);

            """)
    }

    @Test func pathSourcesInsideViewsCtesAndInserts() throws {
        let text = try export("""
            CREATE TEMPORARY VIEW v AS WITH x AS (SELECT * FROM csv.`a.csv`) SELECT * FROM x UNION ALL SELECT * FROM csv.`b`;
            INSERT INTO t SELECT * FROM (SELECT * FROM csv.`a.csv`) s
            """)
        #expect(text.hasSuffix("""
            CREATE OR REPLACE TEMPORARY VIEW csv_a USING csv
              OPTIONS (path '/home/etl/a.csv', header 'true', inferSchema 'true', mode 'FAILFAST');

            CREATE OR REPLACE TEMPORARY VIEW csv_b USING csv
              OPTIONS (path '/home/etl/b', header 'true', inferSchema 'true', mode 'FAILFAST');

            CREATE TEMPORARY VIEW v AS
            WITH x AS (
              SELECT *
              FROM csv_a AS `a.csv`
            )
            SELECT *
            FROM x
            UNION ALL
            SELECT *
            FROM csv_b AS b;

            INSERT INTO TABLE t
            SELECT *
            FROM (
              SELECT *
              FROM csv_a AS `a.csv`
            ) AS s;

            """))
    }

    @Test func absolutePaths() {
        let e = SparkExport(workingDirectory: "/w/")
        #expect(e.absolute("data/x") == "/w/data/x")
        #expect(e.absolute("./data/x") == "/w/data/x")
        #expect(e.absolute(".//./x") == "/w/x")
        #expect(e.absolute(".") == "/w")
        #expect(e.absolute("../x") == "/w/../x")
        #expect(e.absolute("/abs/x") == "/abs/x")
        #expect(e.absolute("file:/x") == "file:/x")
        #expect(e.absolute("s3a://bucket/x") == "s3a://bucket/x")
        #expect(e.absolute("a:b/c") == "/w/a:b/c")
        #expect(e.absolute("") == "")
        #expect(SparkExport(workingDirectory: "/").absolute("x") == "/x")
    }

    @Test func viewNamesFromPaths() {
        #expect(PortableRewriter.nameStem("data/countries.csv") == "countries")
        #expect(PortableRewriter.nameStem("data/events/") == "events")
        #expect(PortableRewriter.nameStem("data/Events 2024.tsv.gz") == "events_2024_tsv")
        #expect(PortableRewriter.nameStem("data/*.csv") == "path")
        #expect(PortableRewriter.nameStem(".hidden") == "hidden")
    }
}
