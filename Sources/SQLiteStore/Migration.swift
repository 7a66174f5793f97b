/// One named schema change: an SQL script applied once, in name order.
///
/// Append-only: never edit or rename a migration once it has been applied somewhere — add a new
/// one. The checksum detects edits.
public struct Migration: Sendable {
    /// The unique name; migrations apply in ascending name order (e.g. "0001_create_users").
    public var name: String
    /// The script, run with `sqlite3_exec` (several statements allowed; no BEGIN/COMMIT: the
    /// migrator wraps it in a transaction).
    public var sql: String {
        didSet { checksum = Self.checksum(of: sql) }
    }
    /// Lowercase hex SHA-256 of `sql`'s UTF-8 bytes — equal to `sha256sum` of the file.
    public private(set) var checksum: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
        self.checksum = Self.checksum(of: sql)
    }

    static func checksum(of sql: String) -> String {
        SHA256.hexDigest(sql.utf8)
    }
}

/// A known migration and whether it has been applied.
public struct MigrationRecord: Sendable, Hashable {
    public var name: String
    public var checksum: String
    /// When it was applied (the `now` passed to `Migrator.migrate`), or `nil` when pending.
    public var appliedAt: String?

    public init(name: String, checksum: String, appliedAt: String?) {
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
    }

    /// `appliedAt != nil`.
    public var isApplied: Bool { appliedAt != nil }
}
