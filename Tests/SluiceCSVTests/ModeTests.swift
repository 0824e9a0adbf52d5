import Foundation
import Testing
@testable import SluiceCSV

/// FAILFAST, PERMISSIVE, DROPMALFORMED and badRecordsPath on the same bad file.
@Suite struct ModeTests {
    static let content = """
        id,name,amount
        1,a,1.5
        2,b
        3,c,2.5,extra
        4,d,abc
        5,"e",3.5

        """
    static let schema = "id BIGINT, name STRING, amount DOUBLE"
    static let countFix = "fix the row, or set the option mode 'PERMISSIVE' (missing fields read as NULL, extra fields dropped) or 'DROPMALFORMED' (the row is skipped)"

    @Test func failFastStopsAtTheFirstBadRecord() {
        let dir = TempDir()
        let p = dir.write("m.csv", Self.content)
        let e = readError(p, ["header": "true", "schema": Self.schema])
        #expect(e?.description == "\(p):3:4: expected 3 fields but found 2; \(Self.countFix)")
        #expect(e?.exitStatus == .dataError)
        #expect(e?.position == FilePosition(path: p, line: 3, column: 4))
    }

    @Test func tooManyFieldsPointsAtTheFirstExtraField() {
        let dir = TempDir()
        let p = dir.write("m.csv", "a,b\n1,2,3\n")
        #expect(readError(p, ["header": "true"])?.description == "\(p):2:5: expected 2 fields but found 3; \(Self.countFix)")
    }

    @Test func permissiveKeepsRowsWithNulls() throws {
        let dir = TempDir()
        let p = dir.write("m.csv", Self.content)
        #expect(try read(p, ["header": "true", "schema": Self.schema, "mode": "PERMISSIVE"]) == [
            [i(1), s("a"), d(1.5)],
            [i(2), s("b"), null],
            [i(3), s("c"), d(2.5)],
            [i(4), s("d"), null],
            [i(5), s("e"), d(3.5)],
        ])
    }

    @Test func dropMalformedSkipsRows() throws {
        let dir = TempDir()
        let p = dir.write("m.csv", Self.content)
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true", "schema": Self.schema, "mode": "DROPMALFORMED"]))
        #expect(try readRows(ds) == [[i(1), s("a"), d(1.5)], [i(5), s("e"), d(3.5)]])
        #expect(try readLines(ds) == [2, 6])
        #expect(try readLines(ds, projection: []) == [2, 5, 6])
        // Only parsed columns can make a row bad (as with Spark's column pruning).
        #expect(try readRows(ds, projection: [0]) == [[i(1)], [i(4)], [i(5)]])
    }

    @Test func badRecordsPathWritesJSONLines() throws {
        let dir = TempDir()
        let p = dir.write("m.csv", Self.content)
        let bad = dir.path + "/bad/records"
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true", "schema": Self.schema, "badRecordsPath": bad]))
        #expect(try readRows(ds) == [[i(1), s("a"), d(1.5)], [i(5), s("e"), d(3.5)]])
        let written = dir.read("bad/records/part-0-0.json")
        let jp = p
        #expect(written == """
            {"path":"\(jp)","line":3,"record":"2,b","reason":"expected 3 fields but found 2"}
            {"path":"\(jp)","line":4,"record":"3,c,2.5,extra","reason":"expected 3 fields but found 4"}
            {"path":"\(jp)","line":5,"record":"4,d,abc","reason":"value 'abc' in column amount is not a valid DOUBLE as the schema option declares"}

            """)
        var st = stat()
        #expect(stat(dir.path + "/bad/records/part-0-0.json", &st) == 0 && st.st_mode & 0o777 == 0o644)
        #expect(stat(dir.path + "/bad/records", &st) == 0 && st.st_mode & 0o777 == 0o755)
    }

    @Test func badRecordsAreEscapedAsJSON() throws {
        let dir = TempDir()
        let p = dir.write("m.csv", "a,\"q\"\"\\\\\tx\"\n")
        _ = try read(p, ["schema": "a BIGINT, b STRING", "badRecordsPath": dir.path + "/bad"])
        #expect(dir.read("bad/part-0-0.json") == """
            {"path":"\(p)","line":1,"record":"a,\\"q\\"\\"\\\\\\\\\\tx\\"","reason":"value 'a' in column a is not a valid BIGINT as the schema option declares"}

            """)
    }

    @Test func noBadRecordsNoFile() throws {
        let dir = TempDir()
        let p = dir.write("m.csv", "1\n")
        _ = try read(p, ["badRecordsPath": dir.path + "/bad"])
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/bad"))
    }

    @Test func characterAfterClosingQuote() {
        let dir = TempDir()
        let p = dir.write("q.csv", "1,\"ab\"c,3\n")
        #expect(readError(p)?.description
            == "\(p):1:7: expected the delimiter ',' or a line end after the closing quote of a field but found 'c'; quote the whole field and write each quote inside it twice")
    }

    @Test func characterAfterClosingQuotePermissive() throws {
        let dir = TempDir()
        let p = dir.write("q.csv", "1,\"ab\"c,3\n")
        #expect(try read(p, ["mode": "PERMISSIVE"]) == [[s("1"), null, s("3")]])
        #expect(try read(p, ["mode": "DROPMALFORMED"]) == [])
    }

    @Test func firstBadValueInFileOrderWins() {
        // Column-wise parsing must still report the earliest row, then the leftmost field.
        let dir = TempDir()
        let p = dir.write("o.csv", "1,2,x\n1,y,z\n")
        #expect(readError(p, ["schema": "a INT, b INT, c INT"])?.description
            == "\(p):1:5: value 'x' in column c is not a valid INT as the schema option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL")
    }
}
