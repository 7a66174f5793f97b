import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// Issue 27's "Done when", tried as a new user would with only the help pages: an app team's
/// invitation is a membership request the invitee finds and accepts with the group request
/// action; an API's admins are its AdminGroupID's members.
@Suite struct GroupsDoneWhenTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    static let pending = "com.soa.group.membership.state.pending"
    static let accepted = "com.soa.group.membership.state.accepted"

    func userID(_ session: TestApp.Session) throws -> String {
        try #require(try world.get("/api/login/status", as: session).json()["userFDN"]?.stringValue)
    }

    func items(_ response: HTTPResponse) throws -> [JSONValue] { try response.json()["channel"]?["item"]?.arrayValue ?? [] }

    @Test func janeAcceptsHerAppTeamInvitationAndWorksOnTheApp() throws {
        // Admin makes an app (and is its team's Admin); Jane may not change it yet.
        let versionID = try world.createApp(as: world.admin)
        let appID = try #require(try world.get("/api/apps/versions/\(versionID)", as: world.admin).json()["AppID"]?.stringValue)
        let edit = #"{"Description":"Edited by Jane"}"#
        let put: () throws -> HTTPResponse = {
            try world.app.send(
                .put, "/api/apps/versions/\(versionID)",
                headers: TestApp.headers(world.jane, ["Content-Type": "application/json", "Accept": "text/plain"]), body: edit)
        }
        #expect(try put().status == .forbidden)

        // Admin invites Jane (m_apps_addMemberToTeam): the answer is the membership request.
        let invited = try world.post(
            "/api/apps/\(appID)/members", as: world.admin,
            body: #"{"Message":"Hi Jane. Inviting you to the Puzzle app team as discussed.","Email":"\#(TestApp.jane)"}"#,
            accept: "text/plain")
        #expect(invited.status == .ok)
        let requestID = invited.text
        #expect(requestID.hasPrefix("group_member_req-"))

        // Jane finds it: in her groups, ...
        let janeID = try userID(world.jane)
        let groups = try items(try world.get("/api/users/\(janeID)/groups", as: world.jane))
        let team = try #require(groups.first { $0["guid"]?["value"]?.stringValue == "appteam-\(appID)" })
        #expect(team["EntityReference"]?["Guid"]?.stringValue == requestID)
        #expect(team["AppID"]?.stringValue == appID)
        #expect(team["category"]?.arrayValue?.contains { $0["value"]?.stringValue == Self.pending } == true)
        // ... in the team's members list (the group's), and as a workflow object with her actions.
        let members = try items(try world.get("/api/groups/appteam-\(appID)/members", as: world.jane))
        let mine = try #require(members.first { $0["guid"]?["value"]?.stringValue == janeID })
        #expect(mine["EntityReference"]?["Guid"]?.stringValue == requestID)
        let actions = try world.get("/api/workflow/objects/\(requestID)/actions", as: world.jane).json()
        let names = Set((actions["Action"]?.arrayValue ?? []).compactMap { $0["Value"]?.stringValue })
        #expect(names == ["group.membership.action.accept", "group.membership.action.decline", "group.membership.action.remove"])
        #expect(try world.get("/api/groups/requests/\(requestID)", as: world.jane, accept: "text/plain").text == Self.pending)
        #expect(try put().status == .forbidden)

        // She accepts it with the group request action (m_groups_executeWorkflowAction).
        let accepted = try world.post(
            "/api/groups/requests/\(requestID)/actions", as: world.jane, body: #"{"ActionName":"group.membership.action.accept"}"#,
            accept: "text/plain")
        #expect(accepted.status == .ok)
        #expect(accepted.text == Self.accepted)

        // Now she reads and changes the app's versions.
        #expect(try world.get("/api/apps/\(appID)/versions", as: world.jane).status == .ok)
        #expect(try put().status == .ok)
        #expect(try world.get("/api/apps/versions/\(versionID)", as: world.jane).json()["Description"]?.stringValue == "Edited by Jane")
        let team2 = try items(try world.get("/api/apps/\(appID)/members", as: world.jane))
        #expect(
            team2.first { $0["guid"]?["value"]?.stringValue == janeID }?["category"]?.arrayValue?.first?["value"]?.stringValue
                == "Member")
    }

    @Test func aSecondAPIAdminAddedThroughTheAdminGroupActivatesAPendingContract() throws {
        // Jane's API; the Site Admin's app asks for a contract, which waits for approval.
        let (apiID, apiVersionID) = try world.createAPI(as: world.jane)
        let adminGroupID = try #require(try world.get("/api/apis/\(apiID)", as: world.jane).json()["AdminGroupID"]?.stringValue)
        let appVersionID = try world.createApp(as: world.admin, name: "Buyer")
        let contract = try world.requestContract(as: world.admin, apiVersionID: apiVersionID, appVersionID: appVersionID)
        let contractID = try #require(try contract.json()["ContractID"]?.stringValue)
        #expect(try contract.json()["State"]?.stringValue == "apicontract.status.pending_approval")
        // The AdminGroupID is a real group: Jane, its admin, is in it.
        let janeID = try userID(world.jane)
        let admins = try items(try world.get("/api/groups/\(adminGroupID)/members", as: world.jane))
        #expect(admins.map { $0["guid"]?["value"]?.stringValue } == [janeID])
        // Kim is not an admin yet: activating is refused.
        #expect(try world.act(contractID, "apicontract.action.activate", as: world.kim).status.code >= 400)

        // Jane adds Kim through the group (m_groups_inviteMemberToGroup); Kim accepts.
        let invited = try world.post(
            "/api/groups/\(adminGroupID)/members", as: world.jane,
            body:
                #"{"Email":"kim@acmepaymentscorp.com","Message":"Please co-administer the payments API.","Role":"com.soa.group.membership.role.admin"}"#,
            accept: "text/plain")
        #expect(invited.status == .ok)
        #expect(try world.act(contractID, "apicontract.action.activate", as: world.kim).status.code >= 400)
        let accepted = try world.post(
            "/api/groups/requests/\(invited.text)/actions", as: world.kim, body: #"{"ActionName":"group.membership.action.accept"}"#,
            accept: "text/plain")
        #expect(accepted.text == Self.accepted)

        // Kim now activates the pending contract as the doc sample does.
        let activated = try world.act(contractID, "apicontract.action.activate", as: world.kim)
        #expect(activated.status == .ok)
        #expect(activated.text == "apicontract.status.activated")
        // Both admins are listed; the last one cannot leave while the other can.
        #expect(
            Set(
                try items(try world.get("/api/groups/\(adminGroupID)/members", as: world.kim)).compactMap {
                    $0["guid"]?["value"]?.stringValue
                }
            ).count == 2)
        let kimID = try userID(world.kim)
        let removeKim = try world.app.send(
            .delete, "/api/groups/\(adminGroupID)/members/\(kimID)", headers: TestApp.headers(world.kim, ["Accept": "text/plain"]))
        #expect(removeKim.status == .ok)
        let removeJane = try world.app.send(
            .delete, "/api/groups/\(adminGroupID)/members/\(janeID)", headers: TestApp.headers(world.jane, ["Accept": "text/plain"]))
        #expect(removeJane.status == .conflict)
        #expect(try world.act(contractID, "apicontract.action.suspend", as: world.kim).status.code >= 400)
    }
}
