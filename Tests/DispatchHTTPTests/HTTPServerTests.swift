import Foundation
import Synchronization
import TestSupport
import Testing

@testable import DispatchHTTP

#if canImport(Glibc)
    import Glibc
#endif

@Suite("HTTPServer (live sockets)")
struct HTTPServerTests {
    @Test func getAndKeepAlive() throws {
        try withServer { server in
            #expect(server.port > 0)
            #expect(server.host == "127.0.0.1")
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /one HTTP/1.1\r\nHost: test\r\n\r\n")
            let first = try client.readResponse()
            #expect(first.status == 200)
            #expect(first.text == "GET /one")
            #expect(first.headers["Content-Length"] == "8")
            #expect(first.headers.values("Content-Length").count == 1)
            #expect(first.headers["Date"]?.hasSuffix(" GMT") == true)
            #expect(first.headers.values("Date").count == 1)
            #expect(first.headers["Connection"] == nil)
            try client.send("GET /two HTTP/1.1\r\nHost: test\r\n\r\n")
            let second = try client.readResponse()
            #expect(second.text == "GET /two")
            #expect(first.headers["X-Request-ID"] != second.headers["X-Request-ID"])
            #expect(server.connectionCount == 1)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send((1...3).map { "GET /p\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
            for index in 1...3 {
                #expect(try client.readResponse().text == "GET /p\(index)")
            }
        }
    }

