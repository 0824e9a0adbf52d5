/// Variable-length strings as one UTF-8 byte buffer plus `count + 1` offsets
/// (arrow's layout): value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
public struct StringArray: Sendable, Equatable {
    public var offsets: [Int32]
    public var bytes: [UInt8]

    public init() {
        offsets = [0]
        bytes = []
    }

    public init(offsets: [Int32], bytes: [UInt8]) {
        self.offsets = offsets
        self.bytes = bytes
    }

    public init(reservingRows rows: Int, bytes byteCapacity: Int) {
        offsets = [0]
        offsets.reserveCapacity(rows + 1)
        bytes = []
        bytes.reserveCapacity(byteCapacity)
    }

    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for s in strings { append(s) }
    }

    @inlinable public var count: Int { offsets.count - 1 }

    @inlinable
    public func range(_ i: Int) -> Range<Int> { Int(offsets[i])..<Int(offsets[i + 1]) }

    @inlinable
    public func length(_ i: Int) -> Int { Int(offsets[i + 1] - offsets[i]) }

    public func string(at i: Int) -> String {
        let r = range(i)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    public mutating func append(bytes raw: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: raw)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Appends value `i` of another array.
    public mutating func append(from other: StringArray, at i: Int) {
        let r = other.range(i)
        if !r.isEmpty {
            other.bytes.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[r])) }
        }
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Appends an empty value (the slot of a NULL).
    public mutating func appendEmpty() {
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Byte-wise comparison of value `i` with value `j` of `other` (UTF-8 order is code-point order).
    public func compare(_ i: Int, _ other: StringArray, _ j: Int) -> Int {
        let a = range(i), b = other.range(j)
        return bytes.withUnsafeBufferPointer { pa in
            other.bytes.withUnsafeBufferPointer { pb in
                let n = min(a.count, b.count)
                if n > 0 {
                    let c = memcmpBytes(pa.baseAddress! + a.lowerBound, pb.baseAddress! + b.lowerBound, n)
                    if c != 0 { return c }
                }
                return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
            }
        }
    }

    /// Whether value `i` equals value `j` of `other`.
    public func equals(_ i: Int, _ other: StringArray, _ j: Int) -> Bool {
        let a = range(i), b = other.range(j)
        if a.count != b.count { return false }
        if a.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { pa in
            other.bytes.withUnsafeBufferPointer { pb in
                memcmpBytes(pa.baseAddress! + a.lowerBound, pb.baseAddress! + b.lowerBound, a.count) == 0
            }
        }
    }
}

/// memcmp over raw bytes, returning -1, 0 or 1.
@inlinable
public func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Int {
    var i = 0
    while i + 8 <= n {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
        let y = UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
        if x != y {
            let bx = x.byteSwapped, by = y.byteSwapped
            return bx < by ? -1 : 1
        }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        i += 1
    }
    return 0
}
