import Testing

@testable import AkanaAPI

/// `MediaRange`: `Accept` and `Content-Type` elements read byte by byte.
@Suite struct MediaRangeTests {
    func describe(_ header: String) -> [String] {
        MediaRange.parseList(header).map { "\($0.fullType) q=\($0.quality) #\($0.position)" }
    }

    @Test func typesAreLoweredTrimmedAndWeighted() {
        #expect(describe("application/json") == ["application/json q=1.0 #0"])
        #expect(describe(" Application/JSON ; charset=UTF-8") == ["application/json q=1.0 #0"])
        #expect(
            describe("text/xml;q=0.5, application/vnd.soa.v81+JSON;Q=0.9 ,*/*;q=0.1")
                == ["text/xml q=0.5 #0", "application/vnd.soa.v81+json q=0.9 #1", "*/* q=0.1 #2"])
        #expect(describe("text/plain; q=2") == ["text/plain q=1.0 #0"])  // clamped
        #expect(describe("text/plain; q=abc") == ["text/plain q=1.0 #0"])  // unreadable: the default
        #expect(describe("text/plain;;format=flowed;q=0") == ["text/plain q=0.0 #0"])
        #expect(describe("\ttext/plain\t") == ["text/plain q=1.0 #0"])
    }

    @Test func malformedElementsAreSkippedAndKeepTheirPositions() {
        #expect(describe("json, /xml, text/, a/b/c, , text/plain") == ["text/plain q=1.0 #5"])
        #expect(describe("").isEmpty)
        #expect(MediaRange.parse("application/json; charset=utf-8")?.concreteRepresentation == .json)
        #expect(MediaRange.parse("TEXT/XML")?.concreteRepresentation == .xml)
        #expect(MediaRange.parse("application/problem+xml")?.concreteRepresentation == .xml)
        #expect(MediaRange.parse("image/png")?.concreteRepresentation == nil)
    }

    @Test func multipartHeadersAreTrimmedAsText() {
        #expect(MediaRange.trimmed("  form-data; name=\"file\" \t") == "form-data; name=\"file\"")
        #expect(MediaRange.trimmed(" \t ") == "")
    }
}
