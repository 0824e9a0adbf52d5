import Testing
@testable import SluiceCore

@Suite struct ValidityTests {
    @Test func allValid() {
        let empty = Validity(allValid: 0)
        #expect(empty.words.isEmpty && empty.count == 0 && empty.nullCount == 0)
        let full = Validity(allValid: 64)
        #expect(full.words == [~0])
        let partial = Validity(allValid: 65)
        #expect(partial.words == [~0, 1])
        #expect(Validity(allValid: 3).words == [0b111])
        #expect((0..<65).allSatisfy { partial.isValid($0) })
        #expect(partial.nullCount == 0)
    }

    @Test func setNullAndValidKeepTheCount() {
        var v = Validity(allValid: 130)
        v.setNull(0)
        v.setNull(64)
        v.setNull(129)
        v.setNull(64)
        #expect(v.nullCount == 3)
        #expect(v.isNull(0) && v.isNull(64) && v.isNull(129) && v.isValid(1) && v.isValid(128))
        v.setValid(64)
        v.setValid(64)
        v.setValid(5)
        #expect(v.nullCount == 2)
        #expect(v.words == [~1, ~0, 0b01])
    }

    @Test func appendAcrossWords() {
        var v = Validity(allValid: 0)
        for i in 0..<200 { v.append(i % 3 != 0) }
        #expect(v.count == 200)
        #expect(v.nullCount == 67)
        #expect(v.words.count == 4)
        for i in 0..<200 { #expect(v.isNull(i) == (i % 3 == 0)) }
        var w = Validity(allValid: 64)
        w.append(false)
        w.append(true)
        #expect(w.words == [~0, 0b10] && w.nullCount == 1 && w.count == 66)
    }

    @Test func fromFlags() {
        let v = Validity(validFlags: [true, false, true, false, false])
        #expect(v.words == [0b00101] && v.nullCount == 3 && v.count == 5)
    }

    @Test func fromWordsClearsBitsPastTheEnd() {
        let v = Validity(words: [~0, ~0, ~0], count: 70)
        #expect(v.words == [~0, 0b11_1111])
        #expect(v.nullCount == 0)
        let short = Validity(words: [0b1011], count: 100)
        #expect(short.words == [0b1011, 0])
        #expect(short.nullCount == 97)
        let none = Validity(words: [5], count: 0)
        #expect(none.words.isEmpty && none.nullCount == 0)
    }

    @Test func intersection() {
        let a = Validity(validFlags: [true, true, false, false])
        let b = Validity(validFlags: [true, false, true, false])
        #expect(Validity.and(a, b) == Validity(validFlags: [true, false, false, false]))
        #expect(Validity.and(a, nil) == a)
        #expect(Validity.and(nil, b) == b)
        #expect(Validity.and(nil, nil) == nil)
        #expect(Validity.and(a, b)?.nullCount == 3)
    }

    @Test func normalizedDropsBitmapsWithoutNulls() {
        #expect(Validity(allValid: 10).normalized == nil)
        var v = Validity(allValid: 10)
        v.setNull(3)
        #expect(v.normalized == v)
        v.setValid(3)
        #expect(v.normalized == nil)
        #expect(Column(type: .bigint, storage: .int64([1, 2]), validity: Validity(allValid: 2)).validity == nil)
    }

    @Test func equality() {
        var a = Validity(allValid: 5), b = Validity(validFlags: [true, true, true, true, true])
        #expect(a == b)
        a.setNull(2)
        #expect(a != b)
        b.setNull(2)
        #expect(a == b)
    }
}
