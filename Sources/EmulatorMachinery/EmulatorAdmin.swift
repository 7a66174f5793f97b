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
    /// Hashes re-seeded users' passwords on a reset (the configured one, as at startup).
    let hasher: PasswordHasher

    public init(
        database: DatabasePool, clock: EmulatorClock, tenants: TenantDirectory, workflow: WorkflowEngine,
        snapshots: SnapshotStore, seedUsers: [SeedUser], fixtures: FixtureCatalog, ids: IDGenerator, hasher: PasswordHasher
    ) {
        self.database = database
        self.clock = clock
        self.tenants = tenants
        self.workflow = workflow
        self.snapshots = snapshots
        self.seedUsers = seedUsers
        self.fixtures = fixtures
        self.ids = ids
        self.hasher = hasher
    }

    /// The latest migration applied (`GET /_emulator/health`), read through a reader connection so
    /// a wedged database shows up there.
    public func schemaVersion(scope: TransactionScope) throws -> String? {
        try database.read(in: scope) { db in try AkanaSchema.latestApplied(db) }
    }

    /// Why writes are refused now (a full disk), or nil (`GET /_emulator/health`).
    public var diskFull: StorageStatus.DiskFull? { database.storage.diskFull }

    /// Sessions live now on the emulator clock (`GET /_emulator/metrics`), in one read.
    public func liveSessionCount(scope: TransactionScope) throws -> Int {
        let now = Timestamp.iso8601(clock.now())
        return try database.read(in: scope) { db in try SessionRepository.liveCount(db, at: now) }
    }

    // MARK: - Fixtures

    /// Applies one fixture document (`POST /_emulator/fixtures`) in one write transaction, with the
    /// configured id generator and fixture password hasher, at the emulator clock's now.
    public func applyFixture(_ document: FixtureDocument, scope: TransactionScope) throws -> FixtureReport {
        try FixtureLoader.apply(
            [document], database: database, tenants: tenants, workflow: workflow, ids: ids, now: clock.now(),
            hasher: fixtures.hasher, scope: scope)
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

    /// The clock as a route shows it: its mode and the time it reads.
    public struct ClockReading: Sendable, Equatable {
        public var mode: EmulatorClock.Mode
        public var now: Date
    }

    /// The virtual clock now (`GET /_emulator/clock`).
    public var clockReading: ClockReading {
        let mode = clock.mode
        return ClockReading(mode: mode, now: EmulatorClock(mode: mode).now())
    }

    /// Moves the virtual clock and stores its new mode, in one write: two advances never lose one.
    /// Returns the mode stored and the time it reads, as of that write.
    public func changeClock(_ change: ClockStore.Change, scope: TransactionScope) throws -> ClockReading {
        let mode = try ClockStore.apply(change, clock: clock, database: database, scope: scope)
        // The time in the mode stored (a later change does not show in this answer).
        return ClockReading(mode: mode, now: EmulatorClock(mode: mode).now())
    }

    // MARK: - Checkpoints

    /// Marks the current state (`POST /_emulator/checkpoints`) under a new id (`cp-` and 32 hex
    /// digits from the configured generator, so `deterministicIds` covers it).
    public func createCheckpoint(scope: TransactionScope) throws -> UndoLog.Mark {
        let created = Timestamp.iso8601(clock.now())
        return try database.write(in: scope) { db in
            let id = "cp-" + self.ids.hex(byteCount: 16)
            // The id sequence as it is after this id, stored before the mark: a rollback to the
            // checkpoint comes back to it (not to the position before the id was minted).
            if case .deterministic(let generator) = self.ids.source { try generator.persist(db) }
            return try UndoLog.setMark(db, kind: .checkpoint, name: id, created: created)
        }
    }

    /// Every checkpoint with the number of changes made since, in one read.
    public func checkpoints(scope: TransactionScope) throws -> [(mark: UndoLog.Mark, changesSince: Int)] {
        try database.read(in: scope) { db in try UndoLog.checkpoints(db) }
    }

    /// What changed since checkpoint `id` (`ChangeDiff`), in one read: nil when there is no such
    /// checkpoint; 409 when it was released (the undo log went past its cap, so the log no longer
    /// reaches back to it). At most `limit` rows are listed.
    public func diff(sinceCheckpoint id: String, limit: Int, scope: TransactionScope) throws -> (mark: UndoLog.Mark, diff: ChangeDiff)? {
        try database.read(in: scope) { db in
            guard let mark = try UndoLog.mark(db, kind: .checkpoint, name: id) else {
                if let release = try UndoLog.released(db, kind: .checkpoint, name: id) { throw UndoLog.releasedFault(release) }
                return nil
            }
            return (mark, try ChangeDiff.since(mark.seq, db, limit: limit))
        }
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

    /// Writes snapshot `name` (`POST /_emulator/snapshots`).
    public func createSnapshot(_ name: String, scope: TransactionScope) throws -> SnapshotStore.Snapshot {
        try snapshots.create(name, scope: scope)
    }

    /// Every snapshot file, by name (`GET /_emulator/snapshots`).
    public func listSnapshots() throws -> [SnapshotStore.Snapshot] {
        try snapshots.list()
    }

    /// Deletes snapshot `name` (`DELETE /_emulator/snapshots/{name}`).
    public func deleteSnapshot(_ name: String, scope: TransactionScope) throws {
        try snapshots.delete(name, scope: scope)
    }

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
            only: tenant, hasher: hasher, fixtures: fixtures, ids: ids, scope: scope)
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
