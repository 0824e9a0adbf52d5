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
        // The last 1 to 7 bytes, read in one copy rather than a byte at a time.
        var tail: UInt64 = 0
        withUnsafeMutableBytes(of: &tail) { $0.baseAddress!.copyMemory(from: raw + i, byteCount: n - i) }
        h = mixHash(h ^ tail)
    }
    return h
}


/// One hash per row over several columns, computed a column at a time: the same values
/// give the same hash in every chunk and every task (partitioning depends on it).
/// NULL hashes alike, -0.0 like 0.0 and every NaN like every other (Spark groups them so).
public func hashRows(_ columns: [Column], count n: Int) -> [UInt64] {
    let nullHash: UInt64 = 0x5851_F42D_4C95_7F2D
    var h = [UInt64](repeating: 0x2545_F491_4F6C_DD1D, count: n)
    h.withUnsafeMutableBufferPointer { hp in
        for c in columns {
            switch c.storage {
            case .int64(let v):
                v.withUnsafeBufferPointer { p in for i in 0..<n { hp[i] = mixHash(hp[i] ^ UInt64(bitPattern: p[i])) } }
            case .double(let v):
                v.withUnsafeBufferPointer { p in
                    for i in 0..<n {
                        var d = p[i]
                        if d == 0 { d = 0 }
                        if d.isNaN { d = .nan }
                        hp[i] = mixHash(hp[i] ^ d.bitPattern)
                    }
                }
            case .bool(let v):
                v.withUnsafeBufferPointer { p in for i in 0..<n { hp[i] = mixHash(hp[i] ^ UInt64(p[i])) } }
            case .string(let s):
                s.bytes.withUnsafeBufferPointer { p in
                    s.offsets.withUnsafeBufferPointer { o in
                        for i in 0..<n {
                            let start = Int(o[i]), len = Int(o[i + 1]) - start
                            let sh = len == 0 ? 0 : hashBytes(p.baseAddress! + start, len)
                            hp[i] = mixHash(hp[i] ^ sh)
                        }
                    }
                }
            }
            if let validity = c.validity {
                for i in 0..<n where validity.isNull(i) { hp[i] = mixHash(hp[i] ^ nullHash) }
            }
        }
    }
    return h
}
