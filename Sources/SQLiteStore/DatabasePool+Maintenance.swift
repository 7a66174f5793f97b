import CSQLite
import Foundation

extension DatabasePool {
    /// Copies WAL frames back into the database file: PASSIVE (never waits; does what it can
    /// without disturbing readers and writers) or TRUNCATE (waits up to the busy timeout for
    /// readers, then empties the `-wal` file; throws SQLITE_BUSY if it could not finish).
    public func checkpoint(truncate: Bool) throws {
        try writeWithoutTransaction { writer in
            try Self.checkpoint(writer, mode: truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE)
        }
    }

    /// `PRAGMA quick_check` (quick) or `PRAGMA integrity_check`, on a reader. Returns the
    /// problems found, or `[]` when SQLite answers "ok". Never run for a request (startup, the
    /// background check after an unclean shutdown, the `check` command).
    public func integrityCheck(quick: Bool) throws -> [String] {
        let lines = try read(in: .background) { db in
            try db.query(quick ? "PRAGMA quick_check" : "PRAGMA integrity_check").map { $0.string(0) ?? "\($0[0])" }
        }
        return lines == ["ok"] ? [] : lines
    }

    /// Writes a consistent copy of the database to `path` (which must not exist) with the online
    /// backup API, reading from a reader connection: writers and other readers go on meanwhile,
    /// and the copy is the snapshot the backup's read transaction saw. A partial file is removed
    /// when the backup fails.
    public func backup(to destinationPath: String, in scope: TransactionScope) throws {
        try backup(to: destinationPath, in: scope) { _ in }
    }

    /// `backup(to:)`, with `reading` run first in the backup's own read transaction: what it reads
    /// describes exactly the state the copy holds (e.g. a position in a log kept in the database).
    @discardableResult
    public func backup<T>(to destinationPath: String, in scope: TransactionScope, reading: (SQLiteConnection) throws -> T) throws -> T {
        guard !FileManager.default.fileExists(atPath: destinationPath) else {
            throw DatabaseError(
                resultCode: SQLITE_CANTOPEN,
                message: "backup destination \(destinationPath) already exists; choose a new path")
        }
        return try read(in: scope) { source in
            let result = try reading(source)
            var destination: OpaquePointer?
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
            SQLiteLibrary.configure()
            let openCode = sqlite3_open_v2(destinationPath, &destination, flags, nil)
            var failure: DatabaseError?
            if openCode != SQLITE_OK || destination == nil {
                var error = DatabaseError(code: openCode, connection: destination, sql: nil)
                error.message = "cannot create the backup at \(destinationPath): \(error.message)"
                failure = error
            } else if let backup = sqlite3_backup_init(destination, "main", source.checkedHandle(), "main") {
                let stepCode = sqlite3_backup_step(backup, -1)  // every page, in one read transaction
                let finishCode = sqlite3_backup_finish(backup)
                let code = stepCode == SQLITE_DONE ? finishCode : stepCode
                if code != SQLITE_OK {
                    var error = DatabaseError(code: code, connection: destination, sql: nil)
                    error.message = "writing the backup at \(destinationPath) failed: \(error.message)"
                    error.filePath = destinationPath
                    failure = error
                }
            } else {
                failure = DatabaseError(code: sqlite3_extended_errcode(destination), connection: destination, sql: nil)
            }
            let closeCode = sqlite3_close(destination)
            if failure == nil, closeCode != SQLITE_OK {
                failure = DatabaseError(resultCode: closeCode, message: "closing the backup at \(destinationPath) failed")
            }
            if let failure {
                storage.noteFailure(failure)
                for suffix in ["", "-journal", "-wal", "-shm"] {
                    try? FileManager.default.removeItem(atPath: destinationPath + suffix)
                }
                throw failure
            }
            return result
        }
    }
}

