import AkanaDomain
import Foundation
import SQLiteStore

/// The `/_emulator` operations that change the emulator's own state: test objects started through
/// their workflow, the virtual clock, snapshot restores and resets. Each is one call for its route,
/// which only decodes the request and renders the answer; what must not be split (minting an
/// object id, checking it is free and starting the object; reading the clock and moving it) runs in
/// one transaction.
public final class EmulatorAdmin: Sendable {
    let database: DatabasePool
    let clock: EmulatorClock
    let tenants: TenantDirectory
    let workflow: WorkflowEngine
    let snapshots: SnapshotStore
    let seedUsers: [SeedUser]
    let fixtures: FixtureCatalog
    let ids: IDGenerator

    public init(
        database: DatabasePool, clock: EmulatorClock, tenants: TenantDirectory, workflow: WorkflowEngine,
        snapshots: SnapshotStore, seedUsers: [SeedUser], fixtures: FixtureCatalog, ids: IDGenerator
    ) {
        self.database = database
        self.clock = clock
        self.tenants = tenants
        self.workflow = workflow
        self.snapshots = snapshots
        self.seedUsers = seedUsers
        self.fixtures = fixtures
        self.ids = ids
    }

    /// The latest migration applied (`GET /_emulator/health`), read through a reader connection so
    /// a wedged database shows up there.
    public func schemaVersion(scope: TransactionScope) throws -> String? {
        try database.read(in: scope) { db in try AkanaSchema.latestApplied(db) }
    }

    // MARK: - Workflow objects

    public struct CreatedObject: Sendable, Equatable {
        public var objectID: String
        public var objectType: String
        public var status: String
    }

    /// Makes an object of `objectType` in `tenant`, started through its workflow's initial action
    /// (the first one, or the one named). `objectID` nil: one is minted. In one write transaction:
    /// the id is free when the object starts. 400 when the id is not the tenant's or no workflow is
    /// assigned to the type, 409 when the object exists.
    public func createObject(
        tenant: String, objectType: String, objectID: String?, initialAction: String?,
        scope: TransactionScope
    ) throws -> CreatedObject {
        if let objectID, !objectID.hasSuffix(".\(tenant)") {
            throw DomainError.badRequest("ObjectID must end with .\(tenant).")
        }
        return try database.write(in: scope) { db in
            let id = objectID ?? "\(objectType)\(self.ids.number(in: 10_000...99_999_999)).\(tenant)"
            if try self.workflow.state(db, objectID: id) != nil {
                throw DomainError.conflict("Workflow object \(id) already exists.")
            }
            guard
                let status = try self.workflow.start(
                    db, tenant: tenant, objectType: objectType, objectID: id,
                    caller: .emulator(), initialAction: initialAction)
            else {
                throw DomainError.badRequest(
                    "No workflow is assigned to object type \(objectType); assign one with PUT /_emulator/workflows/\(objectType).")
            }
            return CreatedObject(objectID: id, objectType: objectType, status: status)
        }
    }

    /// Where the object stands and every action taken on it, oldest first, in one read. 404 when
    /// no workflow governs it.
    public func history(objectID: String, scope: TransactionScope) throws -> (state: WorkflowObjectState, entries: [WorkflowHistoryEntry]) {
        try database.read(in: scope) { db in
            guard let state = try self.workflow.state(db, objectID: objectID) else {
                throw DomainError.notFound("Workflow object \(objectID) was not found.")
            }
            return (state, try self.workflow.history(db, objectID: objectID))
        }
    }

    // MARK: - Clock

    /// Moves the virtual clock and stores its new mode, in one write: two advances never lose one.
    public func changeClock(_ change: ClockStore.Change, scope: TransactionScope) throws {
        try ClockStore.apply(change, clock: clock, database: database, scope: scope)
    }

    // MARK: - Checkpoints

