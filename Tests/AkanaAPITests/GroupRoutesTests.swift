import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// `/api/groups…` and `GET /api/users/{UserID}/groups`: independent groups, who may do what, the
/// Site Admin and Business Admin groups, and memberships in checkpoints.
@Suite struct GroupRoutesTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    static let pending = "com.soa.group.membership.state.pending"
    static let accepted = "com.soa.group.membership.state.accepted"
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

    func invite(_ email: String, to groupID: String, as session: TestApp.Session, role: String? = nil) throws -> HTTPResponse {
        let rolePart = role.map { #","Role":"\#($0)""# } ?? ""
        return try send(
            .post, "/api/groups/\(groupID)/members", as: session,
            body: #"{"Email":"\#(email)","Message":"Please join the team!"\#(rolePart)}"#)
    }

    func act(_ requestID: String, _ action: String, as session: TestApp.Session) throws -> HTTPResponse {
        try send(
            .post, "/api/groups/requests/\(requestID)/actions", as: session, body: #"{"ActionName":"group.membership.action.\#(action)"}"#)
    }

    func memberIDs(_ groupID: String, as session: TestApp.Session) throws -> [String] {
        (try world.get("/api/groups/\(groupID)/members", as: session).json()["channel"]?["item"]?.arrayValue ?? []).compactMap {
            $0["guid"]?["value"]?.stringValue
        }
    }

    @Test func anIndependentGroupsWholeLife() throws {
        let created = try world.post(
            "/api/groups", as: world.jane,
            body:
                #"{"Group":{"Name":"LEAD","Description":"Leads","GroupType":"com.soa.group.type.independent","Visibility":"Private","Tag":["developers"]}}"#
        )
        #expect(created.status == .ok)
        #expect(created.headers["Atmo-Renew-Token"] == "renew")
        let group = try created.json()
        guard case .object(let members) = group else {
            Issue.record("not an object: \(created.text)")
            return
        }
        #expect(members.map(\.0).prefix(6) == ["GroupID", "Name", "Description", "GroupType", "Visibility", "Tag"])
        let groupID = try #require(group["GroupID"]?.stringValue)
        #expect(groupID.hasPrefix("group-") && groupID.hasSuffix(".acmepaymentscorp"))
        #expect(group["Tag"] == .array([.string("developers")]))
        let janeID = try userID(world.jane)
        let kimID = try userID(world.kim)
        // Jane leads it; Kim, an outsider, does not see a Private group; XML works too.
        #expect(try memberIDs(groupID, as: world.jane) == [janeID])
        #expect(try world.get("/api/groups/\(groupID)", as: world.kim).status == .notFound)
        #expect(
            try world.get("/api/groups/\(groupID)", as: world.jane, accept: "application/xml").text.contains(
                "<GroupID>\(groupID)</GroupID>"))
        #expect(try world.get("/api/groups/\(groupID)?IncludeSettings=maybe", as: world.jane).status == .badRequest)

        // Jane invites Kim; Kim sees the group and the request, but cannot invite or remove others.
        let requestID = try invite(Self.kimEmail, to: groupID, as: world.jane).text
        #expect(try send(.get, "/api/groups/requests/\(requestID)", as: world.kim).text == Self.pending)
        #expect(try world.get("/api/groups/\(groupID)", as: world.kim).status == .ok)
        #expect(try invite(TestApp.admin, to: groupID, as: world.kim).status == .forbidden)
        #expect(try send(.get, "/api/groups/requests/\(requestID)", as: world.bob).status == .ok)  // Business Admin
        // Jane cannot accept for Kim; Kim accepts.
        #expect(try act(requestID, "accept", as: world.jane).status == .forbidden)
        #expect(try act(requestID, "accept", as: world.kim).text == Self.accepted)
        #expect(Set(try memberIDs(groupID, as: world.kim)) == [janeID, kimID])
        // Kim (a member) may not delete the group, remove Jane or make herself admin; Jane makes her admin.
        #expect(try send(.delete, "/api/groups/\(groupID)", as: world.kim).status == .forbidden)
        #expect(try send(.delete, "/api/groups/\(groupID)/members/\(janeID)", as: world.kim).status == .forbidden)
        #expect(try act(requestID, "make.admin", as: world.kim).status == .forbidden)
        #expect(try act(requestID, "make.admin", as: world.jane).text == Self.accepted)
        let kimItem = try #require(
            (try world.get("/api/groups/\(groupID)/members", as: world.jane).json()["channel"]?["item"]?.arrayValue ?? []).first {
                $0["guid"]?["value"]?.stringValue == kimID
            })
        #expect(kimItem["category"]?.arrayValue?.first?["value"]?.stringValue == "com.soa.group.membership.role.admin")
        // Kim's groups list it; Jane may not read Kim's list, a Site Admin may.
        let kimGroups = try world.get("/api/users/\(kimID)/groups", as: world.kim).json()["channel"]?["item"]?.arrayValue ?? []
        #expect(kimGroups.compactMap { $0["guid"]?["value"]?.stringValue } == [groupID])
        #expect(try world.get("/api/users/\(kimID)/groups", as: world.jane).status == .forbidden)
        #expect(try world.get("/api/users/\(kimID)/groups", as: world.admin).status == .ok)
        // Kim leaves with a comment; the group is deleted; its requests go with it.
        let left = try send(.delete, "/api/groups/\(groupID)/members/\(kimID)?Comment=Bye", as: world.kim)
        #expect(left.status == .ok && left.text == kimID)
        #expect(try send(.get, "/api/groups/requests/\(requestID)", as: world.jane).text == "com.soa.group.membership.state.removed")
        let history = try world.app.pool.read { db in
            try db.queryFirst("SELECT comments FROM workflow_history WHERE object_id = ? ORDER BY id DESC", requestID)?.string("comments")
        }
        #expect(history == #"["Bye"]"#)
        // The state browser lists the group and the request, linked to its workflow page.
        let page = try world.app.send(.get, "/_emulator/ui/groups").text
        #expect(page.contains("LEAD") && page.contains("href=\"/_emulator/ui/workflow/\(requestID)\""))
        let deleted = try send(.delete, "/api/groups/\(groupID)", as: world.jane)
        #expect(deleted.status == .ok && deleted.text == groupID)
        #expect(try world.get("/api/groups/\(groupID)", as: world.jane).status == .notFound)
        #expect(try send(.get, "/api/groups/requests/\(requestID)", as: world.jane).status == .notFound)
        #expect(try world.app.pool.read { try $0.queryFirst("SELECT 1 AS x FROM workflow_objects WHERE object_id = ?", requestID) } == nil)
    }

    @Test func theSiteAdminGroupGrantsTheRoleOnAccepting() throws {
        let siteAdmins = "tenantadmin.acmepaymentscorp"
        let adminID = try userID(world.admin)
        #expect(try memberIDs(siteAdmins, as: world.admin) == [adminID])
        // A Business Admin may not invite into the Site Admin group; a Site Admin may.
        #expect(try invite(Self.kimEmail, to: siteAdmins, as: world.bob).status == .forbidden)
        #expect(try world.get("/api/workflow/definitions", as: world.kim).status == .forbidden)
        let requestID = try invite(Self.kimEmail, to: siteAdmins, as: world.admin).text
        #expect(try world.get("/api/workflow/definitions", as: world.kim).status == .forbidden)
        #expect(try act(requestID, "accept", as: world.kim).text == Self.accepted)
        // Her very next request is a Site Admin's.
        #expect(try world.get("/api/workflow/definitions", as: world.kim).status == .ok)
        let kimID = try userID(world.kim)
        #expect(Set(try memberIDs(siteAdmins, as: world.kim)) == [adminID, kimID])
        let kimGroups = try world.get("/api/users/\(kimID)/groups", as: world.kim).json()["channel"]?["item"]?.arrayValue ?? []
        let kimGroupIDs = kimGroups.compactMap { $0["guid"]?["value"]?.stringValue }
        #expect(kimGroupIDs.contains(siteAdmins))
        // Removing her takes the role away at once.
        #expect(try send(.delete, "/api/groups/\(siteAdmins)/members/\(kimID)", as: world.admin).status == .ok)
        #expect(try world.get("/api/workflow/definitions", as: world.kim).status == .forbidden)
        // The Business Admin group is the BusinessID; a Business Admin invites there.
        #expect(try invite(TestApp.jane, to: "tenantbusiness.acmepaymentscorp", as: world.bob).status == .ok)
        #expect(try send(.delete, "/api/groups/\(siteAdmins)", as: world.admin).status == .conflict)
    }

    @Test func unregisteredInviteesFollowInviteUnregisteredUsers() throws {
        let created = try world.post("/api/groups", as: world.jane, body: #"{"Group":{"Name":"Open"}}"#)
        let groupID = try #require(try created.json()["GroupID"]?.stringValue)
        let refused = try invite("newcomer@example.com", to: groupID, as: world.jane)
        #expect(refused.status == .badRequest)
        #expect(refused.text.contains("InviteUnregisteredUsers"))
        let on = try world.app.send(
            .put, "/api/businesses/tenantbusiness.acmepaymentscorp/usersettings",
            headers: TestApp.headers(world.admin, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: #"{"InviteUnregisteredUsers":"com.soa.feature.enabled"}"#)
        #expect(on.status == .ok, "\(on.text)")
        let invited = try invite("newcomer@example.com", to: groupID, as: world.jane)
        #expect(invited.status == .ok, "\(invited.text)")
        let members = try world.get("/api/groups/\(groupID)/members", as: world.jane).json()["channel"]?["item"]?.arrayValue ?? []
        #expect(members.contains { $0["description"]?.stringValue == "newcomer@example.com" })
    }

    /// A fixture's groups: accepted members at once, pending ones with a request to accept; applying it again changes nothing.
    @Test func fixturesMakeGroupsWithAcceptedAndPendingMembers() throws {
        let fixture = #"""
            {"groups":[{"GroupID":"group-leads.acmepaymentscorp","Name":"LEAD","Visibility":"Public","Tag":["developers"],
              "Members":["jane@acmepaymentscorp.com",{"email":"kim@acmepaymentscorp.com","role":"admin","state":"pending","message":"Join"}]}]}
            """#
        let applied = try world.app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: fixture)
        #expect(applied.status == .ok, "\(applied.text)")
        #expect(try applied.json()["created"]?["groupMembers"]?.arrayValue?.count == 2)
        let groupID = "group-leads.acmepaymentscorp"
        let members = try world.get("/api/groups/\(groupID)/members", as: world.jane).json()["channel"]?["item"]?.arrayValue ?? []
        let states = members.map { $0["category"]?.arrayValue?.last?["value"]?.stringValue ?? "" }
        #expect(states.sorted() == [Self.accepted, Self.pending])
        let kim = try #require(members.first { $0["description"]?.stringValue == Self.kimEmail })
        let requestID = try #require(kim["EntityReference"]?["Guid"]?.stringValue)
        #expect(try act(requestID, "accept", as: world.kim).text == Self.accepted)
        let again = try world.app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: fixture)
        #expect(try again.json()["created"]?["groupMembers"]?.arrayValue?.isEmpty != false)
        #expect(
            try world.app.send(
                .post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"],
                body: #"{"groups":[{"Name":"x","Members":[{"email":"nobody@x.com"}]}]}"#
            ).status == .badRequest)
    }

    /// A checkpoint rollback takes an invitation back, with its workflow object; the journal names the group.
    @Test func aRollbackRemovesAnInvitationAndItsWorkflowObject() throws {
        let created = try world.post("/api/groups", as: world.jane, body: #"{"Group":{"Name":"Undo"}}"#)
        let groupID = try #require(try created.json()["GroupID"]?.stringValue)
        let checkpoint = try #require(try world.app.send(.post, "/_emulator/checkpoints").json()["id"]?.stringValue)
        let requestID = try invite(Self.kimEmail, to: groupID, as: world.jane).text
        func rows() throws -> Int {
            try world.app.pool.read { db in
                (try db.queryFirst("SELECT count(*) AS n FROM group_members WHERE request_id = ?", requestID)?.int("n") ?? 0)
                    + (try db.queryFirst("SELECT count(*) AS n FROM workflow_objects WHERE object_id = ?", requestID)?.int("n") ?? 0)
            }
        }
        #expect(try rows() == 2)
        world.app.environment.journal.flush()
        let entries =
            try world.app.send(.get, "/_emulator/requests?path=/api/groups/\(groupID)/members&limit=5").json()["Request"]?.arrayValue ?? []
        #expect(entries.first?["changedIDs"]?.arrayValue?.contains(.string(groupID)) == true)
        #expect(try world.app.send(.post, "/_emulator/checkpoints/\(checkpoint)/rollback").status == .ok)
        #expect(try rows() == 0)
        #expect(try send(.get, "/api/groups/requests/\(requestID)", as: world.kim).status == .notFound)
        #expect(try memberIDs(groupID, as: world.jane).count == 1)
    }
}
