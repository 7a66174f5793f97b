import ByteCodecs
import Dispatch
import Foundation
import Synchronization
import SQLiteStore

/// Startup work on a migrated database: the configured tenants and their settings, the
/// session-signing key (generated once per database), and the seeded users.
public enum PlatformBootstrap {
    public static let signingKeyName = "session_signing_key"

    /// Ensures tenants, tenant settings and the signing key exist, and creates missing seeded users.
    /// Returns the signing key and the emails of the users created now.
    @discardableResult
    /// `knownHashes` (by `tenant\nemail`) are reused instead of hashing again (a reset keeps them).
    public static func run(database: DatabasePool, tenants: TenantDirectory, users: [SeedUser], now: Date,
                           hasher: PasswordHasher = .init(), knownHashes: [String: String] = [:],
                           ids: IDGenerator = IDGenerator(), scope: TransactionScope = .detached) throws -> (signingKey: [UInt8], createdUsers: [String]) {
        let existing = try database.read(in: scope) { db in
            Set(try db.query("SELECT tenant, email FROM users").map { "\(try $0.requiredString("tenant"))\n\((try $0.requiredString("email")).lowercased())" })
        }
        // Hash outside the write transaction: the KDF is deliberately slow.
        let missing = users.filter { !existing.contains("\($0.tenant)\n\($0.email.lowercased())") }
        let hashes = Mutex([String](repeating: "", count: missing.count))
        DispatchQueue.concurrentPerform(iterations: missing.count) { index in
            let user = missing[index]
            let hash = knownHashes["\(user.tenant)\n\(user.email.lowercased())"] ?? hasher.hash(user.password)
            hashes.withLock { $0[index] = hash }
        }
        let stamp = Timestamp.iso8601(now)
        return try database.write(in: scope) { db in
            for tenant in tenants.all {
                try db.run("INSERT INTO tenants (fedmemberid, created) VALUES (?, ?) ON CONFLICT DO NOTHING", tenant.fedmemberid, stamp)
                for (name, value) in [("ReadRequestCSRFSupport", tenant.readRequestCSRF), ("WriteRequestCSRFSupport", tenant.writeRequestCSRF)] {
                    try db.run(
                        """
                        INSERT INTO settings (tenant, name, value, updated) VALUES (?, ?, ?, ?)
                        ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value, updated = excluded.updated
                        WHERE settings.value <> excluded.value
                        """, tenant.fedmemberid, name, value ? "true" : "false", stamp)
                }
            }
            var created: [String] = []
            for (user, hash) in zip(missing, hashes.withLock { $0 }) {
                guard tenants.tenant(named: user.tenant) != nil else {
                    throw DomainError.badRequest("Seeded user \(user.email) names tenant \(user.tenant), which is not configured.")
                }
                let id = "\(ids.uuid()).\(user.tenant)"
                try db.run(
                    "INSERT INTO users (id, tenant, email, display_name, password_hash, seeded, created, updated) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                    id, user.tenant, user.email, user.name, hash, stamp, stamp)
                for role in user.roles {
                    try db.run("INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING", id, role)
                }
                created.append(user.email)
            }
            try db.run("INSERT INTO emulator_state (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                       signingKeyName, Crypto.hex(ids.signingKey()))
            guard let hex = try db.queryFirst("SELECT value FROM emulator_state WHERE key = ?", signingKeyName)?.string("value"),
                  let key = bytes(fromHex: hex), key.count >= 16
            else { throw DomainError.conflict("emulator_state.\(signingKeyName) is damaged; delete that row to generate a new key.") }
            return (key, created)
        }
    }

    /// Emails of seeded accounts whose password is still the shipped default.
    public static func accountsWithDefaultPassword(database: DatabasePool, hasher: PasswordHasher = .init()) throws -> [String] {
        let rows = try database.read { db in try db.query("SELECT email, password_hash FROM users WHERE seeded = 1 ORDER BY email") }
        return try rows.compactMap { row in
            guard let email = try row.string("email"), let hash = try row.string("password_hash") else { return nil }
            return hasher.verify(SeedUser.defaultPassword, against: hash) ? email : nil
        }
    }

    static func bytes(fromHex hex: String) -> [UInt8]? { Hex.decode(hex) }
}
