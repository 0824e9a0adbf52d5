import Testing
@testable import SluiceCore

// MARK: - Helpers

private let allTypes: [DataType] = [.null, .boolean, .int, .bigint, .double, .string, .date, .timestamp]

private func column(_ type: DataType, _ values: [Value]) -> Column {
    var b = ColumnBuilder(type: type, capacity: values.count)
    for v in values { b.append(v) }
    return b.finish()
}

/// A value of `type` for row `i`; NULL on every third row when `nulls`.
private func sample(_ type: DataType, _ i: Int, nulls: Bool) -> Value {
    if nulls && i % 3 == 1 { return .null }
    switch type {
    case .null: return .null
    case .boolean: return .bool(i % 2 == 0)
    case .int: return .int(Int64(i) * 7 - 3)
    case .bigint: return .int(Int64(i) &* 0x1234_5678_9ABC &- (1 << 62))
    case .double: return .double([1.5, -0.0, .nan, .infinity, -1e300, 0.1][i % 6] + Double(i))
    case .string: return .string(["", "a", "héllo wörld", "日本語テキスト", "emoji 😀🎉", String(repeating: "x", count: i % 40)][i % 6])
    case .date: return .date(Int64(i) * 400 - 800_000)
    case .timestamp: return .timestamp(Int64(i) * 86_400_000_123 - 1_000_000_000_000_000)
    }
}

private func chunk(rows: Int, types: [DataType] = allTypes, nulls: Bool, origin: RowOrigin? = nil) -> Chunk {
    let cols = types.map { t in column(t, (0..<rows).map { sample(t, $0, nulls: nulls) }) }
    return Chunk(columns: cols, count: rows, origin: origin)
}

/// Same types, rows, NULLs, values (doubles bit for bit) and origin.
private func expectSame(_ a: Chunk, _ b: Chunk, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, sourceLocation: sourceLocation)
    #expect(a.types == b.types, sourceLocation: sourceLocation)
    guard a.count == b.count, a.types == b.types else { return }
    for (x, y) in zip(a.columns, b.columns) {
        #expect(x.validity == y.validity, sourceLocation: sourceLocation)
        switch (x.storage, y.storage) {
        case (.bool(let p), .bool(let q)): #expect(p == q, sourceLocation: sourceLocation)
        case (.int64(let p), .int64(let q)): #expect(p == q, sourceLocation: sourceLocation)
        case (.double(let p), .double(let q)): #expect(p.map(\.bitPattern) == q.map(\.bitPattern), sourceLocation: sourceLocation)
        case (.string(let p), .string(let q)):
            #expect((0..<a.count).map { p.string(at: $0) } == (0..<b.count).map { q.string(at: $0) }, sourceLocation: sourceLocation)
            #expect(q.offsets.first == 0 && Int(q.offsets.last!) == q.bytes.count, sourceLocation: sourceLocation)
        default: Issue.record("storage layouts differ", sourceLocation: sourceLocation)
        }
    }
    #expect(a.origin?.path == b.origin?.path, sourceLocation: sourceLocation)
    #expect(a.origin?.splitStart == b.origin?.splitStart, sourceLocation: sourceLocation)
    #expect(a.origin?.lines == b.origin?.lines, sourceLocation: sourceLocation)
}

private func roundTrip(_ c: Chunk, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let frame = ChunkCodec.encode(c)
    #expect(frame.count == ChunkCodec.encodedSize(c), sourceLocation: sourceLocation)
    let decoded = try ChunkCodec.decode(frame)
    decoded.checkInvariants()
    expectSame(c, decoded, sourceLocation: sourceLocation)
}

private func decodeError(_ bytes: [UInt8]) -> ChunkCodecError? {
    do {
        _ = try ChunkCodec.decode(bytes)
        return nil
    } catch {
        return error
    }
}

private func putU32(_ bytes: inout [UInt8], _ at: Int, _ v: UInt32) {
    for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
}

