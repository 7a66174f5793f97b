import AkanaDomain
import Foundation
import SQLiteStore

/// Puts tenants back to their configured state: every row of the tenant goes (apps, models,
/// workflow objects and definitions, sessions, users…), then the configured tenants, settings,
/// users and shipped workflows are set up again. Seeded users keep their password hashes (the KDF
/// is deliberately slow and there is no password-change operation), so a reset takes milliseconds.
/// The emulator's own state (signing key, virtual clock, the deterministic-id counter) is kept.
/// Then the configured fixtures are applied again (their users, like seeded ones, keep their hashes).
///
/// A reset of every tenant builds that state in a new scratch database (migrations, bootstrap,
/// shipped workflows, fixtures: the same work whatever the size of the current data) and copies
/// it over the database with the backup API, carrying the kept tables along; so its cost does not
/// grow with the data. A reset of one tenant among several deletes that tenant's rows.
public enum PlatformReset {
    /// Tables a reset keeps as they are: the request journal, the emulator's own state and the
    /// migration records.
    public static let keptTables = [RequestJournal.table, "emulator_state", "schema_migrations"]

    static func resetEverything(
        database: DatabasePool, tenants: TenantDirectory, users: [SeedUser], workflow: WorkflowEngine,
        clock: EmulatorClock, hasher: PasswordHasher, fixtures: FixtureCatalog, ids: IDGenerator,
        scope: TransactionScope
    ) throws -> FixtureReport {
        let kept = try database.read(in: scope) { db in try UserRepository.seededHashes(db) }
        let scratch = database.path + ".reset-" + UUID().uuidString
        defer { for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
        let report = try buildSeededDatabase(
            at: scratch, tenants: tenants, users: users, clock: clock, hasher: hasher, fixtures: fixtures, knownHashes: kept,
            ids: { _ in ids })
        try database.replaceDatabase(with: scratch, carrying: keptTables)
        workflow.invalidateCache()
        try tenants.reloadSettings(from: database)
        // One write on the new state: the before-commit hook stores what the id generator used
        // while building it, and the scope's participant (the request's journal entry) commits here.
        try database.write(in: scope) { _ in }
        return report
    }

    /// Builds, in a new database file at `path`, the state a fresh start has: migrations, the undo
    /// log's triggers, tenants, seeded users (hashes in `knownHashes` reused, the others hashed),
    /// shipped workflows and the fixtures; then closes it (checkpointed: the file alone holds it).
    /// `ids` gives the id generator to build with, over the new database (a reset passes the
    /// daemon's own; an instance template one attached to the new file, so every copy goes on
    /// from the same position). Setting it up is `.startup` work, whoever asks.
    public static func buildSeededDatabase(
        at path: String, tenants: TenantDirectory, users: [SeedUser], clock: EmulatorClock, hasher: PasswordHasher,
        fixtures: FixtureCatalog, knownHashes: [String: String], ids: (DatabasePool) throws -> IDGenerator
    ) throws -> FixtureReport {
        let base = try DatabasePool(path: path, configuration: DatabaseConfiguration(readerCount: 1, synchronous: .off))
        defer { try? base.close() }
        try AkanaSchema.migrator().migrate(base, now: Timestamp.iso8601(clock.now()))
        try UndoLog.install(base)
        let ids = try ids(base)
        try PlatformBootstrap.run(
            database: base, tenants: tenants, users: users, now: clock.now(), hasher: hasher, knownHashes: knownHashes, ids: ids,
            scope: .startup)
        let baseWorkflow = WorkflowEngine(database: base, clock: clock)
        AppService.registerWorkflowFunctions(on: baseWorkflow, deletionObserver: ContractLifecycle(workflow: baseWorkflow))
        let baseGroups = GroupService(database: base, clock: clock, engine: baseWorkflow, ids: ids)
        for tenant in tenants.all {
            _ = try baseWorkflow.installShippedDefinitions(tenant: tenant.fedmemberid, scope: .startup)
            try baseGroups.prepareTenant(tenant.fedmemberid, scope: .startup)
        }
        let report = try FixtureLoader.apply(
            fixtures.documents, database: base, tenants: tenants, workflow: baseWorkflow, ids: ids,
            now: clock.now(), hasher: fixtures.hasher, knownHashes: knownHashes, scope: .startup)
        try base.close()
        return report
    }

    /// Resets `only` one tenant, or every configured tenant when nil. `hasher` hashes seeded users
    /// whose hash is not kept (the configured one, as at startup); `fixtures` and `ids` are the
    /// configured ones too: nothing here has a default of its own.
    @discardableResult
    public static func reset(
        database: DatabasePool, tenants: TenantDirectory, users: [SeedUser], workflow: WorkflowEngine,
        clock: EmulatorClock, only: String?, hasher: PasswordHasher, fixtures: FixtureCatalog, ids: IDGenerator,
        scope: TransactionScope
    ) throws -> FixtureReport {
        let affected = tenants.all.filter { only == nil || $0.fedmemberid == only }
        guard !affected.isEmpty else { throw DomainError.notFound("Tenant \(only ?? "") is not configured.") }
        let names = Set(affected.map(\.fedmemberid))
        if names.count == Set(tenants.all.map(\.fedmemberid)).count {
            return try resetEverything(
                database: database, tenants: tenants, users: users, workflow: workflow, clock: clock,
                hasher: hasher, fixtures: fixtures, ids: ids, scope: scope)
        }
        let kept = try database.write(in: scope) { db -> [String: String] in
            let hashes = try UserRepository.seededHashes(db, tenants: Set(names))
            for tenant in names {
                try SessionRepository.clearFailures(db, tenant: tenant)
                try TenantRepository.deleteTenant(db, tenant)
            }
            return hashes
        }
        let seeds = users.filter { names.contains($0.tenant) }
        // Only the reset tenants' settings go back to the configuration (others keep their fixtures').
        let reseeded = TenantDirectory(defaultTenant: affected[0], others: Array(affected.dropFirst()))
        try PlatformBootstrap.run(
            database: database, tenants: reseeded, users: seeds, now: clock.now(), hasher: hasher, knownHashes: kept, ids: ids, scope: scope
        )
        let groups = GroupService(database: database, clock: clock, engine: workflow, ids: ids)
        for tenant in names {
            _ = try workflow.installShippedDefinitions(tenant: tenant, scope: scope)
            try groups.prepareTenant(tenant, scope: scope)
        }
        workflow.invalidateCache()
        return try FixtureLoader.apply(
            fixtures.documents, database: database, tenants: tenants, workflow: workflow, ids: ids,
            now: clock.now(), hasher: fixtures.hasher, knownHashes: kept, onlyTenants: names, scope: scope)
    }
}
