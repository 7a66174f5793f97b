import SQLiteStore

/// SQL for contracts and their licenses; State comes from the contract's workflow object (the
/// service fills Status, the step's name, through the engine's parsed-definition cache).
package enum ContractRepository {
    package static func contract(_ db: SQLiteConnection, id: String) throws -> Contract? {
        guard
            let row = try db.queryFirst(
                """
                SELECT c.id, c.tenant, c.api_version_id, c.runtime_id, c.environment, c.restricted, c.created, c.updated,
                       c.revision_of, o.status
                  FROM contracts c LEFT JOIN workflow_objects o ON o.object_id = c.id
                 WHERE c.id = ?
                """, id)
        else { return nil }
        let licenses = try db.query("SELECT license_id FROM contract_licenses WHERE contract_id = ? ORDER BY license_id", id)
            .compactMap { try $0.string("license_id") }
        return Contract(
            id: try row.requiredString("id"), tenant: try row.requiredString("tenant"),
            apiVersionID: try row.requiredString("api_version_id"),
            runtimeID: try row.requiredString("runtime_id"), environment: try row.requiredString("environment"),
            restricted: try row.requiredBool("restricted"), licenseIDs: licenses, state: try row.string("status") ?? "",
            status: "", created: try row.requiredString("created"), updated: try row.requiredString("updated"),
            revisionOf: try row.string("revision_of"))
    }

    static func ids(_ db: SQLiteConnection, runtimeID: String) throws -> [String] {
        try db.query("SELECT id FROM contracts WHERE runtime_id = ? ORDER BY created, rowid", runtimeID).compactMap { try $0.string("id") }
    }

    static func ids(_ db: SQLiteConnection, apiVersionID: String) throws -> [String] {
        try db.query("SELECT id FROM contracts WHERE api_version_id = ? ORDER BY created, rowid", apiVersionID).compactMap {
            try $0.string("id")
        }
    }

    /// A contract for the same app version, API version and environment that is not cancelled.
    package static func openContract(_ db: SQLiteConnection, runtimeID: String, apiVersionID: String, environment: String) throws -> String?
    {
        try db.queryFirst(
            """
            SELECT c.id FROM contracts c LEFT JOIN workflow_objects o ON o.object_id = c.id
             WHERE c.runtime_id = ? AND c.environment = ? AND c.api_version_id = ? AND coalesce(o.status, '') <> ?
             LIMIT 1
            """, runtimeID, environment, apiVersionID, Contract.cancelled)?.string("id")
    }

    /// The contracts for an app version, API version and environment that are not cancelled, oldest
    /// first: their ids, workflow statuses and the contract each revises.
    static func standing(_ db: SQLiteConnection, runtimeID: String, apiVersionID: String, environment: String) throws -> [(
        id: String, status: String, revisionOf: String?
    )] {
        try db.query(
            """
            SELECT c.id, c.revision_of, o.status FROM contracts c LEFT JOIN workflow_objects o ON o.object_id = c.id
             WHERE c.runtime_id = ? AND c.environment = ? AND c.api_version_id = ? AND coalesce(o.status, '') <> ?
             ORDER BY c.created, c.rowid
            """, runtimeID, environment, apiVersionID, Contract.cancelled
        ).map { row in (try row.requiredString("id"), try row.string("status") ?? "", try row.string("revision_of")) }
    }

    package static func insert(_ db: SQLiteConnection, _ contract: Contract, requestedBy: String?) throws {
        try db.change(
            contract.id,
            """
            INSERT INTO contracts (id, tenant, api_version_id, runtime_id, environment, restricted, requested_by, created, updated,
                                   revision_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, contract.id, contract.tenant, contract.apiVersionID, contract.runtimeID, contract.environment, contract.restricted,
            requestedBy, contract.created, contract.updated, contract.revisionOf)
        try replaceLicenses(db, contractID: contract.id, licenseIDs: contract.licenseIDs)
    }

    static func updateScope(_ db: SQLiteConnection, contractID: String, restricted: Bool, licenseIDs: [String], updated: String) throws {
        try db.change(contractID, "UPDATE contracts SET restricted = ?, updated = ? WHERE id = ?", restricted, updated, contractID)
        try replaceLicenses(db, contractID: contractID, licenseIDs: licenseIDs)
    }

    static func touch(_ db: SQLiteConnection, contractID: String, updated: String) throws {
        try db.change(contractID, "UPDATE contracts SET updated = ? WHERE id = ?", updated, contractID)
    }

    static func replaceLicenses(_ db: SQLiteConnection, contractID: String, licenseIDs: [String]) throws {
        try db.change(contractID, "DELETE FROM contract_licenses WHERE contract_id = ?", contractID)
        for license in licenseIDs {
            try db.change(
                contractID, "INSERT INTO contract_licenses (contract_id, license_id) VALUES (?, ?) ON CONFLICT DO NOTHING", contractID,
                license)
        }
    }
}
