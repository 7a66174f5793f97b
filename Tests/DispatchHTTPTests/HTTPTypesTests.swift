import Synchronization
import Testing

@testable import DispatchHTTP

@Suite("HTTP value types")
struct HTTPTypesTests {
    @Test func headersKeepOrderAndCaseAndLookUpCaseInsensitively() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-Multi": "1"]
        headers.add("x-multi", "2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["CONTENT-TYPE"] == "text/plain")
        #expect(headers.values("X-MULTI") == ["1", "2"])
        #expect(headers.contains("x-Multi"))
        #expect(headers.map(\.name) == ["Content-Type", "X-Multi", "x-multi"])

        headers.set("X-MULTI", "3")
        #expect(headers.values("x-multi") == ["3"])
        #expect(headers.map(\.name) == ["Content-Type", "X-MULTI"])

        headers.remove("content-type")
        #expect(headers["Content-Type"] == nil)
        #expect(headers.count == 1)
        headers.set("New", "v")
        #expect(headers.map(\.name) == ["X-MULTI", "New"])
        #expect(headers["X-Mult"] == nil)
    }

    @Test func joinedValuesTellApartEveryListOfValues() {
        let none: HTTPHeaders = ["Host": "h"]
        #expect(none.joinedValues("Cookie") == nil)
        let one: HTTPHeaders = ["Cookie": "a=1"]
        #expect(one.joinedValues("cookie") == "a=1")
        let empty: HTTPHeaders = ["Cookie": ""]
        #expect(empty.joinedValues("Cookie") == "")
        var two: HTTPHeaders = ["Cookie": "a=1", "Host": "h"]
        two.add("COOKIE", "b=2")
        #expect(two.joinedValues("Cookie") == "a=1\u{0}b=2")
        var swapped: HTTPHeaders = ["Cookie": "b=2"]
        swapped.add("Cookie", "a=1")
        #expect(swapped.joinedValues("Cookie") != two.joinedValues("Cookie"))
        var three = two
        three.add("Cookie", "c=3")
        #expect(three.joinedValues("Cookie") == "a=1\u{0}b=2\u{0}c=3")
    }

    @Test func requestInitParsesTheTarget() throws {
        let request = try HTTPRequest(method: .get, target: "/a%2Fb/c%20d?x=1+2&y=%26&x=3")
        #expect(request.path == "/a/b/c d")
        #expect(request.pathSegments == ["a/b", "c d"])
        #expect(request.queryValue("x") == "1 2")
        #expect(request.queryValue("y") == "&")
        #expect(request.queryValue("X") == nil)
        #expect(request.queryValue(caseInsensitive: "X") == "1 2")
        #expect(request.version == .http11)
        #expect(throws: HTTPDecodingError.self) { try HTTPRequest(method: .get, target: "/bad%") }
        #expect(throws: HTTPDecodingError.self) { try HTTPRequest(method: .get, target: "no-slash") }
        #expect(throws: HTTPDecodingError.self) { try HTTPRequest(method: .get, target: "/sp ace") }
    }

    @Test func headerNamesCompareASCIICaseInsensitivelyAndNothingElse() {
        #expect(HTTPHeaders.namesEqual("Content-Length", "content-LENGTH"))
        #expect(HTTPHeaders.namesEqual("", ""))
        #expect(!HTTPHeaders.namesEqual("Host", "Hosts"))
        #expect(!HTTPHeaders.namesEqual("Accept", "Accepx"))
        // Only A-Z fold: "[" (0x5B) and "{" (0x7B) differ by the same bit as "K" and "k".
        #expect(!HTTPHeaders.namesEqual("X-[", "x-{"))
        #expect(HTTPHeaders.namesEqual("X-1_a", "x-1_A"))
        // Same UTF-8 length, different bytes beyond ASCII: no folding.
        #expect(!HTTPHeaders.namesEqual("X-É", "x-é"))
        let long = String(repeating: "Ab", count: 300)
        #expect(HTTPHeaders.namesEqual(long, long.lowercased()))
        #expect(!HTTPHeaders.namesEqual(long, String(long.dropLast()) + "c"))
    }

