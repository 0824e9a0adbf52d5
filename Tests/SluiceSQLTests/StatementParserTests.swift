import Testing
@testable import SluiceSQL

@Suite struct ScriptTests {
    @Test func statementsSeparatedBySemicolons() throws {
        #expect(try sqlScript(";; SELECT 1 ;;\n SELECT 2") == ["SELECT 1", "SELECT 2"])
        #expect(try sqlScript("SELECT 1;") == ["SELECT 1"])
        #expect(try sqlScript("  -- nothing\n ; ") == [])
    }

    @Test func designExample() throws {
        let job = """
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
            """
        #expect(try sqlScript(job) == [
            "SET spark.sql.sources.partitionOverwriteMode=dynamic",
            "SET hive.exec.max.dynamic.partitions.pernode=200",
            "CREATE TEMPORARY VIEW events USING csv OPTIONS (path=data/events, header=true, inferSchema=true)",
            "CREATE TEMPORARY VIEW countries USING csv OPTIONS (path=data/countries.csv, header=true)",
            "CREATE TABLE IF NOT EXISTS daily_revenue (region STRING, event_type STRING, n BIGINT, total DOUBLE, dt DATE) USING csv PARTITIONED BY (dt) LOCATION 'out/daily_revenue' OPTIONS (header=true)",
            "INSERT OVERWRITE daily_revenue PARTITION (dt) SELECT c.region, e.event_type, count(*), sum(e.amount), e.dt FROM (events AS e JOIN countries AS c ON (e.country = c.code)) WHERE (e.amount > 0) GROUP BY e.dt, c.region, e.event_type",
        ])
    }

    @Test func statementLocations() throws {
        let statements = try parseScript("SET a=1;\n\n  INSERT INTO t SELECT 1")
        guard case .set(_, _, let setLoc) = statements[0], case .insertTable(let insert) = statements[1] else { Issue.record("shape"); return }
        #expect(setLoc == sqlLoc(1, 1))
        #expect(insert.location == sqlLoc(3, 3))
        #expect(insert.table.location == sqlLoc(3, 15))
    }
}

@Suite struct SetStatementTests {
    private func set(_ text: String) throws -> (key: String, value: String?) {
        guard case .set(let key, let value, _) = try parseScript(text)[0] else { throw SQLError("TEST", "not a SET", at: nil) }
        return (key, value)
    }

    @Test func keyAndValue() throws {
        #expect(try set("SET spark.sql.shuffle.partitions = 8 ") == ("spark.sql.shuffle.partitions", "8"))
        #expect(try set("set sluice.scratch=/tmp/x y") == ("sluice.scratch", "/tmp/x y"))
        #expect(try set("SET sluice.memory=4g") == ("sluice.memory", "4g"))
        #expect(try set("SET a=b=c") == ("a", "b=c"))
        #expect(try set("SET a=") == ("a", ""))
    }

    @Test func quotesAroundTheValueAreRemoved() throws {
        #expect(try set("SET a='x;y'") == ("a", "x;y"))
        #expect(try set("SET a=\"dynamic\"") == ("a", "dynamic"))
        #expect(try set("SET `odd key`=`v`") == ("odd key", "v"))
        #expect(try set("SET a='x' -- why\n") == ("a", "x"))
        #expect(try set("SET /* size */ a = 8 /* MB */") == ("a", "8"))
    }

    @Test func keyAloneAndBareSet() throws {
        #expect(try set("SET hive.exec.dynamic.partition") == ("hive.exec.dynamic.partition", nil))
        #expect(try set("SET") == ("", nil))
        #expect(try set("SET -v") == ("-v", nil))
    }

    @Test func timeZone() throws {
        #expect(try set("SET TIME ZONE 'America/New_York'") == ("spark.sql.session.timeZone", "America/New_York"))
    }

    @Test func invalidKey() {
        #expect(parseScriptError("SELECT 1;\nSET a b=c") == "[INVALID_SET_SYNTAX] Expected format is 'SET', 'SET key', or 'SET key=value'. If you want to include special characters in key, or include semicolon in value, please use backquotes, e.g., SET `key`=`value`. (line 2, column 1)")
    }
}

