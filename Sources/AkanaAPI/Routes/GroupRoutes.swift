import AkanaDomain
import DispatchHTTP
import Foundation

/// `/api/groups…` (cm/api/index_groups.htm) and `GET /api/users/{UserID}/groups`: groups, their
/// members and membership requests.
enum GroupRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let groups = environment.groups

        // POST /api/groups — m_groups_addGroup: the Group; the creator is its first member (its leader).
        router.add(.post, "/api/groups", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let group = try groups.createGroup(caller: caller.session, input: try GroupInput(body: try request.structuredBody()))
            return Responses.representation(GroupRepresentation.group(group), root: "Group", choice: choice, headers: AppRoutes.renew)
        }

        // GET /api/groups/{GroupID}[?IncludeSettings=] — m_groups_getGroup. The settings block is not
        // visible in the help page: IncludeSettings is checked (a boolean) and changes nothing.
        router.add(.get, "/api/groups/{GroupID}", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            _ = try request.booleanQuery("IncludeSettings", default: false)
            let group = try groups.group(request.parameter("GroupID"), caller: caller.session)
            return Responses.representation(GroupRepresentation.group(group), root: "Group", choice: choice)
        }

        // DELETE /api/groups/{GroupID} — m_groups_deleteGroup: 200 with the GroupID (text/plain).
        router.add(.delete, "/api/groups/{GroupID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            return Responses.text(try groups.deleteGroup(request.parameter("GroupID"), caller: caller.session), headers: AppRoutes.renew)
        }

        // GET /api/groups/{GroupID}/members — m_groups_getMembers: an RSS channel.
        router.add(.get, "/api/groups/{GroupID}/members", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let (group, members) = try groups.members(groupID: request.parameter("GroupID"), caller: caller.session)
            return GroupRepresentation.members(group, members).response(choice: choice)
        }

        // POST /api/groups/{GroupID}/members — m_groups_inviteMemberToGroup: text/plain, the MembershipRequestID.
        router.add(.post, "/api/groups/{GroupID}/members", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let requestID = try groups.invite(
                groupID: request.parameter("GroupID"), caller: caller.session,
                input: try MembershipRequestInput(body: try request.structuredBody()))
            return Responses.text(requestID, headers: AppRoutes.renew)
        }

        // DELETE /api/groups/{GroupID}/members/{UserID}[?Comment=] — m_groups_removeMemberFromGroup:
        // text/plain (the answer is not visible in the page: the removed UserID, as the app-team route).
        router.add(.delete, "/api/groups/{GroupID}/members/{UserID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let userID = try groups.removeMember(
                groupID: request.parameter("GroupID"), userID: request.parameter("UserID"),
                comment: request.http.queryValue(caseInsensitive: "Comment"), caller: caller.session)
            return Responses.text(userID, headers: AppRoutes.renew)
        }

        // GET /api/groups/requests/{MembershipRequestID} — m_groups_getRequestState: text/plain, the state.
        router.add(.get, "/api/groups/requests/{MembershipRequestID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            return Responses.text(try groups.requestState(request.parameter("MembershipRequestID"), caller: caller.session))
        }

        // POST /api/groups/requests/{MembershipRequestID}/actions — m_groups_executeWorkflowAction:
        // the Action object; text/plain, the new state.
        router.add(.post, "/api/groups/requests/{MembershipRequestID}/actions", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let action = try WorkflowActionInput(body: try request.structuredBody())
            let state = try groups.performAction(
                requestID: request.parameter("MembershipRequestID"), action: action, caller: caller.session)
            return Responses.text(state, headers: AppRoutes.renew)
        }

        // GET /api/users/{UserID}/groups — m_users_getMyGroups: an RSS feed (self or Site Admin).
        router.add(.get, "/api/users/{UserID}/groups", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let userID = try request.parameter("UserID")
            let list = try groups.userGroups(userID: userID, caller: caller.session)
            return GroupRepresentation.userGroups(list, userID: userID).response(choice: choice)
        }
    }
}
