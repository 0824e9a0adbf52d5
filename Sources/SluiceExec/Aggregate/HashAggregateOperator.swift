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
public final class HashAggregateOperator: ChunkConsumer {
    let keyPrograms: [ExpressionProgram]
    let argPrograms: [ExpressionProgram?]
    let calls: [AggregateCall]
    let mode: AggregateMode
    let downstream: ChunkConsumer
    let groups: GroupIndex
    let states: [AggregateState]
    let keyTypes: [DataType]
    /// Rows consumed so far, to judge whether partial grouping pays.
    var rowsSeen = 0
    /// A partial aggregation that found nearly every row a new group stops grouping and
    /// passes each row on as its own partial state; the final phase groups them once
    /// (Trino's adaptive partial aggregation), instead of every map task building a
    /// table as large as its input.
    var passThrough = false
    static let passThroughCheckRows = 1 << 17

    public init(keys: [Expression], aggregates: [AggregateCall], mode: AggregateMode, downstream: ChunkConsumer) throws {
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
        if keyTypes.isEmpty {
            groups = SingleGroup()
        } else if keyTypes.count == 1 && keyTypes[0].physical == .int64 {
            groups = Int64GroupTable(type: keyTypes[0])
        } else {
            groups = ColumnGroupTable(types: keyTypes)
        }
        states = aggregates.map { AggregateStates.make($0) }
        if keyTypes.isEmpty { for s in states { s.grow(to: 1) } }
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        let n = chunk.count
        if n == 0 { return true }
        let keys = try keyPrograms.map { try $0.evaluate(chunk) }
        if passThrough { return try passOn(chunk, keys: keys) }
        rowsSeen += n
        if mode == .partial && !keyTypes.isEmpty && rowsSeen >= HashAggregateOperator.passThroughCheckRows
            && groups.groupCount * 2 > rowsSeen && !calls.contains(where: \.distinct) {
            // The groups gathered so far go on as they are; every later row passes through.
            try emitGroups()
            passThrough = true
            return try passOn(chunk, keys: keys)
        }
        let ids = groups.groupIds(keys, count: n)
        let groupCount = groups.groupCount
        do {
            try ids.withUnsafeBufferPointer { g in
                if mode == .final {
                    var col = keys.count
                    for s in states {
                        s.grow(to: groupCount)
                        let width = s.stateTypes.count
                        try s.merge(g, Array(chunk.columns[col..<(col + width)]), count: n)
                        col += width
                    }
                } else {
                    for (k, s) in states.enumerated() {
                        s.grow(to: groupCount)
                        let arg = try argPrograms[k]?.evaluate(chunk)
                        try s.update(g, arg, count: n)
                    }
                }
            }
        } catch let e as EvalError {
            throw ExecError(e.kind, position: chunk.origin?.position(ofRow: e.row))
        }
        return true
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
        if !passThrough { try emitGroups() }
        try downstream.finish()
    }

    private func emitGroups() throws {
        let count = groups.groupCount
        var columns = groups.keyColumns()
        for s in states {
            s.grow(to: count)
            if mode == .partial { columns.append(contentsOf: s.stateColumns(groups: count)) } else { columns.append(s.result(groups: count)) }
        }
        let all = Chunk(columns: columns, count: count)
        var start = 0
        while start < count {
            let end = min(start + Chunk.capacity, count)
            if !(try downstream.consume(start == 0 && end == count ? all : all.slice(start..<end))) { break }
            start = end
        }
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
