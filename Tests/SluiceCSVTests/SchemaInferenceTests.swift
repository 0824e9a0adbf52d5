import Testing
@testable import SluiceCSV

@Suite struct SchemaInferenceTests {
    @Test func typesAndWidening() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", """
            id,amount,flag,day,at,mixed_dt,int_bool,empty,specials,big,lenient_date,text
            1,1,true,2024-01-01,2024-01-01 10:00:00,2024-01-01,1,,1,1,2024-1-1,a
            2,2.5,FALSE,2024-01-02,2024-01-01T10:00:00.5Z,2024-01-01 10:00,true,,NaN,99999999999999999999,2024-01-02,b
            3,,,,,,,,Infinity,,,1

            """)
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true", "inferSchema": "true"]))
        #expect(ds.schemaSource == .inferred)
        #expect(ds.dataSchema == [
            CSVField("id", .bigint), CSVField("amount", .double), CSVField("flag", .boolean), CSVField("day", .date),
            CSVField("at", .timestamp), CSVField("mixed_dt", .timestamp), CSVField("int_bool", .string),
            CSVField("empty", .string), CSVField("specials", .double), CSVField("big", .double),
            CSVField("lenient_date", .string), CSVField("text", .string),
        ])
        let rows = try readRows(ds)
        #expect(rows[0] == [i(1), d(1), .bool(true), date("2024-01-01"), ts("2024-01-01 10:00:00"), ts("2024-01-01 00:00:00"),
                            s("1"), null, d(1), d(1), s("2024-1-1"), s("a")])
        #expect(rows[1][1] == d(2.5) && rows[1][4] == ts("2024-01-01 10:00:00.5") && rows[1][9] == d(1e20))
        #expect(rows[2][8] == d(.infinity))
    }

    @Test func lastRecordWithoutNewlineIsSampled() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "1\n2\nx")
        #expect(try CSVDataset.discover(path: p, options: csvOptions(["inferSchema": "true"])).dataSchema == [CSVField("_c0", .string)])
        let q = dir.write("b.csv", "h1,h2")
        #expect(try CSVDataset.discover(path: q, options: csvOptions(["header": "true"])).dataSchema.map(\.name) == ["h1", "h2"])
    }

    @Test func withoutInferenceEverythingIsString() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "1,2.5\n")
        let ds = try CSVDataset.discover(path: p, options: csvOptions())
        #expect(ds.dataSchema == [CSVField("_c0", .string), CSVField("_c1", .string)])
        #expect(ds.schemaSource == .strings)
    }

    @Test func formatsAndPreferDate() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "05/03/2024,05/03/2024 10:20,2024-03-05\n")
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["inferSchema": "true", "dateFormat": "dd/MM/yyyy", "timestampFormat": "dd/MM/yyyy HH:mm"]))
        #expect(ds.dataSchema.map(\.type) == [.date, .timestamp, .string])
        let q = dir.write("b.csv", "2024-03-05\n")
        let noDate = try CSVDataset.discover(path: q, options: csvOptions(["inferSchema": "true", "preferDate": "false"]))
        #expect(noDate.dataSchema.map(\.type) == [.timestamp])
    }

    @Test func valueBeyondTheSampleIsAnErrorWithTheFix() throws {
        let dir = TempDir()
        let p = dir.write("e.csv", "id,amount\n1,10\n2,20\n3,30\n4,abc\n")
        var o = csvOptions(["header": "true", "inferSchema": "true"])
        o.sampleRecordsPerFile = 2
        let ds = try CSVDataset.discover(path: p, options: o)
        #expect(ds.dataSchema == [CSVField("id", .bigint), CSVField("amount", .bigint)])
        #expect(throws: CSVError.self) { try readRows(ds) }
        do {
            _ = try readRows(ds)
        } catch {
            #expect(error.description == "\(p):5:3: value 'abc' in column amount does not match the inferred type BIGINT; declare the column's type with the schema option (e.g. schema 'amount STRING, ...') or fix the row")
            #expect(error.exitStatus == .dataError)
        }
        // PERMISSIVE reads it as NULL.
        var permissive = o
        permissive.mode = .permissive
        let pds = try CSVDataset.discover(path: p, options: permissive)
        #expect(try readRows(pds).last == [i(4), null])
    }

    @Test func samplingRatioThinsTheSample() throws {
        let dir = TempDir()
        // Records 0, 4, 8 are sampled with a ratio of 0.25; the text on record 1 is not.
        let p = dir.write("a.csv", "1\nx\n3\n4\n5\n6\n7\n8\n9\n")
        let ds = try CSVDataset.discover(path: p, options: csvOptions(["inferSchema": "true", "samplingRatio": "0.25", "mode": "PERMISSIVE"]))
        #expect(ds.dataSchema.map(\.type) == [.bigint])
        let all = try CSVDataset.discover(path: p, options: csvOptions(["inferSchema": "true"]))
        #expect(all.dataSchema.map(\.type) == [.string])
    }

    @Test func sampledFilesAreSpreadOverTheListing() throws {
        let dir = TempDir()
        dir.write("t/a.csv", "v\n1\n")
        dir.write("t/b.csv", "v\n2\n")
        dir.write("t/c.csv", "v\n2.5\n")
        dir.write("t/d.csv", "v\ntext\n")
        var o = csvOptions(["header": "true", "inferSchema": "true"])
        o.sampleFiles = 2 // files 0 and 2 of 4
        #expect(try CSVDataset.discover(path: dir.path + "/t", options: o).dataSchema == [CSVField("v", .double)])
        o.sampleFiles = 32
        #expect(try CSVDataset.discover(path: dir.path + "/t", options: o).dataSchema == [CSVField("v", .string)])
    }

    @Test func widenRules() {
        typealias K = SchemaInference.Kind
        #expect(SchemaInference.widen(.bigint, .double) == .double)
        #expect(SchemaInference.widen(.date, .timestamp) == .timestamp)
        #expect(SchemaInference.widen(.null, .boolean) == .boolean)
        #expect(SchemaInference.widen(.boolean, .bigint) == .string)
        #expect(SchemaInference.widen(.date, .bigint) == .string)
        #expect(SchemaInference.widen(.double, .timestamp) == .string)
        #expect(K.null.type == .string)
    }

    @Test func noFilesMeansNoSchema() throws {
        let dir = TempDir()
        dir.write("t/empty.csv", "")
        #expect(readError(dir.path + "/t", ["header": "true"]) == .unableToInferSchema(path: dir.path + "/t"))
        #expect(readError(dir.path + "/t", ["header": "true"])?.description
            == "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for CSV at \(dir.path)/t: no file has a record to take the columns from; give the columns with the schema option (e.g. schema 'id BIGINT, name STRING')")
        // With a schema there is nothing to infer: no rows.
        #expect(try read(dir.path + "/t", ["schema": "a INT"]) == [])
    }
}
