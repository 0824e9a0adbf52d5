/// String functions with Spark's semantics, working on UTF-8 bytes: an ASCII fast path
/// per value, and code points (not bytes, not grapheme clusters) wherever Spark counts
/// characters. This file holds the one-argument transforms and the kernel lookup; the
/// positional functions are in `StringFunctions+Substring.swift`, the searching and
/// joining ones in `StringFunctions+Search.swift`.
enum StringFunctions {
    static func kernel(_ name: String, _ argTypes: [DataType], _ returnType: DataType) -> ScalarKernel? {
        let arity = argTypes.count
        switch (name, arity) {
        case ("lower", 1): return { args, n in caseMap(args[0], n, upper: false) }
        case ("upper", 1): return { args, n in caseMap(args[0], n, upper: true) }
        case ("initcap", 1): return { args, n in initcap(args[0], n) }
        case ("reverse", 1): return { args, n in reverse(args[0], n) }
        case ("trim", 1): return { args, n in trimSpaces(args[0], n, left: true, right: true) }
        case ("ltrim", 1): return { args, n in trimSpaces(args[0], n, left: true, right: false) }
        case ("rtrim", 1): return { args, n in trimSpaces(args[0], n, left: false, right: true) }
        case ("btrim", 1): return { args, n in trimSpaces(args[0], n, left: true, right: true) }
        case ("btrim", 2): return { args, n in trimCharacters(args[0], args[1], n) }
        case ("length", 1): return { args, n in length(args[0], n) }
        case ("octet_length", 1): return { args, n in byteLength(args[0], n, bits: false) }
        case ("bit_length", 1): return { args, n in byteLength(args[0], n, bits: true) }
        case ("ascii", 1): return { args, n in ascii(args[0], n) }
        case ("chr", 1): return { args, n in chr(args[0], n) }
        case ("repeat", 2): return { args, n in try repeatString(args[0], args[1], n) }
        case ("substr", 2), ("substr", 3): return { args, n in substr(args, n) }
        case ("left", 2): return { args, n in leftRight(args[0], args[1], n, left: true) }
        case ("right", 2): return { args, n in leftRight(args[0], args[1], n, left: false) }
        case ("lpad", 2), ("lpad", 3): return { args, n in pad(args, n, left: true) }
        case ("rpad", 2), ("rpad", 3): return { args, n in pad(args, n, left: false) }
        case ("split_part", 3): return { args, n in try splitPart(args[0], args[1], args[2], n) }
        case ("concat", _): return { args, n in concat(args, n) }
        case ("concat_ws", _) where arity >= 1: return { args, n in concatWS(args, n) }
        case ("replace", 2), ("replace", 3): return { args, n in replace(args, n) }
        case ("instr", 2): return { args, n in instr(args[0], args[1], n) }
        case ("locate", 2), ("locate", 3): return { args, n in locate(args, n) }
        case ("startswith", 2): return { args, n in predicate(args[0], args[1], n) { s, p in s.count >= p.count && UTF8Steps.matches(s, at: 0, p) } }
        case ("endswith", 2): return { args, n in predicate(args[0], args[1], n) { s, p in s.count >= p.count && UTF8Steps.matches(s, at: s.count - p.count, p) } }
        case ("contains", 2): return { args, n in predicate(args[0], args[1], n) { s, p in UTF8Steps.find(s, p) >= 0 } }
        default: return nil
        }
    }

    /// The names this file implements.
    static let names = [
        "lower", "upper", "initcap", "reverse", "trim", "ltrim", "rtrim", "btrim", "length",
        "octet_length", "bit_length", "ascii", "chr", "repeat", "substr", "left", "right", "lpad",
        "rpad", "split_part", "concat", "concat_ws", "replace", "instr", "locate", "startswith",
        "endswith", "contains",
    ]

    // MARK: Helpers

    /// A string → string transform applied to every non-NULL row.
    @inline(__always)
    static func mapRows(_ c: Column, _ n: Int, _ body: (UnsafeBufferPointer<UInt8>, inout ByteStringBuilder) -> Void) -> Column {
        let validity = c.validity
        let s = c.strings
        var out = ByteStringBuilder(rows: n, bytes: s.bytes.count)
        s.withByteStrings { v in
            for i in 0..<n {
                if NullPropagation.isValid(validity, i) { body(v[i], &out) }
                out.closeRow()
            }
        }
        return out.finish(validity: validity)
    }