extension DatabasePool {
    /// Replaces the rows of every table with those of the database file at `sourcePath` (same
    /// schema), in one IMMEDIATE transaction on the writer: readers see the old state or the new
    /// one, never a mix, and any failure leaves the current state untouched. `verify` runs first,
    /// inside the transaction, with the source attached as schema `source` (e.g. to compare schema
    /// versions). Foreign keys are checked at commit. Table names come from the schema itself, never
    /// from callers. The scope's participant (e.g. the request's journal entry) joins the transaction. Tables named in `keeping` keep their current rows (e.g. a log of what happened,
    /// which a restore should not rewind); they must not be referenced by foreign keys of replaced tables.
    public func replaceContents(
        from sourcePath: String, keeping: Set<String> = [], in scope: TransactionScope,
        verify: (SQLiteConnection) throws -> Void = { _ in }
    ) throws {
        guard FileManager.default.fileExists(atPath: sourcePath) else {
            throw DatabaseError(resultCode: SQLITE_CANTOPEN, message: "\(sourcePath) does not exist")
        }
        try writeWithoutTransaction { db in
            try db.run("ATTACH DATABASE ? AS source", sourcePath)
            defer { _ = try? db.run("DETACH DATABASE source") }
            // The scope's participant (the request's journal entry) joins, so it commits with the new
            // state; the before-commit hook does not run (it would write over restored state).
            try db.transaction(in: scope, beforeCommit: nil) { db in
                try db.run("PRAGMA defer_foreign_keys = ON")
                try verify(db)
                let tables = try db.query(
                    "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
                .compactMap { try $0.string("name") }
                .filter { !keeping.contains($0) }
                let sourceTables = Set(
                    try db.query("SELECT name FROM source.sqlite_master WHERE type = 'table'").compactMap { try $0.string("name") })
                if let missing = tables.first(where: { !sourceTables.contains($0) }) {
                    throw DatabaseError(
                        resultCode: SQLITE_SCHEMA, message: "\(sourcePath) has no table \(missing); it was made with another schema")
                }
                // Empty everything first, then copy: a cascading delete must never remove rows already copied.
                let all = tables.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
                for quoted in all { try db.execute("DELETE FROM main.\(quoted)") }
                // `WHERE true` keeps SQLite off its transfer optimisation, which skips deferred foreign-key
                // bookkeeping (a child copied before its parent would then fail at COMMIT).
                for quoted in all { try db.execute("INSERT INTO main.\(quoted) SELECT * FROM source.\(quoted) WHERE true") }
                // AUTOINCREMENT counters follow their tables: replaced ones from the source, kept ones as they are.
                if sourceTables.contains("sqlite_sequence"),
                    try db.queryFirst("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'") != nil
                {
                    for table in tables {
                        try db.run("DELETE FROM main.sqlite_sequence WHERE name = ?", table)
                        try db.run("INSERT INTO main.sqlite_sequence SELECT * FROM source.sqlite_sequence WHERE name = ?", table)
                    }
                }
            }
        }
    }
}

extension DatabasePool {
    /// Rewrites another database file (e.g. a copy made by `backup(to:)`), not this pool's: opens
    /// it on one connection of its own (small page cache, no readers, no checkpointer thread),
    /// runs `body` in an IMMEDIATE transaction, then rebuilds the file without its free pages
    /// (`VACUUM`: it shrinks to what its rows take) and closes it. Cost: the size of the data.
    public static func rewrite(fileAt path: String, _ body: (SQLiteConnection) throws -> Void) throws {
        var configuration = DatabaseConfiguration()
        configuration.synchronous = .off  // a scratch file: renamed into place only once closed
        configuration.writerCacheKiB = 256
        let connection = try SQLiteConnection.open(path: path, role: .writer, configuration: configuration)
        do {
            try connection.inTransaction(.immediate) { try body(connection) }
            try connection.execute("VACUUM")
            try connection.close()
        } catch {
            try? connection.close()
            throw error
        }
    }
}
