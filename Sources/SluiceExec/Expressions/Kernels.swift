/// Vectorised kernels for the operators of ``Expression``: one type switch per call,
/// then a tight loop over the buffers.
enum Kernels {
    // MARK: Boolean logic (three-valued)

    static func not(_ c: Column) -> Column {
        let b = c.bools
        let out = [UInt8](unsafeUninitializedCapacity: b.count) { buf, done in
            b.withUnsafeBufferPointer { p in for i in 0..<p.count { buf[i] = p[i] ^ 1 } }
            done = b.count
        }
        return Column(type: .boolean, storage: .bool(out), validity: c.validity)
    }

    /// SQL AND: false if either is false, else NULL if either is NULL, else true.
    static func and(_ l: Column, _ r: Column) -> Column {
        let n = l.count
        let a = l.bools, b = r.bools
        if l.validity == nil && r.validity == nil {
            let out = [UInt8](unsafeUninitializedCapacity: n) { buf, done in
                a.withUnsafeBufferPointer { p in b.withUnsafeBufferPointer { q in for i in 0..<n { buf[i] = p[i] & q[i] } } }
                done = n
            }
            return Column(type: .boolean, storage: .bool(out))
        }
        var out = [UInt8](repeating: 0, count: n)
        var valid = Validity(allValid: n)
        for i in 0..<n {
            let an = l.isNull(i), bn = r.isNull(i)
            let af = !an && a[i] == 0, bf = !bn && b[i] == 0
            if af || bf { out[i] = 0 } else if an || bn { valid.setNull(i) } else { out[i] = 1 }
        }
        return Column(type: .boolean, storage: .bool(out), validity: valid)
    }

    /// SQL OR: true if either is true, else NULL if either is NULL, else false.
    static func or(_ l: Column, _ r: Column) -> Column {
        let n = l.count
        let a = l.bools, b = r.bools
        if l.validity == nil && r.validity == nil {
            let out = [UInt8](unsafeUninitializedCapacity: n) { buf, done in
                a.withUnsafeBufferPointer { p in b.withUnsafeBufferPointer { q in for i in 0..<n { buf[i] = p[i] | q[i] } } }
                done = n
            }
            return Column(type: .boolean, storage: .bool(out))
        }
        var out = [UInt8](repeating: 0, count: n)
        var valid = Validity(allValid: n)
        for i in 0..<n {
            let an = l.isNull(i), bn = r.isNull(i)
            let at = !an && a[i] != 0, bt = !bn && b[i] != 0
            if at || bt { out[i] = 1 } else if an || bn { valid.setNull(i) }
        }
        return Column(type: .boolean, storage: .bool(out), validity: valid)
    }

    // MARK: Row movement

    /// A column of `count` rows holding `partial`'s rows at `rows` and NULL elsewhere.
    static func scatter(_ partial: Column, rows: [Int32], count n: Int) -> Column {
        var b = ColumnBuilder(type: partial.type, capacity: n)
        var k = 0
        for i in 0..<n {
            if k < rows.count && Int(rows[k]) == i {
                b.append(from: partial, at: k)
                k += 1
            } else {
                b.appendNull()
            }
        }
        return b.finish()
    }

    /// Pieces computed on disjoint row sets put together; rows in no piece are NULL.
    static func merge(_ pieces: [(rows: [Int32], values: Column)], count n: Int, type: DataType) -> Column {
        if pieces.count == 1 && pieces[0].rows.count == n { return pieces[0].values.retyped(type) }
        var source = [Int32](repeating: -1, count: n)
        var offset = [Int32](repeating: 0, count: n)
        for (p, piece) in pieces.enumerated() {
            for (k, r) in piece.rows.enumerated() {
                source[Int(r)] = Int32(p)
                offset[Int(r)] = Int32(k)
            }
        }
        var b = ColumnBuilder(type: type, capacity: n)
        for i in 0..<n {
            if source[i] < 0 { b.appendNull() } else { b.append(from: pieces[Int(source[i])].values, at: Int(offset[i])) }
        }
        return b.finish()
    }

    /// `c` with its NULL rows taken from `next` (one step of COALESCE).
    static func fillNulls(_ c: Column, from next: Column, type: DataType) -> Column {
        guard let v = c.validity else { return c }
        var b = ColumnBuilder(type: type, capacity: c.count)
        for i in 0..<c.count {
            if v.isValid(i) { b.append(from: c, at: i) } else { b.append(from: next, at: i) }
        }
        return b.finish()
    }
}

/// The constant set of an IN list, for membership tests.
struct InSet {
    let ints: Set<Int64>
    let doubles: Set<Double>
    let strings: Set<[UInt8]>
    let bools: Set<UInt8>
    let hasNull: Bool
    let hasNaN: Bool

    init(_ values: [Value], type: DataType) {
        var ints = Set<Int64>(), doubles = Set<Double>(), strings = Set<[UInt8]>(), bools = Set<UInt8>()
        var hasNull = false, hasNaN = false
        for v in values {
            switch v {
            case .null: hasNull = true
            case .int(let x), .date(let x), .timestamp(let x): ints.insert(x); doubles.insert(Double(x))
            case .double(let d): if d.isNaN { hasNaN = true } else { doubles.insert(d == 0 ? 0 : d) }
            case .string(let s): strings.insert(Array(s.utf8))
            case .bool(let b): bools.insert(b ? 1 : 0)
            }
        }
        self.ints = ints
        self.doubles = doubles
        self.strings = strings
        self.bools = bools
        self.hasNull = hasNull
        self.hasNaN = hasNaN
    }

