import AkanaDomain
import Foundation
import SQLiteStore

/// Opens the database the way every command needs it: connection pool, an integrity check when the
/// last run did not close it cleanly, and the migrations, with errors that tell the operator what
/// to do.
///
/// What is checked when: a graceful close (`close(_:)`, run by the daemon on SIGTERM/SIGINT and by
/// every command) leaves `PRAGMA user_version` at `cleanShutdownMarker`; opening reads it (the file
/// header: constant time) and sets it back to 0 while the database is in use. Only when the marker
/// is missing (a crash, SIGKILL, power loss, a file from elsewhere) does opening run
/// `PRAGMA quick_check` (time proportional to the file's size) and refuse a damaged file.
/// `akana-emulator check` runs the full `PRAGMA integrity_check` at any time.
public enum DatabaseBootstrap {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `PRAGMA user_version` of a database closed cleanly ("AkCl"); 0 while open.
    public static let cleanShutdownMarker: Int32 = 0x416B_436C

    /// Opens `configuration.database`, refuses a damaged one, and applies pending migrations
    /// (before any listener binds). Returns the pool and the migrations applied now.
    public static func open(_ configuration: EmulatorConfiguration, now: Date) throws -> (DatabasePool, [String]) {
        let path = configuration.database
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration.databaseConfiguration())
        } catch {
            throw Failure(description: "cannot open database \(path): \(error). Is it an SQLite file? Point --database at a new path to start fresh.")
        }
        do {
            let marker = try pool.read { db in try db.queryFirst("PRAGMA user_version")?.int64(0) ?? 0 }
            let isNew = try pool.read { db in try db.queryFirst("SELECT 1 FROM sqlite_master LIMIT 1") == nil }
            if marker != Int64(cleanShutdownMarker), !isNew {
                let problems: [String]
                do { problems = try pool.integrityCheck(quick: true) } catch { problems = ["\(error)"] }
                guard problems.isEmpty else {
                    try? pool.close()
                    throw Failure(description: "database \(path) is damaged (PRAGMA quick_check: \(problems.prefix(5).joined(separator: "; "))). It was not closed cleanly last time. Restore a snapshot or backup, or move the file away to start fresh; `akana-emulator check` runs the full PRAGMA integrity_check.")
                }
            }
            try pool.writeWithoutTransaction { db in try db.execute("PRAGMA user_version = 0") }
            let applied = try AkanaSchema.migrator().migrate(pool, now: Timestamp.iso8601(now))
            try UndoLog.install(pool, schemaChanged: !applied.isEmpty)
            try SnapshotStore(database: pool).forgetMissingSnapshots()
            return (pool, applied)
        } catch let failure as Failure {
            throw failure
        } catch {
            try? pool.close()
            throw Failure(description: "cannot migrate database \(path): \(error)")
        }
    }

    /// Sets the clean-shutdown marker and closes the pool (checkpointing the WAL into the file).
    public static func close(_ pool: DatabasePool) throws {
        do {
            try pool.writeWithoutTransaction { db in try db.execute("PRAGMA user_version = \(cleanShutdownMarker)") }
        } catch {
            try? pool.close()
            throw error
        }
        try pool.close()
    }
}
