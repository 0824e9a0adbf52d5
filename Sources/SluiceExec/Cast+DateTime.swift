/// Casts to and between DATE and TIMESTAMP, with Spark's lenient text forms
/// (`SparkDateTimeUtils.stringToDate` / `parseTimestampString`), after trimming
/// whitespace and control characters:
///
/// ```
///  DATE       [+-]yyyy*   [+-]yyyy*-[m]m   [+-]yyyy*-[m]m-[d]d   followed by ' ' or 'T' and anything
///  TIMESTAMP  [+-]yyyy*[-[m]m[-[d]d[( |T)[h]h[:[m]m[:[s]s[.fraction]]][zone]]]]
///             [h]h:[m]m[:[s]s[.fraction]][zone]      T[h]h:[m]m...      (today's date)
///  zone       Z | (+|-)h[h][[:]mm[[:]ss]] | UTC|GMT|UT[(+|-)offset] | EST | MST | HST
/// ```
/// Years have 4 to 7 digits for a DATE and 4 to 6 for a TIMESTAMP; fractions beyond
/// microseconds are dropped. Region names (`Europe/Paris`) are not recognised: sluice
/// keeps no time-zone database, and timestamps are in UTC.
extension Cast {
    /// A DATE as the days since the epoch, or `nil` when the text is not a date.
    static func parseDate(_ p: UnsafeBufferPointer<UInt8>) -> Int64? {
        let r = trimmed(p)
        var j = r.lowerBound
        let end = r.upperBound
        if j == end { return nil }
        // year, month, day; no array, as this runs once per row
        var segments: (Int64, Int64, Int64) = (1, 1, 1)
        var sign: Int64 = 1
        var i = 0, value: Int64 = 0, digits = 0
        func valid(_ segment: Int, _ digits: Int) -> Bool {
            segment == 0 ? (digits >= 4 && digits <= 7) : (digits > 0 && digits <= 2)
        }
        func store(_ v: Int64) {
            switch i {
            case 0: segments.0 = v
            case 1: segments.1 = v
            default: segments.2 = v
            }
        }
        if p[j] == 45 || p[j] == 43 {
            sign = p[j] == 45 ? -1 : 1
            j += 1
        }
        while j < end && p[j] != 32 && p[j] != 84 {
            let b = p[j]
            if i < 2 && b == 45 {
                if !valid(i, digits) { return nil }
                store(value)
                value = 0
                digits = 0
                i += 1
            } else {
                let d = b &- 48
                if d > 9 { return nil }
                value = value * 10 + Int64(d)
                digits += 1
            }
            j += 1
        }
        if !valid(i, digits) { return nil }
        // `yyyy` and `yyyy-[m]m` must be the whole text.
        if i < 2 && j < end { return nil }
        store(value)
        let (y, m, d) = (sign * segments.0, segments.1, segments.2)
        guard (1...12).contains(m), d >= 1, d <= DateTime.daysInMonth(y, m) else { return nil }
        return DateTime.days(year: y, month: m, day: d)
    }

