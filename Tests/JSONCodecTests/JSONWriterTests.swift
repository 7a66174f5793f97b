import Testing

@testable import JSONCodec

@Suite struct JSONWriterTests {
    @Test func writesCompactJSONInMemberOrder() {
        let value: JSONValue = .object([
            ("RuntimeID", .string("x.acme")), ("HasKeyInfo", .bool(false)), ("Tag", .array([])),
            ("RatingSummary", .object([("Five", .integer(0))])), ("Identity", .null), ("Ratio", .number(1.5))
        ])
        #expect(
            JSONWriter.string(value)
                == #"{"RuntimeID":"x.acme","HasKeyInfo":false,"Tag":[],"RatingSummary":{"Five":0},"Identity":null,"Ratio":1.5}"#)
    }

    @Test func escapesStringsSoTheyRoundTrip() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} <b>&amp; é 😀"
        let written = JSONWriter.string(.string(text))
        #expect(!written.contains("<"))
        #expect(try JSONParser.parse(written) == .string(text))
    }

    @Test func prettyPrintsWithFourSpaces() {
        let value: JSONValue = .object([("a", .array([.integer(1)]))])
        #expect(JSONWriter.string(value, pretty: true) == "{\n    \"a\": [\n        1\n    ]\n}")
    }
}
