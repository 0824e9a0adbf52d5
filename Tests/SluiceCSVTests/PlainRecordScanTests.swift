import Testing
@testable import SluiceCSV

/// The fast paths of the reader must give exactly what the general ones give: the
/// plain-record loop the general loop's field index (records, lines, problems, cells), the
/// structural-byte search a byte-by-byte search, the short decimal parser
/// `Double.parseDouble`'s value, and a mapped file the rows of a read one.
@Suite struct PlainRecordScanTests {
    /// A small generator with a fixed seed, so that a failure repeats.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Text of CSV-like records: mostly good ones, with every kind of trouble mixed in.
    static func randomCSV(_ g: inout Generator, records: Int, fields: Int) -> [UInt8] {
        let pieces: [[UInt8]] = ["a", "1", "22", "-3.5", "é", " ", "\t", "\"", "\\", "\r", ",", ";", "x\"y", "\\\"",
                                 "\"\"", "\n"].map { Array($0.utf8) }
        var out: [UInt8] = []
        for _ in 0..<records {
            let kind = Int.random(in: 0..<10, using: &g)
            if kind == 0 {
                // Anything at all.
                for _ in 0..<Int.random(in: 0..<12, using: &g) { out += pieces.randomElement(using: &g)! }
                out.append(10)
                continue
            }
            let n = kind == 1 ? Int.random(in: 0...(fields + 2), using: &g) : fields
            for f in 0..<n {
                if f > 0 { out.append(UInt8(ascii: ",")) }
                let quoted = Int.random(in: 0..<4, using: &g) == 0
                if quoted { out.append(UInt8(ascii: "\"")) }
                for _ in 0..<Int.random(in: 0..<(kind == 2 ? 90 : 9), using: &g) {
                    var piece = pieces[Int.random(in: 0..<6, using: &g)]
                    if kind == 3 && Int.random(in: 0..<4, using: &g) == 0 { piece = pieces.randomElement(using: &g)! }
                    out += piece
                }
                if quoted {
                    out.append(UInt8(ascii: "\""))
                    if kind == 4 && Int.random(in: 0..<3, using: &g) == 0 { out += pieces.randomElement(using: &g)! }
                }
            }
            if kind == 5 && Bool.random(using: &g) { out.append(13) }
            out.append(10)
        }
        if Bool.random(using: &g) { out.removeLast() }
        return out
    }

    /// Everything a scan leaves in the index and its outcome, for comparison.
    struct Scanned: Equatable {
        var outcomes: [String] = []
        var records: [[Int64]] = []
    }

    /// Scans `bytes` the way a reader does: from `start`, stopping at `limit` (eof only when
    /// it is the end), at most `capacity` records per scan, resuming where each scan stopped.
    static func scanAll(_ scanner: CSVScanner, _ bytes: [UInt8], slots: Int, limit: Int, capacity: Int,
                        stopOffset: Int, stopAfterProblem: Bool) -> Scanned {
        var result = Scanned()
        let index = FieldIndex(slots: slots, capacity: capacity)
        let padded = bytes + [UInt8](repeating: 0, count: 8)
        padded.withUnsafeBufferPointer { buf in
            var p = 0
            var line: Int32 = 0
            for _ in 0..<10_000 {
                index.count = 0
                index.cells.initialize(repeating: 0x5A5A_5A5A_5A5A_5A5A, count: index.stride * index.capacity)
                let o = scanner.scan(buf.baseAddress!, from: p, limit: limit, eof: limit == bytes.count, stopOffset: stopOffset,
                                     line: line, stopAfterProblem: stopAfterProblem, into: index)
                result.outcomes.append("\(o.stop) \(o.resume) \(o.line) \(index.count)")
                for r in 0..<index.count {
                    var rec: [Int64] = [Int64(index.recordStart[r]), Int64(index.recordEnd[r]), Int64(index.recordLine[r]),
                                        Int64(index.recordFields[r]), Int64(index.recordProblem[r].rawValue)]
                    if index.recordProblem[r] != .none { rec.append(Int64(index.problemOffset[r])) }
                    for s in 0..<slots { rec.append(Int64(bitPattern: index.cells[r * index.stride + s])) }
                    result.records.append(rec)
                }
                p = o.resume
                line = o.line
                if o.stop != .full && o.stop != .problem { break }
            }
        }
        return result
    }

    static let dialects: [[(String, String)]] = [
        [],
        [("escape", "\"")],
        [("quote", "")],
        [("multiLine", "true")],
        [("sep", ";")],
        [("quote", "'"), ("escape", "'")],
    ]

