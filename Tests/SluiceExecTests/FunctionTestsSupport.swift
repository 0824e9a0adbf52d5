import Testing
@testable import SluiceExec

// Helpers shared by the function and cast tests.

/// A column of `type` holding `values` (`.null` for NULL).
func makeColumn(_ type: DataType, _ values: [Value]) -> Column {
    var b = ColumnBuilder(type: type, capacity: values.count)
    for v in values { b.append(v) }
    return b.finish()
}

func textColumn(_ values: [String?]) -> Column { makeColumn(.string, values.map { $0.map(Value.string) ?? .null }) }
func intColumn(_ values: [Int64?]) -> Column { makeColumn(.int, values.map { $0.map(Value.int) ?? .null }) }
func bigintColumn(_ values: [Int64?]) -> Column { makeColumn(.bigint, values.map { $0.map(Value.int) ?? .null }) }
func doubleColumn(_ values: [Double?]) -> Column { makeColumn(.double, values.map { $0.map(Value.double) ?? .null }) }
func boolColumn(_ values: [Bool?]) -> Column { makeColumn(.boolean, values.map { $0.map(Value.bool) ?? .null }) }
func dateColumn(_ values: [String?]) -> Column { makeColumn(.date, values.map { $0.map { Value.date(dayNumber($0)) } ?? .null }) }
func timestampColumn(_ values: [String?]) -> Column { makeColumn(.timestamp, values.map { $0.map { Value.timestamp(microsOf($0)) } ?? .null }) }

/// One value repeated `n` times, as a literal argument arrives at a kernel.
func constantColumn(_ v: Value, _ type: DataType, _ n: Int) -> Column { Column.constant(v, type: type, count: n) }

/// Days since the epoch of `yyyy-MM-dd`.
func dayNumber(_ s: String) -> Int64 {
    let p = s.split(separator: "-").map { Int64($0)! }
    return DateTime.days(year: p[0], month: p[1], day: p[2])
}

/// Microseconds since the epoch of `yyyy-MM-dd HH:mm:ss[.ffffff]` (UTC).
func microsOf(_ s: String) -> Int64 {
    guard let v = DateTime.parseTimestamp(s) else { preconditionFailure("bad timestamp literal \(s)") }
    return v
}

/// Every row of a column, boxed.
func rowValues(_ c: Column) -> [Value] { (0..<c.count).map { c.value(at: $0) } }

/// Calls the kernel `name` on `args` (their types are the argument types).
func callKernel(_ name: String, _ args: [Column], returns: DataType, count: Int? = nil) throws -> Column {
    let n = count ?? args.first?.count ?? 1
    guard let kernel = ScalarFunctions.kernel(name: name, argTypes: args.map(\.type), returnType: returns) else {
        Issue.record("no kernel for \(name)(\(args.map { $0.type.description }.joined(separator: ", ")))")
        return Column.nulls(returns, count: n)
    }
    let result = try kernel(args, n)
    #expect(result.type == returns, "\(name) returned \(result.type), not \(returns)")
    #expect(result.count == n)
    return result
}

/// The values a kernel returns.
func kernelResults(_ name: String, _ args: [Column], returns: DataType, count: Int? = nil) throws -> [Value] {
    rowValues(try callKernel(name, args, returns: returns, count: count))
}

/// The ``EvalError`` `body` throws, or `nil` (recording an issue) when it throws none.
func evalError(sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> Any) -> EvalError? {
    do {
        _ = try body()
        Issue.record("expected an EvalError", sourceLocation: sourceLocation)
        return nil
    } catch let e as EvalError {
        return e
    } catch {
        Issue.record("expected an EvalError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension Value {
    /// Equality that also holds for NaN and tells -0.0 from 0.0, for exact double checks.
    func same(_ other: Value) -> Bool {
        if case .double(let a) = self, case .double(let b) = other {
            return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        }
        return self == other
    }
}

/// Expects two lists of values to be the same, doubles bit for bit.
func expectValues(_ actual: [Value], _ expected: [Value], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(actual) vs \(expected)", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) where !a.same(e) {
        Issue.record("got \(actual), expected \(expected)", sourceLocation: sourceLocation)
        return
    }
}

extension Value {
    /// A DATE value from `yyyy-MM-dd`.
    static func day(_ s: String) -> Value { .date(dayNumber(s)) }
    /// A TIMESTAMP value from `yyyy-MM-dd HH:mm:ss[.ffffff]`.
    static func ts(_ s: String) -> Value { .timestamp(microsOf(s)) }
}
