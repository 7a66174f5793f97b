import SQLiteStore

/// The state browser's overview queries (`GET /_emulator/ui`): per-tenant counts, each a count over
/// an index whose first column is the tenant (never a table scan), and the request page's outbox.
extension StateBrowserRepository {
    /// The resources counted per tenant: the row's column and the table, each with an index whose
    /// first column is `tenant` (QueryPlanTests walks the overview). Tables this schema lacks are skipped.
    /// `also` narrows the rows counted (content: files, not folders; `is_folder` precedes the bytes,
    /// so no overflow page is read).
    static let countedResources: [(column: String, table: String, also: String)] = [
        ("users", "users", ""), ("groups", "groups", ""), ("apps", "apps", ""), ("app_versions", "app_versions", ""),
        ("apis", "apis", ""), ("api_versions", "api_versions", ""), ("contracts", "contracts", ""), ("models", "models", ""),
        ("licenses", "licenses", ""), ("scopes", "scopes", ""), ("content_files", "content_files", " AND content_files.is_folder = 0"),
        ("transactions", "gateway_transactions", "")
    ]

    /// Whether the schema has the table `name` (one lookup in `sqlite_master`).
    public static func tableExists(_ db: SQLiteConnection, _ name: String) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name) != nil
    }

    /// One row per tenant: `tenant` and a count per resource (`countedResources`; a table this
    /// schema lacks is left out of the row).
    public static func resourceCounts(_ db: SQLiteConnection) throws -> [Row] {
        var counted: [String] = []
        for (column, table, also) in countedResources {
            guard try tableExists(db, table) else { continue }
            counted.append("(SELECT count(*) FROM \(table) WHERE \(table).tenant = t.fedmemberid\(also)) AS \(column)")
        }
        let sql = "SELECT t.fedmemberid AS tenant" + counted.map { ", " + $0 }.joined() + " FROM tenants t ORDER BY t.fedmemberid LIMIT ?"
        return try rows(db, sql, [limit])
    }

    /// Contracts per tenant and workflow state (the state is the contract's workflow object's status);
    /// CROSS JOIN keeps the tenants outer, so each tenant's contracts come from `contracts_by_tenant`.
    public static func contractStates(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT t.fedmemberid AS tenant, coalesce(o.status, '') AS state, count(*) AS contracts
            FROM tenants t CROSS JOIN contracts c ON c.tenant = t.fedmemberid LEFT JOIN workflow_objects o ON o.object_id = c.id
            GROUP BY t.fedmemberid, coalesce(o.status, '') ORDER BY t.fedmemberid, contracts DESC LIMIT ?
            """, [limit])
    }

    /// The outbox entries a request caused (0026: each row names the request that wrote it by the
    /// server's request id), read through the tenant's index; nil when this schema has no outbox.
    public static func outboxEntries(_ db: SQLiteConnection, tenant: String, requestID: String) throws -> [Row]? {
        guard try tableExists(db, "outbox") else { return nil }
        return try rows(
            db,
            """
            SELECT id, time, kind, to_email, to_user, subject, body, object_type, object_id FROM outbox
            WHERE tenant = ? AND request_id = ? ORDER BY id LIMIT ?
            """, [tenant, requestID, limit])
    }
}
