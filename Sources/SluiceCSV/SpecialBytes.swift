/// The structural bytes of a buffer (delimiter, `\n`, quote, escape), found 64 bytes at a
/// time and handed out in order, for the plain-record loop.
///
/// A block of 64 bytes is compared with the four bytes sixteen lanes at a time; each
/// 8-byte half of a comparison (0x00 or 0xFF per byte) is folded into 8 bits with one
/// multiplication, so a block becomes one `UInt64` with a bit per structural byte. Its
/// bits are then taken lowest first; the next block is read only when they run out.
///
/// ```
///  bytes   2 0 2 4 - 0 6 - 2 1 , 2 0 2 4 - 0 6 - 2 1 , 8 4 8 ...
///  bits    0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 1 0 0 0 ...   (bit i = byte block + i)
/// ```
///
/// A byte that is not one of the four (quote and escape when they are off) is matched as
/// the delimiter, which is then reported once. Nothing past `limit` is read.
struct SpecialBytes {
    /// Table entries a caller keeps past the most fields it stores: between two checks of
    /// its field count (see ``advance(field:bound:)``) it consumes at most the 64 bytes of
    /// one block, and at most one more field.
    static let tableMargin = 66

    let buf: UnsafePointer<UInt8>
    let limit: Int
    let delimiter: SIMD16<UInt8>, newline: SIMD16<UInt8>, quote: SIMD16<UInt8>, escape: SIMD16<UInt8>
    /// Offset of the 64 bytes `bits` describes.
    var block = Int.min / 2
    /// The structural bytes of the block not handed out yet.
    var bits: UInt64 = 0

    init(_ buf: UnsafePointer<UInt8>, limit: Int, delimiter: UInt8, quote: UInt8, escape: UInt8) {
        self.buf = buf
        self.limit = limit
        self.delimiter = SIMD16(repeating: delimiter)
        newline = SIMD16(repeating: 10)
        self.quote = SIMD16(repeating: quote)
        self.escape = SIMD16(repeating: escape)
    }

    /// The first structural byte at or after `x`, or `limit` when there is none before it or
    /// when a new block would be read while `field > bound`.
    @inline(__always)
    mutating func seek(_ x: Int, field: Int, bound: Int) -> Int {
        if x >= limit { return limit }
        let offset = UInt(bitPattern: x &- block)
        if offset < 64 {
            bits &= ~0 << UInt64(offset)
            if bits != 0 { return block &+ bits.trailingZeroBitCount }
            return refill(field: field, bound: bound)
        }
        if field > bound { return limit }
        block = x
        bits = mask(x)
        if bits != 0 { return block &+ bits.trailingZeroBitCount }
        return refill(field: field, bound: bound)
    }

    /// Forgets the block, for a caller that went on elsewhere (the next ``seek(_:field:bound:)``
    /// reads from where it asks).
    @inline(__always)
    mutating func reset() {
        block = Int.min / 2
        bits = 0
    }

    /// The structural byte after the last one handed out, or `limit` as ``seek(_:field:bound:)``
    /// says. A caller that stores a field per structural byte into a table with
    /// ``tableMargin`` entries past `bound` never stores past its end.
    @inline(__always)
    mutating func advance(field: Int, bound: Int) -> Int {
        bits &= bits &- 1
        if bits != 0 { return block &+ bits.trailingZeroBitCount }
        return refill(field: field, bound: bound)
    }

    @inline(__always)
    private mutating func refill(field: Int, bound: Int) -> Int {
        if field > bound { return limit }
        repeat {
            block &+= 64
            if block >= limit { return limit }
            bits = mask(block)
        } while bits == 0
        return block &+ bits.trailingZeroBitCount
    }

    @inline(__always)
    private func mask(_ at: Int) -> UInt64 {
        if at &+ 64 <= limit { return structuralBits(buf + at, delimiter, newline, quote, escape) }
        return structuralBitsOfTail(buf + at, limit &- at, delimiter, newline, quote, escape)
    }
}

/// One bit per byte of `p[0 ..< 64]` that equals one of the four bytes.
@inline(__always)
func structuralBits(_ p: UnsafePointer<UInt8>, _ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>, _ c: SIMD16<UInt8>,
                    _ d: SIMD16<UInt8>) -> UInt64 {
    let raw = UnsafeRawPointer(p)
    let v0 = raw.loadUnaligned(as: SIMD16<UInt8>.self)
    let v1 = raw.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
    let v2 = raw.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self)
    let v3 = raw.loadUnaligned(fromByteOffset: 48, as: SIMD16<UInt8>.self)
    let m0 = unsafeBitCast((v0 .== a) .| (v0 .== b) .| (v0 .== c) .| (v0 .== d), to: SIMD2<UInt64>.self)
    let m1 = unsafeBitCast((v1 .== a) .| (v1 .== b) .| (v1 .== c) .| (v1 .== d), to: SIMD2<UInt64>.self)
    let m2 = unsafeBitCast((v2 .== a) .| (v2 .== b) .| (v2 .== c) .| (v2 .== d), to: SIMD2<UInt64>.self)
    let m3 = unsafeBitCast((v3 .== a) .| (v3 .== b) .| (v3 .== c) .| (v3 .== d), to: SIMD2<UInt64>.self)
    // Each byte of a lane is 0 or 0xFF: keep a different bit of each; the product adds the
    // eight bytes into its top byte without carries. Each lane is placed by its own shift
    // (written out, so that the lanes stay scalar multiplications).
    let k: UInt64 = 0x8040_2010_0804_0201, m: UInt64 = 0x0101_0101_0101_0101
    var r = ((m0[0] & k) &* m) >> 56
    r |= (((m0[1] & k) &* m) >> 48) & 0xFF00
    r |= (((m1[0] & k) &* m) >> 40) & 0xFF_0000
    r |= (((m1[1] & k) &* m) >> 32) & 0xFF00_0000
    r |= (((m2[0] & k) &* m) >> 24) & 0xFF_0000_0000
    r |= (((m2[1] & k) &* m) >> 16) & 0xFF00_0000_0000
    r |= (((m3[0] & k) &* m) >> 8) & 0xFF_0000_0000_0000
    r |= ((m3[1] & k) &* m) & 0xFF00_0000_0000_0000
    return r
}

/// ``structuralBits(_:_:_:_:_:)`` of the last `count` (< 64) bytes of a buffer, which may
/// end anywhere: they are copied first.
@inline(never)
func structuralBitsOfTail(_ p: UnsafePointer<UInt8>, _ count: Int, _ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>,
                          _ c: SIMD16<UInt8>, _ d: SIMD16<UInt8>) -> UInt64 {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { tmp in
        let t = tmp.baseAddress!
        t.initialize(repeating: 0, count: 64)
        t.update(from: p, count: count)
        return structuralBits(UnsafePointer(t), a, b, c, d) & ((1 << UInt64(count)) &- 1)
    }
}
