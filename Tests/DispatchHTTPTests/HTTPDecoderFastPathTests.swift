import Testing

@testable import DispatchHTTP

/// The decoder's in-place head parsing (memchr line scan, known methods and field names as
/// literals, framing fields noted while parsing, the target parsed on indices): every fast path
/// against raw bytes, including the spellings that must leave it.
@Suite("HTTPRequestDecoder fast paths")
struct HTTPDecoderFastPathTests {
    private func only(_ text: String) throws -> HTTPRequest {
        var decoder = HTTPRequestDecoder()
        decoder.append(Array(text.utf8))
        guard case .request(let request) = decoder.next() else {
            Issue.record("no request from \(text.debugDescription)")
            throw DecodingFailed()
        }
        return request
    }

    private struct DecodingFailed: Error {}

    @Test func fieldNamesKeepTheCaseTheyCameIn() throws {
        let request = try only(
            "GET / HTTP/1.1\r\nhost: h\r\nACCEPT: a\r\nCookie: c=1\r\nCONTENT-length: 0\r\n"
                + "Accept-Encoding: gzip\r\nAccept-encoding: br\r\nX-Csrf-Token_acme: t\r\nUser-Agent: u\r\n\r\n")
        #expect(
            request.headers.map(\.name) == [
                "host", "ACCEPT", "Cookie", "CONTENT-length", "Accept-Encoding",
                "Accept-encoding", "X-Csrf-Token_acme", "User-Agent"
            ])
        #expect(request.headers["Accept"] == "a")
        #expect(request.headers.values("accept-encoding") == ["gzip", "br"])
        #expect(request.headers["x-csrf-token_ACME"] == "t")
    }

    @Test func commonValuesAreKeptExactly() throws {
        let values = [
            "*/*", "close", "keep-alive", "text/plain", "gzip, deflate", "application/xml", "application/json",
            "gzip, deflate, br", "application/json; charset=utf-8",
            // Near misses keep their own bytes.
            "*/x", "Close", "Keep-Alive", "text/plaiN", "gzip,deflate", "application/JSON", "application/jsonx",
            "application/json; charset=UTF-8"
        ]
        var text = "GET / HTTP/1.1\r\nHost: h\r\n"
        for (index, value) in values.enumerated() { text += "X-\(index): \(value)\r\n" }
        let request = try only(text + "\r\n")
        for (index, value) in values.enumerated() {
            #expect(request.headers["X-\(index)"] == value)
        }
    }

    @Test func methodsAreKeptAsSent() throws {
        for method in ["GET", "PUT", "POST", "HEAD", "PATCH", "DELETE", "OPTIONS", "get", "Post", "PURGE", "GETS", "M-SEARCH"] {
            let request = try only("\(method) /m HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(request.method.rawValue == method)
        }
        #expect(try only("GET / HTTP/1.1\r\nHost: h\r\n\r\n").method == .get)
        #expect(try only("get / HTTP/1.1\r\nHost: h\r\n\r\n").method != .get)
    }

    @Test func versionsOutsideTheFastPath() throws {
        #expect(try only("GET / HTTP/1.0\r\n\r\n").version == .http10)
        #expect(try only("GET / HTTP/1.1\r\nHost: h\r\n\r\n").version == .http11)
        // Leading zeros take the general parser, as before.
        #expect(try only("GET / HTTP/01.1\r\nHost: h\r\n\r\n").version == .http11)
        #expect(try only("GET / HTTP/1.01\r\nHost: h\r\n\r\n").version == .http11)
        #expect(rejection("GET / HTTP/1.x\r\nHost: h\r\n\r\n") == 400)
        #expect(rejection("GET / http/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(rejection("GET / HTTP/1.1 \r\nHost: h\r\n\r\n") == 400)
        #expect(rejection("GET / HTTP/1.3\r\nHost: h\r\n\r\n") == 505)
        #expect(rejection("GET / HTTP/1.\r\nHost: h\r\n\r\n") == 400)
        #expect(rejection("GET /\r\n\r\n") == 400)
        #expect(rejection(" / HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(rejection("GET  HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
    }

    @Test func framingFieldsAreFoundInAnyCase() throws {
        #expect(rejection("GET / HTTP/1.1\r\nHOST: a\r\nhost: b\r\n\r\n") == 400)
        #expect(try only("GET / HTTP/1.1\r\nhOsT: a\r\n\r\n").headers["Host"] == "a")
        #expect(rejection("GET / HTTP/1.1\r\nHosts: a\r\n\r\n") == 400)  // not a Host field
        #expect(try only("POST / HTTP/1.1\r\nHost: h\r\ncontent-LENGTH: 3\r\n\r\nabc").body == Array("abc".utf8))
        #expect(
            try only("POST / HTTP/1.1\r\nHost: h\r\nTRANSFER-encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n").body
                == Array("abc".utf8))
        #expect(rejection("POST / HTTP/1.1\r\nHost: h\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n") == 400)
        #expect(rejection("POST / HTTP/1.1\r\nHost: h\r\nEXPECT: nothing\r\nContent-Length: 1\r\n\r\nx") == 417)
        var decoder = HTTPRequestDecoder()
        decoder.append(Array("POST /u HTTP/1.1\r\nHost: h\r\nexpect: 100-Continue\r\nContent-Length: 1\r\n\r\n".utf8))
        #expect(Decoded(decoder.next()) == .sendContinue)
    }

    @Test func valuesAreTrimmedAndChecked() throws {
        let request = try only("GET / HTTP/1.1\r\nHost: \t h \t\r\nX-Empty:\r\nX-Spaces:   \r\nX-Obs: caf\u{E9}\r\n\r\n")
        #expect(request.headers["Host"] == "h")
        #expect(request.headers["X-Empty"] == "")
        #expect(request.headers["X-Spaces"] == "")
        #expect(request.headers["X-Obs"] == "café")
        #expect(rejection("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{7F}\r\n\r\n") == 400)
        #expect(rejection("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n") == 400)
        #expect(rejection("GET / HTTP/1.1\r\nHost: h\r\n\tX: v\r\n\r\n") == 400)
    }

    @Test func tokenTableIsTheTokenSet() {
        for byte in 0...255 {
            #expect(HTTPRequestDecoder.isToken(UInt8(byte)) == UInt8(byte).isTokenCharacter, "byte \(byte)")
        }
    }

    /// The value check reads eight bytes at a time: a control byte is found at every position of
    /// a long value, tabs and obs-text are not refused at any.
    @Test func longValuesAreCheckedAtEveryPosition() throws {
        let length = 40
        for position in 0..<length {
            for (byte, allowed) in [
                (0x00, false), (0x01, false), (0x1F, false), (0x7F, false), (0x0D, false),
                (0x09, true), (0x20, true), (0x7E, true), (0x80, true), (0xFF, true)
            ] as [(UInt8, Bool)] {
                var value = [UInt8](repeating: UInt8(ascii: "v"), count: length)
                value[position] = byte
                var bytes = Array("GET / HTTP/1.1\r\nHost: h\r\nX-Long: ".utf8)
                bytes += value
                bytes += Array("\r\n\r\n".utf8)
                let events = decode([bytes])
                if allowed {
                    #expect(events.count == 1 && events.first?.request != nil, "byte \(byte) at \(position)")
                } else {
                    #expect(events == [.error(400)], "byte \(byte) at \(position)")
                }
            }
        }
    }

    @Test func headEndFoundAcrossSplitsAtEveryLineFeed() {
        // The end of the head straddling two appends at each of its bytes, with lone LFs mixed in.
        let text = "GET /s HTTP/1.1\r\nHost: h\nX-A: 1\r\n\r\n"
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            var decoder = HTTPRequestDecoder()
            decoder.append(bytes[0..<split])
            var events: [Decoded] = []
            var event = Decoded(decoder.next())
            if event != .needMore { events.append(event) }
            decoder.append(bytes[split...])
            event = Decoded(decoder.next())
            if event != .needMore { events.append(event) }
            #expect(events.compactMap(\.request).map(\.path) == ["/s"], "split at \(split)")
        }
    }

    @Test func targetsOnIndices() throws {
        var request = try only("GET /api/apps/versions/abc HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(request.path == "/api/apps/versions/abc")
        #expect(request.pathSegments == ["api", "apps", "versions", "abc"])
        request = try only("GET //a//b/ HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(request.path == "//a//b/")
        #expect(request.pathSegments == ["a", "b"])
        request = try only("GET /a#frag?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(request.target == "/a#frag?x=1")
        #expect(request.path == "/a")
        #expect(request.query.isEmpty)
        request = try only("GET /a%20b/c?&&x=1&&y&=z HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(request.path == "/a b/c")
        #expect(request.pathSegments == ["a b", "c"])
        #expect(
            request.query == [
                HTTPQueryItem(name: "x", value: "1"), HTTPQueryItem(name: "y", value: ""),
                HTTPQueryItem(name: "", value: "z")
            ])
        request = try only("GET /? HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(request.path == "/")
        #expect(request.pathSegments.isEmpty)
        #expect(request.query.isEmpty)
        request = try only("GET HTTPS://h HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(request.path == "/")
        request = try only("GET http://h?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(request.path == "/")
        #expect(request.query == [HTTPQueryItem(name: "x", value: "1")])
        request = try only("GET http://h/p%2Fq HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(request.path == "/p/q")
        #expect(request.pathSegments == ["p/q"])
        for bad in ["http://", "http:///a", "http:/a", "ftp://h/a", "#x", "a/b", "http:", "%2F"] {
            #expect(rejection("GET \(bad) HTTP/1.1\r\nHost: h\r\n\r\n") == 400, "\(bad)")
        }
    }

    @Test func requestsBuiltInCodeParseTheSame() throws {
        let decoded = try only("GET /x/a%2Fb?q=1+2 HTTP/1.1\r\nHost: h\r\n\r\n")
        let built = try HTTPRequest(method: .get, target: "/x/a%2Fb?q=1+2")
        #expect(built.path == decoded.path)
        #expect(built.pathSegments == decoded.pathSegments)
        #expect(built.query == decoded.query)
    }

    @Test func listTokensOnBytesAndBeyondASCII() {
        let headers: HTTPHeaders = ["Connection": " Keep-Alive ,\tUpgrade,, ,close", "connection": "TE"]
        #expect(headers.tokens("CONNECTION") == ["keep-alive", "upgrade", "close", "te"])
        #expect(HTTPHeaders([("X", "")]).tokens("X").isEmpty)
        #expect(HTTPHeaders([("X", ",")]).tokens("X").isEmpty)
        // Non-ASCII values keep the Character-based split: a comma with a combining mark is no comma.
        #expect(HTTPHeaders([("X", "A,\u{301}B, Ç")]).tokens("X") == ["a,\u{301}b", "Ç"])
    }

    @Test func keepAliveFromTokens() throws {
        #expect(try only("GET / HTTP/1.1\r\nHost: h\r\n\r\n").keepAlive)
        #expect(try !only("GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n\r\n").keepAlive)
        #expect(try !only("GET / HTTP/1.0\r\n\r\n").keepAlive)
        #expect(try only("GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n").keepAlive)
    }

    @Test func encoderNumbersAndSanitising() {
        let date = Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8)
        for (code, length) in [(200, 0), (404, 7), (599, 1_234_567)] {
            let response = HTTPResponse(
                status: HTTPStatus(code: code, reasonPhrase: "R\u{0}\tx"),
                headers: ["X-V": "caf\u{E9}\u{7F}"], body: [UInt8](repeating: 0x61, count: length))
            let chunks = HTTPResponseEncoder.encode(response, headOnly: true, connection: .none, date: date)
            #expect(
                String(decoding: chunks.joined(), as: UTF8.self)
                    == "HTTP/1.1 \(code) R \tx\r\nX-V: café \r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: \(length)\r\n\r\n")
        }
        var digits: [UInt8] = []
        for value in [0, 9, 10, 1_000_000, Int.max, -42] {
            digits.removeAll()
            HTTPResponseEncoder.appendDecimal(value, to: &digits)
            #expect(String(decoding: digits, as: UTF8.self) == "\(value)")
        }
    }
}
