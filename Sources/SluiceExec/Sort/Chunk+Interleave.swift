extension Chunk {
    /// Row `rows[k]` of `sources[slots[k]]` as row `k`, for every `k` (arrow's `interleave`
    /// kernel): how a k-way merge assembles its output. The sources must share their column
    /// types. The picks are first grouped by source (a counting sort), then every column is
    /// filled source by source with one type switch each.
    static func interleave(_ sources: [Chunk], slots: [Int32], rows: [Int32]) -> Chunk {
        let n = rows.count
        precondition(slots.count == n, "interleave: \(slots.count) slots for \(n) rows")
        guard let first = sources.first else { return Chunk(columns: [], count: 0) }
        if sources.count == 1 && n == first.count && rows.elementsEqual(0..<Int32(n)) { return first }
        let plan = InterleavePlan(sourceCount: sources.count, slots: slots, rows: rows)
        let columns = first.columns.indices.map { c in
            plan.column(sources.map { $0.columns[c] }, type: first.columns[c].type)
        }
        return Chunk(columns: columns, count: n)
    }
}

/// The picks of an interleave grouped by source: `positions[starts[s] ..< starts[s + 1]]`
/// are the output rows that come from source `s`, `sourceRows[...]` their rows there.
private struct InterleavePlan {
    let count: Int
    var starts: [Int]
    var positions: [Int32]
    var sourceRows: [Int32]

    init(sourceCount: Int, slots: [Int32], rows: [Int32]) {
        count = rows.count
        starts = [Int](repeating: 0, count: sourceCount + 1)
        for s in slots { starts[Int(s) + 1] += 1 }
        for s in 0..<sourceCount { starts[s + 1] += starts[s] }
        var next = starts
        positions = [Int32](repeating: 0, count: count)
        sourceRows = [Int32](repeating: 0, count: count)
        positions.withUnsafeMutableBufferPointer { pos in
            sourceRows.withUnsafeMutableBufferPointer { src in
                for k in 0..<count {
                    let s = Int(slots[k])
                    pos[next[s]] = Int32(truncatingIfNeeded: k)
                    src[next[s]] = rows[k]
                    next[s] += 1
                }
            }
        }
    }

    /// Calls `body` with each source's picks as (output positions, rows in the source).
    func forEachSource(_ body: (Int, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>) -> Void) {
        positions.withUnsafeBufferPointer { pos in
            sourceRows.withUnsafeBufferPointer { src in
                for s in 0..<(starts.count - 1) where starts[s + 1] > starts[s] {
                    let r = starts[s]..<starts[s + 1]
                    body(s, UnsafeBufferPointer(rebasing: pos[r]), UnsafeBufferPointer(rebasing: src[r]))
                }
            }
        }
    }

    /// Fixed-width values picked from each source's buffer.
    func fixed<T>(_ sources: [[T]]) -> [T] {
        [T](unsafeUninitializedCapacity: count) { out, done in
            forEachSource { s, pos, src in
                sources[s].withUnsafeBufferPointer { p in
                    for j in 0..<pos.count { (out.baseAddress! + Int(pos[j])).initialize(to: p[Int(src[j])]) }
                }
            }
            done = count
        }
    }

    func column(_ sources: [Column], type: DataType) -> Column {
        var validity: Validity? = nil
        if sources.contains(where: { $0.validity != nil }) {
            var v = Validity(allValid: count)
            forEachSource { s, pos, src in
                guard let sv = sources[s].validity else { return }
                for j in 0..<pos.count where sv.isNull(Int(src[j])) { v.setNull(Int(pos[j])) }
            }
            validity = v
        }
        switch type.physical {
        case .bool: return Column(type: type, storage: .bool(fixed(sources.map(\.bools))), validity: validity)
        case .int64: return Column(type: type, storage: .int64(fixed(sources.map(\.int64s))), validity: validity)
        case .double: return Column(type: type, storage: .double(fixed(sources.map(\.doubles))), validity: validity)
        case .string: return Column(type: type, storage: .string(strings(sources.map(\.strings))), validity: validity)
        }
    }

    /// Strings: lengths first, so that each value's bytes are copied straight to its place.
    func strings(_ sources: [StringArray]) -> StringArray {
        var lengths = [Int32](repeating: 0, count: count)
        lengths.withUnsafeMutableBufferPointer { len in
            forEachSource { s, pos, src in
                sources[s].offsets.withUnsafeBufferPointer { o in
                    for j in 0..<pos.count {
                        let r = Int(src[j])
                        len[Int(pos[j])] = o[r + 1] - o[r]
                    }
                }
            }
        }
        var offsets = [Int32](repeating: 0, count: count + 1)
        var total = 0
        for k in 0..<count {
            total += Int(lengths[k])
            offsets[k + 1] = Int32(truncatingIfNeeded: total)
        }
        var bytes = [UInt8](repeating: 0, count: total)
        bytes.withUnsafeMutableBufferPointer { out in
            offsets.withUnsafeBufferPointer { dst in
                forEachSource { s, pos, src in
                    sources[s].bytes.withUnsafeBufferPointer { b in
                        sources[s].offsets.withUnsafeBufferPointer { o in
                            for j in 0..<pos.count {
                                let r = Int(src[j]), k = Int(pos[j])
                                let len = Int(o[r + 1] - o[r])
                                if len > 0 { (out.baseAddress! + Int(dst[k])).update(from: b.baseAddress! + Int(o[r]), count: len) }
                            }
                        }
                    }
                }
            }
        }
        return StringArray(offsets: offsets, bytes: bytes)
    }
}
