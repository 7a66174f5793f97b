import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct ReplaceContentsTests {
    @Test func replacesEveryTableAtomically() throws {
        try withTemporaryDirectory { directory in
            let pool = try DatabasePool(path: directory + "/main.sqlite")
            defer { try? pool.close() }
            try pool.writeWithoutTransaction {
                try $0.execute(
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE);"
                )
            }
            try pool.write { db in
                try db.run("INSERT INTO parent (id) VALUES (1)")
                try db.run("INSERT INTO child (id, parent) VALUES (10, 1)")
            }
            try pool.backup(to: directory + "/copy.sqlite", in: .detached)
            try pool.write { db in
                try db.run("DELETE FROM parent")
                try db.run("INSERT INTO parent (id) VALUES (2)")
            }
            try pool.replaceContents(from: directory + "/copy.sqlite", in: .detached)
            let rows = try pool.read { db in
                (
                    try db.query("SELECT id FROM parent").compactMap { try $0.int("id") },
                    try db.query("SELECT id FROM child").compactMap { try $0.int("id") }
                )
            }
            #expect(rows.0 == [1])
            #expect(rows.1 == [10])
            // A failing verification leaves everything as it was.
            try pool.write { try $0.run("INSERT INTO parent (id) VALUES (3)") }
            #expect(throws: TestFailure.self) {
                try pool.replaceContents(from: directory + "/copy.sqlite", in: .detached) { _ in throw TestFailure() }
            }
            #expect(try pool.read { try $0.query("SELECT id FROM parent ORDER BY id").compactMap { try $0.int("id") } } == [1, 3])
        }
    }

    @Test func keptTablesAndTheirCountersStayAsTheyAre() throws {
        try withTemporaryDirectory { directory in
            let pool = try DatabasePool(path: directory + "/main.sqlite")
            defer { try? pool.close() }
            try pool.writeWithoutTransaction {
                try $0.execute(
                    """
                    CREATE TABLE state (id INTEGER PRIMARY KEY AUTOINCREMENT, value TEXT);
                    CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT);
                    """)
            }
            try pool.write { db in
                try db.run("INSERT INTO state (value) VALUES ('snapshotted')")
                try db.run("INSERT INTO log (line) VALUES ('before the snapshot')")
            }
            try pool.backup(to: directory + "/copy.sqlite", in: .detached)
            try pool.write { db in
                try db.run("INSERT INTO state (value) VALUES ('later')")
                try db.run("INSERT INTO log (line) VALUES ('after the snapshot')")
            }
            try pool.replaceContents(from: directory + "/copy.sqlite", keeping: ["log"], in: .detached)
            try pool.write { db in
                try db.run("INSERT INTO state (value) VALUES ('after the restore')")
                try db.run("INSERT INTO log (line) VALUES ('after the restore')")
            }
            let (state, log) = try pool.read { db in
                (
                    try db.query("SELECT id, value FROM state ORDER BY id").map {
                        "\(try $0.int("id") ?? 0) \(try $0.string("value") ?? "")"
                    },
                    try db.query("SELECT id, line FROM log ORDER BY id").map { "\(try $0.int("id") ?? 0) \(try $0.string("line") ?? "")" }
                )
            }
            // The replaced table's counter came back with it (id 2 is handed out again); the kept one's did not.
            #expect(state == ["1 snapshotted", "2 after the restore"])
            #expect(log == ["1 before the snapshot", "2 after the snapshot", "3 after the restore"])
        }
    }
}
