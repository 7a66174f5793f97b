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
        didSet { checksum = digest(Array(sql.utf8)) }
    }
    /// `digest` of `sql`'s UTF-8 bytes; with a lowercase hex SHA-256, equal to `sha256sum` of the file.
    public private(set) var checksum: String
    /// How `checksum` is computed. The store stays free of any crypto library: the caller passes
    /// one in (the emulator passes OpenSSL's SHA-256, `Crypto.sha256Hex`).
    private let digest: @Sendable ([UInt8]) -> String

    public init(name: String, sql: String, checksum digest: @escaping @Sendable ([UInt8]) -> String) {
        self.name = name
        self.digest = digest
        self.sql = sql
        self.checksum = digest(Array(sql.utf8))
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
