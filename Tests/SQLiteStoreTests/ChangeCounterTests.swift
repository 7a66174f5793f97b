import Foundation
import Testing

@testable import SQLiteStore

/// `DatabasePool.changeCounter(watching:)`: what caches of rows rely on to know
/// they are current.
@Suite struct ChangeCounterTests {
    private func schema(_ pool: DatabasePool) throws {
        try pool.write { db in
            try db.execute("""
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

    @Test func aRestoreCountsForEveryCounter() throws {
        try withPool { pool, _ in
            try schema(pool)
            let parents = pool.changeCounter(watching: ["parents"])
            try pool.writeWithoutTransaction { _ in }
            #expect(parents.value == 1)
        }
    }
}
