/// Which phase of a two-phase aggregation an operator runs.
public enum AggregateMode: String, Sendable, Hashable, Codable {
    /// Input rows in, partial states out (before the shuffle).
    case partial
    /// Partial states in (keys first, then each call's state columns), results out.
    case final
    /// Input rows in, results out (no shuffle in between).
    case single
}

/// Hash aggregation: group ids from a ``GroupIndex``, one ``AggregateState`` per call.
/// Output: the group keys, then one column per call (results) or per state column
/// (partial). A global aggregate (no keys) produces exactly one row even on no input.
///
/// Given a ``SpillContext``, the table stays within the context's budget (checked after
/// each input chunk, so it can overshoot by one chunk's worth of groups):
///
/// ```
///  partial:        over budget ─> send the partial states on, start an empty table
///  final, single:  over budget ─> partial states ─> 16 spill files by key hash ─> empty table
///                  finish      ─> spill the rest; per file: merge ─> results ─> delete
///                                  (a file still too big is split again, by other hash bits)
/// ```
///
/// Exceptions: a global aggregate holds one group and never spills; an aggregation with
/// a DISTINCT call never spills either (its value sets are not partial states that could
/// be merged back), and keeps all of its groups in memory.
public final class HashAggregateOperator: ChunkConsumer {
    let keyPrograms: [ExpressionProgram]
    let argPrograms: [ExpressionProgram?]
    let calls: [AggregateCall]
    let mode: AggregateMode
    let downstream: ChunkConsumer
    var groups: GroupIndex
    let states: [AggregateState]
    let keyTypes: [DataType]
    /// Rows consumed so far, to judge whether partial grouping pays.
    var rowsSeen = 0
    /// Groups a partial aggregation already sent on to stay within its budget.
    var groupsSent = 0
    /// A partial aggregation that found nearly every row a new group stops grouping and
    /// passes each row on as its own partial state; the final phase groups them once
    /// (Trino's adaptive partial aggregation), instead of every map task building a
    /// table as large as its input.
    var passThrough = false
    static let passThroughCheckRows = 1 << 17
    /// The budget and scratch space; nil keeps every group in memory.
    let spill: SpillContext?
    /// Whether the table is kept within `spill`'s budget (not for a global or DISTINCT aggregate).
    let spillable: Bool
    /// Groups a fresh table starts with room for (small under a small budget).
    let tableCapacity: Int?
    /// The first level of grace-hash partitions, once a final or single aggregation spilled.
    var partitions: GraceHashPartitions?
    /// Set when downstream wants no more rows.
    var stopped = false

    public init(keys: [Expression], aggregates: [AggregateCall], mode: AggregateMode, downstream: ChunkConsumer, spill: SpillContext? = nil) throws {
        self.calls = aggregates
        self.mode = mode
        self.downstream = downstream
        if mode == .final {
            // Keys are the first columns of the partial states.
            keyPrograms = try keys.enumerated().map { try ExpressionProgram(.column($0.offset, $0.element.type, name: "k\($0.offset)")) }
        } else {
            keyPrograms = try keys.map { try ExpressionProgram($0) }
        }
        argPrograms = try aggregates.map { call in try call.argument.map { try ExpressionProgram($0) } }
        let keyTypes = keys.map(\.type)
        self.keyTypes = keyTypes
        self.spill = spill
        spillable = spill != nil && !keyTypes.isEmpty && !aggregates.contains(where: \.distinct)
        // A slot costs 4 to 16 bytes and a table keeps twice as many slots as groups.
        tableCapacity = spillable ? min(max(spill!.budgetBytes / 64, 16), 1024) : nil
        groups = GroupIndexes.make(keyTypes, capacity: tableCapacity)
        states = aggregates.map { AggregateStates.make($0) }
        if keyTypes.isEmpty { for s in states { s.grow(to: 1) } }
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        if stopped { return false }
        let n = chunk.count
        if n == 0 { return true }
        let keys = try keyPrograms.map { try $0.evaluate(chunk) }
        if passThrough { return try passOn(chunk, keys: keys) }
        rowsSeen += n
        if mode == .partial && !keyTypes.isEmpty && rowsSeen >= HashAggregateOperator.passThroughCheckRows
            && (groupsSent + groups.groupCount) * 2 > rowsSeen && !calls.contains(where: \.distinct) {
            // The groups gathered so far go on as they are; every later row passes through.
            if !(try emitGroups()) {
                stopped = true
                return false
            }
            resetTable()
            passThrough = true
            return try passOn(chunk, keys: keys)
        }
        if mode == .final {
            try mergeStates(chunk, keys: keys)
        } else {
            let ids = groups.groupIds(keys, count: n)
            let groupCount = groups.groupCount
            do {
                try ids.withUnsafeBufferPointer { g in
                    for (k, s) in states.enumerated() {
                        s.grow(to: groupCount)
                        let arg = try argPrograms[k]?.evaluate(chunk)
                        try s.update(g, arg, count: n)
                    }
                }
            } catch let e as EvalError {
                throw ExecError(e.kind, position: chunk.origin?.position(ofRow: e.row))
            }
        }
        if spillable && memoryBytes > spill!.budgetBytes { try relieveMemory() }
        return !stopped
    }

