/// The positional string functions: `substr`, `left`, `right`, `lpad`, `rpad` and
/// `split_part`, counting positions in characters (code points) as Spark does.
extension StringFunctions {
    /// The bytes of characters `[start, end)` of `p` (Spark's `UTF8String.substring`), with
    /// `start >= 0`; `end` is clamped to the value's length.
    @inline(__always)
    static func characters(_ p: UnsafeBufferPointer<UInt8>, _ start: Int64, _ end: Int64, ascii: Bool) -> UnsafeBufferPointer<UInt8> {
        if end <= start { return UnsafeBufferPointer(rebasing: p[0..<0]) }
        let n = Int64(p.count)
        if ascii {
            let a = Int(Swift.min(start, n)), b = Int(Swift.min(end, n))
            return UnsafeBufferPointer(rebasing: p[a..<b])
        }
        let a = UTF8Steps.offset(ofCharacter: Int(Swift.min(start, n)), in: p)
        let rest = UnsafeBufferPointer(rebasing: p[a...])
        let b = a + UTF8Steps.offset(ofCharacter: Int(Swift.min(end - start, n)), in: rest)
        return UnsafeBufferPointer(rebasing: p[a..<b])
    }

    /// Spark's `substringSQL(pos, length)`: 1-based `pos`, 0 acting as 1, a negative `pos`
    /// counting from the end; an empty result when the range ends before it starts.
    @inline(__always)
    static func substringSQL(_ p: UnsafeBufferPointer<UInt8>, pos: Int64, length: Int64) -> UnsafeBufferPointer<UInt8> {
        let ascii = UTF8Steps.isASCII(p)
        var start: Int64
        if pos > 0 {
            start = pos - 1
        } else if pos < 0 {
            start = Int64(ascii ? p.count : UTF8Steps.count(p)) + pos
        } else {
            start = 0
        }
        let end = start + length
        start = Swift.max(start, 0)
        return characters(p, start, end, ascii: ascii)
    }

    /// `substr(str, pos[, len])` / `substring`.
    static func substr(_ args: [Column], _ n: Int) -> Column {
        let validity = NullPropagation.union(args)
        let s = args[0].strings, pos = args[1].int64s
        let len = args.count > 2 ? args[2].int64s : nil
        var out = ByteStringBuilder(rows: n, bytes: s.bytes.count)
        s.withByteStrings { v in
            pos.withUnsafeBufferPointer { ps in
                for i in 0..<n {
                    defer { out.closeRow() }
                    guard NullPropagation.isValid(validity, i) else { continue }
                    out.append(substringSQL(v[i], pos: ps[i], length: len?[i] ?? Int64(Int32.max)))
                }
            }
        }
        return out.finish(validity: validity)
    }

    /// `left(str, n)`: the first `n` characters, empty when `n <= 0`; `right(str, n)`: the
    /// last `n` characters (Spark rewrites both to `substr`).
    static func leftRight(_ c: Column, _ count: Column, _ n: Int, left: Bool) -> Column {
        let validity = NullPropagation.union([c, count])
        let s = c.strings, k = count.int64s
        var out = ByteStringBuilder(rows: n, bytes: s.bytes.count)
        s.withByteStrings { v in
            k.withUnsafeBufferPointer { ks in
                for i in 0..<n {
                    defer { out.closeRow() }
                    guard NullPropagation.isValid(validity, i), ks[i] > 0 else { continue }
                    out.append(left ? substringSQL(v[i], pos: 1, length: ks[i]) : substringSQL(v[i], pos: -ks[i], length: Int64(Int32.max)))
                }
            }
        }
        return out.finish(validity: validity)
    }

    /// `lpad(str, len[, pad])` / `rpad`: pads with `pad` (a space by default) to `len`
    /// characters, or cuts `str` to `len` characters when it is longer or `pad` is empty.
    static func pad(_ args: [Column], _ n: Int, left: Bool) -> Column {
        let validity = NullPropagation.union(args)
        let s = args[0].strings, lens = args[1].int64s
        let pads = args.count > 2 ? args[2].strings : StringArray([String](repeating: " ", count: n))
        var out = ByteStringBuilder(rows: n, bytes: s.bytes.count)
        s.withByteStrings { v in
            pads.withByteStrings { w in
                lens.withUnsafeBufferPointer { ls in
                    for i in 0..<n {
                        defer { out.closeRow() }
                        guard NullPropagation.isValid(validity, i) else { continue }
                        let p = v[i], padding = w[i], target = ls[i]
                        let ascii = UTF8Steps.isASCII(p)
                        let chars = Int64(ascii ? p.count : UTF8Steps.count(p))
                        let missing = target - chars
                        if missing <= 0 || padding.isEmpty {
                            out.append(characters(p, 0, target, ascii: ascii))
                            continue
                        }
                        let padASCII = UTF8Steps.isASCII(padding)
                        let padChars = Int64(padASCII ? padding.count : UTF8Steps.count(padding))
                        let whole = missing / padChars
                        let rest = characters(padding, 0, missing - padChars * whole, ascii: padASCII)
                        if !left { out.append(p) }
                        for _ in 0..<whole { out.append(padding) }
                        out.append(rest)
                        if left { out.append(p) }
                    }
                }
            }
        }
        return out.finish(validity: validity)
    }

    /// `split_part(str, delim, partNum)` (Spark 3.3+): the `partNum`-th piece of `str` split
    /// on the literal `delim`, counting from the end when negative; an empty string when
    /// out of range; the whole string when `delim` is empty. `partNum = 0` is an error.
    static func splitPart(_ c: Column, _ delim: Column, _ part: Column, _ n: Int) throws -> Column {
        let validity = NullPropagation.union([c, delim, part])
        let s = c.strings, d = delim.strings, k = part.int64s
        var out = ByteStringBuilder(rows: n, bytes: s.bytes.count)
        var zeroRow = -1
        s.withByteStrings { v in
            d.withByteStrings { w in
                k.withUnsafeBufferPointer { ks in
                    for i in 0..<n {
                        defer { out.closeRow() }
                        guard NullPropagation.isValid(validity, i) else { continue }
                        let p = v[i], sep = w[i], want = ks[i]
                        if want == 0 {
                            if zeroRow < 0 { zeroRow = i }
                            continue
                        }
                        // Piece boundaries: piece j is bytes[starts[j] ..< ends[j]].
                        var starts = [0], ends: [Int] = []
                        if !sep.isEmpty {
                            var from = 0
                            while true {
                                let at = UTF8Steps.find(p, sep, from: from)
                                if at < 0 { break }
                                ends.append(at)
                                from = at + sep.count
                                starts.append(from)
                            }
                        }
                        ends.append(p.count)
                        let count = Int64(starts.count)
                        let index = want > 0 ? want - 1 : count + want
                        if index >= 0 && index < count {
                            out.append(UnsafeBufferPointer(rebasing: p[starts[Int(index)]..<ends[Int(index)]]))
                        }
                    }
                }
            }
        }
        if zeroRow >= 0 {
            throw EvalError(.other("[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1)."), row: zeroRow)
        }
        return out.finish(validity: validity)
    }
}
