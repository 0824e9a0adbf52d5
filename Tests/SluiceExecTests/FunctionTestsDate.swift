import Testing
@testable import SluiceExec

@Suite("Date and time functions")
struct DateFunctionTests {
    @Test func dateFields() throws {
        let d = dateColumn(["2024-02-29", "2009-07-30", "1969-12-31", "2016-04-09", nil])
        expectValues(try kernelResults("year", [d], returns: .int), [.int(2024), .int(2009), .int(1969), .int(2016), .null])
        expectValues(try kernelResults("month", [d], returns: .int), [.int(2), .int(7), .int(12), .int(4), .null])
        expectValues(try kernelResults("day", [d], returns: .int), [.int(29), .int(30), .int(31), .int(9), .null])
        // 1 = Sunday; 2009-07-30 was a Thursday, 1969-12-31 a Wednesday.
        expectValues(try kernelResults("dayofweek", [d], returns: .int), [.int(5), .int(5), .int(4), .int(7), .null])
        expectValues(try kernelResults("weekday", [d], returns: .int), [.int(3), .int(3), .int(2), .int(5), .null])
        expectValues(try kernelResults("dayofyear", [d], returns: .int), [.int(60), .int(211), .int(365), .int(100), .null])
        expectValues(try kernelResults("quarter", [d], returns: .int), [.int(1), .int(3), .int(4), .int(2), .null])
    }

    @Test func weekOfYearIsISO() throws {
        let d = dateColumn(["2008-02-20", "2021-01-01", "2024-12-30", "2020-12-31", "2024-01-01"])
        expectValues(try kernelResults("weekofyear", [d], returns: .int), [.int(8), .int(53), .int(1), .int(53), .int(1)])
    }

    @Test func timeFields() throws {
        let t = timestampColumn(["2009-07-30 12:58:59", "1969-12-31 23:59:59.5", "2024-01-01 00:00:00", nil])
        expectValues(try kernelResults("hour", [t], returns: .int), [.int(12), .int(23), .int(0), .null])
        expectValues(try kernelResults("minute", [t], returns: .int), [.int(58), .int(59), .int(0), .null])
        expectValues(try kernelResults("second", [t], returns: .int), [.int(59), .int(59), .int(0), .null])
    }

    @Test func dateArithmetic() throws {
        let d = dateColumn(["2016-07-30", "2024-02-28", "2024-03-01", nil])
        let n = intColumn([1, 2, -1, 1])
        expectValues(try kernelResults("date_add", [d, n], returns: .date), [.day("2016-07-31"), .day("2024-03-01"), .day("2024-02-29"), .null])
        expectValues(try kernelResults("date_sub", [d, n], returns: .date), [.day("2016-07-29"), .day("2024-02-26"), .day("2024-03-02"), .null])
        expectValues(try kernelResults("datediff", [dateColumn(["2009-07-31", "2009-07-30", nil]), dateColumn(["2009-07-30", "2009-07-31", "2009-07-31"])], returns: .int),
                     [.int(1), .int(-1), .null])
        let e = evalError { try callKernel("date_add", [makeColumn(.date, [.date(Int64(Int32.max))]), intColumn([1])], returns: .date) }
        #expect(e?.kind == .arithmeticOverflow(typeName: "integer", tryFunction: ""))
    }

    @Test func addMonthsClampsTheDay() throws {
        let d = dateColumn(["2016-08-31", "2024-01-31", "2024-03-15", "2023-01-31", nil])
        let m = intColumn([1, 1, -15, 13, 1])
        expectValues(try kernelResults("add_months", [d, m], returns: .date),
                     [.day("2016-09-30"), .day("2024-02-29"), .day("2022-12-15"), .day("2024-02-29"), .null])
    }

    @Test func lastDay() throws {
        expectValues(try kernelResults("last_day", [dateColumn(["2009-01-12", "2024-02-10", "2023-02-28", nil])], returns: .date),
                     [.day("2009-01-31"), .day("2024-02-29"), .day("2023-02-28"), .null])
    }

