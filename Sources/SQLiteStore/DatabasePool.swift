import CSQLite
import Dispatch
import Foundation
import Synchronization

/// A WAL-mode database file with one writer connection and a small pool of read-only connections.
///
/// - Writes are serialised on the writer's serial `DispatchQueue` and run in `BEGIN IMMEDIATE`
///   transactions; readers run concurrently with the writer and with each other, each in a
///   deferred transaction (a consistent snapshot).
/// - Calling `write`/`read`/`close` from inside a write body (or from an `asyncWrite` completion,
///   which runs on the writer queue), or `read`/`close` from inside a read body, traps with a
///   precondition failure instead of deadlocking. `write` from inside a `read` body is allowed.
///
/// `@unchecked Sendable` is sound because every piece of mutable state has one owner:
/// `writer` (the writer `SQLiteConnection`) is only read or written on `writerQueue`, which is
/// serial; the reader connections are handed out one borrower at a time by `ReaderPool`, whose
/// state is guarded by its mutex; `closed` serialises `close()`; everything else is immutable.
public final class DatabasePool: @unchecked Sendable {
    /// The database file path.
    public let path: String
    public let configuration: DatabaseConfiguration

    /// The serial queue that owns `writer`, tagged with `writerQueueKey`.
    let writerQueue: DispatchQueue
    private let writerQueueKey = DispatchSpecificKey<Bool>()
    /// Only touched on `writerQueue`; `nil` once closed.
    var writer: SQLiteConnection?
    private let readers: ReaderPool
    let checkpointer: BackgroundCheckpointer
    /// Whether `close()` ran; held for the whole of `close()`, which it serialises.
    private let closed = Mutex(false)
    /// Runs inside every `write`/`asyncWrite` transaction just before COMMIT (see `setBeforeCommit`).
    let beforeCommitHook = BeforeCommitHook()
    /// Writes waiting for the writer queue (group commit).
    let groupCommit = GroupCommitQueue()
    /// Whether the database's filesystem had room for the last writes (see `StorageStatus`).
    public let storage: StorageStatus

    /// Opens (creating if needed) the database at `path`: the writer first (which sets WAL), then
    /// `configuration.readerCount` read-only connections.
    public init(path: String, configuration: DatabaseConfiguration = .init()) throws {
        precondition(configuration.readerCount >= 1, "DatabaseConfiguration.readerCount must be at least 1")
        self.path = path
        self.configuration = configuration
        storage = StorageStatus(path: path)
        let writer = try SQLiteConnection.open(path: path, role: .writer, configuration: configuration)
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<configuration.readerCount {
            readerConnections.append(try SQLiteConnection.open(path: path, role: .reader, configuration: configuration))
        }
        checkpointer = try BackgroundCheckpointer(
            path: path, configuration: configuration, threshold: max(1, configuration.checkpointPages))
        checkpointer.attach(to: writer)
        writerQueue = DispatchQueue(label: "SQLiteStore.writer(\(path))")
        writerQueue.setSpecific(key: writerQueueKey, value: true)
        writer.writerQueueKey = writerQueueKey
        self.writer = writer
        readers = ReaderPool(connections: readerConnections, path: path)
    }

    // MARK: Reading

    /// Borrow a read-only connection (blocks only if all readers are busy) and run `body` inside a
    /// deferred read transaction (a consistent snapshot from its first read). Runs on the
    /// caller's thread while holding the reader exclusively (no queue hop). The scope's deadline
    /// interrupts the body's statements once it expired.
    ///
    /// Reads are not reentrant: calling `read` (or `close`) from inside a `read` body of the same
    /// pool traps, as waiting for a second reader could deadlock; use the connection you have.
    public func read<T>(in scope: TransactionScope, _ body: (SQLiteConnection) throws -> T) throws -> T {
        preconditionNotOnWriterQueue("read")
        let connection = try readers.borrow()
        connection.transactionDeadline = scope.deadline
        defer {
            connection.transactionDeadline = nil
            readers.giveBack(connection)
        }
        if let deadline = scope.deadline, deadline.isExpired { throw DatabaseError.deadlineExceeded }
        return try connection.inTransaction(.deferred) { try body(connection) }
    }

    // MARK: Writing

    /// Run `body` on the single writer connection, serialised with every other write, inside a
    /// transaction; returns after COMMIT. If `body` or COMMIT throws, the body's changes roll back
    /// and the original error is rethrown (a rollback failure never hides it).
    ///
    /// Writes submitted while the writer is busy are committed together (group commit, see
    /// `DatabasePool+GroupCommit.swift`): each body runs in its own SAVEPOINT, so a failing body
    /// rolls back alone, and every `write` returns only once the COMMIT holding its changes
    /// succeeded. The scope's participant joins the write (see `TransactionParticipant`); its
    /// deadline interrupts the body and may refuse the commit (see `TransactionDeadline`).
    @discardableResult
    public func write<T>(in scope: TransactionScope, _ body: (SQLiteConnection) throws -> T) throws -> T {
        preconditionNotOnWriterQueue("write")
        if let deadline = scope.deadline, deadline.isExpired { throw DatabaseError.deadlineExceeded }
        return try withoutActuallyEscaping(body) { body in
            var result: T?
            let job = GroupCommitJob(scope: scope) { connection in result = try body(connection) }
            submit(job)
            job.wait()
            if let error = job.error { throw error }
            return result!
        }
    }

