/// `trunc(date, fmt)` and `date_trunc(fmt, ts)`, with Spark's unit names
/// (`DateTimeUtils.parseTruncLevel`): an unknown unit, or one finer than a day for
/// `trunc`, gives NULL rather than an error.
extension DateFunctions {
    /// Truncation units, finest first, as Spark numbers them.
    enum TruncLevel: Int, Comparable {
        case microsecond, millisecond, second, minute, hour, day, week, month, quarter, year

        static func < (a: TruncLevel, b: TruncLevel) -> Bool { a.rawValue < b.rawValue }

        /// The unit a format names (case-insensitive, not trimmed), `nil` if none.
        init?(_ p: UnsafeBufferPointer<UInt8>) {
            switch String(decoding: p, as: UTF8.self).uppercased() {
            case "MICROSECOND": self = .microsecond
            case "MILLISECOND": self = .millisecond
            case "SECOND": self = .second
            case "MINUTE": self = .minute
            case "HOUR": self = .hour
            case "DAY", "DD": self = .day
            case "WEEK": self = .week
            case "MON", "MONTH", "MM": self = .month
            case "QUARTER": self = .quarter
            case "YEAR", "YYYY", "YY": self = .year
            default: return nil
            }
        }
    }

    /// The first day of the unit `d` falls in (levels of a day and coarser).
    static func truncDays(_ d: Int64, _ level: TruncLevel) -> Int64 {
        switch level {
        case .week:
            return d - floorMod(d + 3, 7)
        case .month:
            let (y, m, _) = DateTime.civil(d)
            return DateTime.days(year: y, month: m, day: 1)
        case .quarter:
            let (y, m, _) = DateTime.civil(d)
            return DateTime.days(year: y, month: (m - 1) / 3 * 3 + 1, day: 1)
        case .year:
            return DateTime.days(year: DateTime.civil(d).year, month: 1, day: 1)
        default:
            return d
        }
    }

    /// The start of the unit the timestamp `t` falls in.
    static func truncMicros(_ t: Int64, _ level: TruncLevel) -> Int64 {
        switch level {
        case .microsecond: return t
        case .millisecond: return t - floorMod(t, 1000)
        case .second: return t - floorMod(t, DateTime.microsPerSecond)
        case .minute: return t - floorMod(t, 60_000_000)
        case .hour: return t - floorMod(t, 3_600_000_000)
        case .day: return t - floorMod(t, DateTime.microsPerDay)
        default: return truncDays(DateTime.day(ofMicros: t), level) * DateTime.microsPerDay
        }
    }

    /// Parses the unit of each row, re-parsing only when the text changes (it is nearly
    /// always one literal).
    static func levels(_ formats: Column, _ n: Int) -> [TruncLevel?] {
        var out = [TruncLevel?](repeating: nil, count: n)
        formats.strings.withByteStrings { v in
            var last: UnsafeBufferPointer<UInt8>? = nil
            var lastLevel: TruncLevel? = nil
            for i in 0..<n where !formats.isNull(i) {
                let p = v[i]
                if let l = last, l.count == p.count, p.isEmpty || memcmpBytes(l.baseAddress!, p.baseAddress!, p.count) == 0 {
                    out[i] = lastLevel
                    continue
                }
                lastLevel = TruncLevel(p)
                last = p
                out[i] = lastLevel
            }
        }
        return out
    }

    /// `trunc(date, fmt)`: units from WEEK to YEAR; anything else is NULL.
    static func truncDate(_ date: Column, _ format: Column, _ n: Int) -> Column {
        let lv = levels(format, n)
        var validity = NullPropagation.union([date, format]) ?? Validity(allValid: n)
        let xs = date.int64s
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            guard let level = lv[i], level >= .week else { validity.setNull(i); continue }
            out[i] = truncDays(xs[i], level)
        }
        return Column(type: .date, storage: .int64(out), validity: validity)
    }

    /// `date_trunc(fmt, ts)`: any unit; an unknown one is NULL.
    static func truncTimestamp(_ format: Column, _ ts: Column, _ n: Int) -> Column {
        let lv = levels(format, n)
        var validity = NullPropagation.union([format, ts]) ?? Validity(allValid: n)
        let xs = ts.int64s
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            guard let level = lv[i] else { validity.setNull(i); continue }
            out[i] = truncMicros(xs[i], level)
        }
        return Column(type: .timestamp, storage: .int64(out), validity: validity)
    }
}
