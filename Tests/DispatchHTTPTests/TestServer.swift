import DispatchHTTP
import Foundation
import Logging

/// Configuration for live tests: port 0 on loopback, two loops, short timeouts.
func testConfiguration(_ adjust: (inout HTTPServerConfiguration) -> Void = { _ in }) -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 2)
    configuration.headerReadTimeout = 5
    configuration.idleTimeout = 10
    adjust(&configuration)
    return configuration
}

let quietLogger = Logger(label: "DispatchHTTPTests") { _ in SwiftLogNoOpLogHandler() }

/// Starts a server on a free port, runs `body`, and always shuts the server down.
func withServer(
    _ configuration: HTTPServerConfiguration = testConfiguration(),
    handler: any HTTPHandler = EchoHandler(),
    _ body: (HTTPServer) throws -> Void
) throws {
    let server = HTTPServer(configuration: configuration, handler: handler, logger: quietLogger)
    try server.start()
    defer { server.shutdown(gracePeriod: 1) }
    try body(server)
}

/// Answers `<METHOD> <path>` plus the body; `?delay=<ms>` answers later from another thread;
/// `?size=<n>` answers with n bytes; `?close` sets `Connection: close` on the response.
/// `received` is signalled as each request reaches the handler, `lateAnswered` once each delayed
/// answer has been handed to its responder: tests wait for those events instead of sleeping.
struct EchoHandler: HTTPHandler {
    var received: DispatchSemaphore? = nil
    var lateAnswered: DispatchSemaphore? = nil

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        received?.signal()
        var response: HTTPResponse
        if let size = request.queryValue("size").flatMap(Int.init) {
            response = HTTPResponse(status: .ok, body: [UInt8](repeating: UInt8(ascii: "x"), count: size))
        } else {
            var body = Array("\(request.method) \(request.path)".utf8)
            if !request.body.isEmpty {
                body.append(UInt8(ascii: "\n"))
                body.append(contentsOf: request.body)
            }
            response = HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/plain", "X-Request-ID": request.id],
                body: body)
        }
        // The server replaces these.
        response.headers.add("Content-Length", "999")
        response.headers.add("Date", "yesterday")
        if request.queryValue("close") != nil { response.headers.set("Connection", "close") }
        if let delay = request.queryValue("delay").flatMap(Int.init) {
            let finalResponse = response
            let lateAnswered = lateAnswered
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) {
                responder.respond(finalResponse)
                lateAnswered?.signal()
            }
        } else {
            responder.respond(response)
        }
    }
}
