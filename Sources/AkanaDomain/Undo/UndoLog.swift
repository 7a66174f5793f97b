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
            let values = (0..<max(width, 1)).map { ", v\($0)" }.joined()
            try db.execute("CREATE TABLE undo_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, op INTEGER NOT NULL, rid INTEGER NOT NULL\(values))")
        } else {
            let have = logColumns.count - 4
            if have < width { for index in have..<width { try db.execute("ALTER TABLE undo_log ADD COLUMN v\(index)") } }
        }
        var existing: [String: String] = [:]
        for row in try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'undo\\_%' ESCAPE '\\'") {
            existing[try row.requiredString("name")] = try row.string("sql") ?? ""
        }
        let changed = existing != desired
        if changed {
            for name in existing.keys { try db.execute("DROP TRIGGER \(quote(name))") }
            for name in desired.keys.sorted() { try db.execute(desired[name]!) }
        }
        if changed || schemaChanged { try dropAllMarks(db) }
        return changed
    }

    static func trackedTables(_ db: SQLiteConnection) throws -> [String] {
        try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
            .compactMap { try $0.string("name") }
            .filter { !untracked.contains($0) }
    }

    static func columns(_ db: SQLiteConnection, _ table: String) throws -> [String] {
        try db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", table).compactMap { try $0.string("name") }
    }

    static func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The three triggers of `table`, named `undo_<table>_<event>`, as `sqlite_master` keeps their text.
    static func triggers(table: String, columns: [String]) -> [(String, String)] {
        let literal = "'" + table.replacingOccurrences(of: "'", with: "''") + "'"
        let slots = columns.indices.map { ", v\($0)" }.joined()
        let old = columns.map { ", OLD.\(quote($0))" }.joined()
        let when = "WHEN (SELECT recording FROM undo_state WHERE id = 1)"
        func trigger(_ event: String, _ op: Operation, _ rid: String, _ values: String, _ slots: String) -> (String, String) {
            let name = "undo_\(table)_\(event.lowercased())"
            return (name, "CREATE TRIGGER \(quote(name)) AFTER \(event) ON \(quote(table)) \(when) BEGIN "
                + "INSERT INTO undo_log (tbl, op, rid\(slots)) VALUES (\(literal), \(op.rawValue), \(rid)\(values)); END")
        }
        return [
            trigger("INSERT", .inserted, "NEW.rowid", "", ""),
            trigger("DELETE", .deleted, "OLD.rowid", old, slots),
            trigger("UPDATE", .updated, "NEW.rowid", old, slots),
        ]
    }

    // MARK: Marks

    /// The newest log position (0 when nothing was ever logged). Never goes back: the log's ids are AUTOINCREMENT.
    static func position(_ db: SQLiteConnection) throws -> Int64 {
        try db.queryFirst("SELECT seq FROM sqlite_sequence WHERE name = 'undo_log'")?.int64("seq") ?? 0
    }

    /// How many rollbacks ran on this database (it only grows, until a reset or a copy restore).
    static func rollbackCount(_ db: SQLiteConnection) throws -> Int64 {
        try db.queryFirst("SELECT rollbacks FROM undo_state WHERE id = 1")?.int64("rollbacks") ?? 0
    }

    /// The AUTOINCREMENT counters of the tracked tables.
    static func sequences(_ db: SQLiteConnection) throws -> [(String, Int64)] {
        try db.query("SELECT name, seq FROM sqlite_sequence").compactMap { row -> (String, Int64)? in
            guard let name = try row.string("name"), !untracked.contains(name), let seq = try row.int64("seq") else { return nil }
            return (name, seq)
        }
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
        try db.run("UPDATE undo_state SET recording = 1 WHERE id = 1")
    }

    static func storeMark(_ db: SQLiteConnection, _ mark: Mark, sequences: [(String, Int64)]) throws {
        try db.run("DELETE FROM undo_mark_sequences WHERE kind = ? AND name = ?", mark.kind.rawValue, mark.name)
        try db.run(
            """
            INSERT INTO undo_marks (kind, name, seq, created, file_stamp) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (kind, name) DO UPDATE SET seq = excluded.seq, created = excluded.created, file_stamp = excluded.file_stamp
            """, mark.kind.rawValue, mark.name, mark.seq, mark.created, mark.fileStamp)
        for (table, seq) in sequences {
            try db.run("INSERT INTO undo_mark_sequences (kind, name, table_name, seq) VALUES (?, ?, ?, ?)", mark.kind.rawValue, mark.name, table, seq)
        }
    }

    public static func mark(_ db: SQLiteConnection, kind: Kind, name: String) throws -> Mark? {
        guard let row = try db.queryFirst("SELECT seq, created, file_stamp FROM undo_marks WHERE kind = ? AND name = ?", kind.rawValue, name),
              let seq = try row.int64("seq") else { return nil }
        return Mark(kind: kind, name: name, seq: seq, created: try row.requiredString("created"), fileStamp: try row.string("file_stamp"))
    }

    public static func marks(_ db: SQLiteConnection, kind: Kind) throws -> [Mark] {
        try db.query("SELECT name, seq, created, file_stamp FROM undo_marks WHERE kind = ? ORDER BY seq, created, name", kind.rawValue).compactMap { row in
            guard let name = try row.string("name"), let seq = try row.int64("seq") else { return nil }
            return Mark(kind: kind, name: name, seq: seq, created: try row.requiredString("created"), fileStamp: try row.string("file_stamp"))
        }
    }

    /// The number of log entries after `mark`: what a rollback to it would undo.
    public static func changes(since mark: Mark, _ db: SQLiteConnection) throws -> Int {
        try db.queryFirst("SELECT count(*) AS n FROM undo_log WHERE seq > ?", mark.seq)?.int("n") ?? 0
    }

    /// Removes a mark, then the log entries no remaining mark needs (all of them, and recording,
    /// when no mark is left). Returns false when there was no such mark.
    @discardableResult
    public static func removeMark(_ db: SQLiteConnection, kind: Kind, name: String) throws -> Bool {
        try db.run("DELETE FROM undo_mark_sequences WHERE kind = ? AND name = ?", kind.rawValue, name)
        guard try db.run("DELETE FROM undo_marks WHERE kind = ? AND name = ?", kind.rawValue, name) > 0 else { return false }
        try prune(db)
        return true
    }

    static func prune(_ db: SQLiteConnection) throws {
        if let oldest = try db.queryFirst("SELECT seq FROM undo_marks ORDER BY seq LIMIT 1")?.int64("seq") {
            try db.run("DELETE FROM undo_log WHERE seq <= ?", oldest)
        } else {
            try db.execute("DELETE FROM undo_log")
            try db.run("UPDATE undo_state SET recording = 0 WHERE id = 1")
        }
    }

    static func dropAllMarks(_ db: SQLiteConnection) throws {
        try db.execute("DELETE FROM undo_mark_sequences")
        try db.execute("DELETE FROM undo_marks")
        try prune(db)
    }

    // MARK: Rolling back

    /// Puts every tracked row back as it was at `mark`, in the caller's write transaction: the log
    /// entries after it are applied newest first with all triggers off (nothing is derived or
    /// logged again; foreign keys are checked at COMMIT), the AUTOINCREMENT counters are set back,
    /// and the marks made after it are dropped (`mark` itself stays). Returns the entries undone.
    @discardableResult
    public static func rollback(_ db: SQLiteConnection, to mark: Mark) throws -> Int {
        try db.run("PRAGMA defer_foreign_keys = ON")
        try db.run("UPDATE undo_state SET rollbacks = rollbacks + 1 WHERE id = 1")
        var columnsByTable: [String: [String]] = [:]
        var undone = 0
        try db.withTriggersDisabled {
            // Stepped, not collected: a long log is not held in memory. Nothing below writes undo_log.
            try db.forEachRow("SELECT * FROM undo_log WHERE seq > ? ORDER BY seq DESC", [mark.seq]) { entry in
                undone += 1
                guard let table = try entry.string("tbl"), let op = try entry.int64("op").flatMap(Operation.init(rawValue:)),
                      let rid = try entry.int64("rid") else { return }
                let columns: [String]
                if let known = columnsByTable[table] { columns = known } else {
                    columns = try self.columns(db, table)
                    columnsByTable[table] = columns
                }
                let quoted = quote(table)
                switch op {
                case .inserted:
                    try db.run("DELETE FROM \(quoted) WHERE rowid = ?", rid)
                case .deleted:
                    var arguments: [any SQLiteBindable] = [rid]
                    for index in columns.indices { arguments.append(entry["v\(index)"]) }
                    let names = columns.map(quote).joined(separator: ", ")
                    let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
                    try db.run("INSERT INTO \(quoted) (rowid, \(names)) VALUES (?, \(marks))", arguments)
                case .updated:
                    var arguments: [any SQLiteBindable] = []
                    for index in columns.indices { arguments.append(entry["v\(index)"]) }
                    arguments.append(rid)
                    let assignments = columns.map { "\(quote($0)) = ?" }.joined(separator: ", ")
                    try db.run("UPDATE \(quoted) SET \(assignments) WHERE rowid = ?", arguments)
                }
            }
        }
        try db.run("DELETE FROM undo_log WHERE seq > ?", mark.seq)
        for later in try db.query("SELECT kind, name FROM undo_marks WHERE seq > ?", mark.seq) {
            try db.run("DELETE FROM undo_mark_sequences WHERE kind = ? AND name = ?", later.requiredString("kind"), later.requiredString("name"))
        }
        try db.run("DELETE FROM undo_marks WHERE seq > ?", mark.seq)
        // The AUTOINCREMENT counters as they were at the mark.
        var wanted: [String: Int64] = [:]
        for row in try db.query("SELECT table_name, seq FROM undo_mark_sequences WHERE kind = ? AND name = ?", mark.kind.rawValue, mark.name) {
            if let table = try row.string("table_name"), let seq = try row.int64("seq") { wanted[table] = seq }
        }
        for (table, _) in try sequences(db) where wanted[table] == nil {
            try db.run("DELETE FROM sqlite_sequence WHERE name = ?", table)
        }
        for (table, seq) in wanted where try db.run("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", seq, table) == 0 {
            try db.run("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", table, seq)
        }
        return undone
    }
}