@Suite struct CreateViewTests {
    @Test func sourceViewWithOptions() throws {
        #expect(try sqlScript("CREATE OR REPLACE TEMPORARY VIEW ev USING CSV OPTIONS (path 'a', header='true', `sep` \";\", 'nullValue' 'NA', inferSchema true, samplingRatio 0.5, maxColumns 10, spark.x.y 'z')") == [
            "CREATE OR REPLACE TEMPORARY VIEW ev USING csv OPTIONS (path=a, header=true, sep=;, nullValue=NA, inferSchema=true, samplingRatio=0.5, maxColumns=10, spark.x.y=z)",
        ])
    }

    @Test func sourceViewWithColumnsAndGlobalTemp() throws {
        let statements = try parseScript("CREATE GLOBAL TEMP VIEW v (a INT, b DECIMAL(10, 2) COMMENT 'money', c STRING) USING csv")
        #expect(statements.map(ASTPrinter.render) == ["CREATE TEMPORARY VIEW v (a INT, b DECIMAL(10,2), c STRING) USING csv"])
        guard case .createSourceView(let v) = statements[0] else { return }
        #expect(v.columns[1].location == sqlLoc(1, 35))
        #expect(v.orReplace == false)
    }

    @Test func queryView() throws {
        #expect(try sqlScript("CREATE TEMPORARY VIEW big AS SELECT * FROM t WHERE n > 10") == [
            "CREATE TEMPORARY VIEW big AS SELECT * FROM t WHERE (n > 10)",
        ])
    }

    @Test func queryViewWithColumnNamesRenamesThroughWith() throws {
        #expect(try sqlScript("CREATE OR REPLACE TEMPORARY VIEW v (x, y COMMENT 'why') AS SELECT a, b FROM t") == [
            "CREATE OR REPLACE TEMPORARY VIEW v AS WITH v(x, y) AS (SELECT a, b FROM t) SELECT * FROM v",
        ])
    }

    @Test func columnListMismatches() {
        #expect(parseScriptError("CREATE TEMPORARY VIEW v (a, b INT) USING csv") == "[PARSE_SYNTAX_ERROR] Syntax error at or near ',': expected a data type (line 1, column 27)")
        #expect(parseScriptError("CREATE TEMPORARY VIEW v (a INT) AS SELECT 1") == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'INT': expected one of ',', ')'; a view defined AS a query takes column names without types (line 1, column 28)")
    }

    @Test func viewNameErrors() {
        #expect(parseScriptError("CREATE TEMPORARY VIEW db.v AS SELECT 1") == "[TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS] CREATE TEMPORARY VIEW or the corresponding Dataset APIs only accept single-part view names, but got: db.v. (line 1, column 23)")
        #expect(parseScriptError("CREATE VIEW v AS SELECT 1") == "[UNSUPPORTED_FEATURE] Permanent views (CREATE VIEW) is not supported by sluice; use CREATE TEMPORARY VIEW (line 1, column 1)")
    }

    @Test func duplicateOptionKeys() {
        #expect(parseScriptError("CREATE TEMPORARY VIEW v USING csv OPTIONS (path 'a', PATH 'b')") == "[DUPLICATE_KEY] Found duplicate keys 'PATH'. (line 1, column 54)")
    }
}

@Suite struct CreateTableTests {
    @Test func clausesInAnyOrder() throws {
        #expect(try sqlScript("CREATE TABLE t (a INT COMMENT 'x', dt DATE) USING csv OPTIONS (header 'true') LOCATION 'out/t' COMMENT 'table' PARTITIONED BY (dt) TBLPROPERTIES ('k'='v')") == [
            "CREATE TABLE t (a INT, dt DATE) USING csv PARTITIONED BY (dt) LOCATION 'out/t' OPTIONS (header=true)",
        ])
    }

    @Test func hiveStylePartitionColumnsKeepTheirType() throws {
        let statements = try parseScript("CREATE TABLE db.t (a INT) USING csv PARTITIONED BY (dt DATE, region) LOCATION 'p'")
        guard case .createTable(let t) = statements[0] else { Issue.record("not a table"); return }
        #expect(t.partitionedBy.map(\.name) == ["dt", "region"])
        #expect(t.partitionedBy.map(\.typeName) == ["DATE", ""])
        #expect(t.name.parts == ["db", "t"])
        #expect(t.ifNotExists == false)
    }

    @Test func duplicateClauses() {
        #expect(parseScriptError("CREATE TABLE t (a INT) USING csv LOCATION 'a'\nLOCATION 'b'") == "[DUPLICATE_CLAUSES] Found duplicate clauses: LOCATION. Please, remove one of them. (line 2, column 1)")
    }

    @Test func unsupportedForms() {
        #expect(parseScriptError("CREATE TABLE t (a INT) LOCATION 'x'") == "[UNSUPPORTED_FEATURE] CREATE TABLE without USING (a Hive-format table) is not supported by sluice; add USING csv after the column list (line 1, column 1)")
        #expect(parseScriptError("CREATE TABLE t USING csv AS SELECT 1") == "[UNSUPPORTED_FEATURE] CREATE TABLE ... AS SELECT is not supported by sluice; create the table, then INSERT INTO it (line 1, column 26)")
        #expect(parseScriptError("CREATE TABLE t (a INT NOT NULL) USING csv") == "[UNSUPPORTED_FEATURE] NOT NULL columns is not supported by sluice; drop NOT NULL, and filter the NULL rows in the query that writes the table (line 1, column 23)")
        #expect(parseScriptError("CREATE TABLE t (a INT) STORED AS TEXTFILE") == "[UNSUPPORTED_FEATURE] Hive-format tables (STORED ...) is not supported by sluice; write USING csv OPTIONS (...) instead (line 1, column 24)")
    }
}