    /// SQL IN: true if found; else NULL if the value or any list item is NULL; else false.
    func contains(_ c: Column, negated: Bool) -> Column {
        let n = c.count
        var out = [UInt8](repeating: 0, count: n)
        var valid = Validity(allValid: n)
        switch c.storage {
        case .int64(let xs): for i in 0..<n { out[i] = ints.contains(xs[i]) ? 1 : 0 }
        case .double(let xs): for i in 0..<n { out[i] = (xs[i].isNaN ? hasNaN : doubles.contains(xs[i] == 0 ? 0 : xs[i])) ? 1 : 0 }
        case .bool(let xs): for i in 0..<n { out[i] = bools.contains(xs[i]) ? 1 : 0 }
        case .string(let xs):
            xs.bytes.withUnsafeBufferPointer { p in
                for i in 0..<n { out[i] = strings.contains(Array(UnsafeBufferPointer(rebasing: p[xs.range(i)]))) ? 1 : 0 }
            }
        }
        for i in 0..<n {
            if c.isNull(i) || (out[i] == 0 && hasNull) { valid.setNull(i) } else if negated { out[i] ^= 1 }
        }
        return Column(type: .boolean, storage: .bool(out), validity: valid)
    }
}

/// A compiled LIKE pattern: `%` any run, `_` one character, `escape` quotes the next.
struct LikeMatcher {
    enum Token: Equatable { case literal([UInt8]), anyOne, anyRun }
    let tokens: [Token]
    /// Fast paths for the common shapes `abc`, `abc%`, `%abc`, `%abc%`.
    enum Shape { case exact([UInt8]), prefix([UInt8]), suffix([UInt8]), contains([UInt8]), general }
    let shape: Shape

    init(pattern: String, escape: UInt8) {
        var tokens: [Token] = []
        var lit: [UInt8] = []
        let bytes = Array(pattern.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == escape && i + 1 < bytes.count {
                lit.append(bytes[i + 1]); i += 2; continue
            }
            if b == UInt8(ascii: "%") || b == UInt8(ascii: "_") {
                if !lit.isEmpty { tokens.append(.literal(lit)); lit = [] }
                if b == UInt8(ascii: "%") { if tokens.last != .anyRun { tokens.append(.anyRun) } } else { tokens.append(.anyOne) }
            } else {
                lit.append(b)
            }
            i += 1
        }
        if !lit.isEmpty { tokens.append(.literal(lit)) }
        self.tokens = tokens
        switch tokens.count {
        case 0: shape = .exact([])
        case 1: if case .literal(let l) = tokens[0] { shape = .exact(l) } else { shape = .general }
        case 2:
            if case .literal(let l) = tokens[0], tokens[1] == .anyRun { shape = .prefix(l) }
            else if tokens[0] == .anyRun, case .literal(let l) = tokens[1] { shape = .suffix(l) }
            else { shape = .general }
        case 3:
            if tokens[0] == .anyRun, tokens[2] == .anyRun, case .literal(let l) = tokens[1] { shape = .contains(l) } else { shape = .general }
        default: shape = .general
        }
    }

    func match(_ c: Column, negated: Bool) -> Column {
        let s = c.strings
        let n = c.count
        var out = [UInt8](repeating: 0, count: n)
        s.bytes.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let v = UnsafeBufferPointer(rebasing: p[s.range(i)])
                let m = matches(v)
                out[i] = (m != negated) ? 1 : 0
            }
        }
        return Column(type: .boolean, storage: .bool(out), validity: c.validity)
    }

    func matches(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .exact(let l): return v.elementsEqual(l)
        case .prefix(let l): return v.count >= l.count && v.prefix(l.count).elementsEqual(l)
        case .suffix(let l): return v.count >= l.count && v.suffix(l.count).elementsEqual(l)
        case .contains(let l): return LikeMatcher.find(l, in: v, from: 0) != nil
        case .general: return matchGeneral(v, 0, 0)
        }
    }

    static func find(_ l: [UInt8], in v: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        if l.isEmpty { return start }
        if v.count - start < l.count { return nil }
        var i = start
        while i + l.count <= v.count {
            if v[i] == l[0] {
                var k = 1
                while k < l.count && v[i + k] == l[k] { k += 1 }
                if k == l.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Backtracking match; `_` consumes one UTF-8 character, not one byte.
    private func matchGeneral(_ v: UnsafeBufferPointer<UInt8>, _ ti: Int, _ vi: Int) -> Bool {
        if ti == tokens.count { return vi == v.count }
        switch tokens[ti] {
        case .literal(let l):
            guard v.count - vi >= l.count else { return false }
            for k in 0..<l.count where v[vi + k] != l[k] { return false }
            return matchGeneral(v, ti + 1, vi + l.count)
        case .anyOne:
            guard vi < v.count else { return false }
            var next = vi + 1
            while next < v.count && v[next] & 0xC0 == 0x80 { next += 1 }
            return matchGeneral(v, ti + 1, next)
        case .anyRun:
            if ti + 1 == tokens.count { return true }
            var start = vi
            while start <= v.count {
                if matchGeneral(v, ti + 1, start) { return true }
                start += 1
                while start < v.count && v[start] & 0xC0 == 0x80 { start += 1 }
            }
            return false
        }
    }
}
