import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

/// Every app route refuses the caller just outside the roles its page names, and app teams
/// (GET/POST /api/apps/{AppID}/members, DELETE …/members/{UserID}) change who may read and modify.
@Suite struct AppTeamAndAccessTests {
    let app: TestApp
    let admin: TestApp.Session  // Site Admin, not on Jane's teams
    let jane: TestApp.Session  // creates the apps: team Admin
    let bob: TestApp.Session  // Business Admin
    let kim: TestApp.Session  // a user outside the team

    static let kimEmail = "kim@acmepaymentscorp.com"
    static let leeEmail = "lee@acmepaymentscorp.com"

    init() throws {
        app = try TestApp(users: [
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.jane, password: "password", name: "Jane", roles: []),
            SeedUser(
                tenant: "acmepaymentscorp", email: "bob@acmepaymentscorp.com", password: "password", name: "Bob", roles: ["BusinessAdmin"]),
            SeedUser(tenant: "acmepaymentscorp", email: Self.kimEmail, password: "password", name: "Kim", roles: []),
            SeedUser(tenant: "acmepaymentscorp", email: Self.leeEmail, password: "password", name: "Lee", roles: [])
        ])
        admin = try app.login()
        jane = try app.login(TestApp.jane)
        bob = try app.login("bob@acmepaymentscorp.com")
        kim = try app.login(Self.kimEmail)
    }

    func createApp(as session: TestApp.Session, visibility: String = "Public") throws -> (String, String) {
        let body = AppRoutesTests.createBody.replacingOccurrences(of: #""Visibility":"Public""#, with: #""Visibility":"\#(visibility)""#)
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]), body: body)
        try #require(created.status == .ok)
        let read = try app.send(.get, "/api/apps/\(created.text)", headers: ["Cookie": session.cookieHeader])
        return (created.text, try #require(try read.json()["DefaultVersionID"]?.stringValue))
    }

    func send(_ method: HTTPMethod, _ path: String, as session: TestApp.Session, body: String = "", accept: String = "*/*") throws
        -> HTTPResponse
    {
        var extra: HTTPHeaders = ["Accept": accept]
        if !body.isEmpty { extra.add("Content-Type", "application/json") }
        return try app.send(method, path, headers: TestApp.headers(session, extra), body: body)
    }

    func invite(_ email: String, to appID: String, as session: TestApp.Session) throws -> HTTPResponse {
        try send(
            .post, "/api/apps/\(appID)/members", as: session,
            body: #"{"Message":"Hi. Inviting you to the Puzzle app team as discussed.","Email":"\#(email)"}"#, accept: "text/plain")
    }

    /// The invitee answers the membership request the invitation answered (m_groups_executeWorkflowAction).
    func accept(_ requestID: String, as session: TestApp.Session, action: String = "accept") throws -> HTTPResponse {
        try send(
            .post, "/api/groups/requests/\(requestID)/actions", as: session,
            body: #"{"ActionName":"group.membership.action.\#(action)"}"#, accept: "text/plain")
    }

    static let pending = "com.soa.group.membership.state.pending"
    static let accepted = "com.soa.group.membership.state.accepted"

    func userID(_ session: TestApp.Session) throws -> String {
        try #require(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).json()["userFDN"]?.stringValue)
    }

    /// One request per route, from the nearest outsider: a logged-in user off the team where the page
    /// names Site Admins; a Site Admin off the team where it names only the team and Business Admins.
    @Test func eachAppRouteRefusesItsNearestOutsider() throws {
        let (appID, versionID) = try createApp(as: jane)
        let (privateApp, _) = try createApp(as: jane, visibility: "Limited")
        let edit = #"{"Description":"edited"}"#
        let cases: [(HTTPMethod, String, TestApp.Session, String, String, HTTPStatus)] = [
            (.get, "/api/apps/\(appID)", kim, "", "application/json", .forbidden),
            (.put, "/api/apps/\(appID)", kim, #"{"Name":"x"}"#, "text/plain", .forbidden),
            (.delete, "/api/apps/\(appID)", admin, "", "text/plain", .forbidden),
            (.post, "/api/apps/\(appID)/versions", admin, #"{"Name":"2.0"}"#, "text/plain", .forbidden),
            (.get, "/api/apps/\(privateApp)/versions", kim, "", "application/json", .notFound),
            (.get, "/api/apps/versions/\(versionID)", kim, "", "application/json", .forbidden),
            (.put, "/api/apps/versions/\(versionID)", admin, edit, "text/plain", .forbidden),
            (.delete, "/api/apps/versions/\(versionID)", admin, "", "text/plain", .forbidden),
            (.post, "/api/apps/versions/\(versionID)/action", admin, #"{"ActionName":"@RegeneratedSecret"}"#, "text/plain", .forbidden),
            (.get, "/api/apps/versions/\(versionID)/secret", kim, "", "text/plain", .forbidden),
            (.put, "/api/apps/versions/\(versionID)/secret", admin, "", "text/plain", .forbidden),
            (.get, "/api/apps/\(appID)/members", kim, "", "application/json", .forbidden),
            (.post, "/api/apps/\(appID)/members", kim, #"{"Message":"m","Email":"\#(Self.leeEmail)"}"#, "text/plain", .forbidden),
            (.delete, "/api/apps/\(appID)/members/\(try userID(jane))", kim, "", "text/plain", .forbidden)
        ]
        for (method, path, session, body, accept, expected) in cases {
            let response = try send(method, path, as: session, body: body, accept: accept)
            #expect(response.status == expected, "\(method) \(path): \(response.status.code) \(response.text)")
        }
        // Nothing changed: the version and the team are as Jane left them.
        let version = try send(.get, "/api/apps/versions/\(versionID)", as: jane, accept: "application/json")
        #expect(try version.json()["Description"]?.stringValue == "Initial version")
        #expect(
            try send(.get, "/api/apps/\(appID)/members", as: jane, accept: "application/json").json()["channel"]?["item"]?.arrayValue?.count
                == 1)
        // The roles the pages do name get through.
        #expect(try send(.get, "/api/apps/versions/\(versionID)", as: admin, accept: "application/json").status == .ok)
        #expect(try send(.put, "/api/apps/versions/\(versionID)", as: bob, body: edit, accept: "text/plain").status == .ok)
        #expect(try send(.get, "/api/apps/\(appID)/versions", as: kim, accept: "application/json").status == .ok)
        // Creating an app needs a login.
        #expect(
            try app.send(
                .post, "/api/apps", headers: ["Content-Type": "application/json", "Accept": "text/plain"], body: AppRoutesTests.createBody
            ).status == .unauthorized)
    }

    @Test func joiningTheTeamLetsAMemberReadAndModifyAndLeavingTakesItAway() throws {
        let (appID, versionID) = try createApp(as: jane)
        #expect(try send(.get, "/api/apps/versions/\(versionID)", as: kim, accept: "application/json").status == .forbidden)

        let added = try invite(Self.kimEmail, to: appID, as: jane)
        #expect(added.status == .ok)
        #expect(added.headers["Content-Type"] == "text/plain")
        let kimID = try userID(kim)
        // The answer is the membership request (group_member_req-<uuid>.<tenant>), pending.
        let requestID = added.text
        #expect(requestID.hasPrefix("group_member_req-") && requestID.hasSuffix(".acmepaymentscorp"))
        #expect(try send(.get, "/api/groups/requests/\(requestID)", as: kim, accept: "text/plain").text == Self.pending)
        #expect(try invite(Self.kimEmail, to: appID, as: jane).text == requestID)  // again: the invitation is renewed
        // Invited is not a member yet: the team lists Kim as Invited, and the app stays closed to her.
        let pending =
            try send(.get, "/api/apps/\(appID)/members", as: jane, accept: "application/json").json()["channel"]?["item"]?.arrayValue ?? []
        #expect(
            pending.first { $0["guid"]?["value"]?.stringValue == kimID }?["category"]?.arrayValue?.first?["value"] == .string("Invited"))
        #expect(try send(.get, "/api/apps/versions/\(versionID)", as: kim, accept: "application/json").status == .forbidden)
        #expect(
            try send(
                .post, "/api/workflow/objects/\(requestID)/actions", as: jane, body: #"{"ActionName":"group.membership.action.resend"}"#,
                accept: "text/plain"
            ).text == Self.pending)
        // Only the invitee answers the invitation (the workflow refuses the team Admin).
        #expect(try accept(requestID, as: jane).status == .forbidden)
        let accepted = try accept(requestID, as: kim)
        #expect(accepted.status == .ok)
        #expect(accepted.text == Self.accepted)
        #expect(try accept(requestID, as: kim).status == .conflict)

        let members = try send(.get, "/api/apps/\(appID)/members", as: kim, accept: "application/json").json()
        let items = try #require(members["channel"]?["item"]?.arrayValue)
        #expect(items.count == 2)
        let kimItem = try #require(items.first { $0["guid"]?["value"]?.stringValue == kimID })
        #expect(kimItem["title"]?.stringValue == "Kim")
        #expect(kimItem["description"]?.stringValue == Self.kimEmail)
        #expect(kimItem["category"]?.arrayValue?.first?["value"]?.stringValue == "Member")

        // Now Kim reads and modifies the app.
        #expect(try send(.get, "/api/apps/versions/\(versionID)", as: kim, accept: "application/json").status == .ok)
        #expect(
            try send(.put, "/api/apps/versions/\(versionID)", as: kim, body: #"{"Description":"by Kim"}"#, accept: "text/plain").status
                == .ok)
        // A Member may invite, but not remove someone else; a team Admin may.
        let leeRequest = try invite(Self.leeEmail, to: appID, as: kim)
        #expect(leeRequest.status == .ok)
        let lee = try app.login(Self.leeEmail)
        // The generic workflow route acts on the same object.
        #expect(
            try send(
                .post, "/api/workflow/objects/\(leeRequest.text)/actions", as: lee,
                body: #"{"ActionName":"group.membership.action.accept"}"#,
                accept: "text/plain"
            ).text == Self.accepted)
        let leeID = try #require(
            try send(.get, "/api/apps/\(appID)/members", as: jane, accept: "application/json").json()["channel"]?["item"]?.arrayValue?
                .compactMap { $0["guid"]?["value"]?.stringValue }.first { $0 != kimID && $0 != (try? userID(jane)) })
        #expect(try send(.delete, "/api/apps/\(appID)/members/\(leeID)", as: kim, accept: "text/plain").status == .forbidden)
        #expect(try send(.delete, "/api/apps/\(appID)/members/\(leeID)", as: jane, accept: "text/plain").status == .ok)
        // The last Admin cannot be removed, even by a Site Admin.
        #expect(try send(.delete, "/api/apps/\(appID)/members/\(try userID(jane))", as: admin, accept: "text/plain").status == .conflict)
        // Kim leaves; the app is closed to her again.
        let left = try send(.delete, "/api/apps/\(appID)/members/\(kimID)?Comment=Leaving%20the%20team", as: kim, accept: "text/plain")
        #expect(left.status == .ok)
        #expect(left.text == kimID)
        #expect(try send(.get, "/api/apps/versions/\(versionID)", as: kim, accept: "application/json").status == .forbidden)
        #expect(try send(.delete, "/api/apps/\(appID)/members/\(kimID)", as: jane, accept: "text/plain").status == .notFound)
    }

    @Test func invitationsAreCheckedBeforeAnythingChanges() throws {
        let (appID, _) = try createApp(as: jane)
        #expect(
            try send(.post, "/api/apps/\(appID)/members", as: jane, body: #"{"Email":"\#(Self.kimEmail)"}"#, accept: "text/plain").status
                == .badRequest)
        #expect(
            try send(.post, "/api/apps/\(appID)/members", as: jane, body: #"{"Message":"hi"}"#, accept: "text/plain").status == .badRequest)
        #expect(try send(.post, "/api/apps/\(appID)/members", as: jane, body: #"["x"]"#, accept: "text/plain").status == .badRequest)
        let stranger = try invite("nobody@example.com", to: appID, as: jane)
        #expect(stranger.status == .badRequest)
        #expect(stranger.text.contains("InviteUnregisteredUsers"))
        #expect(try invite(Self.kimEmail, to: "missing.acmepaymentscorp", as: jane).status == .notFound)
        #expect(
            try send(.get, "/api/apps/\(appID)/members", as: jane, accept: "application/json").json()["channel"]?["item"]?.arrayValue?.count
                == 1)
        // XML form of the team.
        let xml = try send(.get, "/api/apps/\(appID)/members", as: jane, accept: "application/xml")
        #expect(xml.status == .ok)
        #expect(xml.text.contains("<title>Jane</title>"))
    }

    @Test func declinedAndWithdrawnInvitationsChangeNothingAndATenantMayAutoAccept() throws {
        let (appID, versionID) = try createApp(as: jane)
        let requestID = try invite(Self.kimEmail, to: appID, as: jane).text
        let declined = try accept(requestID, as: kim, action: "decline")
        #expect(declined.text == "com.soa.group.membership.state.declined")
        #expect(
            try send(.get, "/api/apps/\(appID)/members", as: jane, accept: "application/json").json()["channel"]?["item"]?.arrayValue?.count
                == 1)
        #expect(try send(.get, "/api/apps/versions/\(versionID)", as: kim, accept: "application/json").status == .forbidden)
        // A withdrawn invitation cannot be accepted; an unknown membership action is a 400.
        // Invited again: the same request, pending again (@RecreateInPendingState).
        #expect(try invite(Self.kimEmail, to: appID, as: jane).text == requestID)
        #expect(try send(.get, "/api/groups/requests/\(requestID)", as: kim, accept: "text/plain").text == Self.pending)
        let kimID = try userID(kim)
        #expect(try send(.delete, "/api/apps/\(appID)/members/\(kimID)", as: jane, accept: "text/plain").status == .ok)
        #expect(
            try send(.get, "/api/groups/requests/\(requestID)", as: kim, accept: "text/plain").text
                == "com.soa.group.membership.state.removed")
        #expect(try accept(requestID, as: kim).status == .conflict)  // withdrawn: accept is no action of the removed state
        #expect(try accept(requestID, as: kim, action: "promote").status == .badRequest)
        #expect(try send(.get, "/api/apps/versions/\(versionID)", as: kim, accept: "application/json").status == .forbidden)
        // With the tenant's AutoAcceptAppTeamInvitations on (a fixture setting), the invitee joins at
        // once: the setting assigns the shipped groupmembership-autoaccept workflow.
        let fixture = #"{"settings":{"AutoAcceptAppTeamInvitations":true}}"#
        #expect(try app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: fixture).status == .ok)
        let assigned = try send(.get, "/api/workflow/definitions?ObjectType=groupmembership", as: admin, accept: "application/json")
        #expect(assigned.text.contains("groupmembership-autoaccept"))
        let again = try invite(Self.kimEmail, to: appID, as: jane)
        #expect(again.text == requestID)
        #expect(try send(.get, "/api/groups/requests/\(requestID)", as: kim, accept: "text/plain").text == Self.accepted)
        #expect(try send(.get, "/api/apps/versions/\(versionID)", as: kim, accept: "application/json").status == .ok)
        // A new invitee joins at once too.
        let lee = try invite(Self.leeEmail, to: appID, as: jane)
        #expect(try send(.get, "/api/groups/requests/\(lee.text)", as: jane, accept: "text/plain").text == Self.accepted)
    }

    /// Pending invitations take part in checkpoints and snapshots like the team itself.
    @Test func invitationsFollowCheckpointsAndSnapshots() throws {
        let (appID, _) = try createApp(as: jane)
        func pending() throws -> Int {
            try app.pool.read {
                try $0.queryFirst(
                    "SELECT COUNT(*) AS n FROM group_members WHERE group_id = ? AND state = ?", "appteam-\(appID)", Self.pending)?.int("n")
                    ?? -1
            }
        }
        let checkpoint = try #require(try app.send(.post, "/_emulator/checkpoints").json()["id"]?.stringValue)
        #expect(try invite(Self.kimEmail, to: appID, as: jane).status == .ok)
        #expect(try pending() == 1)
        #expect(
            try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"invited"}"#).status
                == .created)
        #expect(try app.send(.post, "/_emulator/checkpoints/\(checkpoint)/rollback").status == .ok)
        #expect(try pending() == 0)
        #expect(try app.send(.post, "/_emulator/snapshots/invited/restore").status == .ok)
        #expect(try pending() == 1)
        // The journal names the app the invitation changed.
        app.environment.journal.flush()
        let entries = try app.send(.get, "/_emulator/requests?path=/api/apps/\(appID)/members&limit=5").json()["Request"]?.arrayValue ?? []
        #expect(entries.first?["changedIDs"]?.arrayValue?.contains(.string(appID)) == true)
    }
}
