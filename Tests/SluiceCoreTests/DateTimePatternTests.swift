import Testing
@testable import SluiceCore

/// Microseconds of a UTC civil date and time.
private func ts(_ y: Int64, _ mo: Int64, _ d: Int64, _ h: Int64 = 0, _ mi: Int64 = 0, _ s: Int64 = 0, micros: Int64 = 0) -> Int64 {
    DateTime.days(year: y, month: mo, day: d) * DateTime.microsPerDay + (h * 3600 + mi * 60 + s) * 1_000_000 + micros
}

private func pattern(_ p: String) throws -> DateTimePattern { try DateTimePattern(p) }

private func patternError(_ p: String, forParsing: Bool = false) -> String? {
    do {
        _ = try DateTimePattern(p, forParsing: forParsing)
        return nil
    } catch {
        #expect(error.exitStatus == .usage)
        return error.description
    }
}

@Suite struct DateTimePatternParseTests {
    @Test func dateAndTime() throws {
        let p = try pattern("yyyy-MM-dd HH:mm:ss")
        #expect(p.parse("2024-03-05 13:45:30") == ts(2024, 3, 5, 13, 45, 30))
        #expect(p.parse("2024-03-05 13:45") == nil)
        #expect(p.parse("2024-03-05 13:45:30 ") == nil)
        #expect(p.parse("") == nil)
        #expect(try pattern("yyyy-MM-dd").parse("2024-03-05") == ts(2024, 3, 5))
        #expect(ts(2024, 3, 5) == 19787 * DateTime.microsPerDay)
    }

    @Test func bytesAndStringAgree() throws {
        let p = try pattern("dd.MM.yyyy")
        var text = "18.03.1993"
        let fromBytes = text.withUTF8 { p.parse($0) }
        #expect(fromBytes == p.parse("18.03.1993"))
        #expect(fromBytes == ts(1993, 3, 18))
    }

    @Test func fixedWidthFieldsNeedTheirDigits() throws {
        let p = try pattern("yyyy-MM-dd")
        #expect(p.parse("2024-3-5") == nil)
        #expect(p.parse("024-03-05") == nil)
        let lenient = try pattern("yyyy-M-d")
        #expect(lenient.parse("2024-3-5") == ts(2024, 3, 5))
        #expect(lenient.parse("2024-03-05") == ts(2024, 3, 5))
        #expect(lenient.parse("2024-003-05") == ts(2024, 3, 5))
    }

    @Test func invalidDates() throws {
        let p = try pattern("yyyy-MM-dd")
        #expect(p.parse("2024-02-30") == nil)
        #expect(p.parse("2024-04-31") == nil)
        #expect(p.parse("2024-13-01") == nil)
        #expect(p.parse("2024-00-10") == nil)
        #expect(p.parse("2024-01-00") == nil)
        #expect(p.parse("2024-01-32") == nil)
    }

    @Test func leapYears() throws {
        let p = try pattern("yyyy-MM-dd")
        #expect(p.parse("2024-02-29") == ts(2024, 2, 29))
        #expect(p.parse("2000-02-29") == ts(2000, 2, 29))
        #expect(p.parse("2023-02-29") == nil)
        #expect(p.parse("1900-02-29") == nil)
        let doy = try pattern("yyyy-DDD")
        #expect(doy.parse("2024-366") == ts(2024, 12, 31))
        #expect(doy.parse("2023-366") == nil)
        #expect(doy.parse("2023-060") == ts(2023, 3, 1))
        #expect(doy.parse("2024-060") == ts(2024, 2, 29))
    }

