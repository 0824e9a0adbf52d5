import Testing
@testable import SluiceExec

@Suite("CAST")
struct CastTests {
    private func cast(_ c: Column, _ to: DataType, _ mode: CastMode = .ansi) throws -> [Value] {
        let out = try Cast.cast(c, to: to, mode: mode)
        #expect(out.type == to)
        #expect(out.count == c.count)
        return rowValues(out)
    }

    private func castError(_ c: Column, _ to: DataType, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> EvalError? {
        evalError(sourceLocation: sourceLocation) { try Cast.cast(c, to: to, mode: .ansi) }
    }

    // MARK: Which casts exist

    @Test func canCastMatrix() {
        let types: [DataType] = [.boolean, .int, .bigint, .double, .string, .date, .timestamp]
        // Rows: from; columns: to, in the order of `types`.
        let allowed: [[Bool]] = [
            /* BOOLEAN   */ [true, true, true, true, true, false, false],
            /* INT       */ [true, true, true, true, true, false, true],
            /* BIGINT    */ [true, true, true, true, true, false, true],
            /* DOUBLE    */ [true, true, true, true, true, false, true],
            /* STRING    */ [true, true, true, true, true, true, true],
            /* DATE      */ [false, false, false, false, true, true, true],
            /* TIMESTAMP */ [false, true, true, true, true, true, true],
        ]
        for (i, from) in types.enumerated() {
            for (j, to) in types.enumerated() {
                #expect(Cast.canCast(from: from, to: to) == allowed[i][j], "\(from) → \(to)")
            }
            #expect(Cast.canCast(from: .null, to: from))
            #expect(!Cast.canCast(from: from, to: .null))
        }
    }

    @Test func nullTypeCastsToAnything() throws {
        for t in [DataType.boolean, .int, .bigint, .double, .string, .date, .timestamp] {
            expectValues(try cast(Column.nulls(.null, count: 2), t), [.null, .null])
        }
    }

    @Test func disallowedCastIsAnInternalError() {
        #expect(throws: InternalError.self) { try Cast.cast(dateColumn(["2024-01-01"]), to: .int, mode: .ansi) }
    }

    // MARK: BOOLEAN

    @Test func booleanToOthers() throws {
        let b = boolColumn([true, false, nil])
        expectValues(try cast(b, .int), [.int(1), .int(0), .null])
        expectValues(try cast(b, .bigint), [.int(1), .int(0), .null])
        expectValues(try cast(b, .double), [.double(1), .double(0), .null])
        expectValues(try cast(b, .string), [.string("true"), .string("false"), .null])
    }

    // MARK: INT, BIGINT

    @Test func integersToOthers() throws {
        let i = intColumn([0, -7, 2_147_483_647, nil])
        expectValues(try cast(i, .bigint), [.int(0), .int(-7), .int(2_147_483_647), .null])
        expectValues(try cast(i, .double), [.double(0), .double(-7), .double(2_147_483_647), .null])
        expectValues(try cast(i, .boolean), [.bool(false), .bool(true), .bool(true), .null])
        expectValues(try cast(i, .string), [.string("0"), .string("-7"), .string("2147483647"), .null])
        expectValues(try cast(i, .timestamp), [.ts("1970-01-01 00:00:00"), .ts("1969-12-31 23:59:53"), .ts("2038-01-19 03:14:07"), .null])
        let l = bigintColumn([Int64.min, Int64.max, 3_000_000_000, -42])
        expectValues(try cast(l, .string), [.string("-9223372036854775808"), .string("9223372036854775807"), .string("3000000000"), .string("-42")])
        expectValues(try cast(l, .double), [.double(-9.223372036854775808e18), .double(9.223372036854775807e18), .double(3e9), .double(-42)])
        // Seconds → microseconds saturate.
        expectValues(try cast(bigintColumn([Int64.max, Int64.min]), .timestamp), [.timestamp(Int64.max), .timestamp(Int64.min)])
    }

    @Test func bigintToIntChecksTheRange() throws {
        expectValues(try cast(bigintColumn([2_147_483_647, -2_147_483_648, nil]), .int), [.int(2_147_483_647), .int(-2_147_483_648), .null])
        let e = castError(bigintColumn([1, 3_000_000_000]), .int)
        #expect(e?.row == 1)
        #expect(e?.kind == .castOverflow(value: "3000000000L", from: .bigint, to: .int))
        expectValues(try cast(bigintColumn([1, 3_000_000_000, -3_000_000_000]), .int, .tryCast), [.int(1), .null, .null])
    }

    // MARK: DOUBLE

    @Test func doubleToIntegersTruncates() throws {
        let d = doubleColumn([1.9, -1.9, 2_147_483_647.9, -2_147_483_648.9, 0, nil])
        expectValues(try cast(d, .int), [.int(1), .int(-1), .int(2_147_483_647), .int(-2_147_483_648), .int(0), .null])
        expectValues(try cast(doubleColumn([9.223372036854775807e18, -9.223372036854775808e18, 1e15 + 0.5]), .bigint),
                     [.int(Int64.max), .int(Int64.min), .int(1_000_000_000_000_000)])
    }

    @Test func doubleOverflowErrors() throws {
        let e1 = castError(doubleColumn([1, .nan]), .int)
        #expect(e1?.row == 1)
        #expect(e1?.kind == .castOverflow(value: "NaN", from: .double, to: .int))
        #expect(castError(doubleColumn([1e10]), .int)?.kind == .castOverflow(value: "1.0E10D", from: .double, to: .int))
        #expect(castError(doubleColumn([2_147_483_648]), .int)?.kind == .castOverflow(value: "2.147483648E9D", from: .double, to: .int))
        #expect(castError(doubleColumn([1e19]), .bigint)?.kind == .castOverflow(value: "1.0E19D", from: .double, to: .bigint))
        #expect(castError(doubleColumn([-.infinity]), .bigint)?.kind == .castOverflow(value: "-Infinity", from: .double, to: .bigint))
        expectValues(try cast(doubleColumn([.nan, 1e10, 2.5]), .int, .tryCast), [.null, .null, .int(2)])
    }

    @Test func doubleToOthers() throws {
        let d = doubleColumn([1.0, 1e10, 0.1, .nan, -0.0, 1e-4, 12_345_678.9, .infinity, nil])
        expectValues(try cast(d, .string), [
            .string("1.0"), .string("1.0E10"), .string("0.1"), .string("NaN"), .string("-0.0"), .string("1.0E-4"),
            .string("1.23456789E7"), .string("Infinity"), .null,
        ])
        expectValues(try cast(doubleColumn([0, -0.0, 2.5, .nan]), .boolean), [.bool(false), .bool(false), .bool(true), .bool(true)])
        expectValues(try cast(doubleColumn([1.5, -0.000001, nil]), .timestamp), [.timestamp(1_500_000), .timestamp(-1), .null])
        let e = castError(doubleColumn([.nan]), .timestamp)
        #expect(e?.kind == .castInvalidInput(value: "NaN", from: .double, to: .timestamp))
        expectValues(try cast(doubleColumn([.infinity, 1]), .timestamp, .tryCast), [.null, .timestamp(1_000_000)])
    }

    // MARK: STRING → numbers

    @Test func stringToInt() throws {
        let s = textColumn([" 42 ", "+7", "-2147483648", "\t12\n", "0007", nil])
        expectValues(try cast(s, .int), [.int(42), .int(7), .int(-2_147_483_648), .int(12), .int(7), .null])
        for bad in ["2147483648", "1.5", "1e3", "", "-", "+", " ", "12a", "１２", "0x10", "1 2"] {
            let e = castError(textColumn(["1", bad]), .int)
            #expect(e?.row == 1, "\(bad)")
            #expect(e?.kind == .castInvalidInput(value: bad, from: .string, to: .int), "\(bad)")
        }
        expectValues(try cast(textColumn(["1.5", "9", "abc"]), .int, .tryCast), [.null, .int(9), .null])
    }

    @Test func stringToBigint() throws {
        expectValues(try cast(textColumn(["9223372036854775807", "-9223372036854775808", " -0 "]), .bigint),
                     [.int(Int64.max), .int(Int64.min), .int(0)])
        #expect(castError(textColumn(["9223372036854775808"]), .bigint)?.kind == .castInvalidInput(value: "9223372036854775808", from: .string, to: .bigint))
        #expect(castError(textColumn(["-9223372036854775809"]), .bigint)?.kind == .castInvalidInput(value: "-9223372036854775809", from: .string, to: .bigint))
        // A quote in the value is escaped as Spark prints it.
        #expect(castError(textColumn(["it's"]), .bigint)?.kind == .castInvalidInput(value: "it\\'s", from: .string, to: .bigint))
    }

    @Test func stringToDouble() throws {
        let s = textColumn(["1e3", "-.5", "5.", " 1.5 ", "1.5d", "2F", "0.1", "-0", "123456789012345678901234567890", "1e400", "4.9e-324", nil])
        expectValues(try cast(s, .double), [
            .double(1000), .double(-0.5), .double(5), .double(1.5), .double(1.5), .double(2), .double(0.1), .double(-0.0),
            .double(1.2345678901234568e29), .double(.infinity), .double(.leastNonzeroMagnitude), .null,
        ])
        let special = textColumn(["NaN", "Infinity", "-Infinity", "+Infinity", "inf", "-inf", "+INF", "nan", "  InFiNiTy ", "-NaN"])
        expectValues(try cast(special, .double), [
            .double(.nan), .double(.infinity), .double(-.infinity), .double(.infinity), .double(.infinity), .double(-.infinity),
            .double(.infinity), .double(.nan), .double(.infinity), .double(.nan),
        ])
        for bad in ["abc", "1e", ".", "", "1.2.3", "e5", "-nan", "1,5"] {
            #expect(castError(textColumn([bad]), .double)?.kind == .castInvalidInput(value: bad, from: .string, to: .double), "\(bad)")
        }
        expectValues(try cast(textColumn(["x", "2.5"]), .double, .tryCast), [.null, .double(2.5)])
    }

    @Test func stringToDoubleIsCorrectlyRounded() throws {
        // Beyond the exact fast path: 17+ digits and large exponents.
        let texts = ["0.30000000000000004", "2.2250738585072014E-308", "1.7976931348623157e308", "9007199254740993", "3.141592653589793238462643"]
        let expected = texts.map { Double($0)! }
        expectValues(try cast(textColumn(texts), .double), expected.map(Value.double))
    }

    @Test func stringToBoolean() throws {
        let s = textColumn(["T", " yes ", "1", "N", "false", "Y", "no", "0", "TRUE", nil])
        expectValues(try cast(s, .boolean), [.bool(true), .bool(true), .bool(true), .bool(false), .bool(false), .bool(true), .bool(false), .bool(false), .bool(true), .null])
        for bad in ["maybe", "", "2", "tru", "yes!"] {
            #expect(castError(textColumn([bad]), .boolean)?.kind == .castInvalidInput(value: bad, from: .string, to: .boolean), "\(bad)")
        }
        expectValues(try cast(textColumn(["maybe", "t"]), .boolean, .tryCast), [.null, .bool(true)])
    }

    // MARK: STRING → DATE, TIMESTAMP

    @Test func stringToDate() throws {
        let s = textColumn(["2024-02-29", "2024", "2024-3", "2024-3-5", "2024-03-05 12:00:00", "2024-03-05T12", " 2024-01-01 ", "12345-01-01", "-0044-03-15", nil])
        expectValues(try cast(s, .date), [
            .day("2024-02-29"), .day("2024-01-01"), .day("2024-03-01"), .day("2024-03-05"), .day("2024-03-05"), .day("2024-03-05"),
            .day("2024-01-01"), .date(DateTime.days(year: 12345, month: 1, day: 1)), .date(DateTime.days(year: -44, month: 3, day: 15)), .null,
        ])
        for bad in ["2024-03-05abc", "2023-02-29", "20240305", "2024-01 x", "2024-13-01", "24-01-01", "", "2024-01-01-01", "abc"] {
            let e = castError(textColumn([bad]), .date)
            #expect(e?.kind == .castInvalidInput(value: bad, from: .string, to: .date), "\(bad)")
        }
        expectValues(try cast(textColumn(["2023-02-29", "2023-02-28"]), .date, .tryCast), [.null, .day("2023-02-28")])
    }

    @Test func stringToTimestamp() throws {
        let s = textColumn([
            "2024-03-05 12:34:56.789", "2024-03-05T12:34:56Z", "2024-03-05 12:34:56+02:00", "2024-03-05 12:34",
            "2024-03-05", "2024", "2024-03-05 12:34:56.1234567", "2024-03-05 12:34:56 UTC", "2024-03-05 12:34:56 +1:00",
            "2024-03-05T12:34:56.5-0530", "2024-03-05 12", "2024-03-05 12:34:56 GMT+02", nil,
        ])
        expectValues(try cast(s, .timestamp), [
            .ts("2024-03-05 12:34:56.789"), .ts("2024-03-05 12:34:56"), .ts("2024-03-05 10:34:56"), .ts("2024-03-05 12:34:00"),
            .ts("2024-03-05 00:00:00"), .ts("2024-01-01 00:00:00"), .ts("2024-03-05 12:34:56.123456"), .ts("2024-03-05 12:34:56"),
            .ts("2024-03-05 11:34:56"), .ts("2024-03-05 18:04:56.5"), .ts("2024-03-05 12:00:00"), .ts("2024-03-05 10:34:56"), .null,
        ])
        for bad in ["2024-03-05 25:00:00", "2024-03-05 12:60", "2024-02-30", "2024-03-05 12:34:56 America/New_York", "abc", "", "2024-03-05 12:34:56+19:00", "2024-03-05X12:00"] {
            let e = castError(textColumn([bad]), .timestamp)
            #expect(e?.kind == .castInvalidInput(value: bad, from: .string, to: .timestamp), "\(bad)")
        }
    }

    @Test func timeOnlyTextIsToday() throws {
        let today = DateTime.day(ofMicros: ScalarFunctions.runStart)
        expectValues(try cast(textColumn(["12:34:56", "T01:02"]), .timestamp),
                     [.timestamp(today * DateTime.microsPerDay + 45_296_000_000), .timestamp(today * DateTime.microsPerDay + 3_720_000_000)])
    }

    // MARK: DATE, TIMESTAMP →

    @Test func dateToOthers() throws {
        let d = dateColumn(["2024-02-29", "1969-12-31", nil])
        expectValues(try cast(d, .string), [.string("2024-02-29"), .string("1969-12-31"), .null])
        expectValues(try cast(d, .timestamp), [.ts("2024-02-29 00:00:00"), .ts("1969-12-31 00:00:00"), .null])
    }

    @Test func timestampToOthers() throws {
        let t = timestampColumn(["2024-03-05 12:34:56.5", "1969-12-31 23:59:59.999999", "1970-01-01 00:00:00", nil])
        expectValues(try cast(t, .date), [.day("2024-03-05"), .day("1969-12-31"), .day("1970-01-01"), .null])
        expectValues(try cast(t, .string), [.string("2024-03-05 12:34:56.5"), .string("1969-12-31 23:59:59.999999"), .string("1970-01-01 00:00:00"), .null])
        expectValues(try cast(t, .bigint), [.int(1_709_642_096), .int(-1), .int(0), .null])
        expectValues(try cast(t, .int), [.int(1_709_642_096), .int(-1), .int(0), .null])
        expectValues(try cast(t, .double), [.double(1_709_642_096.5), .double(-0.000001), .double(0), .null])
    }

    @Test func timestampToIntOverflows() throws {
        let e = castError(timestampColumn(["2000-01-01 00:00:00", "2100-01-01 00:00:00"]), .int)
        #expect(e?.row == 1)
        #expect(e?.kind == .castOverflow(value: "TIMESTAMP '2100-01-01 00:00:00'", from: .timestamp, to: .int))
        expectValues(try cast(timestampColumn(["2100-01-01 00:00:00"]), .int, .tryCast), [.null])
    }

    // MARK: NULL rows

    @Test func nullRowsNeverFail() throws {
        // The slot of a NULL row may hold anything.
        var s = textColumn(["abc", "12"])
        s.validity = Validity(validFlags: [false, true])
        expectValues(try cast(s, .int), [.null, .int(12)])
        var d = doubleColumn([.nan, 3])
        d.validity = Validity(validFlags: [false, true])
        expectValues(try cast(d, .int), [.null, .int(3)])
        var l = bigintColumn([Int64.max, 3])
        l.validity = Validity(validFlags: [false, true])
        expectValues(try cast(l, .int), [.null, .int(3)])
    }

    @Test func identityAndIntToBigintKeepTheBuffers() throws {
        let c = textColumn(["a"])
        #expect(try Cast.cast(c, to: .string, mode: .ansi).strings == c.strings)
        expectValues(try cast(intColumn([5, nil]), .bigint), [.int(5), .null])
    }
}