private func putU64(_ bytes: inout [UInt8], _ at: Int, _ v: UInt64) {
    for k in 0..<8 { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
}

/// Recomputes the trailing checksum, as a forger would.
private func reseal(_ bytes: inout [UInt8]) {
    let body = bytes.count - 4
    let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
    putU32(&bytes, body, crc)
}

// MARK: - CRC32C

@Suite struct CRC32CTests {
    /// Bit-at-a-time reference.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = ~0
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }

    @Test func knownVectors() {
        // RFC 3720 (iSCSI) appendix B.4 and the usual check value.
        #expect(CRC32C.checksum("123456789") == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test func longBuffersMatchTheTableDrivenCRC() {
        // Lengths around the three-way blocks of the hardware path (3 × 256 and 3 × 8192).
        var x: UInt64 = 7
        let data: [UInt8] = (0..<(3 * 8192 * 2 + 777)).map { _ in
            x = x &* 6_364_136_223_846_793_005 &+ 1
            return UInt8(truncatingIfNeeded: x >> 33)
        }
        data.withUnsafeBytes { all in
            for start in [0, 1, 5] {
                for length in [767, 768, 769, 1536, 24575, 24576, 24577, 3 * 8192 + 3 * 256 + 13, all.count - start] {
                    let part = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32C.checksum(part) == CRC32C.software(0, part), "start \(start), length \(length)")
                }
            }
            let whole = CRC32C.checksum(all)
            for split in [3, 768, 24576, 30000] {
                let a = UnsafeRawBufferPointer(rebasing: all[0..<split]), b = UnsafeRawBufferPointer(rebasing: all[split...])
                #expect(CRC32C.update(CRC32C.update(0, a), b) == whole)
            }
        }
    }

    @Test func matchesReferenceAtEveryLengthAndAlignment() {
        var x: UInt64 = 42
        let data: [UInt8] = (0..<300).map { _ in
            x = x &* 6_364_136_223_846_793_005 &+ 1
            return UInt8(truncatingIfNeeded: x >> 33)
        }
        data.withUnsafeBytes { all in
            for start in 0..<9 {
                for length in 0...(data.count - start) where length < 40 || length % 17 == 0 {
                    let part = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    let expected = Self.reference(Array(data[start..<(start + length)]))
                    #expect(CRC32C.checksum(part) == expected)
                    #expect(CRC32C.software(0, part) == expected)
                }
            }
            // Continuing a CRC over pieces gives the CRC of the whole.
            for split in [0, 1, 7, 8, 9, 150, 299, 300] {
                let a = UnsafeRawBufferPointer(rebasing: all[0..<split])
                let b = UnsafeRawBufferPointer(rebasing: all[split...])
                #expect(CRC32C.update(CRC32C.update(0, a), b) == CRC32C.checksum(all))
            }
        }
    }
}

// MARK: - Round trips

@Suite struct ChunkCodecRoundTripTests {
    @Test func everyTypeWithoutNulls() throws {
        for rows in [1, 2, 63, 64, 65, 100, 1000] {
            try roundTrip(chunk(rows: rows, nulls: false))
        }
    }