    @Test func adjacentNumbers() throws {
        #expect(try pattern("yyyyMMdd").parse("20240305") == ts(2024, 3, 5))
        #expect(try pattern("yyyyMMddHHmmss").parse("20240305134530") == ts(2024, 3, 5, 13, 45, 30))
        #expect(try pattern("yyyyMMdd").parse("2024035") == nil)
        // A five-digit year needs its '+' under 'yyyy' (java.time's EXCEEDS_PAD).
        #expect(try pattern("yyyyMMdd").parse("120240305") == nil)
        #expect(try pattern("yyyyMMdd").parse("+120240305") == ts(12024, 3, 5))
        #expect(try pattern("yMMdd").parse("120240305") == ts(12024, 3, 5))
        #expect(try pattern("HHmmss.SSS").parse("134530.25") == ts(1970, 1, 1, 13, 45, 30, micros: 250_000))
        // As in Spark 3: a fraction of variable width (1...n digits) is not part of the
        // chain, so the year takes the digits of the fraction and fails its width check.
        #expect(try pattern("yyyyMMddHHmmssSSS").parse("20240305134530123") == nil)
        #expect(try pattern("yyyyMMddHHmmss.SSS").parse("20240305134530.123") == ts(2024, 3, 5, 13, 45, 30, micros: 123_000))
        // A single 'S' has a fixed width of one digit and joins the chain.
        #expect(try pattern("yyyyMMddHHmmssS").parse("202403051345301") == ts(2024, 3, 5, 13, 45, 30, micros: 100_000))
    }

    @Test func twoDigitYears() throws {
        let p = try pattern("yy-MM-dd")
        #expect(p.parse("24-03-05") == ts(2024, 3, 5))
        #expect(p.parse("99-12-31") == ts(2099, 12, 31))
        #expect(p.parse("00-01-01") == ts(2000, 1, 1))
        #expect(p.parse("2024-03-05") == nil)
        #expect(p.parse("4-03-05") == nil)
    }

    @Test func yearSigns() throws {
        #expect(try pattern("yyyy-MM-dd").parse("-0044-03-15") == ts(-44, 3, 15))
        #expect(try pattern("y-MM-dd").parse("-44-03-15") == ts(-44, 3, 15))
        #expect(try pattern("y-MM-dd").parse("+44-03-15") == nil)
        #expect(try pattern("yyyy").parse("+10000") == ts(10000, 1, 1))
        #expect(try pattern("yyyy").parse("10000") == nil)
        #expect(try pattern("yyyy").parse("+2024") == nil)
        #expect(try pattern("yyyy").parse("-0000") == nil)
        #expect(try pattern("MM").parse("-3") == nil)
    }

    @Test func era() throws {
        let p = try pattern("G yyyy-MM-dd")
        #expect(p.parse("BC 0044-03-15") == ts(-43, 3, 15))
        #expect(p.parse("AD 2024-03-05") == ts(2024, 3, 5))
        #expect(p.parse("ad 2024-03-05") == ts(2024, 3, 5))
        #expect(p.parse("AD 0000-03-05") == nil)
        #expect(try pattern("GGGG y").parse("Anno Domini 2024") == ts(2024, 1, 1))
    }

    @Test func preEpochAndNegative() throws {
        let p = try pattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
        #expect(p.parse("1969-12-31 23:59:59.999999") == -1)
        #expect(p.parse("1970-01-01 00:00:00.000000") == 0)
        #expect(p.parse("1900-01-01 00:00:00.000001") == ts(1900, 1, 1, micros: 1))
        #expect(p.parse("0001-01-01 00:00:00.000000") == ts(1, 1, 1))
        #expect(try pattern("yyyy").parse("999999") == nil)
        #expect(try pattern("y").parse("999999999") == nil)
    }

    @Test func fractions() throws {
        let p = try pattern("HH:mm:ss.SSS")
        #expect(p.parse("00:00:01.1") == 1_100_000)
        #expect(p.parse("00:00:01.12") == 1_120_000)
        #expect(p.parse("00:00:01.123") == 1_123_000)
        #expect(p.parse("00:00:01.1234") == nil)
        #expect(p.parse("00:00:01.") == nil)
        #expect(try pattern("ss.SSSSSS").parse("01.000001") == 1_000_001)
        // Nanoseconds are truncated to microseconds.
        #expect(try pattern("ss.SSSSSSSSS").parse("01.123456789") == 1_123_456)
        #expect(try pattern("ss.S").parse("01.5") == 1_500_000)
    }

