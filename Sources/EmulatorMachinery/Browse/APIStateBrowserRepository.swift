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

    /// Every API version's implementations: pattern, endpoints, the policies attached to it (and to
    /// its operations, as `operation: key`) and the version's operation count.
    public static func implementations(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT a.name AS api, v.name AS api_version, i.code, i.pattern, v.tenant, i.api_version_id,
                   (SELECT group_concat(e.url, ' ') FROM api_endpoints e
                     WHERE e.api_version_id = i.api_version_id AND e.code = i.code) AS endpoints,
                   (SELECT group_concat(CASE p.operation WHEN '' THEN p.policy_key ELSE p.operation || ': ' || p.policy_key END, ', ')
                      FROM api_implementation_policies p WHERE p.api_version_id = i.api_version_id AND p.code = i.code) AS policies,
                   (SELECT count(*) FROM api_operations o WHERE o.api_version_id = i.api_version_id) AS operations
            FROM api_implementations i
            JOIN api_versions v ON v.id = i.api_version_id
            JOIN apis a ON a.id = v.api_id
            ORDER BY v.tenant, a.name, v.created, i.code DESC LIMIT ?
            """, [limit])
    }

    /// Contracts with their API version and state, newest first: every contract, or an app's.
    public static func contracts(_ db: SQLiteConnection, appID: String? = nil) throws -> [Row] {
        let select = """
            SELECT c.id, c.tenant, c.environment, c.api_version_id, c.runtime_id, c.updated, coalesce(c.revision_of, '') AS revision_of,
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