    /// Like `write`, asynchronously: `body` runs on the writer queue, after every write submitted
    /// before it; `completion` is called on the writer queue after COMMIT (or rollback) with the
    /// result. `completion` must not call `read`/`write` synchronously (it is on the writer queue):
    /// hop to another queue first. A bound `TransactionParticipant` does not join: nobody waits
    /// for this write on the binder's behalf.
    ///
    /// A `bookkeeping` write is one no cache of the data depends on (the request journal's drains):
    /// its commit does not move the counters of every commit (`changeCounter()`). What it writes,
    /// and what the before-commit hook writes with it, must be data no such cache reads.
    public func asyncWrite<T: Sendable>(
        bookkeeping: Bool = false,
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        writerQueue.async {
            let tracker = self.checkpointer.tracker
            tracker.inBookkeeping = bookkeeping
            let result = Result<T, any Error> {
                let writer = try self.openWriter()
                writer.rollbackLeftoverTransaction()
                return try self.beforeCommitHook.transaction(writer, scope: .background, body)
            }
            switch result {
            case .success: if !bookkeeping { self.storage.noteCommit() }
            case .failure(let error): self.storage.noteFailure(error)
            }
            tracker.inBookkeeping = false
            tracker.settle()
            completion(result)
        }
    }

    /// The writer connection without an implicit transaction (migrations, pragmas, checkpoints),
    /// serialised with every other write.
    @discardableResult
    public func writeWithoutTransaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        preconditionNotOnWriterQueue("writeWithoutTransaction")
        return try writerQueue.sync {
            // Counted whatever the body did: a backup copy into the writer commits without the WAL hook.
            checkpointer.tracker.willChangeAnything()
            defer {
                checkpointer.tracker.didChangeAnything()
                checkpointer.tracker.settle()
            }
            do {
                return try body(try openWriter())
            } catch {
                storage.noteFailure(error)
                throw error
            }
        }
    }

    /// A counter of the commits that changed any of `tables` (names as in CREATE TABLE), from now
    /// on: a cache of rows of those tables stays current while its value is unchanged, whatever
    /// else is written. See `TableChangeCounter` for the tables it can watch.
    public func changeCounter(watching tables: [String]) -> TableChangeCounter {
        preconditionNotOnWriterQueue("changeCounter")
        let counter = TableChangeCounter(tables: tables)
        writerQueue.sync { checkpointer.tracker.add(counter) }
        return counter
    }

    /// A counter of every commit from now on, except bookkeeping writes (`asyncWrite(bookkeeping: true)`),
    /// restores included: a cache of anything read from the database, but what bookkeeping writes
    /// touch, stays current while its `settledValue` is unchanged (and not nil). Unlike
    /// `changeCounter(watching:)` it does not rely on the update hook.
    public func changeCounter() -> TableChangeCounter {
        preconditionNotOnWriterQueue("changeCounter")
        let counter = TableChangeCounter()
        writerQueue.sync { checkpointer.tracker.add(counter) }
        return counter
    }

    /// The writer connection; must be called on `writerQueue`.
    func openWriter() throws -> SQLiteConnection {
        guard let writer else { throw DatabaseError.closed(path) }
        return writer
    }

    private func preconditionNotOnWriterQueue(_ function: String) {
        precondition(
            DispatchQueue.getSpecific(key: writerQueueKey) == nil,
            "DatabasePool.\(function) was called from inside a write body (or an asyncWrite completion) of the "
                + "same pool (\(path)): database access is not reentrant and this would deadlock. Use the "
                + "SQLiteConnection passed to the body instead, or dispatch the work elsewhere.")
    }

    // MARK: Closing

    /// Waits for in-flight reads and writes, runs a TRUNCATE checkpoint (so the `-wal` file is
    /// left empty), and closes every connection, readers first. Idempotent; afterwards `read`,
    /// `write` & co. throw a "pool is closed" `DatabaseError` (SQLITE_MISUSE). If the checkpoint
    /// fails (another process holds a read lock), the connections are still closed and the
    /// checkpoint error is thrown.
    public func close() throws {
        preconditionNotOnWriterQueue("close")
        try closed.withLock { isClosed in
            guard !isClosed else { return }
            isClosed = true
            let readerConnections = readers.drain()
            try writerQueue.sync {
                guard let writer else { return }
                self.writer = nil
                var firstError: (any Error)?
                for reader in readerConnections {
                    do { try reader.close() } catch { firstError = firstError ?? error }
                }
                checkpointer.detach(from: writer)
                do { try checkpointer.close() } catch { firstError = firstError ?? error }
                do { try Self.checkpoint(writer, mode: SQLITE_CHECKPOINT_TRUNCATE) } catch { firstError = firstError ?? error }
                do { try writer.close() } catch { firstError = firstError ?? error }
                if let firstError { throw firstError }
            }
        }
    }

    /// `sqlite3_wal_checkpoint_v2` on the writer connection (must be on the writer queue).
    static func checkpoint(_ writer: SQLiteConnection, mode: Int32) throws {
        let handle = writer.checkedHandle()
        var logFrames: Int32 = 0
        var checkpointedFrames: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(handle, nil, mode, &logFrames, &checkpointedFrames)
        guard code == SQLITE_OK else {
            let sql = mode == SQLITE_CHECKPOINT_TRUNCATE ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)"
            throw DatabaseError(code: code, connection: handle, sql: sql)
        }
    }
}
