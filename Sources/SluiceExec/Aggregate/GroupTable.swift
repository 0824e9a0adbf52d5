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

/// The general group index: a hash per row computed column by column, an
/// open-addressing table of group ids, and the distinct keys kept as columns; a probe
/// that meets an equal hash compares the row's values with the group's, column by column.
final class ColumnGroupTable: GroupIndex {
    private let types: [DataType]
    /// Group id + 1 per slot; 0 marks an empty slot.
    private var slots: [Int32]
    private var mask: Int
    private var hashes: [UInt64] = []
    private var stores: [KeyStore]

    /// The keys of the groups, one typed buffer per key column.
    struct KeyStore {
        var ints: [Int64] = []
        var doubles: [Double] = []
        var bools: [UInt8] = []
        var strings = StringArray()
        var nulls: [Bool] = []
        var anyNull = false
    }

    init(types: [DataType], capacity: Int = 256) {
        self.types = types
        var cap = 16
        while cap < capacity * 2 { cap <<= 1 }
        slots = [Int32](repeating: 0, count: cap)
        mask = cap - 1
        stores = types.map { _ in KeyStore() }
    }

    var groupCount: Int { hashes.count }
    var memoryBytes: Int {
        slots.count * 4 + hashes.count * 8 + stores.reduce(0) { $0 + $1.ints.count * 8 + $1.doubles.count * 8 + $1.bools.count + $1.strings.bytes.count + $1.strings.offsets.count * 4 + $1.nulls.count }
    }

    func groupIds(_ keys: [Column], count n: Int) -> [Int32] {
        let h = hashRows(keys, count: n)
        var out = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let hash = h[i]
            var s = Int(truncatingIfNeeded: hash) & mask
            while true {
                let id = slots[s]
                if id == 0 {
                    let g = Int32(hashes.count)
                    slots[s] = g + 1
                    hashes.append(hash)
                    for k in 0..<keys.count { append(keys[k], row: i, to: k) }
                    out[i] = g
                    if hashes.count * 2 > slots.count { grow() }
                    break
                }
                let g = Int(id - 1)
                if hashes[g] == hash && equal(keys, row: i, group: g) {
                    out[i] = Int32(g)
                    break
                }
                s = (s + 1) & mask
            }
        }
        return out
    }

    private func append(_ c: Column, row i: Int, to k: Int) {
        let null = c.isNull(i)
        stores[k].nulls.append(null)
        if null { stores[k].anyNull = true }
        switch c.storage {
        case .int64(let v): stores[k].ints.append(null ? 0 : v[i])
        case .double(let v): stores[k].doubles.append(null ? 0 : v[i])
        case .bool(let v): stores[k].bools.append(null ? 0 : v[i])
        case .string(let v): if null { stores[k].strings.appendEmpty() } else { stores[k].strings.append(from: v, at: i) }
        }
    }

    @inline(__always)
    private func equal(_ keys: [Column], row i: Int, group g: Int) -> Bool {
        for k in 0..<keys.count {
            let c = keys[k]
            let null = c.isNull(i)
            if null != stores[k].nulls[g] { return false }
            if null { continue }
            switch c.storage {
            case .int64(let v): if v[i] != stores[k].ints[g] { return false }
            case .double(let v):
                let a = v[i], b = stores[k].doubles[g]
                if !(a == b || (a.isNaN && b.isNaN)) { return false }
            case .bool(let v): if v[i] != stores[k].bools[g] { return false }
            case .string(let v): if !v.equals(i, stores[k].strings, g) { return false }
            }
        }
        return true
    }

    private func grow() {
        let cap = slots.count * 2
        slots = [Int32](repeating: 0, count: cap)
        mask = cap - 1
        for (g, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(g + 1)
        }
    }

    func keyColumns() -> [Column] {
        types.enumerated().map { k, t in
            let st = stores[k]
            let validity = st.anyNull ? Validity(validFlags: st.nulls.map { !$0 }) : nil
            switch t.physical {
            case .int64: return Column(type: t, storage: .int64(st.ints), validity: validity)
            case .double: return Column(type: t, storage: .double(st.doubles), validity: validity)
            case .bool: return Column(type: t, storage: .bool(st.bools), validity: validity)
            case .string: return Column(type: t, storage: .string(st.strings), validity: validity)
            }
        }
    }
}

/// A group index with no keys: every row is group 0 (a global aggregate).
final class SingleGroup: GroupIndex {
    var groupCount: Int { 1 }
    var memoryBytes: Int { 0 }
    func groupIds(_ keys: [Column], count: Int) -> [Int32] { [Int32](repeating: 0, count: count) }
    func keyColumns() -> [Column] { [] }
}
