import AkanaDomain
import Foundation
import SQLiteStore

/// Named, consistent copies of the whole database, kept as SQLite files in `<database>.snapshots/`.
/// Taken with the online backup API while traffic continues; restored by rolling back the changes
/// made since (the undo log) or by copying the file back, so a failed restore leaves the current
/// state intact and readers never see a mix.
public struct SnapshotStore: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var name: String
        public var created: String
        public var sizeBytes: Int
    }

    public let database: DatabasePool
    public let directory: String

    public init(database: DatabasePool) {
        self.database = database
        self.directory = database.path + ".snapshots"
    }

    /// Names are file names, so they are kept to letters, digits, `.`, `_` and `-`.
    public static func validate(_ name: String) throws {
        guard (1...64).contains(name.count), name.first != ".",
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") })
        else {
            throw DomainError.badRequest(
                "A snapshot name is 1 to 64 letters, digits, '.', '_' or '-' (not starting with '.'), not '\(name)'.")
        }
    }

    private func path(_ name: String) -> String { directory + "/" + name + ".sqlite" }

    public func create(_ name: String, scope: TransactionScope) throws -> Snapshot {
        try Self.validate(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard !FileManager.default.fileExists(atPath: path(name)) else {
            throw DomainError.conflict("Snapshot \(name) already exists; delete it first or pick another name.")
        }
        // A mark in the undo log first (recording from now on), then the copy, which reads the log
        // position it holds in its own read transaction; the mark then takes that position, so a
        // restore can roll back to exactly the copy's state instead of rewriting the database.
        // The mark's time is bookkeeping, never shown (a snapshot lists its file's modification
        // time, a file time): the system clock, as for the file, not the emulator clock.
        let created = Timestamp.iso8601(Date())
        try database.write(in: scope) { db in _ = try UndoLog.setMark(db, kind: .snapshot, name: name, created: created) }
        let position: Int64
        let sequences: [(String, Int64)]
        let rollbacks: Int64
        do {
            (position, sequences, rollbacks) = try writeFile(name, scope: scope)
        } catch {
            // No file (a full disk, say): the mark goes too, or the undo log would keep recording
            // every change for a snapshot that does not exist. Best effort: should the disk refuse
            // this write as well, the next start forgets marks whose file is missing. Not in the
            // request's scope: its deadline must not stop this clean-up.
            _ = try? database.write(in: .background) { db in try UndoLog.removeMark(db, kind: .snapshot, name: name) }
            throw error
        }
        let stamp = fileStamp(name)
        try database.write(in: scope) { db in
            guard try UndoLog.mark(db, kind: .snapshot, name: name) != nil else { return }  // rolled back past it meanwhile
            // A rollback after the copy was read may have removed log entries the copy holds: then
            // the log cannot lead back to the copy, and a restore copies the file.
            guard try UndoLog.rollbackCount(db) == rollbacks else {
                try UndoLog.removeMark(db, kind: .snapshot, name: name)
                return
            }
            try UndoLog.storeMark(
                db, UndoLog.Mark(kind: .snapshot, name: name, seq: position, created: created, fileStamp: stamp), sequences: sequences)
        }
        guard let snapshot = try info(name) else { throw DomainError.notFound("Snapshot \(name) was not written.") }
        return snapshot
    }

    /// Copies the database to a scratch file next to the snapshot's (online backup, one read
    /// transaction), empties the undo log, its marks and the request journal in the copy and
    /// compacts it (the file holds the state, not the log that happened to exist, nor the journal a
    /// restore never reads: its size is the data's, however long the log),
    /// then gives it the snapshot's name. Returns the log position, counters and rollback count the
    /// copy was read at.
    private func writeFile(_ name: String, scope: TransactionScope) throws -> (Int64, [(String, Int64)], Int64) {
        let scratch = directory + "/." + name + ".writing-" + UUID().uuidString
        defer { for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
        let read = try database.backup(to: scratch, in: scope) { db in
            (try UndoLog.position(db), try UndoLog.sequences(db), try UndoLog.rollbackCount(db))
        }
        try DatabasePool.rewrite(fileAt: scratch) { db in
            try UndoLog.clearForCopy(db)
            // A restore carries the current journal over the snapshot's: the copy's would never be read.
            try RequestJournalRepository.deleteAll(db)
        }
        try FileManager.default.moveItem(atPath: scratch, toPath: path(name))
        return read
    }

    /// Size and modification time of the snapshot file: a restore rolls back through the undo log
    /// only while the file is the one the mark was made with.
    func fileStamp(_ name: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path(name)),
            let size = attributes[.size] as? Int, let date = attributes[.modificationDate] as? Date
        else { return nil }
        return "\(size) \(date.timeIntervalSince1970)"
    }

    public func list() throws -> [Snapshot] {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return try files.filter { $0.hasSuffix(".sqlite") }.map { String($0.dropLast(7)) }.sorted().compactMap(info)
    }

    public func info(_ name: String) throws -> Snapshot? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path(name)) else { return nil }
        let created = (attributes[.modificationDate] as? Date).map(Timestamp.iso8601) ?? ""
        return Snapshot(name: name, created: created, sizeBytes: (attributes[.size] as? Int) ?? 0)
    }

    /// How a restore was done: by rolling back the changes made since the snapshot (cost: those
    /// changes), or by copying the snapshot file over the database (cost: the snapshot's size).
    public enum RestoreMethod: String, Sendable {
        case rollback
        case copy
    }

    /// Swaps the whole state for the snapshot's. Refused when the snapshot was taken at another
    /// schema version. The request journal is not rewound: it records requests that were made, and
    /// a test that restores a snapshot still wants to read back what it sent before.
    ///
    /// While the snapshot's mark is in the undo log and the file is the one it was made with, the
    /// changes since are rolled back in one write transaction (a bound participant joins it).
    /// Otherwise the file is copied (a scratch copy, with the current request journal carried into
    /// it) over the database with the backup API, then the mark is set at the restored state.
    /// Either way a failure leaves the current state as it was. `restored` runs inside the write
    /// transaction that ends the restore, on the restored state (e.g. to reload a generator whose
    /// before-commit hook would otherwise store its old position over the restored one).
    @discardableResult
    public func restore(
        _ name: String, scope: TransactionScope,
        restored: (SQLiteConnection) throws -> Void = { _ in }
    ) throws -> RestoreMethod {
        try Self.validate(name)
        guard FileManager.default.fileExists(atPath: path(name)) else { throw DomainError.notFound("Snapshot \(name) was not found.") }
        let stamp = fileStamp(name)
        let rolledBack = try database.write(in: scope) { db -> Bool in
            guard let mark = try UndoLog.mark(db, kind: .snapshot, name: name), stamp != nil, mark.fileStamp == stamp else { return false }
            try UndoLog.rollback(db, to: mark)
            try restored(db)
            return true
        }
        if rolledBack { return .rollback }
        let scratch = directory + "/." + name + ".restoring-" + UUID().uuidString
        defer { for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
        try FileManager.default.copyItem(atPath: path(name), toPath: scratch)
        try database.replaceDatabase(with: scratch, carrying: [RequestJournal.table]) { db in
            let current = try AkanaSchema.applied(db, schema: .main)
            let snapshot = try AkanaSchema.applied(db, schema: .source)
            guard current == snapshot else {
                throw DomainError.conflict(
                    "Snapshot \(name) was taken at schema \(snapshot.last ?? "none"), this database is at \(current.last ?? "none"); it cannot be restored here."
                )
            }
        }
        // The state is the snapshot's now: its mark goes here, so the next restore rolls back.
        // (Its time is bookkeeping, never shown: the system clock, as at creation.)
        // This write also commits the scope's participant (the request's journal entry).
        try database.write(in: scope) { db in
            try UndoLog.storeMark(
                db,
                UndoLog.Mark(
                    kind: .snapshot, name: name, seq: try UndoLog.position(db), created: Timestamp.iso8601(Date()), fileStamp: stamp),
                sequences: try UndoLog.sequences(db))
            try UndoLog.startRecording(db)
            try restored(db)
        }
        return .copy
    }

    /// Forgets the marks of snapshots whose file is gone (deleted by hand): they would keep the
    /// undo log recording for nothing. Runs at startup; costs one `stat` per snapshot mark.
    public func forgetMissingSnapshots(scope: TransactionScope) throws {
        let marked = try database.read(in: scope) { db in try UndoLog.marks(db, kind: .snapshot).map(\.name) }
        let missing = marked.filter { !FileManager.default.fileExists(atPath: path($0)) }
        guard !missing.isEmpty else { return }
        try database.write(in: scope) { db in for name in missing { try UndoLog.removeMark(db, kind: .snapshot, name: name) } }
    }

    public func delete(_ name: String, scope: TransactionScope) throws {
        try Self.validate(name)
        guard FileManager.default.fileExists(atPath: path(name)) else { throw DomainError.notFound("Snapshot \(name) was not found.") }
        try FileManager.default.removeItem(atPath: path(name))
        try database.write(in: scope) { db in _ = try UndoLog.removeMark(db, kind: .snapshot, name: name) }
    }
}
