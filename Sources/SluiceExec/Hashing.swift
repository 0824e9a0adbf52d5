/// A 64-bit finalizer (murmur3-style) that spreads every input bit over the output.
@inlinable @inline(__always)
public func mixHash(_ x: UInt64) -> UInt64 {
    var h = x &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 32
    h = h &* 0xD6E8_FEB8_6659_FD93
    h ^= h >> 32
    return h
}

/// A hash of a byte string, eight bytes at a time.
@inlinable @inline(__always)
public func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt64 = 0x243F_6A88_85A3_08D3) -> UInt64 {
    var h = seed ^ UInt64(n)
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 8 <= n {
        h = mixHash(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        i += 8
    }
    if i < n {
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = mixHash(h ^ tail)
    }
    return h
}

