#if _endian(big)
#error("ChunkCodec writes little-endian buffers with bulk copies: a big-endian host needs byte swaps")
#endif

/// The binary form of a ``Chunk``: what workers and the supervisor send each other over
/// pipes and what spill files hold. Little-endian; each buffer is copied in bulk and
/// zero-padded to a multiple of 8 bytes (relative to the frame's start), so a reader could
/// also use the buffers in place.
///
/// ```
/// header   0 magic "SLCK"   4 version u16   6 flags u16 (bit 0: origin section)
///          8 columns u32   12 rows u32     16 frame length u64 (checksum included)
/// column   0 type u8 (1 boolean 2 int 3 bigint 4 double 5 string 6 date 7 timestamp 8 null)
///          1 flags u8 (bit 0: validity bitmap, bit 1: constant)   2 reserved u16 = 0
///          4 string byte length u32 (0 for other types)
///          8 validity u64 × ⌈rows / 64⌉                        (when flagged)
///            values: boolean u8 × rows | int64, double 8 × rows
///                    | string i32 offsets × (rows + 1), then the bytes
///            constant: one int64 or double for every row (a column of two or more rows,
///                    no NULLs, every value the same bits: a partial count of single rows)
/// origin   0 splitStart i64   8 path length u32   12 line count u32
///         16 path (UTF-8), then lines i32 × line count        (when flagged)
/// trailer  CRC-32C (u32) of every byte before it
/// ```
///
/// Decoding checks the length, the checksum and then every count, tag and offset against
/// the frame before it copies anything, so damaged or forged input is an error, never an
/// out-of-bounds read.
public enum ChunkCodec {
    /// "SLCK" read as a little-endian u32.
    public static let magic: UInt32 = 0x4B43_4C53
    public static let version: UInt16 = 1
    /// Bytes of the fixed header; enough to learn the frame's length (``frameLength(header:)``).
    public static let headerSize = 24
    static let columnHeaderSize = 8
    static let originHeaderSize = 16
    static let trailerSize = 4

    // MARK: Encoding

    /// The exact number of bytes ``encode(_:)`` produces for `chunk`.
    public static func encodedSize(_ chunk: Chunk) -> Int {
        var size = headerSize
        for c in chunk.columns { size += columnSize(c, rows: chunk.count) }
        if let o = chunk.origin {
            size += originHeaderSize + pad8(o.path.utf8.count) + pad8(o.lines.count * 4)
        }
        return size + trailerSize
    }

