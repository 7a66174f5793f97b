import CSQLite
import Foundation

/// A prepared statement, finalized when the last reference goes away (RAII).
///
/// Owned by one `SQLiteConnection` (its cache, or a one-off use) and never outlives it: the
/// connection drops every statement before `sqlite3_close`. Not thread-safe, like its connection.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    /// The connection's `sqlite3*`, for error messages.
    private let connection: OpaquePointer
    /// Set while a caller is binding/stepping it, so a nested use of the same SQL gets a fresh
    /// statement instead of resetting one that is still being iterated.
    var isInUse = false

    /// Prepares exactly one statement. Trailing whitespace, comments and semicolons are allowed;
    /// a second statement is an error (use `SQLiteConnection.execute` for scripts).
    init(connection: OpaquePointer, sql: String, persistent: Bool) throws {
        self.connection = connection
        self.sql = sql
        var statement: OpaquePointer?
        var trailing = ""
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(connection, text, -1, flags, &statement, &tail)
            if code == SQLITE_OK, let tail { trailing = String(cString: tail) }
            return code
        }
        guard code == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw DatabaseError(code: code, connection: connection, sql: sql)
        }
        guard let statement else {
            throw DatabaseError(resultCode: SQLITE_MISUSE, message: "the SQL contains no statement", sql: sql)
        }
        // Checked before `handle` is set: once every property is initialized, a throw would run
        // `deinit` and finalize the statement a second time.
        if Self.containsStatement(trailing, connection: connection) {
            sqlite3_finalize(statement)
            throw DatabaseError(
                resultCode: SQLITE_MISUSE,
                message: "the SQL contains more than one statement; use execute(_:) for multi-statement scripts",
                sql: sql)
        }
        handle = statement
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Whether `text` (the tail after the first statement) holds another statement.
    private static func containsStatement(_ text: String, connection: OpaquePointer) -> Bool {
        if text.allSatisfy({ $0.isWhitespace || $0 == ";" }) { return false }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, text, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        return code != SQLITE_OK || statement != nil
    }

    // MARK: Binding

    /// Binds `arguments` to the placeholders, 1-based. The count must match exactly.
    func bind(_ arguments: [any SQLiteBindable]) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw DatabaseError(
                resultCode: SQLITE_RANGE,
                message: "wrong number of arguments: the statement expects \(expected), got \(arguments.count)",
                sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            let code = argument.bindSQLite(to: handle, at: Int32(offset + 1))
            guard code == SQLITE_OK else { throw DatabaseError(code: code, connection: connection, sql: sql) }
        }
    }

    /// `sqlite3_reset` + `sqlite3_clear_bindings`: ready for the next use, bound values released.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Stepping

    /// `sqlite3_step`: `true` for a row, `false` when done; throws on any other result.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw DatabaseError(code: code, connection: connection, sql: sql)
        }
    }

    /// The names last read. A re-prepare (after a schema change) may change them, so they are
    /// compared with SQLite's, byte for byte, before being reused.
    private var cachedColumnNames: [String] = []

    /// The result column names (read after the first step, as a re-prepare may change them).
    /// Reused while unchanged: building a String per column for every row of a cached statement
    /// was a measurable share of a read.
    func columnNames() -> [String] {
        let count = Int(sqlite3_column_count(handle))
        if cachedColumnNames.count == count,
            cachedColumnNames.indices.allSatisfy({ index in
                guard let name = sqlite3_column_name(handle, Int32(index)) else { return false }
                return cachedColumnNames[index].utf8.withContiguousStorageIfAvailable { cached in
                    strlen(name) == cached.count && (cached.isEmpty || memcmp(name, cached.baseAddress!, cached.count) == 0)
                } ?? false
            })
        {
            return cachedColumnNames
        }
        cachedColumnNames = (0..<count).map { index in
            sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
        }
        return cachedColumnNames
    }

    /// The current row's values, decoded by `sqlite3_column_type`.
    func rowValues() -> [SQLiteValue] {
        (0..<sqlite3_column_count(handle)).map(value(at:))
    }

    private func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, index) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let bytes = sqlite3_column_blob(handle, index) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(handle, index))
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }
}
