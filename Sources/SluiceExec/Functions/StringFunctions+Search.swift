/// The joining and searching string functions: `concat`, `concat_ws`, `replace`,
/// `instr` and `locate`.
extension StringFunctions {
    /// `concat(a, b, ...)` (and `a || b`): NULL when any argument is NULL; `concat()` is ''.
    static func concat(_ args: [Column], _ n: Int) -> Column {
        let validity = NullPropagation.union(args)
        let parts = args.map(\.strings)
        var out = ByteStringBuilder(rows: n, bytes: parts.reduce(0) { $0 + $1.bytes.count })
        for i in 0..<n {
            if NullPropagation.isValid(validity, i) {
                for p in parts {
                    p.withByteStrings { v in out.append(v[i]) }
                }
            }
            out.closeRow()
        }
        return out.finish(validity: validity)
    }

    /// `concat_ws(sep, a, b, ...)`: the non-NULL arguments joined by `sep`; NULL only when
    /// `sep` is NULL.
    static func concatWS(_ args: [Column], _ n: Int) -> Column {
        let sep = args[0]
        let parts = args.dropFirst().map { ($0.strings, $0.validity) }
        var out = ByteStringBuilder(rows: n, bytes: parts.reduce(0) { $0 + $1.0.bytes.count })
        sep.strings.withByteStrings { s in
            for i in 0..<n {
                defer { out.closeRow() }
                guard NullPropagation.isValid(sep.validity, i) else { continue }
                var first = true
                for (p, valid) in parts where NullPropagation.isValid(valid, i) {
                    if !first { out.append(s[i]) }
                    first = false
                    p.withByteStrings { v in out.append(v[i]) }
                }
            }
        }
        return out.finish(validity: sep.validity)
    }

    /// `replace(str, search[, replace])`: every non-overlapping occurrence of `search`
    /// replaced, left to right; `str` unchanged when `search` is empty.
    static func replace(_ args: [Column], _ n: Int) -> Column {
        let validity = NullPropagation.union(args)
        let s = args[0].strings, f = args[1].strings
        let r = args.count > 2 ? args[2].strings : StringArray([String](repeating: "", count: n))
        var out = ByteStringBuilder(rows: n, bytes: s.bytes.count)
        s.withByteStrings { v in
            f.withByteStrings { w in
                r.withByteStrings { x in
                    for i in 0..<n {
                        defer { out.closeRow() }
                        guard NullPropagation.isValid(validity, i) else { continue }
                        let p = v[i], search = w[i]
                        if search.isEmpty {
                            out.append(p)
                            continue
                        }
                        var from = 0
                        while true {
                            let at = UTF8Steps.find(p, search, from: from)
                            if at < 0 { break }
                            out.append(UnsafeBufferPointer(rebasing: p[from..<at]))
                            out.append(x[i])
                            from = at + search.count
                        }
                        out.append(UnsafeBufferPointer(rebasing: p[from...]))
                    }
                }
            }
        }
        return out.finish(validity: validity)
    }

    /// Spark's `UTF8String.indexOf(v, start)`: the character index of the first occurrence
    /// of `needle` at or after character `start`, -1 when there is none; 0 for an empty
    /// `needle`, whatever `start` is (Spark's behaviour, SPARK-48284).
    static func indexOf(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, start: Int64) -> Int64 {
        if needle.isEmpty { return 0 }
        let from = UTF8Steps.offset(ofCharacter: Int(Swift.min(start, Int64(hay.count))), in: hay)
        let at = UTF8Steps.find(hay, needle, from: from)
        if at < 0 { return -1 }
        let prefix = UnsafeBufferPointer(rebasing: hay[0..<at])
        return Int64(UTF8Steps.count(prefix))
    }

    /// `instr(str, substr)`: the 1-based character position of `substr`, 0 when absent.
    static func instr(_ c: Column, _ search: Column, _ n: Int) -> Column {
        let validity = NullPropagation.union([c, search])
        let s = c.strings, f = search.strings
        let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
            s.withByteStrings { v in
                f.withByteStrings { w in
                    for i in 0..<n { buf[i] = indexOf(v[i], w[i], start: 0) + 1 }
                }
            }
            done = n
        }
        return Column(type: .int, storage: .int64(out), validity: validity)
    }

    /// `locate(substr, str[, pos])` / `position`: the 1-based position of `substr` in `str`
    /// at or after `pos` (default 1); 0 when absent or `pos < 1`. A NULL `pos` gives 0, not
    /// NULL (Hive's rule, which Spark keeps).
    static func locate(_ args: [Column], _ n: Int) -> Column {
        let search = args[0], c = args[1]
        let pos = args.count > 2 ? args[2] : nil
        var validity = Validity(allValid: n)
        let s = c.strings, f = search.strings
        let starts = pos?.int64s
        let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
            s.withByteStrings { v in
                f.withByteStrings { w in
                    for i in 0..<n {
                        buf[i] = 0
                        if let pos, pos.isNull(i) { continue }
                        if search.isNull(i) || c.isNull(i) {
                            validity.setNull(i)
                            continue
                        }
                        let start = starts?[i] ?? 1
                        if start < 1 { continue }
                        buf[i] = indexOf(v[i], w[i], start: start - 1) + 1
                    }
                }
            }
            done = n
        }
        return Column(type: .int, storage: .int64(out), validity: validity)
    }
}