    /// The frame of `chunk`.
    public static func encode(_ chunk: Chunk) -> [UInt8] {
        let size = encodedSize(chunk)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            write(chunk, to: UnsafeMutableRawPointer(buffer.baseAddress!), size: size)
            count = size
        }
    }

    /// Appends the frame of `chunk` to `buffer` (reuse one buffer to avoid an allocation per chunk).
    public static func encode(_ chunk: Chunk, into buffer: inout [UInt8]) {
        let size = encodedSize(chunk)
        let start = buffer.count
        // A zeroed array appends as one memcpy; repeatElement appends byte by byte (5x slower).
        buffer.append(contentsOf: [UInt8](repeating: 0, count: size))
        buffer.withUnsafeMutableBytes { write(chunk, to: $0.baseAddress! + start, size: size) }
    }

    static func pad8(_ n: Int) -> Int { (n + 7) & ~7 }

    static func columnSize(_ c: Column, rows: Int) -> Int {
        var size = columnHeaderSize
        if c.validity != nil { size += (rows + 63) / 64 * 8 }
        switch c.storage {
        case .bool: size += pad8(rows)
        case .int64, .double: size += isConstant(c, rows: rows) ? 8 : rows * 8
        case .string(let s): size += pad8((rows + 1) * 4) + pad8(stringByteCount(s, rows: rows))
        }
        return size
    }

    /// Whether an int64 or double column is written as one value: two or more rows, no
    /// validity, every value with the same bits. Stops at the first value that differs.
    static func isConstant(_ c: Column, rows: Int) -> Bool {
        guard rows >= 2, c.validity == nil else { return false }
        func same(_ p: UnsafeRawBufferPointer) -> Bool {
            let first = p.loadUnaligned(as: UInt64.self)
            var i = 1
            while i < rows {
                if p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) != first { return false }
                i += 1
            }
            return true
        }
        switch c.storage {
        case .int64(let a): return a.withUnsafeBytes(same)
        case .double(let a): return a.withUnsafeBytes(same)
        default: return false
        }
    }

    /// Bytes the rows of `s` span (an array built by hand may not start at offset 0).
    static func stringByteCount(_ s: StringArray, rows: Int) -> Int {
        Int(s.offsets[rows]) - Int(s.offsets[0])
    }

    static func typeTag(_ t: DataType) -> UInt8 {
        switch t {
        case .boolean: return 1
        case .int: return 2
        case .bigint: return 3
        case .double: return 4
        case .string: return 5
        case .date: return 6
        case .timestamp: return 7
        case .null: return 8
        }
    }

    static func dataType(tag: UInt8) -> DataType? {
        switch tag {
        case 1: return .boolean
        case 2: return .int
        case 3: return .bigint
        case 4: return .double
        case 5: return .string
        case 6: return .date
        case 7: return .timestamp
        case 8: return .null
        default: return nil
        }
    }

    static func write(_ chunk: Chunk, to base: UnsafeMutableRawPointer, size: Int) {
        let rows = chunk.count
        precondition(rows <= Int(Int32.max), "chunk of \(rows) rows is too large for a frame")
        var w = Writer(base: base)
        w.u32(magic)
        w.u16(version)
        w.u16(chunk.origin == nil ? 0 : 1)
        w.u32(UInt32(chunk.columns.count))
        w.u32(UInt32(rows))
        w.u64(UInt64(size))
        for c in chunk.columns {
            precondition(c.count == rows, "column of \(c.count) rows in a chunk of \(rows)")
            let constant = isConstant(c, rows: rows)
            w.u8(typeTag(c.type))
            w.u8((c.validity == nil ? 0 : 1) | (constant ? 2 : 0))
            w.u16(0)
            if case .string(let s) = c.storage { w.u32(UInt32(stringByteCount(s, rows: rows))) } else { w.u32(0) }
            if let v = c.validity {
                let words = (rows + 63) / 64
                precondition(v.count == rows && v.words.count == words, "validity of \(v.count) rows in a column of \(rows)")
                v.words.withUnsafeBytes { w.bytes($0.baseAddress, words * 8) }
            }
            switch c.storage {
            case .bool(let b):
                b.withUnsafeBytes { w.bytes($0.baseAddress, rows) }
                w.pad()
            case .int64(let a):
                a.withUnsafeBytes { w.bytes($0.baseAddress, constant ? 8 : rows * 8) }
            case .double(let a):
                a.withUnsafeBytes { w.bytes($0.baseAddress, constant ? 8 : rows * 8) }
            case .string(let s):
                let first = s.offsets[0]
                if first == 0 {
                    s.offsets.withUnsafeBytes { w.bytes($0.baseAddress, (rows + 1) * 4) }
                } else {
                    for i in 0...rows { w.u32(UInt32(bitPattern: s.offsets[i] - first)) }
                }
                w.pad()
                let count = stringByteCount(s, rows: rows)
                s.bytes.withUnsafeBytes { w.bytes($0.baseAddress.map { $0 + Int(first) }, count) }
                w.pad()
            }
        }
        if let o = chunk.origin {
            var path = o.path
            w.u64(UInt64(bitPattern: o.splitStart))
            path.withUTF8 { p in
                w.u32(UInt32(p.count))
                w.u32(UInt32(o.lines.count))
                w.bytes(p.baseAddress, p.count)
            }
            w.pad()
            o.lines.withUnsafeBytes { w.bytes($0.baseAddress, o.lines.count * 4) }
            w.pad()
        }
        precondition(w.pos == size - trailerSize, "frame size mismatch: wrote \(w.pos) of \(size - trailerSize)")
        w.u32(CRC32C.checksum(UnsafeRawBufferPointer(start: base, count: w.pos)))
    }

    // MARK: Decoding

    /// The length of the frame that starts with `header` (at least ``headerSize`` bytes), for
    /// readers that take frames off a stream.
    public static func frameLength(header: UnsafeRawBufferPointer) throws(ChunkCodecError) -> Int {
        guard header.count >= headerSize else { throw .truncated(needed: headerSize, available: header.count) }
        let m = header.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        guard UInt32(littleEndian: m) == magic else {
            throw .corrupt("bad magic 0x\(hex(UInt32(bigEndian: m))) (expected 0x\(hex(UInt32(bigEndian: magic))), 'SLCK')")
        }
        let v = UInt16(littleEndian: header.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        guard v == version else { throw .unsupportedVersion(v) }
        let length = UInt64(littleEndian: header.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        guard length >= UInt64(headerSize + trailerSize), length <= UInt64(Int32.max) * 64 else {
            throw .corrupt("impossible frame length \(length)")
        }
        return Int(length)
    }

    public static func decode(_ bytes: [UInt8]) throws(ChunkCodecError) -> Chunk {
        // withUnsafeBytes only rethrows untyped errors; carry the typed one out in a Result.
        let result = bytes.withUnsafeBytes { b in Result { () throws(ChunkCodecError) -> Chunk in try decode(b) } }
        return try result.get()
    }

    /// The chunk in `bytes`, which must hold exactly one frame.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(ChunkCodecError) -> Chunk {
        let length = try frameLength(header: bytes)
        guard bytes.count >= length else { throw .truncated(needed: length, available: bytes.count) }
        guard bytes.count == length else {
            throw .corrupt("the frame is \(length) bytes long but \(bytes.count) bytes were given")
        }
        let base = bytes.baseAddress!
        let body = length - trailerSize
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: body, as: UInt32.self))
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(start: base, count: body))
        guard stored == computed else { throw .checksumMismatch(expected: stored, found: computed) }

        var r = Reader(base: base, end: body, pos: 6)
        let flags = r.u16()
        guard flags & ~1 == 0 else { throw .corrupt("unknown header flags 0x\(String(flags, radix: 16))") }
        let columnCount = Int(r.u32())
        let rows = Int(r.u32())
        r.pos = headerSize
        guard rows <= Int(Int32.max) else { throw .corrupt("row count \(rows) exceeds the limit of \(Int32.max)") }
        guard columnCount <= (body - headerSize) / columnHeaderSize else {
            throw .corrupt("\(columnCount) columns cannot fit in a frame of \(length) bytes")
        }
        var columns: [Column] = []
        columns.reserveCapacity(columnCount)
        for i in 0..<columnCount {
            columns.append(try decodeColumn(&r, index: i, rows: rows))
        }
        var origin: RowOrigin? = nil
        if flags & 1 != 0 {
            let h = try r.take(originHeaderSize, "the origin section")
            let splitStart = Int64(bitPattern: UInt64(littleEndian: h.loadUnaligned(as: UInt64.self)))
            let pathLength = Int(UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            let lineCount = Int(UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
            let p = try r.take(pathLength, "the origin's path")
            try r.skipPadding("the origin's path")
            let path = String(decoding: UnsafeRawBufferPointer(start: p, count: pathLength), as: UTF8.self)
            let l = try r.take(lineCount * 4, "the origin's lines")
            try r.skipPadding("the origin's lines")
            origin = RowOrigin(path: path, splitStart: splitStart, lines: copyArray(Int32.self, from: l, count: lineCount))
        }
        guard r.pos == body else { throw .corrupt("\(body - r.pos) unexplained bytes after the last section") }
        return Chunk(columns: columns, count: rows, origin: origin)
    }

    static func decodeColumn(_ r: inout Reader, index i: Int, rows: Int) throws(ChunkCodecError) -> Column {
        let h = try r.take(columnHeaderSize, "the header of column \(i)")
        let tag = h.load(as: UInt8.self)
        let flags = h.load(fromByteOffset: 1, as: UInt8.self)
        let reserved = UInt16(littleEndian: h.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let byteCount = Int(UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        guard let type = dataType(tag: tag) else { throw .corrupt("unknown type tag \(tag) in column \(i)") }
        guard flags & ~3 == 0, reserved == 0 else {
            throw .corrupt("unknown flags 0x\(String(flags, radix: 16)) or reserved bits 0x\(String(reserved, radix: 16)) in column \(i)")
        }
        let constant = flags & 2 != 0
        guard !constant || (flags & 1 == 0 && rows >= 2 && (type.physical == .int64 || type.physical == .double)) else {
            throw .corrupt("a constant \(type) column \(i) of \(rows) rows\(flags & 1 != 0 ? " with a validity bitmap" : "")")
        }
        guard type == .string || byteCount == 0 else { throw .corrupt("a byte length of \(byteCount) in \(type) column \(i)") }
        var validity: Validity? = nil
        if flags & 1 != 0 {
            let words = (rows + 63) / 64
            let v = try r.take(words * 8, "the validity of column \(i)")
            if rows & 63 != 0 {
                let last = UInt64(littleEndian: v.loadUnaligned(fromByteOffset: (words - 1) * 8, as: UInt64.self))
                guard last >> UInt64(rows & 63) == 0 else { throw .corrupt("validity bits past the last row in column \(i)") }
            }
            validity = Validity(words: copyArray(UInt64.self, from: v, count: words), count: rows)
        }
        let storage: Column.Storage
        switch type.physical {
        case .bool:
            let p = try r.take(rows, "the values of column \(i)")
            try r.skipPadding("the values of column \(i)")
            storage = .bool(copyArray(UInt8.self, from: p, count: rows))
        case .int64 where constant:
            let v = try r.take(8, "the value of constant column \(i)")
            storage = .int64([Int64](repeating: Int64(littleEndian: v.loadUnaligned(as: Int64.self)), count: rows))
        case .double where constant:
            let v = try r.take(8, "the value of constant column \(i)")
            storage = .double([Double](repeating: Double(bitPattern: UInt64(littleEndian: v.loadUnaligned(as: UInt64.self))), count: rows))
        case .int64:
            storage = .int64(copyArray(Int64.self, from: try r.take(rows * 8, "the values of column \(i)"), count: rows))
        case .double:
            storage = .double(copyArray(Double.self, from: try r.take(rows * 8, "the values of column \(i)"), count: rows))
        case .string:
            let o = try r.take((rows + 1) * 4, "the string offsets of column \(i)")
            try r.skipPadding("the string offsets of column \(i)")
            let b = try r.take(byteCount, "the string bytes of column \(i)")
            try r.skipPadding("the string bytes of column \(i)")
            try checkOffsets(o, rows: rows, byteCount: byteCount, column: i)
            let offsets = copyArray(Int32.self, from: o, count: rows + 1)
            storage = .string(StringArray(offsets: offsets, bytes: copyArray(UInt8.self, from: b, count: byteCount)))
        }
        return Column(type: type, storage: storage, validity: validity)
    }

    /// Offsets start at 0, never decrease and end at the byte count, so every value lies
    /// inside the byte buffer.
    static func checkOffsets(_ o: UnsafeRawPointer, rows: Int, byteCount: Int, column i: Int) throws(ChunkCodecError) {
        let first = Int32(littleEndian: o.loadUnaligned(as: Int32.self))
        let last = Int32(littleEndian: o.loadUnaligned(fromByteOffset: rows * 4, as: Int32.self))
        guard first == 0 else { throw .corrupt("string offsets of column \(i) start at \(first), not 0") }
        guard Int(last) == byteCount else {
            throw .corrupt("string offsets of column \(i) end at \(last) but the column has \(byteCount) bytes")
        }
        // No early exit: a branch-free pass the compiler can vectorise.
        var monotonic = true
        var prev = first
        for k in stride(from: 1, through: rows, by: 1) {
            let next = Int32(littleEndian: o.loadUnaligned(fromByteOffset: k * 4, as: Int32.self))
            monotonic = monotonic && prev <= next
            prev = next
        }
        guard monotonic else { throw .corrupt("string offsets are not monotonic in column \(i)") }
    }

    /// A new array of `count` values copied from (possibly unaligned) `p`.
    static func copyArray<T>(_: T.Type, from p: UnsafeRawPointer, count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, n in
            if count > 0 {
                UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: p, byteCount: count * MemoryLayout<T>.stride)
            }
            n = count
        }
    }

    static func hex(_ v: UInt32) -> String { CRC32C.hex(v) }
}

