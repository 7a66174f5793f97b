import CSQLite
import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct SQLiteConnectionTests {
    private func makeUsers(_ pool: DatabasePool) throws {
        try pool.write { db in
            try db.execute(
                """
                CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);
                CREATE TABLE audit (line TEXT);
                """)
        }
    }

    /// With SQLite's memory statistics on (its default), every allocation takes one process-wide
    /// mutex that all connections contend for; the pool turns them off before the first open, and
    /// SQLite then reports no memory in use.
    @Test func memoryStatisticsAreOff() throws {
        try withPool { pool, _ in
            try makeUsers(pool)
            try pool.write { db in try db.run("INSERT INTO users (email, name) VALUES (?, ?)", "a@example.com", "A") }
            try pool.read { db throws in #expect(try db.query("SELECT * FROM users").count == 1) }
            #expect(sqlite3_memory_used() == 0)
        }
    }

    /// Each reader and the writer open with their configured page cache (negative cache_size: KiB).
    @Test func connectionsOpenWithTheConfiguredPageCache() throws {
        func cacheSizes(_ pool: DatabasePool) throws -> (reader: Int?, writer: Int?) {
            let reader: Int? = try pool.read { db throws in try db.queryFirst("PRAGMA cache_size")?.int(0) }
            let writer: Int? = try pool.write { db throws in try db.queryFirst("PRAGMA cache_size")?.int(0) }
            return (reader, writer)
        }
        var configuration = DatabaseConfiguration(readerCount: 2)
        configuration.readerCacheKiB = 300
        configuration.writerCacheKiB = 700
        try withPool(configuration) { pool, _ in
            let sizes = try cacheSizes(pool)
            #expect(sizes.reader == -300)
            #expect(sizes.writer == -700)
        }
        try withPool { pool, _ in
            let sizes = try cacheSizes(pool)
            #expect(sizes.reader == -DatabaseConfiguration.defaultReaderCacheKiB)
            #expect(sizes.writer == -DatabaseConfiguration.defaultWriterCacheKiB)
        }
    }

    @Test func bindingNeverInterpolates() throws {
        try withPool { pool, _ in
            try makeUsers(pool)
            let hostile = ["'); DROP TABLE users; --", "x' OR '1'='1", "Robert\"); DELETE FROM users; --", "?", "$1 :a @b"]
            try pool.write { db in
                for (index, text) in hostile.enumerated() {
                    try db.run("INSERT INTO users (email, name) VALUES (?, ?)", "u\(index)@example.com", text)
                }
            }
            try pool.read { db throws in
                #expect(try db.query("SELECT name FROM users ORDER BY id").map { try $0.string("name") } == hostile)
                #expect(try db.query("SELECT id FROM users WHERE name = ?", "x' OR '1'='1").count == 1)
                #expect(try db.queryFirst("SELECT count(*) FROM sqlite_master WHERE name = 'users'")?.int(0) == 1)
            }
        }
    }

    @Test func runReturnsChangesAndLastInsertRowID() throws {
        try withPool { pool, _ in
            try makeUsers(pool)
            try pool.write { db throws in
                #expect(try db.run("INSERT INTO users (email) VALUES (?)", "a@x") == 1)
                #expect(db.lastInsertRowID == 1)
                try db.run("INSERT INTO users (email) VALUES (?)", "b@x")
                #expect(db.lastInsertRowID == 2)
                #expect(try db.run("UPDATE users SET name = ?", "n") == 2)
                #expect(try db.run("DELETE FROM users WHERE email = ?", "nobody") == 0)
            }
        }
    }

    @Test func statementCacheIsReusedAndSurvivesErrors() throws {
        try withPool { pool, _ in
            try makeUsers(pool)
            let insert = "INSERT INTO users (email, name) VALUES (?, ?)"
            try pool.write { db in
                try db.run(insert, "a@x", "A")
                let cached = try #require(db.statements[insert])
                try db.run(insert, "b@x", "B")
                #expect(db.statements[insert] === cached)
                // A failing execution leaves the statement reset and reusable.
                #expect(throws: DatabaseError.self) { try db.run(insert, "a@x", "duplicate") }
                #expect(db.statements[insert] === cached)
                #expect(try db.run(insert, "c@x", "C") == 1)
                // So does a binding error.
                #expect(throws: DatabaseError.self) { try db.run(insert, "only one") }
                try db.run(insert, "d@x", SQLiteValue.null)
                #expect(try db.query("SELECT name FROM users ORDER BY id").map { $0[0] } == [.text("A"), .text("B"), .text("C"), .null])
            }
            // Bindings are cleared after use: nothing leaks into the next execution.
            try pool.read { db throws in
                let select = "SELECT name FROM users WHERE email = ?"
                #expect(try db.queryFirst(select, "b@x")?.string(0) == "B")
                #expect(try db.queryFirst(select, "c@x")?.string(0) == "C")
                #expect(try db.queryFirst(select, "zzz") == nil)
            }
        }
    }

    @Test func nestedUseOfTheSameSQLWhileIterating() throws {
        try withPool { pool, _ in
            try makeUsers(pool)
            try pool.write { db in
                for index in 0..<3 { try db.run("INSERT INTO users (email) VALUES (?)", "\(index)@x") }
            }
            let sql = "SELECT email FROM users WHERE id >= ? ORDER BY id"
            let pairs = try pool.read { db in
                var pairs: [String] = []
                try db.forEachRow(sql, [1]) { outer in
                    let inner = try db.query(sql, 3).map { $0.string(0) ?? "" }
                    pairs.append((outer.string(0) ?? "") + "/" + inner.joined())
                }
                return pairs
            }
            #expect(pairs == ["0@x/2@x", "1@x/2@x", "2@x/2@x"])
        }
    }

    @Test func forEachRowStopsWhenTheBodyThrows() throws {
        try withPool { pool, _ in
            var seen = 0
            #expect(throws: TestFailure.self) {
                try pool.read { db in
                    try db.forEachRow("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x FROM c", []) {
                        _ in
                        seen += 1
                        if seen == 3 { throw TestFailure() }
                    }
                }
            }
            #expect(seen == 3)
        }
    }

    @Test func argumentCountIsChecked() throws {
        try withPool { pool, _ in
            let error = try #require(throws: DatabaseError.self) {
                try pool.read { db in try db.query("SELECT ?, ?", 1) }
            }
            #expect(error.resultCode == 25)  // SQLITE_RANGE
            #expect(error.message.contains("expects 2, got 1"))
        }
    }

    @Test func runRefusesSeveralStatements() throws {
        try withPool { pool, _ in
            let error = try #require(throws: DatabaseError.self) {
                try pool.write { db in try db.run("CREATE TABLE a (x); CREATE TABLE b (x)") }
            }
            #expect(error.message.contains("more than one statement"))
            // Trailing semicolons, whitespace and comments are fine.
            try pool.write { db in try db.run("CREATE TABLE a (x);  -- done\n") }
        }
    }

    @Test func savepointRollsBackOnlyItsOwnChanges() throws {
        try withPool { pool, _ in
            try makeUsers(pool)
            try pool.write { db in
                try db.run("INSERT INTO users (email) VALUES (?)", "kept@x")
                #expect(throws: TestFailure.self) {
                    try db.inSavepoint {
                        try db.run("INSERT INTO users (email) VALUES (?)", "dropped@x")
                        throw TestFailure()
                    }
                }
                let inner = try db.inSavepoint {
                    try db.inSavepoint { try db.run("INSERT INTO users (email) VALUES (?)", "nested@x") }
                }
                #expect(inner == 1)
                #expect(db.isInTransaction)
            }
            let emails = try pool.read { db in try db.query("SELECT email FROM users ORDER BY id").map { $0.string(0) } }
            #expect(emails == ["kept@x", "nested@x"])
        }
    }

    /// Column names are reused per cached statement, and follow a re-prepare after a schema change.
    @Test func columnNamesFollowASchemaChange() throws {
        try withPool { pool, _ in
            try pool.writeWithoutTransaction { try $0.execute("CREATE TABLE t (alpha INTEGER, beta TEXT); INSERT INTO t VALUES (1, 'x')") }
            let first = try pool.write { try $0.queryFirst("SELECT * FROM t") }
            #expect(first?.columnNames == ["alpha", "beta"])
            #expect(try pool.write { try $0.queryFirst("SELECT * FROM t") }?.columnNames == ["alpha", "beta"])  // from the cache
            try pool.writeWithoutTransaction { try $0.execute("ALTER TABLE t RENAME COLUMN alpha TO gamma") }
            let renamed = try pool.write { try $0.queryFirst("SELECT * FROM t") }
            #expect(renamed?.columnNames == ["gamma", "beta"])
            #expect(try renamed?.int("gamma") == 1)
            #expect(throws: SQLiteRowError.self) { try renamed?.int("alpha") }  // the old name is gone: an error since issue 13
        }
    }
}
