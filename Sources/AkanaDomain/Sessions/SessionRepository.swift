import Foundation
import SQLiteStore

/// SQL for `sessions` and `login_failures`.
public enum SessionRepository {
    /// A session row joined with its user.
    struct Stored {
        var userID: String?
        var csrfToken: String
        var startedAt: String?
        var issuedAt: String?
        var expiresAt: String?
        var displayName: String
        var email: String
        var roles: String?
    }

    static func find(_ db: SQLiteConnection, tokenID: String, tenant: String) throws -> Stored? {
        guard
            let row = try db.queryFirst(
                """
                SELECT s.user_id, s.csrf_token, s.started_at, s.issued_at, s.expires_at, u.display_name, u.email,
                       (SELECT group_concat(role) FROM user_roles WHERE user_id = s.user_id) AS roles
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_id = ? AND s.tenant = ?
                """, tokenID, tenant)
        else { return nil }
        return Stored(
            userID: try row.string("user_id"), csrfToken: try row.requiredString("csrf_token"),
            startedAt: try row.string("started_at"), issuedAt: try row.string("issued_at"), expiresAt: try row.string("expires_at"),
            displayName: try row.requiredString("display_name"), email: try row.requiredString("email"), roles: try row.string("roles"))
    }

    static func insert(
        _ db: SQLiteConnection, tokenID: String, tenant: String, userID: String, csrfToken: String,
        startedAt: String, issuedAt: String, expiresAt: String
    ) throws {
        try db.run(
            "INSERT INTO sessions (token_id, tenant, user_id, csrf_token, started_at, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            tokenID, tenant, userID, csrfToken, startedAt, issuedAt, expiresAt)
    }

    static func deleteExpired(_ db: SQLiteConnection, userID: String, asOf time: String) throws {
        try db.run("DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?", userID, time)
    }

    /// Returns the rows changed (0: the session is gone).
    static func renew(_ db: SQLiteConnection, tokenID: String, issuedAt: String, expiresAt: String) throws -> Int {
        try db.run("UPDATE sessions SET issued_at = ?, expires_at = ? WHERE token_id = ?", issuedAt, expiresAt, tokenID)
    }

    static func delete(_ db: SQLiteConnection, tokenID: String) throws {
        _ = try db.run("DELETE FROM sessions WHERE token_id = ?", tokenID)
    }

    /// Sessions not yet expired at `time` (`GET /_emulator/metrics`).
    public static func liveCount(_ db: SQLiteConnection, at time: String) throws -> Int {
        try db.queryFirst("SELECT count(*) FROM sessions WHERE expires_at > ?", time)?.int(0) ?? 0
    }

    // MARK: login_failures

    static func failures(_ db: SQLiteConnection, tenant: String, email: String, since: String, limit: Int) throws -> [Date] {
        try db.query(
            "SELECT failed_at FROM login_failures WHERE tenant = ? AND email = ? AND failed_at >= ? ORDER BY failed_at DESC LIMIT ?",
            tenant, email, since, limit
        ).compactMap { try $0.string("failed_at").flatMap(Timestamp.parse) }
    }

    static func failures(_ db: SQLiteConnection, tenant: String, address: String, since: String, limit: Int) throws -> [Date] {
        try db.query(
            "SELECT failed_at FROM login_failures WHERE tenant = ? AND address = ? AND failed_at >= ? ORDER BY failed_at DESC LIMIT ?",
            tenant, address, since, limit
        ).compactMap { try $0.string("failed_at").flatMap(Timestamp.parse) }
    }

    static func recordFailure(_ db: SQLiteConnection, tenant: String, email: String, address: String?, at time: String) throws {
        try db.run("INSERT INTO login_failures (tenant, email, address, failed_at) VALUES (?, ?, ?, ?)", tenant, email, address, time)
    }

    static func pruneFailures(_ db: SQLiteConnection, before time: String) throws {
        try db.run("DELETE FROM login_failures WHERE failed_at < ?", time)
    }

    static func clearFailures(_ db: SQLiteConnection, tenant: String, email: String) throws {
        try db.run("DELETE FROM login_failures WHERE tenant = ? AND email = ?", tenant, email)
    }

    package static func clearFailures(_ db: SQLiteConnection, tenant: String) throws {
        try db.run("DELETE FROM login_failures WHERE tenant = ?", tenant)
    }
}
