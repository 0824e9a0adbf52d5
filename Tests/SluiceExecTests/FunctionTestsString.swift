import Testing
@testable import SluiceExec

@Suite("String functions")
struct StringFunctionTests {
    @Test func lowerAndUpperMapASCIIAndUnicode() throws {
        let c = textColumn(["HeLLo 42", "ÀÉÎ Õü", nil, "", "İ", "straße"])
        expectValues(try kernelResults("lower", [c], returns: .string),
                     [.string("hello 42"), .string("àéî õü"), .null, .string(""), .string("i\u{307}"), .string("straße")])
        expectValues(try kernelResults("upper", [c], returns: .string),
                     [.string("HELLO 42"), .string("ÀÉÎ ÕÜ"), .null, .string(""), .string("İ"), .string("STRASSE")])
    }

    @Test func initcapCapitalisesAfterSpacesOnly() throws {
        let c = textColumn(["hello WORLD", "  a  b", "élan vital", "sPARK-sql x", nil, ""])
        expectValues(try kernelResults("initcap", [c], returns: .string),
                     [.string("Hello World"), .string("  A  B"), .string("Élan Vital"), .string("Spark-sql X"), .null, .string("")])
    }

    @Test func reverseByCodePoint() throws {
        let c = textColumn(["abc", "héllo", "日本", "😀a", "", nil])
        expectValues(try kernelResults("reverse", [c], returns: .string),
                     [.string("cba"), .string("olléh"), .string("本日"), .string("a😀"), .string(""), .null])
    }

    @Test func trimRemovesSpacesOnly() throws {
        let c = textColumn(["  a b  ", "\ta\t", "", "   ", nil, " é "])
        expectValues(try kernelResults("trim", [c], returns: .string),
                     [.string("a b"), .string("\ta\t"), .string(""), .string(""), .null, .string("é")])
        expectValues(try kernelResults("ltrim", [c], returns: .string),
                     [.string("a b  "), .string("\ta\t"), .string(""), .string(""), .null, .string("é ")])
        expectValues(try kernelResults("rtrim", [c], returns: .string),
                     [.string("  a b"), .string("\ta\t"), .string(""), .string(""), .null, .string(" é")])
    }

    @Test func btrimRemovesGivenCharacters() throws {
        let c = textColumn(["xxabcxyx", "日本日", "abc", nil])
        let set = textColumn(["xy", "日", "", "x"])
        expectValues(try kernelResults("btrim", [c, set], returns: .string),
                     [.string("abc"), .string("本"), .string("abc"), .null])
    }

    @Test func lengthCountsCodePoints() throws {
        let c = textColumn(["abc", "héllo", "日本語", "😀", "", nil])
        expectValues(try kernelResults("length", [c], returns: .int), [.int(3), .int(5), .int(3), .int(1), .int(0), .null])
        expectValues(try kernelResults("octet_length", [c], returns: .int), [.int(3), .int(6), .int(9), .int(4), .int(0), .null])
        expectValues(try kernelResults("bit_length", [c], returns: .int), [.int(24), .int(48), .int(72), .int(32), .int(0), .null])
    }

    @Test func substrPositions() throws {
        let s = textColumn(["Spark SQL", "Spark SQL", "Spark SQL", "Spark", "Spark", "Spark", "héllo wörld", "日本語テキスト", "abc", "abc", nil, "abc"])
        let pos = intColumn([5, -3, 5, 0, -10, -7, 2, -3, 10, 2, 1, nil])
        let len = intColumn([Int64(Int32.max), Int64(Int32.max), 1, 2, 3, 4, 4, Int64(Int32.max), 1, -1, 1, 1])
        expectValues(try kernelResults("substr", [s, pos, len], returns: .string), [
            .string("k SQL"), .string("SQL"), .string("k"), .string("Sp"), .string(""), .string("Sp"),
            .string("éllo"), .string("キスト"), .string(""), .string(""), .null, .null,
        ])
        // Two arguments: to the end.
        expectValues(try kernelResults("substr", [textColumn(["héllo", "abc"]), intColumn([-4, 0])], returns: .string),
                     [.string("éllo"), .string("abc")])
    }

    @Test func leftAndRight() throws {
        let s = textColumn(["Spark SQL", "abc", "abc", "日本語", "abc", nil])
        let n = intColumn([3, 0, -1, 2, 5, 1])
        expectValues(try kernelResults("left", [s, n], returns: .string),
                     [.string("Spa"), .string(""), .string(""), .string("日本"), .string("abc"), .null])
        expectValues(try kernelResults("right", [s, n], returns: .string),
                     [.string("SQL"), .string(""), .string(""), .string("本語"), .string("abc"), .null])
    }

    @Test func padding() throws {
        let s = textColumn(["hi", "hi", "日本", "hi", "hi", "héllo", nil])
        let n = intColumn([5, 1, 5, 5, -1, 3, 5])
        let p = textColumn(["??", "??", "ab", "", "x", "x", "x"])
        expectValues(try kernelResults("lpad", [s, n, p], returns: .string),
                     [.string("???hi"), .string("h"), .string("aba日本"), .string("hi"), .string(""), .string("hél"), .null])
        expectValues(try kernelResults("rpad", [s, n, p], returns: .string),
                     [.string("hi???"), .string("h"), .string("日本aba"), .string("hi"), .string(""), .string("hél"), .null])
        expectValues(try kernelResults("lpad", [textColumn(["hi"]), intColumn([4])], returns: .string), [.string("  hi")])
        expectValues(try kernelResults("rpad", [textColumn(["hi"]), intColumn([4])], returns: .string), [.string("hi  ")])
    }

