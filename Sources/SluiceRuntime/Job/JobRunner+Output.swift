import struct Foundation.Date

/// An INSERT, bound and checked: the query (data columns, then the dynamic partition
/// columns, cast to the target's types) and where and how its rows are written.
struct InsertPlan {
    /// `table t` or `directory 'p'`, for messages.
    var target: String
    var location: String
    var logical: LogicalPlan
    var columnNames: [String]
    var dynamicNames: [String]
    /// `k=v/...` of the static partition columns.
    var staticPrefix: String
    var options: [(String, String)]
    var overwrite: Bool
    var partitioned: Bool
    var table: TableDefinition?
    /// The statement's place in the job.
    var sourceLocation: SourceLocation
}

/// What one INSERT wrote, for the log and the run report.
public struct OutputSummary: Codable, Sendable, Equatable {
    public var location: String
    public var rows: Int
    public var bytes: Int64
    public var files: Int
    public var partitions: Int
    /// Write tasks whose staged files an earlier coordinator of the job left, not run again.
    public var resumedTasks: Int = 0
    /// The epoch that committed the INSERT, when an earlier coordinator of the job did and
    /// this run skipped it.
    public var committedBy: Int? = nil
}

extension JobRunner {
    // MARK: CREATE TABLE

    func createTable(_ t: CreateTable, recover: Bool = true) throws {
        guard t.format.lowercased() == "csv" else {
            throw SQLError("UNSUPPORTED_DATA_SOURCE", "The data source `\(t.format)` is not supported by sluice; it writes csv", at: t.location)
        }
        let key = t.name.name.lowercased()
        if tables[key] != nil || catalog.lookup(key) != nil {
            if t.ifNotExists { return }
            throw SQLError("TABLE_OR_VIEW_ALREADY_EXISTS", "Cannot create table or view `\(t.name.name)` because it already exists. Choose a different name, or add IF NOT EXISTS.", at: t.location)
        }
        func type(_ c: ColumnDefinition) throws -> DataType {
            guard let type = DataType(sparkName: c.typeName), type != .null else {
                throw SQLError("UNSUPPORTED_DATATYPE", "Unsupported data type \"\(c.typeName.uppercased())\" for column \(c.name)", at: c.location)
            }
            return type
        }
        var columns = try t.columns.map { Field(name: $0.name, type: try type($0)) }
        var seen = Set<String>()
        for (c, def) in zip(columns, t.columns) where !seen.insert(c.name.lowercased()).inserted {
            throw SQLError("COLUMN_ALREADY_EXISTS", "The column `\(c.name)` already exists. Choose another name or rename the existing column.", at: def.location)
        }
        var partitions: [Field] = []
        for p in t.partitionedBy {
            if let i = columns.firstIndex(where: { $0.name.lowercased() == p.name.lowercased() }) {
                // Spark's form: a column of the list moves to the end, as a partition column.
                if !p.typeName.isEmpty {
                    throw SQLError("COLUMN_ALREADY_EXISTS", "The partition column `\(p.name)` is also a column of the table: give its type in one place only", at: p.location)
                }
                partitions.append(columns.remove(at: i))
            } else if !p.typeName.isEmpty {
                // Hive's form: an extra column with its type.
                partitions.append(Field(name: p.name, type: try type(p)))
            } else {
                let defined = columns.map { "`\($0.name)`" }.joined(separator: ", ")
                throw SQLError("COLUMN_NOT_DEFINED_IN_TABLE", "PARTITION column `\(p.name)` is not defined in table `\(t.name.name)`, defined table columns are: \(defined).", at: p.location)
            }
        }
        if columns.isEmpty && !t.columns.isEmpty {
            throw SQLError("ALL_PARTITION_COLUMNS_NOT_ALLOWED", "Cannot use all columns for partition columns of table `\(t.name.name)`", at: t.location)
        }
        if t.columns.isEmpty {
            throw SQLError("UNSUPPORTED_FEATURE", "CREATE TABLE needs its columns: sluice does not infer a table's schema (write CREATE TABLE \(t.name.name) (col TYPE, ...))", at: t.location)
        }
        let location = t.path ?? TableDefinition.defaultLocation(key)
        var options: [(String, String)] = []
        for o in t.options.entries where o.key.lowercased() != "path" { options.append((o.key, o.value)) }
        _ = try CSVOptions(options)
        let table = TableDefinition(name: t.name.name, location: location, dataFields: columns, partitionFields: partitions, options: options)
        if recover {
            // A commit that a crash interrupted is finished before the table is read.
            let host = lease?.host ?? HostIdentity.current(settings: settings)
            for line in try OutputCommitter.settle(location: location, lease: lease, host: host, writing: false).lines {
                logger.info("\(line)")
            }
        }
        tables[key] = table
        try catalog.define(table.name, .source(try table.source()), replace: true, at: t.location)
    }

