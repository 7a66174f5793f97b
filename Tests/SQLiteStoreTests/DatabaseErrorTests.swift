import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct DatabaseErrorTests {
    @Test func uniqueViolationCarriesCodesMessageAndSQL() throws {
        try withPool { pool, _ in
            try pool.write { db in try db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE)") }
            let sql = "INSERT INTO users (email) VALUES (?)"
            try pool.write { db in try db.run(sql, "secret@example.com") }
            let error = try #require(throws: DatabaseError.self) {
                try pool.write { db in try db.run(sql, "secret@example.com") }
            }
            #expect(error.resultCode == 19)
            #expect(error.extendedResultCode == 2067)
            #expect(error.message == "UNIQUE constraint failed: users.email")
            #expect(error.sql == sql)
            #expect(error.isConstraintViolation)
            #expect(!error.isBusy)
            #expect(
                error.description
                    == "SQLite error 19 (2067): UNIQUE constraint failed: users.email — while executing `\(sql)`")
            #expect(!error.description.contains("secret"))
        }
    }

    @Test func syntaxErrorReportsTheSQL() throws {
        try withPool { pool, _ in
            let error = try #require(throws: DatabaseError.self) {
                try pool.read { db in try db.query("SELEC 1") }
            }
            #expect(error.resultCode == 1)
            #expect(error.message.contains("syntax error"))
            #expect(error.sql == "SELEC 1")
            let scriptError = try #require(throws: DatabaseError.self) {
                try pool.write { db in try db.execute("CREATE TABLE ok (x); CREATE TABL nope (x)") }
            }
            #expect(scriptError.resultCode == 1)
            #expect(scriptError.message.contains("syntax error"))
        }
    }

    @Test func descriptionWithoutSQL() {
        let error = DatabaseError(resultCode: 5, extendedResultCode: 517, message: "database is locked")
        #expect(error.isBusy)
        #expect(error.description == "SQLite error 5 (517): database is locked")
    }
}
