import SQLiteStore

/// One member of an app team, as the app-team view of its group shows them.
public struct AppTeamMember: Sendable, Equatable {
    public var userID: String
    /// "Admin" (the group's admins and leaders: the app's creator, or as a fixture says),
    /// "Member", or "Invited" while the membership is pending.
    public var role: String
    public var name: String
    public var email: String
    public var userCreated: String
    /// The membership request (its MembershipRequestID and state, com.soa.group.membership.state.*).
    public var requestID: String
    public var state: String
}

/// App teams (m_apps_getTeamMembers, m_apps_addMemberToTeam, m_apps_removeMemberFromTeam): the
/// app-team view of the app's group (`appteam-<AppID>`; cm/api/index_groups.htm: the Groups
/// service manages "app teams").
///
/// Team roles: every member may change the app and invite others (the pages name "App team
/// member"); removing *another* member takes a team Admin, a Business Admin or a Site Admin; a
/// Member may always leave. The last Admin of a team cannot be removed (the team would have no one
/// to manage it).
///
/// Joining: inviting creates a membership request governed by the tenant's group membership
/// workflow (`Config/workflows/groupmembership.xml`: `@Invite` → pending); the invitee accepts or
/// declines it with `POST /api/groups/requests/{MembershipRequestID}/actions` or
/// `POST /api/workflow/objects/{MembershipRequestID}/actions`. A tenant whose assigned workflow is
/// `groupmembership-autoaccept` (the fixture setting `AutoAcceptAppTeamInvitations` assigns it)
/// skips pending. Unregistered users are invited only with the tenant's `InviteUnregisteredUsers` on.
extension AppService {
    public static let teamAdmin = "Admin"
    public static let teamMember = "Member"
    /// How a pending invitee shows in the team list.
    public static let teamInvited = "Invited"

    /// GET /api/apps/{AppID}/members.
    public func teamMembers(appID: String, caller: AuthenticatedSession) throws -> (Application, [AppTeamMember]) {
        try database.read(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .listMembers)
            guard let group = try GroupRepository.group(db, appID: app.id) else { return (app, []) }
            let members = try GroupService.members(db, group: group).map { member in
                AppTeamMember(
                    userID: member.userID,
                    role: member.state == Membership.pending ? Self.teamInvited : Membership.teamRole(member.role), name: member.userName,
                    email: member.email, userCreated: member.created, requestID: member.requestID, state: member.state)
            }
            return (app, members)
        }
    }

    /// POST /api/apps/{AppID}/members: `Email` (a user of the tenant) and `Message` (required since
    /// 2022.1.0). Returns the MembershipRequestID; inviting a member again changes nothing,
    /// inviting an invitee again renews the invitation.
    public func addTeamMember(appID: String, caller: AuthenticatedSession, input: MembershipRequestInput) throws -> String {
        guard let email = input.email, !email.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("Email is required: the email address of the user to add to the team.")
        }
        _ = try FieldLimits.check(email, field: "Email")
        guard let message = input.message, !message.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("Message is required: the invitation text sent to the new team member.")
        }
        let request = try GroupService.checked(MembershipRequestInput(email: email, message: message, role: input.role))
        return try database.write(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .addMember)
            let group = try self.teamGroup(db, app: app)
            if request.role != Membership.roleMember, !caller.isSiteAdmin, !caller.isBusinessAdmin,
                try AppRepository.teamRole(db, appID: app.id, userID: caller.userID) != Self.teamAdmin
            {
                throw DomainError.forbidden(
                    "Only a team Admin, a Business Admin or a Site Admin may invite an Admin to the team of app \(appID).")
            }
            let userID = try self.groups.invitee(db, request: request, tenant: app.tenant)
            return try self.memberships.invite(db, group: group, userID: userID, role: request.role, message: message, caller: caller)
        }
    }

    /// DELETE /api/apps/{AppID}/members/{UserID}: a member leaves or is removed, an invitation is withdrawn.
    public func removeTeamMember(appID: String, userID: String, caller: AuthenticatedSession) throws {
        try database.write(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .removeMember)
            let group = try self.teamGroup(db, app: app)
            guard let membership = try GroupRepository.membership(db, groupID: group.id, userID: userID),
                membership.state == Membership.accepted || membership.state == Membership.pending
            else { throw DomainError.notFound("User \(userID) is not a member of the team of app \(appID).") }
            if userID != caller.userID, !caller.isSiteAdmin, !caller.isBusinessAdmin,
                try AppRepository.teamRole(db, appID: app.id, userID: caller.userID) != Self.teamAdmin
            {
                throw DomainError.forbidden(
                    "Only a team Admin, a Business Admin or a Site Admin may remove another member from the team of app \(appID).")
            }
            try self.groups.remove(db, group: group, userID: userID, comments: [], caller: caller)
        }
    }

    /// The app's team group (made with the app; 0018_groups.sql made those of older apps).
    func teamGroup(_ db: SQLiteConnection, app: Application) throws -> Group {
        guard let group = try GroupRepository.group(db, appID: app.id) else {
            throw DomainError.conflict("App \(app.id) has no team group.")
        }
        return group
    }
}

extension AppService {
    /// GET /api/apps/versions?Identity=…: the caller's tenant's version with that Identity, when
    /// the caller may list the versions of its app (an empty list otherwise: not a 404, a filter).
    public func versions(identity: String, caller: AuthenticatedSession) throws -> [AppVersion] {
        try database.read(in: caller.scope) { db in
            let ids = try AppRepository.versionIDs(db, tenant: caller.tenant, identity: identity)
            return try ids.compactMap { id -> AppVersion? in
                guard let version = try AppRepository.version(db, id: id),
                    try self.standing(db, appID: version.appID, tenant: version.tenant, visibility: version.visibility, caller: caller)
                        .allows(AppOperation.listVersions.rule)
                else { return nil }
                return version
            }
        }
    }
}