    // MARK: INSERT

    func insert(_ i: InsertTable) throws {
        try write(try plan(i))
    }

    func insert(_ d: InsertDirectory) throws {
        try write(try plan(d))
    }

    /// Binds an INSERT into a table and applies Hive's compile-time rules to its PARTITION
    /// clause, with Hive's messages.
    func plan(_ i: InsertTable) throws -> InsertPlan {
        guard let table = tables[i.table.name.lowercased()] else {
            if catalog.lookup(i.table.name) != nil {
                throw SQLError("Error 10090", "A view cannot be used as target table for LOAD or INSERT: `\(i.table.name)` is a temporary view; create a table with CREATE TABLE ... LOCATION to write into", at: i.table.location)
            }
            throw SQLError("TABLE_OR_VIEW_NOT_FOUND", "The table `\(i.table.name)` cannot be found. Create it first with CREATE TABLE \(i.table.name) (...) USING csv [PARTITIONED BY (...)] LOCATION '...'.", at: i.table.location)
        }
        // Each partition column is static (a value) or dynamic; without a PARTITION
        // clause, or when left out of it, a partition column is dynamic (as in Spark).
        var staticValues: [String: (Expr, SourceLocation)] = [:]
        var mentioned = Set<String>()
        for entry in i.partition ?? [] {
            let key = entry.column.lowercased()
            guard table.partitionFields.contains(where: { $0.name.lowercased() == key }) else {
                throw SQLError("Error 10098", "Partition column in the partition specification does not exist: \(entry.column) is not a partition column of `\(table.name)`", at: entry.location, status: .dataError)
            }
            guard mentioned.insert(key).inserted else {
                throw SQLError("Error 10098", "Partition column \(entry.column) appears twice in the partition specification", at: entry.location, status: .dataError)
            }
            if let v = entry.value { staticValues[key] = (v, entry.location) }
        }
        let dynamic = table.partitionFields.filter { staticValues[$0.name.lowercased()] == nil }
        if !dynamic.isEmpty {
            if !settings.bool("hive.exec.dynamic.partition") {
                throw SQLError("Error 10095", "Dynamic partition is disabled. Either enable it by setting hive.exec.dynamic.partition=true or specify partition column values", at: i.location, status: .dataError)
            }
            if staticValues.isEmpty && settings.string("hive.exec.dynamic.partition.mode") == "strict" {
                throw SQLError("Error 10096", "Dynamic partition strict mode requires at least one static partition column. To turn this off set hive.exec.dynamic.partition.mode=nonstrict", at: i.location, status: .dataError)
            }
            var sawDynamic = false
            for f in table.partitionFields {
                if let (_, loc) = staticValues[f.name.lowercased()] {
                    if sawDynamic {
                        throw SQLError("Error 10094", "Dynamic partition cannot be the parent of a static partition '\(f.name)'", at: loc, status: .dataError)
                    }
                } else {
                    sawDynamic = true
                }
            }
        }
        var prefix: [String] = []
        let binder = Binder(catalog: catalog)
        for f in table.partitionFields {
            guard let (expr, _) = staticValues[f.name.lowercased()] else { break }
            let bound = try binder.bindConstant(expr, as: f.type)
            let value = try ExpressionProgram(bound).evaluate(Chunk(columns: [], count: 1)).value(at: 0)
            prefix.append(HivePartitionPath.directoryName(column: f.name, value: value, defaultName: settings.string("hive.exec.default.partition.name")))
        }
        let expected = table.dataFields + dynamic
        let query = try binder.bind(i.query)
        let fields = query.schema
        if fields.count != expected.count {
            throw SQLError("Error 10044", "Cannot insert into target table because column number/types are different '\(table.name)': Table insclause-0 has \(expected.count) columns, but query has \(fields.count) columns.", at: i.location, status: .dataError)
        }
        return InsertPlan(target: "table \(table.name)", location: table.location, logical: try castTo(query, expected, at: i.location),
                          columnNames: table.dataFields.map(\.name), dynamicNames: dynamic.map(\.name),
                          staticPrefix: prefix.joined(separator: "/"), options: table.options, overwrite: i.overwrite,
                          partitioned: !table.partitionFields.isEmpty, table: table, sourceLocation: i.location)
    }

