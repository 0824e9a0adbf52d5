/// Hive-style partition directories (`dt=2024-03-05/country=FR/part-0.csv`) turned into
/// typed columns, as Spark's `PartitioningUtils` does.
///
/// ```
///  per file: walk up from its directory to the base, collecting key=value names
///            (stop at the first name that is not key=value once one was found)
///  all files: the same keys in the same order, or an error
///  per key:  infer a type from every raw value, widen across values, then convert
/// ```
///
/// Values are unescaped (`%2F` → `/`) and `__HIVE_DEFAULT_PARTITION__` is NULL. Types,
/// tried in this order on each value: integer (BIGINT in sluice; Spark gives INT when every
/// value fits 32 bits), DOUBLE (Java's syntax), TIMESTAMP (`yyyy-MM-dd HH:mm:ss[.S]`), DATE
/// (`yyyy-MM-dd`), else STRING. Widening follows Spark's
/// `findWiderTypeForPartitionColumn`: a 32-bit integer and a double give DOUBLE, but a
/// 64-bit integer and a double give STRING; DATE and TIMESTAMP give TIMESTAMP; any other
/// mix gives STRING; a column of NULLs only is STRING.
enum PartitionDiscovery {
    static let defaultPartitionName = "__HIVE_DEFAULT_PARTITION__"

    struct Result {
        var schema: [CSVField]
        var values: [[Value]]
    }

    /// `declared` holds types the schema option gives to partition columns (by lower-cased name).
    static func discover(_ files: [ListedFile], options: CSVOptions, declared: [String: DataType]) throws(CSVError) -> Result {
        if options.recursiveFileLookup || files.isEmpty {
            return Result(schema: [], values: files.map { _ in [] })
        }
        var perFile: [[(key: String, raw: String)]] = []
        perFile.reserveCapacity(files.count)
        for f in files { perFile.append(try parsePath(f)) }

        let firstKeys = perFile[0].map { $0.key }
        for (i, kv) in perFile.enumerated() {
            let keys = kv.map { $0.key }
            if keys.map({ $0.lowercased() }) != firstKeys.map({ $0.lowercased() }) {
                throw .conflictingPartitionDirectories(first: FileListing.parent(files[0].path), firstKeys: firstKeys,
                                                       second: FileListing.parent(files[i].path), secondKeys: keys)
            }
        }
        var schema: [CSVField] = []
        var columns: [[Value]] = []
        for (k, key) in firstKeys.enumerated() {
            let raws = perFile.map { $0[k].raw }
            let type: DataType
            if let t = declared[key.lowercased()] {
                type = t
            } else {
                var kind = Kind.null
                for raw in raws { kind = widen(kind, infer(raw)) }
                type = kind.type
            }
            var values: [Value] = []
            values.reserveCapacity(raws.count)
            for (i, raw) in raws.enumerated() {
                guard let v = convert(raw, to: type) else {
                    throw .partitionValueMismatch(path: FileListing.parent(files[i].path), column: key, value: unescape(raw), type: type)
                }
                values.append(v)
            }
            schema.append(CSVField(key, type))
            columns.append(values)
        }
        let values = files.indices.map { i in columns.map { $0[i] } }
        return Result(schema: schema, values: values)
    }

    /// The key=value pairs of a file's directories, top-down.
    static func parsePath(_ file: ListedFile) throws(CSVError) -> [(key: String, raw: String)] {
        let prefix = file.base == "/" ? "/" : file.base + "/"
        guard file.path.hasPrefix(prefix) else { return [] }
        var dirs = file.path.dropFirst(prefix.count).split(separator: "/").map(String.init)
        dirs.removeLast() // the file name
        var found: [(key: String, raw: String)] = []
        var seen = Set<String>()
        for name in dirs.reversed() {
            guard let eq = name.firstIndex(of: "=") else {
                if found.isEmpty { continue }
                break
            }
            let key = unescape(String(name[..<eq]))
            let raw = String(name[name.index(after: eq)...])
            let dir = FileListing.parent(file.path)
            if key.isEmpty { throw .invalidPartitionDirectory(path: dir, reason: "partition directory '\(name)' has an empty key; rename it key=value") }
            if raw.isEmpty { throw .invalidPartitionDirectory(path: dir, reason: "partition directory '\(name)' has an empty value; NULL is written as \(defaultPartitionName)") }
            if !seen.insert(key.lowercased()).inserted {
                throw .invalidPartitionDirectory(path: dir, reason: "partition key \(key) appears twice in the path")
            }
            found.append((key, raw))
        }
        return found.reversed()
    }

