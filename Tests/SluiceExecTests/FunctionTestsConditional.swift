import Testing
@testable import SluiceExec

@Suite("Conditional functions and the kernel registry")
struct ConditionalFunctionTests {
    @Test func nullif() throws {
        expectValues(try kernelResults("nullif", [intColumn([1, 1, nil, 3]), intColumn([1, 2, 1, nil])], returns: .int), [.null, .int(1), .null, .int(3)])
        expectValues(try kernelResults("nullif", [textColumn(["a", "日本"]), textColumn(["a", "日"])], returns: .string), [.null, .string("日本")])
        expectValues(try kernelResults("nullif", [doubleColumn([.nan, 0.0]), doubleColumn([.nan, -0.0])], returns: .double), [.null, .null])
    }

    @Test func nvlAndNvl2() throws {
        expectValues(try kernelResults("nvl", [textColumn([nil, "a", nil]), textColumn(["x", "y", nil])], returns: .string), [.string("x"), .string("a"), .null])
        expectValues(try kernelResults("nvl", [intColumn([1, 2]), intColumn([9, 9])], returns: .int), [.int(1), .int(2)])
        expectValues(try kernelResults("nvl2", [intColumn([nil, 5]), intColumn([2, 2]), intColumn([1, 1])], returns: .int), [.int(1), .int(2)])
        expectValues(try kernelResults("nvl2", [textColumn(["a", nil]), textColumn([nil, "b"]), textColumn(["c", nil])], returns: .string), [.null, .null])
    }

    @Test func isnullNeverReturnsNull() throws {
        let c = textColumn(["a", nil, ""])
        expectValues(try kernelResults("isnull", [c], returns: .boolean), [.bool(false), .bool(true), .bool(false)])
        expectValues(try kernelResults("isnotnull", [c], returns: .boolean), [.bool(true), .bool(false), .bool(true)])
        expectValues(try kernelResults("isnull", [Column.nulls(.null, count: 1)], returns: .boolean), [.bool(true)])
    }

    /// The signatures `FunctionCatalog` resolves for typical calls: every one has a kernel.
    @Test func everyCatalogSignatureHasAKernel() {
        let S = DataType.string, I = DataType.int, L = DataType.bigint, D = DataType.double
        let DT = DataType.date, TS = DataType.timestamp, B = DataType.boolean
        let signatures: [(String, [DataType], DataType)] = [
            ("lower", [S], S), ("upper", [S], S), ("initcap", [S], S), ("reverse", [S], S), ("trim", [S], S),
            ("ltrim", [S], S), ("rtrim", [S], S), ("btrim", [S], S), ("btrim", [S, S], S), ("length", [S], I),
            ("octet_length", [S], I), ("bit_length", [S], I), ("ascii", [S], I), ("chr", [L], S), ("repeat", [S, I], S),
            ("substr", [S, I], S), ("substr", [S, I, I], S), ("left", [S, I], S), ("right", [S, I], S),
            ("lpad", [S, I], S), ("lpad", [S, I, S], S), ("rpad", [S, I], S), ("rpad", [S, I, S], S),
            ("split_part", [S, S, I], S), ("concat", [], S), ("concat", [S, S, S], S), ("concat_ws", [S], S),
            ("concat_ws", [S, S, S], S), ("replace", [S, S], S), ("replace", [S, S, S], S), ("instr", [S, S], I),
            ("locate", [S, S], I), ("locate", [S, S, I], I), ("startswith", [S, S], B), ("endswith", [S, S], B),
            ("contains", [S, S], B),
            ("abs", [I], I), ("abs", [L], L), ("abs", [D], D), ("negative", [D], D), ("positive", [I], I),
            ("round", [D], D), ("round", [I, I], I), ("bround", [L, I], L), ("floor", [I], L), ("floor", [D], L),
            ("ceil", [L], L), ("ceil", [D], L), ("mod", [I, I], I), ("mod", [D, D], D), ("pmod", [L, L], L),
            ("greatest", [I, I], I), ("least", [S, S, S], S), ("greatest", [DT, DT], DT), ("sign", [D], D),
            ("sqrt", [D], D), ("cbrt", [D], D), ("exp", [D], D), ("expm1", [D], D), ("ln", [D], D), ("log10", [D], D),
            ("log2", [D], D), ("log1p", [D], D), ("sin", [D], D), ("cos", [D], D), ("tan", [D], D), ("asin", [D], D),
            ("acos", [D], D), ("atan", [D], D), ("sinh", [D], D), ("cosh", [D], D), ("tanh", [D], D),
            ("degrees", [D], D), ("radians", [D], D), ("log", [D, D], D), ("power", [D, D], D), ("atan2", [D, D], D),
            ("pi", [], D), ("e", [], D),
            ("year", [DT], I), ("month", [DT], I), ("day", [DT], I), ("dayofweek", [DT], I), ("weekday", [DT], I),
            ("dayofyear", [DT], I), ("quarter", [DT], I), ("weekofyear", [DT], I), ("hour", [TS], I),
            ("minute", [TS], I), ("second", [TS], I), ("last_day", [DT], DT), ("date_add", [DT, I], DT),
            ("date_sub", [DT, I], DT), ("datediff", [DT, DT], I), ("add_months", [DT, I], DT), ("trunc", [DT, S], DT),
            ("date_trunc", [S, TS], TS), ("current_date", [], DT), ("current_timestamp", [], TS),
            ("to_date", [S], DT), ("to_date", [DT], DT), ("to_date", [TS], DT), ("to_date", [S, S], DT),
            ("to_date", [TS, S], DT), ("to_timestamp", [S], TS), ("to_timestamp", [L], TS), ("to_timestamp", [D], TS),
            ("to_timestamp", [S, S], TS), ("to_timestamp", [DT, S], TS), ("date_format", [TS, S], S),
            ("unix_timestamp", [], L), ("unix_timestamp", [S], L), ("unix_timestamp", [TS], L),
            ("unix_timestamp", [S, S], L), ("from_unixtime", [L], S), ("from_unixtime", [L, S], S),
            ("nullif", [I, I], I), ("nvl", [S, S], S), ("nvl2", [I, S, S], S), ("isnull", [DT], B), ("isnotnull", [S], B),
        ]
        for (name, args, result) in signatures {
            #expect(ScalarFunctions.kernel(name: name, argTypes: args, returnType: result) != nil, "\(name)(\(args)) -> \(result)")
        }
        #expect(Set(signatures.map(\.0)) == Set(ScalarFunctions.names))
        #expect(ScalarFunctions.kernel(name: "no_such_function", argTypes: [], returnType: .int) == nil)
        #expect(ScalarFunctions.kernel(name: "year", argTypes: [.string], returnType: .int) == nil)
    }
}
