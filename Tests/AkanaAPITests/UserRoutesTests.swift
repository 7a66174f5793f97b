import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// POST /api/users, GET and DELETE /api/users/{UserID}, GET /api/users/{UserID}/apps.
@Suite struct UserRoutesTests {
    let app: TestApp
    let admin: TestApp.Session

    /// m_users_addUser, sample request body #1, verbatim.
    static let documentedBody = """
        {
          "FirstName":"Jonathan",
          "LastName":"Swift",
          "Email":"jswift@acmepaymentscorp.com",
          "Password":"Jonathan23",
          "ForcePasswordChangeOnLogin":"false"
        }
        """

    init() throws {
        app = try TestApp()
        admin = try app.login()
    }

    func addUser(_ body: String = UserRoutesTests.documentedBody, as session: TestApp.Session? = nil) throws -> HTTPResponse {
        try app.send(
            .post, "/api/users",
            headers: TestApp.headers(session ?? admin, ["Content-Type": "application/json", "Accept": "application/json"]), body: body)
    }

    func userID(_ session: TestApp.Session) throws -> String {
        try #require(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).json()["userFDN"]?.stringValue)
    }

    @Test func aSiteAdminAddsAUserWhoCanLogIn() throws {
        let added = try addUser()
        #expect(added.status == .ok)
        let user = try added.json()
        #expect(
            user.objectMembers?.prefix(7).map(\.0) == [
                "UserID", "UserName", "FirstName", "LastName", "AuthIdentifier", "Visibility", "Email"
            ])
        let id = try #require(user["UserID"]?.stringValue)
        #expect(id.hasSuffix(".acmepaymentscorp"))
        #expect(user["FirstName"] == .string("Jonathan"))
        #expect(user["LastName"] == .string("Swift"))
        #expect(user["Email"] == .string("jswift@acmepaymentscorp.com"))
        #expect(user["Domain"] == .string("Local Domain"))
        #expect(user["ForcePasswordChangeOnLogin"] == .bool(false))
        // The new user logs in with the password and reads their own profile.
        let jonathan = try app.login("jswift@acmepaymentscorp.com", password: "Jonathan23")
        #expect(try userID(jonathan) == id)
        let own = try app.send(.get, "/api/users/\(id)", headers: ["Cookie": jonathan.cookieHeader, "Accept": "application/json"])
        #expect(own.status == .ok)
        #expect(try own.json()["UserName"] == .string("Jonathan Swift"))
        #expect(
            try app.send(.get, "/api/users/\(id)", headers: ["Cookie": admin.cookieHeader, "Accept": "application/xml"]).text.contains(
                "<UserID>\(id)</UserID>"))
        // The same email again: 409, nothing added.
        #expect(try addUser().status == .conflict)
    }

    @Test func badUserBodiesAre400AndChangeNothing() throws {
        for body in [
            #"{"LastName":"S","Email":"a@b.c","Password":"p"}"#, #"{"FirstName":"J","LastName":"S","Email":"not-an-email","Password":"p"}"#,
            #"{"FirstName":"J","LastName":"S","Email":"a@b.c"}"#, #"{"FirstName":7,"LastName":"S","Email":"a@b.c","Password":"p"}"#,
            #"{"FirstName":"J","LastName":"S","Email":"a@b.c","Password":"p","ForcePasswordChangeOnLogin":"maybe"}"#, "[]",
            #"{"FirstName":"\#(String(repeating: "x", count: 300))","LastName":"S","Email":"a@b.c","Password":"p"}"#
        ] {
            #expect(try addUser(body).status == .badRequest, "\(body.prefix(80))")
        }
        #expect(
            try app.send(.post, "/api/users", headers: TestApp.headers(admin, ["Content-Type": "text/plain"]), body: "x").status
                == .unsupportedMediaType)
        #expect(throws: (any Error).self) { try app.login("a@b.c", password: "p") }
    }

    /// The nearest outsiders: a logged-in user who is not a Site Admin, and another user's profile.
    @Test func eachUserRouteRefusesItsNearestOutsider() throws {
        let jane = try app.login(TestApp.jane)
        let janeID = try userID(jane)
        let adminID = try userID(admin)
        #expect(try addUser(as: jane).status == .forbidden)
        #expect(try app.send(.get, "/api/users/\(adminID)", headers: ["Cookie": jane.cookieHeader]).status == .forbidden)
        #expect(try app.send(.get, "/api/users/\(adminID)/apps", headers: ["Cookie": jane.cookieHeader]).status == .forbidden)
        #expect(try app.send(.delete, "/api/users/\(adminID)", headers: TestApp.headers(jane)).status == .forbidden)
        #expect(try app.send(.delete, "/api/users/\(janeID)", headers: TestApp.headers(jane)).status == .forbidden)
        #expect(try app.send(.get, "/api/users/\(janeID)", headers: [:]).status == .unauthorized)
        // Nothing was deleted.
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .ok)
        #expect(try app.send(.get, "/api/users/\(janeID)", headers: ["Cookie": admin.cookieHeader]).status == .ok)
        #expect(try app.send(.get, "/api/users/missing.acmepaymentscorp", headers: ["Cookie": admin.cookieHeader]).status == .notFound)
    }

    @Test func deletingAUserEndsTheirSessionsAndTeamMemberships() throws {
        let jane = try app.login(TestApp.jane)
        let janeID = try userID(jane)
        // Jane is on the team of an app she created, and of the admin's app.
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(jane, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: AppRoutesTests.createBody)
        let adminApp = try app.send(
            .post, "/api/apps", headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: AppRoutesTests.createBody.replacingOccurrences(of: "Crosfhocal", with: "Anagrams"))
        let invitation = try app.send(
            .post, "/api/apps/\(adminApp.text)/members",
            headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Message":"Join us","Email":"jane@acmepaymentscorp.com"}"#)
        #expect(invitation.status == .ok)
        #expect(
            try app.send(
                .post, "/api/workflow/objects/\(invitation.text)/actions",
                headers: TestApp.headers(jane, ["Content-Type": "application/json", "Accept": "text/plain"]),
                body: #"{"ActionName":"group.membership.action.accept"}"#
            ).text == "com.soa.group.membership.state.accepted")
        let apps = try app.send(.get, "/api/users/\(janeID)/apps", headers: ["Cookie": jane.cookieHeader]).json()
        #expect(apps["channel"]?["item"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["Anagrams", "Crosfhocal"])
        #expect(apps["channel"]?["item"]?.arrayValue?.first?["guid"]?["value"]?.stringValue == adminApp.text)

        let deleted = try app.send(.delete, "/api/users/\(janeID)", headers: TestApp.headers(admin, ["Accept": "text/plain"]))
        #expect(deleted.status == .ok)
        #expect(deleted.text == janeID)
        // Her cookie is refused at once; her memberships went; she cannot log in.
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": jane.cookieHeader]).status == .unauthorized)
        #expect(
            try app.send(.get, "/api/apps/\(adminApp.text)/members", headers: ["Cookie": admin.cookieHeader]).json()["channel"]?["item"]?
                .arrayValue?.count == 1)
        #expect(throws: (any Error).self) { try app.login(TestApp.jane) }
        #expect(try app.send(.get, "/api/users/\(janeID)", headers: ["Cookie": admin.cookieHeader]).status == .notFound)
        #expect(try app.send(.delete, "/api/users/\(janeID)", headers: TestApp.headers(admin)).status == .notFound)
        // The app she alone was on stays, for a Site Admin to see.
        #expect(try app.send(.get, "/api/apps/\(created.text)", headers: ["Cookie": admin.cookieHeader]).status == .ok)
        // A Site Admin cannot delete the account they are logged in to.
        #expect(try app.send(.delete, "/api/users/\(try userID(admin))", headers: TestApp.headers(admin)).status == .conflict)
    }

    /// Users and team memberships made through the API take part in checkpoints, snapshots and resets.
    @Test func addedUsersAndMembershipsFollowCheckpointsSnapshotsAndResets() throws {
        let checkpoint = try #require(try app.send(.post, "/_emulator/checkpoints").json()["id"]?.stringValue)
        let userID = try #require(try addUser().json()["UserID"]?.stringValue)
        let appID = try app.send(
            .post, "/api/apps", headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: AppRoutesTests.createBody
        ).text
        let invitation = try app.send(
            .post, "/api/apps/\(appID)/members",
            headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Message":"Join us","Email":"jswift@acmepaymentscorp.com"}"#)
        #expect(invitation.status == .ok)
        let jonathan = try app.login("jswift@acmepaymentscorp.com", password: "Jonathan23")
        #expect(
            try app.send(
                .post, "/api/workflow/objects/\(invitation.text)/actions",
                headers: TestApp.headers(jonathan, ["Content-Type": "application/json", "Accept": "text/plain"]),
                body: #"{"ActionName":"group.membership.action.accept"}"#
            ).text == "com.soa.group.membership.state.accepted")
        func exists() throws -> Bool { try app.send(.get, "/api/users/\(userID)", headers: ["Cookie": admin.cookieHeader]).status == .ok }
        func members() throws -> Int {
            try app.pool.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM app_team_members WHERE user_id = ?", userID)?.int("n") ?? -1 }
        }
        #expect(try exists() && members() == 1)
        #expect(
            try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"with-jonathan"}"#)
                .status == .created)
        #expect(try app.send(.post, "/_emulator/checkpoints/\(checkpoint)/rollback").status == .ok)
        #expect(try !exists())
        #expect(try members() == 0)
        #expect(try app.send(.post, "/_emulator/snapshots/with-jonathan/restore").status == .ok)
        #expect(try exists() && members() == 1)
        let first = try #require(
            try app.pool.read { try $0.queryFirst("SELECT first_name FROM users WHERE id = ?", userID)?.string("first_name") })
        #expect(first == "Jonathan")
        // A reset puts the configured users back: the added one goes.
        #expect(try app.send(.post, "/_emulator/reset").status == .ok)
        let again = try app.login()
        #expect(try app.send(.get, "/api/users/\(userID)", headers: ["Cookie": again.cookieHeader]).status == .notFound)
    }

    /// ForcePasswordChangeOnLogin: the login answers the change.password pending task until
    /// PUT /api/users/{UserID}/password (m_users_modifyPassword) changes it.
    @Test func aForcedPasswordChangeIsAPendingLoginTaskUntilDone() throws {
        let body = Self.documentedBody.replacingOccurrences(
            of: #""ForcePasswordChangeOnLogin":"false""#, with: #""ForcePasswordChangeOnLogin":"true""#)
        let id = try #require(try addUser(body).json()["UserID"]?.stringValue)
        let login = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: #"{"email":"jswift@acmepaymentscorp.com","password":"Jonathan23"}"#)
        #expect(try login.json()["pendingTasks"] == .array([.string("change.password")]))
        let jonathan = try app.login("jswift@acmepaymentscorp.com", password: "Jonathan23")
        #expect(
            try app.send(.get, "/api/login/status", headers: ["Cookie": jonathan.cookieHeader]).json()["pendingTasks"]?.arrayValue?.count
                == 1)
        func renewedTasks() throws -> JSONValue? {
            try app.send(.post, "/api/login/renewToken", headers: TestApp.headers(jonathan, ["Accept": "application/json"])).json()[
                "pendingTasks"]
        }
        #expect(try renewedTasks() == .array([.string("change.password")]))
        func change(_ body: String, as session: TestApp.Session, user: String? = nil) throws -> HTTPResponse {
            try app.send(
                .put, "/api/users/\(user ?? id)/password",
                headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]), body: body)
        }
        // Refused: a wrong old password, none, another user's, a bad body; nothing changes.
        #expect(try change(#"{"OldPassword":"nope","NewPassword":"Swift2026"}"#, as: jonathan).status == .forbidden)
        #expect(try change(#"{"NewPassword":"Swift2026"}"#, as: jonathan).status == .badRequest)
        #expect(try change(#"{"OldPassword":"Jonathan23"}"#, as: jonathan).status == .badRequest)
        let jane = try app.login(TestApp.jane)
        #expect(try change(#"{"OldPassword":"Jonathan23","NewPassword":"x"}"#, as: jane).status == .forbidden)
        #expect(try change(#"{"OldPassword":"password","NewPassword":"x"}"#, as: jonathan, user: try userID(jane)).status == .forbidden)
        // The documented sample's shape, by the user: the task is done, the new password logs in.
        let changed = try change(#"{"OldPassword":"Jonathan23","NewPassword":"Swift2026"}"#, as: jonathan)
        #expect(changed.status == .ok)
        #expect(changed.text == id)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": jonathan.cookieHeader]).json()["pendingTasks"] == .array([]))
        #expect(try renewedTasks() == .array([]))
        #expect(throws: (any Error).self) { try app.login("jswift@acmepaymentscorp.com", password: "Jonathan23") }
        _ = try app.login("jswift@acmepaymentscorp.com", password: "Swift2026")
        // A Site Admin sets anyone's password without the old one.
        #expect(try change(#"{"NewPassword":"ByTheAdmin1"}"#, as: admin).status == .ok)
        _ = try app.login("jswift@acmepaymentscorp.com", password: "ByTheAdmin1")
        #expect(try change(#"{"NewPassword":"x"}"#, as: admin, user: "missing.acmepaymentscorp").status == .notFound)
        // A mistyped OldPassword is a 400 even where it is not needed, and changes nothing.
        #expect(try change(#"{"OldPassword":true,"NewPassword":"NotApplied1"}"#, as: admin).status == .badRequest)
        #expect(try change(#"{"OldPassword":null,"NewPassword":"NotApplied1"}"#, as: admin).status == .badRequest)
        _ = try app.login("jswift@acmepaymentscorp.com", password: "ByTheAdmin1")
    }
}
