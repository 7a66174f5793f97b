import Testing

@testable import DispatchHTTP

/// What the decoder produced, in a form that is easy to compare.
enum Decoded: Equatable, CustomStringConvertible {
    case request(
        method: String, target: String, path: String, segments: [String], query: [HTTPQueryItem],
        version: String, headers: [String], body: [UInt8])
    case needMore
    case sendContinue
    case error(Int)

    init(_ event: HTTPRequestDecoder.Event) {
        switch event {
        case .request(let request):
            self = .request(
                method: request.method.rawValue, target: request.target, path: request.path,
                segments: request.pathSegments, query: request.query,
                version: request.version.description,
                headers: request.headers.map { "\($0.name): \($0.value)" }, body: request.body)
        case .needMoreData: self = .needMore
        case .sendContinue: self = .sendContinue
        case .error(let error): self = .error(error.status.code)
        }
    }

    var description: String {
        switch self {
        case .request(let method, let target, _, _, _, _, _, let body): "request(\(method) \(target), \(body.count) bytes)"
        case .needMore: "needMore"
        case .sendContinue: "sendContinue"
        case .error(let code): "error(\(code))"
        }
    }

    var request: HTTPRequestSummary? {
        if case .request(let method, let target, let path, let segments, let query, _, _, let body) = self {
            return HTTPRequestSummary(
                method: method, target: target, path: path, segments: segments, query: query,
                body: body)
        }
        return nil
    }
}

struct HTTPRequestSummary: Equatable {
    var method: String
    var target: String
    var path: String
    var segments: [String]
    var query: [HTTPQueryItem]
    var body: [UInt8]
}

/// Feeds `chunks` one after the other, draining the decoder after each; returns every event
/// except the `needMore`s (and stops at the first error).
func decode(_ chunks: [[UInt8]], limits: HTTPRequestDecoder.Limits = .init()) -> [Decoded] {
    var decoder = HTTPRequestDecoder(limits: limits)
    var events: [Decoded] = []
    for chunk in chunks {
        decoder.append(chunk)
        while true {
            let event = Decoded(decoder.next())
            if event == .needMore { break }
            events.append(event)
            if case .error = event { return events }
        }
    }
    return events
}

func decode(_ text: String, limits: HTTPRequestDecoder.Limits = .init()) -> [Decoded] {
    decode([Array(text.utf8)], limits: limits)
}

/// The status of the first error, or nil.
func rejection(_ text: String, limits: HTTPRequestDecoder.Limits = .init()) -> Int? {
    for event in decode(text, limits: limits) {
        if case .error(let code) = event { return code }
    }
    return nil
}

@Suite("HTTPRequestDecoder")
struct HTTPRequestDecoderTests {
    static let samples: [String] = [
        "GET /hello?name=world HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\n",
        "POST /items HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
        "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
        "\r\nDELETE /x/%2F/y HTTP/1.0\r\n\r\n"
    ]

    @Test func simpleGet() throws {
        let events = decode("GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\n\r\n")
        #expect(events.count == 1)
        let request = try #require(events.first?.request)
        #expect(request.method == "GET")
        #expect(request.target == "/index.html")
        #expect(request.path == "/index.html")
        #expect(request.segments == ["index.html"])
        #expect(request.body.isEmpty)
        guard case .request(_, _, _, _, _, let version, let headers, _) = events[0] else { return }
        #expect(version == "HTTP/1.1")
        #expect(headers == ["Host: example.com", "User-Agent: test"])
    }

    @Test(arguments: samples)
    func everySplitGivesTheSameRequest(_ sample: String) {
        let bytes = Array(sample.utf8)
        let expected = decode([bytes])
        #expect(expected.count == 1)
        #expect(expected.first?.request != nil)
        for split in 0...bytes.count {
            let events = decode([Array(bytes[0..<split]), Array(bytes[split...])])
            #expect(events == expected, "split at \(split)")
        }
        // And one byte at a time.
        #expect(decode(bytes.map { [$0] }) == expected)
    }

    @Test func pipelinedRequestsInOneBuffer() {
        let text =
            "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
            + "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"
        let events = decode(text)
        #expect(events.compactMap(\.request).map(\.path) == ["/a", "/b", "/c"])
        #expect(events[1].request?.body == Array("abc".utf8))
    }

