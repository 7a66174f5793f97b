import CSQLite

/// An error reported by SQLite (or by this layer, with an SQLite result code).
///
/// Carries the primary and extended result codes, SQLite's message and the SQL being executed.
/// Bound values are deliberately never recorded: they may be secrets (passwords, tokens).
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The primary result code (`extendedResultCode & 0xFF`), e.g. 19 = SQLITE_CONSTRAINT.
    public var resultCode: Int32
    /// The extended result code, e.g. 2067 = SQLITE_CONSTRAINT_UNIQUE.
    public var extendedResultCode: Int32
    /// SQLite's error message (`sqlite3_errmsg`) or this layer's explanation.
    public var message: String
    /// The SQL that failed, when there is one.
    public var sql: String?

    public init(resultCode: Int32, extendedResultCode: Int32? = nil, message: String, sql: String? = nil) {
        self.resultCode = resultCode & 0xFF
        self.extendedResultCode = extendedResultCode ?? resultCode
        self.message = message
        self.sql = sql
    }

    /// Builds an error from an (extended) result code, reading the message from the connection.
    init(code: Int32, connection: OpaquePointer?, sql: String?) {
        let message: String
        if let connection, let text = sqlite3_errmsg(connection) {
            message = String(cString: text)
        } else {
            message = String(cString: sqlite3_errstr(code))
        }
        self.init(resultCode: code & 0xFF, extendedResultCode: code, message: message, sql: sql)
    }

    /// SQLITE_BUSY (including BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT): the database was locked
    /// for longer than the busy timeout. Usually worth retrying later (HTTP: 503 + Retry-After).
    public var isBusy: Bool { resultCode == SQLITE_BUSY }

    /// SQLITE_CONSTRAINT: UNIQUE, NOT NULL, CHECK, FOREIGN KEY, PRIMARY KEY…
    public var isConstraintViolation: Bool { resultCode == SQLITE_CONSTRAINT }

    /// `SQLite error 19 (2067): UNIQUE constraint failed: users.email — while executing `INSERT …``
    public var description: String {
        var text = "SQLite error \(resultCode) (\(extendedResultCode)): \(message)"
        if let sql { text += " — while executing `\(sql)`" }
        return text
    }

    /// The pool (or connection) was used after `close()`.
    static func closed(_ path: String) -> DatabaseError {
        DatabaseError(resultCode: SQLITE_MISUSE, message: "the database pool for \(path) is closed; it cannot be used after close()")
    }
}

extension DatabaseError {
    /// The work's `TransactionDeadline` expired: its statement was interrupted or its commit
    /// refused, and its transaction rolled back.
    public static let deadlineExceeded = DatabaseError(
        resultCode: SQLITE_INTERRUPT, message: "the work's deadline passed; its transaction was rolled back")

    /// SQLITE_INTERRUPT: a statement was interrupted (by a deadline) and its transaction rolled back.
    public var isInterrupted: Bool { resultCode == SQLITE_INTERRUPT }
}
