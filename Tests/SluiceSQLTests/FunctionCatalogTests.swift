import Testing
@testable import SluiceSQL

@Suite("Function catalog")
struct FunctionCatalogTests {
    private func signature(_ name: String, _ args: [DataType]) throws -> FunctionSignature {
        try FunctionCatalog.resolve(name, argTypes: args)
    }

    private func failure(_ name: String, _ args: [DataType], argSQL: [String]? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> SQLError? {
        do {
            let s = try FunctionCatalog.resolve(name, argTypes: args, argSQL: argSQL)
            Issue.record("expected an error, resolved \(s)", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.location == nil, sourceLocation: sourceLocation)
            return error
        }
    }

    @Test func aliasesMapToCanonicalNames() throws {
        let cases: [(String, [DataType], String)] = [
            ("substring", [.string, .int], "substr"), ("SUBSTR", [.string, .int], "substr"), ("ucase", [.string], "upper"),
            ("lcase", [.string], "lower"), ("dayofmonth", [.date], "day"), ("pow", [.double, .double], "power"),
            ("ceiling", [.double], "ceil"), ("char_length", [.string], "length"), ("character_length", [.string], "length"),
            ("signum", [.double], "sign"), ("now", [], "current_timestamp"), ("ifnull", [.int, .int], "nvl"),
            ("position", [.string, .string], "locate"), ("log", [.double], "ln"), ("log", [.double, .double], "log"),
        ]
        for (name, args, canonical) in cases {
            #expect(try signature(name, args).name == canonical, "\(name)")
        }
    }

    @Test func stringFunctionsTakeAnyAtomicAsString() throws {
        #expect(try signature("lower", [.int]) == FunctionSignature(name: "lower", parameterTypes: [.string], returnType: .string))
        #expect(try signature("length", [.date]) == FunctionSignature(name: "length", parameterTypes: [.string], returnType: .int))
        #expect(try signature("concat", [.int, .date, .boolean, .null]).parameterTypes == [.string, .string, .string, .string])
        #expect(try signature("concat", []) == FunctionSignature(name: "concat", parameterTypes: [], returnType: .string))
        #expect(try signature("concat_ws", [.string, .double]).parameterTypes == [.string, .string])
        #expect(try signature("substring", [.string, .bigint]) == FunctionSignature(name: "substr", parameterTypes: [.string, .int], returnType: .string))
        #expect(try signature("substr", [.string, .string, .double]).parameterTypes == [.string, .int, .int])
        #expect(try signature("lpad", [.string, .int]).parameterTypes == [.string, .int])
        #expect(try signature("startswith", [.string, .string]).returnType == .boolean)
        #expect(try signature("chr", [.int]).parameterTypes == [.bigint])
    }

    @Test func mathFunctionsKeepOrWidenNumbers() throws {
        #expect(try signature("abs", [.int]) == FunctionSignature(name: "abs", parameterTypes: [.int], returnType: .int))
        #expect(try signature("abs", [.string]) == FunctionSignature(name: "abs", parameterTypes: [.double], returnType: .double))
        #expect(try signature("abs", [.null]).returnType == .double)
        #expect(try signature("round", [.bigint, .int]) == FunctionSignature(name: "round", parameterTypes: [.bigint, .int], returnType: .bigint))
        #expect(try signature("round", [.double]) == FunctionSignature(name: "round", parameterTypes: [.double], returnType: .double))
        #expect(try signature("floor", [.int]) == FunctionSignature(name: "floor", parameterTypes: [.int], returnType: .bigint))
        #expect(try signature("ceil", [.double]).returnType == .bigint)
        #expect(try signature("sqrt", [.int]) == FunctionSignature(name: "sqrt", parameterTypes: [.double], returnType: .double))
        #expect(try signature("power", [.int, .bigint]).parameterTypes == [.double, .double])
        #expect(try signature("mod", [.int, .bigint]) == FunctionSignature(name: "mod", parameterTypes: [.bigint, .bigint], returnType: .bigint))
        #expect(try signature("pmod", [.int, .double]).returnType == .double)
        #expect(try signature("greatest", [.int, .bigint, .double]) == FunctionSignature(name: "greatest", parameterTypes: [.double, .double, .double], returnType: .double))
        #expect(try signature("least", [.date, .timestamp]).returnType == .timestamp)
        #expect(try signature("least", [.null, .string]).parameterTypes == [.string, .string])
        #expect(try signature("pi", []).returnType == .double)
    }

    @Test func dateFunctionsCastTextAndTimestamps() throws {
        #expect(try signature("year", [.string]) == FunctionSignature(name: "year", parameterTypes: [.date], returnType: .int))
        #expect(try signature("year", [.timestamp]).parameterTypes == [.date])
        #expect(try signature("hour", [.date]) == FunctionSignature(name: "hour", parameterTypes: [.timestamp], returnType: .int))
        #expect(try signature("date_add", [.date, .bigint]) == FunctionSignature(name: "date_add", parameterTypes: [.date, .int], returnType: .date))
        #expect(try signature("datediff", [.string, .timestamp]).parameterTypes == [.date, .date])
        #expect(try signature("date_trunc", [.string, .date]) == FunctionSignature(name: "date_trunc", parameterTypes: [.string, .timestamp], returnType: .timestamp))
        #expect(try signature("trunc", [.timestamp, .string]).returnType == .date)
        #expect(try signature("date_format", [.date, .string]).parameterTypes == [.timestamp, .string])
        #expect(try signature("to_date", [.string]) == FunctionSignature(name: "to_date", parameterTypes: [.string], returnType: .date))
        #expect(try signature("to_date", [.timestamp, .string]).parameterTypes == [.timestamp, .string])
        #expect(try signature("to_date", [.null]).parameterTypes == [.string])
        #expect(try signature("to_timestamp", [.bigint]).parameterTypes == [.bigint])
        #expect(try signature("to_timestamp", [.date, .string]).returnType == .timestamp)
        #expect(try signature("unix_timestamp", []).returnType == .bigint)
        #expect(try signature("from_unixtime", [.int]).parameterTypes == [.bigint])
        #expect(try signature("current_date", []).returnType == .date)
    }

    @Test func conditionalHelpers() throws {
        #expect(try signature("nullif", [.int, .bigint]) == FunctionSignature(name: "nullif", parameterTypes: [.bigint, .bigint], returnType: .bigint))
        #expect(try signature("nvl", [.null, .int]) == FunctionSignature(name: "nvl", parameterTypes: [.int, .int], returnType: .int))
        #expect(try signature("nvl", [.null, .null]).returnType == .string)
        #expect(try signature("nvl2", [.date, .int, .string]) == FunctionSignature(name: "nvl2", parameterTypes: [.date, .string, .string], returnType: .string))
        #expect(try signature("isnull", [.timestamp]) == FunctionSignature(name: "isnull", parameterTypes: [.timestamp], returnType: .boolean))
    }

    @Test func unknownFunctionSuggestsTheNearestName() {
        let e = failure("lowr", [.string])
        #expect(e?.errorClass == "UNRESOLVED_ROUTINE")
        #expect(e?.message == "Cannot resolve routine `lowr` on search path [`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]. Did you mean `lower`?")
        let far = failure("frobnicate", [])
        #expect(far?.message == "Cannot resolve routine `frobnicate` on search path [`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`].")
        #expect(far?.description == "[UNRESOLVED_ROUTINE] Cannot resolve routine `frobnicate` on search path [`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`].")
    }

    @Test func wrongNumberOfArguments() {
        let e = failure("substring", [.string])
        #expect(e?.errorClass == "WRONG_NUM_ARGS")
        #expect(e?.message == "The `substring` requires [2, 3] parameters but the actual number is 1.")
        #expect(failure("lower", [.string, .string])?.message == "The `lower` requires 1 parameters but the actual number is 2.")
        #expect(failure("concat_ws", [])?.message == "The `concat_ws` requires > 0 parameters but the actual number is 0.")
        #expect(failure("greatest", [.int])?.message == "The `greatest` requires > 1 parameters but the actual number is 1.")
        #expect(failure("pi", [.int])?.message == "The `pi` requires 0 parameters but the actual number is 1.")
        #expect(failure("unix_timestamp", [.string, .string, .string])?.message == "The `unix_timestamp` requires [0, 1, 2] parameters but the actual number is 3.")
    }

    @Test func impossibleTypes() {
        let e = failure("year", [.boolean], argSQL: ["flag"])
        #expect(e?.errorClass == "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
        #expect(e?.message == "Cannot resolve \"year(flag)\" due to data type mismatch: The first parameter requires the \"DATE\" type, however \"flag\" has the type \"BOOLEAN\".")
        #expect(failure("substr", [.string, .date], argSQL: ["s", "d"])?.message
            == "Cannot resolve \"substr(s, d)\" due to data type mismatch: The second parameter requires the \"INT\" type, however \"d\" has the type \"DATE\".")
        #expect(failure("abs", [.date], argSQL: ["d"])?.message
            == "Cannot resolve \"abs(d)\" due to data type mismatch: The first parameter requires the \"NUMERIC\" type, however \"d\" has the type \"DATE\".")
        #expect(failure("to_date", [.int], argSQL: ["1"])?.message
            == "Cannot resolve \"to_date(1)\" due to data type mismatch: The first parameter requires the (\"STRING\" or \"DATE\" or \"TIMESTAMP\") type, however \"1\" has the type \"INT\".")
        #expect(failure("sqrt", [.boolean])?.message
            == "Cannot resolve \"sqrt(BOOLEAN)\" due to data type mismatch: The first parameter requires the \"DOUBLE\" type, however \"BOOLEAN\" has the type \"BOOLEAN\".")
        #expect(failure("date_add", [.date, .date])?.errorClass == "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
        #expect(failure("hour", [.int])?.errorClass == "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
    }

    @Test func argumentsWithoutACommonType() {
        let e = failure("greatest", [.int, .date], argSQL: ["1", "d"])
        #expect(e?.errorClass == "DATATYPE_MISMATCH.DATA_DIFF_TYPES")
        #expect(e?.message == "Cannot resolve \"greatest(1, d)\" due to data type mismatch: Input to `greatest` should all be the same type, but it's [\"INT\", \"DATE\"].")
        #expect(failure("nvl", [.boolean, .date])?.errorClass == "DATATYPE_MISMATCH.DATA_DIFF_TYPES")
    }

    @Test func aggregatesAreRecognised() {
        for name in ["count", "SUM", "avg", "mean", "Min", "max", "first", "last", "any_value"] {
            #expect(FunctionCatalog.isAggregate(name), "\(name)")
        }
        for name in ["lower", "coalesce", "if", "substr"] {
            #expect(!FunctionCatalog.isAggregate(name), "\(name)")
        }
    }

    @Test func scalarNamesIncludeAliases() {
        let names = FunctionCatalog.scalarNames
        for name in ["substr", "substring", "lower", "lcase", "to_date", "date_trunc", "split_part"] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(names == names.sorted())
        #expect(!names.contains("count"))
    }
}
