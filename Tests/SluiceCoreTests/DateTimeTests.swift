import Testing
@testable import SluiceCore

@Suite struct DateTimeCalendarTests {
    @Test func daysFromCivil() {
        #expect(DateTime.days(year: 1970, month: 1, day: 1) == 0)
        #expect(DateTime.days(year: 1969, month: 12, day: 31) == -1)
        #expect(DateTime.days(year: 2000, month: 3, day: 1) == 11017)
        #expect(DateTime.days(year: 2024, month: 2, day: 29) == 19782)
        #expect(DateTime.days(year: 2024, month: 3, day: 5) == 19787)
        #expect(DateTime.days(year: 1, month: 1, day: 1) == -719_162)
        #expect(DateTime.days(year: 0, month: 12, day: 31) == -719_163)
        #expect(DateTime.days(year: 1582, month: 10, day: 15) == -141_427)
        #expect(DateTime.days(year: 9999, month: 12, day: 31) == 2_932_896)
        #expect(DateTime.days(year: -1, month: 1, day: 1) == -719_893)
    }

    @Test func civilFromDays() {
        #expect(DateTime.civil(0) == (1970, 1, 1))
        #expect(DateTime.civil(-1) == (1969, 12, 31))
        #expect(DateTime.civil(19782) == (2024, 2, 29))
        #expect(DateTime.civil(-719_162) == (1, 1, 1))
        #expect(DateTime.civil(-719_163) == (0, 12, 31))
        #expect(DateTime.civil(-719_893) == (-1, 1, 1))
    }

    @Test func civilRoundTrip() {
        var previous = DateTime.civil(-3_000_001)
        for d in Int64(-3_000_000)...3_000_000 where d % 7 == 0 || (-1000...1000).contains(d) {
            let c = DateTime.civil(d)
            #expect(DateTime.days(year: c.year, month: c.month, day: c.day) == d)
            #expect(c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= DateTime.daysInMonth(c.year, c.month))
            previous = c
        }
        _ = previous
    }

    @Test func leapYearsAndMonthLengths() {
        #expect(DateTime.isLeap(2024) && DateTime.isLeap(2000) && DateTime.isLeap(0) && DateTime.isLeap(-4) && DateTime.isLeap(1600))
        #expect(!DateTime.isLeap(2023) && !DateTime.isLeap(1900) && !DateTime.isLeap(2100) && !DateTime.isLeap(-1))
        #expect((1...12).map { DateTime.daysInMonth(2023, Int64($0)) } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        #expect(DateTime.daysInMonth(2024, 2) == 29)
        #expect(DateTime.daysInMonth(1900, 2) == 28)
    }

    @Test func dayOfMicros() {
        let day = DateTime.microsPerDay
        #expect(DateTime.day(ofMicros: 0) == 0)
        #expect(DateTime.day(ofMicros: day - 1) == 0)
        #expect(DateTime.day(ofMicros: day) == 1)
        #expect(DateTime.day(ofMicros: -1) == -1)
        #expect(DateTime.day(ofMicros: -day) == -1)
        #expect(DateTime.day(ofMicros: -day - 1) == -2)
        #expect(DateTime.day(ofMicros: Int64.max) == 106_751_991)
    }
}

@Suite struct DateTimeFormatTests {
    @Test func formatDate() {
        #expect(DateTime.formatDate(0) == "1970-01-01")
        #expect(DateTime.formatDate(-1) == "1969-12-31")
        #expect(DateTime.formatDate(19787) == "2024-03-05")
        #expect(DateTime.formatDate(DateTime.days(year: 1, month: 1, day: 1)) == "0001-01-01")
        #expect(DateTime.formatDate(DateTime.days(year: 0, month: 1, day: 1)) == "0000-01-01")
        #expect(DateTime.formatDate(DateTime.days(year: -44, month: 3, day: 15)) == "-0044-03-15")
        #expect(DateTime.formatDate(DateTime.days(year: 9999, month: 12, day: 31)) == "9999-12-31")
    }

    @Test func formatTimestamp() {
        #expect(DateTime.formatTimestamp(0) == "1970-01-01 00:00:00")
        #expect(DateTime.formatTimestamp(-1) == "1969-12-31 23:59:59.999999")
        #expect(DateTime.formatTimestamp(1_500_000) == "1970-01-01 00:00:01.5")
        #expect(DateTime.formatTimestamp(100) == "1970-01-01 00:00:00.0001")
        #expect(DateTime.formatTimestamp(120_000) == "1970-01-01 00:00:00.12")
        #expect(DateTime.formatTimestamp(19787 * DateTime.microsPerDay + (13 * 3600 + 45 * 60 + 30) * 1_000_000) == "2024-03-05 13:45:30")
        #expect(DateTime.formatTimestamp(-DateTime.microsPerDay) == "1969-12-31 00:00:00")
        #expect(DateTime.formatTimestamp(-DateTime.microsPerDay - 1) == "1969-12-30 23:59:59.999999")
        #expect(DateTime.formatTimestamp(DateTime.days(year: 1900, month: 1, day: 1) * DateTime.microsPerDay + 1) == "1900-01-01 00:00:00.000001")
    }

