import Testing
@testable import SluiceExec

@Suite struct ExpressionTests {
    let chunk = makeChunk([.bigint, .bigint, .boolean, .string], [
        [.int(10), .int(2), .bool(true), .string("apple")],
        [.int(7), .int(0), .bool(false), .string("banana")],
        [.null, .int(3), .null, .string("cherry")],
        [.int(-4), .null, .bool(true), .null],
    ])

    func eval(_ e: Expression) throws -> [Value] {
        let c = try ExpressionProgram(e).evaluate(chunk)
        return (0..<c.count).map { c.value(at: $0) }
    }

    @Test func andOrFollowThreeValuedLogic() throws {
        let isBig = Expression.compare(.greater, col(0, .bigint), .literal(.int(5), .bigint))
        #expect(try eval(.and(isBig, col(2, .boolean))) == [.bool(true), .bool(false), .null, .bool(false)])
        #expect(try eval(.or(isBig, col(2, .boolean))) == [.bool(true), .bool(true), .null, .bool(true)])
        #expect(try eval(.not(col(2, .boolean))) == [.bool(false), .bool(true), .null, .bool(false)])
    }

    @Test func andEvaluatesAFailingRightSideOnlyWhereNeeded() throws {
        // b <> 0 AND a / b > 1: row 1 has b = 0 and must not raise DIVIDE_BY_ZERO.
        let nonZero = Expression.compare(.notEqual, col(1, .bigint), .literal(.int(0), .bigint))
        let ratio = Expression.arithmetic(.intDivide, col(0, .bigint), col(1, .bigint), .bigint)
        let e = Expression.and(nonZero, .compare(.greater, ratio, .literal(.int(1), .bigint)))
        #expect(try eval(e) == [.bool(true), .bool(false), .null, .null])
    }

    @Test func divisionByZeroNamesTheRowsFileAndLine() throws {
        var c = chunk
        c.origin = RowOrigin(path: "data/t.csv", splitStart: 0, lines: [1, 2, 3, 4])
        let e = Expression.arithmetic(.intDivide, col(0, .bigint), col(1, .bigint), .bigint)
        #expect {
            _ = try ExpressionProgram(e).evaluate(c)
        } throws: { error in
            (error as? ExecError)?.description == "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. (row at data/t.csv:3)"
        }
    }

    @Test func integerOverflowIsAnError() throws {
        let e = Expression.arithmetic(.multiply, .literal(.int(Int64.max), .bigint), col(1, .bigint), .bigint)
        #expect {
            _ = try ExpressionProgram(e).evaluate(chunk)
        } throws: { error in
            (error as? ExecError)?.kind == .arithmeticOverflow(typeName: "long", tryFunction: "try_multiply")
        }
        let i = Expression.arithmetic(.add, .literal(.int(Int64(Int32.max)), .int), col(1, .bigint), .int)
        #expect {
            _ = try ExpressionProgram(i).evaluate(chunk)
        } throws: { error in
            (error as? ExecError)?.kind == .arithmeticOverflow(typeName: "integer", tryFunction: "try_add")
        }
    }

    @Test func remainderKeepsTheDividendsSign() throws {
        let e = Expression.arithmetic(.remainder, col(0, .bigint), .literal(.int(3), .bigint), .bigint)
        #expect(try eval(e) == [.int(1), .int(1), .null, .int(-1)])
    }

    @Test func inListWithNullIsNullWhenNotFound() throws {
        #expect(try eval(.inList(col(0, .bigint), [.int(7), .null], negated: false)) == [.null, .bool(true), .null, .null])
        #expect(try eval(.inList(col(0, .bigint), [.int(7), .int(10)], negated: true)) == [.bool(false), .bool(false), .null, .bool(true)])
    }

    @Test func likeMatchesPrefixSuffixAndUnderscore() throws {
        #expect(try eval(.like(col(3, .string), pattern: "%an%", escape: 92, negated: false)) == [.bool(false), .bool(true), .bool(false), .null])
        #expect(try eval(.like(col(3, .string), pattern: "_pple", escape: 92, negated: false)) == [.bool(true), .bool(false), .bool(false), .null])
        #expect(try eval(.like(col(3, .string), pattern: "c%y", escape: 92, negated: true)) == [.bool(true), .bool(true), .bool(false), .null])
    }

    @Test func caseEvaluatesEachBranchOnItsOwnRows() throws {
        let e = Expression.caseWhen([
            CaseBranch(condition: .compare(.equal, col(1, .bigint), .literal(.int(0), .bigint)), value: .literal(.int(-1), .bigint)),
            CaseBranch(condition: .isNull(col(0, .bigint), negated: true), value: .arithmetic(.intDivide, col(0, .bigint), col(1, .bigint), .bigint)),
        ], elseValue: nil, .bigint)
        #expect(try eval(e) == [.int(5), .int(-1), .null, .null])
    }

    @Test func coalescePicksTheFirstNonNull() throws {
        #expect(try eval(.coalesce([col(0, .bigint), col(1, .bigint), .literal(.int(9), .bigint)], .bigint)) == [.int(10), .int(7), .int(3), .int(-4)])
    }

    @Test func nullSafeEqualIsNeverNull() throws {
        #expect(try eval(.compare(.nullSafeEqual, col(0, .bigint), .literal(.null, .bigint))) == [.bool(false), .bool(false), .bool(true), .bool(false)])
    }
}