extension ChunkCodec {
    /// Appends little-endian values at a cursor; the caller sized the buffer with ``ChunkCodec/encodedSize(_:)``.
    struct Writer {
        let base: UnsafeMutableRawPointer
        var pos = 0

        init(base: UnsafeMutableRawPointer) { self.base = base }

        mutating func u8(_ v: UInt8) { base.storeBytes(of: v, toByteOffset: pos, as: UInt8.self); pos += 1 }
        mutating func u16(_ v: UInt16) { base.storeBytes(of: v.littleEndian, toByteOffset: pos, as: UInt16.self); pos += 2 }
        mutating func u32(_ v: UInt32) { base.storeBytes(of: v.littleEndian, toByteOffset: pos, as: UInt32.self); pos += 4 }
        mutating func u64(_ v: UInt64) { base.storeBytes(of: v.littleEndian, toByteOffset: pos, as: UInt64.self); pos += 8 }

        mutating func bytes(_ p: UnsafeRawPointer?, _ n: Int) {
            if n > 0 { (base + pos).copyMemory(from: p!, byteCount: n) }
            pos += n
        }

        /// Zeros up to the next multiple of 8.
        mutating func pad() {
            let end = pad8(pos)
            if end > pos { (base + pos).initializeMemory(as: UInt8.self, repeating: 0, count: end - pos) }
            pos = end
        }
    }