    /// A string → INT function.
    @inline(__always)
    static func mapToInt(_ c: Column, _ n: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Int64) -> Column {
        let s = c.strings
        let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
            s.withByteStrings { v in for i in 0..<n { buf[i] = body(v[i]) } }
            done = n
        }
        return Column(type: .int, storage: .int64(out), validity: c.validity)
    }

    @inline(__always) static func asciiLower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }
    @inline(__always) static func asciiUpper(_ b: UInt8) -> UInt8 { b &- 97 < 26 ? b & 0xDF : b }

    // MARK: Case

    /// `lower`/`upper`: byte arithmetic for ASCII values, full Unicode case mapping otherwise
    /// (Java's `String.toLowerCase`/`toUpperCase` in the root locale).
    static func caseMap(_ c: Column, _ n: Int, upper: Bool) -> Column {
        mapRows(c, n) { p, out in
            if UTF8Steps.isASCII(p) {
                if upper { for b in p { out.append(byte: asciiUpper(b)) } } else { for b in p { out.append(byte: asciiLower(b)) } }
            } else {
                let s = String(decoding: p, as: UTF8.self)
                out.append(upper ? s.uppercased() : s.lowercased())
            }
        }
    }

    /// `initcap`: lower-cases the value, then title-cases its first character and every
    /// character that follows an ASCII space (Spark's `toLowerCase().toTitleCase()`).
    static func initcap(_ c: Column, _ n: Int) -> Column {
        mapRows(c, n) { p, out in
            if UTF8Steps.isASCII(p) {
                var afterSpace = true
                for b in p {
                    out.append(byte: afterSpace ? asciiUpper(b) : asciiLower(b))
                    afterSpace = b == 32
                }
            } else {
                var afterSpace = true
                for scalar in String(decoding: p, as: UTF8.self).lowercased().unicodeScalars {
                    var mapped = scalar
                    if afterSpace {
                        // Java's Character.toTitleCase is a 1:1 mapping; keep characters whose
                        // title case would take more than one code point.
                        let t = scalar.properties.titlecaseMapping.unicodeScalars
                        if t.count == 1, let first = t.first { mapped = first }
                    }
                    out.append(String(mapped))
                    afterSpace = scalar == " "
                }
            }
        }
    }

    // MARK: Reverse, trim

    /// `reverse`: the code points in reverse order.
    static func reverse(_ c: Column, _ n: Int) -> Column {
        mapRows(c, n) { p, out in
            if UTF8Steps.isASCII(p) {
                var i = p.count - 1
                while i >= 0 { out.append(byte: p[i]); i -= 1 }
                return
            }
            var starts: [Int] = []
            var i = 0
            while i < p.count { starts.append(i); i += UTF8Steps.sequenceLength(p[i]) }
            var end = p.count
            for s in starts.reversed() {
                out.append(UnsafeBufferPointer(rebasing: p[s..<Swift.min(end, p.count)]))
                end = s
            }
        }
    }

    /// `trim`/`ltrim`/`rtrim` with one argument remove ASCII spaces (0x20) only, as Spark does.
    static func trimSpaces(_ c: Column, _ n: Int, left: Bool, right: Bool) -> Column {
        mapRows(c, n) { p, out in
            var a = 0, b = p.count
            if left { while a < b && p[a] == 32 { a += 1 } }
            if right { while b > a && p[b - 1] == 32 { b -= 1 } }
            out.append(UnsafeBufferPointer(rebasing: p[a..<b]))
        }
    }

    /// `btrim(str, trimStr)`: removes from both ends every character that occurs in `trimStr`.
    static func trimCharacters(_ c: Column, _ chars: Column, _ n: Int) -> Column {
        let validity = NullPropagation.union([c, chars])
        let s = c.strings, t = chars.strings
        var out = ByteStringBuilder(rows: n, bytes: s.bytes.count)
        s.withByteStrings { v in
            t.withByteStrings { w in
                for i in 0..<n {
                    defer { out.closeRow() }
                    guard NullPropagation.isValid(validity, i) else { continue }
                    let p = v[i], set = w[i]
                    var scalars = Set<UInt32>()
                    var k = 0
                    while k < set.count {
                        let (u, len) = UTF8Steps.decode(set, at: k)
                        scalars.insert(u)
                        k += len
                    }
                    var a = 0
                    while a < p.count {
                        let (u, len) = UTF8Steps.decode(p, at: a)
                        if !scalars.contains(u) { break }
                        a += len
                    }
                    var b = p.count
                    while b > a {
                        var s0 = b - 1
                        while s0 > a && p[s0] & 0xC0 == 0x80 { s0 -= 1 }
                        let (u, _) = UTF8Steps.decode(p, at: s0)
                        if !scalars.contains(u) { break }
                        b = s0
                    }
                    out.append(UnsafeBufferPointer(rebasing: p[a..<b]))
                }
            }
        }
        return out.finish(validity: validity)
    }

    // MARK: Lengths, code points

    /// `length`/`char_length`/`character_length`: the number of code points.
    static func length(_ c: Column, _ n: Int) -> Column {
        mapToInt(c, n) { Int64(UTF8Steps.count($0)) }
    }

    /// `octet_length` (bytes) and `bit_length` (bits).
    static func byteLength(_ c: Column, _ n: Int, bits: Bool) -> Column {
        mapToInt(c, n) { Int64($0.count) * (bits ? 8 : 1) }
    }

    /// `ascii`: the code point of the first character, 0 for an empty string.
    static func ascii(_ c: Column, _ n: Int) -> Column {
        mapToInt(c, n) { p in p.isEmpty ? 0 : Int64(UTF8Steps.decode(p, at: 0).scalar) }
    }

    /// `chr`/`char`: the character with code `n mod 256`; empty for a negative `n`.
    static func chr(_ c: Column, _ n: Int) -> Column {
        let xs = c.int64s
        var out = ByteStringBuilder(rows: n, bytes: n)
        xs.withUnsafeBufferPointer { p in
            for i in 0..<n {
                defer { out.closeRow() }
                let v = p[i]
                guard NullPropagation.isValid(c.validity, i), v >= 0 else { continue }
                let code = UInt8(truncatingIfNeeded: v & 0xFF)
                if code < 0x80 { out.append(byte: code) } else {
                    out.append(byte: 0xC0 | code >> 6)
                    out.append(byte: 0x80 | code & 0x3F)
                }
            }
        }
        return out.finish(validity: c.validity)
    }

    /// `repeat(str, n)`: `str` `n` times; empty when `n <= 0`.
    static func repeatString(_ c: Column, _ times: Column, _ n: Int) throws -> Column {
        let validity = NullPropagation.union([c, times])
        let s = c.strings, k = times.int64s
        var out = ByteStringBuilder(rows: n, bytes: s.bytes.count)
        var bad = -1
        s.withByteStrings { v in
            k.withUnsafeBufferPointer { t in
                for i in 0..<n {
                    defer { out.closeRow() }
                    guard NullPropagation.isValid(validity, i), t[i] > 0 else { continue }
                    let p = v[i]
                    if Int64(p.count) * t[i] > Int64(Int32.max) {
                        if bad < 0 { bad = i }
                        continue
                    }
                    for _ in 0..<t[i] { out.append(p) }
                }
            }
        }
        if bad >= 0 { throw EvalError(.arithmeticOverflow(typeName: "integer", tryFunction: ""), row: bad) }
        return out.finish(validity: validity)
    }

    // MARK: Predicates

    /// `startswith`/`endswith`/`contains`: a BOOLEAN per row, NULL if either side is.
    static func predicate(_ a: Column, _ b: Column, _ n: Int, _ test: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool) -> Column {
        let validity = NullPropagation.union([a, b])
        let s = a.strings, t = b.strings
        let out = [UInt8](unsafeUninitializedCapacity: n) { buf, done in
            s.withByteStrings { v in
                t.withByteStrings { w in
                    for i in 0..<n { buf[i] = test(v[i], w[i]) ? 1 : 0 }
                }
            }
            done = n
        }
        return Column(type: .boolean, storage: .bool(out), validity: validity)
    }
}