    @Test func everyTypeWithNulls() throws {
        for rows in [1, 2, 63, 64, 65, 100, 1000, Chunk.capacity] {
            let c = chunk(rows: rows, nulls: true)
            if rows > 1 { #expect(c.columns[5].validity != nil) }
            try roundTrip(c)
        }
    }

    @Test func eachTypeAlone() throws {
        for t in allTypes {
            for rows in [0, 1, 7, 9] {
                try roundTrip(chunk(rows: rows, types: [t], nulls: false))
                try roundTrip(chunk(rows: rows, types: [t], nulls: true))
            }
        }
    }

    @Test func emptyAndZeroColumnChunks() throws {
        try roundTrip(Chunk.empty(types: allTypes))
        try roundTrip(Chunk(columns: [], count: 0))
        // count(*) over a projection of nothing: rows without columns.
        let noColumns = Chunk(columns: [], count: 5)
        let decoded = try ChunkCodec.decode(ChunkCodec.encode(noColumns))
        #expect(decoded.count == 5 && decoded.columns.isEmpty)
        #expect(ChunkCodec.encodedSize(Chunk(columns: [], count: 0)) == ChunkCodec.headerSize + 4)
    }

    @Test func allNullColumns() throws {
        let c = Chunk(columns: allTypes.map { Column.nulls($0, count: 70) }, count: 70)
        try roundTrip(c)
        let d = try ChunkCodec.decode(ChunkCodec.encode(c))
        #expect(d.columns.allSatisfy { $0.nullCount == 70 })
    }

    @Test func nonASCIIAndHugeStrings() throws {
        let huge = String(repeating: "añ😀", count: 1_000_000)
        let c = Chunk(columns: [column(.string, [.string(huge), .string("ü"), .null, .string(""), .string(huge + "!")])])
        try roundTrip(c)
        let d = try ChunkCodec.decode(ChunkCodec.encode(c))
        #expect(d[0].strings.string(at: 0) == huge)
        #expect(d[0].strings.string(at: 4).utf8.count == huge.utf8.count + 1)
    }

    @Test func stringArrayNotStartingAtZero() throws {
        // Offsets into a shared buffer: only the bytes the rows span are written.
        let s = StringArray(offsets: [3, 5, 5, 9], bytes: Array("xyzabqrstjunk".utf8))
        let c = Chunk(columns: [Column(type: .string, storage: .string(s))])
        let d = try ChunkCodec.decode(ChunkCodec.encode(c))
        #expect(d[0].strings == StringArray(offsets: [0, 2, 2, 6], bytes: Array("abqrst".utf8)))
    }

    @Test func origin() throws {
        let o = RowOrigin(path: "data/événements/dt=2024-03-05/part-0.csv", splitStart: 1 << 40, lines: [0, 1, 5, 9, 12])
        try roundTrip(chunk(rows: 5, nulls: true, origin: o))
        try roundTrip(Chunk(columns: [], count: 0, origin: RowOrigin(path: "", splitStart: -1, lines: [])))
        let d = try ChunkCodec.decode(ChunkCodec.encode(chunk(rows: 5, nulls: false, origin: o)))
        #expect(d.origin?.path == "data/événements/dt=2024-03-05/part-0.csv")
        #expect(d.origin?.splitStart == 1 << 40)
        #expect(d.origin?.lines == [0, 1, 5, 9, 12])
    }

    @Test func encodeIntoAppends() throws {
        let a = chunk(rows: 10, nulls: true), b = chunk(rows: 3, nulls: false)
        var buffer: [UInt8] = [1, 2, 3]
        ChunkCodec.encode(a, into: &buffer)
        ChunkCodec.encode(b, into: &buffer)
        let sizeA = ChunkCodec.encodedSize(a)
        #expect(buffer.count == 3 + sizeA + ChunkCodec.encodedSize(b))
        #expect(Array(buffer[3..<(3 + sizeA)]) == ChunkCodec.encode(a))
        try buffer.withUnsafeBytes { all in
            let first = UnsafeRawBufferPointer(rebasing: all[3...])
            let n = try ChunkCodec.frameLength(header: first)
            #expect(n == sizeA)
            expectSame(a, try ChunkCodec.decode(UnsafeRawBufferPointer(rebasing: first[0..<n])))
            expectSame(b, try ChunkCodec.decode(UnsafeRawBufferPointer(rebasing: first[n...])))
        }
    }

    @Test func constantColumnsTakeOneValue() throws {
        let rows = 5000
        let ones = Column(type: .bigint, storage: .int64(Array(repeating: 1, count: rows)))
        let nan = Column(type: .double, storage: .double(Array(repeating: .nan, count: rows)))
        let varying = Column(type: .double, storage: .double((0..<rows).map(Double.init)))
        let c = Chunk(columns: [ones, nan, varying], count: rows)
        try roundTrip(c)
        // Two constant columns of one value each, the third in full.
        #expect(ChunkCodec.encodedSize(c) == 24 + (8 + 8) + (8 + 8) + (8 + rows * 8) + 4)
        let f = ChunkCodec.encode(c)
        #expect(Array(f[24..<26]) == [3, 2] && Array(f[40..<42]) == [4, 2] && Array(f[56..<58]) == [4, 0])
        // -0.0 and 0.0 are different bits: not constant, and each row keeps its sign.
        let zeros = Column(type: .double, storage: .double([0.0, -0.0, 0.0]))
        try roundTrip(Chunk(columns: [zeros], count: 3))
        #expect(ChunkCodec.encodedSize(Chunk(columns: [zeros], count: 3)) == 24 + 8 + 24 + 4)
        // NULLs, a single row, dates: written in full.
        for col in [column(.bigint, [.int(7), .null, .int(7)]), column(.bigint, [.int(7)]), column(.date, [.int(3), .int(3)])] {
            let one = Chunk(columns: [col], count: col.count)
            try roundTrip(one)
            #expect(ChunkCodec.encode(one)[25] & 2 == (col.type == .date ? 2 : 0))
        }
    }

    @Test func layout() {
        let c = Chunk(columns: [column(.bigint, [.int(1), .null, .int(-1)]), column(.string, [.string("ab"), .string("c"), .null])])
        let f = ChunkCodec.encode(c)
        // Header.
        #expect(Array(f[0..<4]) == Array("SLCK".utf8))
        #expect(Array(f[4..<16]) == [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0])
        #expect(Int(f[16]) | Int(f[17]) << 8 == f.count)
        // BIGINT column: tag 3, validity, validity word 0b101, values.
        #expect(Array(f[24..<32]) == [3, 1, 0, 0, 0, 0, 0, 0])
        #expect(Array(f[32..<40]) == [5, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(f[40..<48]) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(f[56..<64]) == [255, 255, 255, 255, 255, 255, 255, 255])
        // STRING column: tag 5, validity, 3 bytes; offsets 0 2 3 3 padded; "abc" padded.
        #expect(Array(f[64..<72]) == [5, 1, 0, 0, 3, 0, 0, 0])
        #expect(Array(f[72..<80]) == [3, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(f[80..<96]) == [0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0])
        #expect(Array(f[96..<104]) == [97, 98, 99, 0, 0, 0, 0, 0])
        #expect(f.count == 108)
        let crc = f.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<104])) }
        #expect(Array(f[104..<108]) == [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
    }
}

