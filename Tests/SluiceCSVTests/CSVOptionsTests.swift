import Testing
@testable import SluiceCSV

@Suite struct CSVOptionsTests {
    @Test func defaultsAreSparksExceptFailFast() {
        let o = CSVOptions()
        #expect(o.header == false)
        #expect(o.delimiter == UInt8(ascii: ","))
        #expect(o.quote == UInt8(ascii: "\""))
        #expect(o.escape == UInt8(ascii: "\\"))
        #expect(o.nullValue == "")
        #expect(o.inferSchema == false)
        #expect(o.mode == .failFast)
        #expect(o.multiLine == false)
        #expect(o.samplingRatio == 1)
        #expect(o.schema == nil)
    }

    @Test func keysAreCaseInsensitive() throws {
        let o = try CSVOptions([("HEADER", "TRUE"), ("InferSchema", "true"), ("SEP", ";"), ("Mode", "dropmalformed"),
                                ("multiline", "true"), ("NULLVALUE", "\\N"), ("samplingRatio", "0.5")])
        #expect(o.header)
        #expect(o.inferSchema)
        #expect(o.delimiter == UInt8(ascii: ";"))
        #expect(o.mode == .dropMalformed)
        #expect(o.multiLine)
        #expect(o.nullValue == "\\N")
        #expect(o.samplingRatio == 0.5)
    }

    @Test func delimiterForms() throws {
        #expect(try CSVOptions([("sep", "\\t")]).delimiter == 9)
        #expect(try CSVOptions([("sep", "\t")]).delimiter == 9)
        #expect(try CSVOptions([("delimiter", "|")]).delimiter == UInt8(ascii: "|"))
        #expect(try CSVOptions([("sep", "\\\\")]).delimiter == UInt8(ascii: "\\"))
    }

    @Test func unknownOptionsAreIgnored() throws {
        let o = try CSVOptions([("prefersDecimal", "true"), ("someTypo", "x")])
        #expect(o.delimiter == UInt8(ascii: ","))
    }

    @Test func emptyQuoteTurnsQuotingOff() throws {
        #expect(try CSVOptions([("quote", "")]).quote == nil)
        #expect(try CSVOptions([("escape", "")]).escape == nil)
    }

    @Test func invalidValuesNameTheOption() {
        func message(_ k: String, _ v: String) -> (String, Int32)? {
            do {
                _ = try CSVOptions([(k, v)])
                return nil
            } catch {
                return (error.description, error.exitStatus.rawValue)
            }
        }
        #expect(message("header", "yes")! == ("invalid value 'yes' for CSV option header: expected true or false", 64))
        #expect(message("sep", ";;")! == ("invalid value ';;' for CSV option sep: expected a single ASCII character such as ',' ';' '|' or '\\t' (not a line break)", 64))
        #expect(message("mode", "lenient")! == ("invalid value 'lenient' for CSV option mode: expected FAILFAST, PERMISSIVE or DROPMALFORMED", 64))
        #expect(message("samplingRatio", "0")! == ("invalid value '0' for CSV option samplingRatio: expected a fraction greater than 0 and at most 1, such as 0.1", 64))
        #expect(message("encoding", "latin1")! == ("invalid value 'latin1' for CSV option encoding: expected UTF-8 (sluice reads UTF-8 only; convert the files with iconv -f <encoding> -t UTF-8)", 64))
        #expect(message("quote", "ab")! == ("invalid value 'ab' for CSV option quote: expected a single ASCII character, or '' to turn it off", 64))
        #expect(message("columnNameOfCorruptRecord", "_bad")! == ("CSV option columnNameOfCorruptRecord '_bad' is not supported by sluice; use the option badRecordsPath to keep rejected records", 64))
        #expect(message("compression", "gzip")! == ("CSV option compression 'gzip' is not supported by sluice; sluice reads and writes uncompressed CSV only", 64))
        #expect(message("dateFormat", "yyyy-qq")!.1 == 64)
        #expect(message("schema", "a INT, b MAP<STRING,INT>")! == ("invalid schema option 'a INT, b MAP<STRING,INT>': unsupported type 'MAP<STRING,INT>' for column b (sluice reads BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL as DOUBLE, STRING, DATE, TIMESTAMP); write it as a column list such as 'id BIGINT, name STRING, amount DOUBLE'", 64))
        #expect(message("encoding", "UTF-8") == nil)
        #expect(message("sep", ",") == nil)
    }

    @Test func quoteMustDifferFromDelimiter() {
        #expect(throws: CSVError.invalidOption(name: "quote", value: ";", expected: "a character other than the delimiter")) {
            try CSVOptions([("sep", ";"), ("quote", ";")])
        }
    }

    @Test func schemaDDL() throws {
        let o = try CSVOptions([("schema", "a INT, `b c` STRING, c DECIMAL(10,2) NOT NULL, d date COMMENT 'day, local', e TIMESTAMP, f boolean, g bigint, h double")])
        #expect(o.schema == [
            CSVField("a", .int), CSVField("b c", .string), CSVField("c", .double), CSVField("d", .date),
            CSVField("e", .timestamp), CSVField("f", .boolean), CSVField("g", .bigint), CSVField("h", .double),
        ])
        #expect(throws: CSVError.invalidSchema(ddl: "a INT, a STRING", reason: "column a appears twice")) {
            try CSVOptions([("schema", "a INT, a STRING")])
        }
        #expect(throws: CSVError.invalidSchema(ddl: "a", reason: "column a has no type")) {
            try CSVOptions([("schema", "a")])
        }
    }
}
