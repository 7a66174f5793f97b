import Testing

@testable import JSONCodec

@Suite struct JSONParserTests {
    @Test func parsesEveryValueKindKeepingMemberOrder() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":[true,false,null],"c":{"d":-2.5e2,"e":"x"},"f":9223372036854775807}"#)
        #expect(value.objectMembers?.map(\.0) == ["b", "a", "c", "f"])
        #expect(value["b"] == .integer(1))
        #expect(value["a"] == .array([.bool(true), .bool(false), .null]))
        #expect(value["c"]?["d"] == .number(-250))
        #expect(value["f"] == .integer(Int64.max))
    }

    @Test func acceptsTrailingCommasAsTheSeedPrintsThem() throws {
        // Seed 001, sample request #1, ends its object with a comma before the closing brace.
        let body = """
            {
              "Name": "v1",
              "Tag": ["puzzle", "game",],
              "Visibility": "Public",
            }
            """
        let value = try JSONParser.parse(body)
        #expect(value["Visibility"] == .string("Public"))
        #expect(value["Tag"] == .array([.string("puzzle"), .string("game")]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/d\n\t", "\u00e9\ud83d\ude00", "Ldap\\myuserid", "plain é"]"#)
        #expect(value == .array([.string("a\"b\\c/d\n\t"), .string("é😀"), .string("Ldap\\myuserid"), .string("plain é")]))
    }

    @Test(arguments: [
        "", "{", "[1,]x", "{\"a\" 1}", "{,}", "[,]", "tru", "01", "1.", "-", "\"abc", "\"\\x\"", "{\"a\":1}}", "\"\u{01}\"",
        "\"\\ud800\"", "[1 2]"
    ])
    func rejectsMalformedInputWithAPosition(_ text: String) {
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(text) }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": tru\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 8)
        }
    }

    @Test func commentsOnlyWhenAllowed() throws {
        let text = "// header\n{ /* inline */ \"a\": 1 // trailing\n}"
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(text) }
        #expect(try JSONParser.parse(text, options: .init(allowComments: true))["a"] == .integer(1))
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(deep) }
    }
}

/// Invalid UTF-8 is refused, never replaced with U+FFFD and stored.
@Suite struct JSONParserUTF8Tests {
    @Test(
        arguments: [
            [0xC3, 0x28],  // a lead byte without its continuation
            [0x80],  // a lone continuation byte
            [0xC0, 0xAF],  // an overlong '/'
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0xFF]
        ] as [[UInt8]])
    func refusesInvalidUTF8InsideStrings(bad: [UInt8]) {
        let bytes = Array(#"{"Name":"ab"#.utf8) + bad + Array(#"cd"}"#.utf8)
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(bytes) }
        do { _ = try JSONParser.parse(bytes) } catch {
            #expect(error.message.contains("Invalid UTF-8"))
            #expect(error.line == 1 && error.column == 12)
        }
    }

    @Test func acceptsValidMultiByteText() throws {
        #expect(try JSONParser.parse(Array(#"["é😀中"]"#.utf8)) == .array([.string("é😀中")]))
    }
}