    @Test func monthNames() throws {
        let p = try pattern("dd/MMM/yyyy")
        #expect(p.parse("05/Mar/2024") == ts(2024, 3, 5))
        #expect(p.parse("05/MAR/2024") == ts(2024, 3, 5))
        #expect(p.parse("05/mar/2024") == ts(2024, 3, 5))
        #expect(p.parse("05/March/2024") == nil)
        #expect(p.parse("05/Sep/2024") == ts(2024, 9, 5))
        let full = try pattern("MMMM d, yyyy")
        #expect(full.parse("March 5, 2024") == ts(2024, 3, 5))
        #expect(full.parse("June 30, 2024") == ts(2024, 6, 30))
        #expect(full.parse("Jun 30, 2024") == nil)
        #expect(try pattern("LLLL yyyy").parse("December 2024") == ts(2024, 12, 1))
    }

    @Test func hoursAndAmPm() throws {
        let p = try pattern("hh:mm a")
        #expect(p.parse("01:30 PM") == ts(1970, 1, 1, 13, 30))
        #expect(p.parse("01:30 pm") == ts(1970, 1, 1, 13, 30))
        #expect(p.parse("12:00 AM") == 0)
        #expect(p.parse("12:00 PM") == ts(1970, 1, 1, 12))
        #expect(p.parse("13:00 PM") == nil)
        #expect(p.parse("00:00 AM") == nil)
        // 'h' without 'a' is a morning hour; 'a' alone is noon for PM.
        #expect(try pattern("h:mm").parse("11:05") == ts(1970, 1, 1, 11, 5))
        #expect(try pattern("a").parse("PM") == ts(1970, 1, 1, 12))
        #expect(try pattern("K a").parse("0 PM") == ts(1970, 1, 1, 12))
        #expect(try pattern("K a").parse("12 PM") == nil)
        #expect(try pattern("HH:mm").parse("24:00") == nil)
        #expect(try pattern("HH:mm").parse("23:60") == nil)
        #expect(try pattern("kk:mm").parse("24:00") == 0)
        #expect(try pattern("kk:mm").parse("00:00") == nil)
        #expect(try pattern("HH a").parse("13 PM") == ts(1970, 1, 1, 13))
        #expect(try pattern("HH a").parse("13 AM") == nil)
        #expect(try pattern("ss").parse("60") == nil)
    }

    @Test func zoneOffsets() throws {
        let iso = try pattern("yyyy-MM-dd'T'HH:mm:ssXXX")
        #expect(iso.parse("2024-03-05T13:45:30Z") == ts(2024, 3, 5, 13, 45, 30))
        #expect(iso.parse("2024-03-05T13:45:30+05:30") == ts(2024, 3, 5, 8, 15, 30))
        #expect(iso.parse("2024-03-05T13:45:30-08:00") == ts(2024, 3, 5, 21, 45, 30))
        #expect(iso.parse("2024-03-05T13:45:30+0530") == nil)
        #expect(iso.parse("2024-03-05T13:45:30+19:00") == nil)
        let apache = try pattern("dd/MMM/yyyy:HH:mm:ss Z")
        #expect(apache.parse("05/Mar/2024:13:45:30 +0100") == ts(2024, 3, 5, 12, 45, 30))
        #expect(apache.parse("05/Mar/2024:13:45:30 -0000") == ts(2024, 3, 5, 13, 45, 30))
        #expect(apache.parse("05/Mar/2024:13:45:30 Z") == nil)
        #expect(try pattern("HH:mm X").parse("10:00 +02") == ts(1970, 1, 1, 8))
        #expect(try pattern("HH:mm X").parse("10:00 +0230") == ts(1970, 1, 1, 7, 30))
        #expect(try pattern("HH:mm xx").parse("10:00 +0200") == ts(1970, 1, 1, 8))
        #expect(try pattern("HH:mm xx").parse("10:00 Z") == nil)
        #expect(try pattern("HH:mm XXXXX").parse("10:00 +02:00:30") == ts(1970, 1, 1, 7, 59, 30))
        #expect(try pattern("HH:mm ZZZZZ").parse("10:00 Z") == ts(1970, 1, 1, 10))
        #expect(try pattern("HH:mm O").parse("10:00 GMT+8") == ts(1970, 1, 1, 2))
        #expect(try pattern("HH:mm O").parse("10:00 GMT") == ts(1970, 1, 1, 10))
        #expect(try pattern("HH:mm OOOO").parse("10:00 GMT-03:30") == ts(1970, 1, 1, 13, 30))
        #expect(try pattern("HH:mm ZZZZ").parse("10:00 GMT+01:00") == ts(1970, 1, 1, 9))
        #expect(try pattern("HH:mm VV").parse("10:00 UTC") == ts(1970, 1, 1, 10))
        #expect(try pattern("HH:mm VV").parse("10:00 UTC+8") == ts(1970, 1, 1, 2))
        #expect(try pattern("HH:mm VV").parse("10:00 +01:00") == ts(1970, 1, 1, 9))
        #expect(try pattern("HH:mm VV").parse("10:00 America/Los_Angeles") == nil)
        #expect(try pattern("HH:mm z").parse("10:00 GMT") == ts(1970, 1, 1, 10))
        #expect(try pattern("HH:mm zzzz").parse("10:00 Coordinated Universal Time") == ts(1970, 1, 1, 10))
    }