    @Test func splitPart() throws {
        let s = textColumn(["11.12.13", "11.12.13", "11.12.13", "11.12.13", "a,,b", "abc", "abc", "日本|語", "", nil])
        let d = textColumn([".", ".", ".", ".", ",", "", "", "|", ",", "."])
        let k = intColumn([3, -1, 4, -4, 2, 1, 2, 2, 1, 0])
        expectValues(try kernelResults("split_part", [s, d, k], returns: .string), [
            .string("13"), .string("13"), .string(""), .string(""), .string(""), .string("abc"), .string(""),
            .string("語"), .string(""), .null,
        ])
    }

    @Test func splitPartZeroIsAnError() {
        let error = evalError { try callKernel("split_part", [textColumn(["a.b", "a.b"]), textColumn([".", "."]), intColumn([1, 0])], returns: .string) }
        #expect(error?.row == 1)
        #expect(error?.kind == .other("[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1)."))
    }

    @Test func concatIsNullWhenAnyArgumentIs() throws {
        let a = textColumn(["a", "日", nil, ""]), b = textColumn(["b", "本", "x", ""]), c = textColumn(["c", nil, "y", ""])
        expectValues(try kernelResults("concat", [a, b, c], returns: .string), [.string("abc"), .null, .null, .string("")])
        expectValues(try kernelResults("concat", [], returns: .string, count: 2), [.string(""), .string("")])
    }

    @Test func concatWSSkipsNulls() throws {
        let sep = textColumn([",", ",", nil, "-", "–"])
        let a = textColumn(["a", nil, "a", nil, "x"]), b = textColumn([nil, nil, "b", "b", "y"]), c = textColumn(["c", nil, "c", nil, "z"])
        expectValues(try kernelResults("concat_ws", [sep, a, b, c], returns: .string),
                     [.string("a,c"), .string(""), .null, .string("b"), .string("x–y–z")])
        expectValues(try kernelResults("concat_ws", [textColumn(["-"])], returns: .string), [.string("")])
    }

    @Test func replace() throws {
        let s = textColumn(["ABCabc", "aaa", "abc", "abcabc", "héllo", nil])
        let f = textColumn(["abc", "aa", "", "b", "é", "a"])
        let r = textColumn(["DEF", "b", "x", "", "e", "b"])
        expectValues(try kernelResults("replace", [s, f, r], returns: .string),
                     [.string("ABCDEF"), .string("ba"), .string("abc"), .string("acac"), .string("hello"), .null])
        expectValues(try kernelResults("replace", [textColumn(["abcabc"]), textColumn(["b"])], returns: .string), [.string("acac")])
    }

    @Test func instrCountsCharacters() throws {
        let s = textColumn(["SparkSQL", "héllo", "abc", "abc", "", nil])
        let f = textColumn(["SQL", "l", "", "z", "", "a"])
        expectValues(try kernelResults("instr", [s, f], returns: .int), [.int(6), .int(3), .int(1), .int(0), .int(1), .null])
    }

    @Test func locateWithAndWithoutPosition() throws {
        let f = textColumn(["bar", "bar", "bar", "", "l", nil, "bar"])
        let s = textColumn(["foobarbar", "foobarbar", "foobarbar", "abc", "héllo", "abc", "foobarbar"])
        let pos = intColumn([1, 5, 0, 3, 4, 1, nil])
        // A NULL position gives 0, not NULL.
        expectValues(try kernelResults("locate", [f, s, pos], returns: .int), [.int(4), .int(7), .int(0), .int(1), .int(4), .null, .int(0)])
        expectValues(try kernelResults("locate", [textColumn(["bar", "é"]), textColumn(["foobarbar", "héllo"])], returns: .int), [.int(4), .int(2)])
    }

    @Test func startsEndsContains() throws {
        let s = textColumn(["Spark SQL", "Sp", "日本語", "abc", nil])
        let p = textColumn(["Spark", "Spark", "日本", "", "a"])
        expectValues(try kernelResults("startswith", [s, p], returns: .boolean), [.bool(true), .bool(false), .bool(true), .bool(true), .null])
        let q = textColumn(["SQL", "p", "本", "", "a"])
        expectValues(try kernelResults("endswith", [s, q], returns: .boolean), [.bool(true), .bool(true), .bool(false), .bool(true), .null])
        let r = textColumn(["k S", "x", "本", "", nil])
        expectValues(try kernelResults("contains", [s, r], returns: .boolean), [.bool(true), .bool(false), .bool(true), .bool(true), .null])
    }

    @Test func repeatAsciiChr() throws {
        expectValues(try kernelResults("repeat", [textColumn(["ab", "x", "x", "é", nil]), intColumn([3, 0, -1, 2, 2])], returns: .string),
                     [.string("ababab"), .string(""), .string(""), .string("éé"), .null])
        expectValues(try kernelResults("ascii", [textColumn(["222", "", "é", "😀", nil])], returns: .int),
                     [.int(50), .int(0), .int(233), .int(0x1F600), .null])
        expectValues(try kernelResults("chr", [bigintColumn([65, 321, -1, 233, 0, nil])], returns: .string),
                     [.string("A"), .string("A"), .string(""), .string("é"), .string("\u{0}"), .null])
    }

    @Test func nullSlotsNeverRaise() throws {
        // A NULL row's slot may hold any value; a zero there must not raise.
        var part = intColumn([0, 2])
        part.validity = Validity(validFlags: [false, true])
        expectValues(try kernelResults("split_part", [textColumn(["a.b", "a.b"]), textColumn([".", "."]), part], returns: .string),
                     [.null, .string("b")])
    }
}