    /// A TIMESTAMP as microseconds since the epoch (UTC), or `nil` when the text is not one.
    static func parseTimestamp(_ p: UnsafeBufferPointer<UInt8>) -> Int64? {
        // The segments live on the stack: this runs once per row.
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: 9) { segments in
            parseTimestamp(p, segments)
        }
    }

    private static func parseTimestamp(_ p: UnsafeBufferPointer<UInt8>, _ segments: UnsafeMutableBufferPointer<Int64>) -> Int64? {
        let r = trimmed(p)
        var j = r.lowerBound
        let end = r.upperBound
        if j == end { return nil }
        // year, month, day, hour, minute, second, microsecond, zone hour, zone minute
        for k in 0..<9 { segments[k] = k < 3 ? 1 : 0 }
        var i = 0, value: Int64 = 0, digits = 0
        var fractionDigits = 0
        var justTime = false
        var yearSign: Int64? = nil
        var zone: Range<Int>? = nil
        func valid(_ segment: Int, _ digits: Int) -> Bool {
            switch segment {
            case 6: return true
            case 0: return digits >= 4 && digits <= 6
            case 7: return digits <= 2
            default: return digits > 0 && digits <= 2
            }
        }
        // A separator closes the current segment.
        func close() -> Bool {
            if !valid(i, digits) { return false }
            segments[i] = value
            value = 0
            digits = 0
            return true
        }
        if p[j] == 45 || p[j] == 43 {
            yearSign = p[j] == 45 ? -1 : 1
            j += 1
        }
        while j < end {
            let b = p[j]
            let d = b &- 48
            if d <= 9 {
                if i == 6 { fractionDigits += 1 }
                if i != 6 || digits < 6 { value = value * 10 + Int64(d) }
                digits += 1
                j += 1
                continue
            }
            if j == 0 && b == 84 {
                justTime = true
                i += 3
            } else if i < 2 {
                if b == 45 {
                    guard close() else { return nil }
                    i += 1
                } else if i == 0 && b == 58 && yearSign == nil {
                    // `hh:mm...`: the first number was the hour.
                    justTime = true
                    guard valid(3, digits) else { return nil }
                    segments[3] = value
                    value = 0
                    digits = 0
                    i = 4
                } else {
                    return nil
                }
            } else if i == 2 {
                guard b == 32 || b == 84, close() else { return nil }
                i += 1
            } else if i == 3 || i == 4 {
                guard b == 58, close() else { return nil }
                i += 1
            } else if i == 5 || i == 6 {
                if b == 46 && i == 5 {
                    guard close() else { return nil }
                    i += 1
                } else {
                    guard close() else { return nil }
                    i += 1
                    zone = j..<end
                    j = end - 1
                }
                if i == 6 && b != 46 { i += 1 }
            } else {
                guard i < 9, b == 58 || b == 32, close() else { return nil }
                i += 1
            }
            j += 1
        }
        guard valid(i, digits), i < segments.count else { return nil }
        segments[i] = value
        var micros = segments[6]
        for _ in Swift.min(fractionDigits, 6)..<6 { micros *= 10 }
        var offsetSeconds: Int64 = 0
        if let zone {
            guard let seconds = zoneOffsetSeconds(UnsafeBufferPointer(rebasing: p[zone])) else { return nil }
            offsetSeconds = seconds
        }
        let (h, mi, s) = (segments[3], segments[4], segments[5])
        guard h >= 0 && h < 24, mi >= 0 && mi < 60, s >= 0 && s < 60 else { return nil }
        let days: Int64
        if justTime {
            // Today, in the zone of the text (or UTC).
            days = DateTime.day(ofMicros: ScalarFunctions.runStart &+ offsetSeconds &* DateTime.microsPerSecond)
        } else {
            let (y, m, d) = (segments[0] * (yearSign ?? 1), segments[1], segments[2])
            guard (1...12).contains(m), d >= 1, d <= DateTime.daysInMonth(y, m) else { return nil }
            days = DateTime.days(year: y, month: m, day: d)
        }
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offsetSeconds
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: DateTime.microsPerSecond)
        let (result, overflow2) = whole.addingReportingOverflow(micros)
        return overflow || overflow2 ? nil : result
    }

    /// The offset east of UTC of a zone written after a timestamp (Java's `ZoneId.of` with
    /// `SHORT_IDS`, for the ids that need no time-zone database), `nil` if unknown.
    static func zoneOffsetSeconds(_ raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        let r = trimmed(raw)
        let text = String(decoding: UnsafeBufferPointer(rebasing: raw[r]), as: UTF8.self)
        switch text {
        case "Z", "UTC", "GMT", "UT": return 0
        case "EST": return -5 * 3600
        case "MST": return -7 * 3600
        case "HST": return -10 * 3600
        default: break
        }
        for prefix in ["UTC", "GMT", "UT"] where text.hasPrefix(prefix) {
            let rest = text.dropFirst(prefix.count)
            guard let first = rest.first, first == "+" || first == "-" else { return nil }
            return offset(rest)
        }
        guard let first = text.first, first == "+" || first == "-" else { return nil }
        return offset(Substring(text))
    }

    /// `ZoneOffset.of`: `±h`, `±hh`, `±hh:mm`, `±hhmm`, `±hh:mm:ss`, `±hhmmss`, at most
    /// ±18:00 (Spark first widens `±h:` to `±0h:` and `±hh:m` to `±hh:0m`).
    private static func offset(_ s: Substring) -> Int64? {
        let sign: Int64 = s.first == "-" ? -1 : 1
        var body = Array(s.dropFirst().utf8)
        // Spark's getZoneId: "+1:00" → "+01:00", "+01:0" → "+01:00".
        if body.count >= 2 && body[1] == 58 { body.insert(48, at: 0) }
        if body.count == 4 && body[2] == 58 { body.insert(48, at: 3) }
        func number(_ a: Int, _ b: Int) -> Int64? {
            guard b <= body.count else { return nil }
            var v: Int64 = 0
            for k in a..<b {
                let d = body[k] &- 48
                if d > 9 { return nil }
                v = v * 10 + Int64(d)
            }
            return v
        }
        var h: Int64?, m: Int64 = 0, sec: Int64 = 0
        switch body.count {
        case 1, 2: h = number(0, body.count)
        case 4:
            h = number(0, 2)
            guard let mm = number(2, 4) else { return nil }
            m = mm
        case 5:
            guard body[2] == 58, let mm = number(3, 5) else { return nil }
            h = number(0, 2)
            m = mm
        case 6:
            h = number(0, 2)
            guard let mm = number(2, 4), let ss = number(4, 6) else { return nil }
            (m, sec) = (mm, ss)
        case 8:
            guard body[2] == 58, body[5] == 58, let mm = number(3, 5), let ss = number(6, 8) else { return nil }
            h = number(0, 2)
            (m, sec) = (mm, ss)
        default:
            return nil
        }
        guard let hours = h, hours <= 18, m < 60, sec < 60 else { return nil }
        let total = hours * 3600 + m * 60 + sec
        guard total <= 18 * 3600 else { return nil }
        return sign * total
    }

    /// DATE → TIMESTAMP: midnight UTC of the day.
    static func dateToTimestamp(_ days: [Int64], _ ctx: inout CastContext) throws -> [Int64] {
        var out = [Int64](repeating: 0, count: days.count)
        for i in 0..<days.count where !ctx.isNull(i) {
            let (v, overflow) = days[i].multipliedReportingOverflow(by: DateTime.microsPerDay)
            if overflow { throw EvalError(.arithmeticOverflow(typeName: "long", tryFunction: ""), row: i) }
            out[i] = v
        }
        return out
    }
}
