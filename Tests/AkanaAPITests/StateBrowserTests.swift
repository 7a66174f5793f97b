import AkanaDomain
import DispatchHTTP
import Foundation
import Testing

@testable import AkanaAPI

/// Issue 18: the read-only state browser at `/_emulator/ui`.
@Suite struct StateBrowserTests {
    @Test func pagesShowTheStateEscaped() throws {
        let app = try TestApp()
        let session = try app.login()
        let hostile = #"<script>alert("x")</script> & co"#
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"\#(hostile.replacingOccurrences(of: "\"", with: "\\\""))","ApplicationVersion":{"Name":"1.0"}}"#)
        #expect(created.status == .ok)
        let appID = created.text
        let object = try app.send(
            .post, "/_emulator/objects", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: #"{"ObjectType":"discussion","ObjectID":"discussion4242.acmepaymentscorp"}"#)
        #expect(object.status == .created)

        let apps = try app.send(.get, "/_emulator/ui/apps")
        #expect(apps.status == .ok)
        #expect(apps.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(apps.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"))
        #expect(!apps.text.contains("<script>"))
        let detail = try app.send(.get, "/_emulator/ui/apps/\(appID)")
        #expect(detail.status == .ok)
        #expect(detail.text.contains("<td>1.0</td>"))
        #expect(detail.text.contains(TestApp.admin))  // the team
        #expect(try app.send(.get, "/_emulator/ui/apps/nope.acmepaymentscorp").status == .notFound)

        let workflow = try app.send(.get, "/_emulator/ui/workflow/discussion4242.acmepaymentscorp")
        #expect(workflow.status == .ok)
        #expect(workflow.text.contains("History"))
        #expect(workflow.text.contains("emulator"))  // the history entry's user

        let users = try app.send(.get, "/_emulator/ui/users").text
        #expect(users.contains(TestApp.admin) && users.contains("SiteAdmin"))

        // The journal page links the created app to its page.
        let journal = try app.send(.get, "/_emulator/ui/requests?method=POST&path=/api/apps").text
        #expect(journal.contains("href=\"/_emulator/ui/objects/\(appID)\""))
        let link = try app.send(.get, "/_emulator/ui/objects/\(appID)")
        #expect(link.status == .seeOther)
        #expect(link.headers["Location"] == "/_emulator/ui/apps/\(appID)")
        #expect(try app.send(.get, "/_emulator/ui/requests?status=abc").status == .badRequest)
        for page in ["/_emulator/ui", "/_emulator/ui/models", "/_emulator/ui/workflow", "/_emulator/ui/snapshots"] {
            #expect(try app.send(.get, page).status == .ok, "\(page)")
        }
    }
}