    @Test func sparkFormatDelegates() {
        #expect(SparkFormat.date(19787) == "2024-03-05")
        #expect(SparkFormat.timestamp(-1) == "1969-12-31 23:59:59.999999")
        #expect(SparkFormat.double(1e7) == "1.0E7")
    }

    @Test func formatDoubleAsJava() {
        let cases: [(Double, String)] = [
            (1.0, "1.0"), (0.001, "0.001"), (1.0E7, "1.0E7"), (1.0E-4, "1.0E-4"), (123456.789, "123456.789"),
            (-0.0, "-0.0"), (0.0, "0.0"), (.nan, "NaN"), (.infinity, "Infinity"), (-.infinity, "-Infinity"),
            (1.2345678901234567E19, "1.2345678901234567E19"), (9999999.0, "9999999.0"), (9999999.999, "9999999.999"),
            (0.0009, "9.0E-4"), (100.0, "100.0"), (-100.5, "-100.5"), (1e21, "1.0E21"), (1e23, "1.0E23"),
            (0.1 + 0.2, "0.30000000000000004"), (12345678.9, "1.23456789E7"), (-1.5e-10, "-1.5E-10"),
            (2e-3, "0.002"), (1e16, "1.0E16"), (.greatestFiniteMagnitude, "1.7976931348623157E308"),
            (123456789012345680.0, "1.2345678901234568E17"), (4.35, "4.35"), (0.3, "0.3"), (-1.0, "-1.0"),
            (1.5e300, "1.5E300"), (2.2250738585072014E-308, "2.2250738585072014E-308"), (1234.5e-2, "12.345"),
        ]
        for (d, text) in cases {
            #expect(DateTime.formatDouble(d) == text, "\(d)")
        }
    }
}

@Suite struct DateTimeParseTests {
    @Test func parseDate() {
        #expect(DateTime.parseDate("2024-03-05") == 19787)
        #expect(DateTime.parseDate("2024-3-5") == 19787)
        #expect(DateTime.parseDate("1970-01-01") == 0)
        #expect(DateTime.parseDate("1969-12-31") == -1)
        #expect(DateTime.parseDate("2024-02-29") == 19782)
        // A time part after ' ' or 'T' is ignored, as Spark's CAST to DATE does.
        #expect(DateTime.parseDate("2024-03-05 13:45:30") == 19787)
        #expect(DateTime.parseDate("2024-03-05T13:45:30Z") == 19787)
        #expect(DateTime.parseDate("2023-02-29") == nil)
        #expect(DateTime.parseDate("2024-02-30") == nil)
        #expect(DateTime.parseDate("2024-13-01") == nil)
        #expect(DateTime.parseDate("2024-00-01") == nil)
        #expect(DateTime.parseDate("2024-01-00") == nil)
        #expect(DateTime.parseDate("2024/03/05") == nil)
        #expect(DateTime.parseDate("2024-03-05x") == nil)
        #expect(DateTime.parseDate("abc") == nil)
        #expect(DateTime.parseDate("") == nil)
    }

    @Test func parseTimestamp() {
        let base = 19787 * DateTime.microsPerDay
        let t = base + (13 * 3600 + 45 * 60 + 30) * 1_000_000
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30") == t)
        #expect(DateTime.parseTimestamp("2024-03-05T13:45:30") == t)
        #expect(DateTime.parseTimestamp("2024-03-05") == base)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45") == t - 30_000_000)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30.5") == t + 500_000)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30.123456") == t + 123_456)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30.123456789") == t + 123_456)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30Z") == t)
        #expect(DateTime.parseTimestamp("2024-03-05T13:45:30.25Z") == t + 250_000)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30+05:30") == t - (5 * 3600 + 1800) * 1_000_000)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30-08:00") == t + 8 * 3600 * 1_000_000)
        #expect(DateTime.parseTimestamp("1969-12-31 23:59:59.999999") == -1)
        #expect(DateTime.parseTimestamp("1900-01-01 00:00:00") == DateTime.days(year: 1900, month: 1, day: 1) * DateTime.microsPerDay)
        #expect(DateTime.parseTimestamp("2024-03-05 24:00:00") == nil)
        #expect(DateTime.parseTimestamp("2024-03-05 13:60:00") == nil)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:60") == nil)
        #expect(DateTime.parseTimestamp("2024-02-30 00:00:00") == nil)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30.") == nil)
        #expect(DateTime.parseTimestamp("2024-03-05 13:45:30 junk") == nil)
        #expect(DateTime.parseTimestamp("2024-03-05x") == nil)
        #expect(DateTime.parseTimestamp("") == nil)
    }

    @Test func formatParseRoundTrip() {
        var x: UInt64 = 7
        for _ in 0..<2000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let t = Int64(bitPattern: x) % 200_000_000_000_000_000
            let text = DateTime.formatTimestamp(t)
            if t >= DateTime.days(year: 0, month: 1, day: 1) * DateTime.microsPerDay {
                #expect(DateTime.parseTimestamp(text) == t, "\(t) -> \(text)")
            }
            let d = DateTime.day(ofMicros: t)
            if d >= 0 - 719_528 {
                #expect(DateTime.parseDate(DateTime.formatDate(d)) == d)
            }
        }
    }
}
