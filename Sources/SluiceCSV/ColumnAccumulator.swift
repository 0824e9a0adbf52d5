/// The values of one column of the chunk being built, in raw buffers of the chunk's
/// capacity that the parse loops write through pointers; turned into a ``Column`` (one
/// copy into arrays) when the chunk is full.
final class ColumnAccumulator {
    enum Kind {
        case boolean, int32, int64, double, date, timestamp, string
    }

    let type: DataType
    let kind: Kind
    let capacity: Int
    /// Rows written so far.
    var count = 0
    /// Fixed-width values: 1 byte per row for BOOLEAN, 8 bytes otherwise.
    let fixed: UnsafeMutableRawPointer
    /// One bit per row, set when the row is valid.
    let validity: UnsafeMutablePointer<UInt64>
    var nullCount = 0
    // Strings: `count + 1` offsets into `bytes`.
    let offsets: UnsafeMutablePointer<Int32>
    var bytes: UnsafeMutablePointer<UInt8>
    var bytesCapacity: Int
    var bytesCount = 0

    private var words: Int { (capacity + 63) >> 6 }

    init(type: DataType, capacity: Int) {
        self.type = type
        self.capacity = capacity
        switch type {
        case .boolean, .null: kind = .boolean
        case .int: kind = .int32
        case .bigint: kind = .int64
        case .double: kind = .double
        case .date: kind = .date
        case .timestamp: kind = .timestamp
        case .string: kind = .string
        }
        fixed = .allocate(byteCount: max(capacity, 1) * 8, alignment: 8)
        validity = .allocate(capacity: max((capacity + 63) >> 6, 1))
        validity.initialize(repeating: ~0, count: max((capacity + 63) >> 6, 1))
        offsets = .allocate(capacity: capacity + 1)
        offsets[0] = 0
        bytesCapacity = kind == .string ? max(capacity * 16, 64) : 0
        bytes = .allocate(capacity: max(bytesCapacity, 1))
    }

    deinit {
        fixed.deallocate()
        validity.deallocate()
        offsets.deallocate()
        bytes.deallocate()
    }

    var int64s: UnsafeMutablePointer<Int64> { fixed.assumingMemoryBound(to: Int64.self) }
    var doubles: UnsafeMutablePointer<Double> { fixed.assumingMemoryBound(to: Double.self) }
    var bools: UnsafeMutablePointer<UInt8> { fixed.assumingMemoryBound(to: UInt8.self) }

    /// Marks `row` NULL and gives its slot a neutral value.
    @inline(__always)
    func setNull(_ row: Int) {
        validity[row >> 6] &= ~(1 << UInt64(row & 63))
        nullCount += 1
        switch kind {
        case .boolean: bools[row] = 0
        case .double: doubles[row] = 0
        case .string: offsets[row + 1] = Int32(truncatingIfNeeded: bytesCount)
        default: int64s[row] = 0
        }
    }

    /// Appends string bytes as row `row` (rows are appended in order). The source must be
    /// readable for 8 bytes past its end (every buffer the reader parses from is padded so):
    /// short values are copied a word at a time instead of through memcpy.
    @inline(__always)
    func appendString(_ row: Int, _ p: UnsafePointer<UInt8>, _ n: Int) {
        if bytesCount + n + 8 > bytesCapacity { grow(bytesCount + n + 8) }
        let dst = bytes + bytesCount
        if n <= 32 {
            var i = 0
            while i < n {
                UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
                i &+= 8
            }
        } else {
            dst.update(from: p, count: n)
        }
        bytesCount += n
        offsets[row + 1] = Int32(truncatingIfNeeded: bytesCount)
    }

    private func grow(_ needed: Int) {
        var cap = max(bytesCapacity * 2, 64)
        while cap < needed { cap *= 2 }
        let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        nb.update(from: bytes, count: bytesCount)
        bytes.deallocate()
        bytes = nb
        bytesCapacity = cap
    }

    @inline(__always)
    func isValid(_ row: Int) -> Bool { validity[row >> 6] >> UInt64(row & 63) & 1 == 1 }

    /// Removes rows (ascending positions) by compacting what follows them; a cold path for
    /// rows dropped after parsing.
    func remove(_ rows: [Int]) {
        guard let first = rows.first else { return }
        var drop = Set(rows)
        var w = first
        var newBytes = kind == .string ? Int(offsets[first]) : 0
        for r in first..<count {
            if drop.remove(r) != nil { continue }
            let valid = isValid(r)
            switch kind {
            case .boolean: bools[w] = bools[r]
            case .string:
                let s = Int(offsets[r]), e = Int(offsets[r + 1])
                if s != newBytes { (bytes + newBytes).update(from: bytes + s, count: e - s) }
                newBytes += e - s
                offsets[w + 1] = Int32(truncatingIfNeeded: newBytes)
            default: int64s[w] = int64s[r]
            }
            if valid { validity[w >> 6] |= 1 << UInt64(w & 63) } else { validity[w >> 6] &= ~(1 << UInt64(w & 63)) }
            w += 1
        }
        for r in w..<count { validity[r >> 6] |= 1 << UInt64(r & 63) }
        if kind == .string { bytesCount = newBytes }
        count = w
        nullCount = 0
        for r in 0..<count where !isValid(r) { nullCount += 1 }
    }

    /// The rows so far as a column; the accumulator is then empty again.
    func finish() -> Column {
        let n = count
        let storage: Column.Storage
        switch kind {
        case .boolean: storage = .bool(Array(UnsafeBufferPointer(start: bools, count: n)))
        case .double: storage = .double(Array(UnsafeBufferPointer(start: doubles, count: n)))
        case .string:
            storage = .string(StringArray(offsets: Array(UnsafeBufferPointer(start: offsets, count: n + 1)),
                                          bytes: Array(UnsafeBufferPointer(start: bytes, count: bytesCount))))
        default: storage = .int64(Array(UnsafeBufferPointer(start: int64s, count: n)))
        }
        var v: Validity? = nil
        if nullCount > 0 {
            v = Validity(words: Array(UnsafeBufferPointer(start: validity, count: (n + 63) >> 6)), count: n)
            validity.update(repeating: ~0, count: (n + 63) >> 6)
        }
        count = 0
        nullCount = 0
        bytesCount = 0
        return Column(type: type, storage: storage, validity: v)
    }
}

/// A column repeating one value, built without boxing per row (partition columns).
func constantColumn(_ value: Value, type: DataType, count: Int) -> Column {
    if value.isNull { return Column.nulls(type, count: count) }
    switch (type.physical, value) {
    case (.int64, .int(let v)), (.int64, .date(let v)), (.int64, .timestamp(let v)):
        return Column(type: type, storage: .int64([Int64](repeating: v, count: count)))
    case (.double, .double(let v)):
        return Column(type: type, storage: .double([Double](repeating: v, count: count)))
    case (.double, .int(let v)):
        return Column(type: type, storage: .double([Double](repeating: Double(v), count: count)))
    case (.bool, .bool(let b)):
        return Column(type: type, storage: .bool([UInt8](repeating: b ? 1 : 0, count: count)))
    case (.string, .string(let s)):
        let b = Array(s.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(b.count * count)
        for _ in 0..<count { bytes.append(contentsOf: b) }
        let offsets = (0...count).map { Int32(truncatingIfNeeded: $0 * b.count) }
        return Column(type: type, storage: .string(StringArray(offsets: offsets, bytes: bytes)))
    default:
        return Column.constant(value, type: type, count: count)
    }
}
