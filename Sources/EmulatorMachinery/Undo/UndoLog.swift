import AkanaDomain
import Foundation
import SQLiteStore

/// The undo log behind checkpoints and fast snapshot restores: triggers on every table of the
/// state (everything but the request journal, `schema_migrations` and the log's own tables) record,
/// for each row a write inserts, updates or deletes, what puts it back (`undo_log`: the table, the
/// rowid and the old values). A mark (`undo_marks`) is a position in that log; rolling back to it
/// applies the entries after it in reverse order, so the cost is the number of changes made since,
/// not the size of the data. The triggers only record while a mark exists (`undo_state.recording`),
/// and entries no mark needs any more are dropped when marks go.
///
/// Everything lives in the database file, so marks survive a restart and the log commits and rolls
/// back with the writes it records. External writers (the `sqlite3` shell) fire the same triggers.
///
/// The log is bounded (`Policy.maxEntries`, configuration key `undo.maxEntries`): `undo_state`
/// keeps its row count (`settleCount`), and the last thing every write transaction does
/// (`maintain`, installed by `bound`) is to release the oldest mark once the log holds more rows
/// than the cap, then delete the rows no mark needs, a bounded batch per commit. A rollback to a
/// released checkpoint is refused with `DomainError.conflict` naming the key (`released`); a
/// released snapshot is restored by copying its file.
public enum UndoLog {
    public enum Kind: String, Sendable {
        case checkpoint
        case snapshot
    }

    /// The bound of the log.
    public struct Policy: Sendable, Equatable {
        /// The configuration key of `maxEntries`, as faults name it.
        public static let maxEntriesKey = "undo.maxEntries"
        public static let defaultMaxEntries = 200_000
        /// Rows the log may hold (about 400 bytes each on the emulator's tables); past it the
        /// oldest mark is released.
        public var maxEntries: Int
        /// Rows no mark needs deleted per commit at most (the rest by the commits that follow).
        public var deleteBatch: Int
        /// Released checkpoints remembered (so that a rollback says why it cannot be done).
        public var releasedKept: Int

        public init(maxEntries: Int = Policy.defaultMaxEntries, deleteBatch: Int = 1_000, releasedKept: Int = 1_000) {
            self.maxEntries = max(1, maxEntries)
            self.deleteBatch = max(1, deleteBatch)
            self.releasedKept = max(1, releasedKept)
        }
    }

    /// A mark released because the log went past its cap.
    public struct Release: Sendable, Equatable {
        public var kind: Kind
        public var name: String
        public var released: String
        public var maxEntries: Int
    }

    public struct Mark: Sendable, Equatable {
        public var kind: Kind
        public var name: String
        public var seq: Int64
        public var created: String
        public var fileStamp: String?
    }

    /// Tables whose rows a rollback never touches.
    public static let untracked: Set<String> = [
        "schema_migrations", "request_journal", "emulator_faults", "undo_log", "undo_state", "undo_marks", "undo_mark_sequences",
        "undo_released_marks"
    ]

    enum Operation: Int64 {
        case inserted = 1
        case deleted = 2
        case updated = 3
    }

    // MARK: Installing

    /// Creates (or, when the schema changed, recreates) `undo_log` and the triggers, from the
    /// schema as it is now: one look at `sqlite_master` and each table's columns, nothing that grows
    /// with the data. When anything had to change, or `schemaChanged` (migrations were just
    /// applied), existing marks are dropped: the log cannot roll back across a schema change.
    /// Returns whether the triggers were (re)created.
    /// Also counts the log's rows again (the count `undo_state` keeps; the cost is the log's
    /// length, bounded by the cap).
    @discardableResult
    public static func install(_ database: DatabasePool, schemaChanged: Bool = false) throws -> Bool {
        try database.write(in: .startup) { db in
            let changed = try install(db, schemaChanged: schemaChanged)
            let counted = try UndoLogRepository.countAllEntries(db)
            try UndoLogRepository.setCounts(db, entries: counted.count, countedThrough: max(counted.newest ?? 0, try position(db)))
            return changed
        }
    }

