import CSQLite
import Dispatch
import Foundation
import Synchronization

/// Moves WAL checkpoints off the writer's commit path.
///
/// By default SQLite checkpoints inside the COMMIT that pushes the WAL past 1000 pages, so one
/// write in a few hundred pays for copying pages back and (with `synchronous=NORMAL`) an fsync of
/// the database file: a latency spike on the writer and on every write queued behind it. Instead,
/// a WAL hook on the writer notes the WAL size after each commit and, past `threshold` pages, asks
/// this object to run a PASSIVE checkpoint on its own connection and serial queue. PASSIVE never
/// blocks the writer or readers; frames still in use by a reader are left for the next round.
///
/// A checkpoint that could not finish (frames were still being appended) is retried shortly, so
/// an idle moment always completes it and the next write recycles the WAL from its start. Should
/// the WAL still reach `8 × threshold` pages under unbroken write load, the writer checkpoints
/// inline as SQLite itself would, which bounds the WAL's size.
///
/// `@unchecked Sendable`: `connection` is used only on `queue`; `pending` and `closed` are in a `Mutex`.
final class BackgroundCheckpointer: @unchecked Sendable {
    let threshold: Int32
    /// Told by the same WAL hook about every commit of the writer (see `DatabasePool.changeCounter(watching:)`).
    let tracker = CommitTracker()
    private let connection: SQLiteConnection
    private let queue: DispatchQueue
    private struct State {
        /// A checkpoint is scheduled and has not started.
        var pending = false
        var closed = false
    }

    private let state = Mutex(State())

    init(path: String, configuration: DatabaseConfiguration, threshold: Int32 = 1000) throws {
        self.threshold = threshold
        connection = try SQLiteConnection.open(path: path, role: .writer, configuration: configuration)
        queue = DispatchQueue(label: "SQLiteStore.checkpointer(\(path))")
    }

    /// Installs the WAL hook on the writer (which also turns off SQLite's own auto-checkpoint).
    /// The hook holds an unretained reference: `detach` must run before this object goes away.
    func attach(to writer: SQLiteConnection) {
        tracker.attach(to: writer)
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            writer.checkedHandle(),
            { context, database, _, pages in
                guard let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<BackgroundCheckpointer>.fromOpaque(context).takeUnretainedValue()
                // SQLite calls the hook once the commit is in the WAL and visible to new read transactions.
                checkpointer.tracker.didCommit()
                if pages >= checkpointer.threshold * 8, let database {
                    _ = sqlite3_wal_checkpoint_v2(database, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                } else if pages >= checkpointer.threshold {
                    checkpointer.request()
                }
                return SQLITE_OK
            }, context)
    }

    func detach(from writer: SQLiteConnection) {
        sqlite3_wal_hook(writer.checkedHandle(), nil, nil)
        tracker.detach(from: writer)
    }

    /// Schedules one PASSIVE checkpoint unless one is already waiting.
    func request(after delay: Double = 0) {
        let schedule = state.withLock { state -> Bool in
            guard !state.pending, !state.closed else { return false }
            state.pending = true
            return true
        }
        guard schedule else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in
            state.withLock { $0.pending = false }
            guard !state.withLock({ $0.closed }) else { return }
            var logFrames: Int32 = 0
            var copiedFrames: Int32 = 0
            let code = sqlite3_wal_checkpoint_v2(connection.checkedHandle(), nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copiedFrames)
            // Busy, or frames were appended meanwhile: try again shortly, until a round finishes.
            // No room to grow the database file: try again once a second (not 20 times), until
            // space is freed; the frames stay in the WAL meanwhile, committed and readable.
            if code != SQLITE_OK, DatabaseError(code: code, connection: connection.checkedHandle(), sql: nil).isDiskFull {
                request(after: 1)
            } else if code != SQLITE_OK || copiedFrames < logFrames {
                request(after: 0.05)
            }
        }
    }

    /// Whether no checkpoint is scheduled or running (a round that falls short schedules the next
    /// before it ends, so a true answer means the last round finished its work).
    var isIdle: Bool {
        queue.sync {}
        return !state.withLock { $0.pending }
    }

    /// Waits for a running checkpoint and closes the connection.
    func close() throws {
        state.withLock { $0.closed = true }
        try queue.sync { try connection.close() }
    }
}
