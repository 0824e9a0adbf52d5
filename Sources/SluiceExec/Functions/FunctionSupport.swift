/// Shared plumbing of the scalar function kernels: byte-level views of string columns,
/// a builder for string results, NULL propagation and UTF-8 character stepping.
///
/// Kernels follow one shape: check the argument layouts once, open the buffers with
/// `withUnsafeBufferPointer`, loop over the rows, and raise an ``EvalError`` naming the
/// first bad row that is not NULL (a NULL row's slot holds an unspecified value, so it
/// must never raise).

/// Read access to the values of a ``StringArray`` inside one `withUnsafe` scope.
struct ByteStrings {
    let bytes: UnsafeBufferPointer<UInt8>
    let offsets: UnsafeBufferPointer<Int32>

    /// The UTF-8 bytes of row `i`.
    @inline(__always)
    subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])
    }
}

extension StringArray {
    /// Calls `body` with byte-level access to every value.
    @inline(__always)
    func withByteStrings<R>(_ body: (ByteStrings) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { b in
            try offsets.withUnsafeBufferPointer { o in try body(ByteStrings(bytes: b, offsets: o)) }
        }
    }
}

/// Builds the string column a kernel returns: bytes are appended, then each row closed.
struct ByteStringBuilder {
    var bytes: [UInt8]
    var offsets: [Int32]

    init(rows: Int, bytes capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
        offsets = [0]
        offsets.reserveCapacity(rows + 1)
    }

    @inline(__always)
    mutating func append(_ p: UnsafeBufferPointer<UInt8>) {
        if !p.isEmpty { bytes.append(contentsOf: p) }
    }

    @inline(__always)
    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    /// Ends the current row (an empty row when nothing was appended since the last one).
    @inline(__always)
    mutating func closeRow() { offsets.append(Int32(truncatingIfNeeded: bytes.count)) }

    func finish(_ type: DataType = .string, validity: Validity?) -> Column {
        Column(type: type, storage: .string(StringArray(offsets: offsets, bytes: bytes)), validity: validity)
    }
}

/// NULL handling shared by the kernels.
enum NullPropagation {
    /// The rows that are NULL in any of `args` (Spark's "NULL in, NULL out").
    static func union(_ args: [Column]) -> Validity? {
        var v: Validity? = nil
        for a in args where a.validity != nil { v = Validity.and(v, a.validity) }
        return v
    }

    /// Whether row `i` holds a value under `validity`.
    @inline(__always)
    static func isValid(_ validity: Validity?, _ i: Int) -> Bool {
        guard let validity else { return true }
        return validity.isValid(i)
    }
}

/// UTF-8 stepping by code point, as Spark's `UTF8String` counts characters.
enum UTF8Steps {
    /// The byte length of the sequence a lead byte starts (Spark's `numBytesForFirstByte`):
    /// stray continuation and invalid lead bytes count as one character each.
    @inline(__always)
    static func sequenceLength(_ b: UInt8) -> Int {
        if b < 0xC2 { return 1 }
        if b < 0xE0 { return 2 }
        if b < 0xF0 { return 3 }
        if b < 0xF5 { return 4 }
        return 1
    }

    /// Whether every byte is ASCII, checked eight bytes at a time.
    @inline(__always)
    static func isASCII(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = p.count
        guard let base = p.baseAddress else { return true }
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if base[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// The number of characters (code points).
    @inline(__always)
    static func count(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        if isASCII(p) { return p.count }
        var i = 0, c = 0
        let n = p.count
        while i < n {
            i += sequenceLength(p[i])
            c += 1
        }
        return c
    }

    /// The byte offset where character `k` starts (the byte count when `k` is past the end).
    @inline(__always)
    static func offset(ofCharacter k: Int, in p: UnsafeBufferPointer<UInt8>) -> Int {
        if k <= 0 { return 0 }
        var i = 0, c = 0
        let n = p.count
        while i < n && c < k {
            i += sequenceLength(p[i])
            c += 1
        }
        return Swift.min(i, n)
    }

    /// The code point that starts at byte `i`, and its byte length.
    static func decode(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let b = p[i]
        let len = Swift.min(sequenceLength(b), p.count - i)
        switch len {
        case 2: return (UInt32(b & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2)
        case 3: return (UInt32(b & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
        case 4: return (UInt32(b & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F), 4)
        default: return (UInt32(b), 1)
        }
    }

    /// Whether `needle` occurs in `hay` at byte `at`.
    @inline(__always)
    static func matches(_ hay: UnsafeBufferPointer<UInt8>, at: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        let m = needle.count
        if m == 0 { return true }
        if at + m > hay.count { return false }
        return memcmpBytes(hay.baseAddress! + at, needle.baseAddress!, m) == 0
    }

    /// The byte offset of the first occurrence of `needle` at or after byte `from`, or -1.
    static func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int {
        let n = hay.count, m = needle.count
        if m == 0 { return from <= n ? from : -1 }
        if m > n { return -1 }
        let first = needle[0]
        var i = from
        while i + m <= n {
            if hay[i] == first && matches(hay, at: i, needle) { return i }
            i += 1
        }
        return -1
    }
}

/// Spark's literal forms of values inside error messages (`toSQLValue`).
enum SQLValueText {
    /// A string inside the quotes CAST_INVALID_INPUT puts around it: `'` escaped as `\'`.
    static func quotedBody(_ p: UnsafeBufferPointer<UInt8>) -> String {
        let s = String(decoding: p, as: UTF8.self)
        return s.contains("'") ? s.replacingAll("'", with: "\\'") : s
    }

    /// A value of `type` as a SQL literal: `12`, `3000000000L`, `1.0E10D`, `NaN`,
    /// `DATE '2024-01-01'`, `TIMESTAMP '2024-01-01 00:00:00'`.
    static func literal(int64 v: Int64, _ type: DataType) -> String {
        switch type {
        case .bigint: return "\(v)L"
        case .date: return "DATE '\(SparkFormat.date(v))'"
        case .timestamp: return "TIMESTAMP '\(SparkFormat.timestamp(v))'"
        default: return String(v)
        }
    }

    static func literal(double d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return SparkFormat.double(d) + "D"
    }
}