    static func install(_ db: SQLiteConnection, schemaChanged: Bool) throws -> Bool {
        let tables = try trackedTables(db)
        var desired: [String: String] = [:]
        var width = 0
        for table in tables {
            let columns = try self.columns(db, table)
            width = max(width, columns.count)
            for (name, sql) in triggers(table: table, columns: columns) { desired[name] = sql }
        }
        let logColumns = try self.columns(db, "undo_log")
        if logColumns.isEmpty {
            try UndoLogRepository.createLog(db, width: max(width, 1))
        } else {
            let have = logColumns.count - 4
            if have < width { for index in have..<width { try UndoLogRepository.addLogColumn(db, index: index) } }
        }
        let existing = try UndoLogRepository.installedTriggers(db)
        let changed = existing != desired
        if changed {
            for name in existing.keys { try UndoLogRepository.dropTrigger(db, name) }
            for name in desired.keys.sorted() { try UndoLogRepository.createTrigger(db, desired[name]!) }
        }
        if changed || schemaChanged { try dropAllMarks(db) }
        return changed
    }

    static func trackedTables(_ db: SQLiteConnection) throws -> [String] {
        try UndoLogRepository.tableNames(db).filter { !untracked.contains($0) }
    }

    static func columns(_ db: SQLiteConnection, _ table: String) throws -> [String] {
        try UndoLogRepository.columns(db, table)
    }

    /// The three triggers of `table`, named `undo_<table>_<event>`, as `sqlite_master` keeps their text.
    static func triggers(table: String, columns: [String]) -> [(String, String)] {
        UndoLogRepository.triggers(table: table, columns: columns)
    }

    // MARK: Marks

    /// The newest log position (0 when nothing was ever logged). Never goes back: the log's ids are AUTOINCREMENT.
    static func position(_ db: SQLiteConnection) throws -> Int64 {
        try UndoLogRepository.position(db)
    }

    /// How many rollbacks ran on this database (it only grows, until a reset or a copy restore).
    static func rollbackCount(_ db: SQLiteConnection) throws -> Int64 {
        try UndoLogRepository.rollbackCount(db)
    }

    /// The AUTOINCREMENT counters of the tracked tables.
    static func sequences(_ db: SQLiteConnection) throws -> [(String, Int64)] {
        try UndoLogRepository.sequences(db, excluding: untracked)
    }

    /// Records a mark at the current position (replacing one of the same kind and name) and turns
    /// recording on. Runs in the caller's write transaction. Makes sure the triggers match the
    /// schema first (a database set up without `install` would otherwise record nothing).
    public static func setMark(_ db: SQLiteConnection, kind: Kind, name: String, created: String) throws -> Mark {
        _ = try install(db, schemaChanged: false)
        let seq = try position(db)
        _ = try UndoLogRepository.forgetRelease(db, kind: kind, name: name)
        try storeMark(db, Mark(kind: kind, name: name, seq: seq, created: created, fileStamp: nil), sequences: try sequences(db))
        try startRecording(db)
        return Mark(kind: kind, name: name, seq: seq, created: created, fileStamp: nil)
    }

    /// Turns the triggers' recording on (a mark exists).
    static func startRecording(_ db: SQLiteConnection) throws {
        try UndoLogRepository.startRecording(db)
    }

    static func storeMark(_ db: SQLiteConnection, _ mark: Mark, sequences: [(String, Int64)]) throws {
        try UndoLogRepository.storeMark(db, mark, sequences: sequences)
    }

    public static func mark(_ db: SQLiteConnection, kind: Kind, name: String) throws -> Mark? {
        try UndoLogRepository.mark(db, kind: kind, name: name)
    }

    public static func marks(_ db: SQLiteConnection, kind: Kind) throws -> [Mark] {
        try UndoLogRepository.marks(db, kind: kind)
    }

    /// Every checkpoint with the number of changes made since (what a rollback to it would undo).
    public static func checkpoints(_ db: SQLiteConnection) throws -> [(mark: Mark, changesSince: Int)] {
        try marks(db, kind: .checkpoint).map { ($0, try changes(since: $0, db)) }
    }

    /// The number of log entries after `mark`: what a rollback to it would undo.
    public static func changes(since mark: Mark, _ db: SQLiteConnection) throws -> Int {
        try UndoLogRepository.entryCount(db, after: mark.seq)
    }

