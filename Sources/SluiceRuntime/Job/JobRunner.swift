import Logging

/// Where tasks run.
public enum ExecutionMode: String, Sendable, CaseIterable {
    /// Worker processes spawned by the supervisor, fed over pipes.
    case process
    /// Threads of this process, chunks handed over in memory.
    case thread
}

/// Options of a run that come from the command line, not from the job.
public struct RunOptions: Sendable {
    public var format: ResultFormat
    public var workers: Int
    public var quiet: Bool
    public var settingOverrides: [(String, String)]
    /// `--lease PATH`; nil for the default, a `.sluice/` folder beside the job's first
    /// output location.
    public var leasePath: String?
    /// `--wait [--wait-timeout D]` or `--no-wait` (the default).
    public var leaseWait: LeaseWait

    public init(format: ResultFormat, workers: Int = 0, quiet: Bool = false, settingOverrides: [(String, String)] = [],
                leasePath: String? = nil, leaseWait: LeaseWait = .noWait) {
        self.format = format
        self.workers = workers
        self.quiet = quiet
        self.settingOverrides = settingOverrides
        self.leasePath = leasePath
        self.leaseWait = leaseWait
    }
}

/// Runs the statements of a job, in order: settings, views, queries (whose rows are
/// printed).
public final class JobRunner {
    public private(set) var settings = Settings()
    let options: RunOptions
    let out: OutputStream
    lazy var catalog = JobCatalog(settings: { [unowned self] in self.settings })
    /// The tables the job created, by lower-cased name.
    var tables: [String: TableDefinition] = [:]
    /// What each INSERT of the run wrote.
    public internal(set) var outputs: [OutputSummary] = []
    /// Rows of query results printed.
    var printedRows = 0
    /// The worker processes, started at the first query that needs them.
    var processes: ProcessExecutor?
    /// Log lines on stderr (worker replacements, retries); silent with --quiet.
    lazy var logger: Logger = {
        var l = Logger(label: "sluice") { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = .info
            return h
        }
        l.logLevel = options.quiet ? .critical : .info
        return l
    }()
    /// `current_timestamp()` for the whole run.
    let runStart = ScalarFunctions.runStart
    /// The memory budget and scratch directory, set up at the first query.
    var memory: RunMemory?
    /// The job's lease, taken before the first statement of a job that writes.
    public internal(set) var lease: Lease?
    /// The job's journal of finished tasks and commits, in the lease directory.
    var journal: JobJournal?
    /// The fingerprint of the job's text and command-line settings.
    var jobFingerprint = ""
    /// 1-based number of the statement running.
    var statementNumber = 0
    /// The live progress line, or a log line per stage.
    lazy var progress = Progress(quiet: options.quiet, logger: logger) { [weak self] in self?.memory?.stats ?? SpillStats() }

    deinit { close() }

    /// Stops the workers, reports what was spilled, removes the scratch directory, and lets
    /// go of the lease.
    public func close() {
        processes?.shutdown()
        processes = nil
        lease?.release()
        lease = nil
        if let memory {
            let spilled = memory.stats
            if spilled.spills > 0 { logger.info("spilled: \(spilled)") }
            memory.close()
            self.memory = nil
        }
    }

    var mode: ExecutionMode { ExecutionMode(rawValue: settings.string("sluice.mode")) ?? .process }

    /// Runs a planned query on threads or on worker processes.
    func execute(_ plan: PhysicalPlan, ledger: TaskLedger? = nil) throws -> QueryOutput {
        if memory == nil { memory = RunMemory(settings: settings, workers: workers) }
        // No task starts once the lease is lost.
        let ledger = ledger ?? lease.map { lease in TaskLedger(check: { try lease.check() }) }
        switch mode {
        case .thread:
            return try LocalExecutor(settings: settings, threads: workers, memory: memory!, progress: progress).run(plan, ledger: ledger)
        case .process:
            if processes == nil {
                processes = ProcessExecutor(settings: settings, workers: workers, runStart: runStart, memory: memory!,
                                            progress: progress, logger: logger)
            }
            return try processes!.run(plan, ledger: ledger)
        }
    }

    public init(options: RunOptions, out: OutputStream = .standardOutput) throws {
        self.options = options
        self.out = out
        SystemInfo.raiseOpenFileLimit()
        for (k, v) in options.settingOverrides { try settings.set(k, v) }
        if options.workers > 0 { try settings.set("sluice.workers", String(options.workers)) }
    }

    /// Workers (threads or processes) this run uses.
    var workers: Int {
        let w = settings.int("sluice.workers")
        return w > 0 ? w : SystemInfo.processorCount
    }

    var shufflePartitions: Int {
        let p = settings.int("spark.sql.shuffle.partitions")
        if p > 0 { return p }
        return workers == 1 ? 1 : workers * 2
    }

    /// The physical planner with this run's settings: shuffle partitions and
    /// `spark.sql.autoBroadcastJoinThreshold`, lowered to what one join of a task may hold
    /// under `--memory`: a broadcast build side is never spilled, so one larger than that
    /// is shuffled instead, where it can spill.
    var planner: PhysicalPlanner {
        let threshold = Int64(settings.int("spark.sql.autoBroadcastJoinThreshold"))
        let share = Int64(RunMemory(settings: settings, workers: workers).operatorBudget([]))
        return PhysicalPlanner(shufflePartitions: shufflePartitions, broadcastThreshold: threshold < 0 ? threshold : min(threshold, share))
    }

