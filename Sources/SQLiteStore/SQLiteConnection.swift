import CSQLite
import Dispatch

/// One SQLite connection (`sqlite3*`) with its prepared-statement cache.
///
/// Not `Sendable`: a connection is opened with `SQLITE_OPEN_NOMUTEX` and is confined to whoever
/// owns it — the writer connection to the pool's serial writer queue, a reader connection to the
/// `read` body that borrowed it. Misuse (using it from elsewhere, or after the body returned) traps
/// with a precondition failure. Obtain one through `DatabasePool.read` / `write`.
public final class SQLiteConnection {
    enum Role: Sendable {
        /// Read-write, creates the file, sets WAL.
        case writer
        /// Read-only (`query_only`).
        case reader
    }

    /// `nil` once closed.
    private(set) var handle: OpaquePointer?
    /// The database file path.
    let path: String
    let role: Role
    /// Prepared statements by SQL text (`SQLITE_PREPARE_PERSISTENT`), reset after every use.
    var statements: [String: Statement] = [:]
    /// `DatabaseConfiguration.statementObserver`, told of each statement this connection prepares.
    var statementObserver: (@Sendable (String) -> Void)?
    /// Writer: the key tagging the pool's writer queue; every use must happen on that queue.
    var writerQueueKey: DispatchSpecificKey<Bool>?
    /// Reader: `true` while someone holds it outside the pool's free list — the opener during
    /// setup, then a `read` body; `false` while it sits in the pool.
    var isBorrowed = true

    private init(handle: OpaquePointer, path: String, role: Role) {
        self.handle = handle
        self.path = path
        self.role = role
    }

    deinit {
        if let handle {
            statements.removeAll()
            sqlite3_close_v2(handle)
        }
    }

    // MARK: Opening

    /// Opens and sets up a connection, in a fixed order, checking every step:
    ///
    /// - writer: open READWRITE|CREATE|NOMUTEX → extended result codes → busy timeout →
    ///   `foreign_keys = ON` → `journal_mode = WAL` (must answer "wal") → `synchronous` → one read
    ///   so the `-wal`/`-shm` files exist before read-only connections open.
    /// - reader: open READONLY|NOMUTEX → extended result codes → busy timeout → `foreign_keys = ON`
    ///   → `query_only = 1`.
    ///
    /// If the open fails, the handle SQLite allocated anyway is closed before throwing; if a later
    /// step fails, the connection is closed before throwing.
    static func open(path: String, role: Role, configuration: DatabaseConfiguration) throws -> SQLiteConnection {
        let flags: Int32 =
            switch role {
            case .writer: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
            case .reader: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            }
        SQLiteLibrary.configure()
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            var error = DatabaseError(code: code, connection: handle, sql: nil)
            error.message = "cannot open the database at \(path): \(error.message)"
            sqlite3_close(handle)
            throw error
        }
        let connection = SQLiteConnection(handle: handle, path: path, role: role)
        connection.statementObserver = configuration.statementObserver
        do {
            try connection.setUp(configuration)
        } catch {
            try? connection.close()
            throw error
        }
        return connection
    }

    private func setUp(_ configuration: DatabaseConfiguration) throws {
        guard let handle else { return }
        try check(sqlite3_extended_result_codes(handle, 1), "enabling extended result codes")
        let milliseconds = Int32(clamping: Int64((max(0, configuration.busyTimeout) * 1000).rounded()))
        try check(sqlite3_busy_timeout(handle, milliseconds), "setting the busy timeout")
        try execute("PRAGMA foreign_keys = ON")
        let cacheKiB = role == .writer ? configuration.writerCacheKiB : configuration.readerCacheKiB
        try execute("PRAGMA cache_size = -\(max(1, cacheKiB))")  // negative: KiB, not pages
        // Interrupts the statements of work whose deadline passed (returns non-zero → SQLITE_INTERRUPT).
        sqlite3_progress_handler(
            handle, Self.progressInterval,
            { context in
                guard let context else { return 0 }
                let connection = Unmanaged<SQLiteConnection>.fromOpaque(context).takeUnretainedValue()
                return connection.transactionDeadline?.isExpired == true ? 1 : 0
            }, Unmanaged.passUnretained(self).toOpaque())
        switch role {
        case .writer:
            let mode = try queryFirst("PRAGMA journal_mode = WAL")?.string(0) ?? "unknown"
            guard mode.lowercased() == "wal" else {
                throw DatabaseError(
                    resultCode: SQLITE_ERROR,
                    message: "could not enable WAL for \(path): journal_mode is '\(mode)' "
                        + "(WAL needs a file on a local file system, not :memory:)",
                    sql: "PRAGMA journal_mode = WAL")
            }
            try execute("PRAGMA synchronous = \(configuration.synchronous.rawValue)")
            _ = try queryFirst("SELECT count(*) FROM sqlite_master")
        case .reader:
            try execute("PRAGMA query_only = 1")
        }
    }

    private func check(_ code: Int32, _ action: String) throws {
        guard code == SQLITE_OK else {
            var error = DatabaseError(code: code, connection: handle, sql: nil)
            error.message = "\(action) failed: \(error.message)"
            throw error
        }
    }

    // MARK: Closing

    /// Finalizes the cached statements and closes the handle. Idempotent.
    func close() throws {
        guard let handle else { return }
        statements.removeAll()
        self.handle = nil
        let code = sqlite3_close(handle)
        guard code == SQLITE_OK else {
            let error = DatabaseError(code: code, connection: handle, sql: nil)
            // Some statement is still alive somewhere: let SQLite close once it is finalized.
            sqlite3_close_v2(handle)
            throw error
        }
    }

    // MARK: Confinement

    /// The open handle, after checking that the caller is allowed to use this connection now.
    func checkedHandle() -> OpaquePointer {
        guard let handle else {
            preconditionFailure("SQLiteConnection (\(path)) used after its pool was closed")
        }
        if let writerQueueKey {
            precondition(
                DispatchQueue.getSpecific(key: writerQueueKey) != nil,
                "the writer SQLiteConnection (\(path)) was used outside the pool's writer queue; "
                    + "do not let the connection escape a write/writeWithoutTransaction/asyncWrite body")
        }
        if role == .reader {
            precondition(
                isBorrowed,
                "a reader SQLiteConnection (\(path)) was used after its read body returned; "
                    + "do not let the connection escape DatabasePool.read")
        }
        return handle
    }

    // MARK: State

    /// The `TransactionParticipant` of the write transaction running on this connection, if one
    /// was given (see `TransactionScope`); nil on readers and outside such a write.
    public internal(set) var participant: (any TransactionParticipant)?

    /// The deadline of the work whose transaction runs on this connection (see `TransactionScope`);
    /// the progress handler interrupts statements once it expired.
    var transactionDeadline: (any TransactionDeadline)?

    /// How long the last COMMIT of a transaction took (`inTransaction`), in nanoseconds.
    var lastCommitNanoseconds: UInt64 = 0

    /// Virtual-machine steps between two deadline checks (a few microseconds of work).
    static let progressInterval: Int32 = 4000

    /// The rowid of the most recent successful INSERT on this connection (`sqlite3_last_insert_rowid`).
    public var lastInsertRowID: Int64 {
        sqlite3_last_insert_rowid(checkedHandle())
    }

    /// Whether a transaction is open (`sqlite3_get_autocommit` is off).
    public var isInTransaction: Bool {
        sqlite3_get_autocommit(checkedHandle()) == 0
    }

    /// Drops every cached prepared statement (they are re-prepared on next use).
    public func clearStatementCache() {
        _ = checkedHandle()
        statements.removeAll()
    }
}