    /// Removes a mark, then the log entries no remaining mark needs (all of them, and recording,
    /// when no mark is left). Returns false when there was no such mark.
    @discardableResult
    public static func removeMark(_ db: SQLiteConnection, kind: Kind, name: String) throws -> Bool {
        try UndoLogRepository.deleteMarkSequences(db, kind: kind, name: name)
        guard try UndoLogRepository.deleteMark(db, kind: kind, name: name) > 0 else { return false }
        try prune(db)
        return true
    }

    /// After marks went: deletes the first batch of the entries no mark needs now (and turns
    /// recording off when no mark is left); the commits that follow delete the rest, a batch each
    /// (`maintain`), so removing the oldest of a long log never holds the writer for all of it.
    /// A short log (a test's checkpoint) is empty at once.
    static func prune(_ db: SQLiteConnection) throws {
        try settleCount(db)
        try collectGarbage(db, policy: Policy())
    }

    // MARK: The bound

    /// Takes the rows logged since the last count into `undo_state.entries` (a range scan of the
    /// rowid from the last counted seq: the cost is what the triggers wrote since). Every deletion
    /// of log rows settles first, so the count stays exact.
    @discardableResult
    static func settleCount(_ db: SQLiteConnection) throws -> (recording: Bool, entries: Int64, countedThrough: Int64) {
        let state = try UndoLogRepository.counts(db)
        let added = try UndoLogRepository.entriesAfter(db, state.countedThrough)
        guard added.count > 0, let newest = added.newest else { return state }
        try UndoLogRepository.setCounts(db, entries: state.entries + added.count, countedThrough: newest)
        return (state.recording, state.entries + added.count, newest)
    }

    /// The rows the log holds (as counted; the triggers' rows of an open transaction are counted at its commit).
    public static func entryCount(_ db: SQLiteConnection) throws -> Int {
        Int(try settleCount(db).entries)
    }

    /// Makes every write transaction of `database` end with `maintain(_:policy:)`.
    public static func bound(_ database: DatabasePool, policy: Policy) {
        database.setLastBeforeCommit { db in try maintain(db, policy: policy) }
    }

    /// Keeps the log within `policy`, in the caller's write transaction (just before COMMIT), with
    /// bounded work: counts the rows logged since the last count, deletes at most
    /// `policy.deleteBatch` rows no mark needs, and, when there were none to delete and the log
    /// holds more than `policy.maxEntries` rows, releases the oldest mark (it is forgotten; a
    /// checkpoint is remembered as released) and deletes the first batch of the rows it needed.
    /// With no mark and no rows (no checkpoint or snapshot), one lookup of `undo_state`.
    public static func maintain(_ db: SQLiteConnection, policy: Policy) throws {
        let last = try UndoLogRepository.counts(db)
        guard last.recording || last.entries > 0 else { return }  // (undo_log may not even exist yet)
        let state = try settleCount(db)
        if try collectGarbage(db, policy: policy) > 0 { return }
        guard state.entries > Int64(policy.maxEntries), let oldest = try UndoLogRepository.oldestMark(db) else { return }
        try release(db, oldest, policy: policy)
        try collectGarbage(db, policy: policy)
    }

    /// Deletes up to `policy.deleteBatch` of the oldest rows no mark needs (every row when there is
    /// no mark), and turns recording off when no mark is left. Returns the rows deleted.
    @discardableResult
    static func collectGarbage(_ db: SQLiteConnection, policy: Policy) throws -> Int {
        let oldest = try UndoLogRepository.oldestMarkSeq(db)
        if oldest == nil { try UndoLogRepository.stopRecording(db) }
        let deleted = try UndoLogRepository.deleteOldestEntries(db, upTo: oldest ?? Int64.max, limit: policy.deleteBatch)
        guard deleted > 0 else { return 0 }
        let counted = try UndoLogRepository.counts(db)
        try UndoLogRepository.setCounts(db, entries: counted.entries - Int64(deleted), countedThrough: counted.countedThrough)
        return deleted
    }

    /// Forgets `mark` because the log went past `policy.maxEntries`; a checkpoint is remembered as released.
    static func release(_ db: SQLiteConnection, _ mark: Mark, policy: Policy) throws {
        try UndoLogRepository.deleteMarkSequences(db, kind: mark.kind, name: mark.name)
        _ = try UndoLogRepository.deleteMark(db, kind: mark.kind, name: mark.name)
        if mark.kind == .checkpoint {
            try UndoLogRepository.recordRelease(
                db, kind: mark.kind, name: mark.name, released: Timestamp.iso8601(Date()),
                maxEntries: policy.maxEntries, keep: policy.releasedKept)
        }
    }

