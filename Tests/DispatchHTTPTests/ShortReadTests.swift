import Foundation
import TestSupport
import Testing

@testable import DispatchHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The connection skips the read that would return EAGAIN after a short read (see
/// `Connection.pump`): no request bytes and no end of file may be missed because of it,
/// whatever the timing of the client's data and FIN.
@Suite("Short reads (no EAGAIN read after each request)", .serialized)
struct ShortReadTests {
    /// Long timeouts: a missed FIN or missed bytes would show as a wait, not as a timeout answer.
    private func patientConfiguration() -> HTTPServerConfiguration {
        testConfiguration {
            $0.idleTimeout = 60
            $0.headerReadTimeout = 60
            $0.eventLoopCount = 1
        }
    }

    private func waitForNoConnections(_ server: HTTPServer) -> Bool {
        waitUntil { server.connectionCount == 0 }
    }

    @Test func halfCloseRightAfterTheRequestIsSeen() throws {
        try withServer(patientConfiguration()) { server in
            for round in 0..<40 {
                let client = try RawHTTPClient(port: server.port)
                // The FIN goes out right behind the request: often in the same epoll event.
                try client.send("GET /fin\(round) HTTP/1.1\r\nHost: t\r\n\r\n")
                client.shutdownWrite()
                let response = try client.readResponse()
                #expect(response.text == "GET /fin\(round)")
                #expect(try client.waitForClose(timeout: 5), "round \(round)")
            }
            #expect(waitForNoConnections(server), "\(server.debugConnections())")
        }
    }

    @Test func halfCloseAfterTheResponseIsSeen() throws {
        try withServer(patientConfiguration()) { server in
            for round in 0..<20 {
                let client = try RawHTTPClient(port: server.port)
                try client.send("GET /a\(round) HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().text == "GET /a\(round)")
                // The server has answered and skipped its EAGAIN read: the FIN arrives later.
                client.shutdownWrite()
                #expect(try client.waitForClose(timeout: 5), "round \(round)")
            }
            #expect(waitForNoConnections(server), "\(server.debugConnections())")
        }
    }

    @Test func bytesArrivingAfterAShortReadAreRead() throws {
        try withServer(patientConfiguration()) { server in
            let client = try RawHTTPClient(port: server.port)
            for round in 0..<30 {
                // A head in pieces, each a short read, with pauses between them; then a
                // request pipelined behind a delayed answer.
                let pieces = ["GET /s\(round)", " HTTP/1.1\r\nHo", "st: t\r\n", "\r\n"]
                for piece in pieces {
                    try client.send(piece)
                    usleep(UInt32(1_000 * (round % 3)))
                }
                #expect(try client.readResponse().text == "GET /s\(round)")
            }
            try client.send("GET /slow?delay=50 HTTP/1.1\r\nHost: t\r\n\r\n")
            usleep(10_000)
            try client.send("GET /behind HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "GET /slow")
            #expect(try client.readResponse().text == "GET /behind")
            // Data and FIN together after an idle keep-alive period.
            try client.send("POST /last HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
            client.shutdownWrite()
            #expect(try client.readResponse().text == "POST /last\nabc")
            #expect(try client.waitForClose(timeout: 5))
            #expect(waitForNoConnections(server), "\(server.debugConnections())")
        }
    }

    @Test func bodiesLargerThanTheReadBufferArriveWhole() throws {
        try withServer(patientConfiguration()) { server in
            let client = try RawHTTPClient(port: server.port)
            let body = [UInt8](repeating: UInt8(ascii: "b"), count: 300_000)
            try client.send(Array("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let response = try client.readResponse()
            #expect(response.body.count == "POST /big\n".utf8.count + body.count)
        }
    }
}
