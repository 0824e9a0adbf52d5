/// The running state of one aggregate call for every group, in columnar arrays indexed
/// by group id (DataFusion's `GroupsAccumulator`): update from input rows, emit the
/// partial state, merge partial states, evaluate the final value.
///
/// ```
///  map task:    update(rows) ... update(rows) ─> state columns ─┐ shuffle by key
///  reduce task: merge(state) ... merge(state) ─> result column <┘
/// ```
///
/// An aggregation over its memory budget also writes state columns to spill files and
/// merges them back later, then ``reset()``s the state to start an empty table.
protocol AggregateState: AnyObject {
    /// Makes room for groups `0 ..< groups`.
    func grow(to groups: Int)
    /// Folds `count` input rows into their groups; `arg` is nil for `count(*)`.
    func update(_ groups: UnsafeBufferPointer<Int32>, _ arg: Column?, count: Int) throws
    /// Folds partial states (the columns `stateColumns()` produced elsewhere).
    func merge(_ groups: UnsafeBufferPointer<Int32>, _ state: [Column], count: Int) throws
    /// How many columns the partial state takes, and their types.
    var stateTypes: [DataType] { get }
    /// The partial state of groups `range` (grown into already), as `stateTypes` columns.
    func stateColumns(range: Range<Int>) -> [Column]
    /// The final value of groups `range`.
    func result(range: Range<Int>) -> Column
    /// Bytes held, for the memory budget.
    var memoryBytes: Int { get }
    /// The partial state of each input row as its own group, for a partial aggregation
    /// that has stopped grouping because almost every row is a new group.
    func rowStates(_ arg: Column?, count: Int) -> [Column]
    /// Forgets every group (after they were emitted or spilled); arrays keep their capacity
    /// for the groups that follow.
    func reset()
}

extension AggregateState {
    func stateColumns(groups: Int) -> [Column] { stateColumns(range: 0..<groups) }
    func result(groups: Int) -> Column { result(range: 0..<groups) }
}

extension Array {
    /// Appends `value` until the array holds `count` elements, in one bulk copy (appending
    /// a `repeatElement` goes element by element, slowest in a generic state).
    fileprivate mutating func pad(to count: Int, with value: Element) {
        if self.count < count { append(contentsOf: [Element](repeating: value, count: count - self.count)) }
    }
}

enum AggregateStates {
    /// The state for one call, by function and argument type.
    static func make(_ call: AggregateCall) -> AggregateState {
        if call.distinct {
            var plain = call
            plain.distinct = false
            return DistinctAggregateState(inner: make(plain))
        }
        switch call.function {
        case .countStar, .count: return CountState()
        case .sum:
            return call.type == .double ? SumDoubleState() : SumIntegerState()
        case .avg: return AvgState()
        case .min, .max:
            let isMin = call.function == .min
            switch call.type.physical {
            case .int64: return MinMaxState<Int64>(type: call.type, isMin: isMin)
            case .double: return MinMaxState<Double>(type: call.type, isMin: isMin)
            case .bool: return MinMaxState<UInt8>(type: call.type, isMin: isMin)
            case .string: return MinMaxStringState(isMin: isMin)
            }
        }
    }
}

final class CountState: AggregateState {
    var counts: [Int64] = []
    func grow(to groups: Int) { counts.pad(to: groups, with: 0) }
    var stateTypes: [DataType] { [.bigint] }
    var memoryBytes: Int { counts.count * 8 }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ arg: Column?, count n: Int) throws {
        counts.withUnsafeMutableBufferPointer { c in
            if let v = arg?.validity {
                for i in 0..<n where v.isValid(i) { c[Int(groups[i])] += 1 }
            } else {
                for i in 0..<n { c[Int(groups[i])] += 1 }
            }
        }
    }

    func merge(_ groups: UnsafeBufferPointer<Int32>, _ state: [Column], count n: Int) throws {
        let s = state[0].int64s
        counts.withUnsafeMutableBufferPointer { c in
            for i in 0..<n { c[Int(groups[i])] += s[i] }
        }
    }

    func stateColumns(range: Range<Int>) -> [Column] { [result(range: range)] }
    func result(range: Range<Int>) -> Column { Column(type: .bigint, storage: .int64(Array(counts[range]))) }
    func reset() { counts.removeAll(keepingCapacity: true) }
    func rowStates(_ arg: Column?, count n: Int) -> [Column] {
        var ones = [Int64](repeating: 1, count: n)
        if let v = arg?.validity { for i in 0..<n where v.isNull(i) { ones[i] = 0 } }
        return [Column(type: .bigint, storage: .int64(ones))]
    }
}

