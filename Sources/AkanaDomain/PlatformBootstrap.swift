import ByteCodecs
import Dispatch
import Foundation
import SQLiteStore
import Synchronization

/// Startup work on a migrated database: the configured tenants and their settings, the
/// session-signing key (generated once per database), and the seeded users.
public enum PlatformBootstrap {
    public static let signingKeyName = "session_signing_key"

    /// Ensures tenants, tenant settings and the signing key exist, and creates missing seeded users.
    /// Returns the signing key and the emails of the users created now.
    @discardableResult
    /// `knownHashes` (by `tenant\nemail`) are reused instead of hashing again (a reset keeps them).
    public static func run(
        database: DatabasePool, tenants: TenantDirectory, users: [SeedUser], now: Date,
        hasher: PasswordHasher, knownHashes: [String: String],
        ids: IDGenerator, scope: TransactionScope
    ) throws -> (signingKey: [UInt8], createdUsers: [String]) {
        let existing = try database.read(in: scope) { db in
            try UserRepository.keys(db)
        }
        // Hash outside the write transaction: the KDF is deliberately slow.
        let missing = users.filter { !existing.contains(UserRepository.key($0.tenant, $0.email)) }
        let hashes = Mutex([String](repeating: "", count: missing.count))
        DispatchQueue.concurrentPerform(iterations: missing.count) { index in
            let user = missing[index]
            let hash = knownHashes[UserRepository.key(user.tenant, user.email)] ?? hasher.hash(user.password)
            hashes.withLock { $0[index] = hash }
        }
        let stamp = Timestamp.iso8601(now)
        return try database.write(in: scope) { db in
            for tenant in tenants.all {
                // The configured CSRF switches are a new (or reset) tenant's starting values; a
                // tenant that exists keeps what `PUT /api/businesses/{BusinessID}/securitysettings`
                // or a fixture set, across restarts.
                guard try TenantRepository.ensureTenant(db, tenant.fedmemberid, created: stamp) else { continue }
                for (name, value) in [
                    ("ReadRequestCSRFSupport", tenant.readRequestCSRF), ("WriteRequestCSRFSupport", tenant.writeRequestCSRF)
                ] {
                    try TenantRepository.setSetting(db, tenant: tenant.fedmemberid, name: name, value: value, updated: stamp)
                }
            }
            var created: [String] = []
            for (user, hash) in zip(missing, hashes.withLock { $0 }) {
                guard tenants.tenant(named: user.tenant) != nil else {
                    throw DomainError.badRequest("Seeded user \(user.email) names tenant \(user.tenant), which is not configured.")
                }
                let id = "\(ids.uuid()).\(user.tenant)"
                try UserRepository.insertSeeded(
                    db, id: id, tenant: user.tenant, email: user.email, name: user.name, passwordHash: hash,
                    roles: user.roles, stamp: stamp)
                created.append(user.email)
            }
            try EmulatorStateRepository.insertIfAbsent(db, signingKeyName, Crypto.hex(ids.signingKey()))
            guard let hex = try EmulatorStateRepository.value(db, signingKeyName),
                let key = bytes(fromHex: hex), key.count >= 16
            else { throw DomainError.conflict("emulator_state.\(signingKeyName) is damaged; delete that row to generate a new key.") }
            return (key, created)
        }
    }

    /// Emails of seeded accounts whose password is still the shipped default.
    public static func accountsWithDefaultPassword(database: DatabasePool, hasher: PasswordHasher) throws -> [String] {
        let rows = try database.read(in: .startup) { db in try UserRepository.seededPasswords(db) }
        return rows.compactMap { hasher.verify(SeedUser.defaultPassword, against: $0.hash) ? $0.email : nil }
    }

    static func bytes(fromHex hex: String) -> [UInt8]? { Hex.decode(hex) }
}
