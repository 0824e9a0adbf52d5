import Testing
@testable import SluiceCSV

@Suite struct CSVWriterTests {
    static let types: [DataType] = [.boolean, .int, .bigint, .double, .string, .date, .timestamp]
    static let names = ["b", "i", "l", "d", "s", "dt", "t"]

    static func chunk(_ rows: [[Value]]) -> Chunk {
        var builders = types.map { ColumnBuilder(type: $0) }
        for row in rows { for (c, v) in row.enumerated() { builders[c].append(v) } }
        return Chunk(columns: builders.map { $0.finish() })
    }

    static let rows: [[Value]] = [
        [.bool(true), i(1), i(9_000_000_000), d(1.0), s("plain"), date("2024-03-05"), ts("2024-03-05 10:20:30")],
        [.bool(false), i(-2), i(0), d(1e7), s("a,b"), date("1969-12-31"), ts("2024-03-05 10:20:30.123")],
        [null, null, null, null, null, null, null],
        [.bool(true), i(3), i(-1), d(0.001), s(""), date("2024-02-29"), ts("1969-12-31 23:59:59.999999")],
        [.bool(true), i(4), i(5), d(-0.0), s("say \"hi\"\nbye\r"), date("0001-01-01"), ts("2024-01-01 00:00:00")],
        [.bool(true), i(5), i(6), d(1.5e-4), s(" spaced "), date("2024-03-05"), ts("2024-03-05 00:00:00.5")],
    ]

    @Test func sparkTextFormsAndMinimalQuoting() {
        var w = CSVWriter(columnNames: Self.names, header: true)
        w.append(Self.chunk(Self.rows))
        #expect(String(decoding: w.takeBytes(), as: UTF8.self) == """
            b,i,l,d,s,dt,t
            true,1,9000000000,1.0,plain,2024-03-05,2024-03-05 10:20:30
            false,-2,0,1.0E7,"a,b",1969-12-31,2024-03-05 10:20:30.123
            ,,,,,,
            true,3,-1,0.001,"",2024-02-29,1969-12-31 23:59:59.999999
            true,4,5,-0.0,"say ""hi""
            bye\r",0001-01-01,2024-01-01 00:00:00
            true,5,6,1.5E-4, spaced ,2024-03-05,2024-03-05 00:00:00.5

            """)
        #expect(w.bytes.isEmpty)
    }

    @Test func headerIsWrittenForEmptyOutput() {
        var w = CSVWriter(columnNames: ["a", "b,c"], header: true)
        #expect(String(decoding: w.takeBytes(), as: UTF8.self) == "a,\"b,c\"\n")
        var n = CSVWriter(columnNames: ["a"])
        #expect(n.takeBytes().isEmpty)
    }

    @Test func optionsShapeTheOutput() throws {
        let opts = try CSVOptions([("sep", ";"), ("nullValue", "\\N"), ("quoteAll", "true"), ("header", "false"),
                                   ("dateFormat", "dd/MM/yyyy"), ("timestampFormat", "yyyy-MM-dd'T'HH:mm")])
        var w = try CSVWriter(columnNames: Self.names, options: opts)
        w.append(Self.chunk(Array(Self.rows[0...2])))
        #expect(String(decoding: w.takeBytes(), as: UTF8.self) == """
            "true";"1";"9000000000";"1.0";"plain";"05/03/2024";"2024-03-05T10:20"
            "false";"-2";"0";"1.0E7";"a,b";"31/12/1969";"2024-03-05T10:20"
            \\N;\\N;\\N;\\N;\\N;\\N;\\N

            """)
        var esc = try CSVWriter(columnNames: ["s"], options: CSVOptions([("escape", "\\")]))
        esc.append(Chunk(columns: [Column(type: .string, storage: .string(StringArray(["a\"b", "c\\d", "e"])))]))
        #expect(String(decoding: esc.takeBytes(), as: UTF8.self) == "\"a\\\"b\"\n\"c\\\\d\"\ne\n")
        var all = CSVWriter(columnNames: Self.names, quoteAll: true)
        all.append(Self.chunk([Self.rows[1]]))
        #expect(String(decoding: all.takeBytes(), as: UTF8.self)
            == "\"false\",\"-2\",\"0\",\"1.0E7\",\"a,b\",\"1969-12-31\",\"2024-03-05 10:20:30.123\"\n")
    }

    @Test func roundTrip() throws {
        let dir = TempDir()
        let ddl = zip(Self.names, Self.types).map { "\($0) \($1)" }.joined(separator: ", ")
        // With nullValue \N, NULL and the empty string stay apart.
        var w = try CSVWriter(columnNames: Self.names, options: CSVOptions([("header", "true"), ("nullValue", "\\N")]))
        w.append(Self.chunk(Self.rows))
        let p = dir.write("out.csv", bytes: w.takeBytes())
        let back = try read(p, ["header": "true", "multiLine": "true", "nullValue": "\\N", "schema": ddl])
        #expect(back == Self.rows)
        // With the defaults (Spark's), the empty string reads back as NULL, as Spark does.
        var plain = CSVWriter(columnNames: Self.names, header: true)
        plain.append(Self.chunk(Self.rows))
        let q = dir.write("plain.csv", bytes: plain.takeBytes())
        var expected = Self.rows
        expected[3][4] = null
        #expect(try read(q, ["header": "true", "multiLine": "true", "schema": ddl]) == expected)
        // And inference finds the types again.
        let inferred = try CSVDataset.discover(path: q, options: csvOptions(["header": "true", "multiLine": "true", "inferSchema": "true"]))
        #expect(inferred.dataSchema.map(\.type) == [.boolean, .bigint, .bigint, .double, .string, .date, .timestamp])
    }
}
