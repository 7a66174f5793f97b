import Foundation
import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct ReplaceDatabaseTests {
    func makeSource(_ path: String, rows: Int) throws {
        let pool = try DatabasePool(path: path, configuration: DatabaseConfiguration(readerCount: 1))
        try pool.writeWithoutTransaction {
            try $0.execute(
                "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT NOT NULL);"
            )
        }
        try pool.write { db in
            for index in 0..<rows { try db.run("INSERT INTO items (id, name) VALUES (?, ?)", index, "source \(index)") }
            try db.run("INSERT INTO log (line) VALUES ('from the source')")
        }
        try pool.close()
    }

    @Test func replacesEverythingButTheCarriedTablesAndAFailureChangesNothing() throws {
        try withTemporaryDirectory { directory in
            let pool = try DatabasePool(path: directory + "/main.sqlite")
            defer { try? pool.close() }
            try pool.writeWithoutTransaction {
                try $0.execute(
                    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT NOT NULL);"
                )
            }
            try pool.write { db in
                for index in 0..<5_000 {
                    try db.run("INSERT INTO items (id, name) VALUES (?, ?)", index, String(repeating: "x", count: 200))
                }
                for line in ["one", "two", "three"] { try db.run("INSERT INTO log (line) VALUES (?)", line) }
            }
            // A statement cached on a reader before the swap still works after it.
            #expect(try pool.read { try $0.queryFirst("SELECT count(*) AS n FROM items")?.int("n") } == 5_000)

            try makeSource(directory + "/failing.sqlite", rows: 2)
            #expect(throws: TestFailure.self) {
                try pool.replaceDatabase(with: directory + "/failing.sqlite", carrying: ["log"]) { _ in throw TestFailure() }
            }
            #expect(try pool.read { try $0.queryFirst("SELECT count(*) AS n FROM items")?.int("n") } == 5_000)
            #expect(throws: DatabaseError.self) { try pool.replaceDatabase(with: directory + "/failing.sqlite", carrying: ["missing"]) }
            #expect(try pool.read { try $0.queryFirst("SELECT count(*) AS n FROM items")?.int("n") } == 5_000)

            try makeSource(directory + "/source.sqlite", rows: 2)
            var verified = false
            try pool.replaceDatabase(with: directory + "/source.sqlite", carrying: ["log"]) { db in
                verified = try db.queryFirst("SELECT count(*) AS n FROM source.items")?.int("n") == 2
            }
            #expect(verified)
            #expect(
                try pool.read { try $0.query("SELECT name FROM items ORDER BY id").compactMap { try $0.string("name") } } == [
                    "source 0", "source 1"
                ])
            // The carried table kept its rows and its AUTOINCREMENT counter.
            #expect(
                try pool.read { try $0.query("SELECT line FROM log ORDER BY id").compactMap { try $0.string("line") } } == [
                    "one", "two", "three"
                ])
            try pool.write { try $0.run("INSERT INTO log (line) VALUES ('four')") }
            #expect(try pool.read { try $0.queryFirst("SELECT id FROM log WHERE line = 'four'")?.int("id") } == 4)
            #expect(try pool.integrityCheck(quick: false).isEmpty)
            // Once checkpointed, the file is the source's size, not the old one's.
            try pool.checkpoint(truncate: true)
            #expect((fileSize(directory + "/main.sqlite") ?? .max) < 64 * 1024)
        }
    }
}
