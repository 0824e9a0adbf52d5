import Testing
@testable import SluiceCSV

/// Records must come out the same whatever the split size and read buffer: no record lost
/// or read twice at a split boundary, and records straddling refills anywhere (inside a
/// quoted field, a CRLF, a doubled quote, a multi-byte character). Errors must name the
/// same line and column. (arrow-csv reads in 3-byte pieces; DuckDB runs tiny buffers in
/// parallel and requires the serial result.)
@Suite struct SplitBoundaryTests {
    static let splitSizes = [1, 7, 64, 4096]
    static let bufferSizes = Array(3...30)

    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var content: String
        var options: [(String, String)]
        var description: String { name }
    }

    static let goodCases: [Case] = [
        Case(name: "rfc4180 crlf utf8", content: "id,name,note\r\n1,\"Zoë, ☃\",\"he said \"\"hi\"\"\"\r\n\r\n2,東京,plain\r\n3,\"a,b,c\",\"\"\r\n4,x,\"ends\"\"with\"\"quote\"\"\"\r\n5,,\"\\\"esc\\\\\"\r\n6,last,no newline",
             options: [("header", "true")]),
        Case(name: "blank lines before the header", content: "\n\n  \r\nh1,h2\n1,2\n\n3,4\n\n\n5,6",
             options: [("header", "true")]),
        Case(name: "bom and types", content: "\u{FEFF}a,b,c,d\n1,2.5,2024-03-05,2024-03-05 10:00:00\n-7,1e3,2024-12-31,2024-12-31T23:59:59.999999Z\n,,,\n",
             options: [("header", "true"), ("inferSchema", "true")]),
        Case(name: "comments and long fields", content: "#head\nk,v\n" + (0..<12).map { "k\($0),\"" + String(repeating: "v\($0)é,", count: $0 * 3) + "\"\n#c\($0)\n" }.joined(),
             options: [("header", "true"), ("comment", "#")]),
        Case(name: "tab separated, no header", content: "a\tb\n\"c\td\"\te\n\tf\n", options: [("sep", "\\t")]),
        Case(name: "permissive", content: "a,b\n1\n2,3,4\n5,6\n\"x\ny\",z\n", options: [("header", "true"), ("mode", "PERMISSIVE")]),
        Case(name: "dropmalformed", content: "a,b\n1\n2,3,4\n5,6\n\"x\ny\",z\n7,8", options: [("header", "true"), ("mode", "DROPMALFORMED")]),
        Case(name: "multiLine", content: "id,text\r\n1,\"line one\r\nline \"\"two\"\"\r\n\"\r\n2,\"é\nü\"\r\n3,\"\"\"\"\n", options: [("header", "true"), ("multiLine", "true")]),
    ]

    static let badCases: [Case] = [
        Case(name: "too few fields", content: "a,b\n1,2\n3,4\n5\n6,7\n", options: [("header", "true")]),
        Case(name: "quoted line break", content: "a,b\n1,\"x\ny\"\n2,3\n", options: [("header", "true")]),
        Case(name: "bad value after utf8", content: "a,b,c\n1,é,2\n3,ü☃,x\n", options: [("header", "true"), ("schema", "a INT, b STRING, c INT")]),
        Case(name: "unterminated quote", content: "a,b\n1,\"x\n2,3\n", options: [("header", "true"), ("multiLine", "true")]),
        Case(name: "junk after quote", content: "a,b\n1,2\n\"3\"x,4\n", options: [("header", "true")]),
    ]

    @Test(arguments: goodCases)
    func sameRowsWhateverTheCuts(_ c: Case) throws {
        let dir = TempDir()
        let p = dir.write("f.csv", c.content)
        let ds = try CSVDataset.discover(path: p, options: CSVOptions(c.options))
        let expected = try readRows(ds)
        let expectedLines = try readLines(ds)
        #expect(!expected.isEmpty)
        for split in Self.splitSizes {
            for buffer in Self.bufferSizes {
                let capacity = buffer % 3 == 0 ? 1 : (buffer % 3 == 1 ? 2 : Chunk.capacity)
                let rows = try readRows(ds, maxPartitionBytes: split, readBufferSize: buffer, chunkCapacity: capacity)
                #expect(rows == expected, "split \(split), buffer \(buffer)")
                if buffer % 9 == 0 {
                    #expect(try readLines(ds, maxPartitionBytes: split, readBufferSize: buffer) == expectedLines, "split \(split), buffer \(buffer)")
                }
            }
        }
    }

    @Test(arguments: badCases)
    func sameErrorWhateverTheCuts(_ c: Case) throws {
        let dir = TempDir()
        let p = dir.write("f.csv", c.content)
        let ds = try CSVDataset.discover(path: p, options: CSVOptions(c.options))
        var expected: CSVError? = nil
        do { _ = try readRows(ds) } catch { expected = error }
        #expect(expected != nil)
        for split in Self.splitSizes {
            for buffer in Self.bufferSizes {
                var got: CSVError? = nil
                do { _ = try readRows(ds, maxPartitionBytes: split, readBufferSize: buffer) } catch { got = error }
                #expect(got?.description == expected?.description, "split \(split), buffer \(buffer)")
            }
        }
    }

    @Test func expectedErrors() throws {
        func error(_ c: Case) throws -> String? {
            let dir = TempDir()
            let p = dir.write("f.csv", c.content)
            let ds = try CSVDataset.discover(path: p, options: CSVOptions(c.options))
            do { _ = try readRows(ds, maxPartitionBytes: 5, readBufferSize: 4) } catch { return error.description.replacingOccurrences(of: p, with: "f.csv") }
            return nil
        }
        let fix = "fix the row, or set the option mode 'PERMISSIVE' (missing fields read as NULL, extra fields dropped) or 'DROPMALFORMED' (the row is skipped)"
        #expect(try error(Self.badCases[0]) == "f.csv:4:2: expected 2 fields but found 1; \(fix)")
        #expect(try error(Self.badCases[1]) == "f.csv:2:3: quoted field contains a line break; set the option multiLine 'true' to read records that span lines")
        #expect(try error(Self.badCases[2]) == "f.csv:3:6: value 'x' in column c is not a valid INT as the schema option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL")
        #expect(try error(Self.badCases[3]) == "f.csv:2:3: quoted field is not closed before the end of the file; add the closing quote \" (a quote inside a field is written twice: \"\")")
        #expect(try error(Self.badCases[4]) == "f.csv:3:4: expected the delimiter ',' or a line end after the closing quote of a field but found 'x'; quote the whole field and write each quote inside it twice")
    }

    @Test func largeFileManySplits() throws {
        // Generated records of varying shape, cut at every 97 bytes and read with odd buffers.
        var text = "id,s,q\n"
        for n in 0..<2000 {
            let s = String(repeating: "x", count: n % 23)
            text += n % 5 == 0 ? "\(n),\"\(s),\"\"\(n)\"\"\",\"\"\r\n" : "\(n),\(s),q\(n)\n"
            if n % 97 == 0 { text += "\n" }
        }
        let dir = TempDir()
        let p = dir.write("big.csv", text)
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true", "inferSchema": "true"]))
        let expected = try readRows(ds)
        #expect(expected.count == 2000)
        #expect(expected[5] == [i(5), s("xxxxx,\"5\""), null])
        for (split, buffer) in [(97, 13), (1000, 4096), (4096, 7), (1 << 20, 29)] {
            #expect(try readRows(ds, maxPartitionBytes: split, readBufferSize: buffer, chunkCapacity: 100) == expected, "split \(split), buffer \(buffer)")
        }
    }
}
