/// Keeping a hash aggregation within its memory budget.
///
/// A partial aggregation simply sends its groups on: the final phase merges partial
/// states, however many times a key comes by. A final or single aggregation cannot emit
/// a group before it has seen all of its rows, so it partitions instead (grace hash join's
/// scheme, as DataFusion and DuckDB aggregate out of core):
///
/// ```
///  consume ... over budget ─> table as partial states ─> file[top 4 hash bits]   (level 0)
///                             empty table, consume on
///  finish  ─> the rest of the table to the files too
///          ─> per file: read ─> merge (final mode) into an empty table
///                  └─ over budget again ─> split that file by the next 4 bits  (level 1, 2, 3)
///             ─> results of that file's groups ─> downstream ─> delete the file
/// ```
///
/// Every group lands in exactly one file per level, so each file's groups are complete
/// once it is merged. Spilled rows are keys + state columns: the layout a partial
/// aggregation emits, so a single aggregation (raw rows in) spills its states, not its
/// rows, and merging back is the same for every mode.
extension HashAggregateOperator {
    /// Called when the table holds more than the budget after a chunk.
    func relieveMemory() throws {
        switch mode {
        case .partial:
            groupsSent += groups.groupCount
            if !(try emitGroups()) { stopped = true }
            resetTable()
        case .final, .single:
            let first: GraceHashPartitions
            if let p = partitions {
                first = p
            } else {
                first = GraceHashPartitions(level: 0, context: spill!)
                partitions = first
            }
            try spillTable(into: first)
        }
    }

    /// Writes every group's partial state (keys, then state columns) to `target`, a chunk's
    /// capacity of groups at a time, and empties the table.
    func spillTable(into target: GraceHashPartitions) throws {
        let count = groups.groupCount
        guard count > 0 else { return }
        for s in states { s.grow(to: count) }
        var start = 0
        while start < count {
            let range = start..<min(start + Chunk.capacity, count)
            var columns = groups.keyColumns(range: range)
            for s in states { columns.append(contentsOf: s.stateColumns(range: range)) }
            try target.write(Chunk(columns: columns, count: range.count), keyCount: keyTypes.count)
            start = range.upperBound
        }
        spill!.countSpill(.aggregation)
        resetTable()
    }

    /// Merges each spilled partition in turn and emits its results; each file is deleted
    /// once read. `level` is the level a partition that is still too big is split at.
    func mergePartitions(_ files: [ScratchFile], level: Int) throws {
        for (k, file) in files.enumerated() {
            if stopped {
                // Downstream wants no more: the rest are never read.
                for f in files[k...] { try f.remove() }
                return
            }
            try mergePartition(file, level: level)
        }
    }

    /// Reads one partition's partial states back into an empty table. Past the budget, and
    /// while hash bits remain, the table goes on to the files of a further split, which are
    /// then merged one by one; else the partition's results go downstream.
    private func mergePartition(_ file: ScratchFile, level: Int) throws {
        var split: GraceHashPartitions? = nil
        let reader = try SpillFileReader(path: file.path, bufferSize: spill!.readBufferSize)
        let keyCount = keyTypes.count
        while let chunk = try reader.next() {
            try mergeStates(chunk, keys: Array(chunk.columns[0..<keyCount]))
            if level < GraceHashPartitions.levels && memoryBytes > spill!.budgetBytes {
                if split == nil { split = GraceHashPartitions(level: level, context: spill!) }
                try spillTable(into: split!)
            }
        }
        reader.close()
        try file.remove()
        if let split {
            try spillTable(into: split)
            try mergePartitions(try split.close(), level: level + 1)
        } else {
            if !(try emitGroups()) { stopped = true }
            resetTable()
        }
    }
}