    /// Folds partial states (keys, then each call's state columns) into the table.
    func mergeStates(_ chunk: Chunk, keys: [Column]) throws {
        let n = chunk.count
        let ids = groups.groupIds(keys, count: n)
        let groupCount = groups.groupCount
        do {
            try ids.withUnsafeBufferPointer { g in
                var col = keys.count
                for s in states {
                    s.grow(to: groupCount)
                    let width = s.stateTypes.count
                    try s.merge(g, Array(chunk.columns[col..<(col + width)]), count: n)
                    col += width
                }
            }
        } catch let e as EvalError {
            throw ExecError(e.kind, position: chunk.origin?.position(ofRow: e.row))
        }
    }

    /// Bytes the table holds: the group index and every call's state.
    var memoryBytes: Int {
        var bytes = groups.memoryBytes
        for s in states { bytes += s.memoryBytes }
        return bytes
    }

    /// Sends each row on as a group of its own (partial mode, after grouping stopped paying).
    private func passOn(_ chunk: Chunk, keys: [Column]) throws -> Bool {
        var columns = keys
        do {
            for (k, s) in states.enumerated() {
                let arg = try argPrograms[k]?.evaluate(chunk)
                columns.append(contentsOf: s.rowStates(arg, count: chunk.count))
            }
        } catch let e as EvalError {
            throw ExecError(e.kind, position: chunk.origin?.position(ofRow: e.row))
        }
        return try downstream.consume(Chunk(columns: columns, count: chunk.count))
    }

    public func finish() throws {
        if !passThrough && !stopped {
            if let first = partitions {
                partitions = nil
                try spillTable(into: first)
                try mergePartitions(try first.close(), level: 1)
            } else {
                _ = try emitGroups()
            }
        }
        try downstream.finish()
    }

    /// Sends the table's groups downstream, at most a chunk's capacity at a time: partial
    /// states in partial mode, results otherwise. False when downstream wants no more.
    func emitGroups() throws -> Bool {
        let count = groups.groupCount
        for s in states { s.grow(to: count) }
        var start = 0
        while start < count {
            let range = start..<min(start + Chunk.capacity, count)
            var columns = groups.keyColumns(range: range)
            for s in states {
                if mode == .partial { columns.append(contentsOf: s.stateColumns(range: range)) } else { columns.append(s.result(range: range)) }
            }
            if !(try downstream.consume(Chunk(columns: columns, count: range.count))) { return false }
            start = range.upperBound
        }
        return true
    }

    /// Forgets every group: a fresh group index and emptied states.
    func resetTable() {
        groups = GroupIndexes.make(keyTypes, capacity: tableCapacity)
        for s in states { s.reset() }
        if keyTypes.isEmpty { for s in states { s.grow(to: 1) } }
    }

    /// The output types for `mode`: keys, then results or states.
    public static func outputTypes(keys: [DataType], aggregates: [AggregateCall], mode: AggregateMode) -> [DataType] {
        var t = keys
        for a in aggregates {
            if mode == .partial { t.append(contentsOf: AggregateStates.make(a).stateTypes) } else { t.append(a.type) }
        }
        return t
    }
}
