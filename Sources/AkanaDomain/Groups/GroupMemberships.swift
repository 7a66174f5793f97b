import SQLiteStore

/// The membership rules every service shares (groups, app teams, API admins, fixtures), inside the
/// caller's transaction. A membership is a workflow object (object type `groupmembership`): the
/// tenant's assigned definition decides its states (`Config/workflows/groupmembership.xml` by
/// default: `@Invite` → pending → accept / decline; `groupmembership-autoaccept.xml` skips pending).
/// With no definition assigned to the type, an invitation is accepted at once and no action applies.
package struct GroupMemberships: Sendable {
    let engine: WorkflowEngine?
    let ids: IDGenerator
    private let stamp: @Sendable () -> String

    package init(engine: WorkflowEngine?, clock: EmulatorClock, ids: IDGenerator) {
        self.engine = engine
        self.ids = ids
        self.stamp = { Timestamp.iso8601(clock.now()) }
    }

    /// For fixtures, which stamp everything they make with one time.
    package init(engine: WorkflowEngine?, stamp: String, ids: IDGenerator) {
        self.engine = engine
        self.ids = ids
        self.stamp = { stamp }
    }

    var now: String { stamp() }

    func newRequestID(tenant: String) -> String { "group_member_req-\(ids.uuid()).\(tenant)" }

    // MARK: - The groups resources own

    /// The team of an app: group `appteam-<AppID>` (the emulator's id shape; clients find it in
    /// `GET /api/users/{UserID}/groups`).
    package static func appTeam(appID: String, tenant: String, name: String, createdBy: String, now: String) -> Group {
        Group(
            id: "appteam-\(appID)", tenant: tenant, kind: .appTeam, groupType: GroupKind.appTeam.groupType, name: name, description: "",
            visibility: "Private", tags: [], appID: appID, apiID: nil, createdBy: createdBy, created: now, updated: now)
    }

    /// The admin group of an API (its AdminGroupID).
    package static func apiAdmins(groupID: String, apiID: String, tenant: String, apiName: String, createdBy: String, now: String)
        -> Group
    {
        Group(
            id: groupID, tenant: tenant, kind: .apiAdmin, groupType: GroupKind.apiAdmin.groupType, name: "\(apiName) Admins",
            description: "", visibility: "Private", tags: [], appID: nil, apiID: apiID, createdBy: createdBy, created: now,
            updated: now)
    }

    /// `tenantadmin.<tenant>` (named on cm/api/index_groups.htm) and `tenantbusiness.<tenant>` (the
    /// Business Admin group; m_groups_removeMultipleMembersFromGroup's sample URL).
    package static func systemGroups(tenant: String, now: String) -> [Group] {
        [
            Group(
                id: "tenantadmin.\(tenant)", tenant: tenant, kind: .siteAdmin, groupType: GroupKind.siteAdmin.groupType,
                name: "Site Admins", description: "", visibility: "Private", tags: [], appID: nil, apiID: nil, createdBy: "",
                created: now, updated: now),
            Group(
                id: "tenantbusiness.\(tenant)", tenant: tenant, kind: .businessAdmin, groupType: GroupKind.businessAdmin.groupType,
                name: "Business Admins", description: "", visibility: "Private", tags: [], appID: nil, apiID: nil, createdBy: "",
                created: now, updated: now)
        ]
    }

    /// The journal names the app for an app team's changes (as before groups), the group otherwise.
    static func journalID(_ group: Group) -> String { group.appID ?? group.apiID ?? group.id }

    // MARK: - Adding members

    /// Makes `userID` an accepted member (the creator of a group, app or API; fixtures): the
    /// workflow's `@Import` ("Takes the group membership direct to the Approved state").
    @discardableResult
    package func addAccepted(_ db: SQLiteConnection, group: Group, userID: String, role: String, by actor: String) throws -> String {
        if let existing = try GroupRepository.membership(db, groupID: group.id, userID: userID) {
            if existing.state == Membership.accepted { return existing.requestID }
            try GroupRepository.delete(db, requestID: existing.requestID, journalID: Self.journalID(group))
        }
        let stamp = now
        let membership = GroupMembership(
            requestID: newRequestID(tenant: group.tenant), groupID: group.id, userID: userID, role: role, state: Membership.accepted,
            message: "", invitedBy: actor, created: stamp, updated: stamp)
        try GroupRepository.insert(db, membership, journalID: Self.journalID(group))
        try start(db, membership: membership, tenant: group.tenant, initialAction: Membership.importAction, actor: actor)
        return membership.requestID
    }

    /// Invites `userID` without a caller (fixtures): the workflow's `@Invite` (pending by default).
    @discardableResult
    package func addPending(
        _ db: SQLiteConnection, group: Group, userID: String, role: String, message: String, by actor: String
    ) throws -> String {
        let stamp = now
        let membership = GroupMembership(
            requestID: newRequestID(tenant: group.tenant), groupID: group.id, userID: userID, role: role, state: Membership.pending,
            message: message, invitedBy: actor, created: stamp, updated: stamp)
        try GroupRepository.insert(db, membership, journalID: Self.journalID(group))
        if let engine,
            try engine.start(
                db, tenant: group.tenant, objectType: Membership.objectType, objectID: membership.requestID,
                caller: WorkflowCaller.emulator(userID: actor.isEmpty ? userID : actor), initialAction: Membership.invite) != nil
        {
            try afterTransition(db, group: group, requestID: membership.requestID)
        } else {
            try GroupRepository.setState(
                db, requestID: membership.requestID, state: Membership.accepted, updated: stamp, journalID: Self.journalID(group))
        }
        return membership.requestID
    }

    /// Starts the membership's workflow with `initialAction`, or the definition's first initial
    /// action when it has no such action (a tenant's own definition). Nothing when none is assigned.
    func start(_ db: SQLiteConnection, membership: GroupMembership, tenant: String, initialAction: String, actor: String) throws {
        guard let engine else { return }
        let caller = WorkflowCaller.emulator(userID: actor.isEmpty ? membership.userID : actor)
        do {
            try engine.start(
                db, tenant: tenant, objectType: Membership.objectType, objectID: membership.requestID, caller: caller,
                initialAction: initialAction)
        } catch let error as DomainError where error.kind == .badRequest {
            try engine.start(db, tenant: tenant, objectType: Membership.objectType, objectID: membership.requestID, caller: caller)
        }
    }

    /// Invites `userID` into the group (the service checked the caller may): a new membership runs
    /// the workflow's `@Invite` (pending by default). Inviting again a pending invitee renews the
    /// invitation (`…resend`); an accepted member stays as they are; a declined or removed one is
    /// invited again under the same MembershipRequestID (`@RecreateInPendingState`, or
    /// `@RecreateInAcceptedState` where the definition has only that). Returns the MembershipRequestID.
    ///
    /// Unless the user was a member already, the invitee gets the invitation (`Outbox`), in the
    /// same transaction.
    package func invite(
        _ db: SQLiteConnection, group: Group, userID: String, role: String, message: String, caller: AuthenticatedSession
    ) throws -> String {
        let wasMember = try GroupRepository.membership(db, groupID: group.id, userID: userID)?.state == Membership.accepted
        let requestID = try record(db, group: group, userID: userID, role: role, message: message, caller: caller)
        if !wasMember {
            try GroupNotices.invitation(db, group: group, requestID: requestID, inviter: caller.userID, message: message, stamp: now)
        }
        return requestID
    }

    /// The membership side of `invite`.
    private func record(
        _ db: SQLiteConnection, group: Group, userID: String, role: String, message: String, caller: AuthenticatedSession
    ) throws -> String {
        let stamp = now
        let journalID = Self.journalID(group)
        if var existing = try GroupRepository.membership(db, groupID: group.id, userID: userID) {
            if existing.state == Membership.accepted { return existing.requestID }
            existing.role = role
            existing.message = message
            existing.invitedBy = caller.userID
            existing.updated = stamp
            try GroupRepository.renew(db, existing, journalID: journalID)
            guard let engine, try engine.isGoverned(db, objectID: existing.requestID) else {
                try GroupRepository.setState(
                    db, requestID: existing.requestID, state: Membership.accepted, updated: stamp, journalID: journalID)
                return existing.requestID
            }
            let service = WorkflowCaller.emulator(userID: caller.userID)
            // Under another definition than the tenant assigns now (e.g. auto-accept was assigned
            // since): the request starts again, same id, under the assigned one.
            let assigned = try WorkflowDefinitionRepository.assignedID(db, tenant: group.tenant, objectType: Membership.objectType)
            if existing.state != Membership.pending, try engine.state(db, objectID: existing.requestID)?.definitionID != assigned {
                try engine.removeObject(db, objectID: existing.requestID)
                try GroupRepository.setState(
                    db, requestID: existing.requestID, state: Membership.pending, updated: stamp, journalID: journalID)
                if try engine.start(
                    db, tenant: group.tenant, objectType: Membership.objectType, objectID: existing.requestID, caller: service,
                    initialAction: nil) == nil
                {
                    try GroupRepository.setState(
                        db, requestID: existing.requestID, state: Membership.accepted, updated: stamp, journalID: journalID)
                }
                try afterTransition(db, group: group, requestID: existing.requestID)
                return existing.requestID
            }
            if existing.state == Membership.pending {
                if try engine.isActionAvailable(db, objectID: existing.requestID, actionName: Membership.resend, caller: service) {
                    try engine.perform(
                        db, objectID: existing.requestID, actionName: Membership.resend, caller: service, tenant: group.tenant)
                }
                return existing.requestID
            }
            for action in [Membership.recreatePending, Membership.recreateAccepted]
            where try engine.isActionAvailable(db, objectID: existing.requestID, actionName: action, caller: service) {
                try engine.perform(db, objectID: existing.requestID, actionName: action, caller: service, tenant: group.tenant)
                try afterTransition(db, group: group, requestID: existing.requestID)
                return existing.requestID
            }
            // A definition without either: the old request goes, a new one starts.
            try GroupRepository.delete(db, requestID: existing.requestID, journalID: journalID)
        }
        let membership = GroupMembership(
            requestID: newRequestID(tenant: group.tenant), groupID: group.id, userID: userID, role: role, state: Membership.pending,
            message: message, invitedBy: caller.userID, created: stamp, updated: stamp)
        try GroupRepository.insert(db, membership, journalID: journalID)
        if let engine,
            try engine.start(
                db, tenant: group.tenant, objectType: Membership.objectType, objectID: membership.requestID,
                caller: WorkflowCaller.emulator(userID: caller.userID), initialAction: nil) != nil
        {
            try afterTransition(db, group: group, requestID: membership.requestID)
        } else {
            // No group membership workflow assigned: nothing to accept, the invitee joins.
            try GroupRepository.setState(
                db, requestID: membership.requestID, state: Membership.accepted, updated: stamp, journalID: journalID)
            try afterTransition(db, group: group, requestID: membership.requestID)
        }
        return membership.requestID
    }

    // MARK: - Actions

    /// The roles `caller` holds towards a membership for its workflow's conditions: their platform
    /// roles; Invitee on their own membership; GroupLeader, GroupAdmin or GroupMember by their
    /// accepted role in the group; AppTeamMember in an app's team; ApiAdmin in an API's admin group.
    func roles(_ db: SQLiteConnection, group: Group, membership: GroupMembership, caller: AuthenticatedSession) throws -> Set<String> {
        var roles = caller.roles
        if membership.userID == caller.userID { roles.insert(Membership.invitee) }
        let callerRole = try callerRole(db, group: group, caller: caller)
        switch callerRole {
        case Membership.roleLeader?: roles.insert(Membership.groupLeader)
        case Membership.roleAdmin?: roles.insert(Membership.groupAdmin)
        case Membership.roleMember?: roles.insert(Membership.groupMember)
        default: break
        }
        if callerRole != nil, group.kind == .appTeam { roles.insert("AppTeamMember") }
        if callerRole != nil, group.kind == .apiAdmin { roles.insert("ApiAdmin") }
        return roles
    }

    /// The caller's accepted role in the group; in a system group, admin when they hold its platform role.
    func callerRole(_ db: SQLiteConnection, group: Group, caller: AuthenticatedSession) throws -> String? {
        if let role = group.kind.platformRole { return caller.roles.contains(role) ? Membership.roleAdmin : nil }
        return try GroupRepository.acceptedRole(db, groupID: group.id, userID: caller.userID)
    }

    /// Performs a membership action with the caller's roles (the workflow answers 400, 403 or 409)
    /// and returns the new state. Removing (or demoting) the last admin of an app team or an API's
    /// admin group is a 409: "Each API must have one API Administrator".
    func perform(
        _ db: SQLiteConnection, group: Group, membership: GroupMembership, actionName: String, comments: [String],
        caller: AuthenticatedSession
    ) throws -> String {
        guard let engine, try engine.isGoverned(db, objectID: membership.requestID) else {
            throw DomainError.notFound(
                "No workflow governs membership request \(membership.requestID) (no group membership workflow is assigned), so it has no actions."
            )
        }
        let lowered = actionName.lowercased()
        if lowered == Membership.remove || lowered == Membership.makeMember || lowered == Membership.decline,
            membership.state == Membership.accepted, Membership.manages(membership.role),
            group.kind == .appTeam || group.kind == .apiAdmin,
            try GroupRepository.managerCount(db, groupID: group.id) <= 1
        {
            let what = group.kind == .apiAdmin ? "API admin group" : "app team"
            throw DomainError.conflict(
                "User \(membership.userID) is the last admin of the \(what) \(group.id) and cannot be removed or made a member.")
        }
        let workflowCaller = WorkflowCaller(
            userID: caller.userID, roles: try roles(db, group: group, membership: membership, caller: caller))
        let transition = try engine.perform(
            db, objectID: membership.requestID, actionName: actionName, comments: comments, caller: workflowCaller, tenant: group.tenant)
        let newRole: String? =
            switch transition.actionName.lowercased() {
            case Membership.makeAdmin: Membership.roleAdmin
            case Membership.makeLeader: Membership.roleLeader
            case Membership.makeMember: Membership.roleMember
            default: nil
            }
        if let newRole {
            try GroupRepository.setRole(db, requestID: membership.requestID, role: newRole, journalID: Self.journalID(group))
        }
        try afterTransition(db, group: group, requestID: membership.requestID)
        // The invitation sent again (`…resend`): the invitee gets it again.
        if transition.actionName.lowercased() == Membership.resend {
            try GroupNotices.invitation(
                db, group: group, requestID: membership.requestID, inviter: caller.userID, message: membership.message, stamp: now)
        }
        // A pending invitation answered: whoever invited hears of it.
        if membership.state == Membership.pending, transition.status == Membership.accepted || transition.status == Membership.declined {
            try GroupNotices.answered(
                db, group: group, membership: membership, accepted: transition.status == Membership.accepted, stamp: now)
        }
        return transition.status
    }

    /// What a state change means beyond the row: in a system group, an accepted membership is the
    /// platform role (`user_roles`), and leaving gives it up.
    func afterTransition(_ db: SQLiteConnection, group: Group, requestID: String) throws {
        guard let role = group.kind.platformRole, let membership = try GroupRepository.membership(db, requestID: requestID) else { return }
        if membership.state == Membership.accepted {
            try GroupRepository.grantRole(db, userID: membership.userID, role: role)
        } else if membership.state == Membership.removed {
            try GroupRepository.revokeRole(db, userID: membership.userID, role: role)
        }
    }
}
