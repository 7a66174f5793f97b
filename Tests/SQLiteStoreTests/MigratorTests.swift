import Foundation
import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct MigratorTests {
    static let users = Migration(
        name: "0001_users",
        sql: """
            CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
            INSERT INTO users (email) VALUES ('admin@example.com');
            """)
    static let posts = Migration(
        name: "0002_posts",
        sql: """
            CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT);
            """)
    static let tags = Migration(name: "0003_tags", sql: "CREATE TABLE tags (name TEXT PRIMARY KEY);")

    private func tables(_ pool: DatabasePool) throws -> [String] {
        try pool.read { db in
            try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0.string(0) }
        }
    }

    private func recorded(_ pool: DatabasePool) throws -> [String] {
        try pool.read { db in
            try db.query("SELECT name FROM schema_migrations ORDER BY name").compactMap { $0.string(0) }
        }
    }

    @Test func freshApplyThenRerunIsANoOp() throws {
        try withPool { pool, _ in
            // Given out of order: applied by name.
            let migrator = try Migrator(migrations: [Self.tags, Self.users, Self.posts])
            #expect(try migrator.status(pool).map(\.isApplied) == [false, false, false])

            let applied = try migrator.migrate(pool, now: "2024-05-01T10:00:00Z")
            #expect(applied == ["0001_users", "0002_posts", "0003_tags"])
            #expect(try tables(pool) == ["posts", "schema_migrations", "tags", "users"])
            let rows = try pool.read { db in try db.query("SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name") }
            #expect(try rows.map { try $0.string("checksum") } == [Self.users, Self.posts, Self.tags].map(\.checksum))
            #expect(try rows.allSatisfy { try $0.string("applied_at") == "2024-05-01T10:00:00Z" })

            #expect(try migrator.migrate(pool, now: "later") == [])
            let status = try migrator.status(pool)
            #expect(status.map(\.name) == ["0001_users", "0002_posts", "0003_tags"])
            #expect(status.allSatisfy { $0.appliedAt == "2024-05-01T10:00:00Z" })
            // Foreign keys are back on after migrating.
            try pool.write { db throws in #expect(try db.queryFirst("PRAGMA foreign_keys")?.int(0) == 1) }
        }
    }

    @Test func laterMigrationsApplyIncrementally() throws {
        try withPool { pool, _ in
            try Migrator(migrations: [Self.users]).migrate(pool, now: "t1")
            let applied = try Migrator(migrations: [Self.users, Self.posts, Self.tags]).migrate(pool, now: "t2")
            #expect(applied == ["0002_posts", "0003_tags"])
            let status = try Migrator(migrations: [Self.users, Self.posts, Self.tags]).status(pool)
            #expect(status.map(\.appliedAt) == ["t1", "t2", "t2"])
        }
    }

    @Test func unknownMigrationIsRefusedBeforeApplyingAnything() throws {
        try withPool { pool, _ in
            try Migrator(migrations: [Self.users, Self.posts]).migrate(pool, now: "t1")
            // An older binary: knows 0001 only, plus a new 0003 it would like to apply.
            let older = try Migrator(migrations: [Self.users, Self.tags])
            let error = try #require(throws: MigrationError.self) { try older.migrate(pool, now: "t2") }
            guard case .unknownMigration(let name) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(name == "0002_posts")
            #expect(error.description.contains("newer version"))
            #expect(!(try tables(pool)).contains("tags"))
            #expect(throws: MigrationError.self) { try older.status(pool) }
        }
    }

    @Test func editedMigrationIsRefused() throws {
        try withPool { pool, _ in
            try Migrator(migrations: [Self.users, Self.posts]).migrate(pool, now: "t1")
            var edited = Self.posts
            edited.sql += "\nCREATE INDEX posts_title ON posts(title);"
            #expect(edited.checksum != Self.posts.checksum)
            let migrator = try Migrator(migrations: [Self.users, edited, Self.tags])
            let error = try #require(throws: MigrationError.self) { try migrator.migrate(pool, now: "t2") }
            guard case .checksumMismatch(let name, let applied, let current) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(name == "0002_posts")
            #expect(applied == Self.posts.checksum)
            #expect(current == edited.checksum)
            #expect(error.description.contains("Never edit an applied migration"))
            #expect(!(try tables(pool)).contains("tags"))
        }
    }

    @Test func failingMigrationRollsBack() throws {
        try withPool { pool, _ in
            try Migrator(migrations: [Self.users]).migrate(pool, now: "t1")
            let broken = Migration(
                name: "0002_broken",
                sql: """
                    CREATE TABLE half (x);
                    INSERT INTO users (email) VALUES ('second@example.com');
                    INSERT INTO no_such_table VALUES (1);
                    """)
            let migrator = try Migrator(migrations: [Self.users, broken, Self.tags])
            let error = try #require(throws: MigrationError.self) { try migrator.migrate(pool, now: "t2") }
            guard case .migrationFailed(let name, let underlying) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(name == "0002_broken")
            #expect((underlying as? DatabaseError)?.message.contains("no such table") == true)
            #expect(try recorded(pool) == ["0001_users"])
            #expect(try tables(pool) == ["schema_migrations", "users"])
            #expect(try pool.read { db in try db.queryFirst("SELECT count(*) FROM users")?.int(0) } == 1)
            try pool.write { db throws in #expect(try db.queryFirst("PRAGMA foreign_keys")?.int(0) == 1) }
        }
    }

    @Test func foreignKeyViolationsRollTheMigrationBack() throws {
        try withPool { pool, _ in
            try Migrator(migrations: [Self.users, Self.posts]).migrate(pool, now: "t1")
            let orphan = Migration(name: "0003_orphan", sql: "INSERT INTO posts (user_id, title) VALUES (99, 'orphan');")
            let error = try #require(throws: MigrationError.self) {
                try Migrator(migrations: [Self.users, Self.posts, orphan]).migrate(pool, now: "t2")
            }
            guard case .foreignKeyViolation(let name, let violations) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(name == "0003_orphan")
            #expect(violations.count == 1)
            #expect(violations.first?.contains("posts") == true)
            #expect(try recorded(pool) == ["0001_users", "0002_posts"])
            #expect(try pool.read { db in try db.queryFirst("SELECT count(*) FROM posts")?.int(0) } == 0)
        }
    }

    @Test func tableRebuildWithForeignKeysOff() throws {
        try withPool { pool, _ in
            try Migrator(migrations: [Self.users, Self.posts]).migrate(pool, now: "t1")
            try pool.write { db in try db.run("INSERT INTO posts (user_id, title) VALUES (?, ?)", 1, "hello") }
            // sqlite.org's 12-step ALTER: drop and rebuild a parent table that rows refer to.
            let rebuild = Migration(
                name: "0003_rebuild_users",
                sql: """
                    CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);
                    INSERT INTO users_new (id, email) SELECT id, email FROM users;
                    DROP TABLE users;
                    ALTER TABLE users_new RENAME TO users;
                    """)
            #expect(try Migrator(migrations: [Self.users, Self.posts, rebuild]).migrate(pool, now: "t2") == ["0003_rebuild_users"])
            #expect(try pool.read { db in try db.queryFirst("SELECT count(*) FROM posts")?.int(0) } == 1)
        }
    }

    @Test func duplicateNamesAreRejected() {
        #expect(throws: MigrationError.self) {
            try Migrator(migrations: [Self.users, Migration(name: "0001_users", sql: "SELECT 1;")])
        }
    }

    @Test func checksumIsTheSHA256OfTheScript() throws {
        // Equal to `sha256sum` of a file holding the script.
        #expect(Migration(name: "x", sql: "abc").checksum == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        try withTemporaryDirectory { directory in
            let file = directory + "/0001.sql"
            try Self.users.sql.write(toFile: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sha256sum", file]
            let pipe = Pipe()
            process.standardOutput = pipe
            guard (try? process.run()) != nil else { return }  // no sha256sum: the vectors still cover it
            process.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(output.split(separator: " ").first.map(String.init) == Self.users.checksum)
        }
    }
}