    func plan(_ d: InsertDirectory) throws -> InsertPlan {
        guard d.format.lowercased() == "csv" else {
            throw SQLError("UNSUPPORTED_DATA_SOURCE", "The data source `\(d.format)` is not supported by sluice; it writes csv", at: d.location)
        }
        let options = d.options.entries.map { ($0.key, $0.value) }
        _ = try CSVOptions(options)
        let query = try Binder(catalog: catalog).bind(d.query)
        return InsertPlan(target: "directory '\(d.path)'", location: d.path, logical: query, columnNames: query.schema.map(\.name),
                          dynamicNames: [], staticPrefix: "", options: options, overwrite: true, partitioned: false, table: nil, sourceLocation: d.location)
    }

    /// The query's columns cast to the target's types, by position (Spark's store
    /// assignment), named as the target's.
    private func castTo(_ query: LogicalPlan, _ target: [Field], at location: SourceLocation) throws -> LogicalPlan {
        let fields = query.schema
        var exprs: [Expression] = []
        for (k, (f, t)) in zip(fields, target).enumerated() {
            let column = Expression.column(k, f.type, name: f.name)
            if f.type == t.type || f.type == .null || (f.type == .int && t.type == .bigint) {
                exprs.append(f.type == .null ? .literal(.null, t.type) : column)
                continue
            }
            guard TypeCoercion.canCast(f.type, t.type) else {
                throw SQLError("INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST", "Cannot write incompatible data for the table: cannot safely cast `\(t.name)` \(f.type) to \(t.type)", at: location)
            }
            exprs.append(TypeCoercion.cast(column, to: t.type))
        }
        return .project(query, exprs, target.map { Field(name: $0.name, type: $0.type) })
    }

    /// The write stage's spec for an INSERT, staged under `staging`.
    func writeSpec(_ p: InsertPlan, staging: String, runID: String) -> WriteSpec {
        WriteSpec(location: p.location, staging: staging, runID: runID, columnNames: p.columnNames, partitionNames: p.dynamicNames,
                  staticPrefix: p.staticPrefix, options: p.options.map { [$0.0, $0.1] },
                  maxRecordsPerFile: settings.int("spark.sql.files.maxRecordsPerFile"),
                  maxPartitionsPerNode: settings.int("hive.exec.max.dynamic.partitions.pernode"),
                  defaultPartitionName: settings.string("hive.exec.default.partition.name"),
                  maxOpenFiles: settings.int("sluice.output.maxOpenFiles"))
    }