    /// Hive's `FileUtils.unescapePathName`: `%XX` (two hex digits) is the byte XX.
    static func unescape(_ s: String) -> String {
        let b = Array(s.utf8)
        guard b.contains(37) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == 37, i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }

    /// The type a single raw value suggests, in Spark's order of attempts.
    enum Kind {
        case null, int, long, decimal, double, timestamp, date, string

        var type: DataType {
            switch self {
            case .null, .string: return .string
            case .int, .long: return .bigint
            case .decimal, .double: return .double
            case .timestamp: return .timestamp
            case .date: return .date
            }
        }
    }

    static func infer(_ raw: String) -> Kind {
        if raw == defaultPartitionName { return .null }
        var r = raw
        return r.withUTF8 { p -> Kind in
            let base = p.baseAddress!, n = p.count
            if FieldParsers.int32(base, n) != nil { return .int }
            if FieldParsers.int64(base, n) != nil { return .long }
            if isBigInteger(p) { return .decimal }
            if FieldParsers.double(base, n) != nil { return .double }
            let text = unescape(raw)
            if partitionTimestamp(text) != nil { return .timestamp }
            var t = text
            if t.withUTF8({ FieldParsers.isoDate($0.baseAddress!, $0.count) }) != nil { return .date }
            return .string
        }
    }

    /// An integer too long for 64 bits (Spark makes it a DECIMAL, which sluice reads as DOUBLE).
    private static func isBigInteger(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if i < p.count && (p[i] == 45 || p[i] == 43) { i += 1 }
        guard i < p.count, p.count - i <= 38 else { return false }
        return p[i...].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func widen(_ a: Kind, _ b: Kind) -> Kind {
        switch (a, b) {
        case (.null, _): return b
        case (_, .null): return a
        case _ where a == b: return a
        case (.int, .long), (.long, .int): return .long
        case (.int, .decimal), (.decimal, .int), (.long, .decimal), (.decimal, .long): return .decimal
        case (.int, .double), (.double, .int): return .double
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return .string
        }
    }

    /// `yyyy-MM-dd HH:mm:ss[.fraction]`, the form Spark's partition values use.
    static func partitionTimestamp(_ text: String) -> Int64? {
        var t = text
        return t.withUTF8 { p -> Int64? in
            guard p.count >= 19, p[10] == 32, p[13] == 58, p[16] == 58 else { return nil }
            if p.count > 19 && p[19] != 46 { return nil }
            return DateTime.parseTimestamp(p)
        }
    }

    /// A raw directory value as a value of `type`; `nil` if it does not fit.
    static func convert(_ raw: String, to type: DataType) -> Value? {
        if raw == defaultPartitionName { return .null }
        var text = unescape(raw)
        return text.withUTF8 { p -> Value? in
            let base = p.baseAddress!, n = p.count
            switch type {
            case .int:
                return FieldParsers.int32(base, n).map { .int($0) }
            case .bigint:
                return FieldParsers.int64(base, n).map { .int($0) }
            case .double:
                return FieldParsers.double(base, n).map { .double($0) }
            case .boolean:
                return FieldParsers.bool(base, n).map { .bool($0) }
            case .date:
                return FieldParsers.date(base, n).map { .date($0) }
            case .timestamp:
                return FieldParsers.timestamp(base, n).map { .timestamp($0) }
            case .string, .null:
                return .string(String(decoding: p, as: UTF8.self))
            }
        }
    }
}
