/// Compares rows by ORDER BY keys, with Spark's rules: NULLs first or last as each key
/// says, strings in byte order, NaN above every number.
struct RowComparator {
    let keys: [SortKey]

    /// Compares row `i` of key columns `a` with row `j` of key columns `b`: negative
    /// when row `i` sorts first.
    func compare(_ a: [Column], _ i: Int, _ b: [Column], _ j: Int) -> Int {
        for k in 0..<keys.count {
            let x = a[k], y = b[k]
            let xn = x.isNull(i), yn = y.isNull(j)
            if xn || yn {
                if xn && yn { continue }
                return xn == keys[k].nullsFirst ? -1 : 1
            }
            var c: Int
            switch (x.storage, y.storage) {
            case (.int64(let p), .int64(let q)): c = p[i] < q[j] ? -1 : (p[i] > q[j] ? 1 : 0)
            case (.double(let p), .double(let q)): c = Kernels.doubleCompare(p[i], q[j])
            case (.bool(let p), .bool(let q)): c = Int(p[i]) - Int(q[j])
            case (.string(let p), .string(let q)): c = p.compare(i, q, j)
            default: c = 0
            }
            if c != 0 { return keys[k].ascending ? c : -c }
        }
        return 0
    }
}

/// Evaluated sort-key columns of a chunk.
struct KeyEvaluator {
    let programs: [ExpressionProgram]
    init(_ keys: [SortKey]) throws { programs = try keys.map { try ExpressionProgram($0.expression) } }
    func evaluate(_ chunk: Chunk) throws -> [Column] { try programs.map { try $0.evaluate(chunk) } }
}
