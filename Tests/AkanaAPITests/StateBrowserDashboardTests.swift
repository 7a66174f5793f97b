import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import Testing

@testable import AkanaAPI

/// Issue 30 part 6: the state browser's overview as a dashboard, and a page per journaled request.
extension StateBrowserTests {
    /// The cells of the table that follows `heading` on `page`, as rows of text (tags dropped,
    /// character references left as sent), headings first.
    static func table(after heading: String, in page: String) -> [[String]] {
        guard let start = page.range(of: "<h2>\(heading)</h2>") else { return [] }
        let rest = page[start.upperBound...]
        guard let open = rest.range(of: "<table>"), let close = rest.range(of: "</table>"),
            open.lowerBound < (rest.range(of: "<h2>")?.lowerBound ?? rest.endIndex)
        else { return [] }
        let html = String(rest[open.upperBound..<close.lowerBound])
        let cell = /<t[dh][^>]*>(.*?)<\/t[dh]>/
        return html.components(separatedBy: "</tr>").dropLast().map { row in
            row.matches(of: cell).map { match in
                String(match.output.1).replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression)
            }
        }
    }

    /// Sends `method target` as the server would, with the request id `id` (the journal keys the
    /// request page by it).
    static func send(
        _ app: TestApp, _ method: HTTPMethod, _ target: String, id: String, headers: HTTPHeaders = [:], body: String = ""
    ) throws -> HTTPResponse {
        var headers = headers
        if !headers.contains("Host") { headers.add("Host", "127.0.0.1:8080") }
        return app.handle(try HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8), id: id))
    }

    @Test func overviewCountsPerTenantAndShowsClockFaultsCheckpointsAndFailuresFirst() throws {
        let app = try TestApp(journal: RequestJournal.Policy(captureExchange: true))
        let session = try app.login()
        let write = TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"])
        for name in ["One", "Two"] {
            let created = try app.send(
                .post, "/api/apps", headers: write, body: #"{"Name":"\#(name)","ApplicationVersion":{"Name":"1.0"}}"#)
            #expect(created.status == .ok)
        }
        #expect(try Self.send(app, .get, "/api/login/status", id: "t-old-ok", headers: ["Cookie": session.cookieHeader]).status == .ok)
        #expect(
            try Self.send(app, .get, "/api/apps/nope.acmepaymentscorp", id: "t-failed", headers: ["Cookie": session.cookieHeader]).status
                == .notFound)
        #expect(try Self.send(app, .get, "/_emulator/clock", id: "t-new-ok").status == .ok)
        let fault = try app.send(
            .post, "/_emulator/faults", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: #"{"match": {"path": "/api/never/*"}, "respond": {"status": 503}}"#)
        let faultID = try #require(try fault.json()["id"]?.stringValue)
        let checkpoint = try #require(try app.send(.post, "/_emulator/checkpoints").json()["id"]?.stringValue)

        let page = try app.send(.get, "/_emulator/ui")
        #expect(page.status == .ok)
        let counts = Self.table(after: "Resources per tenant", in: page.text)
        #expect(counts.count == 2, "\(counts)")
        let row = Dictionary(uniqueKeysWithValues: zip(counts.first ?? [], counts.last ?? []))
        #expect(row["tenant"] == "acmepaymentscorp")
        #expect(row["apps"] == "2" && row["app versions"] == "2" && row["users"] == "2", "\(row)")
        #expect(row["APIs"] == "0" && row["contracts"] == "0" && row["gateway transactions"] == "0", "\(row)")

        // The clock is TestApp's frozen one; the fault and the checkpoint are listed and linked.
        #expect(page.text.contains("<p class=\"big\">frozen</p>"))
        #expect(page.text.contains(Timestamp.iso8601(app.clock.now())))
        #expect(Self.table(after: "Active faults", in: page.text).dropFirst().contains { $0.first == faultID })
        #expect(page.text.contains("href=\"/_emulator/ui/checkpoints/\(checkpoint)/diff\""))
        #expect(page.text.contains("<p class=\"big ok\">ok</p>"))  // health

        // The latest requests: the failure first, then the others newest first, each linked to its page.
        let requests = Self.table(after: "Latest requests, failures first (of the newest 200)", in: page.text).dropFirst()
        let ids = requests.compactMap(\.last).filter { $0.hasPrefix("t-") }
        #expect(ids == ["t-failed", "t-new-ok", "t-old-ok"], "\(requests)")
        #expect(page.text.contains("<tr class=\"entry fail\">"))
        #expect(page.text.contains("href=\"/_emulator/ui/requests/t-failed\""))
    }

    @Test func requestPageShowsTheExchangeWithCookiesAndCSRFMasked() throws {
        let app = try TestApp(journal: RequestJournal.Policy(captureExchange: true))
        let login = try Self.send(
            app, .post, "/api/login", id: "t-login", headers: ["Content-Type": "application/json"],
            body: #"{"email":"\#(TestApp.admin)","password":"password"}"#)
        #expect(login.status == .ok)
        let session = try app.login()
        let hostile = #"<b>"Bold" & co</b>"#
        let created = try Self.send(
            app, .post, "/api/apps", id: "t-create",
            headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"\#(hostile.replacingOccurrences(of: "\"", with: "\\\""))","ApplicationVersion":{"Name":"1.0"}}"#)
        #expect(created.status == .ok)
        let appID = created.text

        let page = try app.send(.get, "/_emulator/ui/requests/t-create")
        #expect(page.status == .ok)
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("<h1>POST /api/apps</h1>"))
        #expect(page.text.contains("200 OK") && page.text.contains("/api/apps") && page.text.contains("Request headers"))
        // Bodies escaped; the created app linked to its page.
        #expect(page.text.contains("&lt;b&gt;\\&quot;Bold\\&quot; &amp; co&lt;/b&gt;"), "\(page.text)")
        #expect(!page.text.contains("<b>"))
        #expect(page.text.contains("<pre>\(appID)</pre>"))
        #expect(page.text.contains("href=\"/_emulator/ui/apps/\(appID)\""))
        // The session cookie, the CSRF cookie and header are masked, their names kept.
        #expect(!page.text.contains(session.authCookie) && !page.text.contains(session.csrf))
        #expect(page.text.contains("X-Csrf-Token_acmepaymentscorp</td><td>\(HARExport.masked)</td>"))
        #expect(page.text.contains("AtmoAuthToken_acmepaymentscorp=\(HARExport.masked)"))
        #expect(page.text.contains("Outbox entries it caused"))

        // A request that wrote to the outbox (a user created by the Site Admin) lists the captured message.
        let user = try Self.send(
            app, .post, "/api/users", id: "t-user",
            headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: UserRoutesTests.documentedBody)
        #expect(user.status == .ok, "\(user.text)")
        let userPage = try app.send(.get, "/_emulator/ui/requests/t-user").text
        let outbox = Self.table(after: "Outbox entries it caused (captured notifications)", in: userPage)
        #expect(outbox.first?.prefix(2) == ["time", "kind"], "\(userPage)")
        #expect(outbox.dropFirst().contains { $0.count > 1 && $0[1] == "user.created" }, "\(outbox)")
        #expect(Self.table(after: "Outbox entries it caused (captured notifications)", in: page.text).count <= 1)

        // The login: its password and the cookies it set are masked.
        let loginPage = try app.send(.get, "/_emulator/ui/requests/t-login").text
        #expect(loginPage.contains("&quot;password&quot;:&quot;\(HARExport.masked)&quot;"), "\(loginPage)")
        #expect(!loginPage.contains("&quot;password&quot;:&quot;password&quot;"))
        #expect(loginPage.contains("Set-Cookie") && loginPage.contains("=\(HARExport.masked)"))

        // A request an injected fault answered names the fault.
        let fault = try #require(
            try app.send(
                .post, "/_emulator/faults", headers: ["Content-Type": "application/json", "Accept": "application/json"],
                body: #"{"match": {"path": "/api/login/status"}, "respond": {"status": 503}}"#
            ).json()["id"]?.stringValue)
        #expect(try Self.send(app, .get, "/api/login/status", id: "t-faulted").status == .serviceUnavailable)
        let faulted = try app.send(.get, "/_emulator/ui/requests/t-faulted").text
        #expect(faulted.contains("The injected fault it hit") && faulted.contains(fault))
        #expect(faulted.contains("503 Service Unavailable"))

        // The journal page links every entry to its request page; unknown ids are a 404.
        #expect(try app.send(.get, "/_emulator/ui/requests").text.contains("href=\"/_emulator/ui/requests/t-create\""))
        let missing = try app.send(.get, "/_emulator/ui/requests/t-never", headers: ["Accept": "application/json"])
        #expect(missing.status == .notFound)
        #expect(try missing.json()["faultcode"]?.stringValue == "Client")
    }

    @Test func longValuesAreShortenedWithTheWholeValueOnHover() {
        let id = String(repeating: "a1b2c3d4", count: 8) + "<&>.acmepaymentscorp"
        let shown = EmulatorBrowserRoutes.cell(id)
        #expect(shown.hasPrefix("<span class=\"long\" title=\"\(EmulatorBrowserRoutes.escape(id))\">"))
        #expect(shown.contains("…") && shown.contains("acmepaymentscorp</span>"))
        #expect(!shown.contains("<&>"))
        #expect(EmulatorBrowserRoutes.cell("1.0 & <b>") == "1.0 &amp; &lt;b&gt;")
        let html = EmulatorBrowserRoutes.table([["id": id]], ["id"])
        #expect(html.contains("title=\"\(EmulatorBrowserRoutes.escape(id))\""))
    }
}
