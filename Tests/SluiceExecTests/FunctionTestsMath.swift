import Testing
@testable import SluiceExec

@Suite("Math functions")
struct MathFunctionTests {
    @Test func absKeepsTheType() throws {
        expectValues(try kernelResults("abs", [intColumn([-5, 0, 7, nil, Int64(Int32.max)])], returns: .int),
                     [.int(5), .int(0), .int(7), .null, .int(Int64(Int32.max))])
        expectValues(try kernelResults("abs", [bigintColumn([-5_000_000_000, Int64.max])], returns: .bigint),
                     [.int(5_000_000_000), .int(Int64.max)])
        expectValues(try kernelResults("abs", [doubleColumn([-1.5, -0.0, .nan, -.infinity])], returns: .double),
                     [.double(1.5), .double(0.0), .double(.nan), .double(.infinity)])
    }

    @Test func absOverflowsAtTheMinimum() {
        let e1 = evalError { try callKernel("abs", [intColumn([1, Int64(Int32.min)])], returns: .int) }
        #expect(e1?.row == 1)
        #expect(e1?.kind == .arithmeticOverflow(typeName: "integer", tryFunction: ""))
        let e2 = evalError { try callKernel("abs", [bigintColumn([Int64.min])], returns: .bigint) }
        #expect(e2?.row == 0)
        #expect(e2?.kind == .arithmeticOverflow(typeName: "long", tryFunction: ""))
        // Int32.min is fine as a BIGINT.
        #expect((try? kernelResults("abs", [bigintColumn([Int64(Int32.min)])], returns: .bigint)) == [.int(2_147_483_648)])
    }

    @Test func negativeAndPositive() throws {
        expectValues(try kernelResults("negative", [intColumn([5, -3, nil])], returns: .int), [.int(-5), .int(3), .null])
        expectValues(try kernelResults("negative", [doubleColumn([0.0, 2.5])], returns: .double), [.double(-0.0), .double(-2.5)])
        expectValues(try kernelResults("positive", [bigintColumn([-4, nil])], returns: .bigint), [.int(-4), .null])
        let e = evalError { try callKernel("negative", [intColumn([Int64(Int32.min)])], returns: .int) }
        #expect(e?.kind == .arithmeticOverflow(typeName: "integer", tryFunction: ""))
    }

    @Test func roundHalfUpOnTheShortestDecimal() throws {
        let x = doubleColumn([2.5, -2.5, 2.675, 1.005, 0.125, 12345.678, -0.4, 1.23456789e-5, .nan, 123456789012.345678, 0.5, nil, 1e300])
        let d = intColumn([0, 0, 2, 2, 2, -2, 0, 7, 2, 2, 0, 1, -299])
        expectValues(try kernelResults("round", [x, d], returns: .double), [
            .double(3.0), .double(-3.0), .double(2.68), .double(1.01), .double(0.13), .double(12300.0), .double(0.0),
            .double(1.23e-5), .double(.nan), .double(123456789012.35), .double(1.0), .null, .double(1e300),
        ])
        expectValues(try kernelResults("round", [doubleColumn([2.4, 2.5, -0.0])], returns: .double), [.double(2.0), .double(3.0), .double(0.0)])
    }

    @Test func broundHalfEven() throws {
        let x = doubleColumn([2.5, 3.5, -2.5, 0.125, 0.135, 2.675, 25.0])
        let d = intColumn([0, 0, 0, 2, 2, 2, -1])
        expectValues(try kernelResults("bround", [x, d], returns: .double),
                     [.double(2.0), .double(4.0), .double(-2.0), .double(0.12), .double(0.14), .double(2.68), .double(20.0)])
    }

    @Test func roundIntegersStayIntegral() throws {
        let x = intColumn([15, 25, -15, 123, 1_234_567, nil])
        let d = intColumn([-1, -1, -1, 2, -18, -1])
        expectValues(try kernelResults("round", [x, d], returns: .int), [.int(20), .int(30), .int(-20), .int(123), .int(0), .null])
        expectValues(try kernelResults("bround", [x, d], returns: .int), [.int(20), .int(20), .int(-20), .int(123), .int(0), .null])
        expectValues(try kernelResults("round", [bigintColumn([1_234_567_890_123]), intColumn([-3])], returns: .bigint), [.int(1_234_567_890_000)])
        let e = evalError { try callKernel("round", [intColumn([1, Int64(Int32.max)]), intColumn([-1, -1])], returns: .int) }
        #expect(e?.row == 1)
        #expect(e?.kind == .arithmeticOverflow(typeName: "integer", tryFunction: ""))
        let e2 = evalError { try callKernel("round", [bigintColumn([Int64.max]), intColumn([-19])], returns: .bigint) }
        #expect(e2?.kind == .arithmeticOverflow(typeName: "long", tryFunction: ""))
    }

    @Test func floorAndCeilReturnBigint() throws {
        let x = doubleColumn([-0.5, 1.5, 2.0, .nan, 1e20, -1e20, nil])
        expectValues(try kernelResults("floor", [x], returns: .bigint), [.int(-1), .int(1), .int(2), .int(0), .int(Int64.max), .int(Int64.min), .null])
        expectValues(try kernelResults("ceil", [x], returns: .bigint), [.int(0), .int(2), .int(2), .int(0), .int(Int64.max), .int(Int64.min), .null])
        expectValues(try kernelResults("floor", [intColumn([5, nil])], returns: .bigint), [.int(5), .null])
        expectValues(try kernelResults("ceil", [bigintColumn([-7])], returns: .bigint), [.int(-7)])
    }