/// Validity flags per group: whether any non-NULL value was folded in.
struct SeenFlags {
    var seen: [UInt8] = []
    mutating func grow(to groups: Int) { seen.pad(to: groups, with: 0) }
    mutating func reset() { seen.removeAll(keepingCapacity: true) }
    /// The validity of groups `range`: NULL where no value was seen.
    func validity(_ range: Range<Int>) -> Validity? {
        var v = Validity(allValid: range.count)
        let base = range.lowerBound
        seen.withUnsafeBufferPointer { s in
            for g in range where s[g] == 0 { v.setNull(g - base) }
        }
        return v.normalized
    }
}

final class SumIntegerState: AggregateState {
    var sums: [Int64] = []
    var flags = SeenFlags()
    func grow(to groups: Int) {
        sums.pad(to: groups, with: 0)
        flags.grow(to: groups)
    }
    var stateTypes: [DataType] { [.bigint] }
    var memoryBytes: Int { sums.count * 9 }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ arg: Column?, count n: Int) throws {
        let col = arg!
        let xs = col.int64s
        var bad = -1
        sums.withUnsafeMutableBufferPointer { s in
            flags.seen.withUnsafeMutableBufferPointer { seen in
                xs.withUnsafeBufferPointer { x in
                    for i in 0..<n {
                        if let v = col.validity, v.isNull(i) { continue }
                        let g = Int(groups[i])
                        let (r, o) = s[g].addingReportingOverflow(x[i])
                        if o { bad = i; return }
                        s[g] = r
                        seen[g] = 1
                    }
                }
            }
        }
        if bad >= 0 { throw EvalError(.arithmeticOverflow(typeName: "long", tryFunction: "try_sum"), row: bad) }
    }

    func merge(_ groups: UnsafeBufferPointer<Int32>, _ state: [Column], count n: Int) throws {
        try update(groups, state[0], count: n)
    }

    func stateColumns(range: Range<Int>) -> [Column] { [result(range: range)] }
    func result(range: Range<Int>) -> Column {
        Column(type: .bigint, storage: .int64(Array(sums[range])), validity: flags.validity(range))
    }
    func reset() {
        sums.removeAll(keepingCapacity: true)
        flags.reset()
    }
    func rowStates(_ arg: Column?, count: Int) -> [Column] { [arg!.retyped(.bigint)] }
}

final class SumDoubleState: AggregateState {
    var sums: [Double] = []
    var flags = SeenFlags()
    func grow(to groups: Int) {
        sums.pad(to: groups, with: 0)
        flags.grow(to: groups)
    }
    var stateTypes: [DataType] { [.double] }
    var memoryBytes: Int { sums.count * 9 }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ arg: Column?, count n: Int) throws {
        let col = arg!
        let xs = col.doubles
        sums.withUnsafeMutableBufferPointer { s in
            flags.seen.withUnsafeMutableBufferPointer { seen in
                xs.withUnsafeBufferPointer { x in
                    if let v = col.validity {
                        for i in 0..<n where v.isValid(i) {
                            let g = Int(groups[i])
                            s[g] += x[i]
                            seen[g] = 1
                        }
                    } else {
                        for i in 0..<n {
                            let g = Int(groups[i])
                            s[g] += x[i]
                            seen[g] = 1
                        }
                    }
                }
            }
        }
    }

    func merge(_ groups: UnsafeBufferPointer<Int32>, _ state: [Column], count n: Int) throws {
        try update(groups, state[0], count: n)
    }

    func stateColumns(range: Range<Int>) -> [Column] { [result(range: range)] }
    func result(range: Range<Int>) -> Column {
        Column(type: .double, storage: .double(Array(sums[range])), validity: flags.validity(range))
    }
    func reset() {
        sums.removeAll(keepingCapacity: true)
        flags.reset()
    }
    func rowStates(_ arg: Column?, count: Int) -> [Column] { [arg!] }
}

