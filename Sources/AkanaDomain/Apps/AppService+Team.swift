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
/// to manage it). Membership is immediate: the emulator's tenants invite registered users only
/// (`InviteUnregisteredUsers` off), so there is no invitation to accept.
extension AppService {
    public static let teamAdmin = "Admin"
    public static let teamMember = "Member"

    /// GET /api/apps/{AppID}/members.
    public func teamMembers(appID: String, caller: AuthenticatedSession) throws -> (Application, [AppTeamMember]) {
        try database.read(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .listMembers)
            return (app, try AppRepository.teamMembers(db, appID: app.id))
        }
    }

    /// POST /api/apps/{AppID}/members: `Email` (a user of the tenant) and `Message` (required since
    /// 2022.1.0). Returns the new member's UserID; inviting a member again changes nothing.
    public func addTeamMember(appID: String, caller: AuthenticatedSession, body: JSONValue) throws -> String {
        guard case .object = body else { throw DomainError.badRequest("The team invitation must be a JSON object with Email and Message.") }
        guard let emailValue = body.member(caseInsensitive: "Email"), let email = emailValue.stringValue,
              !email.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("Email is required: the email address of the user to add to the team.")
        }
        _ = try FieldLimits.check(email, field: "Email")
        guard let messageValue = body.member(caseInsensitive: "Message"), let message = messageValue.stringValue,
              !message.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("Message is required: the invitation text sent to the new team member.")
        }
        _ = try FieldLimits.check(message, field: "Message")
        return try database.write(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .addMember)
            guard let userID = try db.queryFirst("SELECT id FROM users WHERE tenant = ? AND email = ?", app.tenant, email)?.string("id") else {
                throw DomainError.badRequest(
                    "\(email) is not a user of the platform, and the tenant does not invite unregistered users (InviteUnregisteredUsers is off).")
            }
            if try AppRepository.teamRole(db, appID: app.id, userID: userID) == nil {
                try AppRepository.addTeamMember(db, appID: app.id, userID: userID, role: Self.teamMember)
            }
            return userID
        }
    }

    /// DELETE /api/apps/{AppID}/members/{UserID}.
    public func removeTeamMember(appID: String, userID: String, caller: AuthenticatedSession) throws {
        try database.write(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .removeMember)
            guard let role = try AppRepository.teamRole(db, appID: app.id, userID: userID) else {
                throw DomainError.notFound("User \(userID) is not a member of the team of app \(appID).")
            }
            if userID != caller.userID, !caller.isSiteAdmin, !caller.isBusinessAdmin,
               try AppRepository.teamRole(db, appID: app.id, userID: caller.userID) != Self.teamAdmin {
                throw DomainError.forbidden("Only a team Admin, a Business Admin or a Site Admin may remove another member from the team of app \(appID).")
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
            let ids = try db.query("SELECT id FROM app_versions WHERE tenant = ? AND identity = ?", caller.tenant, identity).compactMap { $0.string("id") }
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
