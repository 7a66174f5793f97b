import Foundation
import SQLiteStore

/// SQL for the undo log (`undo_log`, `undo_state`, `undo_marks`, `undo_mark_sequences`, the
/// `undo_*` triggers) and for the generic row writes and `sqlite_sequence` updates a rollback
/// applies (`UndoLog` keeps the policy: what is tracked, when marks go, what a rollback undoes).
enum UndoLogRepository {
    // MARK: Schema

    /// Every table of the database but SQLite's own, by name.
    static func tableNames(_ db: SQLiteConnection) throws -> [String] {
        try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
            .compactMap { try $0.string("name") }
    }

    /// The columns of `table`, in order (none when there is no such table).
    static func columns(_ db: SQLiteConnection, _ table: String) throws -> [String] {
        try db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", table).compactMap { try $0.string("name") }
    }

    static func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Creates `undo_log` with `width` value columns `v0`….
    static func createLog(_ db: SQLiteConnection, width: Int) throws {
        let values = (0..<width).map { ", v\($0)" }.joined()
        try db.execute(
            "CREATE TABLE undo_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, op INTEGER NOT NULL, rid INTEGER NOT NULL\(values))"
        )
    }

    /// Adds the value column `v<index>` to `undo_log`.
    static func addLogColumn(_ db: SQLiteConnection, index: Int) throws {
        try db.execute("ALTER TABLE undo_log ADD COLUMN v\(index)")
    }

