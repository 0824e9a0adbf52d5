/// Date and time functions, in UTC (the session time zone) on the proleptic Gregorian
/// calendar, with DATE as days and TIMESTAMP as microseconds since the epoch. This file
/// holds the field extractors and calendar arithmetic; parsing and formatting with a
/// pattern (`to_date`, `to_timestamp`, `date_format`, ...) are in
/// `DateFunctions+Pattern.swift`, truncation in `DateFunctions+Trunc.swift`.
enum DateFunctions {
    static func kernel(_ name: String, _ argTypes: [DataType], _ returnType: DataType) -> ScalarKernel? {
        let t = argTypes.first
        switch (name, argTypes.count) {
        case ("year", 1), ("month", 1), ("day", 1), ("dayofweek", 1), ("weekday", 1), ("dayofyear", 1), ("quarter", 1), ("weekofyear", 1):
            guard t == .date, let f = dateFields[name] else { return nil }
            return { args, n in mapInt64(args[0], n, to: .int, f) }
        case ("hour", 1), ("minute", 1), ("second", 1):
            guard t == .timestamp, let f = timeFields[name] else { return nil }
            return { args, n in mapInt64(args[0], n, to: .int, f) }
        case ("last_day", 1):
            return { args, n in mapInt64(args[0], n, to: .date) { d in
                let (y, m, _) = DateTime.civil(d)
                return DateTime.days(year: y, month: m, day: DateTime.daysInMonth(y, m))
            } }
        case ("date_add", 2): return { args, n in try addDays(args[0], args[1], n, sign: 1) }
        case ("date_sub", 2): return { args, n in try addDays(args[0], args[1], n, sign: -1) }
        case ("datediff", 2): return { args, n in combine(args[0], args[1], n, to: .int) { $0 - $1 } }
        case ("add_months", 2): return { args, n in combine(args[0], args[1], n, to: .date, addMonths) }
        case ("trunc", 2): return { args, n in truncDate(args[0], args[1], n) }
        case ("date_trunc", 2): return { args, n in truncTimestamp(args[0], args[1], n) }
        case ("current_date", 0):
            return { _, n in Column(type: .date, storage: .int64([Int64](repeating: DateTime.day(ofMicros: ScalarFunctions.runStart), count: n))) }
        case ("current_timestamp", 0):
            return { _, n in Column(type: .timestamp, storage: .int64([Int64](repeating: ScalarFunctions.runStart, count: n))) }
        default:
            return patternKernel(name, argTypes, returnType)
        }
    }

    /// The names this file and its extensions implement.
    static var names: [String] {
        Array(dateFields.keys) + Array(timeFields.keys) + [
            "last_day", "date_add", "date_sub", "datediff", "add_months", "trunc", "date_trunc",
            "current_date", "current_timestamp",
        ] + patternNames
    }

    // MARK: Fields

    /// DATE → INT field extractors.
    static let dateFields: [String: @Sendable (Int64) -> Int64] = [
        "year": { DateTime.civil($0).year },
        "month": { DateTime.civil($0).month },
        "day": { DateTime.civil($0).day },
        // 1 = Sunday ... 7 = Saturday; 1970-01-01 was a Thursday.
        "dayofweek": { floorMod($0 + 4, 7) + 1 },
        // 0 = Monday ... 6 = Sunday.
        "weekday": { floorMod($0 + 3, 7) },
        "dayofyear": { d in d - DateTime.days(year: DateTime.civil(d).year, month: 1, day: 1) + 1 },
        "quarter": { (DateTime.civil($0).month - 1) / 3 + 1 },
        "weekofyear": { isoWeek($0) },
    ]

    /// TIMESTAMP → INT field extractors.
    static let timeFields: [String: @Sendable (Int64) -> Int64] = [
        "hour": { floorMod($0, DateTime.microsPerDay) / 3_600_000_000 },
        "minute": { floorMod($0, 3_600_000_000) / 60_000_000 },
        "second": { floorMod($0, 60_000_000) / 1_000_000 },
    ]

    @inline(__always)
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        let r = a % b
        return r < 0 ? r + b : r
    }

    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The ISO-8601 week of the year (weeks start on Monday; week 1 holds the first Thursday).
    static func isoWeek(_ d: Int64) -> Int64 {
        // The Thursday of d's week decides the week-based year.
        let thursday = d - floorMod(d + 3, 7) + 3
        let year = DateTime.civil(thursday).year
        let jan1 = DateTime.days(year: year, month: 1, day: 1)
        return (thursday - jan1) / 7 + 1
    }

    // MARK: Row loops

    /// An Int64-layout → Int64-layout map over one column, NULL in, NULL out.
    @inline(__always)
    static func mapInt64(_ c: Column, _ n: Int, to type: DataType, _ f: (Int64) -> Int64) -> Column {
        let xs = c.int64s
        let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
            xs.withUnsafeBufferPointer { p in for i in 0..<n { buf[i] = f(p[i]) } }
            done = n
        }
        return Column(type: type, storage: .int64(out), validity: c.validity)
    }

    /// A two-column Int64-layout map, NULL where either side is.
    @inline(__always)
    static func combine(_ a: Column, _ b: Column, _ n: Int, to type: DataType, _ f: (Int64, Int64) -> Int64) -> Column {
        let xs = a.int64s, ys = b.int64s
        let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
            xs.withUnsafeBufferPointer { p in ys.withUnsafeBufferPointer { q in for i in 0..<n { buf[i] = f(p[i], q[i]) } } }
            done = n
        }
        return Column(type: type, storage: .int64(out), validity: NullPropagation.union([a, b]))
    }

    // MARK: Arithmetic

    /// `date_add(d, n)` / `date_sub(d, n)`; a result outside the INT range of days overflows.
    static func addDays(_ date: Column, _ days: Column, _ n: Int, sign: Int64) throws -> Column {
        let validity = NullPropagation.union([date, days])
        let out = combine(date, days, n, to: .date) { $0 &+ sign &* $1 }
        let xs = out.int64s
        for i in 0..<n where !MathFunctions.fits(xs[i], .int) && NullPropagation.isValid(validity, i) {
            throw EvalError(.arithmeticOverflow(typeName: "integer", tryFunction: ""), row: i)
        }
        return out
    }

    /// `add_months(d, m)` as `LocalDate.plusMonths`: the day is clamped to the last day of
    /// the resulting month (2024-01-31 + 1 month = 2024-02-29).
    @Sendable
    static func addMonths(_ d: Int64, _ months: Int64) -> Int64 {
        let (y, m, day) = DateTime.civil(d)
        let total = y * 12 + (m - 1) + months
        let ny = floorDiv(total, 12), nm = floorMod(total, 12) + 1
        return DateTime.days(year: ny, month: nm, day: Swift.min(day, DateTime.daysInMonth(ny, nm)))
    }
}
