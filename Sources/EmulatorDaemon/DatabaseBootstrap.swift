import AkanaDomain
import EmulatorMachinery
import Foundation
import SQLiteStore

/// Opens the database the way every command needs it: connection pool, an integrity check when the
/// last run did not close it cleanly, and the migrations, with errors that tell the operator what
/// to do.
///
/// What is checked when: a graceful close (`close(_:)`, run by the daemon on SIGTERM/SIGINT and by
/// every command) leaves `PRAGMA user_version` at `cleanShutdownMarker`; opening reads it (the file
/// header: constant time) and sets it back to 0 while the database is in use. Only when the marker
/// is missing (a crash, SIGKILL, power loss, a file from elsewhere) is `PRAGMA quick_check` run
/// (time proportional to the file's size): by the commands before they go on (they refuse a
/// damaged file), by the daemon in the background while it serves (`openForServing`; the outcome
/// goes to the log and `GET /_emulator/health`). `akana-emulator check` runs the full
/// `PRAGMA integrity_check` at any time.
public enum DatabaseBootstrap {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `PRAGMA user_version` of a database closed cleanly ("AkCl"); 0 while open.
    public static let cleanShutdownMarker: Int32 = 0x416B_436C

    /// Opens `configuration.database`, refuses a damaged one, and applies pending migrations
    /// (before any listener binds). Returns the pool and the migrations applied now.
    public static func open(_ configuration: EmulatorConfiguration, now: Date) throws -> (DatabasePool, [String]) {
        let (pool, applied, _) = try open(configuration, now: now, checkNow: true)
        return (pool, applied)
    }

    /// Like `open`, for the daemon: a quick check owed after an unclean stop is not run here
    /// (startup takes the same time on a database of any size); `needsCheck` says to run it in the
    /// background (`IntegrityStatus.checkInBackground`).
    public static func openForServing(_ configuration: EmulatorConfiguration, now: Date) throws -> (
        pool: DatabasePool, applied: [String], needsCheck: Bool
    ) {
        try open(configuration, now: now, checkNow: false)
    }

    private static func open(_ configuration: EmulatorConfiguration, now: Date, checkNow: Bool) throws -> (DatabasePool, [String], Bool) {
        let path = configuration.database
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration.databaseConfiguration())
        } catch {
            throw Failure(
                description: "cannot open database \(path): \(error). Is it an SQLite file? Point --database at a new path to start fresh.")
        }
        do {
            let marker = try pool.read(in: .startup) { db in try SchemaRepository.userVersion(db) }
            let isNew = try pool.read(in: .startup) { db in try SchemaRepository.isEmpty(db) }
            let needsCheck = marker != Int64(cleanShutdownMarker) && !isNew
            if needsCheck, checkNow {
                let problems: [String]
                do { problems = try pool.integrityCheck(quick: true) } catch { problems = ["\(error)"] }
                guard problems.isEmpty else {
                    try? pool.close()
                    throw Failure(
                        description:
                            "database \(path) is damaged (PRAGMA quick_check: \(problems.prefix(5).joined(separator: "; "))). It was not closed cleanly last time. \(IntegrityStatus.advice)"
                    )
                }
            }
            try pool.writeWithoutTransaction { db in try SchemaRepository.setUserVersion(db, 0) }
            let applied = try AkanaSchema.migrator().migrate(pool, now: Timestamp.iso8601(now))
            try UndoLog.install(pool, schemaChanged: !applied.isEmpty)
            try SnapshotStore(database: pool).forgetMissingSnapshots(scope: .startup)
            return (pool, applied, needsCheck && !checkNow)
        } catch let failure as Failure {
            throw failure
        } catch {
            try? pool.close()
            throw Failure(description: "cannot migrate database \(path): \(error)")
        }
    }

    /// Opens a copy of a database this binary built and closed cleanly a moment ago (an instance's
    /// copy of the instance template): no integrity check, migrations or trigger check — the copy is
    /// byte for byte what this binary migrated — only a look that its newest migration is this
    /// binary's newest.
    public static func openCopy(_ configuration: EmulatorConfiguration) throws -> DatabasePool {
        let pool = try DatabasePool(path: configuration.database, configuration: configuration.databaseConfiguration())
        do {
            let latest = try pool.read(in: .startup) { db in try AkanaSchema.latestApplied(db) }
            guard latest == AkanaSchema.latestVersion else {
                throw Failure(
                    description: "\(configuration.database) is at migration \(latest ?? "none"), not \(AkanaSchema.latestVersion)")
            }
            return pool
        } catch {
            try? pool.close()
            throw error
        }
    }

    /// Sets the clean-shutdown marker and closes the pool (checkpointing the WAL into the file).
    public static func close(_ pool: DatabasePool) throws {
        do {
            try pool.writeWithoutTransaction { db in try SchemaRepository.setUserVersion(db, cleanShutdownMarker) }
        } catch {
            try? pool.close()
            throw error
        }
        try pool.close()
    }
}
