import Testing
@testable import SluiceSQL

/// A source with a fixed schema whose last `partitions` columns are partition columns.
final class FakeSource: ScanSource, @unchecked Sendable {
    let schema: [Field]
    let partitionColumnCount: Int
    let displayName: String
    init(_ name: String, _ columns: [(String, DataType)], partitions: Int = 0) {
        schema = columns.map { Field(name: $0.0, type: $0.1) }
        partitionColumnCount = partitions
        displayName = "csv \(name)"
    }
}

final class FakeCatalog: Catalog {
    var entries: [String: CatalogEntry] = [:]
    func lookup(_ name: String) -> CatalogEntry? { entries[name.lowercased()] }
    var names: [String] { Array(entries.keys) }
    func pathSource(format: String, path: String, location: SluiceSQL.SourceLocation) throws -> any ScanSource {
        FakeSource(path, [("x", .bigint)])
    }
}

let events = FakeSource("events", [("ts", .timestamp), ("user_id", .bigint), ("country", .string), ("amount", .double), ("dt", .date)], partitions: 1)

func catalog() -> FakeCatalog {
    let c = FakeCatalog()
    c.entries["events"] = .source(events)
    return c
}

/// Binds and optimizes a query, folding constants with a tiny evaluator for literals.
func optimized(_ sql: String) throws -> LogicalPlan {
    let plan = try Binder(catalog: catalog()).bind(try parseQuery(sql))
    return Optimizer { e in
        if case .cast(.literal(.int(let v), _), .double, _) = e { return .double(Double(v)) }
        if case .cast(.literal(.int(let v), _), .bigint, _) = e { return .int(v) }
        return nil
    }.optimize(plan)
}

