import SQLiteStore

/// SQL for `tenants` and their `settings`.
package enum TenantRepository {
    static func ensureTenant(_ db: SQLiteConnection, _ fedmemberid: String, created: String) throws {
        try db.run("INSERT INTO tenants (fedmemberid, created) VALUES (?, ?) ON CONFLICT DO NOTHING", fedmemberid, created)
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

    /// (tenant, name, value) of the settings named `names`.
    static func settings(_ db: SQLiteConnection, named names: [String]) throws -> [(tenant: String, name: String, value: String)] {
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        return try db.query("SELECT tenant, name, value FROM settings WHERE name IN (\(marks))", names.map { $0 as any SQLiteBindable }).map
        {
            (try $0.requiredString("tenant"), try $0.requiredString("name"), try $0.requiredString("value"))
        }
    }
}
