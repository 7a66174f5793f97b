import Foundation
import TestSupport
import Testing

/// The per-request info line as the daemon writes it to stderr (StandardErrorLogHandler plus
/// `AkanaApplication.deliver`): one line per request, in this exact shape, nothing a client sends
/// able to break it.
@Suite(.serialized) struct RequestLogLineDaemonTests {
    @Test func eachRequestLogsOneLineOfAFixedShape() throws {
        let directory = try TemporaryDirectory()
        let emulator = try EmulatorProcess(
            arguments: [
                "serve", "--port", "0", "--database", directory.path("db.sqlite"),
                "--log-level", "info"
            ], directory: directory.url)
        try emulator.waitUntilListening()
        #expect(try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/health").status == 200)
        #expect(try RawHTTPClient.send(port: emulator.port, "GET", "/api/unknown%0Aforged\\x").status == 404)
        #expect(emulator.stop(signal: SIGTERM) == 0)
        let lines = emulator.readStderr().split(separator: "\n").map(String.init)
        let shape = try Regex(#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ info akana-emulator: (GET \S+ \d{3}) \d+\.\d{3}ms id=\d+-\d+"#)
        let requests = lines.compactMap { line in
            (try? shape.wholeMatch(in: line)).flatMap { $0.output[1].substring.map(String.init) }
        }
        #expect(requests == ["GET /_emulator/health 200", #"GET /api/unknown\x0Aforged\\x 404"#], "\(lines)")
    }
}