    @Test func pipelinedAsynchronousResponsesStayInOrder() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            // The first answer comes last in time; the order on the wire must not change.
            try client.send(
                "GET /slow?delay=300 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /quick?delay=10 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /sync HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /mid?delay=100 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "GET /slow")
            #expect(try client.readResponse().text == "GET /quick")
            #expect(try client.readResponse().text == "GET /sync")
            #expect(try client.readResponse().text == "GET /mid")
        }
    }

    @Test func chunkedPostIsEchoed() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send("5;x=y\r\nhello\r\n")
            try client.send("6\r\n world\r\n0\r\nTrailer: ignored\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "POST /echo\nhello world")
        }
    }

    @Test func largeBodiesBothWays() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            let body = (0..<600_000).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            try client.send(Array("PUT /big HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let echoed = try client.readResponse()
            #expect(echoed.body == Array("PUT /big\n".utf8) + body)
            try client.send("GET /x?size=3000000 HTTP/1.1\r\nHost: t\r\n\r\n")
            let large = try client.readResponse()
            #expect(large.body.count == 3_000_000)
        }
    }

    @Test func expectContinueFlow() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            try client.send("payload")
            let final = try client.readResponse()
            #expect(final.status == 200)
            #expect(final.text == "POST /upload\npayload")
        }
    }

    @Test func expectContinueWithBodyTooLargeGets413() throws {
        try withServer(testConfiguration { $0.maxBodyBytes = 10 }) { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.headers["Connection"] == "close")
            #expect(try client.waitForClose())
        }
    }

    @Test func headHasContentLengthButNoBody() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("HEAD /thing HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(forHead: true)
            #expect(head.status == 200)
            #expect(head.headers["Content-Length"] == "\("HEAD /thing".utf8.count)")
            // Had any body bytes been sent, they would corrupt this next response.
            try client.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "GET /after")
        }
    }

    @Test func http10ClosesUnlessKeepAlive() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "GET /old")
            #expect(response.headers["Connection"] == "close")
            #expect(try client.waitForClose())

            let persistent = try RawHTTPClient(port: server.port)
            try persistent.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try persistent.readResponse().headers["Connection"] == "keep-alive")
            try persistent.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try persistent.readResponse().text == "GET /b")
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /bye HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "GET /bye")
            #expect(response.headers["Connection"] == "close")
            #expect(try client.waitForClose())

            // The handler asks for the close.
            let other = try RawHTTPClient(port: server.port)
            try other.send("GET /handler?close HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try other.readResponse().headers["Connection"] == "close")
            #expect(try other.waitForClose())
        }
    }

    @Test func malformedRequestGets400AndClose() throws {
        let configuration = testConfiguration {
            $0.errorResponse = { status, message in
                HTTPResponse(
                    status: status, headers: ["Content-Type": "application/json"],
                    body: Array("{\"fault\":\(status.code)}".utf8))
            }
        }
        try withServer(configuration) { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.headers["Connection"] == "close")
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.text == "{\"fault\":400}")
            #expect(try client.waitForClose())

            let version = try RawHTTPClient(port: server.port)
            try version.send("GET / HTTP/3.0\r\nHost: t\r\n\r\n")
            #expect(try version.readResponse().status == 505)
            #expect(try version.waitForClose())
        }
    }

    @Test func connectionLimitAnswers503() throws {
        try withServer(testConfiguration { $0.maxConnections = 2 }) { server in
            let first = try RawHTTPClient(port: server.port)
            let second = try RawHTTPClient(port: server.port)
            for client in [first, second] {
                try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
            #expect(server.connectionCount == 2)
            let third = try RawHTTPClient(port: server.port)
            try third.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let refused = try third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.headers["Connection"] == "close")
            #expect(try third.waitForClose())
            #expect(server.connectionCount == 2)
        }
    }

    @Test func slowHeadersGet408() throws {
        try withServer(testConfiguration { $0.headerReadTimeout = 0.3 }) { server in
            let client = try RawHTTPClient(port: server.port)
            let started = Date()
            try client.send("GET /slow HTTP/1.1\r\nHost: t\r\n")
            let response = try client.readResponse()
            let elapsed = Date().timeIntervalSince(started)
            #expect(response.status == 408)
            #expect(response.headers["Connection"] == "close")
            #expect(elapsed >= 0.25 && elapsed < 2)
            #expect(try client.waitForClose())
        }
    }

    @Test func idleConnectionsAreClosed() throws {
        try withServer(testConfiguration { $0.idleTimeout = 0.3 }) { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            let started = Date()
            #expect(try client.waitForClose(timeout: 3))
            #expect(Date().timeIntervalSince(started) >= 0.2)
            // The loop accounts for the close once it has seen it.
            #expect(waitUntil { server.connectionCount == 0 }, "\(server.connectionCount) connections")
        }
    }

    @Test func idleServerSleeps() throws {
        try withServer { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            // The loops have finished with the exchange once their wake-up count stops moving.
            var settled = UInt64.max
            #expect(
                waitUntil(interval: 0.05) {
                    let now = server.eventLoopWakeUps
                    defer { settled = now }
                    return now == settled
                })
            let before = server.eventLoopWakeUps
            usleep(600_000)  // the window measured: an open keep-alive connection, nothing happening
            #expect(server.eventLoopWakeUps - before <= 2)
        }
    }

    @Test func shutdownWaitsForInFlightResponse() throws {
        let received = DispatchSemaphore(value: 0)
        let server = HTTPServer(configuration: testConfiguration(), handler: EchoHandler(received: received), logger: quietLogger)
        try server.start()
        let port = server.port
        let idle = try RawHTTPClient(port: port)
        try idle.send("GET /warm HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try idle.readResponse().status == 200)
        #expect(received.wait(timeout: .now() + 10) == .success)  // /warm's

        let busy = try RawHTTPClient(port: port)
        try busy.send("GET /slow?delay=500 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(received.wait(timeout: .now() + 10) == .success)  // the request reached the handler

        let started = Date()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.shutdown(gracePeriod: 5)
            done.signal()
        }
        // The idle keep-alive connection is closed right away.
        #expect(try idle.waitForClose(timeout: 2))
        // The in-flight request still gets its full response, marked as the last one.
        let response = try busy.readResponse()
        #expect(response.text == "GET /slow")
        #expect(response.headers["Connection"] == "close")
        #expect(try busy.waitForClose())
        #expect(done.wait(timeout: .now() + 5) == .success)
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.3 && elapsed < 3)
        // No longer listening; a second shutdown is a no-op.
        #expect(throws: RawHTTPClient.Failure.self) { try RawHTTPClient(port: port) }
        server.shutdown(gracePeriod: 1)
        #expect(server.connectionCount == 0)
    }

    @Test func shutdownGracePeriodIsBounded() throws {
        let received = DispatchSemaphore(value: 0)
        // A handler that answers after 3 s, well past the grace period (the delay is the thing tested).
        let server = HTTPServer(
            configuration: testConfiguration(),
            handler: ClosureHTTPHandler { _, responder in
                received.signal()
                DispatchQueue.global().asyncAfter(deadline: .now() + 3) { responder.respond(HTTPResponse(status: .ok)) }
            }, logger: quietLogger)
        try server.start()
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(received.wait(timeout: .now() + 10) == .success)  // the request is in flight
        let started = Date()
        server.shutdown(gracePeriod: 0.3)
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.25 && elapsed < 2.5)
        #expect(try client.waitForClose())
    }

    @Test func clientDisconnectingMidResponseDoesNotHurtTheServer() throws {
        let lateAnswered = DispatchSemaphore(value: 0)
        try withServer(handler: EchoHandler(lateAnswered: lateAnswered)) { server in
            for _ in 0..<3 {
                let client = try RawHTTPClient(port: server.port)
                try client.send("GET /x?size=8000000 HTTP/1.1\r\nHost: t\r\n\r\n")
                var byte: UInt8 = 0
                _ = recv(client.fd, &byte, 1, 0)  // the response has started
            }  // each client closes with unread data: the server sees EPIPE/ECONNRESET
            // A client that leaves before its asynchronous answer is ready.
            let leaver = try RawHTTPClient(port: server.port)
            try leaver.send("GET /late?delay=200 HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = consume leaver
            #expect(lateAnswered.wait(timeout: .now() + 10) == .success)  // answered to a client that left
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /still-alive HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "GET /still-alive")
            // The clients that left are closed as soon as the server hears of it (a reset, or EOF
            // once the late answer is written). Under a loaded machine (the whole suite on two
            // cores) that can take seconds: wait for the condition, not for a fixed time.
            waitUntil(timeout: 20) { server.connectionCount <= 1 }
            #expect(server.connectionCount == 1, "\(server.debugConnections())")
        }
    }

    @Test func handlerThatDropsItsResponderYields500() throws {
        try withServer(handler: ClosureHTTPHandler { _, _ in }) { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 500)
        }
    }

    @Test func requestMetadataReachesTheHandler() throws {
        let seen = Mutex<[HTTPRequest]>([])
        try withServer(
            handler: ClosureHTTPHandler { request, responder in
                seen.withLock { $0.append(request) }
                responder.respond(HTTPResponse(status: .noContent))
            }
        ) { server in
            let client = try RawHTTPClient(port: server.port)
            try client.send("DELETE /items/a%2Fb?force=yes+please HTTP/1.1\r\nHost: t\r\nX-Custom: v\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 204)
            #expect(response.headers["Content-Length"] == nil)
            let request = try #require(seen.withLock { $0.first })
            #expect(request.method == .delete)
            #expect(request.pathSegments == ["items", "a/b"])
            #expect(request.queryValue("force") == "yes please")
            #expect(request.headers["x-custom"] == "v")
            #expect(request.remoteAddress.hasPrefix("127.0.0.1:"))
            #expect(!request.id.isEmpty)
        }
    }

    @Test func ipv6Loopback() throws {
        try withServer(testConfiguration { $0.host = "::1" }) { server in
            #expect(server.host == "::1")
            let client = try RawHTTPClient(host: "::1", port: server.port)
            try client.send("GET /v6 HTTP/1.1\r\nHost: [::1]\r\n\r\n")
            #expect(try client.readResponse().text == "GET /v6")
        }
    }

    @Test func startErrorsAreClear() throws {
        try withServer { server in
            let clash = HTTPServer(
                configuration: testConfiguration { $0.port = server.port }, handler: EchoHandler(),
                logger: quietLogger)
            do {
                try clash.start()
                Issue.record("binding a used port should fail")
            } catch let error as SocketError {
                #expect(error.errno == EADDRINUSE)
                #expect(error.operation == "bind")
                #expect(error.description.contains("Address already in use"))
            }
            clash.shutdown(gracePeriod: 0)
            #expect(throws: HTTPServerError.alreadyStarted) { try server.start() }
        }
        let invalid = HTTPServer(
            configuration: testConfiguration { $0.host = "not-an-address" }, handler: EchoHandler(),
            logger: quietLogger)
        #expect(throws: HTTPServerError.self) { try invalid.start() }
    }
}