/// `avg`: a DOUBLE sum and a count (Spark's `Average` sums in DOUBLE).
final class AvgState: AggregateState {
    var sums: [Double] = []
    var counts: [Int64] = []
    func grow(to groups: Int) {
        sums.pad(to: groups, with: 0)
        counts.pad(to: groups, with: 0)
    }
    var stateTypes: [DataType] { [.double, .bigint] }
    var memoryBytes: Int { sums.count * 16 }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ arg: Column?, count n: Int) throws {
        let col = arg!
        let validity = col.validity
        sums.withUnsafeMutableBufferPointer { s in
            counts.withUnsafeMutableBufferPointer { c in
                switch col.storage {
                case .double(let xs):
                    xs.withUnsafeBufferPointer { x in
                        for i in 0..<n where validity?.isValid(i) ?? true {
                            let g = Int(groups[i]); s[g] += x[i]; c[g] += 1
                        }
                    }
                case .int64(let xs):
                    xs.withUnsafeBufferPointer { x in
                        for i in 0..<n where validity?.isValid(i) ?? true {
                            let g = Int(groups[i]); s[g] += Double(x[i]); c[g] += 1
                        }
                    }
                default: break
                }
            }
        }
    }

    func merge(_ groups: UnsafeBufferPointer<Int32>, _ state: [Column], count n: Int) throws {
        let ss = state[0].doubles, cs = state[1].int64s
        for i in 0..<n {
            let g = Int(groups[i])
            sums[g] += ss[i]
            counts[g] += cs[i]
        }
    }

    func stateColumns(range: Range<Int>) -> [Column] {
        [Column(type: .double, storage: .double(Array(sums[range]))), Column(type: .bigint, storage: .int64(Array(counts[range])))]
    }

    func reset() {
        sums.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
    }

    func rowStates(_ arg: Column?, count n: Int) -> [Column] {
        let col = arg!
        var sums = [Double](repeating: 0, count: n)
        var counts = [Int64](repeating: 1, count: n)
        switch col.storage {
        case .double(let xs): for i in 0..<n { sums[i] = xs[i] }
        case .int64(let xs): for i in 0..<n { sums[i] = Double(xs[i]) }
        default: break
        }
        if let v = col.validity { for i in 0..<n where v.isNull(i) { sums[i] = 0; counts[i] = 0 } }
        return [Column(type: .double, storage: .double(sums)), Column(type: .bigint, storage: .int64(counts))]
    }

    func result(range: Range<Int>) -> Column {
        let base = range.lowerBound
        var out = [Double](repeating: 0, count: range.count)
        var v = Validity(allValid: range.count)
        for g in range {
            if counts[g] == 0 { v.setNull(g - base) } else { out[g - base] = sums[g] / Double(counts[g]) }
        }
        return Column(type: .double, storage: .double(out), validity: v)
    }
}

/// Values `min`/`max` can keep in a fixed-width array.
protocol MinMaxValue: Comparable {
    static var zero: Self { get }
    static func values(_ c: Column) -> [Self]
    static func column(_ v: [Self], type: DataType, validity: Validity?) -> Column
    /// Spark's order (NaN above every double).
    static func less(_ a: Self, _ b: Self) -> Bool
}

extension Int64: MinMaxValue {
    static var zero: Int64 { 0 }
    static func values(_ c: Column) -> [Int64] { c.int64s }
    static func column(_ v: [Int64], type: DataType, validity: Validity?) -> Column { Column(type: type, storage: .int64(v), validity: validity) }
    @inline(__always) static func less(_ a: Int64, _ b: Int64) -> Bool { a < b }
}

extension Double: MinMaxValue {
    static var zero: Double { 0 }
    static func values(_ c: Column) -> [Double] { c.doubles }
    static func column(_ v: [Double], type: DataType, validity: Validity?) -> Column { Column(type: type, storage: .double(v), validity: validity) }
    @inline(__always) static func less(_ a: Double, _ b: Double) -> Bool { a < b || (b.isNaN && !a.isNaN) }
}

extension UInt8: MinMaxValue {
    static var zero: UInt8 { 0 }
    static func values(_ c: Column) -> [UInt8] { c.bools }
    static func column(_ v: [UInt8], type: DataType, validity: Validity?) -> Column { Column(type: type, storage: .bool(v), validity: validity) }
    @inline(__always) static func less(_ a: UInt8, _ b: UInt8) -> Bool { a < b }
}

final class MinMaxState<T: MinMaxValue>: AggregateState {
    let type: DataType
    let isMin: Bool
    var best: [T] = []
    var flags = SeenFlags()

    init(type: DataType, isMin: Bool) {
        self.type = type
        self.isMin = isMin
    }