func bindError(_ sql: String) -> String? {
    do {
        _ = try Binder(catalog: catalog()).bind(try parseQuery(sql))
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct BinderTests {
    @Test func filteredGroupByPlansPushdownAndPruning() throws {
        let plan = try optimized("SELECT country, count(*), sum(amount) FROM events WHERE amount > 0 AND dt = DATE '2024-03-05' GROUP BY country")
        #expect(plan.treeString == """
        Project [country, count(*) AS count(1), sum(amount)]
        +- Aggregate keys: [country] aggregates: [count(*), sum(amount)]
           +- Scan csv events [country, amount, dt] filters: [(amount > 0.0), (dt = DATE '2024-03-05')] partition filters: [(dt = DATE '2024-03-05')]
        """)
        #expect(plan.schema.map(\.name) == ["country", "count(1)", "sum(amount)"])
        #expect(plan.schema.map(\.type) == [.string, .bigint, .double])
    }

    @Test func orderByHiddenColumnIsProjectedAwayAfterTheSort() throws {
        let plan = try optimized("SELECT country FROM events ORDER BY amount DESC LIMIT 3")
        #expect(plan.treeString == """
        Limit 3
        +- Project [country]
           +- Sort [__sort1 DESC NULLS LAST]
              +- Project [country, amount AS __sort1]
                 +- Scan csv events [country, amount]
        """)
    }

    @Test func groupByPositionAndAlias() throws {
        let a = try optimized("SELECT upper(country) AS c, count(*) AS n FROM events GROUP BY 1")
        let b = try optimized("SELECT upper(country) AS c, count(*) AS n FROM events GROUP BY c")
        #expect(a.treeString == b.treeString)
        #expect(a.schema.map(\.name) == ["c", "n"])
    }

    @Test func havingMayUseAnAliasAndANewAggregate() throws {
        let plan = try optimized("SELECT country, count(*) AS n FROM events GROUP BY country HAVING n > 1 AND max(amount) < 100")
        #expect(plan.treeString == """
        Project [country, count(*) AS n]
        +- Filter ((count(*) > 1L) AND (max(amount) < 100.0))
           +- Aggregate keys: [country] aggregates: [count(*), max(amount)]
              +- Scan csv events [country, amount]
        """)
    }

    @Test func unknownColumnSuggestsTheClosestNames() {
        #expect(bindError("SELECT amout FROM events") == "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `amout` cannot be resolved. Did you mean one of the following? [`events`.`amount`, `events`.`dt`, `events`.`ts`, `events`.`country`, `events`.`user_id`]. (line 1, column 8)")
    }

    @Test func nonAggregatedColumnIsMissingAggregation() {
        #expect(bindError("SELECT country, amount FROM events GROUP BY country") == "[MISSING_AGGREGATION] The non-aggregating expression \"amount\" is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use \"any_value(amount)\" if you do not care which of the values within a group is returned. (line 1, column 17)")
    }

    @Test func comparingIncompatibleTypesIsATypeMismatch() {
        #expect(bindError("SELECT * FROM events WHERE dt = true") == "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(dt = true)\" due to data type mismatch: the left and right operands of the binary operator have incompatible types (\"DATE\" and \"BOOLEAN\"). (line 1, column 31)")
    }

    @Test func unknownTableSaysHowToCreateIt() {
        #expect(bindError("SELECT * FROM evnts") == "[TABLE_OR_VIEW_NOT_FOUND] The table or view `evnts` cannot be found. Did you mean `events`? Create it first with CREATE TEMPORARY VIEW evnts USING csv OPTIONS (path '...'). (line 1, column 15)")
    }

    @Test func aggregateInWhereIsRejected() {
        #expect(bindError("SELECT 1 FROM events WHERE count(*) > 1") == "[INVALID_WHERE_CONDITION] The WHERE condition (count(1) > 1) contains an aggregate function; use HAVING to filter on aggregates (line 1, column 37)")
    }

    @Test func distinctWithOrderByOnOutput() throws {
        let plan = try optimized("SELECT DISTINCT country FROM events ORDER BY country")
        #expect(plan.treeString == """
        Sort [country ASC NULLS FIRST]
        +- Distinct
           +- Project [country]
              +- Scan csv events [country]
        """)
    }

    @Test func countOnlyReadsNoColumns() throws {
        let plan = try optimized("SELECT count(*) FROM events")
        #expect(plan.treeString == """
        Project [count(*) AS count(1)]
        +- Aggregate keys: [] aggregates: [count(*)]
           +- Scan csv events []
        """)
    }
}

let countries = FakeSource("countries", [("code", .string), ("name", .string), ("region", .string)])

func joinCatalog() -> FakeCatalog {
    let c = catalog()
    c.entries["countries"] = .source(countries)
    return c
}

func optimizedJoin(_ sql: String) throws -> LogicalPlan {
    let plan = try Binder(catalog: joinCatalog()).bind(try parseQuery(sql))
    return Optimizer { _ in nil }.optimize(plan)
}

func joinError(_ sql: String) -> String? {
    do {
        _ = try Binder(catalog: joinCatalog()).bind(try parseQuery(sql))
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct JoinBinderTests {
    @Test func equalitiesBecomeKeysAndOneSidedFiltersMoveDown() throws {
        let plan = try optimizedJoin("SELECT c.region, count(*) FROM events e JOIN countries c ON e.country = c.code AND c.region <> 'Asia' WHERE e.amount > 1.5 GROUP BY c.region")
        #expect(plan.treeString == """
        Project [region, count(*) AS count(1)]
        +- Aggregate keys: [region] aggregates: [count(*)]
           +- Join Inner keys: [country = c.code]
              :- Scan csv events [country, amount] filters: [(amount > 1.5)]
              +- Scan csv countries [code, region] filters: [(region <> 'Asia')]
        """)
    }

    @Test func leftJoinKeepsAWhereOnTheRightAboveTheJoin() throws {
        let plan = try optimizedJoin("SELECT e.user_id FROM events e LEFT JOIN countries c ON e.country = c.code WHERE c.code IS NULL")
        #expect(plan.treeString == """
        Project [user_id]
        +- Filter (code IS NULL)
           +- Join LeftOuter keys: [country = c.code]
              :- Scan csv events [user_id, country]
              +- Scan csv countries [code]
        """)
    }

    @Test func ambiguousColumnNamesBothTables() {
        let c = joinCatalog()
        c.entries["more"] = .source(FakeSource("more", [("code", .string)]))
        do {
            _ = try Binder(catalog: c).bind(try parseQuery("SELECT code FROM countries a JOIN more b ON a.code = b.code"))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "[AMBIGUOUS_REFERENCE] Reference `code` is ambiguous, could be: [`a`.`code`, `b`.`code`]. (line 1, column 8)")
        }
    }

    @Test func unionBranchesWithDifferentColumnCounts() {
        #expect(joinError("SELECT code, name FROM countries UNION ALL SELECT code FROM countries") == "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same number of columns, but the first input has 2 columns and the 2nd input has 1 columns. (line 1, column 34)")
    }

    @Test func unionWidensTypes() throws {
        let plan = try optimizedJoin("SELECT user_id FROM events UNION ALL SELECT amount FROM events")
        #expect(plan.schema == [Field(name: "user_id", type: .double)])
    }

    @Test func usingOutputsTheJoinColumnOnce() throws {
        let c = joinCatalog()
        c.entries["names"] = .source(FakeSource("names", [("code", .string), ("label", .string)]))
        let plan = try Binder(catalog: c).bind(try parseQuery("SELECT * FROM countries JOIN names USING (code)"))
        #expect(plan.schema.map(\.name) == ["code", "name", "region", "label"])
    }
}
