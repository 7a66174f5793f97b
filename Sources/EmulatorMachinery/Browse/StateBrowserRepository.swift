import SQLiteStore

/// The read-only queries behind the state browser (`GET /_emulator/ui`): plain rows, newest or
/// keyed order, every list bounded by `limit` so a page never costs more than it shows.
public enum StateBrowserRepository {
    public static let limit = 500

    public typealias Row = [String: String]

    static func rows(_ db: SQLiteConnection, _ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> [Row] {
        try db.query(sql, arguments).map { row in
            var values: Row = [:]
            for (index, name) in row.columnNames.enumerated() {
                switch row[index] {
                case .null: values[name] = ""
                case .integer(let value): values[name] = String(value)
                case .real(let value): values[name] = String(value)
                case .text(let value): values[name] = value
                case .blob(let bytes): values[name] = "<\(bytes.count) bytes>"
                }
            }
            return values
        }
    }

    public static func tenants(_ db: SQLiteConnection) throws -> [Row] {
        try rows(db, "SELECT fedmemberid, created FROM tenants ORDER BY fedmemberid LIMIT ?", [limit])
    }

    public static func settings(_ db: SQLiteConnection) throws -> [Row] {
        try rows(db, "SELECT tenant, name, value, updated FROM settings ORDER BY tenant, name LIMIT ?", [limit])
    }

    public static func users(_ db: SQLiteConnection, now: String) throws -> [Row] {
        try rows(
            db,
            """
            SELECT u.id, u.tenant, u.email, u.display_name, u.seeded,
                   coalesce((SELECT group_concat(role, ', ') FROM user_roles r WHERE r.user_id = u.id), '') AS roles,
                   (SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > ?) AS live_sessions
            FROM users u ORDER BY u.tenant, u.email LIMIT ?
            """, [now, limit])
    }

    public static func apps(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT a.id, a.tenant, a.name, a.summary, a.updated,
                   (SELECT count(*) FROM app_versions v WHERE v.app_id = a.id) AS versions,
                   (SELECT count(*) FROM app_team_members m WHERE m.app_id = a.id) AS members
            FROM apps a ORDER BY a.tenant, a.name, a.id LIMIT ?
            """, [limit])
    }

    public static func app(_ db: SQLiteConnection, id: String) throws -> Row? {
        try rows(db, "SELECT id, tenant, name, summary, description, business_id, created, updated FROM apps WHERE id = ?", [id]).first
    }

    public static func appVersions(_ db: SQLiteConnection, appID: String) throws -> [Row] {
        try rows(
            db,
            """
            SELECT v.id, v.name, v.visibility, v.state, v.identity, v.current_environment,
                   coalesce(o.status, '') AS workflow_status
            FROM app_versions v LEFT JOIN workflow_objects o ON o.object_id = v.id
            WHERE v.app_id = ? ORDER BY v.name, v.id LIMIT ?
            """, [appID, limit])
    }

    public static func team(_ db: SQLiteConnection, appID: String) throws -> [Row] {
        try rows(
            db,
            """
            SELECT m.user_id, m.role, coalesce(u.email, '') AS email FROM app_team_members m LEFT JOIN users u ON u.id = m.user_id
            WHERE m.app_id = ? ORDER BY m.role, u.email LIMIT ?
            """, [appID, limit])
    }

    /// The app an app version belongs to (for links from the journal).
    public static func appOfVersion(_ db: SQLiteConnection, versionID: String) throws -> String? {
        try db.queryFirst("SELECT app_id FROM app_versions WHERE id = ?", versionID)?.string("app_id")
    }

    public static func models(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT m.id AS model_id, m.tenant, m.name AS model_name, m.visibility,
                   coalesce(v.id, '') AS version_id, coalesce(v.name, '') AS version_name, coalesce(v.state, '') AS state,
                   coalesce(o.status, '') AS workflow_status
            FROM models m LEFT JOIN model_versions v ON v.model_id = m.id LEFT JOIN workflow_objects o ON o.object_id = v.id
            ORDER BY m.tenant, m.name, v.name LIMIT ?
            """, [limit])
    }

    public static func workflowObjects(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT o.object_id, o.tenant, o.object_type, o.status, o.updated, d.key AS definition_key, d.version AS definition_version
            FROM workflow_objects o JOIN workflow_definitions d ON d.id = o.definition_id
            ORDER BY o.updated DESC, o.object_id LIMIT ?
            """, [limit])
    }

    public static func workflowObject(_ db: SQLiteConnection, id: String) throws -> Row? {
        try rows(
            db,
            """
            SELECT o.object_id, o.tenant, o.object_type, o.status, o.updated, d.key AS definition_key, d.version AS definition_version
            FROM workflow_objects o JOIN workflow_definitions d ON d.id = o.definition_id WHERE o.object_id = ?
            """, [id]
        ).first
    }
}
