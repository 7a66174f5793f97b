import SQLiteStore

/// The state browser's queries for APIs and contracts.
extension StateBrowserRepository {
    public static func apis(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT a.id, a.tenant, a.name, a.visibility, a.updated,
                   (SELECT count(*) FROM api_versions v WHERE v.api_id = a.id) AS versions,
                   (SELECT count(*) FROM api_admins m WHERE m.api_id = a.id) AS admins
            FROM apis a ORDER BY a.tenant, a.name, a.id LIMIT ?
            """, [limit])
    }

    /// Contracts with their API version and state, newest first: every contract, or an app's.
    public static func contracts(_ db: SQLiteConnection, appID: String? = nil) throws -> [Row] {
        let select = """
            SELECT c.id, c.tenant, c.environment, c.api_version_id, c.runtime_id, c.updated,
                   coalesce(o.status, '') AS state, coalesce(av.name, '') AS api_version, coalesce(a.name, '') AS api
            FROM contracts c
            LEFT JOIN workflow_objects o ON o.object_id = c.id
            LEFT JOIN api_versions av ON av.id = c.api_version_id
            LEFT JOIN apis a ON a.id = av.api_id
            """
        if let appID {
            return try rows(
                db, select + " JOIN app_versions v ON v.id = c.runtime_id WHERE v.app_id = ? ORDER BY c.updated DESC, c.id LIMIT ?",
                [appID, limit])
        }
        return try rows(db, select + " ORDER BY c.tenant, c.updated DESC, c.id LIMIT ?", [limit])
    }
}