// MARK: - Damaged frames

@Suite struct ChunkCodecCorruptionTests {
    static let small: Chunk = {
        let o = RowOrigin(path: "a.csv", splitStart: 10, lines: [0, 2, 3])
        return Chunk(columns: [
            column(.int, [.int(1), .null, .int(3)]),
            column(.string, [.string("ab"), .string("é"), .null]),
            column(.boolean, [.bool(true), .bool(false), .null]),
            column(.double, [.double(0.5), .double(-1), .double(2)]),
        ], count: 3, origin: o)
    }()

    @Test func everySingleByteCorruptionIsAnError() throws {
        let frame = ChunkCodec.encode(Self.small)
        _ = try ChunkCodec.decode(frame)
        for position in frame.indices {
            for flip in 1...255 {
                var bad = frame
                bad[position] ^= UInt8(flip)
                guard let error = decodeError(bad) else {
                    Issue.record("byte \(position) ^ \(flip) decoded without an error")
                    continue
                }
                switch position {
                case 0..<4:
                    #expect(error.description.hasPrefix("corrupt chunk frame: bad magic 0x"))
                case 4..<6:
                    if case .unsupportedVersion = error {} else { Issue.record("byte \(position): \(error)") }
                case 16..<24:
                    // The length: too short for the buffer, longer than it, or impossible.
                    switch error {
                    case .truncated, .corrupt: break
                    default: Issue.record("byte \(position): \(error)")
                    }
                default:
                    if case .checksumMismatch = error {} else { Issue.record("byte \(position): \(error)") }
                }
            }
        }
    }

    @Test func everyTruncationIsAnError() {
        let frame = ChunkCodec.encode(Self.small)
        for length in 0..<frame.count {
            let error = decodeError(Array(frame[0..<length]))
            let needed = length < ChunkCodec.headerSize ? ChunkCodec.headerSize : frame.count
            #expect(error == .truncated(needed: needed, available: length))
            #expect(error?.description == "truncated chunk frame: needs \(needed) bytes, has \(length)")
            #expect(error?.exitStatus == .ioError)
        }
        #expect(decodeError(frame + [0]) == .corrupt("the frame is \(frame.count) bytes long but \(frame.count + 1) bytes were given"))
    }

