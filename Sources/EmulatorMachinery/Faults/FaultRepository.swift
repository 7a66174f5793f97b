import SQLiteStore

/// SQL for `emulator_faults`, the persisted injected-fault rules.
enum FaultRepository {
    struct Stored {
        var id: String?
        var created: String
        var rule: String?
        var hits: Int
    }

    static func all(_ db: SQLiteConnection) throws -> [Stored] {
        try db.query("SELECT id, created, rule, hits FROM emulator_faults ORDER BY created, id").map {
            Stored(
                id: try $0.string("id"), created: try $0.requiredString("created"), rule: try $0.string("rule"),
                hits: try $0.requiredInt("hits"))
        }
    }

    static func insert(_ db: SQLiteConnection, id: String, created: String, rule: String) throws {
        try db.run("INSERT INTO emulator_faults (id, created, rule, hits) VALUES (?, ?, ?, 0)", id, created, rule)
    }

    /// Deletes one rule, or every rule when `id` is nil.
    static func delete(_ db: SQLiteConnection, id: String?) throws {
        if let id {
            try db.run("DELETE FROM emulator_faults WHERE id = ?", id)
        } else {
            try db.run("DELETE FROM emulator_faults")
        }
    }

    static func countHit(_ db: SQLiteConnection, id: String) throws {
        try db.run("UPDATE emulator_faults SET hits = hits + 1 WHERE id = ?", id)
    }
}