    @Test func quotedLiteralsAndOptionalSections() throws {
        #expect(try pattern("''yyyy''").parse("'2024'") == ts(2024, 1, 1))
        #expect(try pattern("'year' yyyy 'o''clock'").parse("year 2024 o'clock") == ts(2024, 1, 1))
        #expect(try pattern("yyyy'T'HH").parse("2024t10") == ts(2024, 1, 1, 10))
        #expect(try pattern("yyyy'-'MM").parse("2024/03") == nil)
        let p = try pattern("yyyy-MM-dd[ HH:mm[:ss]]")
        #expect(p.parse("2024-03-05") == ts(2024, 3, 5))
        #expect(p.parse("2024-03-05 13:45") == ts(2024, 3, 5, 13, 45))
        #expect(p.parse("2024-03-05 13:45:30") == ts(2024, 3, 5, 13, 45, 30))
        #expect(p.parse("2024-03-05 13") == nil)
        let unclosed = try pattern("yyyy-MM-dd[ HH:mm")
        #expect(unclosed.parse("2024-03-05") == ts(2024, 3, 5))
        #expect(unclosed.parse("2024-03-05 01:02") == ts(2024, 3, 5, 1, 2))
        // Non-ASCII literals match byte for byte.
        #expect(try pattern("yyyy年MM月dd日").parse("2024年03月05日") == ts(2024, 3, 5))
    }

    @Test func missingFieldsDefault() throws {
        #expect(try pattern("yyyy-MM").parse("2024-03") == ts(2024, 3, 1))
        #expect(try pattern("MM-dd").parse("03-05") == ts(1970, 3, 5))
        #expect(try pattern("HH:mm").parse("13:45") == ts(1970, 1, 1, 13, 45))
        #expect(try pattern("yyyy").parse("2024") == ts(2024, 1, 1))
    }

    @Test func conflictingFields() throws {
        #expect(try pattern("yyyy yyyy").parse("2024 2024") == ts(2024, 1, 1))
        #expect(try pattern("yyyy yyyy").parse("2024 2025") == nil)
        #expect(try pattern("yyyy-MM-dd DDD").parse("2024-03-05 065") == ts(2024, 3, 5))
        #expect(try pattern("yyyy-MM-dd DDD").parse("2024-03-05 066") == nil)
        #expect(try pattern("yyyy-MM-dd EEE").parse("2024-03-05 Tue") == ts(2024, 3, 5))
        #expect(try pattern("yyyy-MM-dd EEE").parse("2024-03-05 Wed") == nil)
    }