    /// Why `kind`/`name` is no longer a mark, when it was released because the log went past its cap.
    public static func released(_ db: SQLiteConnection, kind: Kind, name: String) throws -> Release? {
        try UndoLogRepository.release(db, kind: kind, name: name)
    }

    /// Forgets that `kind`/`name` was released. Returns whether it was.
    @discardableResult
    public static func forgetRelease(_ db: SQLiteConnection, kind: Kind, name: String) throws -> Bool {
        try UndoLogRepository.forgetRelease(db, kind: kind, name: name)
    }

    /// The fault of a rollback to a released checkpoint.
    public static func releasedFault(_ release: Release) -> DomainError {
        .conflict(
            "Checkpoint \(release.name) was released at \(release.released): the undo log went past its cap of \(release.maxEntries) "
                + "entries (configuration key \(Policy.maxEntriesKey)), so the changes since it are no longer kept and it cannot be rolled back to. "
                + "Take checkpoints closer to their rollbacks, delete those no longer needed, or raise \(Policy.maxEntriesKey).")
    }

    /// Empties the log and its marks in a copy of the database (a snapshot's file holds the state,
    /// not the log that happened to exist when it was taken).
    public static func clearForCopy(_ db: SQLiteConnection) throws {
        try UndoLogRepository.clearEverything(db)
    }

    static func dropAllMarks(_ db: SQLiteConnection) throws {
        try UndoLogRepository.deleteAllMarks(db)
        try prune(db)
    }

    // MARK: Rolling back

    /// Puts every tracked row back as it was at `mark`, in the caller's write transaction: the log
    /// entries after it are applied newest first with all triggers off (nothing is derived or
    /// logged again; foreign keys are checked at COMMIT), the AUTOINCREMENT counters are set back,
    /// and the marks made after it are dropped (`mark` itself stays). Returns the entries undone.
    @discardableResult
    public static func rollback(_ db: SQLiteConnection, to mark: Mark) throws -> Int {
        let counted = try settleCount(db)
        try UndoLogRepository.deferForeignKeys(db)
        try UndoLogRepository.countRollback(db)
        var columnsByTable: [String: [String]] = [:]
        var undone = 0
        try db.withTriggersDisabled {
            // Stepped, not collected: a long log is not held in memory. Nothing below writes undo_log.
            try UndoLogRepository.forEachEntry(db, after: mark.seq) { entry in
                undone += 1
                guard let table = try entry.string("tbl"), let op = try entry.int64("op").flatMap(Operation.init(rawValue:)),
                    let rid = try entry.int64("rid")
                else { return }
                let columns: [String]
                if let known = columnsByTable[table] {
                    columns = known
                } else {
                    columns = try self.columns(db, table)
                    columnsByTable[table] = columns
                }
                switch op {
                case .inserted:
                    try UndoLogRepository.deleteRow(db, table: table, rowID: rid)
                case .deleted:
                    let values: [any SQLiteBindable] = columns.indices.map { entry["v\($0)"] }
                    try UndoLogRepository.insertRow(db, table: table, rowID: rid, columns: columns, values: values)
                case .updated:
                    let values: [any SQLiteBindable] = columns.indices.map { entry["v\($0)"] }
                    try UndoLogRepository.updateRow(db, table: table, rowID: rid, columns: columns, values: values)
                }
            }
        }
        let deleted = try UndoLogRepository.deleteEntries(db, after: mark.seq)
        try UndoLogRepository.setCounts(db, entries: counted.entries - Int64(deleted), countedThrough: counted.countedThrough)
        try UndoLogRepository.deleteMarks(db, after: mark.seq)
        // The AUTOINCREMENT counters as they were at the mark.
        let wanted = try UndoLogRepository.markSequences(db, mark)
        for (table, _) in try sequences(db) where wanted[table] == nil {
            try UndoLogRepository.deleteSequence(db, table: table)
        }
        for (table, seq) in wanted {
            try UndoLogRepository.setSequence(db, table: table, seq: seq)
        }
        return undone
    }
}
