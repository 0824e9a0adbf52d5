import Testing
@testable import SluiceSQL

/// Each token as `kind:text`, without the end token.
private func lex(_ text: String, set: Bool = false) throws -> [String] {
    var lexer = Lexer(text, setStatements: set)
    return try lexer.tokenize().dropLast().map { token in
        switch token.kind {
        case .word: return "w:\(token.text)"
        case .quotedIdentifier: return "q:\(token.text)"
        case .string: return "s:\(token.text)"
        case .number(let f):
            let suffix: String
            switch f.suffix {
            case .none: suffix = ""
            case .long: suffix = "L"
            case .short: suffix = "S"
            case .tiny: suffix = "Y"
            case .double: suffix = "D"
            case .float: suffix = "F"
            case .bigDecimal: suffix = "BD"
            }
            return "n:\(token.text)\(f.fractional ? "~" : "")\(suffix)"
        case .symbol: return token.text
        case .setBody: return "set:\(token.text)"
        case .invalid: return "bad:\(token.text)"
        case .end: return "end"
        }
    }
}

private func positions(_ text: String) throws -> [String] {
    var lexer = Lexer(text)
    return try lexer.tokenize().map { "\($0.location.line):\($0.location.column)" }
}

private func lexError(_ text: String) -> String {
    var lexer = Lexer(text)
    do {
        _ = try lexer.tokenize()
        return "no error"
    } catch {
        return error.description
    }
}

@Suite struct LexerTests {
    @Test func wordsSymbolsAndOperators() throws {
        #expect(try lex("SELECT a_1,b FROM t;") == ["w:SELECT", "w:a_1", ",", "w:b", "w:FROM", "w:t", ";"])
        #expect(try lex("a<=>b<=c>=d<>e!=f==g||h<i>j") == ["w:a", "<=>", "w:b", "<=", "w:c", ">=", "w:d", "<>", "w:e", "!=", "w:f", "==", "w:g", "||", "w:h", "<", "w:i", ">", "w:j"])
        #expect(try lex("(a+b)*c/d%e-f.g") == ["(", "w:a", "+", "w:b", ")", "*", "w:c", "/", "w:d", "%", "w:e", "-", "w:f", ".", "w:g"])
        #expect(try lex("a::int x[0] # é") == ["w:a", "::", "w:int", "w:x", "[", "n:0", "]", "bad:#", "bad:é"])
    }

    @Test func backquotedNames() throws {
        #expect(try lex("`a b`.`c``d` ``") == ["q:a b", ".", "q:c`d", "q:"])
        #expect(try lex("csv.`data/events`") == ["w:csv", ".", "q:data/events"])
    }

    @Test func numbers() throws {
        #expect(try lex("1 1L 10s 7Y 1.5 .5 1. 1e3 1E-2 2.5e+1 1.5D 1D 2F 1.5BD 3bd") == [
            "n:1", "n:1L", "n:10S", "n:7Y", "n:1.5~", "n:.5~", "n:1.~", "n:1e3~", "n:1E-2~", "n:2.5e+1~",
            "n:1.5~D", "n:1D", "n:2F", "n:1.5~BD", "n:3BD",
        ])
        // A number running on into letters is one bad token, not a number and an alias.
        #expect(try lex("1a 10days 1.5L 1e") == ["bad:1a", "bad:10days", "bad:1.5L", "bad:1e"])
    }

    @Test func stringsAndEscapes() throws {
        #expect(try lex(#"'it''s' "say ""hi""" 'a\'b' "q\"x""#) == ["s:it's", "s:say \"hi\"", "s:a'b", "s:q\"x"])
        #expect(try lex(#"'a\nb\tc\\d' '\%\_' '\u00e9\x' '\101' '\0' r'\n' R"C:\x""#) == [
            "s:a\nb\tc\\d", "s:\\%\\_", "s:éx", "s:A", "s:\u{0}", "s:\\n", "s:C:\\x",
        ])
        #expect(try lex(#"'\uD83D\uDE00' '\u12'"#) == ["s:😀", "s:u12"])
    }

    @Test func commentsAreSkipped() throws {
        #expect(try lex("a -- note\nb /* x /* nested */ y */ c /*+ BROADCAST(t) */ d") == ["w:a", "w:b", "w:c", "w:d"])
        // As in Spark, a backslash at the end of a `--` comment continues it.
        #expect(try lex("a -- one \\\n two\nb") == ["w:a", "w:b"])
        #expect(try lex("a--b") == ["w:a"])
        #expect(try lex("a - -b") == ["w:a", "-", "-", "w:b"])
    }

    @Test func lineAndColumnOfEachToken() throws {
        #expect(try positions("SELECT a,\n  'x\ny' b\r\n\tFROM t") == ["1:1", "1:8", "1:9", "2:3", "3:4", "4:2", "4:7", "4:8"])
    }

    @Test func unclosedLiteralsPointAtTheirStart() {
        #expect(lexError("SELECT 'abc") == "[PARSE_SYNTAX_ERROR] The string literal starting here is not closed; add the closing ' (line 1, column 8)")
        #expect(lexError("SELECT\n  \"abc\ndef") == "[PARSE_SYNTAX_ERROR] The string literal starting here is not closed; add the closing \" (line 2, column 3)")
        #expect(lexError("SELECT `a") == "[PARSE_SYNTAX_ERROR] The quoted name starting here is not closed; add the closing ` (line 1, column 8)")
        #expect(lexError("SELECT 1 /* a /* b */ c") == "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, append */ at the end of the comment. (line 1, column 10)")
        #expect(lexError("SELECT 'a\\'") == "[PARSE_SYNTAX_ERROR] The string literal starting here is not closed; add the closing ' (line 1, column 8)")
    }

    @Test func setTakesTheRestOfTheStatementRaw() throws {
        #expect(try lex("SET sluice.memory=4g; set a = 'x;y' -- c\n;SELECT 1", set: true) == [
            "w:SET", "set:sluice.memory=4g", ";", "w:set", "set:a = 'x;y'  ", ";", "w:SELECT", "n:1",
        ])
        // Only at the start of a statement.
        #expect(try lex("SELECT set FROM t", set: true) == ["w:SELECT", "w:set", "w:FROM", "w:t"])
        #expect(try lex("SET", set: true) == ["w:SET", "set:"])
    }
}
