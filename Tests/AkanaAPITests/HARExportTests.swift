import DispatchHTTP
import EmulatorMachinery
import JSONCodec
import Testing

@testable import AkanaAPI

/// `GET /_emulator/requests.har`: the journal as HAR 1.2, secrets masked unless redact=false.
@Suite struct HARExportTests {
    let app: TestApp
    let admin: TestApp.Session
    let appID: String
    init() throws {
        app = try TestApp(journal: RequestJournal.Policy(captureExchange: true))
        admin = try app.login()
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"Archived in HAR"}"#)
        #expect(created.status == .ok)
        appID = created.text
        #expect(try app.send(.get, "/api/apps/\(appID)", headers: TestApp.headers(admin, ["Accept": "application/json"])).status == .ok)
    }

    func har(_ query: String = "") throws -> JSONValue {
        let response = try app.send(.get, "/_emulator/requests.har" + query)
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/json")
        return try response.json()
    }

    func entries(_ log: JSONValue) -> [JSONValue] { log["log"]?["entries"]?.arrayValue ?? [] }

    func header(_ list: JSONValue?, _ name: String) -> String? {
        list?.arrayValue?.first { $0["name"]?.stringValue?.lowercased() == name.lowercased() }?["value"]?.stringValue
    }

    @Test func theJournalAsHAR12OldestFirstWithHeadersAndBodies() throws {
        let log = try har()
        #expect(log["log"]?["version"]?.stringValue == "1.2")
        #expect(log["log"]?["creator"]?["name"]?.stringValue == "akana-emulator")
        let all = entries(log)
        let methods = all.compactMap { $0["request"]?["method"]?.stringValue }
        let paths = all.compactMap { $0["request"]?["url"]?.stringValue }
        // Oldest first: the login, the POST, then the GET.
        let login = try #require(paths.firstIndex { $0.hasSuffix("/api/login") })
        let post = try #require(
            all.firstIndex {
                $0["request"]?["method"]?.stringValue == "POST" && $0["request"]?["url"]?.stringValue?.hasSuffix("/api/apps") == true
            })
        let get = try #require(paths.firstIndex { $0.hasSuffix("/api/apps/\(appID)") })
        #expect(login < post && post < get, "\(methods) \(paths)")

        let created = all[post]
        #expect(created["request"]?["postData"]?["text"]?.stringValue == #"{"Name":"Archived in HAR"}"#)
        #expect(created["request"]?["postData"]?["mimeType"]?.stringValue == "application/json")
        #expect(created["response"]?["status"] == .integer(200))
        #expect(created["response"]?["content"]?["text"]?.stringValue == appID)
        #expect(created["comment"]?.stringValue?.contains(appID) == true)
        let read = all[get]
        #expect(read["response"]?["content"]?["text"]?.stringValue?.contains("Archived in HAR") == true)
        #expect(header(read["response"]?["headers"], "Content-Type")?.hasPrefix("application/json") == true)
        #expect(read["startedDateTime"]?.stringValue?.hasSuffix("Z") == true)
        #expect(read["timings"]?["wait"] != nil)
    }

    @Test func secretsAreMaskedUnlessRedactIsFalse() throws {
        let masked = entries(try har())
        let login = try #require(masked.first { $0["request"]?["url"]?.stringValue?.hasSuffix("/api/login") == true })
        #expect(login["request"]?["postData"]?["text"]?.stringValue?.contains(#""password":"(redacted)""#) == true)
        #expect(login["request"]?["postData"]?["text"]?.stringValue?.contains(#""password":"password""#) == false)
        let setCookies = login["response"]?["cookies"]?.arrayValue ?? []
        #expect(!setCookies.isEmpty && setCookies.allSatisfy { $0["value"]?.stringValue == "(redacted)" })
        #expect(header(login["response"]?["headers"], "Set-Cookie")?.contains("=(redacted)") == true)
        let post = try #require(
            masked.first {
                $0["request"]?["method"]?.stringValue == "POST" && $0["request"]?["url"]?.stringValue?.hasSuffix("/api/apps") == true
            })
        #expect(header(post["request"]?["headers"], "X-Csrf-Token_acmepaymentscorp") == "(redacted)")
        #expect(header(post["request"]?["headers"], "Cookie")?.contains(admin.authCookie) == false)

        let open = entries(try har("?redact=false"))
        let openPost = try #require(
            open.first {
                $0["request"]?["method"]?.stringValue == "POST" && $0["request"]?["url"]?.stringValue?.hasSuffix("/api/apps") == true
            })
        #expect(header(openPost["request"]?["headers"], "X-Csrf-Token_acmepaymentscorp") == admin.csrf)
    }

    @Test func withoutCaptureTheHARHasNoHeadersOrResponseBodies() throws {
        let plain = try TestApp()
        let session = try plain.login()
        #expect(try plain.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .ok)
        let response = try plain.send(.get, "/_emulator/requests.har")
        let all = entries(try response.json())
        let status = try #require(all.first { $0["request"]?["url"]?.stringValue?.hasSuffix("/api/login/status") == true })
        #expect(status["request"]?["headers"]?.arrayValue == [])
        #expect(status["response"]?["content"]?["text"] == nil)
        #expect(status["response"]?["status"] == .integer(200))
    }

    @Test func theJournalsFiltersApplyAndBadValuesAreRefused() throws {
        let posts = entries(try har("?method=POST&path=/api/apps"))
        #expect(posts.count == 1)
        #expect(entries(try har("?limit=1")).count == 1)
        #expect(try app.send(.get, "/_emulator/requests.har?redact=maybe").status == .badRequest)
        #expect(try app.send(.get, "/_emulator/requests.har?status=abc").status == .badRequest)
        // Reading the HAR is not journaled itself.
        #expect(!entries(try har()).contains { $0["request"]?["url"]?.stringValue?.contains("requests.har") == true })
    }
}