@Suite struct InsertTests {
    @Test func insertOverwriteAndInto() throws {
        #expect(try sqlScript("INSERT OVERWRITE TABLE t SELECT * FROM s") == ["INSERT OVERWRITE t SELECT * FROM s"])
        #expect(try sqlScript("INSERT INTO db.t SELECT * FROM s") == ["INSERT INTO db.t SELECT * FROM s"])
        #expect(try sqlScript("INSERT INTO TABLE t (SELECT 1)") == ["INSERT INTO t (SELECT 1)"])
        #expect(try sqlScript("INSERT INTO t WITH x AS (SELECT 1) SELECT * FROM x") == ["INSERT INTO t WITH x AS (SELECT 1) SELECT * FROM x"])
    }

    @Test func staticAndDynamicPartitions() throws {
        #expect(try sqlScript("INSERT OVERWRITE TABLE t PARTITION (dt='2024-03-05', region, n=-1, d=DATE '2024-01-01') SELECT a FROM s") == [
            "INSERT OVERWRITE t PARTITION (dt='2024-03-05', region, n=-1, d=DATE '2024-01-01') SELECT a FROM s",
        ])
        let statements = try parseScript("INSERT INTO t SELECT 1")
        guard case .insertTable(let insert) = statements[0] else { return }
        #expect(insert.partition == nil)
    }

    @Test func insertDirectory() throws {
        #expect(try sqlScript("INSERT OVERWRITE DIRECTORY 'out/x' USING csv OPTIONS (header 'true') SELECT 1") == [
            "INSERT OVERWRITE DIRECTORY 'out/x' USING csv OPTIONS (header=true) SELECT 1",
        ])
        #expect(try sqlScript("INSERT OVERWRITE LOCAL DIRECTORY USING csv OPTIONS (path 'o', sep '|') SELECT 1") == [
            "INSERT OVERWRITE DIRECTORY 'o' USING csv OPTIONS (sep=|) SELECT 1",
        ])
    }

    @Test func insertDirectoryPathErrors() {
        #expect(parseScriptError("INSERT OVERWRITE DIRECTORY 'a' USING csv OPTIONS (path 'b') SELECT 1") == "[INVALID_SQL_SYNTAX] Directory path and 'path' in OPTIONS should be specified one, but not both. (line 1, column 51)")
        #expect(parseScriptError("INSERT OVERWRITE DIRECTORY USING csv SELECT 1") == "[INVALID_SQL_SYNTAX] INSERT OVERWRITE DIRECTORY needs a path: write INSERT OVERWRITE DIRECTORY 'path' USING csv ... (line 1, column 1)")
    }

    @Test func insertColumnListIsUnsupported() {
        #expect(parseScriptError("INSERT INTO t (a, b) SELECT 1, 2") == "[UNSUPPORTED_FEATURE] INSERT with a column list is not supported by sluice; select the columns in the table's order, with NULL for the ones left empty (line 1, column 15)")
    }
}

@Suite struct ColumnListTests {
    @Test func ddlSchemaStrings() throws {
        let columns = try parseColumnList("a INT, b DECIMAL(10,2), `c d` STRING COMMENT 'x',\n  e ARRAY<INT>")
        #expect(ASTPrinter.render(columns) == "a INT, b DECIMAL(10,2), c d STRING, e ARRAY<INT>")
        #expect(columns[3].location == sqlLoc(2, 3))
    }

    @Test func missingType() {
        #expect(parseFailure(parseColumnList, "a INT, b") == "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: expected a data type (line 1, column 9)")
    }
}
