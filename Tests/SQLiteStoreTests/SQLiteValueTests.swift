import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct SQLiteValueTests {
    @Test func everyValueRoundTrips() throws {
        let longBlob = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let values: [SQLiteValue] = [
            .null,
            .integer(0), .integer(-1), .integer(Int64.min), .integer(Int64.max),
            .real(3.25), .real(-1e308), .real(Double.leastNonzeroMagnitude), .real(.infinity),
            .text(""), .text("plain"), .text("héllo wörld 🌍 日本語 עברית"), .text("nul\u{0}inside"),
            .text("'); DROP TABLE t; --"),
            .blob([]), .blob([0, 1, 2, 255]), .blob(longBlob)
        ]
        try withPool { pool, _ in
            // No declared type: no affinity, so each value keeps its storage class.
            try pool.write { db in
                try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
                for value in values { try db.run("INSERT INTO t (v) VALUES (?)", value) }
            }
            let stored = try pool.read { db in try db.query("SELECT v FROM t ORDER BY id").map { $0[0] } }
            #expect(stored == values)
        }
    }

    @Test func bindableConformances() throws {
        let substring = "xsubx".dropFirst().dropLast()
        let none: String? = nil
        let some: Int? = 5
        let bytes: [UInt8] = [9, 8]
        let arguments: [any SQLiteBindable] = [
            "text", substring, 42, Int64(-7), Int32(123), 1.5, true, false, bytes, none, some, SQLiteValue.integer(3)
        ]
        let expected: [SQLiteValue] = [
            .text("text"), .text("sub"), .integer(42), .integer(-7), .integer(123), .real(1.5),
            .integer(1), .integer(0), .blob([9, 8]), .null, .integer(5), .integer(3)
        ]
        #expect(arguments.map(\.sqliteValue) == expected)
        try withPool { pool, _ in
            let placeholders = Array(repeating: "?", count: arguments.count).joined(separator: ", ")
            let row = try pool.read { db in try db.queryFirst("SELECT \(placeholders)", arguments) }
            #expect(row?.values == expected)
        }
    }

    @Test func rowAccessors() throws {
        try withPool { pool, _ in
            let row = try #require(
                try pool.read { db in
                    try db.queryFirst(
                        "SELECT ? AS name, ? AS count, ? AS ratio, ? AS flag, ? AS data, NULL AS empty, 2.0 AS whole",
                        "ann", 7, 0.5, true, [UInt8]([1, 2]))
                })
            #expect(row.columnNames == ["name", "count", "ratio", "flag", "data", "empty", "whole"])
            #expect(try row.string("name") == "ann")
            #expect(try row.string("NAME") == "ann")
            #expect(try row.int("count") == 7)
            #expect(try row.int64("count") == 7)
            #expect(try row.double("count") == 7)
            #expect(try row.double("ratio") == 0.5)
            #expect(try row.int("ratio") == nil)
            #expect(try row.int("whole") == 2)
            #expect(try row.bool("flag") == true)
            #expect(try row.blob("data") == [1, 2])
            #expect(try row.string("count") == nil)
            #expect(row["empty"] == .null)
            #expect(try row.string("empty") == nil)
            #expect(row["missing"] == .null)
            // Issue 13: a column the query did not select is an error, no longer a silent nil.
            #expect(throws: SQLiteRowError(.missingColumn, column: "missing", columns: row.columnNames)) { try row.int("missing") }
            #expect(throws: SQLiteRowError(.missingColumn, column: "missing", columns: row.columnNames)) {
                try row.requiredString("missing")
            }
            #expect(throws: SQLiteRowError(.null, column: "empty", columns: row.columnNames)) { try row.requiredString("empty") }
            #expect(throws: SQLiteRowError(.wrongType, column: "count", columns: row.columnNames)) { try row.requiredString("count") }
            #expect(try row.requiredString("name") == "ann")
            #expect(try row.requiredInt("count") == 7)
            #expect(try row.requiredBool("flag"))
            #expect(row.string(0) == "ann")
            #expect(row.int(1) == 7)
            #expect(row.double(2) == 0.5)
            #expect(row.bool(3) == true)
            #expect(row.blob(4) == [1, 2])
            #expect(row.int64(1) == 7)
            #expect(row[99] == .null)
        }
    }
}
