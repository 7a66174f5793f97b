import Foundation
import SQLiteStore

/// Puts tenants back to their configured state: every row of the tenant goes (apps, models,
/// workflow objects and definitions, sessions, users…), then the configured tenants, settings,
/// users and shipped workflows are set up again. Seeded users keep their password hashes (the KDF
/// is deliberately slow and there is no password-change operation), so a reset takes milliseconds.
/// The emulator's own state (signing key, virtual clock, the deterministic-id counter) is kept.
/// Then the configured fixtures are applied again (their users, like seeded ones, keep their hashes).
public enum PlatformReset {
    /// Resets `only` one tenant, or every configured tenant when nil.
    @discardableResult
    public static func reset(database: DatabasePool, tenants: TenantDirectory, users: [SeedUser], workflow: WorkflowEngine,
                             clock: EmulatorClock, only: String? = nil, hasher: PasswordHasher = .init(),
                             fixtures: FixtureCatalog = FixtureCatalog(), ids: IDGenerator = IDGenerator(),
                             scope: TransactionScope = .detached) throws -> FixtureReport {
        let affected = tenants.all.filter { only == nil || $0.fedmemberid == only }
        guard !affected.isEmpty else { throw DomainError.notFound("Tenant \(only ?? "") is not configured.") }
        let names = Set(affected.map(\.fedmemberid))
        let kept = try database.write(in: scope) { db -> [String: String] in
            var hashes: [String: String] = [:]
            for row in try db.query("SELECT tenant, email, password_hash FROM users WHERE seeded = 1") {
                guard let tenant = row.string("tenant"), names.contains(tenant) else { continue }
                hashes["\(tenant)\n\((row.string("email") ?? "").lowercased())"] = row.string("password_hash")
            }
            for tenant in names {
                try db.run("DELETE FROM login_failures WHERE tenant = ?", tenant)
                try db.run("DELETE FROM tenants WHERE fedmemberid = ?", tenant)
            }
            return hashes
        }
        let seeds = users.filter { names.contains($0.tenant) }
        // Only the reset tenants' settings go back to the configuration (others keep their fixtures').
        let reseeded = TenantDirectory(defaultTenant: affected[0], others: Array(affected.dropFirst()))
        try PlatformBootstrap.run(database: database, tenants: reseeded, users: seeds, now: clock.now(), hasher: hasher, knownHashes: kept, ids: ids, scope: scope)
        for tenant in names { _ = try workflow.installShippedDefinitions(tenant: tenant, scope: scope) }
        workflow.invalidateCache()
        return try FixtureLoader.apply(fixtures.documents, database: database, tenants: tenants, workflow: workflow, ids: ids,
                                       now: clock.now(), hasher: fixtures.hasher, knownHashes: kept, onlyTenants: names, scope: scope)
    }
}