    @Test(arguments: 0..<dialects.count)
    func plainLoopMatchesGeneralLoop(_ dialect: Int) throws {
        var g = Generator(state: UInt64(dialect) &* 7919 &+ 1)
        let options = try CSVOptions(Self.dialects[dialect])
        for round in 0..<60 {
            let fields = Int.random(in: 1...6, using: &g)
            var bytes = Self.randomCSV(&g, records: Int.random(in: 1...40, using: &g), fields: fields)
            if options.delimiter != UInt8(ascii: ",") {
                bytes = bytes.map { $0 == UInt8(ascii: ",") ? options.delimiter : $0 }
            }
            // Slot maps: every field, some fields, fields in another order, none.
            let maps: [[Int32]] = [
                (0..<fields).map { Int32($0) },
                (0..<fields).map { $0 % 2 == 1 ? Int32($0 / 2) : -1 },
                (0..<fields).map { Int32(fields - 1 - $0) },
                [],
            ]
            for (m, map) in maps.enumerated() {
                let slots = Int(map.max() ?? -1) + 1
                let fast = CSVScanner(dialect: CSVDialect(options: options), expectedFields: fields, slotOfField: map)
                let general = CSVScanner(dialect: CSVDialect(options: options), expectedFields: fields, slotOfField: map,
                                         plainLoop: false)
                #expect(!fast.fieldCells.isEmpty)
                let cuts = [bytes.count, bytes.count / 2, Int.random(in: 0...bytes.count, using: &g)]
                for limit in cuts {
                    for capacity in [1, 3, 64] {
                        let stopOffset = round % 3 == 0 ? Int.random(in: 0...bytes.count, using: &g) : Int.max
                        let stopAfterProblem = round % 2 == 0
                        let a = Self.scanAll(fast, bytes, slots: slots, limit: limit, capacity: capacity,
                                             stopOffset: stopOffset, stopAfterProblem: stopAfterProblem)
                        let b = Self.scanAll(general, bytes, slots: slots, limit: limit, capacity: capacity,
                                             stopOffset: stopOffset, stopAfterProblem: stopAfterProblem)
                        #expect(a == b, "dialect \(dialect) round \(round) map \(m) limit \(limit) capacity \(capacity): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                        if a != b { return }
                    }
                }
            }
        }
    }