    @Test func keepAliveRules() throws {
        func request(_ version: HTTPVersion, _ connection: String?) throws -> HTTPRequest {
            var headers: HTTPHeaders = [:]
            if let connection { headers.add("Connection", connection) }
            return try HTTPRequest(method: .get, target: "/", version: version, headers: headers)
        }
        #expect(try request(.http11, nil).keepAlive)
        #expect(try !request(.http11, "close").keepAlive)
        #expect(try !request(.http11, "Keep-Alive, Close").keepAlive)
        #expect(try !request(.http10, nil).keepAlive)
        #expect(try request(.http10, "keep-alive").keepAlive)
        #expect(try request(.http10, "Keep-Alive").keepAlive)
    }

    @Test func statusPhrasesAndEquality() {
        #expect(HTTPStatus.ok.reasonPhrase == "OK")
        #expect(HTTPStatus(code: 404) == .notFound)
        #expect(HTTPStatus(code: 404, reasonPhrase: "Nope") == .notFound)
        #expect(HTTPStatus.requestHeaderFieldsTooLarge.reasonPhrase == "Request Header Fields Too Large")
        #expect(HTTPStatus.unprocessableContent.code == 422)
        #expect(HTTPStatus.locked.code == 423)
        #expect(HTTPStatus(code: 599).reasonPhrase == "")
        #expect(HTTPMethod.get.description == "GET")
        #expect(HTTPMethod(rawValue: "PATCH") == .patch)
    }

    @Test func imfFixdate() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        var cache = HTTPDate()
        #expect(cache.current().count == 29)
    }

    @Test func encoderOwnsFramingHeaders() {
        let date = Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8)
        var response = HTTPResponse(
            status: .ok,
            headers: [
                "Content-Length": "1", "X-A": "b\r\nInjected: yes",
                "connection": "keep-alive", "Date": "x"
            ],
            body: Array("hello".utf8))
        var text = String(
            decoding: HTTPResponseEncoder.encode(
                response, headOnly: false, connection: .close,
                date: date
            ).joined(), as: UTF8.self)
        #expect(
            text == "HTTP/1.1 200 OK\r\nX-A: b  Injected: yes\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhello")

        text = String(
            decoding: HTTPResponseEncoder.encode(response, headOnly: true, connection: .none, date: date)
                .joined(), as: UTF8.self)
        #expect(text.hasSuffix("Content-Length: 5\r\n\r\n"))

        response = HTTPResponse(status: .noContent, body: Array("ignored".utf8))
        text = String(
            decoding: HTTPResponseEncoder.encode(
                response, headOnly: false, connection: .keepAlive,
                date: date
            ).joined(), as: UTF8.self)
        #expect(text == "HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: keep-alive\r\n\r\n")

        let big = HTTPResponse(status: .ok, body: [UInt8](repeating: 1, count: 100_000))
        let chunks = HTTPResponseEncoder.encode(big, headOnly: false, connection: .none, date: date)
        #expect(chunks.count == 2)
        #expect(chunks[1].count == 100_000)
    }

    @Test func callbackResponderDeliversOnce() {
        let received = Mutex<[Int]>([])
        let responder = HTTPResponder { response in received.withLock { $0.append(response.status.code) } }
        #expect(!responder.hasResponded)
        responder.respond(HTTPResponse(status: .created))
        responder.respond(HTTPResponse(status: .conflict))
        #expect(responder.hasResponded)
        #expect(received.withLock { $0 } == [201])
    }

    @Test func addressResolution() throws {
        #expect(try SocketAddress.resolve(host: "localhost", port: 80).description == "127.0.0.1:80")
        #expect(try SocketAddress.resolve(host: "0.0.0.0", port: 1).description == "0.0.0.0:1")
        #expect(try SocketAddress.resolve(host: "::1", port: 8080).description == "[::1]:8080")
        #expect(try SocketAddress.resolve(host: "[::]", port: 8080).description == "[::]:8080")
        #expect(throws: HTTPServerError.self) { try SocketAddress.resolve(host: "example.com", port: 80) }
        #expect(throws: HTTPServerError.self) { try SocketAddress.resolve(host: "127.0.0.1", port: 70_000) }
    }
}
