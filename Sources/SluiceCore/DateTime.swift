/// Calendar arithmetic on the proleptic Gregorian calendar, in UTC, with dates as days
/// since 1970-01-01 and timestamps as microseconds since the epoch (Spark's encodings).
public enum DateTime {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Days since the epoch of a civil date (Howard Hinnant's `days_from_civil`).
    @inlinable
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number (Hinnant's `civil_from_days`).
    @inlinable
    public static func civil(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    @inlinable
    public static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    @inlinable
    public static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Floor division of a timestamp into its day.
    @inlinable
    public static func day(ofMicros t: Int64) -> Int64 {
        let q = t / microsPerDay
        return t % microsPerDay < 0 ? q - 1 : q
    }

    /// `yyyy-MM-dd`.
    public static func formatDate(_ days: Int64) -> String {
        let (y, m, d) = civil(days)
        // Years past 9999 carry a sign, as Spark (java.time) prints them.
        return (y > 9999 ? "+" : "") + pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// `yyyy-MM-dd HH:mm:ss`, with `.ffffff` (trailing zeros dropped) when there is a fraction.
    public static func formatTimestamp(_ micros: Int64) -> String {
        let day = day(ofMicros: micros)
        var rem = micros - day * microsPerDay
        let frac = rem % microsPerSecond
        rem /= microsPerSecond
        var s = formatDate(day) + " " + pad(rem / 3600, 2) + ":" + pad(rem / 60 % 60, 2) + ":" + pad(rem % 60, 2)
        if frac != 0 {
            var f = pad(frac, 6)
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        return s
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let neg = v < 0
        var s = String(neg ? -v : v)
        while s.count < width { s = "0" + s }
        return neg ? "-" + s : s
    }

    /// Parses `yyyy-MM-dd` (also `yyyy-M-d`, as Spark's lenient cast accepts, and a
    /// trailing `T...` or ` ...` time part, which is ignored as Spark's CAST to DATE does).
    public static func parseDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = bytes.count
        func number(_ maxDigits: Int) -> Int64? {
            var v: Int64 = 0, k = 0
            while i < n, k < maxDigits, bytes[i] >= 48, bytes[i] <= 57 {
                v = v * 10 + Int64(bytes[i] - 48); i += 1; k += 1
            }
            return k == 0 ? nil : v
        }
        guard n >= 8, let y = number(4), i < n, bytes[i] == 45 else { return nil }
        i += 1
        guard let m = number(2), i < n, bytes[i] == 45 else { return nil }
        i += 1
        guard let d = number(2) else { return nil }
        if i < n && bytes[i] != 32 && bytes[i] != 84 { return nil }
        guard (1...12).contains(m), d >= 1, d <= daysInMonth(y, m) else { return nil }
        return days(year: y, month: m, day: d)
    }

    /// Parses `yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]][Z|±HH:mm]` into microseconds (UTC).
    public static func parseTimestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = bytes.count
        var i = 0
        func number(_ digits: Int) -> Int64? {
            var v: Int64 = 0, k = 0
            while i < n, k < digits, bytes[i] >= 48, bytes[i] <= 57 {
                v = v * 10 + Int64(bytes[i] - 48); i += 1; k += 1
            }
            return k == 0 ? nil : v
        }
        guard let y = number(4), i < n, bytes[i] == 45 else { return nil }
        i += 1
        guard let mo = number(2), i < n, bytes[i] == 45 else { return nil }
        i += 1
        guard let d = number(2), (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo) else { return nil }
        var micros = days(year: y, month: mo, day: d) * microsPerDay
        if i == n { return micros }
        guard bytes[i] == 32 || bytes[i] == 84 else { return nil }
        i += 1
        guard let h = number(2), h < 24, i < n, bytes[i] == 58 else { return nil }
        i += 1
        guard let mi = number(2), mi < 60 else { return nil }
        var s: Int64 = 0
        if i < n && bytes[i] == 58 {
            i += 1
            guard let sec = number(2), sec < 60 else { return nil }
            s = sec
        }
        micros += (h * 3600 + mi * 60 + s) * microsPerSecond
        if i < n && bytes[i] == 46 {
            i += 1
            var frac: Int64 = 0, k = 0
            while i < n, bytes[i] >= 48, bytes[i] <= 57 {
                if k < 6 { frac = frac * 10 + Int64(bytes[i] - 48) }
                i += 1; k += 1
            }
            guard k > 0 else { return nil }
            for _ in min(k, 6)..<6 { frac *= 10 }
            micros += frac
        }
        if i < n {
            if bytes[i] == 90 && i + 1 == n { return micros }
            guard bytes[i] == 43 || bytes[i] == 45 else { return nil }
            let sign: Int64 = bytes[i] == 45 ? -1 : 1
            i += 1
            guard let oh = number(2), i < n, bytes[i] == 58 else { return nil }
            i += 1
            guard let om = number(2), i == n else { return nil }
            micros -= sign * (oh * 3600 + om * 60) * microsPerSecond
        }
        return micros
    }

    public static func parseDate(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseDate($0) }
    }

    public static func parseTimestamp(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseTimestamp($0) }
    }

    /// Java's `Double.toString`: decimal notation for 1e-3 <= |d| < 1e7, otherwise
    /// `d.dddE±n`; always at least one digit after the point; shortest round-trip digits.
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Between 1e-3 and 1e7 Swift's description is already Java's layout: the shortest
        // round-trip digits, a point, at least one digit after it.
        let magnitude = Swift.abs(d)
        if magnitude >= 1e-3 && magnitude < 1e7 { return d.description }
        // Swift's description gives the shortest round-trip digits; re-lay them out.
        let desc = "\(Swift.abs(d))"
        var digits = ""
        var exp = 0
        var mantissa = Substring(desc)
        if let e = desc.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp = Int(desc[desc.index(after: e)...])!
            mantissa = desc[..<e]
        }
        var pointPos: Int
        if let dot = mantissa.firstIndex(of: ".") {
            let intPart = mantissa[..<dot], fracPart = mantissa[mantissa.index(after: dot)...]
            digits = String(intPart) + String(fracPart)
            pointPos = intPart.count
        } else {
            digits = String(mantissa)
            pointPos = digits.count
        }
        pointPos += exp
        // Strip leading zeros (0.00123 → digits 000123, point 1).
        while digits.count > 1 && digits.first == "0" { digits.removeFirst(); pointPos -= 1 }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        let sci = pointPos - 1 // decimal exponent of the first digit
        var out = d < 0 ? "-" : ""
        let a = Swift.abs(d)
        if a >= 1e-3 && a < 1e7 {
            if pointPos <= 0 {
                out += "0." + String(repeating: "0", count: -pointPos) + digits
            } else if pointPos >= digits.count {
                out += digits + String(repeating: "0", count: pointPos - digits.count) + ".0"
            } else {
                let idx = digits.index(digits.startIndex, offsetBy: pointPos)
                out += digits[..<idx] + "." + digits[idx...]
            }
        } else {
            let first = digits.prefix(1)
            var rest = String(digits.dropFirst())
            if rest.isEmpty { rest = "0" }
            out += first + "." + rest + "E" + String(sci)
        }
        return out
    }
}
