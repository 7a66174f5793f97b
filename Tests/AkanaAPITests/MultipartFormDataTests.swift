import Testing

@testable import AkanaAPI

/// `MultipartFormData` from raw bytes.
@Suite struct MultipartFormDataTests {
    func body(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\r\n").utf8) }

    @Test func readsFieldsAndFiles() throws {
        let form = try #require(
            MultipartFormData(
                contentType: "multipart/form-data; boundary=XyZ",
                body: body([
                    "--XyZ", "Content-Disposition: form-data; name=\"Name\"", "", "Publish gate",
                    "--XyZ", "Content-Disposition: form-data; name=\"file\"; filename=\"gate.xml\"", "Content-Type: text/xml", "",
                    "<workflow/>",
                    "--XyZ--", ""
                ])))
        #expect(form.parts.map(\.name) == ["Name", "file"])
        #expect(form.part("name")?.body == Array("Publish gate".utf8))
        #expect(form.part("file")?.filename == "gate.xml")
        #expect(form.part("file")?.contentType == "text/xml")
        #expect(form.part("file")?.body == Array("<workflow/>".utf8))
    }

    @Test func quotedParametersMayHoldSemicolonsAndEscapedQuotes() throws {
        let form = try #require(
            MultipartFormData(
                contentType: "multipart/form-data; boundary=\"a;b\"",
                body: body([
                    "--a;b", "Content-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".xml\"", "", "x",
                    "--a;b--"
                ])))
        #expect(form.part("file")?.filename == "a;b \"c\".xml")
        #expect(form.part("file")?.body == [UInt8(ascii: "x")])
    }

    @Test func aBodyMayContainCRLFAndDashes() throws {
        let form = try #require(
            MultipartFormData(
                contentType: "multipart/form-data; charset=utf-8; boundary=B",
                body: body([
                    "--B", "Content-Disposition: form-data; name=\"f\"", "", "line1", "--not-the-boundary", "",
                    "--B--"
                ])))
        #expect(form.part("f")?.body == Array("line1\r\n--not-the-boundary\r\n".utf8))
    }

    @Test(arguments: [
        ("multipart/form-data", ["--B", "Content-Disposition: form-data; name=\"f\"", "", "x", "--B--"]),  // no boundary
        ("multipart/form-data; boundary=", ["--", "Content-Disposition: form-data; name=\"f\"", "", "x", "----"]),  // empty boundary
        ("multipart/form-data; boundary=B", ["--B", "Content-Disposition: form-data; name=\"f\"", "", "x"]),  // never closed
        ("multipart/form-data; boundary=B", ["--B", "Content-Disposition: form-data", "", "x", "--B--"]),  // no name
        ("multipart/form-data; boundary=B", ["--B", "Content-Disposition: attachment; name=\"f\"", "", "x", "--B--"]),
        ("multipart/form-data; boundary=B", ["--B", "Content-Disposition: form-data; name=\"f", "", "x", "--B--"]),  // open quote
        ("multipart/form-data; boundary=B", ["--B", "no colon here", "", "x", "--B--"]),
        (
            "multipart/form-data; boundary=" + String(repeating: "b", count: 71),
            [
                "--" + String(repeating: "b", count: 71), "Content-Disposition: form-data; name=\"f\"", "", "x",
                "--" + String(repeating: "b", count: 71) + "--"
            ]
        )
    ])
    func refusesMalformedBodies(contentType: String, lines: [String]) {
        #expect(MultipartFormData(contentType: contentType, body: body(lines)) == nil)
    }

    @Test func refusesPartHeadersThatAreNotUTF8() {
        let bytes = Array("--B\r\nContent-Disposition: form-data; name=\"".utf8) + [0xFF] + Array("\"\r\n\r\nx\r\n--B--".utf8)
        #expect(MultipartFormData(contentType: "multipart/form-data; boundary=B", body: bytes) == nil)
    }
}
