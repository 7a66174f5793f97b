import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import SQLiteStore

/// `DatabasePool.changeCounter(watching:)`: what caches of rows rely on to know
/// they are current.
@Suite struct ChangeCounterTests {
    private func schema(_ pool: DatabasePool) throws {
        try pool.write { db in
            try db.execute(
                """
                CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
                CREATE TABLE children (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parents(id) ON DELETE CASCADE);
                CREATE TABLE other (id INTEGER PRIMARY KEY, v TEXT);
                """)
        }
    }

    @Test func aCounterCountsOnlyCommitsThatChangedItsTables() throws {
        try withPool { pool, _ in
            try schema(pool)
            let children = pool.changeCounter(watching: ["children"])
            let parents = pool.changeCounter(watching: ["parents"])
            try pool.write { db in try db.run("INSERT INTO other (v) VALUES ('x')") }
            #expect(children.value == 0 && parents.value == 0)

            try pool.write { db in try db.run("INSERT INTO parents (id, name) VALUES (1, 'p')") }
            #expect(parents.value == 1 && children.value == 0)

            try pool.write { db in try db.run("INSERT INTO children (id, parent) VALUES (10, 1)") }
            #expect(children.value == 1 && parents.value == 1)

            try pool.write { db in try db.run("UPDATE parents SET name = 'q' WHERE id = 1") }
            #expect(parents.value == 2 && children.value == 1)

            // A cascade deletes children: their counter counts too.
            try pool.write { db in try db.run("DELETE FROM parents WHERE id = 1") }
            #expect(parents.value == 3 && children.value == 2)
        }
    }

    @Test func aRolledBackChangeDoesNotCountAndTheNextCommitIsNotBlamedForIt() throws {
        try withPool { pool, _ in
            try schema(pool)
            let parents = pool.changeCounter(watching: ["parents"])
            struct Refused: Error {}
            #expect(throws: Refused.self) {
                try pool.write { db in
                    try db.run("INSERT INTO parents (id, name) VALUES (1, 'p')")
                    throw Refused()
                }
            }
            #expect(parents.value == 0)
            try pool.write { db in try db.run("INSERT INTO other (v) VALUES ('x')") }
            #expect(parents.value == 0)
            #expect(try pool.read { db in try db.queryFirst("SELECT count(*) FROM parents")?.int(0) } == 0)
        }
    }

    @Test func aCounterOfEveryCommitCountsTruncationsAndRestoresButNotBookkeeping() throws {
        try withPool { pool, _ in
            try schema(pool)
            let every = pool.changeCounter()
            #expect(every.countsEveryCommit && every.tables.isEmpty)
            try pool.write { db in try db.run("INSERT INTO other (v) VALUES ('x')") }
            #expect(every.value == 1)
            // The truncate optimization (no WHERE, no trigger or foreign key) skips the update hook.
            try pool.write { db in try db.run("DELETE FROM other") }
            #expect(every.value == 2)
            // A transaction that changed nothing writes no WAL frame: nothing to count.
            try pool.write { db in try db.run("UPDATE other SET v = 'y' WHERE id = 42") }
            #expect(every.value == 2)
            // Bookkeeping writes commit without moving it; other async writes move it.
            let done = DispatchSemaphore(value: 0)
            pool.asyncWrite(
                bookkeeping: true, { db in try db.run("INSERT INTO other (v) VALUES ('log')") }, completion: { _ in done.signal() })
            done.wait()
            #expect(every.value == 2)
            #expect(try pool.read { db in try db.queryFirst("SELECT count(*) FROM other")?.int(0) } == 1)
            pool.asyncWrite({ db in try db.run("INSERT INTO other (v) VALUES ('data')") }, completion: { _ in done.signal() })
            done.wait()
            #expect(every.value == 3)
            try pool.writeWithoutTransaction { db in try db.run("PRAGMA user_version = 7") }
            #expect(every.value > 3)  // counted whatever it did (its own commit may count once more)
        }
    }

    @Test func whileACommitIsUnderWayTheCounterOfEveryCommitHasNoSettledValue() throws {
        try withPool { pool, _ in
            try schema(pool)
            let every = pool.changeCounter()
            #expect(every.settledValue == 0)
            // The commit observer runs on the writer right after COMMIT, before the writer's work ends.
            let seen = Mutex<[UInt64?]>([])
            pool.setCommitObserver { _ in seen.withLock { $0.append(every.settledValue) } }
            try pool.write { db in try db.run("INSERT INTO other (v) VALUES ('x')") }
            pool.setCommitObserver(nil)
            #expect(seen.withLock { $0 } == [nil])
            #expect(every.settledValue == 1)
        }
    }

    @Test func aRestoreCountsForEveryCounter() throws {
        try withPool { pool, _ in
            try schema(pool)
            let parents = pool.changeCounter(watching: ["parents"])
            try pool.writeWithoutTransaction { _ in }
            #expect(parents.value == 1)
        }
    }
}