    @Test func logarithmsAreNullAtOrBelowTheirBound() throws {
        expectValues(try kernelResults("ln", [doubleColumn([1, 0, -1, nil])], returns: .double), [.double(0), .null, .null, .null])
        expectValues(try kernelResults("log10", [doubleColumn([100, 0])], returns: .double), [.double(2), .null])
        expectValues(try kernelResults("log2", [doubleColumn([2, 1024, -2])], returns: .double), [.double(1), .double(10), .null])
        expectValues(try kernelResults("log1p", [doubleColumn([0, -1])], returns: .double), [.double(0), .null])
        expectValues(try kernelResults("log", [doubleColumn([10, 0, 2, nil]), doubleColumn([100, 5, -8, 4])], returns: .double),
                     [.double(2), .null, .null, .null])
    }

    @Test func powerSqrtExpAndFriends() throws {
        expectValues(try kernelResults("power", [doubleColumn([2, 2, 0, nil]), doubleColumn([10, -1, 0, 1])], returns: .double),
                     [.double(1024), .double(0.5), .double(1), .null])
        expectValues(try kernelResults("sqrt", [doubleColumn([4, -1, 2])], returns: .double), [.double(2), .double(.nan), .double(2.0.squareRoot())])
        expectValues(try kernelResults("exp", [doubleColumn([0])], returns: .double), [.double(1)])
        expectValues(try kernelResults("cbrt", [doubleColumn([27])], returns: .double), [.double(3)])
        expectValues(try kernelResults("degrees", [doubleColumn([Double.pi])], returns: .double), [.double(180)])
        expectValues(try kernelResults("radians", [doubleColumn([180])], returns: .double), [.double(Double.pi)])
        expectValues(try kernelResults("sign", [doubleColumn([-3.5, 0, 2, .nan, nil])], returns: .double),
                     [.double(-1), .double(0), .double(1), .double(.nan), .null])
        expectValues(try kernelResults("pi", [], returns: .double, count: 1), [.double(Double.pi)])
        expectValues(try kernelResults("e", [], returns: .double, count: 1), [.double(2.718281828459045)])
        expectValues(try kernelResults("atan2", [doubleColumn([0]), doubleColumn([1])], returns: .double), [.double(0)])
    }

    @Test func modFollowsTheDividend() throws {
        expectValues(try kernelResults("mod", [intColumn([7, -7, 7, nil]), intColumn([3, 3, -3, 3])], returns: .int),
                     [.int(1), .int(-1), .int(1), .null])
        expectValues(try kernelResults("mod", [bigintColumn([Int64.min]), bigintColumn([-1])], returns: .bigint), [.int(0)])
        expectValues(try kernelResults("mod", [doubleColumn([7.5, -7.5]), doubleColumn([2, 2])], returns: .double), [.double(1.5), .double(-1.5)])
    }

    @Test func pmodIsPositiveForPositiveDivisors() throws {
        expectValues(try kernelResults("pmod", [intColumn([-10, 10, 7, -7]), intColumn([3, 3, -3, -3])], returns: .int),
                     [.int(2), .int(1), .int(1), .int(-1)])
        expectValues(try kernelResults("pmod", [doubleColumn([-7.5]), doubleColumn([2])], returns: .double), [.double(0.5)])
        expectValues(try kernelResults("pmod", [bigintColumn([Int64.min]), bigintColumn([-1])], returns: .bigint), [.int(0)])
    }

    @Test func modByZeroIsAnError() throws {
        let expected = ExecError.Kind.other("[REMAINDER_BY_ZERO] Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL instead.")
        let e1 = evalError { try callKernel("mod", [intColumn([5, 5]), intColumn([1, 0])], returns: .int) }
        #expect(e1?.row == 1)
        #expect(e1?.kind == expected)
        let e2 = evalError { try callKernel("pmod", [doubleColumn([5]), doubleColumn([0])], returns: .double) }
        #expect(e2?.kind == expected)
        // A zero divisor on a NULL row is fine.
        var divisor = intColumn([0, 2])
        divisor.validity = Validity(validFlags: [false, true])
        expectValues(try kernelResults("mod", [intColumn([5, 5]), divisor], returns: .int), [.null, .int(1)])
    }

    @Test func greatestAndLeastSkipNulls() throws {
        let a = intColumn([10, nil, nil, 3]), b = intColumn([9, 1, nil, 3]), c = intColumn([2, nil, nil, 4])
        expectValues(try kernelResults("greatest", [a, b, c], returns: .int), [.int(10), .int(1), .null, .int(4)])
        expectValues(try kernelResults("least", [a, b, c], returns: .int), [.int(2), .int(1), .null, .int(3)])
        expectValues(try kernelResults("greatest", [doubleColumn([1, .nan]), doubleColumn([.nan, 2])], returns: .double), [.double(.nan), .double(.nan)])
        expectValues(try kernelResults("least", [doubleColumn([1, .nan]), doubleColumn([.nan, 2])], returns: .double), [.double(1), .double(2)])
        expectValues(try kernelResults("least", [textColumn(["b", "日本"]), textColumn(["a", "日"]), textColumn(["c", nil])], returns: .string),
                     [.string("a"), .string("日")])
        expectValues(try kernelResults("greatest", [dateColumn(["2024-01-01"]), dateColumn(["2023-12-31"])], returns: .date), [.day("2024-01-01")])
        expectValues(try kernelResults("greatest", [boolColumn([false, nil]), boolColumn([true, false])], returns: .boolean), [.bool(true), .bool(false)])
    }
}