    func grow(to groups: Int) {
        best.pad(to: groups, with: T.zero)
        flags.grow(to: groups)
    }
    var stateTypes: [DataType] { [type] }
    var memoryBytes: Int { best.count * (MemoryLayout<T>.stride + 1) }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ arg: Column?, count n: Int) throws {
        let col = arg!
        let xs = T.values(col)
        let validity = col.validity
        let isMin = self.isMin
        best.withUnsafeMutableBufferPointer { b in
            flags.seen.withUnsafeMutableBufferPointer { seen in
                xs.withUnsafeBufferPointer { x in
                    for i in 0..<n where validity?.isValid(i) ?? true {
                        let g = Int(groups[i])
                        let v = x[i]
                        if seen[g] == 0 || (isMin ? T.less(v, b[g]) : T.less(b[g], v)) {
                            b[g] = v
                            seen[g] = 1
                        }
                    }
                }
            }
        }
    }

    func merge(_ groups: UnsafeBufferPointer<Int32>, _ state: [Column], count n: Int) throws {
        try update(groups, state[0], count: n)
    }

    func stateColumns(range: Range<Int>) -> [Column] { [result(range: range)] }
    func result(range: Range<Int>) -> Column {
        T.column(Array(best[range]), type: type, validity: flags.validity(range))
    }
    func reset() {
        best.removeAll(keepingCapacity: true)
        flags.reset()
    }
    func rowStates(_ arg: Column?, count: Int) -> [Column] { [arg!] }
}

/// `min`/`max` of strings: the best value of each group kept as a range of an
/// append-only byte arena. A value that is beaten stays in the arena as garbage until the
/// arena is more than twice the live values, when it is compacted (so memory tracks the
/// live values, which the memory budget counts).
final class MinMaxStringState: AggregateState {
    let isMin: Bool
    var starts: [Int] = []
    var lengths: [Int] = []
    var arena: [UInt8] = []
    /// Bytes of the arena that are some group's current value.
    var liveBytes = 0
    var flags = SeenFlags()

    init(isMin: Bool) { self.isMin = isMin }

    func grow(to groups: Int) {
        starts.pad(to: groups, with: 0)
        lengths.pad(to: groups, with: 0)
        flags.grow(to: groups)
    }
    var stateTypes: [DataType] { [.string] }
    var memoryBytes: Int { starts.count * 17 + arena.count }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ arg: Column?, count n: Int) throws {
        let col = arg!
        let s = col.strings
        let validity = col.validity
        s.bytes.withUnsafeBufferPointer { p in
            for i in 0..<n where validity?.isValid(i) ?? true {
                let g = Int(groups[i])
                let r = s.range(i)
                let seen = flags.seen[g] != 0
                var better = !seen
                if !better {
                    let c: Int = arena.withUnsafeBufferPointer { a in
                        let m = min(r.count, lengths[g])
                        let x = m == 0 ? 0 : memcmpBytes(p.baseAddress! + r.lowerBound, a.baseAddress! + starts[g], m)
                        return x != 0 ? x : (r.count == lengths[g] ? 0 : (r.count < lengths[g] ? -1 : 1))
                    }
                    better = isMin ? c < 0 : c > 0
                }
                if better {
                    liveBytes += r.count - (seen ? lengths[g] : 0)
                    starts[g] = arena.count
                    lengths[g] = r.count
                    arena.append(contentsOf: UnsafeBufferPointer(rebasing: p[r]))
                    flags.seen[g] = 1
                }
            }
        }
        if arena.count > 4096 && arena.count > 2 * liveBytes { compact() }
    }

    /// Copies the live values into a fresh arena, dropping the beaten ones.
    private func compact() {
        var fresh = [UInt8]()
        fresh.reserveCapacity(liveBytes)
        arena.withUnsafeBufferPointer { a in
            for g in 0..<starts.count where flags.seen[g] != 0 {
                let start = starts[g]
                starts[g] = fresh.count
                fresh.append(contentsOf: UnsafeBufferPointer(rebasing: a[start..<(start + lengths[g])]))
            }
        }
        arena = fresh
    }

    func merge(_ groups: UnsafeBufferPointer<Int32>, _ state: [Column], count n: Int) throws {
        try update(groups, state[0], count: n)
    }

    func stateColumns(range: Range<Int>) -> [Column] { [result(range: range)] }
    func rowStates(_ arg: Column?, count: Int) -> [Column] { [arg!] }
    func result(range: Range<Int>) -> Column {
        var bytes = 0
        for g in range where flags.seen[g] != 0 { bytes += lengths[g] }
        var out = StringArray(reservingRows: range.count, bytes: bytes)
        arena.withUnsafeBufferPointer { a in
            for g in range {
                if flags.seen[g] == 0 { out.appendEmpty() } else { out.append(bytes: UnsafeBufferPointer(rebasing: a[starts[g]..<(starts[g] + lengths[g])])) }
            }
        }
        return Column(type: .string, storage: .string(out), validity: flags.validity(range))
    }

    func reset() {
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        liveBytes = 0
        flags.reset()
    }
}
