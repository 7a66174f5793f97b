import AkanaDomain
import Foundation
import SQLiteStore

/// Opens the database the way every command needs it: connection pool, a quick integrity check,
/// and the migrations, with errors that tell the operator what to do.
public enum DatabaseBootstrap {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

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
            let problems = try pool.integrityCheck(quick: true)
            guard problems.isEmpty else {
                try? pool.close()
                throw Failure(description: "database \(path) is damaged (PRAGMA quick_check: \(problems.prefix(5).joined(separator: "; "))). Restore a snapshot or backup, or move the file away to start fresh.")
            }
            let applied = try AkanaSchema.migrator().migrate(pool, now: Timestamp.iso8601(now))
            return (pool, applied)
        } catch let failure as Failure {
            throw failure
        } catch {
            try? pool.close()
            throw Failure(description: "cannot migrate database \(path): \(error)")
        }
    }
}