    /// Marks the current state (`POST /_emulator/checkpoints`) under a new random id.
    public func createCheckpoint(scope: TransactionScope) throws -> UndoLog.Mark {
        let id = "cp-" + (0..<2).map { _ in String(UInt64.random(in: 0...UInt64.max) | (1 << 63), radix: 16) }.joined()
        let created = Timestamp.iso8601(clock.now())
        return try database.write(in: scope) { db in
            try UndoLog.setMark(db, kind: .checkpoint, name: id, created: created)
        }
    }

    /// Every checkpoint with the number of changes made since, in one read.
    public func checkpoints(scope: TransactionScope) throws -> [(mark: UndoLog.Mark, changesSince: Int)] {
        try database.read(in: scope) { db in try UndoLog.checkpoints(db) }
    }

    /// Undoes the changes made since checkpoint `id`, in one write, and returns how many; nil when
    /// there is no such checkpoint; 409 when it was released (the undo log went past its cap).
    /// The in-memory views of the database follow the restored state, whatever failed.
    public func rollback(toCheckpoint id: String, scope: TransactionScope) throws -> Int? {
        let undone: Int?
        do {
            undone = try database.write(in: scope) { db -> Int? in
                guard let mark = try UndoLog.mark(db, kind: .checkpoint, name: id) else {
                    // Released because the undo log went past undo.maxEntries: say so (409), not 404.
                    if let release = try UndoLog.released(db, kind: .checkpoint, name: id) { throw UndoLog.releasedFault(release) }
                    return nil
                }
                let undone = try UndoLog.rollback(db, to: mark)
                try self.reloadGenerator(db)
                return undone
            }
        } catch {
            try? reloadAfterStateChange()  // the database is the truth, whatever failed
            throw error
        }
        guard let undone else { return nil }
        try reloadAfterStateChange()
        return undone
    }

    /// Forgets checkpoint `id`; false when there is none. A checkpoint released because the undo
    /// log went past its cap is gone already: true too.
    public func deleteCheckpoint(_ id: String, scope: TransactionScope) throws -> Bool {
        try database.write(in: scope) { db in
            try UndoLog.removeMark(db, kind: .checkpoint, name: id) || UndoLog.forgetRelease(db, kind: .checkpoint, name: id)
        }
    }

    // MARK: - Snapshots and resets

    /// Restores snapshot `name`, then brings the in-memory views of the database (clock, workflow
    /// definitions, tenant settings, the deterministic id sequence) to the restored state, whatever
    /// failed: the database is the truth.
    public func restoreSnapshot(_ name: String, scope: TransactionScope) throws -> SnapshotStore.RestoreMethod {
        let method: SnapshotStore.RestoreMethod
        do {
            method = try snapshots.restore(name, scope: scope, restored: reloadGenerator)
        } catch {
            try? reloadAfterStateChange()
            throw error
        }
        try reloadAfterStateChange()
        return method
    }

    /// Puts every tenant (`only` nil) or one back to the configured users, settings, workflows and
    /// fixtures; returns the tenants reset.
    public func reset(only tenant: String?, scope: TransactionScope) throws -> [String] {
        try PlatformReset.reset(
            database: database, tenants: tenants, users: seedUsers, workflow: workflow, clock: clock,
            only: tenant, fixtures: fixtures, ids: ids, scope: scope)
        return tenant.map { [$0] } ?? tenants.all.map(\.fedmemberid)
    }

    /// Inside the transaction that put another state in place: the deterministic id generator takes
    /// that state's position, so the before-commit hook keeps it instead of writing the old one back.
    func reloadGenerator(_ db: SQLiteConnection) throws {
        if case .deterministic(let generator) = ids.source { try generator.reload(from: db) }
    }

    /// After the database was put back to another state (a snapshot restore, a rollback): the
    /// in-memory views of it follow (virtual clock, workflow definitions, tenant settings, the
    /// deterministic id sequence). Outside the request's scope (`.background`): its deadline, past
    /// or not, must not keep memory from following the database.
    func reloadAfterStateChange() throws {
        clock.mode = try ClockStore.load(database, scope: .background)
        workflow.invalidateCache()
        try tenants.reloadSettings(from: database)
        if case .deterministic(let generator) = ids.source { try generator.reload(from: database, scope: .background) }
    }
}
