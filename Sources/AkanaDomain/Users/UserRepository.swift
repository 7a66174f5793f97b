import Foundation
import SQLiteStore

/// SQL for `users` and `user_roles`. Every function runs on a connection the caller holds.
public enum UserRepository {
    /// A user's login data.
    struct Credentials {
        var id: String
        var displayName: String
        var email: String
        var passwordHash: String?
    }

    /// `tenant\nemail` (email lowercased) of every user: how bootstrap, fixtures and resets tell who exists.
    package static func key(_ tenant: String, _ email: String) -> String { "\(tenant)\n\(email.lowercased())" }

    package static func keys(_ db: SQLiteConnection) throws -> Set<String> {
        Set(try db.query("SELECT tenant, email FROM users").map { key(try $0.requiredString("tenant"), try $0.requiredString("email")) })
    }

    /// Inserts a seeded user (configured or from a fixture) with its roles: the one way users are created.
    package static func insertSeeded(
        _ db: SQLiteConnection, id: String, tenant: String, email: String, name: String, passwordHash: String,
        roles: [String], stamp: String
    ) throws {
        try db.run(
            "INSERT INTO users (id, tenant, email, display_name, password_hash, seeded, created, updated) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            id, tenant, email, name, passwordHash, stamp, stamp)
        for role in roles {
            try db.run("INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING", id, role)
        }
    }

    package static func id(_ db: SQLiteConnection, tenant: String, email: String) throws -> String? {
        try db.queryFirst("SELECT id FROM users WHERE tenant = ? AND email = ?", tenant, email)?.requiredString("id")
    }

    static func exists(_ db: SQLiteConnection, id: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS present FROM users WHERE id = ?", id) != nil
    }

    static func credentials(_ db: SQLiteConnection, tenant: String, email: String) throws -> Credentials? {
        guard
            let row = try db.queryFirst(
                "SELECT id, display_name, email, password_hash FROM users WHERE tenant = ? AND email = ?", tenant, email)
        else { return nil }
        return Credentials(
            id: try row.requiredString("id"), displayName: try row.requiredString("display_name"),
            email: try row.requiredString("email"), passwordHash: try row.string("password_hash"))
    }

    static func roles(_ db: SQLiteConnection, userID: String) throws -> Set<String> {
        Set(try db.query("SELECT role FROM user_roles WHERE user_id = ?", userID).compactMap { try $0.string("role") })
    }

    /// Seeded users' password hashes by `key(tenant, email)`, optionally of some tenants only (a reset keeps them).
    package static func seededHashes(_ db: SQLiteConnection, tenants: Set<String>? = nil) throws -> [String: String] {
        var hashes: [String: String] = [:]
        for row in try db.query("SELECT tenant, email, password_hash FROM users WHERE seeded = 1") {
            let tenant = try row.requiredString("tenant")
            guard tenants?.contains(tenant) ?? true else { continue }
            hashes[key(tenant, try row.requiredString("email"))] = try row.string("password_hash")
        }
        return hashes
    }

    /// (email, password hash) of every seeded user, by email.
    static func seededPasswords(_ db: SQLiteConnection) throws -> [(email: String, hash: String)] {
        try db.query("SELECT email, password_hash FROM users WHERE seeded = 1 ORDER BY email").compactMap { row in
            guard let email = try row.string("email"), let hash = try row.string("password_hash") else { return nil }
            return (email, hash)
        }
    }
}
