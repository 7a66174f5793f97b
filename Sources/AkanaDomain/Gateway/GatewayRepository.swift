import SQLiteStore

/// SQL of the emulated gateway: the access point's implementation, the calling app version, its
/// contracts, and the stubs (`gateway_stubs`). Every look-up a call makes is by key or index.
package enum GatewayRepository {
    /// What the gateway needs of an implementation of an API version.
    struct Implementation {
        var apiID: String
        var tenant: String
        var anonymousAccessAllowed: Bool
        var descriptorFileID: Int64?
        var targets: [String]
    }

    /// The implementation `code` of the version `versionID`, if both exist (primary keys).
    static func implementation(_ db: SQLiteConnection, versionID: String, code: String) throws -> Implementation? {
        guard
            let row = try db.queryFirst(
                """
                SELECT v.api_id, v.tenant, v.descriptor_file_id, i.anonymous_access_allowed
                  FROM api_versions v JOIN api_implementations i ON i.api_version_id = v.id AND i.code = ?
                 WHERE v.id = ?
                """, code, versionID)
        else { return nil }
        let targets = try db.query(
            "SELECT url FROM api_endpoints WHERE api_version_id = ? AND code = ? ORDER BY position", versionID, code
        ).compactMap { try $0.string("url") }
        return Implementation(
            apiID: try row.requiredString("api_id"), tenant: try row.requiredString("tenant"),
            anonymousAccessAllowed: try row.requiredBool("anonymous_access_allowed"),
            descriptorFileID: try row.int64("descriptor_file_id"), targets: targets)
    }

    /// The app version whose Identity is `identity` in `tenant` (unique index `app_versions_by_tenant_identity`).
    static func appVersion(_ db: SQLiteConnection, tenant: String, identity: String) throws -> (
        id: String, appID: String, sharedSecret: String
    )? {
        try db.queryFirst("SELECT id, app_id, shared_secret FROM app_versions WHERE tenant = ? AND identity = ?", tenant, identity).map {
            (try $0.requiredString("id"), try $0.requiredString("app_id"), try $0.requiredString("shared_secret"))
        }
    }

    /// The app version's contracts with an API version in one environment, newest first, with
    /// their workflow statuses (index `contracts_by_runtime`).
    static func contracts(_ db: SQLiteConnection, runtimeID: String, apiVersionID: String, environment: String) throws -> [(
        id: String, status: String
    )] {
        try db.query(
            """
            SELECT c.id, o.status FROM contracts c LEFT JOIN workflow_objects o ON o.object_id = c.id
             WHERE c.runtime_id = ? AND c.environment = ? AND c.api_version_id = ?
             ORDER BY c.created DESC, c.rowid DESC
            """, runtimeID, environment, apiVersionID
        ).map { (try $0.requiredString("id"), try $0.string("status") ?? "") }
    }

    // MARK: - Stubs

    static let stubColumns = "id, tenant, api_version_id, operation, method, path, status, headers, body, delay_ms, created"

    /// The API version's stubs, newest first (index `gateway_stubs_by_api_version`).
    static func stubs(_ db: SQLiteConnection, apiVersionID: String) throws -> [GatewayStub] {
        try db.query(
            "SELECT \(stubColumns) FROM gateway_stubs WHERE api_version_id = ? ORDER BY created DESC, rowid DESC", apiVersionID
        ).map(stub)
    }

    /// The tenant's stubs, oldest first (index `gateway_stubs_by_tenant`).
    static func stubs(_ db: SQLiteConnection, tenant: String) throws -> [GatewayStub] {
        try db.query("SELECT \(stubColumns) FROM gateway_stubs WHERE tenant = ? ORDER BY created, rowid", tenant).map(stub)
    }

    static func insertStub(_ db: SQLiteConnection, _ stub: GatewayStub) throws {
        try db.change(
            stub.id,
            """
            INSERT INTO gateway_stubs (id, tenant, api_version_id, operation, method, path, status, headers, body, delay_ms, created)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, stub.id, stub.tenant, stub.apiVersionID, stub.operation, stub.method, stub.path, stub.status,
            stub.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n"), stub.body, stub.delayMillis, stub.created)
    }

    static func deleteStub(_ db: SQLiteConnection, id: String) throws -> Bool {
        try db.change(id, "DELETE FROM gateway_stubs WHERE id = ?", id) > 0
    }

    private static func stub(_ row: SQLiteRow) throws -> GatewayStub {
        let headerText = try row.requiredString("headers")
        let headers: [(name: String, value: String)] = headerText.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        return GatewayStub(
            id: try row.requiredString("id"), tenant: try row.requiredString("tenant"),
            apiVersionID: try row.requiredString("api_version_id"), operation: try row.requiredString("operation"),
            method: try row.requiredString("method"), path: try row.requiredString("path"), status: try row.requiredInt("status"),
            headers: headers, body: try row.requiredBlob("body"), delayMillis: try row.requiredInt("delay_ms"),
            created: try row.requiredString("created"))
    }
}
