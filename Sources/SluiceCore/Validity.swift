/// A bitmap of which rows are valid (not NULL): bit `i` set means row `i` has a value.
///
/// A column with no NULLs carries no bitmap at all (`Column.validity == nil`), as DuckDB's
/// `ValidityMask` and arrow-rs's `NullBuffer` do; `nullCount` is cached.
public struct Validity: Sendable, Equatable {
    public private(set) var words: [UInt64]
    public private(set) var count: Int
    public private(set) var nullCount: Int

    /// All `count` rows valid.
    public init(allValid count: Int) {
        self.count = count
        self.nullCount = 0
        let n = (count + 63) >> 6
        words = [UInt64](repeating: ~0, count: n)
        if count & 63 != 0, n > 0 { words[n - 1] = (1 << UInt64(count & 63)) - 1 }
    }

    /// From one flag per row, `true` meaning valid.
    public init(validFlags: [Bool]) {
        self.init(allValid: validFlags.count)
        for (i, v) in validFlags.enumerated() where !v { setNull(i) }
    }

    /// From raw words; bits past `count` are cleared and the null count recomputed.
    public init(words: [UInt64], count: Int) {
        self.words = words
        self.count = count
        let n = (count + 63) >> 6
        if self.words.count > n { self.words.removeLast(self.words.count - n) }
        while self.words.count < n { self.words.append(0) }
        if count & 63 != 0, n > 0 { self.words[n - 1] &= (1 << UInt64(count & 63)) - 1 }
        var valid = 0
        for w in self.words { valid += w.nonzeroBitCount }
        nullCount = count - valid
    }

    @inlinable
    public func isValid(_ i: Int) -> Bool {
        (words[i >> 6] >> UInt64(i & 63)) & 1 == 1
    }

    @inlinable
    public func isNull(_ i: Int) -> Bool { !isValid(i) }

    public mutating func setNull(_ i: Int) {
        let bit: UInt64 = 1 << UInt64(i & 63)
        if words[i >> 6] & bit != 0 {
            words[i >> 6] &= ~bit
            nullCount += 1
        }
    }

    public mutating func setValid(_ i: Int) {
        let bit: UInt64 = 1 << UInt64(i & 63)
        if words[i >> 6] & bit == 0 {
            words[i >> 6] |= bit
            nullCount -= 1
        }
    }

    /// Appends one row.
    public mutating func append(_ valid: Bool) {
        if count & 63 == 0 { words.append(0) }
        if valid { words[count >> 6] |= 1 << UInt64(count & 63) } else { nullCount += 1 }
        count += 1
    }

    /// The intersection of two bitmaps of equal length (a row is valid in both).
    public static func and(_ a: Validity?, _ b: Validity?) -> Validity? {
        guard let a else { return b }
        guard let b else { return a }
        precondition(a.count == b.count, "validity length mismatch")
        var w = a.words
        for i in 0..<w.count { w[i] &= b.words[i] }
        return Validity(words: w, count: a.count)
    }

    /// `nil` when no row is NULL, so that columns without NULLs carry no bitmap.
    public var normalized: Validity? { nullCount == 0 ? nil : self }
}
