/// The run's settings, read once from `SET` statements and command-line flags into typed
/// fields, and passed down; operators never read the environment.
///
/// Keys are Spark's and Hive's own (so a job means the same on Spark); sluice's own start
/// with `sluice.`. Unknown `spark.*`/`hive.*` keys are kept verbatim, as Spark keeps them.
public struct Settings: Sendable, Equatable {
    /// Every key sluice reads, with its default; `explain --spark` prints the ones whose
    /// sluice default differs from Spark's.
    public static let defaults: [String: String] = [
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.files.maxPartitionBytes": "134217728",
        "spark.sql.files.maxRecordsPerFile": "0",
        "spark.sql.shuffle.partitions": "0",
        "spark.sql.ansi.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.autoBroadcastJoinThreshold": "10485760",
        "spark.task.maxFailures": "4",
        "spark.io.compression.zstd.level": "1",
        "hive.exec.dynamic.partition": "true",
        "hive.exec.dynamic.partition.mode": "nonstrict",
        "hive.exec.max.dynamic.partitions": "1000",
        "hive.exec.max.dynamic.partitions.pernode": "100",
        "hive.exec.max.created.files": "100000",
        "hive.exec.default.partition.name": "__HIVE_DEFAULT_PARTITION__",
        "hive.error.on.empty.partition": "false",
        "sluice.workers": "0",
        "sluice.mode": "process",
        "sluice.memory": "0",
        "sluice.scratch": "",
        "sluice.worker.heartbeatTimeout": "10",
        "sluice.shuffle.compress": "auto",
        "sluice.output.maxOpenFiles": "1000",
        "sluice.lease.duration": "15s",
        "sluice.lease.renewDeadline": "10s",
        "sluice.lease.retryPeriod": "2s",
    ]

    /// Settings as written, lower-cased keys not applied: Spark's keys are case-sensitive.
    public private(set) var values: [String: String]

    public init() { values = Settings.defaults }

    /// The raw text of a key, or `nil` if it is neither set nor known.
    public subscript(key: String) -> String? { values[key] }

    /// Sets `key` to `value`, checking the value of every key sluice reads.
    public mutating func set(_ key: String, _ value: String) throws(SettingsError) {
        let v = value.trimmingSpaces()
        switch key {
        case "spark.sql.files.maxPartitionBytes", "hive.exec.max.dynamic.partitions",
             "hive.exec.max.dynamic.partitions.pernode", "hive.exec.max.created.files",
             "spark.task.maxFailures", "sluice.output.maxOpenFiles":
            guard let n = Settings.parseSize(v), n > 0 else { throw .invalid(key: key, value: value, expected: "a positive whole number") }
            values[key] = String(n)
        case "spark.sql.files.maxRecordsPerFile", "spark.sql.shuffle.partitions", "sluice.workers",
             "spark.sql.autoBroadcastJoinThreshold":
            guard let n = Settings.parseSize(v) ?? (v == "-1" ? -1 : nil) else { throw .invalid(key: key, value: value, expected: "a whole number") }
            values[key] = String(n)
        case "sluice.memory":
            guard let n = Settings.parseSize(v), n >= 0 else { throw .invalid(key: key, value: value, expected: "a size such as 512MB or 2GB") }
            values[key] = String(n)
        case "spark.io.compression.zstd.level":
            guard let n = Int(v), (1...22).contains(n) else { throw .invalid(key: key, value: value, expected: "a level from 1 to 22") }
            values[key] = String(n)
        case "spark.sql.sources.partitionOverwriteMode":
            let l = v.lowercased()
            guard l == "dynamic" || l == "static" else { throw .invalid(key: key, value: value, expected: "dynamic or static") }
            values[key] = l
        case "hive.exec.dynamic.partition.mode":
            let l = v.lowercased()
            guard l == "strict" || l == "nonstrict" else { throw .invalid(key: key, value: value, expected: "strict or nonstrict") }
            values[key] = l
        case "spark.sql.ansi.enabled":
            guard v.lowercased() == "true" else {
                throw .invalid(key: key, value: value, expected: "true (sluice runs Spark's ANSI semantics only)")
            }
            values[key] = "true"
        case "hive.exec.dynamic.partition", "hive.error.on.empty.partition":
            let l = v.lowercased()
            guard l == "true" || l == "false" else { throw .invalid(key: key, value: value, expected: "true or false") }
            values[key] = l
        case "sluice.worker.heartbeatTimeout":
            guard let d = Double(v), d > 0 else { throw .invalid(key: key, value: value, expected: "a number of seconds greater than 0") }
            values[key] = String(d)
        case "sluice.lease.duration", "sluice.lease.renewDeadline", "sluice.lease.retryPeriod":
            guard let d = Settings.parseDuration(v), d > 0 else { throw .invalid(key: key, value: value, expected: "a duration such as 15s, 500ms or 2m") }
            values[key] = v
        case "sluice.shuffle.compress":
            let l = v.lowercased()
            guard l == "auto" || l == "true" || l == "false" else { throw .invalid(key: key, value: value, expected: "auto, true or false") }
            values[key] = l
        case "sluice.mode":
            let l = v.lowercased()
            guard l == "process" || l == "thread" else { throw .invalid(key: key, value: value, expected: "process or thread") }
            values[key] = l
        case "spark.sql.session.timeZone":
            let u = v.uppercased()
            guard u == "UTC" || u == "GMT" || u == "Z" || u == "+00:00" || u == "ETC/UTC" else {
                throw .invalid(key: key, value: value, expected: "UTC (sluice computes in UTC only)")
            }
            values[key] = "UTC"
        default:
            if key.hasPrefix("sluice.") && Settings.defaults[key] == nil && !key.hasPrefix("sluice.test.") {
                throw .unknown(key: key, suggestion: Settings.closestKey(to: key))
            }
            values[key] = v
        }
    }

