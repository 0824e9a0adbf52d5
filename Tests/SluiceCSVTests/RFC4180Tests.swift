import Testing
@testable import SluiceCSV

/// Field splitting: RFC 4180 quoting plus Spark's escape byte, line ends, BOM, blank
/// lines, NULL and empty values.
@Suite struct RFC4180Tests {
    @Test func quotedFieldsCRLFAndNoFinalNewline() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "a,b,c\r\n1,\"x, y\",3\r\n2,\"he said \"\"hi\"\"\",\r\n\r\n3,\"\",\r\n4,plain,\"end\"")
        #expect(try read(p, ["header": "true"]) == [
            [s("1"), s("x, y"), s("3")],
            [s("2"), s("he said \"hi\""), null],
            [s("3"), null, null],
            [s("4"), s("plain"), s("end")],
        ])
    }

    @Test func crlfInsideQuotesIsKeptWithMultiLine() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "1,\"x\r\ny\"\r\n2,z\r\n")
        #expect(try read(p, ["multiLine": "true"]) == [[s("1"), s("x\r\ny")], [s("2"), s("z")]])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("id,name\n1,\"a\"\n".utf8))
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true"]))
        #expect(ds.dataSchema == [CSVField("id", .string), CSVField("name", .string)])
        #expect(try readRows(ds) == [[s("1"), s("a")]])
        // Without a header, the BOM is not part of the first value either.
        #expect(try read(p) == [[s("id"), s("name")], [s("1"), s("a")]])
    }

    @Test func blankAndWhitespaceLinesAreSkipped() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "\n\nx,y\n\n  \n\t\r\n1,2\n\n")
        #expect(try read(p, ["header": "true"]) == [[s("1"), s("2")]])
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true"]))
        #expect(try readLines(ds) == [7])
    }

    @Test func doubledQuotesAndEscapes() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", """
            "a""b",x
            "a\\"b",x
            "a\\\\b",x
            "a\\nb",x
            a\\"b,x
            a"b,x

            """)
        #expect(try read(p) == [
            [s("a\"b"), s("x")],
            [s("a\"b"), s("x")],
            [s("a\\b"), s("x")],
            [s("a\\nb"), s("x")],
            [s("a\\\"b"), s("x")],
            [s("a\"b"), s("x")],
        ])
    }

    @Test func escapeOptionSameAsQuoteMeansDoublingOnly() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "\"a\"\"b\\\",x\n")
        #expect(try read(p, ["escape": "\""]) == [[s("a\"b\\"), s("x")]])
    }

    @Test func nullValueAndEmptyStrings() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "1,,\"\",\\N,\"\\N\",NULL\n")
        // Default nullValue "": unquoted empty and "" are both NULL (Spark 3/4).
        #expect(try read(p) == [[s("1"), null, null, s("\\N"), s("\\N"), s("NULL")]])
        // nullValue \N: "" is an empty string; \N quoted or not is NULL.
        #expect(try read(p, ["nullValue": "\\N"]) == [[s("1"), null, s(""), null, null, s("NULL")]])
        #expect(try read(p, ["nullValue": "NULL"]) == [[s("1"), null, s(""), s("\\N"), s("\\N"), null]])
        // emptyValue gives quoted empty fields a value of its own.
        #expect(try read(p, ["emptyValue": "EMPTY"]) == [[s("1"), null, s("EMPTY"), s("\\N"), s("\\N"), s("NULL")]])
    }

    @Test func separators() throws {
        let dir = TempDir()
        let semi = dir.write("a.csv", "a;b;\"c;d\"\n")
        #expect(try read(semi, ["sep": ";"]) == [[s("a"), s("b"), s("c;d")]])
        let tab = dir.write("b.tsv", "a\tb\t\"c\td\"\n")
        #expect(try read(tab, ["sep": "\\t"]) == [[s("a"), s("b"), s("c\td")]])
        let pipe = dir.write("c.csv", "a|b,c\n")
        #expect(try read(pipe, ["delimiter": "|"]) == [[s("a"), s("b,c")]])
    }

    @Test func quotingOff() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "\"a,b\"\n")
        #expect(try read(p, ["quote": ""]) == [[s("\"a"), s("b\"")]])
    }

    @Test func commentLines() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "#c1\nx,y\n# c2,\"\n1,2\n")
        #expect(try read(p, ["comment": "#", "header": "true"]) == [[s("1"), s("2")]])
    }

    @Test func whitespaceTrimming() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", " a , b ,  \"c d\"  , \n")
        #expect(try read(p) == [[s(" a "), s(" b "), s("  \"c d\"  "), s(" ")]])
        #expect(try read(p, ["ignoreLeadingWhiteSpace": "true", "ignoreTrailingWhiteSpace": "true"])
            == [[s("a"), s("b"), s("c d"), null]])
        #expect(try read(p, ["ignoreLeadingWhiteSpace": "true"]) == [[s("a "), s("b "), s("c d"), null]])
        #expect(try read(p, ["ignoreTrailingWhiteSpace": "true"]) == [[s(" a"), s(" b"), s("  \"c d\""), null]])
    }

    @Test func multiByteUTF8() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "名前,都市\n\"Zoë, ☃\",東京\n")
        #expect(try read(p, ["header": "true"]) == [[s("Zoë, ☃"), s("東京")]])
    }

    @Test func emptyFileAndHeaderOnly() throws {
        let dir = TempDir()
        dir.write("t/a.csv", "")
        dir.write("t/b.csv", "x,y\n")
        dir.write("t/c.csv", "x,y\n1,2")
        let ds = try CSVDataset.discover(path: dir.path + "/t", options: csvOptions(["header": "true"]))
        #expect(ds.dataSchema.map(\.name) == ["x", "y"])
        #expect(ds.splits(maxPartitionBytes: 100).map(\.fileIndex) == [1, 2])
        #expect(try readRows(ds) == [[s("1"), s("2")]])
    }

    @Test func headerNamesAreMadeSafe() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "a,,A,b,\"\",a\n1,2,3,4,5,6\n")
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true"]))
        #expect(ds.dataSchema.map(\.name) == ["a0", "_c1", "A2", "b", "_c4", "a5"])
        let plain = try CSVDataset.discover(path: p, options: csvOptions())
        #expect(plain.dataSchema.map(\.name) == ["_c0", "_c1", "_c2", "_c3", "_c4", "_c5"])
    }

    @Test func projectionParsesOnlyWhatIsAsked() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "a,b,c\n1,x,2.5\n2,y,oops\n")
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true", "schema": "a BIGINT, b STRING, c DOUBLE"]))
        // c is never parsed, so its bad value goes unnoticed (as with Spark's column pruning).
        #expect(try readRows(ds, projection: [1, 0, 1]) == [[s("x"), i(1), s("x")], [s("y"), i(2), s("y")]])
        #expect(try readRows(ds, projection: []).count == 2)
    }
}
