import CSQLite
import Glibc

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
    /// The `errno` of the operating-system call behind an I/O error (`sqlite3_system_errno`), 0 when none
    /// (e.g. `ENOSPC` behind an `SQLITE_IOERR_SHMSIZE` when the `-shm` file cannot grow).
    public var systemErrno: Int32 = 0
    /// The file being written when it failed, when it is not the database itself (a backup's copy).
    public var filePath: String?

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
        if code & 0xFF == SQLITE_IOERR || code & 0xFF == SQLITE_FULL || code & 0xFF == SQLITE_CANTOPEN, let connection {
            systemErrno = sqlite3_system_errno(connection)
        }
    }

    /// SQLITE_BUSY (including BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT): the database was locked
    /// for longer than the busy timeout. Usually worth retrying later (HTTP: 503 + Retry-After).
    public var isBusy: Bool { resultCode == SQLITE_BUSY }

    /// The filesystem holding the database (its `-wal`, `-shm` or journal, or a backup being
    /// written) has no room left: SQLITE_FULL, or an I/O error whose system call failed with
    /// `ENOSPC` or `EDQUOT`. The write did not commit; it may succeed once space is freed
    /// (HTTP: 507 Insufficient Storage + Retry-After).
    public var isDiskFull: Bool {
        resultCode == SQLITE_FULL
            || ((resultCode == SQLITE_IOERR || resultCode == SQLITE_CANTOPEN) && (systemErrno == ENOSPC || systemErrno == EDQUOT))
    }

    /// SQLITE_CONSTRAINT: UNIQUE, NOT NULL, CHECK, FOREIGN KEY, PRIMARY KEY…
    public var isConstraintViolation: Bool { resultCode == SQLITE_CONSTRAINT }

    /// `SQLite error 19 (2067): UNIQUE constraint failed: users.email — while executing `INSERT …``
    public var description: String {
        var text = "SQLite error \(resultCode) (\(extendedResultCode)): \(message)"
        if systemErrno != 0 { text += " (errno \(systemErrno): \(String(cString: strerror(systemErrno))))" }
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