    @Test func partialRequestIsReported() {
        var decoder = HTTPRequestDecoder()
        #expect(!decoder.hasPartialRequest)
        decoder.append(Array("GET / HTTP/1.1\r\nHo".utf8))
        #expect(Decoded(decoder.next()) == .needMore)
        #expect(decoder.hasPartialRequest)
        decoder.append(Array("st: h\r\n\r\n".utf8))
        #expect(Decoded(decoder.next()).request?.path == "/")
        #expect(!decoder.hasPartialRequest)
    }

    @Test func contentLengthBody() {
        let events = decode("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n12345")
        #expect(events.first?.request?.body == Array("12345".utf8))
        // Identical duplicates are accepted, in separate fields or as a list.
        #expect(
            decode("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab")
                .first?.request?.body == Array("ab".utf8))
        #expect(
            decode("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nab").first?.request?.body
                == Array("ab".utf8))
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() {
        let text =
            "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;name=value\r\nWiki\r\n" + "5 ; other\r\npedia\r\n" + "E\r\n in\r\n\r\nchunks.\r\n"
            + "0;last\r\nExpires: never\r\nX-Other: 1\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
        let events = decode(text)
        #expect(events.count == 2)
        #expect(events.first?.request?.body == Array("Wikipedia in\r\n\r\nchunks.".utf8))
        #expect(events.last?.request?.path == "/next")
    }

    @Test func chunkedToleratesLoneLF() {
        let events = decode("POST /c HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n")
        #expect(events.first?.request?.body == Array("abc".utf8))
    }

    @Test func percentDecoding() throws {
        let events = decode("GET /files/a%2Fb/caf%C3%A9+x/?q=hello+world&name=J%C3%BCrgen&flag&empty=&a=1=2 HTTP/1.1\r\nHost: h\r\n\r\n")
        let request = try #require(events.first?.request)
        #expect(request.path == "/files/a/b/café+x/")
        #expect(request.segments == ["files", "a/b", "café+x"])
        #expect(
            request.query == [
                HTTPQueryItem(name: "q", value: "hello world"),
                HTTPQueryItem(name: "name", value: "Jürgen"),
                HTTPQueryItem(name: "flag", value: ""),
                HTTPQueryItem(name: "empty", value: ""),
                HTTPQueryItem(name: "a", value: "1=2")
            ])
    }

    @Test func absoluteFormAndAsterisk() throws {
        let absolute = try #require(decode("GET http://example.com:8080/a/b?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n").first?.request)
        #expect(absolute.target == "http://example.com:8080/a/b?x=1")
        #expect(absolute.path == "/a/b")
        #expect(absolute.query == [HTTPQueryItem(name: "x", value: "1")])
        let star = try #require(decode("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").first?.request)
        #expect(star.path == "*")
        #expect(star.segments.isEmpty)
        #expect(rejection("GET * HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
    }

    @Test func loneLineFeedsAreTolerated() {
        let events = decode("GET /lf HTTP/1.1\nHost: h\n\n")
        #expect(events.first?.request?.path == "/lf")
    }

    @Test func expectContinueIsOfferedBeforeTheBody() {
        var decoder = HTTPRequestDecoder()
        decoder.append(Array("POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n".utf8))
        #expect(Decoded(decoder.next()) == .sendContinue)
        #expect(Decoded(decoder.next()) == .needMore)
        decoder.append(Array("data".utf8))
        #expect(Decoded(decoder.next()).request?.body == Array("data".utf8))

        // Body already there: no 100 Continue.
        #expect(
            decode("POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\ndata")
                .map(\.description) == ["request(POST /u, 4 bytes)"])
        // No body at all: no 100 Continue.
        #expect(decode("GET /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n").first?.request != nil)
        // Too large: 413 instead of 100.
        #expect(
            decode(
                "POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n",
                limits: .init(maxBodyBytes: 10)) == [.error(413)])
        // Other expectations: 417.
        #expect(rejection("POST /u HTTP/1.1\r\nHost: h\r\nExpect: something\r\nContent-Length: 1\r\n\r\nx") == 417)
    }

    static let rejections: [(String, String, Int)] = [
        ("CL+TE", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("conflicting CL", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("conflicting CL list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
        ("non-digit CL", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc", 400),
        ("negative CL", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("bad chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("empty chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400),
        ("chunk size overflow", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n", 400),
        ("missing CRLF after chunk", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 400),
        ("TE gzip", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("TE chunked not last", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n  continued\r\n\r\n", 400),
        ("space before colon", "GET / HTTP/1.1\r\nHost: h\r\nX-Bad : v\r\n\r\n", 400),
        ("missing colon", "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400),
        ("control char in value", "GET / HTTP/1.1\r\nHost: h\r\nX-Bad: a\u{01}b\r\n\r\n", 400),
        ("bad header name", "GET / HTTP/1.1\r\nHost: h\r\nX(Bad): v\r\n\r\n", 400),
        ("bare CR", "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400),
        ("CR CR LF", "GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", 400),
        ("bare CR in the request line", "GET /\ra HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("missing Host on 1.1", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        ("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505),
        ("HTTP/0.9 garbage", "GET / HTTX/1.1\r\nHost: h\r\n\r\n", 400),
        ("missing version", "GET /\r\nHost: h\r\n\r\n", 400),
        ("double space", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("bad method", "G{T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("relative target", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("bad percent in path", "GET /a%zzb HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("truncated percent", "GET /a%4 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("bad percent in query", "GET /a?x=%G1 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("percent not UTF-8", "GET /%FF HTTP/1.1\r\nHost: h\r\n\r\n", 400)
    ]

    @Test(arguments: rejections)
    func rejects(_ name: String, _ text: String, _ status: Int) {
        #expect(rejection(text) == status, "\(name)")
    }

    @Test func headerSectionTooLarge() {
        let limits = HTTPRequestDecoder.Limits(maxHeaderBytes: 100)
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(String(repeating: "a", count: 200))\r\n\r\n"
        #expect(rejection(big, limits: limits) == 431)
        // Without the end of the head in sight, too.
        #expect(decode("GET / HTTP/1.1\r\nX: \(String(repeating: "a", count: 200))", limits: limits) == [.error(431)])
        // Just under the limit is fine.
        #expect(decode("GET / HTTP/1.1\r\nHost: h\r\n\r\n", limits: limits).first?.request != nil)
    }

    @Test func tooManyHeaders() {
        let limits = HTTPRequestDecoder.Limits(maxHeaderCount: 5)
        let headers = (1...6).map { "X-\($0): v\r\n" }.joined()
        #expect(rejection("GET / HTTP/1.1\r\nHost: h\r\n\(headers)\r\n", limits: limits) == 431)
        let fewer = (1...4).map { "X-\($0): v\r\n" }.joined()
        #expect(decode("GET / HTTP/1.1\r\nHost: h\r\n\(fewer)\r\n", limits: limits).first?.request != nil)
    }

    @Test func bodyTooLarge() {
        let limits = HTTPRequestDecoder.Limits(maxBodyBytes: 10)
        // Decided from the Content-Length alone, before any body byte.
        #expect(decode("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits) == [.error(413)])
        #expect(
            decode(
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                limits: limits) == [.error(413)])
        // Chunked: as soon as a chunk size would pass the limit.
        #expect(
            decode(
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n",
                limits: limits) == [.error(413)])
        #expect(
            decode("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)
                .first?.request?.body.count == 10)
    }

    @Test func failedDecoderStaysFailed() {
        var decoder = HTTPRequestDecoder()
        decoder.append(Array("BAD\r\n\r\n".utf8))
        #expect(Decoded(decoder.next()) == .error(400))
        decoder.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(Decoded(decoder.next()) == .error(400))
        #expect(decoder.hasFailed)
    }

    @Test func largeBodyAcrossManyChunks() {
        let body = (0..<200_000).map { UInt8($0 % 251) }
        var bytes = Array("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        bytes += body
        var chunks: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + 7_001)
            chunks.append(Array(bytes[index..<end]))
            index = end
        }
        #expect(decode(chunks).first?.request?.body == body)
    }
}
