/// Joins each probe chunk against a ``JoinHashTable``: a broadcast build side shared by
/// the tasks of a stage, or one partition's (``GraceHashJoinOperator``).
///
/// ```
/// probe chunk ─> key hashes ─> candidate pairs ─> equal keys ─> joined rows ─> condition
///                                                                     │
///        left outer: probe rows with no surviving pair, with NULLs ───┘
///        full outer: and, at the end, build rows no pair used (so the table must have
///                    met every probe row of its keys: one task, or one partition)
/// ```
/// Output columns: left side then right side, whichever side was built; semi and anti
/// joins output the probe (left) side only.
public final class HashJoinOperator: ChunkConsumer {
    let table: JoinHashTable
    let type: JoinType
    let probeKeys: [ExpressionProgram]
    let condition: ExpressionProgram?
    /// Whether the probe side is the join's left side (else the build side is).
    let probeIsLeft: Bool
    let probeTypes: [DataType]
    let downstream: ChunkConsumer
    /// Build rows some pair used (full outer joins).
    var buildMatched: [Bool]

    public init(table: JoinHashTable, type: JoinType, probeKeys: [Expression], condition: Expression?, probeIsLeft: Bool, probeTypes: [DataType], downstream: ChunkConsumer) throws {
        self.table = table
        self.type = type
        self.probeKeys = try probeKeys.map { try ExpressionProgram($0) }
        self.condition = try condition.map { try ExpressionProgram($0) }
        self.probeIsLeft = probeIsLeft
        self.probeTypes = probeTypes
        self.downstream = downstream
        buildMatched = type == .fullOuter ? Array(repeating: false, count: table.rows.count) : []
    }

    public func consume(_ chunk: Chunk) throws -> Bool {
        let n = chunk.count
        if n == 0 { return true }
        let keys = try probeKeys.map { try $0.evaluate(chunk) }
        var probeRows: [Int32] = [], buildRows: [Int32] = []
        if probeKeys.isEmpty {
            // No equality keys: every pair is a candidate (a cross join, or a join on
            // a condition alone).
            for i in 0..<n { for b in 0..<table.rows.count { probeRows.append(Int32(i)); buildRows.append(Int32(b)) } }
        } else {
            table.matches(keys, count: n, probeRows: &probeRows, buildRows: &buildRows)
        }
        var probeMatched = [Bool](repeating: false, count: n)
        var start = 0
        var more = true
        // Pairs go out in chunks of at most Chunk.capacity rows.
        repeat {
            let end = min(start + Chunk.capacity, probeRows.count)
            if end > start {
                let p = Array(probeRows[start..<end]), b = Array(buildRows[start..<end])
                var joined = combine(chunk.gather(p), table.rows.gather(b))
                var keptP = p, keptB = b
                if let condition {
                    if let sel = try condition.select(joined) {
                        joined = joined.gather(sel)
                        keptP = sel.map { p[Int($0)] }
                        keptB = sel.map { b[Int($0)] }
                    }
                }
                for r in keptP { probeMatched[Int(r)] = true }
                if type == .fullOuter { for r in keptB { buildMatched[Int(r)] = true } }
                switch type {
                case .inner, .leftOuter, .fullOuter:
                    if joined.count > 0 { more = try downstream.consume(joined) }
                case .leftSemi, .leftAnti: break
                }
            }
            start = end
        } while start < probeRows.count && more
        switch type {
        case .leftOuter, .fullOuter:
            let unmatched = (0..<n).filter { !probeMatched[$0] }.map { Int32($0) }
            if !unmatched.isEmpty && more {
                let probe = chunk.gather(unmatched)
                let nulls = Chunk(columns: table.rows.types.map { Column.nulls($0, count: unmatched.count) }, count: unmatched.count)
                more = try downstream.consume(combine(probe, nulls))
            }
        case .leftSemi, .leftAnti:
            let keep = (0..<n).filter { probeMatched[$0] == (type == .leftSemi) }.map { Int32($0) }
            if !keep.isEmpty {
                var out = keep.count == n ? chunk : chunk.gather(keep)
                out.origin = nil
                more = try downstream.consume(out)
            }
        case .inner: break
        }
        return more
    }

    /// Probe and build columns side by side, left side first.
    private func combine(_ probe: Chunk, _ build: Chunk) -> Chunk {
        let cols = probeIsLeft ? probe.columns + build.columns : build.columns + probe.columns
        return Chunk(columns: cols, count: probe.count)
    }

    public func finish() throws {
        _ = try emitUnmatchedBuildRows()
        try downstream.finish()
    }

    /// For a full outer join, the build rows no pair used, with NULLs on the probe side
    /// (once every probe row of this table has been consumed); false when downstream
    /// wants no more rows. A grace-hash join calls it once per partition's table.
    func emitUnmatchedBuildRows() throws -> Bool {
        guard type == .fullOuter else { return true }
        let unmatched = (0..<table.rows.count).filter { !buildMatched[$0] }.map { Int32($0) }
        var more = true
        var start = 0
        while start < unmatched.count && more {
            let rows = Array(unmatched[start..<min(start + Chunk.capacity, unmatched.count)])
            let nulls = Chunk(columns: probeTypes.map { Column.nulls($0, count: rows.count) }, count: rows.count)
            more = try downstream.consume(combine(nulls, table.rows.gather(rows)))
            start += rows.count
        }
        return more
    }
}
