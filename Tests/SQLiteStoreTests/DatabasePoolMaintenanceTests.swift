import Foundation
import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct DatabasePoolMaintenanceTests {
    private func fill(_ pool: DatabasePool, rows: Int = 100) throws {
        try pool.write { db in
            try db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
            for index in 0..<rows { try db.run("INSERT INTO t (v) VALUES (?)", "row \(index)") }
        }
    }

    @Test func integrityCheckOnAGoodDatabaseIsEmpty() throws {
        try withPool { pool, _ in
            try fill(pool)
            #expect(try pool.integrityCheck(quick: true) == [])
            #expect(try pool.integrityCheck(quick: false) == [])
        }
    }

    @Test func checkpointTruncateEmptiesTheWAL() throws {
        try withPool { pool, _ in
            try fill(pool)
            try pool.checkpoint(truncate: false)
            #expect((fileSize(pool.path + "-wal") ?? 0) > 0)
            try pool.checkpoint(truncate: true)
            #expect((fileSize(pool.path + "-wal") ?? 0) == 0)
            #expect(try pool.read { db in try db.queryFirst("SELECT count(*) FROM t")?.int(0) } == 100)
        }
    }

    @Test func backupProducesAReadableCopy() throws {
        try withPool { pool, directory in
            try fill(pool)
            let copyPath = directory + "/copy.sqlite"
            // Writes keep going while the backup runs.
            let done = DispatchSemaphore(value: 0)
            pool.asyncWrite({ db in try db.run("INSERT INTO t (v) VALUES (?)", "concurrent") }, completion: { _ in done.signal() })
            try pool.backup(to: copyPath, in: .detached)
            done.waitOrFail()

            let copy = try DatabasePool(path: copyPath, configuration: DatabaseConfiguration(readerCount: 1))
            defer { try? copy.close() }
            let count = try copy.read { db in try db.queryFirst("SELECT count(*) FROM t")?.int(0) }
            #expect(count == 100 || count == 101)
            #expect(try copy.integrityCheck(quick: false) == [])

            let error = try #require(throws: DatabaseError.self) { try pool.backup(to: copyPath, in: .detached) }
            #expect(error.message.contains("already exists"))
        }
    }

    @Test func backupToAnUnwritablePathFailsCleanly() throws {
        try withPool { pool, directory in
            try fill(pool, rows: 1)
            #expect(throws: DatabaseError.self) { try pool.backup(to: directory + "/no/such/dir/copy.sqlite", in: .detached) }
            // The reader used by the failed backup is still usable.
            #expect(try pool.integrityCheck(quick: true) == [])
        }
    }
}