    /// A bounds-checked cursor over a frame's body (checksum excluded).
    struct Reader {
        let base: UnsafeRawPointer
        let end: Int
        var pos: Int

        mutating func u16() -> UInt16 {
            defer { pos += 2 }
            return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: pos, as: UInt16.self))
        }

        mutating func u32() -> UInt32 {
            defer { pos += 4 }
            return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: pos, as: UInt32.self))
        }

        /// The next `n` bytes, or an error naming `what` when the frame ends first.
        mutating func take(_ n: Int, _ what: @autoclosure () -> String) throws(ChunkCodecError) -> UnsafeRawPointer {
            guard n >= 0, n <= end - pos else {
                throw .corrupt("\(what()) needs \(n) bytes at offset \(pos) but the frame's body ends at \(end)")
            }
            defer { pos += n }
            return base + pos
        }

        /// Skips the zero padding up to the next multiple of 8.
        mutating func skipPadding(_ what: @autoclosure () -> String) throws(ChunkCodecError) {
            let next = pad8(pos)
            guard next <= end else { throw .corrupt("the padding after \(what()) runs past the frame's body") }
            for k in pos..<next where base.load(fromByteOffset: k, as: UInt8.self) != 0 {
                throw .corrupt("non-zero padding after \(what())")
            }
            pos = next
        }
    }
}

