import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec

/// `/api/apps/{AppID}/members…`: the app team (m_apps_getTeamMembers, m_apps_addMemberToTeam,
/// m_apps_removeMemberFromTeam), the app-team view of the app's group.
enum AppTeamRoutes {
    static func register(into router: inout Router, environment: APIEnvironment, apps: AppService) {
        // GET /api/apps/{AppID}/members — an RSS-style channel, one item per member or invitee: the team
        // role (Admin, Member, Invited), the membership's state, and its MembershipRequestID.
        router.add(.get, "/api/apps/{AppID}/members", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let (app, members) = try apps.teamMembers(appID: request.parameter("AppID"), caller: caller.session)
            let items = members.map { member in
                RSSChannel.Item(
                    title: member.name, description: member.email, guid: member.userID,
                    categories: [("uddi:soa.com:team.role", member.role), (GroupRepresentation.stateDomain, member.state)],
                    pubDate: Timestamp.parse(member.userCreated) ?? Date(timeIntervalSince1970: 0),
                    fields: member.requestID.isEmpty
                        ? []
                        : [("EntityReference", .object([("Title", .string("MembershipRequest")), ("Guid", .string(member.requestID))]))])
            }
            return RSSChannel(title: "Team of \(app.name)", items: items).response(choice: choice)
        }

        // POST /api/apps/{AppID}/members — {"Message", "Email"}; text/plain, the MembershipRequestID
        // (the invitee accepts it with POST /api/groups/requests/{MembershipRequestID}/actions).
        router.add(.post, "/api/apps/{AppID}/members", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let requestID = try apps.addTeamMember(
                appID: request.parameter("AppID"), caller: caller.session,
                input: try MembershipRequestInput(body: try request.jsonBody()))
            return Responses.text(requestID, headers: AppRoutes.renew)
        }

        // DELETE /api/apps/{AppID}/members/{UserID}[?Comment=…] — text/plain, the removed UserID.
        router.add(.delete, "/api/apps/{AppID}/members/{UserID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let userID = try request.parameter("UserID")
            try apps.removeTeamMember(appID: request.parameter("AppID"), userID: userID, caller: caller.session)
            return Responses.text(userID, headers: AppRoutes.renew)
        }
    }
}
