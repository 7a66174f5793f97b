import SQLiteStore

/// The state browser's queries for scopes, licenses and the operations mapped to scopes.
extension StateBrowserRepository {
    /// Scopes with how many operations map to them and how many licenses grant them.
    public static func scopes(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT s.id, s.tenant, s.name, s.visibility, s.parent_id, s.updated,
                   (SELECT count(*) FROM operation_scopes m WHERE m.scope_id = s.id) AS operations,
                   (SELECT count(DISTINCT p.license_id) FROM license_part_scopes p WHERE p.scope_id = s.id) AS licenses
            FROM scopes s ORDER BY s.tenant, s.name, s.id LIMIT ?
            """, [limit])
    }

    /// Licenses with their flags, the scopes their parts grant and the contracts that name them.
    public static func licenses(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT l.id, l.tenant, l.name, l.visibility, l.environments, l.active,
                   l.sandbox_access_auto_approved AS sandbox_auto_approved,
                   l.production_access_auto_approved AS production_auto_approved,
                   coalesce((SELECT group_concat(s.name, ', ') FROM license_part_scopes p JOIN scopes s ON s.id = p.scope_id
                             WHERE p.license_id = l.id), '') AS scopes,
                   (SELECT count(*) FROM contract_licenses c WHERE c.license_id = l.id) AS contracts
            FROM licenses l ORDER BY l.tenant, l.name, l.id LIMIT ?
            """, [limit])
    }

    /// Every operation mapped to a scope, by API version.
    public static func operationScopes(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT m.api_version_id, coalesce(a.name, '') AS api, coalesce(v.name, '') AS api_version, m.operation_name,
                   s.name AS scope, m.scope_id
            FROM operation_scopes m JOIN scopes s ON s.id = m.scope_id
            LEFT JOIN api_versions v ON v.id = m.api_version_id LEFT JOIN apis a ON a.id = v.api_id
            ORDER BY a.name, m.api_version_id, m.operation_name, m.position LIMIT ?
            """, [limit])
    }
}