    @Test func parseDaysIgnoresTimeAndOffset() throws {
        let p = try pattern("yyyy-MM-dd HH:mm XXX")
        #expect(p.parseDays("2020-01-01 23:00 -05:00") == 18262)
        #expect(p.parse("2020-01-01 23:00 -05:00") == ts(2020, 1, 2, 4))
        #expect(p.parseDays("2020-01-01 25:00 -05:00") == nil)
        #expect(try pattern("dd/MM/yyyy").parseDays("31/12/1969") == -1)
    }
}

@Suite struct DateTimePatternFormatTests {
    @Test func numbers() throws {
        let t = ts(2024, 3, 5, 13, 7, 9, micros: 120_000)
        #expect(try pattern("yyyy-MM-dd HH:mm:ss").format(micros: t) == "2024-03-05 13:07:09")
        #expect(try pattern("y-M-d H:m:s").format(micros: t) == "2024-3-5 13:7:9")
        #expect(try pattern("yy").format(micros: t) == "24")
        #expect(try pattern("yyy").format(micros: t) == "2024")
        #expect(try pattern("yyyyy").format(micros: t) == "02024")
        #expect(try pattern("D DD DDD").format(micros: t) == "65 65 065")
        #expect(try pattern("D").format(micros: ts(2024, 1, 9)) == "9")
        #expect(try pattern("hh h KK K kk k a").format(micros: t) == "01 1 01 1 13 13 PM")
        #expect(try pattern("hh KK kk HH a").format(micros: ts(2024, 3, 5)) == "12 00 24 00 AM")
        #expect(try pattern("hh a").format(micros: ts(2024, 3, 5, 12)) == "12 PM")
    }

    @Test func fractions() throws {
        let t = ts(2024, 3, 5, 13, 7, 9, micros: 123_456)
        #expect(try pattern("S").format(micros: t) == "1")
        #expect(try pattern("SSS").format(micros: t) == "123")
        #expect(try pattern("SSSSSS").format(micros: t) == "123456")
        #expect(try pattern("SSSSSSSSS").format(micros: t) == "123456000")
        #expect(try pattern("ss.SSS").format(micros: ts(2024, 3, 5, 0, 0, 1, micros: 5)) == "01.000")
        #expect(try pattern("ss.SSSSSS").format(micros: ts(2024, 3, 5, 0, 0, 1, micros: 5)) == "01.000005")
    }

    @Test func texts() throws {
        let t = ts(2024, 3, 5, 13, 7, 9)
        #expect(try pattern("EEE EEEE E").format(micros: t) == "Tue Tuesday Tue")
        #expect(try pattern("MMM MMMM LLL").format(micros: t) == "Mar March Mar")
        #expect(try pattern("Q QQ QQQ QQQQ").format(micros: t) == "1 01 Q1 1st quarter")
        #expect(try pattern("QQQQ").format(micros: ts(2024, 11, 5)) == "4th quarter")
        #expect(try pattern("G GGGG").format(micros: t) == "AD Anno Domini")
        #expect(try pattern("EEEE").format(micros: ts(1970, 1, 1)) == "Thursday")
        #expect(try pattern("EEEE").format(micros: ts(1969, 12, 28)) == "Sunday")
        #expect(try pattern("MMMM").format(micros: ts(2024, 9, 1)) == "September")
    }

    @Test func zones() throws {
        let p = try pattern("X XX XXX XXXX XXXXX|x xx xxx xxxx xxxxx|Z ZZ ZZZ ZZZZ ZZZZZ|O OOOO|VV|z zzzz")
        #expect(p.format(micros: 0) == "Z Z Z Z Z|+00 +0000 +00:00 +0000 +00:00|+0000 +0000 +0000 GMT Z|GMT GMT|UTC|UTC Coordinated Universal Time")
        #expect(try pattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").format(micros: ts(2024, 3, 5, 13, 7, 9, micros: 1000)) == "2024-03-05T13:07:09.001Z")
    }

