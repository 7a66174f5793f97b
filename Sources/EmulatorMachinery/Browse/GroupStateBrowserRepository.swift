import SQLiteStore

/// The state browser's queries for groups and their membership requests.
extension StateBrowserRepository {
    /// Groups with their kind, what they belong to and how many accepted and pending members they have.
    public static func groups(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT g.id, g.tenant, g.kind, g.name, g.visibility, coalesce(g.app_id, g.api_id, '') AS belongs_to, g.updated,
                   (SELECT count(*) FROM group_members m WHERE m.group_id = g.id AND m.state = 'com.soa.group.membership.state.accepted')
                       AS accepted,
                   (SELECT count(*) FROM group_members m WHERE m.group_id = g.id AND m.state = 'com.soa.group.membership.state.pending')
                       AS pending
            FROM groups g ORDER BY g.tenant, g.kind, g.name, g.id LIMIT ?
            """, [limit])
    }

    /// Every membership request, most recently changed first, with its user's email and workflow status.
    public static func memberships(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT m.request_id, m.group_id, g.name AS group_name, coalesce(u.email, '') AS email, m.role, m.state,
                   coalesce(w.status, '') AS workflow_status, m.message, m.updated
            FROM group_members m JOIN groups g ON g.id = m.group_id LEFT JOIN users u ON u.id = m.user_id
            LEFT JOIN workflow_objects w ON w.object_id = m.request_id
            ORDER BY m.updated DESC, m.request_id LIMIT ?
            """, [limit])
    }
}
