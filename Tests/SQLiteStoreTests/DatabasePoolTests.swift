import Dispatch
import Foundation
import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct DatabasePoolTests {
    private func count(_ pool: DatabasePool, _ table: String = "t") throws -> Int? {
        try pool.read { db in try db.queryFirst("SELECT count(*) FROM \(table)")?.int(0) }
    }

    private func makeTable(_ pool: DatabasePool) throws {
        try pool.write { db in try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)") }
    }

    // MARK: Setup

    @Test func connectionsAreInWALModeWithForeignKeys() throws {
        try withPool(DatabaseConfiguration(readerCount: 2, synchronous: .full)) { pool, directory in
            try pool.write { db throws in
                #expect(try db.queryFirst("PRAGMA journal_mode")?.string(0) == "wal")
                #expect(try db.queryFirst("PRAGMA foreign_keys")?.int(0) == 1)
                #expect(try db.queryFirst("PRAGMA synchronous")?.int(0) == 2)  // FULL
                #expect(try db.queryFirst("PRAGMA query_only")?.int(0) == 0)
            }
            try pool.read { db throws in
                #expect(try db.queryFirst("PRAGMA journal_mode")?.string(0) == "wal")
                #expect(try db.queryFirst("PRAGMA foreign_keys")?.int(0) == 1)
                #expect(try db.queryFirst("PRAGMA query_only")?.int(0) == 1)
            }
            #expect(FileManager.default.fileExists(atPath: pool.path + "-wal"))
            #expect(pool.path == directory + "/test.sqlite")
        }
    }

    @Test func openFailureIsReported() throws {
        try withTemporaryDirectory { directory in
            let error = try #require(throws: DatabaseError.self) {
                try DatabasePool(path: directory + "/missing/dir/test.sqlite")
            }
            #expect(error.resultCode == 14)  // SQLITE_CANTOPEN
            #expect(error.message.contains("missing/dir"))
        }
    }

    @Test func aDatabaseThatCannotUseWALIsRefused() throws {
        let error = try #require(throws: DatabaseError.self) { try DatabasePool(path: ":memory:") }
        #expect(error.message.contains("could not enable WAL"))
        #expect(error.message.contains("'memory'"))
    }

    @Test func foreignKeysAreEnforced() throws {
        try withPool { pool, _ in
            try pool.write { db in
                try db.execute(
                    """
                    CREATE TABLE parent (id INTEGER PRIMARY KEY);
                    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));
                    INSERT INTO parent (id) VALUES (1);
                    """)
                try db.run("INSERT INTO child (parent_id) VALUES (?)", 1)
            }
            let error = try #require(throws: DatabaseError.self) {
                try pool.write { db in try db.run("INSERT INTO child (parent_id) VALUES (?)", 2) }
            }
            #expect(error.isConstraintViolation)
            #expect(error.extendedResultCode == 787)  // SQLITE_CONSTRAINT_FOREIGNKEY
            #expect(try count(pool, "child") == 1)
        }
    }

    @Test func readersAreReadOnly() throws {
        try withPool { pool, _ in
            try makeTable(pool)
            let error = try #require(throws: DatabaseError.self) {
                try pool.read { db in try db.run("INSERT INTO t (v) VALUES (?)", "x") }
            }
            #expect(error.resultCode == 8)  // SQLITE_READONLY
        }
    }

    // MARK: Transactions

    @Test func writeRollsBackAndRethrowsTheOriginalError() throws {
        try withPool { pool, _ in
            try makeTable(pool)
            try pool.write { db in try db.run("INSERT INTO t (v) VALUES (?)", "before") }
            #expect(throws: TestFailure(id: 42)) {
                try pool.write { db in
                    try db.run("INSERT INTO t (v) VALUES (?)", "inside")
                    try db.run("UPDATE t SET v = ? WHERE v = ?", "changed", "before")
                    throw TestFailure(id: 42)
                }
            }
            // A database error thrown by the body is the one the caller sees, too.
            let error = try #require(throws: DatabaseError.self) {
                try pool.write { db in
                    try db.run("INSERT INTO t (v) VALUES (?)", "inside")
                    try db.run("INSERT INTO t (v) VALUES (?)", "inside")
                }
            }
            #expect(error.extendedResultCode == 2067)
            let values = try pool.read { db in try db.query("SELECT v FROM t").map { $0.string(0) } }
            #expect(values == ["before"])
            // The writer is usable afterwards: no transaction was left open.
            try pool.write { db in try db.run("INSERT INTO t (v) VALUES (?)", "after") }
            #expect(try count(pool) == 2)
        }
    }

    @Test func writeTakesTheWriteLockAtBegin() throws {
        try withPool { pool, directory in
            try makeTable(pool)
            // A second pool on the same file, that gives up at once when the file is locked.
            let other = try DatabasePool(
                path: pool.path, configuration: DatabaseConfiguration(readerCount: 1, busyTimeout: 0))
            defer { try? other.close() }
            try pool.write { db in
                #expect(db.isInTransaction)
                // Nothing written yet, but BEGIN IMMEDIATE already holds the write lock.
                let error = try #require(throws: DatabaseError.self) { try other.write { _ in } }
                #expect(error.isBusy)
                #expect(error.sql == "BEGIN IMMEDIATE TRANSACTION")
            }
            try other.write { db in try db.run("INSERT INTO t (v) VALUES (?)", "now free") }
            try pool.writeWithoutTransaction { db in #expect(!db.isInTransaction) }
        }
    }

    // MARK: Concurrency

    @Test func readsRunDuringALongWriteAndSeeTheOldSnapshot() throws {
        try withPool { pool, _ in
            try makeTable(pool)
            let inserted = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let committed = DispatchSemaphore(value: 0)
            pool.asyncWrite(
                { db in
                    try db.run("INSERT INTO t (v) VALUES (?)", "new")
                    inserted.signal()
                    _ = release.wait(timeout: .now() + 10)
                    return 1
                }, completion: { _ in committed.signal() })
            inserted.waitOrFail()
            // The writer's transaction is open: readers are not blocked and see the committed state.
            #expect(try count(pool) == 0)
            release.signal()
            committed.waitOrFail()
            #expect(try count(pool) == 1)
        }
    }

    @Test func aReadIsAConsistentSnapshot() throws {
        try withPool { pool, _ in
            try makeTable(pool)
            let (first, second) = try pool.read { db in
                let first = try db.queryFirst("SELECT count(*) FROM t")?.int(0)
                let done = DispatchSemaphore(value: 0)
                pool.asyncWrite({ db in try db.run("INSERT INTO t (v) VALUES (?)", "x") }, completion: { _ in done.signal() })
                done.waitOrFail()
                let second = try db.queryFirst("SELECT count(*) FROM t")?.int(0)
                return (first, second)
            }
            #expect(first == 0)
            #expect(second == 0)
            #expect(try count(pool) == 1)
        }
    }

    @Test func readersRunInParallel() throws {
        try withPool(DatabaseConfiguration(readerCount: 2)) { pool, _ in
            let bothInside = DispatchGroup()
            bothInside.enter()
            bothInside.enter()
            let finished = DispatchSemaphore(value: 0)
            let results = LockedArray<Bool>()
            for _ in 0..<2 {
                DispatchQueue.global().async {
                    let sawOther =
                        (try? pool.read { db -> Bool in
                            _ = try db.queryFirst("SELECT 1")
                            bothInside.leave()
                            return bothInside.wait(timeout: .now() + 10) == .success
                        }) ?? false
                    results.append(sawOther)
                    finished.signal()
                }
            }
            finished.waitOrFail()
            finished.waitOrFail()
            #expect(results.values == [true, true])
        }
    }

    @Test func asyncWritesCompleteInSubmissionOrder() throws {
        try withPool { pool, _ in
            try makeTable(pool)
            let order = LockedArray<Int>()
            let done = DispatchSemaphore(value: 0)
            let total = 20
            for index in 0..<total {
                pool.asyncWrite(
                    { db -> Int64 in
                        if index == 7 {
                            try db.run("INSERT INTO t (v) VALUES (?)", "dropped")
                            throw TestFailure(id: index)
                        }
                        try db.run("INSERT INTO t (v) VALUES (?)", String(index))
                        return db.lastInsertRowID
                    },
                    completion: { result in
                        switch result {
                        case .success: order.append(index)
                        case .failure(let error): order.append(-((error as? TestFailure)?.id ?? 1000))
                        }
                        done.signal()
                    })
            }
            for _ in 0..<total { done.waitOrFail() }
            #expect(order.values == (0..<total).map { $0 == 7 ? -7 : $0 })
            let stored = try pool.read { db in try db.query("SELECT v FROM t ORDER BY id").map { $0.string(0) ?? "" } }
            #expect(stored == (0..<total).filter { $0 != 7 }.map(String.init))
        }
    }

    // MARK: Closing

    @Test func closeCheckpointsAndIsIdempotent() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/test.sqlite"
            let pool = try DatabasePool(path: path)
            try makeTable(pool)
            try pool.write { db in
                for index in 0..<200 { try db.run("INSERT INTO t (v) VALUES (?)", String(repeating: "x", count: 100) + "\(index)") }
            }
            #expect((fileSize(path + "-wal") ?? 0) > 0)
            try pool.close()
            #expect((fileSize(path + "-wal") ?? 0) == 0)
            try pool.close()  // idempotent

            let readError = try #require(throws: DatabaseError.self) { try pool.read { _ in } }
            #expect(readError.resultCode == 21)  // SQLITE_MISUSE
            #expect(readError.message.contains("closed"))
            #expect(throws: DatabaseError.self) { try pool.write { _ in } }
            let done = DispatchSemaphore(value: 0)
            let failed = LockedArray<Bool>()
            pool.asyncWrite(
                { _ in 1 },
                completion: { result in
                    if case .failure = result { failed.append(true) }
                    done.signal()
                })
            done.waitOrFail()
            #expect(failed.values == [true])

            let reopened = try DatabasePool(path: path)
            defer { try? reopened.close() }
            #expect(try count(reopened) == 200)
        }
    }

    @Test func closeWaitsForInFlightWrites() throws {
        try withTemporaryDirectory { directory in
            let pool = try DatabasePool(path: directory + "/test.sqlite")
            try makeTable(pool)
            let results = LockedArray<Bool>()
            for index in 0..<10 {
                pool.asyncWrite(
                    { db in
                        usleep(2000)
                        return try db.run("INSERT INTO t (v) VALUES (?)", index)
                    }, completion: { result in results.append((try? result.get()) == 1) })
            }
            try pool.close()
            #expect(results.values == Array(repeating: true, count: 10))
        }
    }

    // MARK: Misuse

    @Test func writeInsideWriteTraps() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [directory = directory as String] in
            let pool = try DatabasePool(path: directory + "/test.sqlite")
            try pool.write { _ in try pool.write { _ in } }
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("DatabasePool.write was called from inside a write body"))
    }

    @Test func readInsideWriteTraps() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [directory = directory as String] in
            let pool = try DatabasePool(path: directory + "/test.sqlite")
            try pool.write { _ in try pool.read { _ in } }
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("DatabasePool.read was called from inside a write body"))
    }

    @Test func readInsideReadTraps() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [directory = directory as String] in
            let pool = try DatabasePool(path: directory + "/test.sqlite")
            try pool.read { _ in try pool.read { _ in } }
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("DatabasePool.read was called from inside a read body"))
    }

    @Test func writeInsideReadIsAllowed() throws {
        try withPool { pool, _ in
            try makeTable(pool)
            let changes = try pool.read { _ in try pool.write { db in try db.run("INSERT INTO t (v) VALUES (?)", "x") } }
            #expect(changes == 1)
            #expect(try count(pool) == 1)
        }
    }
}
