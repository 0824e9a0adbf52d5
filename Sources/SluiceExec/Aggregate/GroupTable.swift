/// Maps the group-key values of each row to a dense group id (0, 1, 2, ...), keeping the
/// distinct keys as columns for the aggregate's output.
protocol GroupIndex: AnyObject {
    var groupCount: Int { get }
    /// The group id of each of the `count` rows, inserting new groups as needed.
    func groupIds(_ keys: [Column], count: Int) -> [Int32]
    /// The distinct keys, in group-id order.
    func keyColumns() -> [Column]
    /// Bytes held, for the memory budget.
    var memoryBytes: Int { get }
}

/// The group index for one BIGINT-like key (the common `GROUP BY user_id`): an
/// open-addressing table whose slots hold the key beside its group id, so a probe costs
/// one cache miss; NULL is a group of its own.
final class Int64GroupTable: GroupIndex {
    struct Slot {
        var key: Int64
        /// Group id + 1; 0 marks an empty slot.
        var id: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private var keys: [Int64] = []
    private var nullGroup: Int32 = -1
    let type: DataType

    init(type: DataType, capacity: Int = 1024) {
        self.type = type
        var cap = 16
        while cap < capacity * 2 { cap <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, id: 0), count: cap)
        mask = cap - 1
    }

    var groupCount: Int { keys.count }
    var memoryBytes: Int { slots.count * MemoryLayout<Slot>.stride + keys.count * 8 }

    /// How far ahead a probe touches the slot of a later row, so that the cache misses of
    /// a table larger than the cache overlap instead of queueing.
    static let lookahead = 16

    func groupIds(_ keyCols: [Column], count n: Int) -> [Int32] {
        let col = keyCols[0]
        let values = col.int64s
        let validity = col.validity
        var out = [Int32](repeating: 0, count: n)
        var hashes = [Int](repeating: 0, count: n)
        values.withUnsafeBufferPointer { v in
            hashes.withUnsafeMutableBufferPointer { h in
                for i in 0..<n { h[i] = Int(truncatingIfNeeded: mixHash(UInt64(bitPattern: v[i]))) }
            }
        }
        var touched: Int32 = 0
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                hashes.withUnsafeBufferPointer { h in
                    var i = 0
                    while i < n {
                        if let validity, validity.isNull(i) {
                            if nullGroup < 0 {
                                nullGroup = Int32(keys.count)
                                keys.append(0)
                            }
                            o[i] = nullGroup
                            i += 1
                            continue
                        }
                        let k = v[i]
                        let mask = self.mask
                        var s = h[i] & mask
                        let ahead = i + Int64GroupTable.lookahead
                        let found: Int32 = slots.withUnsafeMutableBufferPointer { sp in
                            if ahead < n { touched &+= sp[h[ahead] & mask].id }
                            while true {
                                let slot = sp[s]
                                if slot.id == 0 {
                                    let id = Int32(keys.count)
                                    sp[s] = Slot(key: k, id: id + 1)
                                    keys.append(k)
                                    return id
                                }
                                if slot.key == k { return slot.id - 1 }
                                s = (s + 1) & mask
                            }
                        }
                        o[i] = found
                        if keys.count * 2 > slots.count { grow() }
                        i += 1
                    }
                }
            }
        }
        // Keeps the look-ahead loads from being optimized away.
        if touched == Int32.min { keys.reserveCapacity(keys.count) }
        return out
    }

    private func grow() {
        let cap = slots.count * 2
        var fresh = [Slot](repeating: Slot(key: 0, id: 0), count: cap)
        let m = cap - 1
        fresh.withUnsafeMutableBufferPointer { fp in
            for old in slots where old.id != 0 {
                var s = Int(truncatingIfNeeded: mixHash(UInt64(bitPattern: old.key))) & m
                while fp[s].id != 0 { s = (s + 1) & m }
                fp[s] = old
            }
        }
        slots = fresh
        mask = m
    }

    func keyColumns() -> [Column] {
        var validity: Validity? = nil
        if nullGroup >= 0 {
            var v = Validity(allValid: keys.count)
            v.setNull(Int(nullGroup))
            validity = v
        }
        return [Column(type: type, storage: .int64(keys), validity: validity)]
    }
}

/// The general group index: each row's keys are encoded into one byte string (a NULL
/// flag, then the value: 8 bytes for numbers, a length and the bytes for strings),
/// hashed, and compared with memcmp against the stored keys.
final class ByteKeyGroupTable: GroupIndex {
    private let types: [DataType]
    private var slots: [Int32]
    private var mask: Int
    private var hashes: [UInt64] = []
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var builders: [ColumnBuilder]
    private var rowKeys: [UInt8] = []
    private var rowOffsets: [Int] = []

    init(types: [DataType], capacity: Int = 256) {
        self.types = types
        var cap = 16
        while cap < capacity * 2 { cap <<= 1 }
        slots = [Int32](repeating: -1, count: cap)
        mask = cap - 1
        builders = types.map { ColumnBuilder(type: $0) }
    }

    var groupCount: Int { hashes.count }
    var memoryBytes: Int { slots.count * 4 + hashes.count * 16 + arena.count * 2 }