    @Test func plainLoopIsNotUsedWhereOnlyTheGeneralLoopApplies() throws {
        let dialect = CSVDialect(options: try CSVOptions([("comment", "#")]))
        #expect(CSVScanner(dialect: dialect, expectedFields: 2, slotOfField: [0, 1]).fieldCells.isEmpty)
        let plain = CSVDialect(options: CSVOptions())
        #expect(CSVScanner(dialect: plain, expectedFields: -1, slotOfField: [0, 1]).fieldCells.isEmpty)
        #expect(CSVScanner(dialect: CSVDialect(options: try CSVOptions([("ignoreLeadingWhiteSpace", "true")])),
                           expectedFields: 2, slotOfField: [0, 1]).fieldCells.isEmpty)
        // A delimiter that is also the escape byte.
        #expect(CSVScanner(dialect: CSVDialect(options: try CSVOptions([("sep", "\\\\")])), expectedFields: 2,
                           slotOfField: [0, 1]).fieldCells.isEmpty)
        let cells = CSVScanner(dialect: plain, expectedFields: 3, slotOfField: [-1, 0, -1]).fieldCells
        #expect(Array(cells.prefix(4)) == [1, 0, 1, 1])
        #expect(cells.count == 3 + SpecialBytes.tableMargin)
    }

    @Test func structuralBytesAreFoundInOrder() {
        var g = Generator(state: 42)
        let alphabet: [UInt8] = [0, 10, 13, 34, 44, 92, 97, 98, 0xC3, 0xA9]
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...300, using: &g)).map { _ in alphabet.randomElement(using: &g)! }
            let padded = bytes + [UInt8](repeating: 0, count: 8)
            padded.withUnsafeBufferPointer { buf in
                let limit = Int.random(in: 0...bytes.count, using: &g)
                let expected = (0..<limit).filter { [10, 34, 44, 92].contains(bytes[$0]) }
                var found: [Int] = []
                var cursor = SpecialBytes(buf.baseAddress!, limit: limit, delimiter: 44, quote: 34, escape: 92)
                var at = cursor.seek(0, field: 0, bound: 0)
                while at < limit {
                    found.append(at)
                    // Jump now and then, as the scanner does after a doubled quote.
                    if Int.random(in: 0..<5, using: &g) == 0 {
                        let target = at + Int.random(in: 1...70, using: &g)
                        at = cursor.seek(target, field: 0, bound: 0)
                        found += expected.filter { $0 > found.last! && $0 < target }
                    } else {
                        at = cursor.advance(field: 0, bound: 0)
                    }
                }
                #expect(found == expected)
            }
        }
        // Past the bound, no new block is read.
        let bytes = [UInt8](repeating: 44, count: 200)
        bytes.withUnsafeBufferPointer { buf in
            var cursor = SpecialBytes(buf.baseAddress!, limit: 190, delimiter: 44, quote: 34, escape: 92)
            #expect(cursor.seek(0, field: 5, bound: 4) == 190)
            #expect(cursor.seek(0, field: 0, bound: 4) == 0)
            var at = 0
            for _ in 0..<63 { at = cursor.advance(field: 5, bound: 4) }
            #expect(at == 63)
            #expect(cursor.advance(field: 5, bound: 4) == 190)
        }
    }

    @Test func shortDecimalsAreDoubleParsing() {
        func short(_ t: String) -> Double? {
            var t = t + "        "
            return t.withUTF8 { FieldParsers.shortDecimal($0.baseAddress!, $0.count - 8) }
        }
        func full(_ t: String) -> Double? {
            var t = t + "        "
            return t.withUTF8 { FieldParsers.double($0.baseAddress!, $0.count - 8) }
        }
        #expect(short("21.78") == 21.78)
        #expect(short("-123.45") == -123.45)
        #expect(short("+7") == 7)
        #expect(short("12345678") == 12_345_678)
        #expect(short("-.5") == -0.5)
        #expect(short("5.") == 5)
        #expect(short("-0")?.sign == .minus)
        #expect(short("0.000001") == 0.000001)
        #expect(short("0.0000001") == nil)
        for other in ["", "-", "+", ".", "-.", "1.2.3", "123456789", "1e5", "1,5", " 1", "1 ", "NaN", "--1", "0x1", "١"] {
            #expect(short(other) == nil, "\(other)")
        }
        var g = Generator(state: 7)
        let alphabet = Array("0123456789.-+e ,")
        for _ in 0..<50_000 {
            let t = String((0..<Int.random(in: 0...10, using: &g)).map { _ in
                Int.random(in: 0..<3, using: &g) == 0 ? alphabet.randomElement(using: &g)! : alphabet[Int.random(in: 0..<10, using: &g)]
            })
            if let v = short(t) {
                #expect(full(t)?.bitPattern == v.bitPattern, "\(t)")
            }
        }
    }

    @Test func specialTextsThatAreNumbersStayFirst() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "1.5\n-1\n2\n")
        let rows = try read(p, ["schema": "d DOUBLE", "negativeInf": "-1", "nanValue": "2"])
        #expect(rows[0] == [d(1.5)])
        #expect(rows[1] == [d(-.infinity)])
        if case .double(let v) = rows[2][0] { #expect(v.isNaN) } else { Issue.record("not a double") }
    }

    /// Rows of every split, read through the internal initializer.
    static func rows(_ ds: CSVDataset, maxPartitionBytes: Int, readBufferSize: Int, mappingWindow: Int?) throws(CSVError) -> [[Value]] {
        var rows: [[Value]] = []
        for split in ds.splits(maxPartitionBytes: maxPartitionBytes) {
            var reader = CSVSplitReader(split: split, dataset: ds, options: ds.options, projection: Array(ds.schema.indices),
                                        chunkCapacity: 3, readBufferSize: readBufferSize, mappingWindow: mappingWindow)
            while let chunk = try reader.next() {
                for i in 0..<chunk.count { rows.append(chunk.row(i)) }
            }
        }
        return rows
    }

    @Test func mappedFilesReadAsReadOnes() throws {
        var g = Generator(state: 99)
        var text = "id,name,amount\n"
        for i in 0..<400 {
            let name = ["plain", "\"quoted, with comma\"", "\"doubled \"\"quote\"\"\"", "", "é☃"].randomElement(using: &g)!
            text += "\(i),\(name),\(Double(Int.random(in: -10_000...10_000, using: &g)) / 100)\n"
        }
        let dir = TempDir()
        for (name, content) in [("a.csv", text), ("b.csv", String(text.dropLast())), ("c.csv", text + "\n\n")] {
            let p = dir.write(name, content)
            let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true", "inferSchema": "true"]))
            let expected = try Self.rows(ds, maxPartitionBytes: 1 << 30, readBufferSize: 1 << 20, mappingWindow: nil)
            #expect(expected.count == 400)
            for split in [1 << 30, 1000, 97] {
                for window in [1, 7, 64, 4096, 5000, 1 << 20] {
                    let got = try Self.rows(ds, maxPartitionBytes: split, readBufferSize: 1 << 20, mappingWindow: window)
                    #expect(got == expected, "\(name) split \(split) window \(window)")
                }
            }
        }
        // Errors name the same place whichever way the file is read.
        let bad = dir.write("bad.csv", "a,b\n1,2\n3,x\n")
        let ds = try CSVDataset.discover(path: bad, options: csvOptions(["header": "true", "schema": "a INT, b INT"]))
        var messages: [String] = []
        for window in [nil, 1, 5, 1 << 20] {
            do {
                _ = try Self.rows(ds, maxPartitionBytes: 1 << 30, readBufferSize: 1 << 20, mappingWindow: window)
                messages.append("no error")
            } catch {
                messages.append(error.description)
            }
        }
        #expect(Set(messages).count == 1)
        #expect(messages[0].contains("bad.csv:3:3"))
    }
}