    @Test func yearsOutsideFourDigits() throws {
        let p = try pattern("yyyy-MM-dd")
        #expect(p.format(days: DateTime.days(year: 10000, month: 1, day: 1)) == "+10000-01-01")
        #expect(p.format(days: DateTime.days(year: -44, month: 3, day: 15)) == "-0044-03-15")
        #expect(p.format(days: DateTime.days(year: 0, month: 1, day: 1)) == "0000-01-01")
        #expect(p.format(days: DateTime.days(year: 7, month: 1, day: 1)) == "0007-01-01")
        #expect(try pattern("y").format(days: DateTime.days(year: -44, month: 3, day: 15)) == "-44")
        #expect(try pattern("yy").format(days: DateTime.days(year: -44, month: 3, day: 15)) == "44")
        #expect(try pattern("G yyyy").format(days: DateTime.days(year: -43, month: 3, day: 15)) == "BC 0044")
        #expect(try pattern("G yy").format(days: DateTime.days(year: 0, month: 3, day: 15)) == "BC 01")
    }

    @Test func preEpoch() throws {
        let p = try pattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
        #expect(p.format(micros: -1) == "1969-12-31 23:59:59.999999")
        #expect(p.format(micros: ts(1900, 2, 28, 23, 0, 0, micros: 7)) == "1900-02-28 23:00:00.000007")
        #expect(p.format(micros: Int64.min) == "-290308-12-21 19:59:05.224192")
        #expect(p.format(micros: Int64.max) == "+294247-01-10 04:00:54.775807")
    }

    @Test func literalsAndOptionalSections() throws {
        let t = ts(2024, 3, 5, 13, 7, 9)
        #expect(try pattern("yyyy-MM-dd'T'HH:mm").format(micros: t) == "2024-03-05T13:07")
        #expect(try pattern("'It''s' h 'o''clock'").format(micros: t) == "It's 1 o'clock")
        #expect(try pattern("''").format(micros: t) == "'")
        #expect(try pattern("yyyy年MM月dd日").format(micros: t) == "2024年03月05日")
        let opt = try pattern("yyyy-MM-dd[ HH:mm]")
        #expect(opt.format(micros: t) == "2024-03-05 13:07")
        #expect(opt.format(days: 19787) == "2024-03-05")
        #expect(try pattern("yyyy-MM-dd[ EEE]").format(days: 19787) == "2024-03-05 Tue")
        #expect(try pattern("yyyy-MM-dd HH:mm").format(days: 19787) == "2024-03-05 00:00")
    }

    @Test func roundTrips() throws {
        let patterns = [
            "yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyyMMddHHmmss.SSSSSS", "dd/MMM/yyyy:HH:mm:ss.SSSSSS Z",
            "MMMM d yyyy h:mm:ss.SSSSSS a XXX", "yyyy-DDD'T'kk:mm:ss.SSSSSSxxxxx", "G yyyy-MM-dd HH:mm:ss.SSSSSS O",
        ]
        var values: [Int64] = [0, -1, 1, 86_399_999_999, -86_400_000_000, 951_782_400_000_001, -62_135_596_800_000_000]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<300 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Int64(bitPattern: x) % 200_000_000_000_000_000)
        }
        for text in patterns {
            let p = try pattern(text)
            for v in values {
                let s = p.format(micros: v)
                #expect(p.parse(s) == v, "\(text): \(v) -> \(s)")
            }
        }
        let d = try pattern("yyyy-MM-dd")
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            #expect(d.parseDays(d.format(days: day)) == day)
        }
    }
}

@Suite struct DateTimePatternErrorTests {
    @Test func unknownLetters() {
        #expect(patternError("yyyy-qq") == "invalid datetime pattern 'yyyy-qq': unknown pattern letter 'q'")
        #expect(patternError("yyyy-MM-ddTHH") == "invalid datetime pattern 'yyyy-MM-ddTHH': unknown pattern letter 'T' (quote literal text: 'T')")
        #expect(patternError("b") == "invalid datetime pattern 'b': unknown pattern letter 'b'")
        for c in ["A", "B", "C", "F", "I", "J", "N", "P", "R", "U", "b", "f", "g", "i", "j", "l", "n", "o", "p", "r", "t", "v"] {
            #expect(patternError(c) == "invalid datetime pattern '\(c)': unknown pattern letter '\(c)'")
        }
        // Letters inside quotes are literals.
        #expect(patternError("'qTb' yyyy") == nil)
    }