    /// Parses and runs a whole job; `file` names it in errors.
    public func run(script: String, file: String?) throws {
        let statements: [Statement]
        do { statements = try parseScript(script) } catch var e as SQLError { e.file = file; throw e }
        try coordinate(statements, script: script, file: file)
        for (n, s) in statements.enumerated() {
            statementNumber = n + 1
            progress.startStatement(n + 1)
            do { try execute(s) } catch var e as SQLError { e.file = file; throw e }
        }
        try journal?.finish()
    }

    /// Runs one query and prints its rows.
    public func query(_ sql: String) throws {
        let q = try parseQuery(sql)
        try execute(.query(q))
    }

    func execute(_ statement: Statement) throws {
        switch statement {
        case .set(let key, let value, let location):
            try executeSet(key, value, at: location)
        case .createSourceView(let v):
            guard v.format.lowercased() == "csv" else {
                throw SQLError("UNSUPPORTED_DATA_SOURCE", "The data source `\(v.format)` is not supported by sluice; it reads csv", at: v.location)
            }
            let source = try CSVSource(options: v.options.entries.map { ($0.key, $0.value) }, columns: v.columns, settings: settings)
            try catalog.define(v.name.name, .source(source), replace: v.orReplace, at: v.location)
        case .createQueryView(let name, let query, let orReplace, let location):
            let plan = try Binder(catalog: catalog).bind(query)
            try catalog.define(name.name, .view(plan), replace: orReplace, at: location)
        case .query(let q):
            let (logical, physical) = try plan(q)
            let output = try execute(physical)
            printedRows += output.chunks.reduce(0) { $0 + $1.count }
            ResultPrinter(format: options.format, out: out).print(fields: logical.schema, chunks: output.chunks)
        case .createTable(let t):
            try createTable(t)
        case .insertTable(let i):
            try insert(i)
        case .insertDirectory(let d):
            try insert(d)
        }
    }

    private func executeSet(_ key: String, _ value: String?, at location: SourceLocation) throws {
        guard let value else {
            let keys = key.isEmpty ? settings.values.keys.sorted() : [key]
            let rows = keys.map { k in [Value.string(k), settings[k].map { .string($0) } ?? .string("<undefined>")] }
            let fields = [Field(name: "key", type: .string), Field(name: "value", type: .string)]
            var builders = [ColumnBuilder(type: .string), ColumnBuilder(type: .string)]
            for r in rows { builders[0].append(r[0]); builders[1].append(r[1]) }
            ResultPrinter(format: options.format, out: out).print(fields: fields, chunks: [Chunk(columns: builders.map { $0.finish() })])
            return
        }
        do {
            try settings.set(key, value)
        } catch {
            throw SQLError("INVALID_CONF_VALUE", error.description, at: location)
        }
    }

    /// The bound and optimized plan of a query, and its stages.
    func plan(_ q: Query) throws -> (LogicalPlan, PhysicalPlan) {
        let bound = try Binder(catalog: catalog).bind(q)
        let optimized = JobRunner.optimizer.optimize(bound)
        let physical = planner.plan(optimized)
        return (optimized, physical)
    }

    /// Folds constants with the same kernels that execution uses.
    static let optimizer = Optimizer { e in
        guard let program = try? ExpressionProgram(e), let c = try? program.evaluate(Chunk(columns: [], count: 1)) else { return nil }
        return c.value(at: 0)
    }

    /// `sluice explain`: every statement, and for each query its plans and stages.
    public func explain(script: String, file: String?) throws -> String {
        let statements: [Statement]
        do { statements = try parseScript(script) } catch var e as SQLError { e.file = file; throw e }
        var text: [String] = []
        for s in statements {
            do {
                switch s {
                case .query(let q):
                    let bound = try Binder(catalog: catalog).bind(q)
                    let optimized = JobRunner.optimizer.optimize(bound)
                    let physical = planner.plan(optimized)
                    text.append("== Logical Plan ==\n\(bound.treeString)\n\n== Optimized Logical Plan ==\n\(optimized.treeString)\n\n== Stages ==\n\(physical.treeString)")
                case .set(let k, let v, _):
                    if let v { try execute(s); text.append("SET \(k)=\(v)") }
                case .createTable(let t):
                    try createTable(t, recover: false)
                case .insertTable(let i):
                    text.append(try explainInsert(try plan(i)))
                case .insertDirectory(let d):
                    text.append(try explainInsert(try plan(d)))
                default:
                    try execute(s)
                }
            } catch var e as SQLError { e.file = file; throw e }
        }
        return text.joined(separator: "\n\n") + "\n"
    }

    /// An INSERT's plans and stages, the last of which writes the files.
    private func explainInsert(_ p: InsertPlan) throws -> String {
        let optimized = JobRunner.optimizer.optimize(p.logical)
        let spec = writeSpec(p, staging: p.location + "/" + OutputCommitter.stagingPrefix + "<epoch>-<lease>", runID: "<run>")
        let physical = planner.plan(optimized, output: .write(spec))
        let mode = p.overwrite ? "overwrite" : "append"
        return "== Insert (\(mode) \(p.target) at \(p.location)) ==\n\n== Logical Plan ==\n\(p.logical.treeString)\n\n== Optimized Logical Plan ==\n\(optimized.treeString)\n\n== Stages ==\n\(physical.treeString)"
    }
}