    @Test func truncDate() throws {
        let d = dateColumn(["2019-08-04", "2019-08-04", "2009-02-12", "2015-10-27", "2015-10-27", "2015-10-27", "2015-10-27", nil])
        let f = textColumn(["week", "quarter", "MM", "YEAR", "DAY", "xyz", nil, "year"])
        expectValues(try kernelResults("trunc", [d, f], returns: .date), [
            .day("2019-07-29"), .day("2019-07-01"), .day("2009-02-01"), .day("2015-01-01"), .null, .null, .null, .null,
        ])
    }

    @Test func dateTruncTimestamp() throws {
        let f = textColumn(["YEAR", "MM", "DD", "HOUR", "MILLISECOND", "WEEK", "QUARTER", "bogus", "hour", "second", nil])
        let t = timestampColumn([
            "2015-03-05 09:32:05.359", "2015-03-05 09:32:05.359", "2015-03-05 09:32:05.359", "2015-03-05 09:32:05.359",
            "2015-03-05 09:32:05.123456", "2015-03-05 09:32:05", "2015-03-05 09:32:05", "2015-03-05 09:32:05",
            "1969-12-31 23:30:00", "1969-12-31 23:59:59.25", "2015-03-05 09:32:05",
        ])
        expectValues(try kernelResults("date_trunc", [f, t], returns: .timestamp), [
            .ts("2015-01-01 00:00:00"), .ts("2015-03-01 00:00:00"), .ts("2015-03-05 00:00:00"), .ts("2015-03-05 09:00:00"),
            .ts("2015-03-05 09:32:05.123"), .ts("2015-03-02 00:00:00"), .ts("2015-01-01 00:00:00"), .null,
            .ts("1969-12-31 23:00:00"), .ts("1969-12-31 23:59:59"), .null,
        ])
    }

    @Test func currentDateAndTimestampComeFromRunStart() throws {
        // The value is fixed for the run; read it rather than set it, as other tests run alongside.
        let start = ScalarFunctions.runStart
        let today = DateTime.day(ofMicros: start)
        expectValues(try kernelResults("current_date", [], returns: .date, count: 2), [.date(today), .date(today)])
        expectValues(try kernelResults("current_timestamp", [], returns: .timestamp, count: 1), [.timestamp(start)])
        expectValues(try kernelResults("unix_timestamp", [], returns: .bigint, count: 1), [.int(DateFunctions.floorDiv(start, 1_000_000))])
        #expect(ScalarFunctions.runStart == start)
    }

    @Test func toDateWithoutPatternIsACast() throws {
        expectValues(try kernelResults("to_date", [textColumn(["2009-07-30 04:17:52", "2016-12-31", " 2020-1-2 ", nil])], returns: .date),
                     [.day("2009-07-30"), .day("2016-12-31"), .day("2020-01-02"), .null])
        expectValues(try kernelResults("to_date", [timestampColumn(["1969-12-31 23:00:00"])], returns: .date), [.day("1969-12-31")])
        let e = evalError { try callKernel("to_date", [textColumn(["2020-01-01", "abc"])], returns: .date) }
        #expect(e?.row == 1)
        #expect(e?.kind == .castInvalidInput(value: "abc", from: .string, to: .date))
    }

    @Test func toTimestampWithoutPatternIsACast() throws {
        expectValues(try kernelResults("to_timestamp", [textColumn(["2016-12-31 00:12:00", "2016-12-31", nil])], returns: .timestamp),
                     [.ts("2016-12-31 00:12:00"), .ts("2016-12-31 00:00:00"), .null])
        expectValues(try kernelResults("to_timestamp", [bigintColumn([1_500_000_000])], returns: .timestamp), [.ts("2017-07-14 02:40:00")])
        let e = evalError { try callKernel("to_timestamp", [textColumn(["2016-12-31 25:00:00"])], returns: .timestamp) }
        #expect(e?.kind == .castInvalidInput(value: "2016-12-31 25:00:00", from: .string, to: .timestamp))
    }

