/// Maps the group-key values of each row to a dense group id (0, 1, 2, ...), keeping the
/// distinct keys as columns for the aggregate's output.
protocol GroupIndex: AnyObject {
    var groupCount: Int { get }
    /// The group id of each of the `count` rows, inserting new groups as needed.
    func groupIds(_ keys: [Column], count: Int) -> [Int32]
    /// The keys of groups `range`, in group-id order; a NULL key's slot holds 0 (or the
    /// empty string), so equal keys hash alike (``hashGroupKeys(_:count:)``).
    func keyColumns(range: Range<Int>) -> [Column]
    /// Bytes held, for the memory budget.
    var memoryBytes: Int { get }
}

extension GroupIndex {
    /// The distinct keys, in group-id order.
    func keyColumns() -> [Column] { keyColumns(range: 0..<groupCount) }
}

enum GroupIndexes {
    /// The index for keys of `types`: ``SingleGroup`` for none, ``Int64GroupTable`` for one
    /// BIGINT-like key, else ``ColumnGroupTable``. `capacity` is the number of groups the
    /// table starts with room for (nil: the table's own default).
    static func make(_ types: [DataType], capacity: Int? = nil) -> GroupIndex {
        if types.isEmpty { return SingleGroup() }
        if types.count == 1 && types[0].physical == .int64 {
            return capacity.map { Int64GroupTable(type: types[0], capacity: $0) } ?? Int64GroupTable(type: types[0])
        }
        return capacity.map { ColumnGroupTable(types: types, capacity: $0) } ?? ColumnGroupTable(types: types)
    }
}

/// ``hashRows(_:count:)`` of key columns whose NULL rows' slots are first set to 0 (or
/// the empty string): `hashRows` mixes the slot's value into a NULL's hash, and a kernel
/// may leave anything there (`a + b` with `a` NULL holds `b`), so NULL keys would hash
/// apart and split into several groups.
func hashGroupKeys(_ keys: [Column], count n: Int) -> [UInt64] {
    guard keys.contains(where: { $0.validity != nil }) else { return hashRows(keys, count: n) }
    return hashRows(keys.map { $0.validity == nil ? $0 : zeroingNullSlots($0, count: n) }, count: n)
}

/// `c` with the slot of every NULL row set to 0 (or the empty string).
func zeroingNullSlots(_ c: Column, count n: Int) -> Column {
    guard let validity = c.validity else { return c }
    switch c.storage {
    case .int64(var v):
        v.withUnsafeMutableBufferPointer { p in for i in 0..<n where validity.isNull(i) { p[i] = 0 } }
        return Column(type: c.type, storage: .int64(v), validity: validity)
    case .double(var v):
        v.withUnsafeMutableBufferPointer { p in for i in 0..<n where validity.isNull(i) { p[i] = 0 } }
        return Column(type: c.type, storage: .double(v), validity: validity)
    case .bool(var v):
        v.withUnsafeMutableBufferPointer { p in for i in 0..<n where validity.isNull(i) { p[i] = 0 } }
        return Column(type: c.type, storage: .bool(v), validity: validity)
    case .string(let s):
        var out = StringArray(reservingRows: n, bytes: s.bytes.count)
        for i in 0..<n {
            if validity.isNull(i) { out.appendEmpty() } else { out.append(from: s, at: i) }
        }
        return Column(type: c.type, storage: .string(out), validity: validity)
    }
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

    func keyColumns(range: Range<Int>) -> [Column] {
        var validity: Validity? = nil
        if nullGroup >= 0 && range.contains(Int(nullGroup)) {
            var v = Validity(allValid: range.count)
            v.setNull(Int(nullGroup) - range.lowerBound)
            validity = v
        }
        let values = range.count == keys.count ? keys : Array(keys[range])
        return [Column(type: type, storage: .int64(values), validity: validity)]
    }
}

