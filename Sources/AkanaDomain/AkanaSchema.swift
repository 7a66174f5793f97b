import SQLiteStore

/// The emulator's schema: the ordered `.sql` files of the top-level `Migrations/` folder, embedded in
/// the binary at build time by the `EmbedMigrationsPlugin` build tool.
public enum AkanaSchema {
    /// Every migration this binary knows, in order.
    public static let migrations: [Migration] = EmbeddedMigrations.files.map {
        Migration(name: $0.name, sql: $0.text, checksum: Crypto.sha256Hex)
    }

    /// A migrator over `migrations`.
    public static func migrator() throws -> Migrator {
        try Migrator(migrations: migrations)
    }

    /// The name of the newest migration, e.g. `0001_initial.sql`: the schema version a database
    /// migrated by this binary has.
    public static var latestVersion: String { migrations.last?.name ?? "none" }

    /// The attached database whose migrations `applied` lists (`source`: a snapshot being restored).
    package enum Attached: String {
        case main, source
    }

    /// `name checksum` of every migration applied to the `schema` database, in order.
    package static func applied(_ db: SQLiteConnection, schema: Attached) throws -> [String] {
        try SchemaRepository.appliedMigrations(db, schema: schema.rawValue).map { "\($0.name) \($0.checksum ?? "")" }
    }

    /// The newest migration applied to the database (`GET /_emulator/health`).
    public static func latestApplied(_ db: SQLiteConnection) throws -> String? {
        try SchemaRepository.latestMigration(db)
    }
}
