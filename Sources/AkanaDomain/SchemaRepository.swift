import SQLiteStore

/// SQL for `schema_migrations` and the file-level facts the bootstrap reads (`PRAGMA user_version`,
/// whether `sqlite_master` is empty).
public enum SchemaRepository {
    /// `name` and `checksum` of every migration applied to the `schema` database ("main", or an
    /// attached one such as "source"), in name order.
    static func appliedMigrations(_ db: SQLiteConnection, schema: String) throws -> [(name: String, checksum: String?)] {
        try db.query("SELECT name, checksum FROM \(schema).schema_migrations ORDER BY name").map {
            (try $0.requiredString("name"), try $0.string("checksum"))
        }
    }

    /// The name of the newest applied migration.
    static func latestMigration(_ db: SQLiteConnection) throws -> String? {
        try db.queryFirst("SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1")?.string("name")
    }

    /// `PRAGMA user_version` (0 when unset).
    public static func userVersion(_ db: SQLiteConnection) throws -> Int64 {
        try db.queryFirst("PRAGMA user_version")?.int64(0) ?? 0
    }

    /// Sets `PRAGMA user_version` (outside a transaction).
    public static func setUserVersion(_ db: SQLiteConnection, _ value: Int32) throws {
        try db.execute("PRAGMA user_version = \(value)")
    }

    /// Whether the database has no schema object at all (a new file).
    public static func isEmpty(_ db: SQLiteConnection) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM sqlite_master LIMIT 1") == nil
    }
}
