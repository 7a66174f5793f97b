import DispatchHTTP
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

    /// What the request log prints: the decoded path of a request whose target hides a newline.
    @Test func aDecodedPathWithAnEncodedNewlineStaysOnOneLine() throws {
        let request = try HTTPRequest(method: .get, target: "/x%0A2026-12-01T00:00:00Z%20error%20forged%0D")
        #expect(request.path.contains("\n"))
        let logged = LogEscaping.printable(request.path)
        #expect(!logged.contains("\n") && !logged.contains("\r"))
        #expect(logged == "/x\\x0A2026-12-01T00:00:00Z error forged\\x0D")
    }
}