/// A chunk frame that cannot be decoded. Damage in transit or at rest (a short read, a bad
/// checksum) is an I/O error (exit 74); a frame that passes its checksum but is malformed
/// was written wrong, which is a bug (exit 70).
public enum ChunkCodecError: SluiceError, Equatable {
    case truncated(needed: Int, available: Int)
    /// `expected` is the checksum stored in the frame, `found` the one computed over it.
    case checksumMismatch(expected: UInt32, found: UInt32)
    case unsupportedVersion(UInt16)
    case corrupt(String)

    public var exitStatus: ExitStatus {
        switch self {
        case .truncated, .checksumMismatch: return .ioError
        case .unsupportedVersion, .corrupt: return .software
        }
    }

    public var description: String {
        switch self {
        case .truncated(let needed, let available):
            return "truncated chunk frame: needs \(needed) bytes, has \(available)"
        case .checksumMismatch(let expected, let found):
            return "corrupt chunk frame: checksum mismatch (expected 0x\(ChunkCodec.hex(expected)), found 0x\(ChunkCodec.hex(found)))"
        case .unsupportedVersion(let v):
            return "unsupported chunk frame version \(v) (this sluice reads version \(ChunkCodec.version)); the supervisor and its workers must be the same build"
        case .corrupt(let message):
            return "corrupt chunk frame: \(message)"
        }
    }
}
