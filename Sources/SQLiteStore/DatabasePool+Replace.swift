import CSQLite
import Foundation

extension DatabasePool {
    /// Replaces the whole database with the SQLite file at `sourcePath` (same schema and page size),
    /// page by page with the online backup API on the writer connection: the cost is the size of
    /// the source, whatever the size of the current database. Readers see the old state or the new
    /// one, never a mix (the copy commits as one WAL transaction), and writes wait on the writer
    /// queue meanwhile instead of failing.
    ///
    /// Tables in `carrying` keep their current rows: they are first copied into the source file
    /// (which this modifies; pass a scratch copy), with their AUTOINCREMENT counters. `verify` runs
    /// first, inside that transaction, with the source attached as schema `source`. Any failure
    /// leaves the current database untouched. A bound `TransactionParticipant` does not join (the
    /// copy is not a transaction of this connection): run a `write` afterwards for it.
    public func replaceDatabase(
        with sourcePath: String, carrying: [String] = [],
        verify: (SQLiteConnection) throws -> Void = { _ in }
    ) throws {
        guard FileManager.default.fileExists(atPath: sourcePath) else {
            throw DatabaseError(resultCode: SQLITE_CANTOPEN, message: "\(sourcePath) does not exist")
        }
        try writeWithoutTransaction { db in
            try db.run("ATTACH DATABASE ? AS source", sourcePath)
            do {
                // The source is a scratch copy: carrying rows into it needs no fsync.
                try db.execute("PRAGMA source.synchronous = OFF")
                try db.inTransaction(.immediate) {
                    try verify(db)
                    let hasSequences =
                        try db.queryFirst("SELECT 1 FROM source.sqlite_master WHERE name = 'sqlite_sequence'") != nil
                        && db.queryFirst("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'") != nil
                    for table in carrying {
                        guard try db.queryFirst("SELECT 1 FROM source.sqlite_master WHERE type = 'table' AND name = ?", table) != nil else {
                            throw DatabaseError(
                                resultCode: SQLITE_SCHEMA, message: "\(sourcePath) has no table \(table); it was made with another schema")
                        }
                        let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                        try db.execute("DELETE FROM source.\(quoted)")
                        try db.execute("INSERT INTO source.\(quoted) SELECT * FROM main.\(quoted)")
                        if hasSequences {
                            try db.run("DELETE FROM source.sqlite_sequence WHERE name = ?", table)
                            try db.run("INSERT INTO source.sqlite_sequence SELECT * FROM main.sqlite_sequence WHERE name = ?", table)
                        }
                    }
                }
            } catch {
                _ = try? db.run("DETACH DATABASE source")
                throw error
            }
            try db.run("DETACH DATABASE source")
            try Self.copyPages(from: sourcePath, into: db)
            // Every cached statement was prepared against the old schema; SQLite would re-prepare
            // them one by one, this drops them at once.
            db.clearStatementCache()
        }
    }

    /// `sqlite3_backup` of the file at `sourcePath` into the writer's main database, in one step.
    private static func copyPages(from sourcePath: String, into writer: SQLiteConnection) throws {
        var source: OpaquePointer?
        SQLiteLibrary.configure()
        let openCode = sqlite3_open_v2(sourcePath, &source, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        defer { sqlite3_close(source) }
        guard openCode == SQLITE_OK, let source else {
            var error = DatabaseError(code: openCode, connection: source, sql: nil)
            error.message = "cannot open \(sourcePath): \(error.message)"
            throw error
        }
        let destination = writer.checkedHandle()
        guard let backup = sqlite3_backup_init(destination, "main", source, "main") else {
            throw DatabaseError(code: sqlite3_extended_errcode(destination), connection: destination, sql: nil)
        }
        let stepCode = sqlite3_backup_step(backup, -1)
        let finishCode = sqlite3_backup_finish(backup)
        let code = stepCode == SQLITE_DONE ? finishCode : stepCode
        guard code == SQLITE_OK else {
            var error = DatabaseError(code: code, connection: destination, sql: nil)
            error.message = "copying \(sourcePath) into the database failed: \(error.message)"
            throw error
        }
    }
}