/// A growable buffer of plain values in manually managed memory, so that hot loops read
/// and append without reference counting.
final class RawBuffer<T> {
    private(set) var base: UnsafeMutablePointer<T>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func append(_ v: T) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: v)
        count += 1
    }

    func append(_ p: UnsafePointer<T>, count n: Int) {
        if count + n > capacity { grow(to: max(capacity * 2, count + n)) }
        (base + count).initialize(from: p, count: n)
        count += n
    }

    private func grow(to newCapacity: Int) {
        let fresh = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        fresh.moveInitialize(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    var array: [T] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// The keys of one column of a ``ColumnGroupTable``, one slot per group.
final class KeyStore {
    let physical: PhysicalType
    let fixed = RawBuffer<UInt64>()
    let bytes = RawBuffer<UInt8>()
    let offsets = RawBuffer<Int32>()
    let nulls = RawBuffer<UInt8>()
    var anyNull = false

    init(_ physical: PhysicalType) {
        self.physical = physical
        if physical == .string { offsets.append(0) }
    }
}

/// One key column of the chunk being grouped, as raw pointers valid for one call.
struct KeyView {
    let physical: PhysicalType
    let fixed: UnsafePointer<UInt64>?
    let bools: UnsafePointer<UInt8>?
    let bytes: UnsafePointer<UInt8>?
    let offsets: UnsafePointer<Int32>?
    let validity: UnsafePointer<UInt64>?

    @inline(__always) func isNull(_ i: Int) -> Bool {
        guard let validity else { return false }
        return (validity[i >> 6] >> UInt64(i & 63)) & 1 == 0
    }
}

/// The general group index: a hash per row computed column by column, an
/// open-addressing table of group ids, and the distinct keys kept column by column; a
/// probe that meets an equal hash compares the row's values with the group's.
final class ColumnGroupTable: GroupIndex {
    private let types: [DataType]
    /// Group id + 1 per slot; 0 marks an empty slot.
    private var slots: [Int32]
    private var mask: Int
    private let hashes = RawBuffer<UInt64>()
    private let stores: [KeyStore]

    init(types: [DataType], capacity: Int = 256) {
        self.types = types
        var cap = 16
        while cap < capacity * 2 { cap <<= 1 }
        slots = [Int32](repeating: 0, count: cap)
        mask = cap - 1
        stores = types.map { KeyStore($0.physical) }
    }

    var groupCount: Int { hashes.count }
    var memoryBytes: Int {
        slots.count * 4 + hashes.count * 8 + stores.reduce(0) { $0 + $1.fixed.count * 8 + $1.bytes.count + $1.offsets.count * 4 + $1.nulls.count }
    }

    func groupIds(_ keys: [Column], count n: Int) -> [Int32] {
        let h = hashGroupKeys(keys, count: n)
        var out = [Int32](repeating: 0, count: n)
        // Raw views of the key columns, kept alive (and unmutated) for this call.
        return withExtendedLifetime(keys) {
            let views = keys.map(ColumnGroupTable.view)
            out.withUnsafeMutableBufferPointer { o in
                h.withUnsafeBufferPointer { hp in
                    for i in 0..<n {
                        let hash = hp[i]
                        var s = Int(truncatingIfNeeded: hash) & mask
                        while true {
                            let id = slots[s]
                            if id == 0 {
                                let g = Int32(hashes.count)
                                slots[s] = g + 1
                                hashes.append(hash)
                                for k in 0..<views.count { append(views[k], row: i, to: stores[k]) }
                                o[i] = g
                                if hashes.count * 2 > slots.count { grow() }
                                break
                            }
                            let g = Int(id - 1)
                            if hashes.base[g] == hash && equal(views, row: i, group: g) {
                                o[i] = Int32(g)
                                break
                            }
                            s = (s + 1) & mask
                        }
                    }
                }
            }
            return out
        }
    }

    /// Pointers into a column's buffers; valid while the column is alive and unchanged.
    private static func view(_ c: Column) -> KeyView {
        let validity = c.validity?.words.withUnsafeBufferPointer { $0.baseAddress }
        switch c.storage {
        case .int64(let v):
            return KeyView(physical: .int64, fixed: v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: UInt64.self) }, bools: nil, bytes: nil, offsets: nil, validity: validity)
        case .double(let v):
            return KeyView(physical: .double, fixed: v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: UInt64.self) }, bools: nil, bytes: nil, offsets: nil, validity: validity)
        case .bool(let v):
            return KeyView(physical: .bool, fixed: nil, bools: v.withUnsafeBufferPointer { $0.baseAddress }, bytes: nil, offsets: nil, validity: validity)
        case .string(let s):
            return KeyView(physical: .string, fixed: nil, bools: nil, bytes: s.bytes.withUnsafeBufferPointer { $0.baseAddress }, offsets: s.offsets.withUnsafeBufferPointer { $0.baseAddress }, validity: validity)
        }
    }

    @inline(__always)
    private func append(_ v: KeyView, row i: Int, to store: KeyStore) {
        let null = v.isNull(i)
        store.nulls.append(null ? 1 : 0)
        if null { store.anyNull = true }
        switch v.physical {
        case .int64, .double: store.fixed.append(null ? 0 : v.fixed![i])
        case .bool: store.fixed.append(null ? 0 : UInt64(v.bools![i]))
        case .string:
            if !null {
                let start = Int(v.offsets![i]), len = Int(v.offsets![i + 1]) - start
                if len > 0 { store.bytes.append(v.bytes! + start, count: len) }
            }
            store.offsets.append(Int32(truncatingIfNeeded: store.bytes.count))
        }
    }

    @inline(__always)
    private func equal(_ views: [KeyView], row i: Int, group g: Int) -> Bool {
        for k in 0..<views.count {
            let v = views[k], store = stores[k]
            let null = v.isNull(i)
            if null != (store.nulls.base[g] != 0) { return false }
            if null { continue }
            switch v.physical {
            case .int64: if v.fixed![i] != store.fixed.base[g] { return false }
            case .double:
                let a = Double(bitPattern: v.fixed![i]), b = Double(bitPattern: store.fixed.base[g])
                if !(a == b || (a.isNaN && b.isNaN)) { return false }
            case .bool: if UInt64(v.bools![i]) != store.fixed.base[g] { return false }
            case .string:
                let start = Int(v.offsets![i]), len = Int(v.offsets![i + 1]) - start
                let gs = Int(store.offsets.base[g]), gl = Int(store.offsets.base[g + 1]) - gs
                if len != gl { return false }
                if len > 0 && memcmpBytes(v.bytes! + start, store.bytes.base + gs, len) != 0 { return false }
            }
        }
        return true
    }

    private func grow() {
        let cap = slots.count * 2
        slots = [Int32](repeating: 0, count: cap)
        mask = cap - 1
        for g in 0..<hashes.count {
            var s = Int(truncatingIfNeeded: hashes.base[g]) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(g + 1)
        }
    }

    func keyColumns(range: Range<Int>) -> [Column] {
        let lo = range.lowerBound, n = range.count
        return types.enumerated().map { k, t in
            let st = stores[k]
            var validity: Validity? = nil
            if st.anyNull {
                var v = Validity(allValid: n)
                for i in 0..<n where st.nulls.base[lo + i] != 0 { v.setNull(i) }
                validity = v
            }
            switch t.physical {
            case .int64:
                return Column(type: t, storage: .int64(Self.copy(st.fixed.base + lo, n, as: Int64.self)), validity: validity)
            case .double:
                return Column(type: t, storage: .double(Self.copy(st.fixed.base + lo, n, as: Double.self)), validity: validity)
            case .bool:
                let fixed = st.fixed.base + lo
                return Column(type: t, storage: .bool((0..<n).map { UInt8(truncatingIfNeeded: fixed[$0]) }), validity: validity)
            case .string:
                let first = st.offsets.base[lo], last = st.offsets.base[lo + n]
                let offsets = [Int32](unsafeUninitializedCapacity: n + 1) { buf, done in
                    for i in 0...n { buf[i] = st.offsets.base[lo + i] - first }
                    done = n + 1
                }
                let bytes = Array(UnsafeBufferPointer(start: st.bytes.base + Int(first), count: Int(last - first)))
                return Column(type: t, storage: .string(StringArray(offsets: offsets, bytes: bytes)), validity: validity)
            }
        }
    }

    /// `n` stored 8-byte keys reinterpreted as `T` (Int64 or Double bit patterns).
    private static func copy<T>(_ p: UnsafePointer<UInt64>, _ n: Int, as: T.Type) -> [T] {
        [T](unsafeUninitializedCapacity: n) { buf, done in
            if n > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: p, byteCount: n * 8) }
            done = n
        }
    }
}

/// A group index with no keys: every row is group 0 (a global aggregate).
final class SingleGroup: GroupIndex {
    var groupCount: Int { 1 }
    var memoryBytes: Int { 0 }
    func groupIds(_ keys: [Column], count: Int) -> [Int32] { [Int32](repeating: 0, count: count) }
    func keyColumns(range: Range<Int>) -> [Column] { [] }
}
