/// Applies an ordered, append-only list of migrations and records them in `schema_migrations`.
///
/// Each pending migration runs in its own IMMEDIATE transaction together with its bookkeeping row,
/// with foreign keys off (so tables can be rebuilt, as in sqlite.org's ALTER TABLE recipe) and a
/// `PRAGMA foreign_key_check` before commit. Before anything is applied, the recorded state is
/// validated: an unknown applied migration or an edited one stops everything.
public struct Migrator: Sendable {
    /// The migrations, sorted by name.
    public let migrations: [Migration]

    /// The bookkeeping table.
    static let createTableSQL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            name TEXT NOT NULL PRIMARY KEY,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """

    /// Sorts `migrations` by name; throws `MigrationError.duplicateName` if a name repeats.
    public init(migrations: [Migration]) throws {
        let sorted = migrations.sorted { $0.name < $1.name }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.name == next.name {
            throw MigrationError.duplicateName(next.name)
        }
        self.migrations = sorted
    }

    /// Validates the recorded state, then applies every pending migration in name order, each in
    /// its own transaction, recording `now` as its `applied_at`. Returns the names applied now
    /// (`[]` when up to date). Throws before applying anything if validation fails; if a migration
    /// fails, it is rolled back, the ones before it stay applied, and the error is thrown.
    @discardableResult
    public func migrate(_ pool: DatabasePool, now: String) throws -> [String] {
        try pool.writeWithoutTransaction { db in
            try db.execute(Self.createTableSQL)
            let applied = try validate(appliedChecksums(db))
            var names: [String] = []
            for migration in migrations where applied[migration.name] == nil {
                if try apply(migration, db, now: now) { names.append(migration.name) }
            }
            return names
        }
    }

    /// Every known migration with its state (applied or pending), after validating the recorded
    /// state (throws like `migrate`). Reads only: works on a database never migrated.
    public func status(_ pool: DatabasePool) throws -> [MigrationRecord] {
        let appliedAt = try pool.read(in: .startup) { db -> [String: (checksum: String, appliedAt: String)] in
            let exists =
                try db.queryFirst(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") != nil
            guard exists else { return [:] }
            var rows: [String: (checksum: String, appliedAt: String)] = [:]
            try db.forEachRow("SELECT name, checksum, applied_at FROM schema_migrations", []) { row in
                rows[row.string(0) ?? ""] = (row.string(1) ?? "", row.string(2) ?? "")
            }
            return rows
        }
        _ = try validate(appliedAt.mapValues(\.checksum))
        return migrations.map { migration in
            MigrationRecord(name: migration.name, checksum: migration.checksum, appliedAt: appliedAt[migration.name]?.appliedAt)
        }
    }

    // MARK: Steps

    private func appliedChecksums(_ db: SQLiteConnection) throws -> [String: String] {
        var checksums: [String: String] = [:]
        try db.forEachRow("SELECT name, checksum FROM schema_migrations", []) { row in
            checksums[row.string(0) ?? ""] = row.string(1) ?? ""
        }
        return checksums
    }

    /// Throws on the first recorded migration that is unknown (in name order) or edited; returns
    /// `applied` unchanged otherwise.
    private func validate(_ applied: [String: String]) throws -> [String: String] {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0.checksum) })
        for name in applied.keys.sorted() where known[name] == nil {
            throw MigrationError.unknownMigration(name: name)
        }
        for migration in migrations {
            if let recorded = applied[migration.name], recorded != migration.checksum {
                throw MigrationError.checksumMismatch(name: migration.name, applied: recorded, current: migration.checksum)
            }
        }
        return applied
    }

    /// Applies one migration; `false` if another process applied it meanwhile.
    private func apply(_ migration: Migration, _ db: SQLiteConnection, now: String) throws -> Bool {
        // foreign_keys cannot change inside a transaction: switch it off around the transaction,
        // and always back on afterwards (the migration's own error wins if both fail).
        try db.execute("PRAGMA foreign_keys = OFF")
        let outcome = Result<Bool, any Error> {
            try db.inTransaction(.immediate) {
                if let recorded = try db.queryFirst(
                    "SELECT checksum FROM schema_migrations WHERE name = ?", migration.name)?.string(0)
                {
                    guard recorded == migration.checksum else {
                        throw MigrationError.checksumMismatch(name: migration.name, applied: recorded, current: migration.checksum)
                    }
                    return false
                }
                try db.execute(migration.sql)
                try db.run(
                    "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)",
                    migration.name, migration.checksum, now)
                let violations = try db.query("PRAGMA foreign_key_check").map(Self.describeViolation)
                guard violations.isEmpty else {
                    throw MigrationError.foreignKeyViolation(name: migration.name, violations: violations)
                }
                return true
            }
        }.mapError { error -> any Error in
            error is MigrationError ? error : MigrationError.migrationFailed(name: migration.name, underlying: error)
        }
        do {
            try db.execute("PRAGMA foreign_keys = ON")
        } catch {
            _ = try outcome.get()
            throw error
        }
        return try outcome.get()
    }

    /// `PRAGMA foreign_key_check` row → "table orders rowid 3 → customers (constraint 0)".
    private static func describeViolation(_ row: SQLiteRow) throws -> String {
        let table = try row.string("table") ?? "?"
        let rowid = try row.int64("rowid").map(String.init) ?? "?"
        let parent = try row.string("parent") ?? "?"
        let constraint = try row.int64("fkid").map(String.init) ?? "?"
        return "table \(table) rowid \(rowid) references a missing row of \(parent) (foreign key #\(constraint))"
    }
}
