import Testing

@testable import AkanaAPI

@Suite struct ContentNegotiationTests {
    typealias Choice = ContentNegotiation.Choice

    @Test(
        arguments: [
            // (Accept, offers, expected representation, expected Content-Type)
            (nil, [Representation.json, .xml], Representation.json, "application/json"),
            ("*/*", [.json, .xml], .json, "application/json"),
            ("application/json", [.json, .xml], .json, "application/json"),
            ("application/xml", [.json, .xml], .xml, "application/xml"),
            ("text/xml", [.json, .xml], .xml, "text/xml"),
            ("application/vnd.soa.v81+json", [.json, .xml], .json, "application/vnd.soa.v81+json"),
            ("application/vnd.soa.v72+xml", [.json, .xml], .xml, "application/vnd.soa.v72+xml"),
            ("application/vnd.soa.v2019+json", [.json], .json, "application/vnd.soa.v2019+json"),
            ("application/json, text/javascript, */*; q=0.01", [.json, .xml], .json, "application/json"),
            ("text/javascript, */*; q=0.01", [.xml, .json], .xml, "application/xml"),
            ("application/xml;q=0.5, application/json", [.json, .xml], .json, "application/json"),
            ("application/json;q=0.4, application/xml;q=0.9", [.json, .xml], .xml, "application/xml"),
            ("application/*", [.json, .xml], .json, "application/json"),
            ("text/plain", [.text], .text, "text/plain"),
            ("*/*", [.text], .text, "text/plain"),
            ("text/*", [.text], .text, "text/plain"),
            ("APPLICATION/JSON", [.json], .json, "application/json")
        ] as [(String?, [Representation], Representation, String)])
    func choosesTheBestForm(accept: String?, offers: [Representation], representation: Representation, contentType: String) {
        #expect(
            ContentNegotiation.choose(accept: accept, offers: offers) == Choice(representation: representation, contentType: contentType))
    }

    @Test(arguments: [
        ("application/json", [Representation.text]),
        ("text/html", [.json, .xml]),
        ("image/png", [.text]),
        ("application/json;q=0", [.json]),
        ("*/*, application/json;q=0", [.json])
    ])
    func refusesWhatItCannotProduce(accept: String, offers: [Representation]) {
        #expect(ContentNegotiation.choose(accept: accept, offers: offers) == nil)
    }

    @Test func requestBodyTypes() {
        #expect(ContentNegotiation.bodyRepresentation(contentType: "application/json; charset=UTF-8") == .json)
        #expect(ContentNegotiation.bodyRepresentation(contentType: "application/vnd.soa.v80+json") == .json)
        #expect(ContentNegotiation.bodyRepresentation(contentType: "application/vnd.soa.v80+xml") == .xml)
        #expect(ContentNegotiation.bodyRepresentation(contentType: "text/xml") == .xml)
        #expect(ContentNegotiation.bodyRepresentation(contentType: "multipart/form-data; boundary=x") == nil)
        #expect(ContentNegotiation.bodyRepresentation(contentType: "") == nil)
        #expect(ContentNegotiation.isFormEncoded("application/x-www-form-urlencoded; charset=utf-8"))
    }
}