    public func int(_ key: String) -> Int { Int(values[key] ?? Settings.defaults[key] ?? "0") ?? 0 }
    public func bool(_ key: String) -> Bool { (values[key] ?? Settings.defaults[key]) == "true" }
    public func string(_ key: String) -> String { values[key] ?? Settings.defaults[key] ?? "" }
    /// A duration setting in seconds.
    public func seconds(_ key: String) -> Double { Settings.parseDuration(string(key)) ?? 0 }

    /// `15`, `15s`, `500ms`, `2m`, `1h` → seconds (a bare number is seconds).
    public static func parseDuration(_ text: String) -> Double? {
        let t = text.trimmingSpaces().lowercased()
        let number = t.prefix { $0.isNumber || $0 == "." }
        guard let n = Double(number), n.isFinite else { return nil }
        switch t.dropFirst(number.count).trimmingCharacters() {
        case "", "s", "sec", "secs", "second", "seconds": return n
        case "ms", "millis", "milliseconds": return n / 1000
        case "m", "min", "mins", "minute", "minutes": return n * 60
        case "h", "hour", "hours": return n * 3600
        default: return nil
        }
    }

    /// `512`, `64k`, `512MB`, `2g`, `1GiB` → bytes.
    public static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingSpaces().lowercased()
        var digits = ""
        var rest = Substring(t)
        while let c = rest.first, c.isNumber { digits.append(c); rest.removeFirst() }
        guard let n = Int(digits) else { return nil }
        let unit = rest.trimmingCharacters()
        let mult: Int
        switch unit {
        case "", "b": mult = 1
        case "k", "kb", "kib": mult = 1 << 10
        case "m", "mb", "mib": mult = 1 << 20
        case "g", "gb", "gib": mult = 1 << 30
        case "t", "tb", "tib": mult = 1 << 40
        default: return nil
        }
        let (r, o) = n.multipliedReportingOverflow(by: mult)
        return o ? nil : r
    }

    static func closestKey(to key: String) -> String? {
        Settings.defaults.keys.min { editDistance($0, key) < editDistance($1, key) }
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String { String(self).trimmingSpaces() }
}

/// A `SET` or `--set` that sluice cannot accept.
public enum SettingsError: SluiceError {
    case invalid(key: String, value: String, expected: String)
    case unknown(key: String, suggestion: String?)

    public var exitStatus: ExitStatus { .usage }
    public var description: String {
        switch self {
        case .invalid(let key, let value, let expected):
            return "invalid value '\(value)' for setting \(key): expected \(expected)"
        case .unknown(let key, let suggestion):
            return "unknown setting '\(key)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        }
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased().utf8), y = Array(b.lowercased().utf8)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