    @Test func checksumMessage() {
        var frame = ChunkCodec.encode(Self.small)
        let body = frame.count - 4
        let good = frame.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
        putU32(&frame, body, 0xDEAD_BEEF)
        let error = decodeError(frame)
        #expect(error == .checksumMismatch(expected: 0xDEAD_BEEF, found: good))
        #expect(error?.description == "corrupt chunk frame: checksum mismatch (expected 0xdeadbeef, found 0x\(ChunkCodec.hex(good)))")
        #expect(error?.exitStatus == .ioError)
    }

    @Test func headerErrors() {
        var frame = ChunkCodec.encode(Self.small)
        frame[4] = 2
        #expect(decodeError(frame)?.description == "unsupported chunk frame version 2 (this sluice reads version 1); the supervisor and its workers must be the same build")
        frame[4] = 1
        frame[0] = UInt8(ascii: "X")
        #expect(decodeError(frame)?.description == "corrupt chunk frame: bad magic 0x584c434b (expected 0x534c434b, 'SLCK')")
        #expect(decodeError(frame)?.exitStatus == .software)
        frame[0] = UInt8(ascii: "S")
        putU64(&frame, 16, 3)
        #expect(decodeError(frame) == .corrupt("impossible frame length 3"))
    }

    @Test func forgedConstantFlags() {
        func forged(_ c: Chunk, _ edit: (inout [UInt8]) -> Void) -> String? {
            var bad = ChunkCodec.encode(c)
            edit(&bad)
            reseal(&bad)
            return decodeError(bad)?.description
        }
        // The flag on a string column, on a column with NULLs, on a one-row chunk.
        #expect(forged(Self.small) { $0[64 + 1] |= 2 } == "corrupt chunk frame: a constant STRING column 1 of 3 rows with a validity bitmap")
        #expect(forged(Self.small) { $0[24 + 1] |= 2 } == "corrupt chunk frame: a constant INT column 0 of 3 rows with a validity bitmap")
        let one = Chunk(columns: [Column(type: .bigint, storage: .int64([5]))], count: 1)
        #expect(forged(one) { $0[24 + 1] |= 2 } == "corrupt chunk frame: a constant BIGINT column 0 of 1 rows")
        #expect(forged(one) { $0[24 + 1] |= 4 } == "corrupt chunk frame: unknown flags 0x4 or reserved bits 0x0 in column 0")
    }