    /// The `undo_*` triggers there are: name → the text `sqlite_master` keeps.
    static func installedTriggers(_ db: SQLiteConnection) throws -> [String: String] {
        var existing: [String: String] = [:]
        for row in try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'undo\\_%' ESCAPE '\\'") {
            existing[try row.requiredString("name")] = try row.string("sql") ?? ""
        }
        return existing
    }

    static func dropTrigger(_ db: SQLiteConnection, _ name: String) throws {
        try db.execute("DROP TRIGGER \(quote(name))")
    }

    /// Runs a `CREATE TRIGGER` statement made by `triggers(table:columns:)`.
    static func createTrigger(_ db: SQLiteConnection, _ sql: String) throws {
        try db.execute(sql)
    }

    /// The three triggers of `table`, named `undo_<table>_<event>`, as `sqlite_master` keeps their text.
    static func triggers(table: String, columns: [String]) -> [(String, String)] {
        let literal = "'" + table.replacingOccurrences(of: "'", with: "''") + "'"
        let slots = columns.indices.map { ", v\($0)" }.joined()
        let old = columns.map { ", OLD.\(quote($0))" }.joined()
        let when = "WHEN (SELECT recording FROM undo_state WHERE id = 1)"
        func trigger(_ event: String, _ op: UndoLog.Operation, _ rid: String, _ values: String, _ slots: String) -> (String, String) {
            let name = "undo_\(table)_\(event.lowercased())"
            return (
                name,
                "CREATE TRIGGER \(quote(name)) AFTER \(event) ON \(quote(table)) \(when) BEGIN "
                    + "INSERT INTO undo_log (tbl, op, rid\(slots)) VALUES (\(literal), \(op.rawValue), \(rid)\(values)); END"
            )
        }
        return [
            trigger("INSERT", .inserted, "NEW.rowid", "", ""),
            trigger("DELETE", .deleted, "OLD.rowid", old, slots),
            trigger("UPDATE", .updated, "NEW.rowid", old, slots)
        ]
    }

    // MARK: State and counters

    /// The newest log position (0 when nothing was ever logged).
    static func position(_ db: SQLiteConnection) throws -> Int64 {
        try db.queryFirst("SELECT seq FROM sqlite_sequence WHERE name = 'undo_log'")?.int64("seq") ?? 0
    }

    static func rollbackCount(_ db: SQLiteConnection) throws -> Int64 {
        try db.queryFirst("SELECT rollbacks FROM undo_state WHERE id = 1")?.int64("rollbacks") ?? 0
    }

    /// The AUTOINCREMENT counters (`sqlite_sequence`) of the tables not in `excluded`.
    static func sequences(_ db: SQLiteConnection, excluding excluded: Set<String>) throws -> [(String, Int64)] {
        try db.query("SELECT name, seq FROM sqlite_sequence").compactMap { row -> (String, Int64)? in
            guard let name = try row.string("name"), !excluded.contains(name), let seq = try row.int64("seq") else { return nil }
            return (name, seq)
        }
    }

    static func startRecording(_ db: SQLiteConnection) throws {
        try db.run("UPDATE undo_state SET recording = 1 WHERE id = 1")
    }

    static func stopRecording(_ db: SQLiteConnection) throws {
        try db.run("UPDATE undo_state SET recording = 0 WHERE id = 1")
    }

    static func countRollback(_ db: SQLiteConnection) throws {
        try db.run("UPDATE undo_state SET rollbacks = rollbacks + 1 WHERE id = 1")
    }

    /// Foreign keys checked at COMMIT for the rest of the transaction.
    static func deferForeignKeys(_ db: SQLiteConnection) throws {
        try db.run("PRAGMA defer_foreign_keys = ON")
    }

    // MARK: Marks

    /// Stores `mark` (replacing one of the same kind and name) with the counters it puts back.
    static func storeMark(_ db: SQLiteConnection, _ mark: UndoLog.Mark, sequences: [(String, Int64)]) throws {
        try deleteMarkSequences(db, kind: mark.kind, name: mark.name)
        try db.run(
            """
            INSERT INTO undo_marks (kind, name, seq, created, file_stamp) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (kind, name) DO UPDATE SET seq = excluded.seq, created = excluded.created, file_stamp = excluded.file_stamp
            """, mark.kind.rawValue, mark.name, mark.seq, mark.created, mark.fileStamp)
        for (table, seq) in sequences {
            try db.run(
                "INSERT INTO undo_mark_sequences (kind, name, table_name, seq) VALUES (?, ?, ?, ?)", mark.kind.rawValue, mark.name, table,
                seq)
        }
    }

    static func mark(_ db: SQLiteConnection, kind: UndoLog.Kind, name: String) throws -> UndoLog.Mark? {
        guard
            let row = try db.queryFirst("SELECT seq, created, file_stamp FROM undo_marks WHERE kind = ? AND name = ?", kind.rawValue, name),
            let seq = try row.int64("seq")
        else { return nil }
        return UndoLog.Mark(
            kind: kind, name: name, seq: seq, created: try row.requiredString("created"), fileStamp: try row.string("file_stamp"))
    }

    static func marks(_ db: SQLiteConnection, kind: UndoLog.Kind) throws -> [UndoLog.Mark] {
        try db.query("SELECT name, seq, created, file_stamp FROM undo_marks WHERE kind = ? ORDER BY seq, created, name", kind.rawValue)
            .compactMap { row in
                guard let name = try row.string("name"), let seq = try row.int64("seq") else { return nil }
                return UndoLog.Mark(
                    kind: kind, name: name, seq: seq, created: try row.requiredString("created"), fileStamp: try row.string("file_stamp"))
            }
    }

    /// The position of the oldest mark.
    static func oldestMarkSeq(_ db: SQLiteConnection) throws -> Int64? {
        try db.queryFirst("SELECT seq FROM undo_marks ORDER BY seq LIMIT 1")?.int64("seq")
    }

    static func deleteMarkSequences(_ db: SQLiteConnection, kind: UndoLog.Kind, name: String) throws {
        try deleteMarkSequences(db, kind: kind.rawValue, name: name)
    }

    private static func deleteMarkSequences(_ db: SQLiteConnection, kind: String, name: String) throws {
        try db.run("DELETE FROM undo_mark_sequences WHERE kind = ? AND name = ?", kind, name)
    }

    /// Returns the rows deleted (0: there was no such mark).
    static func deleteMark(_ db: SQLiteConnection, kind: UndoLog.Kind, name: String) throws -> Int {
        try db.run("DELETE FROM undo_marks WHERE kind = ? AND name = ?", kind.rawValue, name)
    }

    static func deleteAllMarks(_ db: SQLiteConnection) throws {
        try db.execute("DELETE FROM undo_mark_sequences")
        try db.execute("DELETE FROM undo_marks")
    }

    /// Drops the marks after position `seq`, with their counters.
    static func deleteMarks(_ db: SQLiteConnection, after seq: Int64) throws {
        for later in try db.query("SELECT kind, name FROM undo_marks WHERE seq > ?", seq) {
            try deleteMarkSequences(db, kind: later.requiredString("kind"), name: later.requiredString("name"))
        }
        try db.run("DELETE FROM undo_marks WHERE seq > ?", seq)
    }

    /// The AUTOINCREMENT counters stored with `mark`: table → seq.
    static func markSequences(_ db: SQLiteConnection, _ mark: UndoLog.Mark) throws -> [String: Int64] {
        var wanted: [String: Int64] = [:]
        for row in try db.query(
            "SELECT table_name, seq FROM undo_mark_sequences WHERE kind = ? AND name = ?", mark.kind.rawValue, mark.name)
        {
            if let table = try row.string("table_name"), let seq = try row.int64("seq") { wanted[table] = seq }
        }
        return wanted
    }

    // MARK: Log entries

    /// The number of log entries after position `seq`.
    static func entryCount(_ db: SQLiteConnection, after seq: Int64) throws -> Int {
        try db.queryFirst("SELECT count(*) AS n FROM undo_log WHERE seq > ?", seq)?.int("n") ?? 0
    }

    /// Steps through the log entries after position `seq`, newest first (not collected).
    static func forEachEntry(_ db: SQLiteConnection, after seq: Int64, _ body: (SQLiteRow) throws -> Void) throws {
        try db.forEachRow("SELECT * FROM undo_log WHERE seq > ? ORDER BY seq DESC", [seq], body)
    }

    /// The entries after position `seq`, oldest first (a diff reads each row's first change).
    static func forEachEntryInOrder(_ db: SQLiteConnection, after seq: Int64, _ body: (SQLiteRow) throws -> Void) throws {
        try db.forEachRow("SELECT * FROM undo_log WHERE seq > ? ORDER BY seq", [seq], body)
    }

    /// The row of `table` with this rowid as it is now (every column), if there is one.
    static func row(_ db: SQLiteConnection, table: String, rowID: Int64) throws -> SQLiteRow? {
        try db.queryFirst("SELECT * FROM \(quote(table)) WHERE rowid = ?", rowID)
    }

    /// Returns the entries deleted.
    static func deleteEntries(_ db: SQLiteConnection, after seq: Int64) throws -> Int {
        try db.run("DELETE FROM undo_log WHERE seq > ?", seq)
    }

    /// Deletes the oldest entries at or before position `seq`, at most `limit` of them (a range of
    /// the rowid). Returns how many went.
    static func deleteOldestEntries(_ db: SQLiteConnection, upTo seq: Int64, limit: Int) throws -> Int {
        try db.run("DELETE FROM undo_log WHERE seq IN (SELECT seq FROM undo_log WHERE seq <= ? ORDER BY seq LIMIT ?)", seq, limit)
    }

    // MARK: Counting entries

    /// What `undo_state` says: recording or not, the rows `undo_log` held at the last count, and
    /// the newest seq that count took in.
    static func counts(_ db: SQLiteConnection) throws -> (recording: Bool, entries: Int64, countedThrough: Int64) {
        guard let row = try db.queryFirst("SELECT recording, entries, counted_through FROM undo_state WHERE id = 1") else {
            return (false, 0, 0)
        }
        return ((try row.int64("recording") ?? 0) != 0, try row.int64("entries") ?? 0, try row.int64("counted_through") ?? 0)
    }

    /// The entries after position `seq` (a range of the rowid: what was logged since the last
    /// count), and the newest of them.
    static func entriesAfter(_ db: SQLiteConnection, _ seq: Int64) throws -> (count: Int64, newest: Int64?) {
        guard let row = try db.queryFirst("SELECT count(*) AS n, max(seq) AS newest FROM undo_log WHERE seq > ?", seq) else {
            return (0, nil)
        }
        return (try row.int64("n") ?? 0, try row.int64("newest"))
    }

    /// Every entry, counted (startup only: the cost is the log's length).
    static func countAllEntries(_ db: SQLiteConnection) throws -> (count: Int64, newest: Int64?) {
        guard let row = try db.queryFirst("SELECT count(*) AS n, max(seq) AS newest FROM undo_log") else { return (0, nil) }
        return (try row.int64("n") ?? 0, try row.int64("newest"))
    }

    static func setCounts(_ db: SQLiteConnection, entries: Int64, countedThrough: Int64) throws {
        try db.run("UPDATE undo_state SET entries = ?, counted_through = ? WHERE id = 1", max(0, entries), countedThrough)
    }

    // MARK: Released marks

    /// The mark at the oldest position.
    static func oldestMark(_ db: SQLiteConnection) throws -> UndoLog.Mark? {
        guard let row = try db.queryFirst("SELECT kind, name, seq, created, file_stamp FROM undo_marks ORDER BY seq LIMIT 1"),
            let kind = try row.string("kind").flatMap(UndoLog.Kind.init(rawValue:)), let seq = try row.int64("seq")
        else { return nil }
        return UndoLog.Mark(
            kind: kind, name: try row.requiredString("name"), seq: seq, created: try row.requiredString("created"),
            fileStamp: try row.string("file_stamp"))
    }

    /// Remembers that `kind`/`name` was released (replacing an older record of it), keeping the
    /// newest `keep` records.
    static func recordRelease(_ db: SQLiteConnection, kind: UndoLog.Kind, name: String, released: String, maxEntries: Int, keep: Int) throws
    {
        try db.run("DELETE FROM undo_released_marks WHERE kind = ? AND name = ?", kind.rawValue, name)
        try db.run(
            "INSERT INTO undo_released_marks (kind, name, released, max_entries) VALUES (?, ?, ?, ?)",
            kind.rawValue, name, released, maxEntries)
        try db.run("DELETE FROM undo_released_marks WHERE id <= (SELECT max(id) FROM undo_released_marks) - ?", keep)
    }

    static func release(_ db: SQLiteConnection, kind: UndoLog.Kind, name: String) throws -> UndoLog.Release? {
        guard
            let row = try db.queryFirst(
                "SELECT released, max_entries FROM undo_released_marks WHERE kind = ? AND name = ?", kind.rawValue, name)
        else { return nil }
        return UndoLog.Release(
            kind: kind, name: name, released: try row.requiredString("released"), maxEntries: try row.int("max_entries") ?? 0)
    }

    /// Returns whether there was such a record.
    static func forgetRelease(_ db: SQLiteConnection, kind: UndoLog.Kind, name: String) throws -> Bool {
        try db.run("DELETE FROM undo_released_marks WHERE kind = ? AND name = ?", kind.rawValue, name) > 0
    }

    /// Empties the log and its bookkeeping (in a snapshot's copy: it holds the state, not the log).
    static func clearEverything(_ db: SQLiteConnection) throws {
        try db.execute("DELETE FROM undo_log")
        try db.execute("DELETE FROM undo_mark_sequences")
        try db.execute("DELETE FROM undo_marks")
        try db.execute("DELETE FROM undo_released_marks")
        try db.run("UPDATE undo_state SET recording = 0, entries = 0, counted_through = ? WHERE id = 1", try position(db))
    }

    // MARK: Undoing rows

    static func deleteRow(_ db: SQLiteConnection, table: String, rowID: Int64) throws {
        try db.run("DELETE FROM \(quote(table)) WHERE rowid = ?", rowID)
    }

    /// Inserts the row `rowID` of `table` with `values` for `columns`.
    static func insertRow(_ db: SQLiteConnection, table: String, rowID: Int64, columns: [String], values: [any SQLiteBindable]) throws {
        var arguments: [any SQLiteBindable] = [rowID]
        arguments.append(contentsOf: values)
        let names = columns.map(quote).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.run("INSERT INTO \(quote(table)) (rowid, \(names)) VALUES (?, \(marks))", arguments)
    }

    /// Sets `columns` of the row `rowID` of `table` to `values`.
    static func updateRow(_ db: SQLiteConnection, table: String, rowID: Int64, columns: [String], values: [any SQLiteBindable]) throws {
        var arguments = values
        arguments.append(rowID)
        let assignments = columns.map { "\(quote($0)) = ?" }.joined(separator: ", ")
        try db.run("UPDATE \(quote(table)) SET \(assignments) WHERE rowid = ?", arguments)
    }

    // MARK: sqlite_sequence

    static func deleteSequence(_ db: SQLiteConnection, table: String) throws {
        try db.run("DELETE FROM sqlite_sequence WHERE name = ?", table)
    }

    /// Sets the counter of `table` to `seq`, creating it when it is missing.
    static func setSequence(_ db: SQLiteConnection, table: String, seq: Int64) throws {
        if try db.run("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", seq, table) == 0 {
            try db.run("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", table, seq)
        }
    }
}
