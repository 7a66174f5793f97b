import SQLiteStore

/// One member of an app team (`app_team_members` with the user's name and email).
public struct AppTeamMember: Sendable, Equatable {
    public var userID: String
    /// "Admin" (the app's creator, or as a fixture says) or "Member".
    public var role: String
    public var name: String
    public var email: String
    public var userCreated: String
}

/// App teams (m_apps_getTeamMembers, m_apps_addMemberToTeam, m_apps_removeMemberFromTeam).
///
/// Team roles: every member may change the app and invite others (the pages name "App team
/// member"); removing *another* member takes a team Admin, a Business Admin or a Site Admin; a
/// Member may always leave. The last Admin of a team cannot be removed (the team would have no one
/// to manage it).
///
/// Joining: inviting records an invitation (`app_team_invitations`); the invitee joins by
/// performing the group membership action `group.membership.action.accept` (or turns it down with
/// `…decline`) on the app, `POST /api/workflow/objects/{AppID}/actions`, as the platform's
/// "All Groups: Valid Workflow Actions" describe; `…resend` renews it. Where the tenant's
/// `AutoAcceptAppTeamInvitations` setting is on (an emulator setting, set by a fixture) the
/// invitee joins at once. Only registered users can be invited (`InviteUnregisteredUsers` is off).
extension AppService {
    public static let teamAdmin = "Admin"
    public static let teamMember = "Member"
    /// How a pending invitee shows in the team list.
    public static let teamInvited = "Invited"
    /// The tenant setting (`settings` table) that makes invitees members at once.
    public static let autoAcceptTeamInvitationsSetting = "AutoAcceptAppTeamInvitations"
    public static let membershipActionPrefix = "group.membership.action."

    /// GET /api/apps/{AppID}/members.
    public func teamMembers(appID: String, caller: AuthenticatedSession) throws -> (Application, [AppTeamMember]) {
        try database.read(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .listMembers)
            return (app, try AppRepository.teamMembers(db, appID: app.id) + AppRepository.invitees(db, appID: app.id))
        }
    }

    /// POST /api/apps/{AppID}/members: `Email` (a user of the tenant) and `Message` (required since
    /// 2022.1.0). Returns the invitee's UserID; inviting a member again changes nothing, inviting
    /// an invitee again renews the invitation.
    public func addTeamMember(appID: String, caller: AuthenticatedSession, input: TeamInvitationInput) throws -> String {
        guard let email = input.email, !email.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("Email is required: the email address of the user to add to the team.")
        }
        _ = try FieldLimits.check(email, field: "Email")
        guard let message = input.message, !message.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("Message is required: the invitation text sent to the new team member.")
        }
        try FieldLimits.check(message, field: "Message")
        return try database.write(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .addMember)
            guard let userID = try UserRepository.id(db, tenant: app.tenant, email: email) else {
                throw DomainError.badRequest(
                    "\(email) is not a user of the platform, and the tenant does not invite unregistered users (InviteUnregisteredUsers is off)."
                )
            }
            guard try AppRepository.teamRole(db, appID: app.id, userID: userID) == nil else { return userID }
            let autoAccept = try AppRepository.settingIsOn(db, tenant: app.tenant, name: Self.autoAcceptTeamInvitationsSetting)
            if autoAccept {
                _ = try AppRepository.removeInvitation(db, appID: app.id, userID: userID)
                try AppRepository.addTeamMember(db, appID: app.id, userID: userID, role: Self.teamMember)
            } else {
                try AppRepository.invite(
                    db, appID: app.id, userID: userID, message: message, invitedBy: caller.userID,
                    now: Timestamp.iso8601(self.clock.now()))
            }
            return userID
        }
    }

    /// DELETE /api/apps/{AppID}/members/{UserID}.
    public func removeTeamMember(appID: String, userID: String, caller: AuthenticatedSession) throws {
        try database.write(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .removeMember)
            let role = try AppRepository.teamRole(db, appID: app.id, userID: userID)
            let invited = role == nil ? try AppRepository.invitation(db, appID: app.id, userID: userID) != nil : false
            guard role != nil || invited else { throw DomainError.notFound("User \(userID) is not a member of the team of app \(appID).") }
            if userID != caller.userID, !caller.isSiteAdmin, !caller.isBusinessAdmin,
                try AppRepository.teamRole(db, appID: app.id, userID: caller.userID) != Self.teamAdmin
            {
                throw DomainError.forbidden(
                    "Only a team Admin, a Business Admin or a Site Admin may remove another member from the team of app \(appID).")
            }
            guard let role else {
                // A pending invitation is withdrawn the same way.
                _ = try AppRepository.removeInvitation(db, appID: app.id, userID: userID)
                return
            }
            if role == Self.teamAdmin, try AppRepository.teamAdminCount(db, appID: app.id) <= 1 {
                throw DomainError.conflict("User \(userID) is the last Admin of the team of app \(appID) and cannot be removed.")
            }
            _ = try AppRepository.removeTeamMember(db, appID: app.id, userID: userID)
        }
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

extension AppService {
    /// `group.membership.action.accept|decline` by the invitee, `…resend` by whoever may invite,
    /// on app `appID` (`POST /api/workflow/objects/{AppID}/actions`). Returns the membership's
    /// status after the action: Accepted, Declined or Invited.
    public func membershipAction(appID: String, actionName: String, caller: AuthenticatedSession) throws -> String {
        let action = actionName.dropFirst(Self.membershipActionPrefix.count)
        return try database.write(in: caller.scope) { db in
            guard let app = try AppRepository.app(db, id: appID), app.tenant == caller.tenant else {
                throw DomainError.notFound("App \(appID) was not found.")
            }
            switch action {
            case "accept", "decline":
                guard try AppRepository.invitation(db, appID: app.id, userID: caller.userID) != nil else {
                    // Someone else's invitation, or none: the app's team is not the caller's business.
                    try self.standing(db, appID: app.id, tenant: app.tenant, visibility: app.defaultVersion?.visibility, caller: caller)
                        .check(.readApp, objectID: appID, kind: "App")
                    throw DomainError.conflict("You have no pending invitation to the team of app \(appID).")
                }
                _ = try AppRepository.removeInvitation(db, appID: app.id, userID: caller.userID)
                guard action == "accept" else { return "Declined" }
                try AppRepository.addTeamMember(db, appID: app.id, userID: caller.userID, role: Self.teamMember)
                return "Accepted"
            case "resend":
                _ = try self.authorizedApp(db, id: appID, caller: caller, for: .addMember)
                guard try AppRepository.renewInvitations(db, appID: app.id, now: Timestamp.iso8601(self.clock.now())) else {
                    throw DomainError.conflict("The team of app \(appID) has no pending invitations to resend.")
                }
                return "Invited"
            default:
                throw DomainError.badRequest(
                    "'\(actionName)' is not a group membership action here; the actions are group.membership.action.accept, .decline and .resend."
                )
            }
        }
    }
}
