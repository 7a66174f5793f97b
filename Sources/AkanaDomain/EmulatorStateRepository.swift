import SQLiteStore

/// SQL for `emulator_state`, the emulator's own key-value rows (signing key, clock, id counter).
package enum EmulatorStateRepository {
    package static func value(_ db: SQLiteConnection, _ key: String) throws -> String? {
        try db.queryFirst("SELECT value FROM emulator_state WHERE key = ?", key)?.string("value")
    }

    static func insertIfAbsent(_ db: SQLiteConnection, _ key: String, _ value: String) throws {
        try db.run("INSERT INTO emulator_state (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING", key, value)
    }

    /// Sets `key` to `value` (no write at all when it already holds it).
    package static func set(_ db: SQLiteConnection, _ key: String, _ value: String) throws {
        try db.run(
            """
            INSERT INTO emulator_state (key, value) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE emulator_state.value <> excluded.value
            """, key, value)
    }
}