    /// Runs an INSERT: stages its files, checks Hive's limits over all tasks, commits.
    /// On any failure the location is left as it was. An INSERT that an earlier
    /// coordinator of the same job committed is skipped; one whose write tasks it partly
    /// finished runs only the others.
    func write(_ p: InsertPlan) throws {
        let optimized = JobRunner.optimizer.optimize(p.logical)
        let lease = try self.lease ?? acquireLease(path: Self.defaultLeasePath(for: p.location), job: "<job>", script: "")
        let runID = Self.newRunID()
        let staging = p.location + "/" + OutputCommitter.stagingName(lease)
        let spec = writeSpec(p, staging: staging, runID: runID)
        let physical = planner.plan(optimized, output: .write(spec))
        let statement = statementNumber
        let fingerprint = statementFingerprint(physical)
        if let done = journal?.committed(statement: statement, fingerprint: fingerprint) {
            // Finished first, if the crash came in the middle of the commit; what else the
            // earlier coordinator left there goes, unless a later INSERT of the job resumes
            // from it.
            let later = journal?.inherited.contains { $0.kind == .task && ($0.statement ?? 0) > statement && $0.location == p.location } ?? false
            for line in try OutputCommitter.settle(location: p.location, lease: lease, host: lease.host, writing: true, adopt: later).lines {
                logger.info("\(line)")
            }
            var summary = done.summary ?? OutputSummary(location: p.location, rows: 0, bytes: 0, files: 0, partitions: 0)
            summary.committedBy = done.epoch
            outputs.append(summary)
            logger.info("statement \(statement) (INSERT into \(p.target)) was committed by epoch \(done.epoch) of this job: not run again")
            try refreshTable(p)
            return
        }
        let finished = journal?.finishedTasks(statement: statement, fingerprint: fingerprint) ?? [:]
        let pauseAt = settings.string("sluice.test.commitPauseAt"), stopAt = settings.string("sluice.test.commitStopAt")
        let committer = try OutputCommitter(location: p.location, runID: runID, lease: lease, adopt: !finished.isEmpty,
                                            pauseAt: pauseAt.isEmpty ? nil : pauseAt, stopAt: stopAt.isEmpty ? nil : stopAt) { [logger] in logger.info("\($0)") }
        // The finished tasks whose files are all in the adopted staging directory.
        var reused: [Int: [WrittenFile]] = [:]
        if committer.adopted {
            reused = try committer.reclaim(finished)
            logger.info("resuming INSERT into \(p.target): \(reused.count) write tasks finished by epoch \(journal?.inheritedEpoch ?? 0) are not run again")
        }
        let journal = self.journal
        let epoch = lease.epoch
        for (t, files) in reused.sorted(by: { $0.key < $1.key }) {
            try journal?.append(.init(kind: .task, epoch: epoch, fingerprint: fingerprint, statement: statement, location: p.location,
                                      task: t, files: files, resumed: true))
        }
        let ledger = TaskLedger(check: { try lease.check() }, finished: reused) { t, files in
            try journal?.append(.init(kind: .task, epoch: epoch, fingerprint: fingerprint, statement: statement, location: p.location, task: t, files: files))
        }
        let written: [WrittenFile]
        do {
            if !reused.isEmpty, let last = physical.stages.last, let tasks = try taskCount(last), (0..<tasks).allSatisfy({ reused[$0] != nil }) {
                // Every write task finished before the takeover: nothing to compute.
                logger.info("all \(tasks) write tasks of INSERT into \(p.target) were finished by epoch \(journal?.inheritedEpoch ?? 0): only the commit is left")
                written = (0..<tasks).flatMap { reused[$0]! }
            } else {
                written = try execute(physical, ledger: ledger).written
            }
            try checkLimits(p, written)
        } catch {
            committer.abort()
            throw error
        }
        let partitionDirs = Set(written.map(\.partition))
        // What the new data replaces: the partitions written (dynamic overwrite), the static
        // spec's subtree, or everything at the location but sluice's own entries.
        var replace: [String] = []
        if p.overwrite {
            if p.partitioned && !p.dynamicNames.isEmpty && settings.string("spark.sql.sources.partitionOverwriteMode") == "dynamic" {
                replace = partitionDirs.sorted()
            } else if p.partitioned && !p.staticPrefix.isEmpty {
                replace = [p.staticPrefix]
            } else {
                replace = try FileSystem.listDirectory(p.location).filter { !$0.hasPrefix(".sluice-") }.sorted()
            }
        }
        let summary = OutputSummary(location: p.location, rows: written.reduce(0) { $0 + $1.rows },
                                    bytes: written.reduce(0) { $0 + $1.bytes }, files: written.count,
                                    partitions: p.partitioned ? partitionDirs.count : 0, resumedTasks: reused.count)
        try committer.commit(written, mode: p.overwrite ? .overwrite : .append, replace: replace) {
            try journal?.append(.init(kind: .commit, epoch: epoch, fingerprint: fingerprint, statement: statement, location: p.location, summary: summary))
        }
        outputs.append(summary)
        logger.info("wrote \(summary.rows) rows to \(p.target): \(summary.files) files\(p.partitioned ? " in \(summary.partitions) partitions" : ""), \(summary.bytes) bytes")
        try refreshTable(p)
    }

    /// The number of tasks of a stage, where it is known before the stages before it run.
    private func taskCount(_ stage: StagePlan) throws -> Int? {
        switch stage.input {
        case .shuffle(_, let partitions): return partitions
        case .scan(let spec): return try (spec.source as? ExecutableSource)?.splits(partitionFilters: spec.partitionFilters, settings: settings).count
        case .oneRow, .gather: return 1
        }
    }

    /// A table written to is read afresh by later statements.
    private func refreshTable(_ p: InsertPlan) throws {
        if let table = p.table {
            try catalog.define(table.name, .source(try table.source()), replace: true, at: p.sourceLocation)
        }
    }

    /// Hive's limits over the whole job, checked before anything is published.
    private func checkLimits(_ p: InsertPlan, _ written: [WrittenFile]) throws {
        let maxFiles = settings.int("hive.exec.max.created.files")
        if written.count > maxFiles {
            throw HiveLimitError("total number of created files now is \(written.count), which exceeds \(maxFiles)")
        }
        guard !p.dynamicNames.isEmpty else { return }
        let partitions = Set(written.map(\.partition)).count
        let maxPartitions = settings.int("hive.exec.max.dynamic.partitions")
        if partitions > maxPartitions {
            throw HiveLimitError("Number of dynamic partitions created is \(partitions), which is more than \(maxPartitions). To solve this try to set hive.exec.max.dynamic.partitions to at least \(partitions).")
        }
        if partitions == 0 && settings.bool("hive.error.on.empty.partition") {
            throw HiveLimitError("This query creates no partitions. To turn off this error, set hive.error.on.empty.partition=false.")
        }
    }

    /// A run id for file names: the time in seconds and 32 random bits, in hex.
    static func newRunID() -> String {
        let t = String(UInt64(Date().timeIntervalSince1970), radix: 16)
        let r = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return t + String(repeating: "0", count: 8 - r.count) + r
    }
}
