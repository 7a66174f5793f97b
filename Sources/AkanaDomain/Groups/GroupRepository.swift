import SQLiteStore

/// SQL for groups and their memberships (`groups`, `group_tags`, `group_members`). Every function
/// runs on a connection the caller holds; values are always bound. `group_members.state` follows
/// the membership's workflow status by the triggers of 0018_groups.sql.
package enum GroupRepository {
    // MARK: - Groups

    private static let groupColumns =
        "id, tenant, kind, group_type, name, description, visibility, app_id, api_id, created_by, created, updated"

    package static func group(_ db: SQLiteConnection, id: String) throws -> Group? {
        guard let row = try db.queryFirst("SELECT \(groupColumns) FROM groups WHERE id = ?", id) else { return nil }
        return try group(db, row: row)
    }

    package static func group(_ db: SQLiteConnection, appID: String) throws -> Group? {
        guard let row = try db.queryFirst("SELECT \(groupColumns) FROM groups WHERE app_id = ?", appID) else { return nil }
        return try group(db, row: row)
    }

    package static func group(_ db: SQLiteConnection, apiID: String) throws -> Group? {
        guard let row = try db.queryFirst("SELECT \(groupColumns) FROM groups WHERE api_id = ?", apiID) else { return nil }
        return try group(db, row: row)
    }

    /// The tenant's oldest independent group named `name` (fixtures find groups without an id by name).
    package static func independentGroup(_ db: SQLiteConnection, tenant: String, name: String) throws -> Group? {
        guard
            let row = try db.queryFirst(
                "SELECT \(groupColumns) FROM groups WHERE tenant = ? AND kind = 'independent' AND name = ? ORDER BY created, rowid LIMIT 1",
                tenant, name)
        else { return nil }
        return try group(db, row: row)
    }

    private static func group(_ db: SQLiteConnection, row: SQLiteRow) throws -> Group {
        let id = try row.requiredString("id")
        let kind = try row.requiredString("kind")
        let tags = try db.query("SELECT tag FROM group_tags WHERE group_id = ? ORDER BY position", id).map { try $0.requiredString("tag") }
        return Group(
            id: id, tenant: try row.requiredString("tenant"), kind: GroupKind(rawValue: kind) ?? .independent,
            groupType: try row.requiredString("group_type"), name: try row.requiredString("name"),
            description: try row.requiredString("description"), visibility: try row.requiredString("visibility"), tags: tags,
            appID: try row.string("app_id"), apiID: try row.string("api_id"), createdBy: try row.requiredString("created_by"),
            created: try row.requiredString("created"), updated: try row.requiredString("updated"))
    }

    /// Inserts the group unless one with its id exists (system groups are made at every start).
    /// The journal names an app team's or API admin group's app or API (the group is part of it).
    package static func insert(_ db: SQLiteConnection, _ group: Group) throws {
        let journalID = group.appID ?? group.apiID ?? group.id
        try db.change(
            journalID,
            """
            INSERT INTO groups (id, tenant, kind, group_type, name, description, visibility, app_id, api_id, created_by, created, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
            """, group.id, group.tenant, group.kind.rawValue, group.groupType, group.name, group.description, group.visibility,
            group.appID, group.apiID, group.createdBy, group.created, group.updated)
        for (position, tag) in group.tags.enumerated() {
            try db.change(
                journalID, "INSERT INTO group_tags (group_id, position, tag) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", group.id, position,
                tag)
        }
    }

    /// Deletes the group; its tags and memberships (with their workflow objects) go by cascade.
    static func delete(_ db: SQLiteConnection, id: String) throws {
        try db.change(id, "DELETE FROM groups WHERE id = ?", id)
    }

    // MARK: - Memberships

    private static let membershipColumns =
        "m.request_id, m.group_id, m.user_id, m.role, m.state, m.message, m.invited_by, m.created, m.updated"

    private static func membership(_ row: SQLiteRow, withUser: Bool = false) throws -> GroupMembership {
        GroupMembership(
            requestID: try row.requiredString("request_id"), groupID: try row.requiredString("group_id"),
            userID: try row.requiredString("user_id"), role: try row.requiredString("role"), state: try row.requiredString("state"),
            message: try row.requiredString("message"), invitedBy: try row.requiredString("invited_by"),
            created: try row.requiredString("created"), updated: try row.requiredString("updated"),
            userName: withUser ? try row.requiredString("display_name") : "", email: withUser ? try row.requiredString("email") : "")
    }

    package static func membership(_ db: SQLiteConnection, requestID: String) throws -> GroupMembership? {
        try db.queryFirst("SELECT \(membershipColumns) FROM group_members m WHERE m.request_id = ?", requestID).map { try membership($0) }
    }

    package static func membership(_ db: SQLiteConnection, groupID: String, userID: String) throws -> GroupMembership? {
        try db.queryFirst("SELECT \(membershipColumns) FROM group_members m WHERE m.group_id = ? AND m.user_id = ?", groupID, userID).map {
            try membership($0)
        }
    }

    /// The user's role in the group when their membership is accepted; nil otherwise.
    static func acceptedRole(_ db: SQLiteConnection, groupID: String, userID: String) throws -> String? {
        try db.queryFirst(
            "SELECT role FROM group_members WHERE group_id = ? AND user_id = ? AND state = ?", groupID, userID, Membership.accepted)?
            .requiredString("role")
    }

    /// The group's pending and accepted memberships with each user's name and email, by user id.
    static func members(_ db: SQLiteConnection, groupID: String) throws -> [GroupMembership] {
        try db.query(
            """
            SELECT \(membershipColumns), u.display_name, u.email FROM group_members m JOIN users u ON u.id = m.user_id
             WHERE m.group_id = ? AND m.state IN (?, ?) ORDER BY m.user_id
            """, groupID, Membership.accepted, Membership.pending
        ).map { try membership($0, withUser: true) }
    }

    /// How many accepted admins and leaders the group has.
    static func managerCount(_ db: SQLiteConnection, groupID: String) throws -> Int {
        try db.queryFirst(
            "SELECT count(*) AS n FROM group_members WHERE group_id = ? AND state = ? AND role IN (?, ?)", groupID, Membership.accepted,
            Membership.roleAdmin, Membership.roleLeader)?.requiredInt("n") ?? 0
    }

    /// The groups where the user's membership is pending or accepted, with it, by group name.
    static func userGroups(_ db: SQLiteConnection, userID: String) throws -> [(groupID: String, membership: GroupMembership)] {
        try db.query(
            """
            SELECT \(membershipColumns) FROM group_members m JOIN groups g ON g.id = m.group_id
             WHERE m.user_id = ? AND m.state IN (?, ?) ORDER BY g.name COLLATE NOCASE, g.id
            """, userID, Membership.accepted, Membership.pending
        ).map { row in (try row.requiredString("group_id"), try membership(row)) }
    }

    package static func insert(_ db: SQLiteConnection, _ membership: GroupMembership, journalID: String) throws {
        try db.change(
            journalID,
            """
            INSERT INTO group_members (request_id, group_id, user_id, role, state, message, invited_by, created, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, membership.requestID, membership.groupID, membership.userID, membership.role, membership.state, membership.message,
            membership.invitedBy, membership.created, membership.updated)
    }

    /// A renewed invitation: its role, message, inviter and time.
    static func renew(_ db: SQLiteConnection, _ membership: GroupMembership, journalID: String) throws {
        try db.change(
            journalID, "UPDATE group_members SET role = ?, message = ?, invited_by = ?, updated = ? WHERE request_id = ?",
            membership.role, membership.message, membership.invitedBy, membership.updated, membership.requestID)
    }

    static func setRole(_ db: SQLiteConnection, requestID: String, role: String, journalID: String) throws {
        try db.change(journalID, "UPDATE group_members SET role = ? WHERE request_id = ?", role, requestID)
    }

    /// For memberships no workflow governs (none assigned to the type): the state set by hand.
    static func setState(_ db: SQLiteConnection, requestID: String, state: String, updated: String, journalID: String) throws {
        try db.change(journalID, "UPDATE group_members SET state = ?, updated = ? WHERE request_id = ?", state, updated, requestID)
    }

    /// Deletes the membership (its workflow object goes by trigger).
    static func delete(_ db: SQLiteConnection, requestID: String, journalID: String) throws {
        try db.change(journalID, "DELETE FROM group_members WHERE request_id = ?", requestID)
    }

    /// The tenant's memberships that no workflow object governs yet (made by a migration), with their state.
    static func ungoverned(_ db: SQLiteConnection, tenant: String) throws -> [(requestID: String, state: String)] {
        try db.query(
            """
            SELECT m.request_id, m.state FROM groups g JOIN group_members m ON m.group_id = g.id
              LEFT JOIN workflow_objects w ON w.object_id = m.request_id
             WHERE g.tenant = ? AND w.object_id IS NULL ORDER BY m.rowid
            """, tenant
        ).map { (try $0.requiredString("request_id"), try $0.requiredString("state")) }
    }

    // MARK: - System groups (accepted members are the users holding the platform role)

    static func roleHolders(_ db: SQLiteConnection, tenant: String, role: String) throws -> [GroupMembership] {
        try db.query(
            """
            SELECT u.id, u.display_name, u.email, u.created FROM user_roles r JOIN users u ON u.id = r.user_id
             WHERE r.role = ? AND u.tenant = ? ORDER BY u.id
            """, role, tenant
        ).map { row in
            let userID = try row.requiredString("id")
            let created = try row.requiredString("created")
            return GroupMembership(
                requestID: "", groupID: "", userID: userID, role: Membership.roleMember, state: Membership.accepted, message: "",
                invitedBy: "", created: created, updated: created, userName: try row.requiredString("display_name"),
                email: try row.requiredString("email"))
        }
    }

    static func hasRole(_ db: SQLiteConnection, userID: String, role: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS present FROM user_roles WHERE user_id = ? AND role = ?", userID, role) != nil
    }

    static func grantRole(_ db: SQLiteConnection, userID: String, role: String) throws {
        try db.change(userID, "INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING", userID, role)
    }

    static func revokeRole(_ db: SQLiteConnection, userID: String, role: String) throws {
        try db.change(userID, "DELETE FROM user_roles WHERE user_id = ? AND role = ?", userID, role)
    }

    /// The user's display name and email when they are a user of the tenant.
    static func user(_ db: SQLiteConnection, id: String, tenant: String) throws -> (name: String, email: String)? {
        try db.queryFirst("SELECT display_name, email FROM users WHERE id = ? AND tenant = ?", id, tenant).map {
            (try $0.requiredString("display_name"), try $0.requiredString("email"))
        }
    }

    /// A tenant setting's stored value (`settings`: "true"/"false" for switches).
    static func setting(_ db: SQLiteConnection, tenant: String, name: String) throws -> String? {
        try db.queryFirst("SELECT value FROM settings WHERE tenant = ? AND name = ?", tenant, name)?.requiredString("value")
    }

    static func deleteSetting(_ db: SQLiteConnection, tenant: String, name: String) throws {
        try db.change(tenant, "DELETE FROM settings WHERE tenant = ? AND name = ?", tenant, name)
    }
}
