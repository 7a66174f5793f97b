import SQLiteStore

/// SQL for `workflow_objects` (the state of each governed object) and `workflow_history` (every
/// action taken on one). Writes go through the changed-object funnel under the object's id.
enum WorkflowObjectRepository {
    /// The definition new objects of `objectType` start under: (id, key, version, xml).
    static func assignedDefinition(_ db: SQLiteConnection, tenant: String, objectType: String) throws -> SQLiteRow? {
        try db.queryFirst(
            """
            SELECT d.id, d.key, d.version, d.xml FROM workflow_assignments a JOIN workflow_definitions d ON d.id = a.definition_id
             WHERE a.tenant = ? AND a.object_type = ?
            """, tenant, objectType)
    }

    /// The object's status, or nil when no workflow governs it (`.some(nil)`: governed, no status).
    static func status(_ db: SQLiteConnection, objectID: String) throws -> String?? {
        guard let row = try db.queryFirst("SELECT status FROM workflow_objects WHERE object_id = ?", objectID) else { return nil }
        return .some(try row.string("status"))
    }

    static func exists(_ db: SQLiteConnection, objectID: String) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM workflow_objects WHERE object_id = ?", objectID) != nil
    }

    /// The object's row joined with its definition (tenant, object_type, definition_id, step_id, status, updated, key, version, xml).
    static func governed(_ db: SQLiteConnection, objectID: String) throws -> SQLiteRow? {
        try db.queryFirst(
            """
            SELECT o.tenant, o.object_type, o.definition_id, o.step_id, o.status, o.updated, d.key, d.version, d.xml
              FROM workflow_objects o JOIN workflow_definitions d ON d.id = o.definition_id
             WHERE o.object_id = ?
            """, objectID)
    }

    static func history(_ db: SQLiteConnection, objectID: String) throws -> [SQLiteRow] {
        try db.query(
            "SELECT id, object_id, action_id, action_name, old_status, new_status, step_id, user_id, comments, at FROM workflow_history WHERE object_id = ? ORDER BY id",
            objectID)
    }

    static func insert(
        _ db: SQLiteConnection, objectID: String, tenant: String, objectType: String, definitionID: Int64,
        stepID: Int, status: String, updated: String
    ) throws {
        try db.change(
            objectID,
            "INSERT INTO workflow_objects (object_id, tenant, object_type, definition_id, step_id, status, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
            objectID, tenant, objectType, definitionID, stepID, status, updated)
    }

    static func move(_ db: SQLiteConnection, objectID: String, stepID: Int, status: String, updated: String) throws {
        try db.change(
            objectID, "UPDATE workflow_objects SET step_id = ?, status = ?, updated = ? WHERE object_id = ?",
            stepID, status, updated, objectID)
    }

    static func appendHistory(
        _ db: SQLiteConnection, objectID: String, actionID: Int, actionName: String, oldStatus: String?,
        newStatus: String, stepID: Int, userID: String?, comments: String, at: String
    ) throws {
        try db.change(
            objectID,
            """
            INSERT INTO workflow_history (object_id, action_id, action_name, old_status, new_status, step_id, user_id, comments, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, objectID, actionID, actionName, oldStatus, newStatus, stepID, userID, comments, at)
    }

    /// Deletes the object (its history by cascade). False when unknown.
    static func delete(_ db: SQLiteConnection, objectID: String) throws -> Bool {
        try db.change(objectID, "DELETE FROM workflow_objects WHERE object_id = ?", objectID) > 0
    }
}
