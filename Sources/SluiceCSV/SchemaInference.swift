/// Column names from the first record, and column types from a sample of the data.
///
/// Unlike Spark, which reads every file in full to infer types, sluice samples: up to
/// `sampleRecordsPerFile` records (and `sampleBytesPerFile` bytes) from the start of each
/// of up to `sampleFiles` files spread evenly over the listing, thinned further by
/// `samplingRatio`. A value read later that contradicts the inferred type is a FAILFAST
/// error naming the row and telling how to declare the type.
///
/// Types of one value, as Spark's `CSVInferSchema` tries them: BIGINT (`Long.parseLong`;
/// Spark gives INT when a value fits 32 bits), DOUBLE (Java's syntax with `NaN`,
/// `Infinity`, and the nanValue/positiveInf/negativeInf options), DATE (`yyyy-MM-dd` or
/// `dateFormat`, when `preferDate`), TIMESTAMP (`yyyy-MM-dd[ T]HH:mm[:ss[.f]][zone]` or
/// `timestampFormat`), BOOLEAN (`true`/`false`, any case), else STRING. Across values:
/// BIGINT and DOUBLE give DOUBLE, DATE and TIMESTAMP give TIMESTAMP, any other mix gives
/// STRING; NULLs are ignored; a column with only NULLs is STRING.
enum SchemaInference {
    /// A record's fields as text (`nil` for NULL), and which file it came from.
    struct FirstRecord {
        var values: [String?]
        var fileIndex: Int
    }

    /// Spark's `maxColumns` default: the most fields the first record may have.
    static let maxColumns = 20480

    /// The first non-blank record of the first file that has one.
    static func firstRecord(files: [InputFile], options: CSVOptions) throws(CSVError) -> FirstRecord? {
        for (i, f) in files.enumerated() where f.size > 0 {
            var values: [String?]? = nil
            try PrefixScan.run(path: f.path, size: f.size, options: options, maxBytes: 64 << 10, maxRecords: 1,
                               slots: maxColumns) { buf, index, decoder in
                guard index.count > 0 else { return }
                let n = min(Int(index.recordFields[0]), maxColumns)
                var out: [String?] = []
                out.reserveCapacity(n)
                for c in 0..<n {
                    if let (p, len) = decoder.text(buf, index.start(c), index.lengthAndFlags(c)) {
                        out.append(String(decoding: UnsafeBufferPointer(start: p, count: len), as: UTF8.self))
                    } else {
                        out.append(nil)
                    }
                }
                values = out
            }
            if let values { return FirstRecord(values: values, fileIndex: i) }
        }
        return nil
    }

    /// Spark's `CSVDataSource.makeSafeHeader`: an empty or NULL name becomes `_c<i>`; names
    /// that occur more than once (ignoring case) get their 0-based position appended.
    static func safeHeader(_ row: [String?], nullValue: String) -> [String] {
        var counts: [String: Int] = [:]
        for case let name? in row { counts[name.lowercased(), default: 0] += 1 }
        return row.enumerated().map { i, value in
            guard let name = value, !name.isEmpty, name != nullValue else { return "_c\(i)" }
            return counts[name.lowercased(), default: 0] > 1 ? "\(name)\(i)" : name
        }
    }

    /// The type of each of `columns` columns, from a sample of the files.
    static func inferTypes(files: [InputFile], options: CSVOptions, columns: Int) throws(CSVError) -> [DataType] {
        var kinds = [Kind](repeating: .null, count: columns)
        let candidates = files.filter { $0.size > 0 }
        let picked: [InputFile]
        if candidates.count <= options.sampleFiles {
            picked = candidates
        } else {
            picked = (0..<options.sampleFiles).map { candidates[$0 * candidates.count / options.sampleFiles] }
        }
        let classifier = try ValueClassifier(options: options)
        for f in picked {
            try PrefixScan.run(path: f.path, size: f.size, options: options, maxBytes: options.sampleBytesPerFile,
                               maxRecords: options.sampleRecordsPerFile + (options.header ? 1 : 0),
                               slots: columns) { buf, index, decoder in
                var taken = 0
                for r in 0..<index.count {
                    if options.header && r == 0 { continue }
                    let k = taken
                    taken += 1
                    if k > 0 && options.samplingRatio < 1 {
                        let ratio = options.samplingRatio
                        if (Double(k) * ratio).rounded(.down) == (Double(k - 1) * ratio).rounded(.down) { continue }
                    }
                    if index.recordProblem[r] != .none { continue }
                    let n = min(Int(index.recordFields[r]), columns)
                    let base = r * index.stride
                    for c in 0..<n {
                        guard let (p, len) = decoder.text(buf, index.start(base + c), index.lengthAndFlags(base + c)) else { continue }
                        if kinds[c] == .string { continue }
                        kinds[c] = widen(kinds[c], classifier.kind(p, len))
                    }
                }
            }
        }
        return kinds.map(\.type)
    }

    enum Kind {
        case null, boolean, bigint, double, date, timestamp, string

        var type: DataType {
            switch self {
            case .null, .string: return .string
            case .boolean: return .boolean
            case .bigint: return .bigint
            case .double: return .double
            case .date: return .date
            case .timestamp: return .timestamp
            }
        }
    }

    /// Spark's `CSVInferSchema.compatibleType`, restricted to sluice's types.
    static func widen(_ a: Kind, _ b: Kind) -> Kind {
        switch (a, b) {
        case (.null, _): return b
        case (_, .null): return a
        case _ where a == b: return a
        case (.bigint, .double), (.double, .bigint): return .double
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return .string
        }
    }

    /// The narrowest type one value reads as.
    struct ValueClassifier {
        let dateFormat: DateTimePattern?
        let timestampFormat: DateTimePattern?
        let preferDate: Bool
        let specials: [[UInt8]]

        init(options: CSVOptions) throws(CSVError) {
            dateFormat = try options.dateFormat.map { (p) throws(CSVError) in try compilePattern(p, option: "dateFormat") }
            timestampFormat = try options.timestampFormat.map { (p) throws(CSVError) in try compilePattern(p, option: "timestampFormat") }
            preferDate = options.preferDate
            specials = [options.nanValue, options.positiveInf, options.negativeInf].map { Array($0.utf8) }
        }

        func kind(_ p: UnsafePointer<UInt8>, _ n: Int) -> Kind {
            if FieldParsers.int64(p, n) != nil { return .bigint }
            if FieldParsers.double(p, n) != nil { return .double }
            for s in specials where s.withUnsafeBufferPointer({ FieldParsers.equals(p, n, $0) }) { return .double }
            let text = UnsafeBufferPointer(start: p, count: n)
            if preferDate {
                if let f = dateFormat {
                    if f.parseDays(text) != nil { return .date }
                } else if FieldParsers.isoDate(p, n) != nil {
                    return .date
                }
            }
            if let f = timestampFormat {
                if f.parse(text) != nil { return .timestamp }
            } else if FieldParsers.inferableTimestamp(p, n) || (!preferDate && FieldParsers.isoDate(p, n) != nil) {
                return .timestamp
            }
            if FieldParsers.bool(p, n) != nil { return .boolean }
            return .string
        }
    }
}
