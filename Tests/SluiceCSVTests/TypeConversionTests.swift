import Foundation
import Testing
@testable import SluiceCSV

/// Text to typed values, as Spark's CSV reader converts it, with a declared schema.
@Suite struct TypeConversionTests {
    static let ddl = "b BOOLEAN, i INT, l BIGINT, d DOUBLE, s STRING, dt DATE, t TIMESTAMP, dec DECIMAL(10,2)"

    @Test func everyType() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", """
            true,1,9000000000,1.5,x,2024-03-05,2024-03-05 10:20:30,12.34
            FALSE,-2,+7,-0.25e2,"y",2024-3-5,2024-03-05T10:20:30.123456Z,1e3
            ,,,NaN,,,2024-03-05,
            TRUE,2147483647,-9223372036854775808,Infinity,z,2024-03-05 08:00:00,2024-03-05 10:20,-Inf

            """)
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["schema": Self.ddl]))
        #expect(ds.schema.map(\.type) == [.boolean, .int, .bigint, .double, .string, .date, .timestamp, .double])
        #expect(ds.schemaSource == .declared)
        let rows = try readRows(ds)
        #expect(rows.count == 4)
        #expect(rows[0] == [.bool(true), i(1), i(9_000_000_000), d(1.5), s("x"), date("2024-03-05"), ts("2024-03-05 10:20:30"), d(12.34)])
        #expect(rows[1] == [.bool(false), i(-2), i(7), d(-25), s("y"), date("2024-03-05"), ts("2024-03-05 10:20:30.123456"), d(1000)])
        #expect(rows[2][0] == null && rows[2][1] == null && rows[2][2] == null && rows[2][4] == null && rows[2][5] == null && rows[2][7] == null)
        guard case .double(let nan) = rows[2][3] else { Issue.record("NaN expected"); return }
        #expect(nan.isNaN)
        #expect(rows[2][6] == ts("2024-03-05 00:00:00"))
        #expect(rows[3] == [.bool(true), i(2_147_483_647), i(Int64.min), d(.infinity), s("z"), date("2024-03-05"), ts("2024-03-05 10:20:00"), d(-.infinity)])
    }

    @Test func declaredTypeErrorsNameTheFix() throws {
        let dir = TempDir()
        let p = dir.write("x.csv", "i,d\n1,2.0\n2147483648,3\n")
        let e = readError(p, ["header": "true", "schema": "i INT, d DOUBLE"])
        #expect(e?.description == "\(p):3:1: value '2147483648' in column i is not a valid INT as the schema option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL")
        #expect(e?.exitStatus == .dataError)
        let q = dir.write("y.csv", "1,\"oops \"\"x\"\"\"\n")
        #expect(readError(q, ["schema": "i INT, d DOUBLE"])?.description
            == "\(q):1:3: value 'oops \"x\"' in column d is not a valid DOUBLE as the schema option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL")
    }

    @Test func dateAndTimestampFormats() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "05/03/2024,05/03/2024 10:20\n")
        let opts: KeyValuePairs<String, String> = ["schema": "d DATE, t TIMESTAMP", "dateFormat": "dd/MM/yyyy", "timestampFormat": "dd/MM/yyyy HH:mm"]
        #expect(try read(p, opts) == [[date("2024-03-05"), ts("2024-03-05 10:20:00")]])
        // With a format given, other forms are not read (Spark's fallback is off then).
        let q = dir.write("b.csv", "2024-03-05,05/03/2024 10:20\n")
        #expect(readError(q, opts)?.description
            == "\(q):1:1: value '2024-03-05' in column d is not a valid DATE in the format 'dd/MM/yyyy' as the schema option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL")
        var withFallback = opts.map { ($0.key, $0.value) }
        withFallback.append(("enableDateTimeParsingFallback", "true"))
        let ds = try CSVDataset.discover(path: q, options: CSVOptions(withFallback))
        #expect(try readRows(ds) == [[date("2024-03-05"), ts("2024-03-05 10:20:00")]])
    }

    @Test func specialDoubleTexts() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "Inf\n-Inf\nInfinity\n-Infinity\n+Infinity\nnan_here\n")
        #expect(try read(p, ["schema": "d DOUBLE", "nanValue": "nan_here"])
            .map { r -> String in if case .double(let v) = r[0] { return "\(v)" } else { return "\(r[0])" } }
            == ["inf", "-inf", "inf", "-inf", "inf", "nan"])
    }

    @Test func int64ParsingIsJavas() {
        func parse(_ t: String) -> Int64? { var t = t; return t.withUTF8 { FieldParsers.int64($0.baseAddress!, $0.count) } }
        #expect(parse("0") == 0)
        #expect(parse("+7") == 7)
        #expect(parse("-12") == -12)
        #expect(parse("9223372036854775807") == Int64.max)
        #expect(parse("-9223372036854775808") == Int64.min)
        #expect(parse("9223372036854775808") == nil)
        #expect(parse("00000000000000000000001") == 1)
        for bad in ["", "+", "-", " 1", "1 ", "1.0", "1e3", "0x10", "1_000"] { #expect(parse(bad) == nil, "\(bad)") }
    }

    @Test func doubleParsingIsJavas() {
        func parse(_ t: String) -> Double? { var t = t + "        "; return t.withUTF8 { FieldParsers.double($0.baseAddress!, $0.count - 8) } }
        #expect(parse("1.5") == 1.5)
        #expect(parse("-0.25e2") == -25)
        #expect(parse(".5") == 0.5)
        #expect(parse("5.") == 5)
        #expect(parse("1d") == 1)
        #expect(parse("1.5F") == 1.5)
        #expect(parse(" 2.5 ") == 2.5)
        #expect(parse("+.5e-3") == 0.0005)
        #expect(parse("1e400") == .infinity)
        #expect(parse("-1e-400") == 0)
        #expect(parse("Infinity") == .infinity)
        #expect(parse("-Infinity") == -.infinity)
        #expect(parse("NaN")?.isNaN == true)
        #expect(parse("123456789012345678") == 123456789012345678)
        #expect(parse("0.1") == 0.1)
        for bad in ["", "-", ".", "e5", "1e", "0x10", "1_000", "inf", "nan", "1.2.3", "1e5.5", "--1"] { #expect(parse(bad) == nil, "\(bad)") }
    }

    @Test func fastDoublePathRoundsCorrectly() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...17, using: &rng)
            var text = String(UInt64.random(in: 0...UInt64(1e17), using: &rng)).prefix(digits)
            let point = Int.random(in: 0...text.count, using: &rng)
            text.insert(".", at: text.index(text.startIndex, offsetBy: point))
            if Bool.random(using: &rng) { text += "e\(Int.random(in: -30...30, using: &rng))" }
            if text.hasPrefix(".") && text.count == 1 { continue }
            let t = String(text)
            var padded = t + "        "
            let got = padded.withUTF8 { FieldParsers.double($0.baseAddress!, $0.count - 8) }
            #expect(got == Double(t), "\(t)")
        }
    }

    @Test func booleansAreScalas() {
        func parse(_ t: String) -> Bool? { var t = t; return t.withUTF8 { FieldParsers.bool($0.baseAddress!, $0.count) } }
        #expect(parse("true") == true)
        #expect(parse("TRUE") == true)
        #expect(parse("False") == false)
        for bad in ["1", "t", "yes", " true", "truee"] { #expect(parse(bad) == nil, "\(bad)") }
    }
}