    /// Forged frames (valid checksum) whose structure lies.
    @Test func badStructureUnderAValidChecksum() {
        let frame = ChunkCodec.encode(Self.small)
        // Offsets of the small frame: header 24; int column at 24 (8 + 8 validity + 24 values);
        // string column at 64 (8 header, 8 validity, 16 offsets, 8 bytes); bool at 104; double at 128.
        #expect(Array(frame[64..<65]) == [5])
        func forged(_ edit: (inout [UInt8]) -> Void) -> String? {
            var bad = frame
            edit(&bad)
            reseal(&bad)
            return decodeError(bad)?.description
        }
        #expect(forged { $0[80 + 4] = 3; $0[80 + 8] = 1 } == "corrupt chunk frame: string offsets are not monotonic in column 1")
        #expect(forged { $0[80] = 1 } == "corrupt chunk frame: string offsets of column 1 start at 1, not 0")
        #expect(forged { $0[80 + 12] = 200 } == "corrupt chunk frame: string offsets of column 1 end at 200 but the column has 4 bytes")
        #expect(forged { $0[64 + 4] = 200 } == "corrupt chunk frame: the string bytes of column 1 needs 200 bytes at offset 96 but the frame's body ends at \(frame.count - 4)")
        #expect(forged { $0[64] = 9 } == "corrupt chunk frame: unknown type tag 9 in column 1")
        #expect(forged { $0[64] = 0 } == "corrupt chunk frame: unknown type tag 0 in column 1")
        #expect(forged { $0[64 + 1] = 5 } == "corrupt chunk frame: unknown flags 0x5 or reserved bits 0x0 in column 1")
        #expect(forged { $0[64 + 2] = 1 } == "corrupt chunk frame: unknown flags 0x1 or reserved bits 0x1 in column 1")
        #expect(forged { $0[24 + 4] = 1 } == "corrupt chunk frame: a byte length of 1 in INT column 0")
        #expect(forged { $0[32] |= 0x80 } == "corrupt chunk frame: validity bits past the last row in column 0")
        #expect(forged { $0[96 + 7] = 1 } == "corrupt chunk frame: non-zero padding after the string bytes of column 1")
        #expect(forged { $0[6] = 3 } == "corrupt chunk frame: unknown header flags 0x3")
        // A fifth column would start where the origin section does (splitStart 10 reads as tag 10).
        #expect(forged { $0[8] = 5 } == "corrupt chunk frame: unknown type tag 10 in column 4")
        #expect(forged { $0[8] = 5; $0[6] = 0 } == "corrupt chunk frame: unknown type tag 10 in column 4")
        // Tag 4 turns the origin into a DOUBLE column; the sixth column's header is then the
        // last origin line (3, BIGINT) and its values run past the end.
        #expect(forged { $0[8] = 6; $0[6] = 0; $0[160] = 4 } == "corrupt chunk frame: the values of column 5 needs 24 bytes at offset 200 but the frame's body ends at 200")
        #expect(forged { $0[8] = 255; $0[9] = 255 } == "corrupt chunk frame: 65535 columns cannot fit in a frame of \(frame.count) bytes")
        #expect(forged { $0[12] = 200 }?.hasPrefix("corrupt chunk frame: the values of column 0 needs 1600 bytes at offset 64") == true)
        #expect(forged { $0[12] = 0xFF; $0[13] = 0xFF; $0[14] = 0xFF; $0[15] = 0x7F }?.hasPrefix("corrupt chunk frame: the validity of column 0 needs") == true)
        #expect(forged { $0[12] = 0xFF; $0[13] = 0xFF; $0[14] = 0xFF; $0[15] = 0xFF } == "corrupt chunk frame: row count 4294967295 exceeds the limit of 2147483647")
        // Rows and columns that say less than the frame holds leave bytes unexplained.
        #expect(forged { $0[6] = 0 }?.hasSuffix("unexplained bytes after the last section") == true)
        #expect(forged { $0[8] = 3; $0[6] = 0 } == "corrupt chunk frame: \(frame.count - 4 - 128) unexplained bytes after the last section")
        // The origin section: a path longer than the frame.
        let origin = 128 + 8 + 24
        #expect(forged { $0[origin + 8] = 0xFF; $0[origin + 11] = 0x7F }?.hasPrefix("corrupt chunk frame: the origin's path needs 2130706687 bytes") == true)
        #expect(forged { $0[origin + 12] = 0xFF }?.hasPrefix("corrupt chunk frame: the origin's lines needs 1020 bytes") == true)
        #expect(forged { _ in } == nil)
    }

    /// Any edit under a recomputed checksum decodes to a valid chunk or fails cleanly.
    @Test func forgedEditsNeverCrash() {
        let frame = ChunkCodec.encode(Self.small)
        var errors = 0, decoded = 0
        for position in ChunkCodec.headerSize..<(frame.count - 4) {
            for value: UInt8 in [0, 1, 2, 3, 4, 7, 8, 64, 127, 128, 200, 255] where frame[position] != value {
                var bad = frame
                bad[position] = value
                reseal(&bad)
                do {
                    let c = try ChunkCodec.decode(bad)
                    c.checkInvariants()
                    for col in c.columns where col.type == .string {
                        for r in 0..<c.count { _ = col.strings.string(at: r) }
                    }
                    decoded += 1
                } catch {
                    #expect(error.exitStatus == .software)
                    errors += 1
                }
            }
        }
        // Value bytes change values; structure bytes must be refused.
        #expect(errors > 0 && decoded > 0)
    }
}