    /// Encodes row keys of a chunk into `rowKeys`/`rowOffsets`, column by column.
    private func encode(_ keys: [Column], count n: Int) {
        var lengths = [Int](repeating: 0, count: n)
        for c in keys {
            switch c.storage {
            case .bool: for i in 0..<n { lengths[i] += 2 }
            case .int64, .double: for i in 0..<n { lengths[i] += 9 }
            case .string(let s): for i in 0..<n { lengths[i] += 5 + s.length(i) }
            }
        }
        rowOffsets.removeAll(keepingCapacity: true)
        rowOffsets.reserveCapacity(n + 1)
        var total = 0
        rowOffsets.append(0)
        for i in 0..<n { total += lengths[i]; rowOffsets.append(total) }
        rowKeys.removeAll(keepingCapacity: true)
        rowKeys.append(contentsOf: repeatElement(0, count: total))
        var cursor = rowOffsets
        rowKeys.withUnsafeMutableBufferPointer { out in
            let base = UnsafeMutableRawPointer(out.baseAddress!)
            for c in keys {
                let validity = c.validity
                switch c.storage {
                case .bool(let v):
                    for i in 0..<n {
                        let null = validity?.isNull(i) ?? false
                        out[cursor[i]] = null ? 1 : 0
                        out[cursor[i] + 1] = null ? 0 : v[i]
                        cursor[i] += 2
                    }
                case .int64(let v):
                    v.withUnsafeBufferPointer { p in
                        for i in 0..<n {
                            let null = validity?.isNull(i) ?? false
                            out[cursor[i]] = null ? 1 : 0
                            base.storeBytes(of: null ? 0 : p[i], toByteOffset: cursor[i] + 1, as: Int64.self)
                            cursor[i] += 9
                        }
                    }
                case .double(let v):
                    v.withUnsafeBufferPointer { p in
                        for i in 0..<n {
                            let null = validity?.isNull(i) ?? false
                            out[cursor[i]] = null ? 1 : 0
                            // -0.0 and 0.0 group together, and every NaN with every NaN (Spark).
                            var d = null ? 0 : p[i]
                            if d == 0 { d = 0 }
                            if d.isNaN { d = .nan }
                            base.storeBytes(of: d.bitPattern, toByteOffset: cursor[i] + 1, as: UInt64.self)
                            cursor[i] += 9
                        }
                    }
                case .string(let s):
                    s.bytes.withUnsafeBufferPointer { p in
                        for i in 0..<n {
                            let null = validity?.isNull(i) ?? false
                            out[cursor[i]] = null ? 1 : 0
                            let r = s.range(i)
                            base.storeBytes(of: UInt32(r.count), toByteOffset: cursor[i] + 1, as: UInt32.self)
                            if !r.isEmpty {
                                (base + cursor[i] + 5).copyMemory(from: p.baseAddress! + r.lowerBound, byteCount: r.count)
                            }
                            cursor[i] += 5 + r.count
                        }
                    }
                }
            }
        }
    }

    func groupIds(_ keys: [Column], count n: Int) -> [Int32] {
        encode(keys, count: n)
        var out = [Int32](repeating: 0, count: n)
        var newRows: [Int] = []
        rowKeys.withUnsafeBufferPointer { rk in
            for i in 0..<n {
                let start = rowOffsets[i], len = rowOffsets[i + 1] - start
                let h = hashBytes(rk.baseAddress! + start, len)
                var s = Int(truncatingIfNeeded: h) & mask
                while true {
                    let g = slots[s]
                    if g < 0 {
                        let id = Int32(hashes.count)
                        slots[s] = id
                        hashes.append(h)
                        arena.append(contentsOf: UnsafeBufferPointer(rebasing: rk[start..<(start + len)]))
                        offsets.append(arena.count)
                        newRows.append(i)
                        out[i] = id
                        if hashes.count * 2 > slots.count { grow() }
                        break
                    }
                    if hashes[Int(g)] == h {
                        let gs = offsets[Int(g)], gl = offsets[Int(g) + 1] - gs
                        if gl == len && arena.withUnsafeBufferPointer({ memcmpBytes($0.baseAddress! + gs, rk.baseAddress! + start, len) == 0 }) {
                            out[i] = g
                            break
                        }
                    }
                    s = (s + 1) & mask
                }
            }
        }
        for (k, c) in keys.enumerated() {
            for r in newRows { builders[k].append(from: c, at: r) }
        }
        return out
    }

    private func grow() {
        let cap = slots.count * 2
        slots = [Int32](repeating: -1, count: cap)
        mask = cap - 1
        for (g, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(g)
        }
    }

    func keyColumns() -> [Column] { builders.map { $0.finish() } }
}

/// A group index with no keys: every row is group 0 (a global aggregate).
final class SingleGroup: GroupIndex {
    var groupCount: Int { 1 }
    var memoryBytes: Int { 0 }
    func groupIds(_ keys: [Column], count: Int) -> [Int32] { [Int32](repeating: 0, count: count) }
    func keyColumns() -> [Column] { [] }
}