    @Test func weekBasedLetters() {
        for c in ["Y", "w", "W", "u", "e", "c"] {
            #expect(patternError("\(c)\(c)") == "invalid datetime pattern '\(c)\(c)': week-based pattern letter '\(c)' is not supported (Spark 3 rejects it too); use 'y', 'E' or EXTRACT instead")
        }
    }

    @Test func letterCounts() {
        #expect(patternError("MMMMM") == "invalid datetime pattern 'MMMMM': too many pattern letters 'MMMMM'")
        #expect(patternError("yyyyyyy") == "invalid datetime pattern 'yyyyyyy': too many pattern letters 'yyyyyyy'")
        #expect(patternError("ddd") == "invalid datetime pattern 'ddd': too many pattern letters 'ddd'")
        #expect(patternError("DDDD") == "invalid datetime pattern 'DDDD': too many pattern letters 'DDDD'")
        #expect(patternError("aa") == "invalid datetime pattern 'aa': too many pattern letters 'aa'")
        #expect(patternError("EEEEE") == "invalid datetime pattern 'EEEEE': too many pattern letters 'EEEEE'")
        #expect(patternError("GGGGG") == "invalid datetime pattern 'GGGGG': too many pattern letters 'GGGGG'")
        #expect(patternError("XXXXXX") == "invalid datetime pattern 'XXXXXX': too many pattern letters 'XXXXXX'")
        #expect(patternError("ZZZZZZ") == "invalid datetime pattern 'ZZZZZZ': too many pattern letters 'ZZZZZZ'")
        #expect(patternError("zzzzz") == "invalid datetime pattern 'zzzzz': too many pattern letters 'zzzzz'")
        #expect(patternError("SSSSSSSSSS") == "invalid datetime pattern 'SSSSSSSSSS': too many pattern letters 'SSSSSSSSSS': at most 9 fraction digits")
        #expect(patternError("V") == "invalid datetime pattern 'V': pattern letter 'V' must be written 'VV'")
        #expect(patternError("OO") == "invalid datetime pattern 'OO': pattern letter 'O' must be written 'O' or 'OOOO'")
        for ok in ["yyyyyy", "DDD", "MMMM", "EEEE", "GGGG", "SSSSSSSSS", "XXXXX", "ZZZZZ", "zzzz", "OOOO", "QQQQ", "hh", "KK", "kk"] {
            #expect(patternError(ok) == nil, "\(ok)")
        }
    }

    @Test func syntax() {
        #expect(patternError("yyyy-'MM") == "invalid datetime pattern 'yyyy-'MM': unterminated quoted literal (a single quote is written '')")
        #expect(patternError("yyyy]") == "invalid datetime pattern 'yyyy]': ']' without a preceding '['")
        #expect(patternError("yyyy#") == "invalid datetime pattern 'yyyy#': reserved character '#' (quote it as '#')")
        #expect(patternError("{yyyy}") == "invalid datetime pattern '{yyyy}': reserved character '{' (quote it as '{')")
        #expect(patternError("") == nil)
    }

    @Test func lettersSparkCannotParse() {
        #expect(patternError("EEE, dd MMM yyyy", forParsing: true) == "invalid datetime pattern 'EEE, dd MMM yyyy': pattern letter 'E' cannot be used for parsing")
        #expect(patternError("yyyy QQQ", forParsing: true) == "invalid datetime pattern 'yyyy QQQ': pattern letter 'Q' cannot be used for parsing")
        #expect(patternError("EEE, dd MMM yyyy") == nil)
        #expect(patternError("'EEE' yyyy", forParsing: true) == nil)
    }

    @Test func emptyPattern() throws {
        let p = try pattern("")
        #expect(p.parse("") == 0)
        #expect(p.parse("x") == nil)
        #expect(p.format(micros: 123) == "")
    }
}
