/// `count(DISTINCT x)`, `sum(DISTINCT x)`, ...: passes each (group, value) pair to the
/// inner state only the first time it is seen. Runs in a single phase: the planner
/// gathers the rows of a DISTINCT aggregate into one task (its state is the set itself,
/// which is not merged across tasks).
///
/// For the same reason it never spills: an aggregation with a DISTINCT call keeps all of
/// its groups in memory whatever its budget (``HashAggregateOperator``).
final class DistinctAggregateState: AggregateState {
    struct Seen: Hashable {
        var group: Int32
        var value: Value
    }

    let inner: AggregateState
    var seen = Set<Seen>()

    init(inner: AggregateState) { self.inner = inner }

    func grow(to groups: Int) { inner.grow(to: groups) }
    var stateTypes: [DataType] { inner.stateTypes }
    var memoryBytes: Int { inner.memoryBytes + seen.count * 48 }

    func update(_ groups: UnsafeBufferPointer<Int32>, _ arg: Column?, count n: Int) throws {
        guard let arg else { return try inner.update(groups, nil, count: n) }
        var first: [Int32] = []
        for i in 0..<n where !arg.isNull(i) {
            var v = arg.value(at: i)
            if case .double(let d) = v { v = .double(d == 0 ? 0 : (d.isNaN ? .nan : d)) }
            if seen.insert(Seen(group: groups[i], value: v)).inserted { first.append(Int32(i)) }
        }
        if first.isEmpty { return }
        let values = arg.gather(first)
        let ids = first.map { groups[Int($0)] }
        try ids.withUnsafeBufferPointer { try inner.update($0, values, count: first.count) }
    }

    func merge(_ groups: UnsafeBufferPointer<Int32>, _ state: [Column], count: Int) throws {
        throw InternalError("a DISTINCT aggregate has no partial state to merge")
    }

    func stateColumns(range: Range<Int>) -> [Column] { inner.stateColumns(range: range) }
    func rowStates(_ arg: Column?, count: Int) -> [Column] {
        preconditionFailure("a DISTINCT aggregate never passes rows through")
    }
    func result(range: Range<Int>) -> Column { inner.result(range: range) }
    func reset() {
        inner.reset()
        seen = []
    }
}
