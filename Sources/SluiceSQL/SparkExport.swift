/// A parsed job rewritten so that `spark-sql -f` on it gives the result sluice gives: what
/// `sluice explain --spark JOB.sql` prints.
///
/// Where sluice's defaults differ from Spark's, the script spells them out:
///
/// - `SET` lines first, for each setting whose sluice default differs from Spark's
///   (``portableSettings``) and for each `--set` of a Spark or Hive key, unless the job sets
///   the key itself before its first other statement; then the job's statements in order,
///   its own SETs as written.
/// - CSV sources read with `mode 'FAILFAST'` unless `mode` is given; CSV sinks write quotes
///   doubled (`escape '"'`) and keep leading and trailing blanks, as sluice's writer does.
/// - A path in FROM (``csv.`data/events` ``), which sluice reads with a header line and
///   inferred types, becomes a temporary view with those options, created just before
///   the first statement that reads it; the reference keeps its alias, or gets the path as
///   its alias, since sluice qualifies such a source by its alias or else by the path.
/// - Relative paths become absolute, against ``workingDirectory``: Spark resolves them
///   against its own working directory.
/// - Types are written as the type sluice reads them as (`DECIMAL(10,2)` → `DOUBLE`,
///   `SMALLINT` → `INT`, `VARCHAR(5)` → `STRING`), in casts, column lists and the `schema`
///   option; typed Hive-style partition columns (`PARTITIONED BY (dt DATE)`) move into the
///   column list, as Spark's data source tables take them.
///
/// No data is read: only the statements and the settings are needed.
public struct SparkExport: Sendable {
    /// Settings in effect before the job's first statement: sluice's defaults with the
    /// command line's `--set` flags applied.
    public var settings: Settings
    /// The directory relative paths are resolved against: the current directory of the run.
    public var workingDirectory: String

    /// An export for a run with these settings, started in `workingDirectory`.
    public init(settings: Settings = Settings(), workingDirectory: String) {
        self.settings = settings
        self.workingDirectory = workingDirectory
    }

    /// Settings whose sluice default differs from Spark's: written first, with sluice's
    /// value. `spark.sql.ansi.enabled` is on by default only from Spark 4, so it is written
    /// for Spark 3 too; sluice computes in UTC whatever the JVM's zone.
    public static let portableSettings = [
        "spark.sql.sources.partitionOverwriteMode",
        "spark.sql.ansi.enabled",
        "spark.sql.session.timeZone",
    ]

    /// Options a CSV source gets unless the job gives them (Spark's default mode is
    /// PERMISSIVE).
    static let sourceDefaults = [("mode", "FAILFAST")]
    /// Options a CSV sink gets unless the job gives them: Spark's writer escapes a quote as
    /// `\"` and trims values unless told otherwise.
    static let sinkDefaults = [("escape", "\""), ("ignoreLeadingWhiteSpace", "false"), ("ignoreTrailingWhiteSpace", "false")]
    /// Options that hold a path.
    static let pathOptions: Set<String> = ["path", "basepath", "badrecordspath"]

    /// The portable statements: the settings, then the job's statements rewritten, each
    /// preceded by the views its path sources became. Throws on a SET value sluice would
    /// reject, as a run would.
    public func statements(_ job: [Statement]) throws(SQLError) -> [Statement] {
        var out = prefix(job)
        var state = settings
        let rewriter = PortableRewriter(export: self, taken: PortableRewriter.names(in: job))
        for statement in job {
            if case .set(let key, let value?, let location) = statement {
                do {
                    try state.set(key, value)
                } catch {
                    throw SQLError("INVALID_CONF_VALUE", error.description, at: location)
                }
            }
            let rewritten = rewriter.statement(statement)
            out += rewriter.takeNewViews()
            out.append(rewritten)
        }
        return out
    }

    /// The portable script as text.
    public func script(_ job: [Statement]) throws(SQLError) -> String {
        SQLPrinter().render(try statements(job))
    }

    /// The SET statements written before the job's own.
    func prefix(_ job: [Statement]) -> [Statement] {
        // Keys the job sets before doing anything else need no line of their own; a key
        // set later still does, for the statements before it.
        var setFirst: Set<String> = []
        for statement in job {
            guard case .set(let key, let value, _) = statement else { break }
            if value != nil { setFirst.insert(key) }
        }
        let at = SourceLocation(line: 1, column: 1)
        var out: [Statement] = []
        for key in SparkExport.portableSettings where !setFirst.contains(key) {
            out.append(.set(key: key, value: settings.string(key), location: at))
        }
        // `--set` flags: every Spark or Hive key whose value is not sluice's default.
        // sluice's own keys mean nothing to Spark.
        for (key, value) in settings.values.sorted(by: { $0.key < $1.key })
        where !SparkExport.portableSettings.contains(key) && !key.hasPrefix("sluice.") && Settings.defaults[key] != value && !setFirst.contains(key) {
            out.append(.set(key: key, value: value, location: at))
        }
        return out
    }

    /// `path` resolved against ``workingDirectory``; absolute paths and URIs (`file:/x`,
    /// `hdfs://...`) as they are.
    func absolute(_ path: String) -> String {
        if path.isEmpty || path.hasPrefix("/") || SparkExport.hasScheme(path) { return path }
        var rest = Substring(path)
        while rest.hasPrefix("./") {
            rest = rest.dropFirst(2).drop(while: { $0 == "/" })
        }
        var base = workingDirectory
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        if rest.isEmpty || rest == "." { return base }
        return (base == "/" ? "" : base) + "/" + rest
    }

    static func hasScheme(_ path: String) -> Bool {
        guard let colon = path.firstIndex(of: ":"), colon != path.startIndex else { return false }
        let scheme = path[..<colon]
        guard let first = scheme.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
              scheme.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return false }
        return path[colon...].hasPrefix(":/")
    }

    /// The type sluice reads `typeName` as, in Spark's spelling; a type sluice does not
    /// know stays as written.
    static func portableType(_ typeName: String) -> String {
        guard !typeName.isEmpty, let type = DataType(sparkName: typeName), type != .null else { return typeName }
        return type.description
    }

    /// `options` with paths made absolute, the `schema` option's types made portable, and
    /// `defaults` added where the key is not given (in any case).
    func options(_ options: OptionList, adding defaults: [(String, String)], at location: SourceLocation) -> OptionList {
        var out = OptionList()
        for entry in options.entries {
            var value = entry.value
            let key = entry.key.lowercased()
            if SparkExport.pathOptions.contains(key) {
                value = absolute(value)
            } else if key == "schema" {
                value = SparkExport.portableSchema(value)
            }
            out.entries.append((key: entry.key, value: value, location: entry.location))
        }
        for (key, value) in defaults where !options.entries.contains(where: { $0.key.lowercased() == key.lowercased() }) {
            out.entries.append((key: key, value: value, location: location))
        }
        return out
    }

    /// A DDL column list (`a INT, b DECIMAL(10,2)`) with portable types; as written when
    /// sluice's parser does not take it.
    static func portableSchema(_ ddl: String) -> String {
        guard let columns = try? parseColumnList(ddl),
              columns.contains(where: { portableType($0.typeName) != $0.typeName }) else { return ddl }
        return columns.map { SQLPrinter.identifier($0.name) + " " + portableType($0.typeName) }.joined(separator: ", ")
    }
}
