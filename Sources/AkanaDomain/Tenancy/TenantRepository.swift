import SQLiteStore

/// SQL for `tenants` and their `settings`.
package enum TenantRepository {
    /// True when the tenant is new (its row was inserted now).
    @discardableResult
    static func ensureTenant(_ db: SQLiteConnection, _ fedmemberid: String, created: String) throws -> Bool {
        try db.run("INSERT INTO tenants (fedmemberid, created) VALUES (?, ?) ON CONFLICT DO NOTHING", fedmemberid, created) > 0
    }

    static func exists(_ db: SQLiteConnection, _ fedmemberid: String) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM tenants WHERE fedmemberid = ?", fedmemberid) != nil
    }

    package static func deleteTenant(_ db: SQLiteConnection, _ fedmemberid: String) throws {
        try db.run("DELETE FROM tenants WHERE fedmemberid = ?", fedmemberid)
    }

    /// Sets a boolean tenant setting; returns the rows changed (0 when it already had the value).
    @discardableResult
    package static func setSetting(_ db: SQLiteConnection, tenant: String, name: String, value: Bool, updated: String) throws -> Int {
        try db.run(
            """
            INSERT INTO settings (tenant, name, value, updated) VALUES (?, ?, ?, ?)
            ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value, updated = excluded.updated
            WHERE settings.value <> excluded.value
            """, tenant, name, value ? "true" : "false", updated)
    }

    /// Sets a tenant setting to a stored text (fixtures); returns the rows changed (0 when it already had the value).
    @discardableResult
    package static func setSetting(_ db: SQLiteConnection, tenant: String, name: String, text: String, updated: String) throws -> Int {
        try db.run(
            """
            INSERT INTO settings (tenant, name, value, updated) VALUES (?, ?, ?, ?)
            ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value, updated = excluded.updated
            WHERE settings.value <> excluded.value
            """, tenant, name, text, updated)
    }

    /// (tenant, name, value) of the settings named `names`.
    static func settings(_ db: SQLiteConnection, named names: [String]) throws -> [(tenant: String, name: String, value: String)] {
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        return try db.query("SELECT tenant, name, value FROM settings WHERE name IN (\(marks))", names.map { $0 as any SQLiteBindable }).map
        {
            (try $0.requiredString("tenant"), try $0.requiredString("name"), try $0.requiredString("value"))
        }
    }

    /// Sets a tenant setting from the business settings routes (`object`: the business, for the journal).
    static func setSetting(_ db: SQLiteConnection, tenant: String, object: String, name: String, value: String, updated: String) throws {
        try db.change(
            object,
            """
            INSERT INTO settings (tenant, name, value, updated) VALUES (?, ?, ?, ?)
            ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value, updated = excluded.updated
            WHERE settings.value <> excluded.value
            """, tenant, name, value, updated)
    }

    /// name → value of the tenant's settings named `names` (through the primary key).
    static func settings(_ db: SQLiteConnection, tenant: String, named names: [String]) throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        var values: [String: String] = [:]
        for row in try db.query(
            "SELECT name, value FROM settings WHERE tenant = ? AND name IN (\(marks))",
            [tenant as any SQLiteBindable] + names.map { $0 as any SQLiteBindable })
        {
            values[try row.requiredString("name")] = try row.requiredString("value")
        }
        return values
    }

    /// The definition new objects of `objectType` start under (the storage of the business
    /// settings' workflow keys and of `PUT /_emulator/workflows/{ObjectType}`).
    static func setAssignment(_ db: SQLiteConnection, tenant: String, object: String, objectType: String, definitionID: Int64) throws {
        try db.change(
            object,
            """
            INSERT INTO workflow_assignments (tenant, object_type, definition_id) VALUES (?, ?, ?)
            ON CONFLICT (tenant, object_type) DO UPDATE SET definition_id = excluded.definition_id
            """, tenant, objectType, definitionID)
    }

    /// False when there was no assignment.
    @discardableResult
    static func clearAssignment(_ db: SQLiteConnection, tenant: String, object: String, objectType: String) throws -> Bool {
        try db.change(object, "DELETE FROM workflow_assignments WHERE tenant = ? AND object_type = ?", tenant, objectType) > 0
    }
}
