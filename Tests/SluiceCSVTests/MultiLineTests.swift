import Testing
@testable import SluiceCSV

@Suite struct MultiLineTests {
    static let content = "id,note\n1,\"multi\nline\"\n2,x\n"

    @Test func quotedLineBreakWithoutMultiLineIsAnError() {
        let dir = TempDir()
        let p = dir.write("n.csv", Self.content)
        let e = readError(p, ["header": "true"])
        #expect(e?.description == "\(p):2:3: quoted field contains a line break; set the option multiLine 'true' to read records that span lines")
        #expect(e?.exitStatus == .dataError)
    }

    @Test func quotedLineBreakWithoutMultiLinePermissive() throws {
        // Records are lines then, as in Spark: both halves are malformed.
        let dir = TempDir()
        let p = dir.write("n.csv", Self.content)
        #expect(try read(p, ["header": "true", "mode": "PERMISSIVE"]) == [[s("1"), null], [s("line\""), null], [s("2"), s("x")]])
    }

    @Test func multiLineRecords() throws {
        let dir = TempDir()
        let p = dir.write("n.csv", Self.content)
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true", "multiLine": "true"]))
        #expect(try readRows(ds) == [[s("1"), s("multi\nline")], [s("2"), s("x")]])
        #expect(try readLines(ds) == [2, 4])
        // Files are never split with multiLine.
        #expect(ds.splits(maxPartitionBytes: 4).count == 1)
    }

    @Test func errorPositionsCountLinesInsideRecords() {
        let dir = TempDir()
        let p = dir.write("n.csv", "a,b,c\n1,\"x\ny\",bad\n")
        #expect(readError(p, ["header": "true", "multiLine": "true", "schema": "a BIGINT, b STRING, c BIGINT"])?.description
            == "\(p):3:4: value 'bad' in column c is not a valid BIGINT as the schema option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL")
        let q = dir.write("m.csv", "a,b\n1,\"x\ny\"\n2,\"ü\"zz\n")
        #expect(readError(q, ["header": "true", "multiLine": "true"])?.description
            == "\(q):4:6: expected the delimiter ',' or a line end after the closing quote of a field but found 'z'; quote the whole field and write each quote inside it twice")
    }

    @Test func unterminatedQuoteAtEndOfFile() {
        let dir = TempDir()
        let p = dir.write("u.csv", "1,a\n2,\"abc\n3,x\n")
        #expect(readError(p, ["multiLine": "true"])?.description
            == "\(p):2:3: quoted field is not closed before the end of the file; add the closing quote \" (a quote inside a field is written twice: \"\")")
    }
}