    @Test func toDateAndToTimestampWithPattern() throws {
        let s = textColumn(["2016-12-31", "31/12/2016", nil, "2016-12-31"])
        let f = textColumn(["yyyy-MM-dd", "dd/MM/yyyy", "yyyy-MM-dd", nil])
        expectValues(try kernelResults("to_date", [s, f], returns: .date), [.day("2016-12-31"), .day("2016-12-31"), .null, .null])
        expectValues(try kernelResults("to_timestamp", [s, f], returns: .timestamp),
                     [.ts("2016-12-31 00:00:00"), .ts("2016-12-31 00:00:00"), .null, .null])
        expectValues(try kernelResults("to_timestamp", [textColumn(["2020-01-02 03:04:05.123"]), textColumn(["yyyy-MM-dd HH:mm:ss.SSS"])], returns: .timestamp),
                     [.ts("2020-01-02 03:04:05.123")])
        // DATE and TIMESTAMP arguments ignore the pattern.
        expectValues(try kernelResults("to_date", [timestampColumn(["2020-01-02 03:04:05"]), textColumn(["dd"])], returns: .date), [.day("2020-01-02")])
    }

    @Test func patternParseFailureIsCannotParseTimestamp() {
        let e = evalError { try callKernel("to_timestamp", [textColumn(["2016-12-31", "2016-13-01"]), textColumn(["yyyy-MM-dd", "yyyy-MM-dd"])], returns: .timestamp) }
        #expect(e?.row == 1)
        #expect(e?.kind == .other("[CANNOT_PARSE_TIMESTAMP] Text '2016-13-01' could not be parsed at index 0. Use `try_to_timestamp` to tolerate invalid input string and return NULL instead."))
        let e2 = evalError { try callKernel("to_date", [textColumn(["12/31/2016"]), textColumn(["yyyy-MM-dd"])], returns: .date) }
        #expect(e2?.kind == .other("[CANNOT_PARSE_TIMESTAMP] Text '12/31/2016' could not be parsed at index 0. Use `try_to_timestamp` to tolerate invalid input string and return NULL instead."))
    }

    @Test func dateFormat() throws {
        let t = timestampColumn(["2016-04-08 10:11:12", "1969-12-31 23:59:59", nil])
        expectValues(try kernelResults("date_format", [t, constantColumn(.string("yyyy-MM-dd HH:mm"), .string, 3)], returns: .string),
                     [.string("2016-04-08 10:11"), .string("1969-12-31 23:59"), .null])
        expectValues(try kernelResults("date_format", [t, textColumn(["y", "dd/MM/yyyy", "y"])], returns: .string),
                     [.string("2016"), .string("31/12/1969"), .null])
    }

    @Test func unixTimestampAndFromUnixtime() throws {
        expectValues(try kernelResults("unix_timestamp", [textColumn(["2016-04-08", nil]), textColumn(["yyyy-MM-dd", "yyyy-MM-dd"])], returns: .bigint),
                     [.int(1_460_073_600), .null])
        expectValues(try kernelResults("unix_timestamp", [textColumn(["1970-01-01 00:01:40"])], returns: .bigint), [.int(100)])
        expectValues(try kernelResults("unix_timestamp", [timestampColumn(["1969-12-31 23:59:59.5"])], returns: .bigint), [.int(-1)])
        expectValues(try kernelResults("unix_timestamp", [dateColumn(["1970-01-02"])], returns: .bigint), [.int(86_400)])
        expectValues(try kernelResults("from_unixtime", [bigintColumn([0, 1_460_073_600, nil])], returns: .string),
                     [.string("1970-01-01 00:00:00"), .string("2016-04-08 00:00:00"), .null])
        expectValues(try kernelResults("from_unixtime", [bigintColumn([86_400]), textColumn(["yyyy/MM/dd"])], returns: .string), [.string("1970/01/02")])
        let e = evalError { try callKernel("unix_timestamp", [textColumn(["2016-04-08"])], returns: .bigint) }
        #expect(e?.kind == .other("[CANNOT_PARSE_TIMESTAMP] Text '2016-04-08' could not be parsed at index 0. Use `try_to_timestamp` to tolerate invalid input string and return NULL instead."))
    }

    @Test func invalidPatternIsReported() {
        let e = evalError { try callKernel("date_format", [timestampColumn(["2016-04-08 10:11:12"]), textColumn(["yyyy-MM-dd qqq"])], returns: .string) }
        #expect(e?.row == 0)
        if case .other(let message) = e?.kind {
            #expect(message.hasPrefix("[INVALID_DATETIME_PATTERN] Unrecognized datetime pattern: yyyy-MM-dd qqq"))
        } else {
            Issue.record("unexpected \(String(describing: e?.kind))")
        }
    }
}
