import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// The captured notifications (issue 30 part 3): `GET`/`DELETE /_emulator/outbox`, each message
/// written by the action that causes it in that action's transaction and linked to its journal
/// entry, and the users' `GET /api/users/{UserID}/notifications[/count]`.
@Suite struct OutboxTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    static let kimEmail = "kim@acmepaymentscorp.com"

    func userID(_ session: TestApp.Session) throws -> String {
        try #require(try world.get("/api/login/status", as: session).json()["userFDN"]?.stringValue)
    }

    func send(_ method: HTTPMethod, _ path: String, as session: TestApp.Session, body: String = "", accept: String = "text/plain") throws
        -> HTTPResponse
    {
        var headers: HTTPHeaders = ["Accept": accept]
        if !body.isEmpty { headers.add("Content-Type", "application/json") }
        return try world.app.send(method, path, headers: TestApp.headers(session, headers), body: body)
    }

    func createGroup(_ name: String, as session: TestApp.Session) throws -> String {
        let created = try world.post("/api/groups", as: session, body: #"{"Group":{"Name":"\#(name)"}}"#)
        try #require(created.status == .ok, "\(created.text)")
        return try #require(try created.json()["GroupID"]?.stringValue)
    }

    func invite(_ email: String, to groupID: String, as session: TestApp.Session, message: String = "Please join!") throws -> HTTPResponse {
        try send(.post, "/api/groups/\(groupID)/members", as: session, body: #"{"Email":"\#(email)","Message":"\#(message)"}"#)
    }

    /// `GET /_emulator/outbox` with `query`: its messages.
    func outbox(_ query: String = "") throws -> [JSONValue] {
        let response = try world.app.send(
            .get, "/_emulator/outbox\(query.isEmpty ? "" : "?")\(query)", headers: ["Accept": "application/json"])
        try #require(response.status == .ok, "\(response.text)")
        return try response.json()["Message"]?.arrayValue ?? []
    }

    func kinds(_ query: String = "") throws -> [String] { try outbox(query).compactMap { $0["kind"]?.stringValue } }

    // MARK: - Invitations

    @Test func anInvitationReachesTheInviteeLinkedToTheRequestThatMadeIt() throws {
        let groupID = try createGroup("Reviewers", as: world.jane)
        let janeID = try userID(world.jane)
        let kimID = try userID(world.kim)
        #expect(try outbox().isEmpty)
        let invited = try invite(Self.kimEmail, to: groupID, as: world.jane)
        #expect(invited.status == .ok, "\(invited.text)")
        let requestID = invited.text

        let messages = try outbox("to=\(kimID)")
        #expect(messages.count == 1)
        let message = try #require(messages.first)
        #expect(message["kind"] == .string("group.invitation"))
        #expect(message["toUserID"] == .string(kimID))
        #expect(message["toEmail"] == .string(Self.kimEmail))
        #expect(message["tenant"] == .string("acmepaymentscorp"))
        #expect(message["objectType"] == .string("GroupMembership"))
        #expect(message["objectID"] == .string(requestID))
        #expect(message["time"] == .string("2027-01-15T08:00:00.000Z"))  // the test clock, frozen
        let subject = try #require(message["subject"]?.stringValue)
        #expect(subject.contains("Jane") && subject.contains("Reviewers"))
        let body = try #require(message["body"]?.stringValue)
        #expect(body.contains(groupID) && body.contains(requestID) && body.contains("Please join!") && body.contains(janeID))
        // to= an email address, whatever its case, finds the same message; nobody else got one.
        #expect(try outbox("to=KIM@acmepaymentscorp.com").count == 1)
        #expect(try outbox("to=\(janeID)").isEmpty)

        // Kim sees it in-app; accepting it tells Jane, linked to Kim's request.
        let channel = try world.get("/api/users/\(kimID)/notifications", as: world.kim).json()["channel"]
        let items = channel?["item"]?.arrayValue ?? []
        #expect(items.count == 1)
        #expect(items.first?["title"] == .string(subject))
        #expect(items.first?["ObjectID"] == .string(requestID))
        #expect(try send(.get, "/api/users/\(kimID)/notifications/count", as: world.kim).text == "1")
        let accepted = try send(
            .post, "/api/groups/requests/\(requestID)/actions", as: world.kim, body: #"{"ActionName":"group.membership.action.accept"}"#)
        #expect(accepted.status == .ok, "\(accepted.text)")
        let answer = try outbox("to=\(janeID)")
        #expect(answer.map { $0["kind"] } == [.string("group.invitationAccepted")])
        #expect(try kinds() == ["group.invitationAccepted", "group.invitation"])
    }

    /// Over a live server (which gives every request its id): the message's requestID is the one the
    /// journal entry of the POST that caused it holds; another request's message has another one.
    @Test func eachMessageNamesTheJournalEntryOfItsRequest() throws {
        let bench = try Bench()
        let json: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
        let created = try bench.app.send(
            .post, "/api/groups", headers: TestApp.headers(bench.session, json), body: #"{"Group":{"Name":"Live"}}"#)
        let groupID = try #require(try created.json()["GroupID"]?.stringValue)
        let path = "/api/groups/\(groupID)/members"
        let invitation = bench.request(
            "invite Jane", "POST", path, body: Array(#"{"Email":"\#(TestApp.jane)","Message":"Join"}"#.utf8),
            contentType: "application/json")
        #expect(try bench.send(invitation.bytes) == 200)
        let password = bench.request(
            "a new password for Jane", "PUT", "/api/users/\(try jane(bench))/password", body: Array(#"{"NewPassword":"Jane2027!"}"#.utf8),
            contentType: "application/json")
        #expect(try bench.send(password.bytes) == 200)

        let messages = try bench.app.send(.get, "/_emulator/outbox?to=\(TestApp.jane)").json()["Message"]?.arrayValue ?? []
        #expect(messages.compactMap { $0["kind"]?.stringValue } == ["user.passwordChanged", "group.invitation"])
        let ids = messages.compactMap { $0["requestID"]?.stringValue }
        #expect(ids.count == 2 && !ids[0].isEmpty && !ids[1].isEmpty && ids[0] != ids[1])
        bench.app.environment.journal.flush()
        let invited = try bench.app.send(.get, "/_emulator/requests?method=POST&path=\(path)").json()["Request"]?.arrayValue ?? []
        #expect(invited.count == 1)
        #expect(invited.first?["requestID"] == messages.last?["requestID"])
        let changed = try bench.app.send(.get, "/_emulator/requests?method=PUT&path=/api/users/*").json()["Request"]?.arrayValue ?? []
        #expect(changed.first?["requestID"] == messages.first?["requestID"])
    }

    func jane(_ bench: Bench) throws -> String {
        let session = try bench.app.login(TestApp.jane)
        return try #require(
            try bench.app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).json()["userFDN"]?.stringValue)
    }

    @Test func appTeamInvitationsAndDeclines() throws {
        let created = try world.app.send(
            .post, "/api/apps", headers: TestApp.headers(world.jane, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"Puzzle","ApplicationVersion":{"Name":"1.0","Visibility":"Public"}}"#)
        try #require(created.status == .ok, "\(created.text)")
        let appID = created.text
        let invited = try send(
            .post, "/api/apps/\(appID)/members", as: world.jane, body: #"{"Email":"\#(Self.kimEmail)","Message":"Join us"}"#)
        #expect(invited.status == .ok, "\(invited.text)")
        let message = try #require(try outbox("to=\(Self.kimEmail)").first)
        #expect(message["kind"] == .string("appteam.invitation"))
        #expect(message["subject"]?.stringValue?.contains("the team of app Puzzle") == true)
        #expect(message["body"]?.stringValue?.contains(appID) == true)
        // Sent again (…resend): Kim gets it again.
        let resent = try send(
            .post, "/api/groups/requests/\(invited.text)/actions", as: world.jane, body: #"{"ActionName":"group.membership.action.resend"}"#
        )
        #expect(resent.status == .ok, "\(resent.text)")
        #expect(try kinds("to=\(Self.kimEmail)") == ["appteam.invitation", "appteam.invitation"])
        let declined = try send(
            .post, "/api/groups/requests/\(invited.text)/actions", as: world.kim, body: #"{"ActionName":"group.membership.action.decline"}"#
        )
        #expect(declined.status == .ok, "\(declined.text)")
        #expect(try kinds("to=\(try userID(world.jane))") == ["appteam.invitationDeclined"])
    }

    // MARK: - Refusals and rollbacks

    @Test func aRefusedActionWritesNothing() throws {
        let groupID = try createGroup("Closed", as: world.jane)
        // Kim is no member: 404/403; no Message: 400; a stranger with InviteUnregisteredUsers off: 400.
        #expect(try invite(TestApp.admin, to: groupID, as: world.kim).status.code >= 400)
        #expect(
            try send(.post, "/api/groups/\(groupID)/members", as: world.jane, body: #"{"Email":"\#(Self.kimEmail)"}"#).status == .badRequest
        )
        #expect(try invite("stranger@example.com", to: groupID, as: world.jane).status == .badRequest)
        // A wrong old password changes nothing either.
        let kimID = try userID(world.kim)
        #expect(
            try send(.put, "/api/users/\(kimID)/password", as: world.kim, body: #"{"OldPassword":"nope","NewPassword":"x2"}"#).status
                == .forbidden)
        // Kim (app team) may not approve her own contract: no approval message.
        let (_, apiVersionID) = try world.createAPI(as: world.jane)
        let appVersionID = try world.createApp(as: world.kim)
        let contract = try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID)
        let contractID = try #require(try contract.json()["ContractID"]?.stringValue)
        let before = try outbox().count
        #expect(try world.act(contractID, "apicontract.action.approve", as: world.kim).status == .forbidden)
        #expect(try outbox().count == before)
        #expect(try kinds() == ["contract.requested"])
    }

    /// A checkpoint rollback takes the messages written since back (and the in-app count with them).
    @Test func aCheckpointRollbackTakesTheMessagesBack() throws {
        let groupID = try createGroup("Undo", as: world.jane)
        let checkpoint = try #require(try world.app.send(.post, "/_emulator/checkpoints").json()["id"]?.stringValue)
        #expect(try invite(Self.kimEmail, to: groupID, as: world.jane).status == .ok)
        #expect(try outbox().count == 1)
        #expect(try world.app.send(.post, "/_emulator/checkpoints/\(checkpoint)/rollback").status == .ok)
        #expect(try outbox().isEmpty)
        #expect(try send(.get, "/api/users/\(try userID(world.kim))/notifications/count", as: world.kim).text == "0")
    }

    /// A change that fails after its message was written leaves no message: an auto-approved contract
    /// writes `contract.approved`, then its activation fails (the database refuses the step here), and
    /// the whole request rolls back, message included.
    @Test func aRolledBackChangeLeavesNoMessage() throws {
        let (_, apiVersionID) = try world.createAPI(as: world.jane, sandboxAuto: true)
        let appVersionID = try world.createApp(as: world.kim)
        try world.app.pool.write { db in
            try db.run(
                """
                CREATE TRIGGER refuse_activation BEFORE INSERT ON workflow_history
                WHEN NEW.action_name = 'apicontract.action.activate'
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                """)
        }
        let refused = try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID)
        #expect(refused.status.code >= 500, "\(refused.text)")
        #expect(try outbox().isEmpty)
        #expect(try world.count("contracts") == 0)
        // The same request without the refusal writes both messages.
        try world.app.pool.write { db in try db.run("DROP TRIGGER refuse_activation") }
        #expect(try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).status == .ok)
        #expect(try kinds() == ["contract.activated", "contract.approved"])
    }

    // MARK: - Contracts

    @Test func contractsTellTheAPIsAdminsAndTheAppsTeam() throws {
        let (_, apiVersionID) = try world.createAPI(as: world.jane)
        let appVersionID = try world.createApp(as: world.kim)
        let janeID = try userID(world.jane)
        let kimID = try userID(world.kim)
        let requested = try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID)
        let id = try #require(try requested.json()["ContractID"]?.stringValue)
        let toJane = try outbox("to=\(janeID)")
        #expect(toJane.map { $0["kind"] } == [.string("contract.requested")])
        #expect(toJane.first?["objectID"] == .string(id))
        #expect(toJane.first?["body"]?.stringValue?.contains(appVersionID) == true)
        #expect(toJane.first?["body"]?.stringValue?.contains(apiVersionID) == true)
        #expect(try outbox("to=\(kimID)").isEmpty)

        #expect(try world.act(id, "apicontract.action.approve", as: world.jane).status == .ok)
        #expect(try world.act(id, "apicontract.action.activate", as: world.jane).status == .ok)
        #expect(try kinds("to=\(kimID)") == ["contract.activated", "contract.approved"])

        // Production: rejected, through the generic workflow route this time.
        let production = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID, environment: "Production")
        let productionID = try #require(try production.json()["ContractID"]?.stringValue)
        let rejected = try world.post(
            "/api/workflow/objects/\(productionID)/actions", as: world.jane, body: #"{"ActionName":"apicontract.action.reject"}"#,
            accept: "text/plain")
        #expect(rejected.status == .ok, "\(rejected.text)")
        #expect(try kinds("to=\(kimID)&kind=contract.rejected") == ["contract.rejected"])
        #expect(try outbox("kind=contract.requested").count == 2)
    }

    @Test func anAutoApprovedContractTellsTheTeamNotTheAdmins() throws {
        let (_, apiVersionID) = try world.createAPI(as: world.jane, sandboxAuto: true)
        let appVersionID = try world.createApp(as: world.kim)
        #expect(try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).status == .ok)
        #expect(try kinds("to=\(try userID(world.kim))") == ["contract.activated", "contract.approved"])
        #expect(
            try outbox("to=\(try userID(world.kim))").first?["body"]?.stringValue?.hasPrefix("The API's access settings activated") == true)
        #expect(try outbox("kind=contract.requested").isEmpty)
    }

    // MARK: - Accounts

    @Test func newAccountsAndPasswordChangesAreSentToTheUser() throws {
        let added = try world.post(
            "/api/users", as: world.admin,
            body:
                #"{"FirstName":"Jonathan","LastName":"Swift","Email":"jswift@acmepaymentscorp.com","Password":"Jonathan23","ForcePasswordChangeOnLogin":"true"}"#
        )
        #expect(added.status == .ok, "\(added.text)")
        let newID = try #require(try added.json()["UserID"]?.stringValue)
        let created = try #require(try outbox("to=\(newID)").first)
        #expect(created["kind"] == .string("user.created"))
        #expect(created["toEmail"] == .string("jswift@acmepaymentscorp.com"))
        #expect(created["body"]?.stringValue?.contains("Set your password") == true)
        #expect(created["body"]?.stringValue?.contains("Jonathan23") == false)  // never the password itself

        // A Site Admin changes Kim's password; Kim is told who did.
        let kimID = try userID(world.kim)
        let changed = try send(.put, "/api/users/\(kimID)/password", as: world.admin, body: #"{"NewPassword":"Kim2027!"}"#)
        #expect(changed.status == .ok, "\(changed.text)")
        let notice = try #require(try outbox("to=\(kimID)").first)
        #expect(notice["kind"] == .string("user.passwordChanged"))
        #expect(notice["body"]?.stringValue?.contains("Administrator") == true)

        // An unregistered invitee (InviteUnregisteredUsers on) gets the account and the invitation.
        let on = try world.app.send(
            .put, "/api/businesses/tenantbusiness.acmepaymentscorp/usersettings",
            headers: TestApp.headers(world.admin, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: #"{"InviteUnregisteredUsers":"com.soa.feature.enabled"}"#)
        #expect(on.status == .ok, "\(on.text)")
        let groupID = try createGroup("Open", as: world.jane)
        #expect(try invite("newcomer@example.com", to: groupID, as: world.jane).status == .ok)
        #expect(try kinds("to=newcomer@example.com") == ["group.invitation", "user.created"])
    }

    // MARK: - Filters, clearing, tenants

    @Test func filtersOrderAndClearing() throws {
        let first = try createGroup("First", as: world.jane)
        let second = try createGroup("Second", as: world.jane)
        #expect(try invite(Self.kimEmail, to: first, as: world.jane).status == .ok)
        let advanced = try world.app.send(
            .post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: #"{"advanceSeconds": 60}"#)
        #expect(advanced.status == .ok)
        #expect(try invite(Self.kimEmail, to: second, as: world.jane).status == .ok)
        #expect(try invite(TestApp.admin, to: second, as: world.jane).status == .ok)

        let all = try outbox()
        #expect(all.count == 3)
        #expect(all.map { $0["time"]?.stringValue ?? "" } == all.map { $0["time"]?.stringValue ?? "" }.sorted(by: >))
        #expect(try outbox("since=2027-01-15T08:00:30Z").count == 2)
        #expect(try outbox("since=2027-01-15T08:00:30Z&to=\(Self.kimEmail)").count == 1)
        #expect(try outbox("limit=1").first?["toEmail"] == all.first?["toEmail"])
        #expect(try outbox("kind=contract.approved").isEmpty)
        #expect(try outbox("tenant=acmepaymentscorp&kind=group.invitation").count == 3)

        // XML, like the other /_emulator lists.
        let xml = try world.app.send(.get, "/_emulator/outbox?limit=1", headers: ["Accept": "application/xml"])
        #expect(xml.status == .ok)
        #expect(xml.text.contains("<Outbox>") && xml.text.contains("<kind>group.invitation</kind>"))

        // Bad filters are 400s that say what is expected.
        for query in ["kind=nope", "since=yesterday", "limit=0", "limit=1001", "tenant=nobody"] {
            let refused = try world.app.send(.get, "/_emulator/outbox?\(query)", headers: ["Accept": "application/json"])
            #expect(refused.status == .badRequest, "\(query)")
        }

        #expect(try world.app.send(.delete, "/_emulator/outbox?tenant=nobody").status == .badRequest)
        #expect(try outbox().count == 3)
        let cleared = try world.app.send(.delete, "/_emulator/outbox", headers: ["Accept": "application/json"])
        #expect(cleared.status == .ok)
        #expect(try cleared.json()["deleted"] == .integer(3))
        #expect(try outbox().isEmpty)
    }

    // MARK: - The users service's notifications

    @Test func notificationsAreReadBySelfOrASiteAdmin() throws {
        let janeID = try userID(world.jane)
        let kimID = try userID(world.kim)
        for name in ["A", "B", "C"] {
            #expect(try invite(Self.kimEmail, to: try createGroup(name, as: world.jane), as: world.jane).status == .ok)
        }
        // Self and a Site Admin read; another user (even a Business Admin) is refused.
        #expect(try world.get("/api/users/\(kimID)/notifications", as: world.kim).status == .ok)
        #expect(try world.get("/api/users/\(kimID)/notifications", as: world.admin).status == .ok)
        #expect(try world.get("/api/users/\(kimID)/notifications", as: world.jane).status == .forbidden)
        #expect(try world.get("/api/users/\(kimID)/notifications", as: world.bob).status == .forbidden)
        #expect(try send(.get, "/api/users/\(kimID)/notifications/count", as: world.jane).status == .forbidden)
        #expect(try send(.get, "/api/users/\(kimID)/notifications/count", as: world.admin).text == "3")
        #expect(try send(.get, "/api/users/\(janeID)/notifications/count", as: world.jane).text == "0")
        // The LoginResponse counts them too (pendingNotifications: status, a new login, a renewal).
        #expect(try world.get("/api/login/status", as: world.kim).json()["pendingNotifications"] == .integer(3))
        #expect(try world.get("/api/login/status", as: world.jane).json()["pendingNotifications"] == .integer(0))
        let login = try world.app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: #"{"email":"\#(Self.kimEmail)","password":"password"}"#)
        #expect(try login.json()["pendingNotifications"] == .integer(3))
        let renewed = try world.app.send(
            .post, "/api/login/renewToken", headers: TestApp.headers(world.kim, ["Accept": "application/json"]))
        #expect(try renewed.json()["pendingNotifications"] == .integer(3))
        let count = try send(.get, "/api/users/\(kimID)/notifications/count", as: world.kim)
        #expect(count.headers["Content-Type"] == "text/plain")
        #expect(
            try send(.get, "/api/users/missing.acmepaymentscorp/notifications", as: world.admin, accept: "application/json").status
                == .notFound)
        #expect(try world.app.send(.get, "/api/users/\(kimID)/notifications").status == .unauthorized)

        // start and count page them, newest first.
        func titles(_ query: String) throws -> [String] {
            let channel = try world.get("/api/users/\(kimID)/notifications\(query)", as: world.kim).json()["channel"]
            return (channel?["item"]?.arrayValue ?? []).compactMap { $0["title"]?.stringValue }
        }
        let all = try titles("")
        #expect(all.count == 3)
        #expect(all.first?.contains("the group C") == true)
        #expect(try titles("?count=2") == Array(all.prefix(2)))
        #expect(try titles("?start=2&count=5") == [all[2]])
        #expect(try world.get("/api/users/\(kimID)/notifications?count=0", as: world.kim).status == .badRequest)
        #expect(try world.get("/api/users/\(kimID)/notifications?start=-1", as: world.kim).status == .badRequest)
        let xml = try world.get("/api/users/\(kimID)/notifications?count=1", as: world.kim, accept: "application/xml")
        #expect(xml.text.contains("<rss version=\"2.0\">") && xml.text.contains("group.invitation"))
    }
}
