import Testing
@testable import SluiceExec

/// Kernels against straightforward references over many generated values, with a fixed
/// seed so a failure reproduces.
@Suite("Function properties")
struct FunctionPropertyTests {
    /// A small deterministic generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
    }

    /// Strings mixing 1- to 4-byte characters.
    static func randomStrings(_ count: Int, seed: UInt64) -> [String] {
        let alphabet: [Character] = ["a", "b", " ", ".", "é", "ß", "日", "本", "😀", "x", ","]
        var g = Generator(state: seed)
        return (0..<count).map { _ in String((0..<g.int(0...12)).map { _ in alphabet[g.int(0...(alphabet.count - 1))] }) }
    }

    @Test func substrMatchesAReferenceOnCodePoints() throws {
        let texts = Self.randomStrings(2000, seed: 1)
        var g = Generator(state: 2)
        let pos = texts.map { _ in Int64(g.int(-15...15)) }
        let len = texts.map { _ in Int64(g.int(-3...15)) }
        let out = try kernelResults("substr", [textColumn(texts), intColumn(pos), intColumn(len)], returns: .string)
        for (k, text) in texts.enumerated() {
            let scalars = Array(text.unicodeScalars)
            let n = Int64(scalars.count)
            var start = pos[k] > 0 ? pos[k] - 1 : (pos[k] < 0 ? n + pos[k] : 0)
            let end = min(start + len[k], n)
            start = max(start, 0)
            var expected = ""
            if start < end { expected.unicodeScalars.append(contentsOf: scalars[Int(start)..<Int(end)]) }
            #expect(out[k] == .string(expected), "substr(\(text), \(pos[k]), \(len[k]))")
        }
    }

    @Test func lengthReverseAndCaseMatchSwift() throws {
        let texts = Self.randomStrings(1000, seed: 3)
        let c = textColumn(texts)
        let lengths = try kernelResults("length", [c], returns: .int)
        let reversed = try kernelResults("reverse", [c], returns: .string)
        let upper = try kernelResults("upper", [c], returns: .string)
        for (k, text) in texts.enumerated() {
            #expect(lengths[k] == .int(Int64(text.unicodeScalars.count)))
            var r = ""
            r.unicodeScalars.append(contentsOf: text.unicodeScalars.reversed())
            #expect(reversed[k] == .string(r))
            #expect(upper[k] == .string(text.uppercased()))
        }
    }

    @Test func splitPartMatchesSplitting() throws {
        let texts = Self.randomStrings(1000, seed: 4)
        var g = Generator(state: 5)
        let parts = texts.map { _ in Int64([-4, -3, -2, -1, 1, 2, 3, 4][g.int(0...7)]) }
        let out = try kernelResults("split_part", [textColumn(texts), constantColumn(.string(","), .string, texts.count), intColumn(parts)], returns: .string)
        for (k, text) in texts.enumerated() {
            let pieces = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let index = parts[k] > 0 ? Int(parts[k]) - 1 : pieces.count + Int(parts[k])
            let expected = index >= 0 && index < pieces.count ? pieces[index] : ""
            #expect(out[k] == .string(expected), "split_part(\(text), ',', \(parts[k]))")
        }
    }

    @Test func stringToBigintMatchesSwiftParsing() throws {
        var g = Generator(state: 6)
        let texts: [String] = (0..<3000).map { _ in
            let sign = ["", "-", "+"][g.int(0...2)]
            let digits = String((0..<g.int(0...21)).map { _ in Character(String(g.int(0...9))) })
            return sign + digits
        }
        let out = try Cast.cast(textColumn(texts), to: .bigint, mode: .tryCast)
        for (k, text) in texts.enumerated() {
            let expected = Int64(text).map(Value.int) ?? .null
            #expect(out.value(at: k) == expected, "\(text)")
        }
    }

    @Test func stringToDoubleMatchesSwiftParsing() throws {
        var g = Generator(state: 7)
        let texts: [String] = (0..<3000).map { _ in
            let whole = String((0..<g.int(0...19)).map { _ in Character(String(g.int(0...9))) })
            let fraction = String((0..<g.int(0...19)).map { _ in Character(String(g.int(0...9))) })
            let exponent = g.int(0...1) == 0 ? "" : "e\(g.int(-330...310))"
            return (g.int(0...1) == 0 ? "-" : "") + (whole.isEmpty && fraction.isEmpty ? "0" : whole) + "." + fraction + exponent
        }
        let out = try Cast.cast(textColumn(texts), to: .double, mode: .ansi)
        for (k, text) in texts.enumerated() {
            #expect(out.value(at: k).same(.double(Double(text)!)), "\(text)")
        }
    }

    @Test func roundMatchesDecimalRoundingOfTheShortestDigits() throws {
        var g = Generator(state: 8)
        // Values with few decimals, where ties are common: k / 1000.
        let xs = (0..<3000).map { _ in Double(g.int(-2_000_000...2_000_000)) / 1000 }
        let out = try kernelResults("round", [doubleColumn(xs), constantColumn(.int(2), .int, xs.count)], returns: .double)
        for (k, x) in xs.enumerated() {
            // x has at most three decimals; HALF_UP on the third digit in integer arithmetic.
            let thousandths = Int64((abs(x) * 1000).rounded())
            var hundredths = thousandths / 10
            if thousandths % 10 >= 5 { hundredths += 1 }
            let expected = hundredths == 0 ? 0.0 : (x < 0 ? -1.0 : 1.0) * Double(hundredths) / 100
            #expect(out[k].same(.double(expected)), "round(\(x), 2)")
        }
    }
}
