import Dispatch
import DispatchHTTP
import Logging
import Synchronization
import Testing

@testable import AkanaAPI

@Suite struct LogEscapingTests {
    @Test func plainTextIsUnchanged() {
        #expect(LogEscaping.printable("/api/apps/ae7f7f68.acmepaymentscorp") == "/api/apps/ae7f7f68.acmepaymentscorp")
        #expect(LogEscaping.printable("/api/caf\u{E9}/日本") == "/api/caf\u{E9}/日本")
        #expect(LogEscaping.printable("") == "")
    }

    @Test func controlCharactersCannotStartANewLine() {
        #expect(LogEscaping.printable("/x\n2026-12-01T00:00:00Z error forged") == "/x\\x0A2026-12-01T00:00:00Z error forged")
        #expect(LogEscaping.printable("a\r\tb\u{0}\u{1B}[31m\u{7F}") == "a\\x0D\\x09b\\x00\\x1B[31m\\x7F")
        #expect(LogEscaping.printable("a\u{85}b\u{2028}c\u{2029}d\u{202E}e") == "a\\x85b\\u{2028}c\\u{2029}d\\u{202E}e")
        // A literal backslash is escaped too, so "\x0A" in a log line always was a real LF.
        #expect(LogEscaping.printable("a\\x0Ab") == "a\\\\x0Ab")
    }

    @Test func theASCIIFastPathKeepsWhatIsPrintable() {
        #expect(LogEscaping.printable(" !~/a b") == " !~/a b")
        #expect(LogEscaping.printable("\\") == "\\\\")
        #expect(LogEscaping.printable("a\u{80}") == "a\\x80")
        #expect(LogEscaping.printable("\u{A0}é") == "\u{A0}é")
    }

    @Test func requestLineShape() {
        #expect(
            LogEscaping.requestLine(method: "GET", path: "/api/apps", status: 200, micros: 1234, id: "0-17")
                == "GET /api/apps 200 1.234ms id=0-17")
        #expect(
            LogEscaping.requestLine(method: "POST", path: "/x\n", status: 503, micros: 0, id: "")
                == "POST /x\\x0A 503 0.000ms id=")
        #expect(
            LogEscaping.requestLine(method: "GET", path: "/", status: 404, micros: 12_345_067, id: "1-2")
                == "GET / 404 12345.067ms id=1-2")
        #expect(LogEscaping.requestLine(method: "GET", path: "/", status: 200, micros: 10_900, id: "1") == "GET / 200 10.900ms id=1")
        #expect(LogEscaping.requestLine(method: "GET", path: "/", status: 200, micros: 99, id: "1") == "GET / 200 0.099ms id=1")
    }

    /// What the request log prints: the decoded path of a request whose target hides a newline.
    @Test func aDecodedPathWithAnEncodedNewlineStaysOnOneLine() throws {
        let request = try HTTPRequest(method: .get, target: "/x%0A2026-12-01T00:00:00Z%20error%20forged%0D")
        #expect(request.path.contains("\n"))
        let logged = LogEscaping.printable(request.path)
        #expect(!logged.contains("\n") && !logged.contains("\r"))
        #expect(logged == "/x\\x0A2026-12-01T00:00:00Z error forged\\x0D")
    }
}

/// The request log line itself: a percent-encoded line break in the path cannot start a new line.
@Suite struct RequestLogLineTests {
    final class Capture: @unchecked Sendable {
        let lines = Mutex<[String]>([])
    }

    struct CapturingHandler: LogHandler {
        let capture: Capture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.lines.withLock { $0.append("\(event.message)") }
        }
    }

    @Test func aForgedLineBreakInThePathIsEscaped() throws {
        let capture = Capture()
        let logger = Logger(label: "test") { _ in CapturingHandler(capture: capture) }
        let app = AkanaApplication.withoutEnvironment(router: Router.withoutEnvironment(), logger: logger, execution: HandlerExecution())
        defer { app.shutdown() }
        let done = DispatchSemaphore(value: 0)
        app.handle(
            try HTTPRequest(method: .get, target: "/x%0A2026-01-01T00:00:00Z%20error%20forged"),
            responder: HTTPResponder { _ in done.signal() })
        done.wait()
        let lines = capture.lines.withLock { $0 }
        #expect(lines.count == 1)
        #expect(lines.allSatisfy { !$0.contains("\n") && !$0.contains("\r") })
        #expect(lines.first?.contains("/x\\x0A2026-01-01T00:00:00Z error forged 404") == true)
    }
}
