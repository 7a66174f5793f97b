import Foundation
import SQLiteStore

/// The groups service (cm/api/groups): independent groups, and every group's members and
/// membership requests, app teams, API admin groups and the tenant's Site Admin and Business Admin
/// groups included. Who may do what is `GroupAccess` (one table, as `AppAccess` for apps); the
/// membership's own actions (accept, decline, resend, remove, make.*) are the workflow's to allow.
public final class GroupService: Sendable {
    let database: DatabasePool
    let clock: EmulatorClock
    let ids: IDGenerator
    let engine: WorkflowEngine
    let memberships: GroupMemberships

    public init(database: DatabasePool, clock: EmulatorClock, engine: WorkflowEngine, ids: IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
        self.engine = engine
        self.memberships = GroupMemberships(engine: engine, clock: clock, ids: ids)
    }

    /// The legacy fixture/tenant setting that made app-team invitees members at once; it now names
    /// the auto-accepting group membership workflow (`groupmembership-autoaccept`).
    public static let autoAcceptSetting = "AutoAcceptAppTeamInvitations"

    // MARK: - Groups

    /// POST /api/groups: an independent group; the caller becomes its first member, as its leader.
    public func createGroup(caller: AuthenticatedSession, input: GroupInput) throws -> Group {
        guard let name = input.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw DomainError.badRequest("Group.Name is required.")
        }
        try FieldLimits.check(name, field: "Group.Name")
        if let description = input.description { try FieldLimits.check(description, field: "Group.Description") }
        if let type = input.groupType, type != GroupKind.independent.groupType {
            throw DomainError.badRequest(
                "Group.GroupType '\(type)' cannot be added here: POST /api/groups adds independent groups (\(GroupKind.independent.groupType)); app teams and API admin groups come with their app or API."
            )
        }
        let visibility = input.visibility ?? "Private"
        guard Self.visibilities.contains(visibility) else {
            throw DomainError.badRequest("Group.Visibility must be one of \(Self.visibilities.joined(separator: ", ")).")
        }
        let tags = input.tags ?? []
        for tag in tags { try FieldLimits.check(tag, field: "Group.Tag") }
        let stamp = Timestamp.iso8601(clock.now())
        let group = Group(
            id: "group-\(ids.uuid()).\(caller.tenant)", tenant: caller.tenant, kind: .independent,
            groupType: GroupKind.independent.groupType, name: name, description: input.description ?? "", visibility: visibility,
            tags: tags, appID: nil, apiID: nil, createdBy: caller.userID, created: stamp, updated: stamp)
        return try database.write(in: caller.scope) { db in
            guard try UserRepository.exists(db, id: caller.userID) else {
                throw DomainError.unauthorized("The session's user no longer exists (deleted, or the emulator was reset); log in again.")
            }
            try GroupRepository.insert(db, group)
            try self.memberships.addAccepted(db, group: group, userID: caller.userID, role: Membership.roleLeader, by: caller.userID)
            return group
        }
    }

    /// Public, Private and Registered (m_groups_addGroup's sample sends Public).
    static let visibilities = ["Public", "Private", "Registered"]

    /// GET /api/groups/{GroupID}.
    public func group(_ id: String, caller: AuthenticatedSession) throws -> Group {
        try database.read(in: caller.scope) { db in try self.visibleGroup(db, id: id, caller: caller).0 }
    }

    /// DELETE /api/groups/{GroupID}: independent groups only (the others go with their app, API or
    /// tenant). Returns the GroupID.
    public func deleteGroup(_ id: String, caller: AuthenticatedSession) throws -> String {
        try database.write(in: caller.scope) { db in
            let (group, standing) = try self.visibleGroup(db, id: id, caller: caller)
            try standing.check(.deleteGroup, group: group)
            guard group.kind == .independent else {
                throw DomainError.conflict(
                    "Group \(id) is \(group.groupType): it is deleted with its \(group.kind == .appTeam ? "app" : group.kind == .apiAdmin ? "API" : "tenant"), not on its own."
                )
            }
            try GroupRepository.delete(db, id: group.id)
            return group.id
        }
    }

    // MARK: - Members

    /// GET /api/groups/{GroupID}/members: pending and accepted memberships (a system group's
    /// accepted members are the users holding its platform role).
    public func members(groupID: String, caller: AuthenticatedSession) throws -> (Group, [GroupMembership]) {
        try database.read(in: caller.scope) { db in
            let (group, _) = try self.visibleGroup(db, id: groupID, caller: caller)
            return (group, try Self.members(db, group: group))
        }
    }

    static func members(_ db: SQLiteConnection, group: Group) throws -> [GroupMembership] {
        let rows = try GroupRepository.members(db, groupID: group.id)
        guard let role = group.kind.platformRole else { return rows }
        let holders = try GroupRepository.roleHolders(db, tenant: group.tenant, role: role)
        let held = Set(holders.map(\.userID))
        let byUser = Dictionary(rows.map { ($0.userID, $0) }, uniquingKeysWith: { first, _ in first })
        let accepted = holders.map { holder -> GroupMembership in
            var member = byUser[holder.userID] ?? holder
            member.groupID = group.id
            member.state = Membership.accepted
            member.userName = holder.userName
            member.email = holder.email
            return member
        }
        return (accepted + rows.filter { !held.contains($0.userID) && $0.state == Membership.pending }).sorted { $0.userID < $1.userID }
    }

    /// POST /api/groups/{GroupID}/members: invites a user (Email or UserID) with a Message and a
    /// Role (member by default). Returns the MembershipRequestID.
    public func invite(groupID: String, caller: AuthenticatedSession, input: MembershipRequestInput) throws -> String {
        let request = try Self.checked(input)
        return try database.write(in: caller.scope) { db in
            let (group, standing) = try self.visibleGroup(db, id: groupID, caller: caller)
            try standing.check(request.role == Membership.roleMember ? .invite : .inviteManager, group: group)
            let userID = try self.invitee(db, request: request, tenant: group.tenant)
            return try self.memberships.invite(
                db, group: group, userID: userID, role: request.role, message: request.message, caller: caller)
        }
    }

    struct CheckedRequest {
        var email: String?
        var userID: String?
        var message: String
        var role: String
    }

    /// The MembershipRequest's rules: Email or UserID, a Message (required for groups), a known Role.
    static func checked(_ input: MembershipRequestInput) throws -> CheckedRequest {
        for (name, value) in [("Email", input.email), ("UserID", input.userID)]
        where value.map({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) == true {
            throw DomainError.badRequest("\(name) must not be empty.")
        }
        let email = input.email
        let userID = input.userID
        guard email != nil || userID != nil else {
            throw DomainError.badRequest("Email (or UserID) is required: the user to invite.")
        }
        if let email { try FieldLimits.check(email, field: "Email") }
        if let userID { try FieldLimits.check(userID, field: "UserID") }
        guard let message = input.message, !message.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("Message is required: the invitation text sent to the new member.")
        }
        try FieldLimits.check(message, field: "Message")
        let role = input.role ?? Membership.roleMember
        guard Membership.roles.contains(role) else {
            throw DomainError.badRequest("Role must be one of \(Membership.roles.joined(separator: ", ")).")
        }
        return CheckedRequest(email: email, userID: userID, message: message, role: role)
    }

    /// The invitee's UserID. A user the tenant does not have is a 400 while the tenant's
    /// `InviteUnregisteredUsers` (usersettings) is off; with it on, an email the platform does not
    /// know is registered as a new user of the tenant (no password yet: a Site Admin sets one, as
    /// the platform's invitation email would have the invitee do), who is then invited.
    func invitee(_ db: SQLiteConnection, request: CheckedRequest, tenant: String) throws -> String {
        if let userID = request.userID {
            guard try GroupRepository.user(db, id: userID, tenant: tenant) != nil else {
                throw DomainError.badRequest("UserID \(userID) is not a user of the tenant.")
            }
            return userID
        }
        let email = request.email ?? ""
        if let id = try UserRepository.id(db, tenant: tenant, email: email) { return id }
        // Stored as the PUT took it (com.soa.feature.enabled), or true from older fixtures.
        let invites = try GroupRepository.setting(db, tenant: tenant, name: "InviteUnregisteredUsers")
        guard invites == "com.soa.feature.enabled" || invites == "true" else {
            throw DomainError.badRequest(
                "\(email) is not a user of the platform, and the tenant does not invite unregistered users (InviteUnregisteredUsers is off)."
            )
        }
        guard email.contains("@") else { throw DomainError.badRequest("Email '\(email)' is not an email address.") }
        let stamp = Timestamp.iso8601(clock.now())
        let user = PlatformUser(
            id: "\(ids.uuid()).\(tenant)", tenant: tenant, email: email, displayName: email, firstName: "", lastName: "",
            forcePasswordChange: true, roles: [], created: stamp, updated: stamp)
        try UserRepository.insert(db, user, passwordHash: "")
        try Outbox.userCreated(db, user: user, by: nil, passwordToSet: true, stamp: stamp)
        return user.id
    }

    /// DELETE /api/groups/{GroupID}/members/{UserID}[?Comment=…]: the member leaves (or is removed
    /// by whoever manages the group); a pending invitation is withdrawn. Returns the UserID.
    public func removeMember(groupID: String, userID: String, comment: String?, caller: AuthenticatedSession) throws -> String {
        try database.write(in: caller.scope) { db in
            let (group, standing) = try self.visibleGroup(db, id: groupID, caller: caller)
            if userID != caller.userID { try standing.check(.removeOther, group: group) }
            try self.remove(db, group: group, userID: userID, comments: comment.map { [$0] } ?? [], caller: caller)
            return userID
        }
    }

    /// Removes `userID`'s pending or accepted membership through the workflow's `…remove`.
    func remove(_ db: SQLiteConnection, group: Group, userID: String, comments: [String], caller: AuthenticatedSession) throws {
        let membership = try GroupRepository.membership(db, groupID: group.id, userID: userID)
        if let membership, membership.state == Membership.accepted || membership.state == Membership.pending {
            guard try engine.isGoverned(db, objectID: membership.requestID) else {
                try GroupRepository.setState(
                    db, requestID: membership.requestID, state: Membership.removed, updated: memberships.now,
                    journalID: GroupMemberships.journalID(group))
                try memberships.afterTransition(db, group: group, requestID: membership.requestID)
                return
            }
            _ = try memberships.perform(
                db, group: group, membership: membership, actionName: Membership.remove, comments: comments, caller: caller)
            return
        }
        // A system group's member by configuration (user_roles, no request): the role goes.
        if let role = group.kind.platformRole, try GroupRepository.hasRole(db, userID: userID, role: role),
            try GroupRepository.user(db, id: userID, tenant: group.tenant) != nil
        {
            try GroupRepository.revokeRole(db, userID: userID, role: role)
            return
        }
        throw DomainError.notFound("User \(userID) is not a member of group \(group.id).")
    }

    // MARK: - Membership requests

    /// GET /api/groups/requests/{MembershipRequestID}: its state (text/plain on the platform).
    public func requestState(_ requestID: String, caller: AuthenticatedSession) throws -> String {
        try database.read(in: caller.scope) { db in try self.visibleRequest(db, id: requestID, caller: caller).membership.state }
    }

    /// POST /api/groups/requests/{MembershipRequestID}/actions (and the generic workflow route on a
    /// membership): performs the action; returns the new state.
    public func performAction(requestID: String, action: WorkflowActionInput, caller: AuthenticatedSession) throws -> String {
        try database.write(in: caller.scope) { db in
            let (group, membership) = try self.visibleRequest(db, id: requestID, caller: caller)
            return try self.memberships.perform(
                db, group: group, membership: membership, actionName: action.name, comments: action.comments, caller: caller)
        }
    }

    /// The caller as a membership's workflow sees them (`/api/workflow/objects/{id}/actions`). 404
    /// unless they are its invitee, a member of its group, a Site Admin or a Business Admin.
    func workflowCaller(_ db: SQLiteConnection, requestID: String, session: AuthenticatedSession) throws -> WorkflowCaller {
        let (group, membership) = try visibleRequest(db, id: requestID, caller: session)
        return WorkflowCaller(
            userID: session.userID, roles: try memberships.roles(db, group: group, membership: membership, caller: session))
    }

    /// The membership and its group, when the caller is its user, a member of the group, a Site
    /// Admin or a Business Admin of its tenant; 404 otherwise.
    func visibleRequest(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> (
        group: Group, membership: GroupMembership
    ) {
        guard let membership = try GroupRepository.membership(db, requestID: id),
            let group = try GroupRepository.group(db, id: membership.groupID), group.tenant == caller.tenant
        else { throw DomainError.notFound("Membership request \(id) was not found.") }
        let callerRole = try memberships.callerRole(db, group: group, caller: caller)
        guard membership.userID == caller.userID || caller.isSiteAdmin || caller.isBusinessAdmin || callerRole != nil else {
            throw DomainError.notFound("Membership request \(id) was not found.")
        }
        return (group, membership)
    }

    // MARK: - A user's groups

    /// GET /api/users/{UserID}/groups (self, or a Site Admin for any user of the tenant): the
    /// groups where the user's membership is pending or accepted, by name; the system groups of
    /// the platform roles they hold come first.
    public func userGroups(userID: String, caller: AuthenticatedSession) throws -> [(Group, GroupMembership)] {
        try database.read(in: caller.scope) { db in
            guard let (_, _) = try GroupRepository.user(db, id: userID, tenant: caller.tenant) else {
                throw DomainError.notFound("User \(userID) was not found.")
            }
            guard userID == caller.userID || caller.isSiteAdmin else {
                throw DomainError.forbidden("Only the user themselves or a Site Admin may list the groups of user \(userID).")
            }
            var result: [(Group, GroupMembership)] = []
            for group in GroupMemberships.systemGroups(tenant: caller.tenant, now: "") {
                guard let role = group.kind.platformRole, try GroupRepository.hasRole(db, userID: userID, role: role),
                    let stored = try GroupRepository.group(db, id: group.id)
                else { continue }
                let request = try GroupRepository.membership(db, groupID: group.id, userID: userID)
                var membership =
                    request
                    ?? GroupMembership(
                        requestID: "", groupID: group.id, userID: userID, role: Membership.roleMember, state: Membership.accepted,
                        message: "", invitedBy: "", created: stored.created, updated: stored.updated)
                membership.state = Membership.accepted
                result.append((stored, membership))
            }
            let listed = Set(result.map(\.0.id))
            for (groupID, membership) in try GroupRepository.userGroups(db, userID: userID) where !listed.contains(groupID) {
                guard let group = try GroupRepository.group(db, id: groupID) else { continue }
                if group.kind.platformRole != nil, membership.state == Membership.accepted { continue }
                result.append((group, membership))
            }
            return result
        }
    }

    // MARK: - Startup

    /// Run for each tenant at startup and after a reset, once the shipped workflows are installed:
    /// makes the tenant's Site Admin and Business Admin groups, starts the workflow of memberships
    /// a migration made (`@Import` for accepted ones, `@Invite` for pending ones), and turns the
    /// legacy `AutoAcceptAppTeamInvitations=true` setting into the assignment of the
    /// `groupmembership-autoaccept` workflow.
    public func prepareTenant(_ tenant: String, scope: TransactionScope) throws {
        let stamp = Timestamp.iso8601(clock.now())
        try database.write(in: scope) { db in
            for group in GroupMemberships.systemGroups(tenant: tenant, now: stamp) { try GroupRepository.insert(db, group) }
            for (requestID, state) in try GroupRepository.ungoverned(db, tenant: tenant) {
                guard state == Membership.accepted || state == Membership.pending,
                    let membership = try GroupRepository.membership(db, requestID: requestID)
                else { continue }
                try self.memberships.start(
                    db, membership: membership, tenant: tenant,
                    initialAction: state == Membership.accepted ? Membership.importAction : Membership.invite, actor: "")
            }
            // After the adoption: invitations pending before stay pending.
            if let legacy = try GroupRepository.setting(db, tenant: tenant, name: Self.autoAcceptSetting) {
                if legacy == "true" {
                    let id = try WorkflowDefinitionRepository.resolve(db, tenant: tenant, keyOrName: Membership.autoAcceptWorkflowKey)
                    try WorkflowDefinitionRepository.setAssignment(db, tenant: tenant, objectType: Membership.objectType, definitionID: id)
                }
                try GroupRepository.deleteSetting(db, tenant: tenant, name: Self.autoAcceptSetting)
            }
        }
    }

    // MARK: - Access

    /// The group when the caller may see it, with where they stand (404 for another tenant's, and
    /// for one they may not see unless it is Public or Registered, where they get 403).
    func visibleGroup(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> (Group, GroupAccess) {
        guard let group = try GroupRepository.group(db, id: id), group.tenant == caller.tenant else {
            throw DomainError.notFound("Group \(id) was not found.")
        }
        let role = try memberships.callerRole(db, group: group, caller: caller)
        let pending =
            role == nil ? try GroupRepository.membership(db, groupID: group.id, userID: caller.userID)?.state == Membership.pending : false
        let access = GroupAccess(
            siteAdmin: caller.isSiteAdmin, businessAdmin: caller.isBusinessAdmin, role: role, invitee: pending)
        guard access.canSee else {
            if group.visibility == "Public" || group.visibility == "Registered" {
                throw DomainError.forbidden("Only the members of group \(id), Business Admins and Site Admins may see it.")
            }
            throw DomainError.notFound("Group \(id) was not found.")
        }
        return (group, access)
    }
}

/// Who may do what with a group (the roles the group pages name: "Group member, group leader,
/// Admin, Site Admin, or Business Admin" read; "a group leader" invites and removes; "A Site Admin
/// can invite another user to be a Site Admin; a Business Admin can invite another user to be a
/// Business Admin"). App teams keep the app pages' rule: every team member invites.
struct GroupAccess {
    var siteAdmin: Bool
    var businessAdmin: Bool
    /// The caller's accepted role in the group (admin in a system group whose platform role they hold).
    var role: String?
    /// The caller has a pending invitation to the group.
    var invitee: Bool

    enum Operation {
        case invite, inviteManager, removeOther, deleteGroup
    }

    var canSee: Bool { siteAdmin || businessAdmin || role != nil || invitee }

    func allows(_ operation: Operation, group: Group) -> Bool {
        if siteAdmin { return true }
        // A Business Admin manages every group but the Site Admin group.
        if businessAdmin { return group.kind != .siteAdmin }
        if Membership.manages(role) { return true }
        return operation == .invite && role != nil && group.kind == .appTeam
    }

    func check(_ operation: Operation, group: Group) throws {
        guard allows(operation, group: group) else {
            let what =
                switch operation {
                case .invite: "invite members to"
                case .inviteManager: "invite leaders or admins to"
                case .removeOther: "remove other members from"
                case .deleteGroup: "delete"
                }
            throw DomainError.forbidden("Only the leaders and admins of group \(group.id), Business Admins and Site Admins may \(what) it.")
        }
    }
}
