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
public enum UndoLog {
    public enum Kind: String, Sendable {
        case checkpoint
        case snapshot
    }

    public struct Mark: Sendable, Equatable {
        public var kind: Kind
        public var name: String
        public var seq: Int64
        public var created: String
        public var fileStamp: String?
    }

    /// Tables whose rows a rollback never touches.
    public static let untracked: Set<String> = ["schema_migrations", "request_journal", "emulator_faults", "undo_log", "undo_state", "undo_marks", "undo_mark_sequences"]

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
    @discardableResult
    public static func install(_ database: DatabasePool, schemaChanged: Bool = false) throws -> Bool {
        try database.write { db in try install(db, schemaChanged: schemaChanged) }
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
        try install(db, schemaChanged: false)
        let seq = try position(db)
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

    static func prune(_ db: SQLiteConnection) throws {
        if let oldest = try UndoLogRepository.oldestMarkSeq(db) {
            try UndoLogRepository.deleteEntries(db, upTo: oldest)
        } else {
            try UndoLogRepository.deleteAllEntries(db)
            try UndoLogRepository.stopRecording(db)
        }
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
        try UndoLogRepository.deferForeignKeys(db)
        try UndoLogRepository.countRollback(db)
        var columnsByTable: [String: [String]] = [:]
        var undone = 0
        try db.withTriggersDisabled {
            // Stepped, not collected: a long log is not held in memory. Nothing below writes undo_log.
            try UndoLogRepository.forEachEntry(db, after: mark.seq) { entry in
                undone += 1
                guard let table = try entry.string("tbl"), let op = try entry.int64("op").flatMap(Operation.init(rawValue:)),
                      let rid = try entry.int64("rid") else { return }
                let columns: [String]
                if let known = columnsByTable[table] { columns = known } else {
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
        try UndoLogRepository.deleteEntries(db, after: mark.seq)
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
