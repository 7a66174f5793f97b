import SQLiteStore

/// SQL for `workflow_definitions` and `workflow_assignments`: stored definition versions and which
/// one new objects of a type start under, per tenant. (Objects and history: `WorkflowObjectRepository`.)
package enum WorkflowDefinitionRepository {
    /// Stores a new version of the definition's key (version 1 for a new key); an assignment to an
    /// older version of that key moves to it. Returns its row id.
    static func insert(_ db: SQLiteConnection, tenant: String, _ definition: WorkflowEngine.PreparedDefinition, now: String) throws -> Int64
    {
        guard try TenantRepository.exists(db, tenant) else {
            throw DomainError.notFound("Tenant '\(tenant)' is not configured.")
        }
        let previous = try db.queryFirst(
            "SELECT MAX(version) AS version, MIN(object_type) AS type FROM workflow_definitions WHERE tenant = ? AND key = ?",
            tenant, definition.key)
        if let type = try previous?.string("type"), type != definition.objectType {
            throw DomainError.conflict(
                "Workflow definition key '\(definition.key)' is for object type '\(type)'; a new version cannot be for '\(definition.objectType)'."
            )
        }
        let version = (try previous?.int("version") ?? 0) + 1
        try db.run(
            "INSERT INTO workflow_definitions (tenant, key, version, name, description, object_type, xml, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            tenant, definition.key, version, definition.name, definition.description, definition.objectType, definition.xml, now)
        let id = db.lastInsertRowID
        try db.run(
            """
            UPDATE workflow_assignments SET definition_id = ?
             WHERE tenant = ? AND object_type = ?
               AND definition_id IN (SELECT id FROM workflow_definitions WHERE tenant = ? AND key = ?)
            """, id, tenant, definition.objectType, tenant, definition.key)
        return id
    }

    package static func setAssignment(_ db: SQLiteConnection, tenant: String, objectType: String, definitionID: Int64) throws {
        try db.run(
            """
            INSERT INTO workflow_assignments (tenant, object_type, definition_id) VALUES (?, ?, ?)
            ON CONFLICT (tenant, object_type) DO UPDATE SET definition_id = excluded.definition_id
            """, tenant, objectType, definitionID)
    }

    /// The latest version with this key, else with this name (which must then name one key).
    package static func resolve(_ db: SQLiteConnection, tenant: String, keyOrName: String) throws -> Int64 {
        if let id = try db.queryFirst(
            "SELECT id FROM workflow_definitions WHERE tenant = ? AND key = ? ORDER BY version DESC LIMIT 1", tenant, keyOrName)?.int64(0)
        {
            return id
        }
        let keys = try db.query(
            "SELECT key, MAX(id) AS id FROM workflow_definitions WHERE tenant = ? AND name = ? GROUP BY key ORDER BY key", tenant, keyOrName
        )
        switch keys.count {
        case 0:
            throw DomainError.notFound("No workflow definition has the key or name '\(keyOrName)'.")
        case 1:
            // MAX(id) is the latest version: ids only grow.
            return try keys[0].int64("id")!
        default:
            let names = try keys.compactMap { try $0.string("key") }.joined(separator: ", ")
            throw DomainError.badRequest("Several workflow definitions are named '\(keyOrName)' (keys \(names)); give the key.")
        }
    }

    static let selectStored = """
        SELECT d.id, d.tenant, d.key, d.version, d.name, d.description, d.object_type, d.xml, d.created,
               EXISTS (SELECT 1 FROM workflow_assignments a WHERE a.definition_id = d.id) AS active,
               (SELECT COUNT(*) FROM workflow_objects o WHERE o.definition_id = d.id) AS refs
          FROM workflow_definitions d
        """

    /// The stored-definition rows (`WorkflowEngine.stored(_:)` reads them) of one id.
    static func storedRow(_ db: SQLiteConnection, id: Int64) throws -> SQLiteRow? {
        try db.queryFirst(selectStored + " WHERE d.id = ?", id)
    }

    /// The latest version of each key (or every version), optionally of one object type.
    static func storedRows(_ db: SQLiteConnection, tenant: String, objectType: String?, allVersions: Bool) throws -> [SQLiteRow] {
        try db.query(
            selectStored + """
                 WHERE d.tenant = ? AND (?2 IS NULL OR d.object_type = ?2)
                   AND (?3 OR d.version = (SELECT MAX(version) FROM workflow_definitions m WHERE m.tenant = d.tenant AND m.key = d.key))
                 ORDER BY d.object_type, d.key, d.version
                """, tenant, objectType, allVersions)
    }

    /// The object type a stored definition is for.
    static func objectType(_ db: SQLiteConnection, id: Int64) throws -> String? {
        try db.queryFirst("SELECT object_type FROM workflow_definitions WHERE id = ?", id)?.string("object_type")
    }

    /// (key, version, object type) of a stored definition.
    package static func summary(_ db: SQLiteConnection, id: Int64) throws -> (key: String, version: Int, objectType: String)? {
        guard let row = try db.queryFirst("SELECT key, version, object_type FROM workflow_definitions WHERE id = ?", id) else { return nil }
        return (try row.requiredString("key"), try row.requiredInt("version"), try row.requiredString("object_type"))
    }

    /// The XML of the tenant's newest version of `key`.
    static func newestXML(_ db: SQLiteConnection, tenant: String, key: String) throws -> String? {
        try db.queryFirst(
            "SELECT xml FROM workflow_definitions WHERE tenant = ? AND key = ? ORDER BY version DESC LIMIT 1", tenant, key)?.string("xml")
    }

    static func keyExists(_ db: SQLiteConnection, tenant: String, key: String) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM workflow_definitions WHERE tenant = ? AND key = ?", tenant, key) != nil
    }

    /// The definition new objects of `objectType` start under.
    package static func assignedID(_ db: SQLiteConnection, tenant: String, objectType: String) throws -> Int64? {
        try db.queryFirst("SELECT definition_id FROM workflow_assignments WHERE tenant = ? AND object_type = ?", tenant, objectType)?.int64(
            0)
    }

    /// Assigns `definitionID` unless the type already has a definition.
    static func assignIfUnassigned(_ db: SQLiteConnection, tenant: String, objectType: String, definitionID: Int64) throws {
        try db.run(
            "INSERT INTO workflow_assignments (tenant, object_type, definition_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            tenant, objectType, definitionID)
    }

    /// Returns false when there was no assignment.
    package static func clearAssignment(_ db: SQLiteConnection, tenant: String, objectType: String) throws -> Bool {
        try db.run("DELETE FROM workflow_assignments WHERE tenant = ? AND object_type = ?", tenant, objectType) > 0
    }
}
