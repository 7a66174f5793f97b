import CSQLite
import Dispatch
import Synchronization

/// One `write` waiting for the writer: its body (which stores the result where its caller reads
/// it), its scope, and how it ended. The caller blocks in `wait()` until the writer signals.
///
/// `@unchecked Sendable`: `body` and `error` are touched by the writer queue between `submit`
/// and `signal`, and by the caller only after `wait()` returned (the semaphore orders them).
final class GroupCommitJob: @unchecked Sendable {
    let scope: TransactionScope
    /// Released before the caller is woken: the caller's closure must not outlive its `write`.
    private var work: ((SQLiteConnection) throws -> Void)?
    var error: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    init(scope: TransactionScope, body: @escaping (SQLiteConnection) throws -> Void) {
        self.scope = scope
        self.work = body
    }

    func body(_ connection: SQLiteConnection) throws {
        try work?(connection)
    }

    func wait() { done.wait() }

    func signal() {
        work = nil
        done.signal()
    }
}

/// What one committed write transaction was: how many `write` calls it held, and how long it and
/// its COMMIT took (nanoseconds).
public struct CommitReport: Sendable {
    public var writes: Int
    public var transactionNanoseconds: UInt64
    public var commitNanoseconds: UInt64
}

/// The writes submitted and not yet taken by the writer queue, and whether a drain is queued there.
final class GroupCommitQueue: Sendable {
    /// At most this many writes share one transaction.
    static let maxBatch = 64

    private struct State {
        var jobs: [GroupCommitJob] = []
        var drainQueued = false
    }

    private let state = Mutex(State())
    /// Hears about every committed group (see `DatabasePool.setCommitObserver`).
    ///
    /// In a struct, not as a bare closure: a closure stored in the generic `Mutex` gets wrapped in two
    /// more reabstraction thunks by every `withLock { $0 }` (the inout round trip), so each commit
    /// would make the next call of the observer deeper (64 bytes of stack and a heap context per
    /// commit: 1 MB of the writer thread's stack after 16,000 commits, and a stack overflow later).
    struct Observer: Sendable {
        let call: @Sendable (CommitReport) -> Void
    }
    let observer = Mutex<Observer?>(nil)

    /// Writes submitted and not yet taken by the writer.
    var pendingCount: Int { state.withLock { $0.jobs.count } }

    /// Adds `job`; true when the caller must queue a drain on the writer queue.
    func append(_ job: GroupCommitJob) -> Bool {
        state.withLock { state in
            state.jobs.append(job)
            guard !state.drainQueued else { return false }
            state.drainQueued = true
            return true
        }
    }

    /// Takes up to `maxBatch` jobs; `more` is true when some remain (the caller queues another drain).
    func take() -> (jobs: [GroupCommitJob], more: Bool) {
        state.withLock { state in
            let count = min(state.jobs.count, Self.maxBatch)
            let jobs = Array(state.jobs.prefix(count))
            state.jobs.removeFirst(count)
            state.drainQueued = !state.jobs.isEmpty
            return (jobs, state.drainQueued)
        }
    }
}

extension DatabasePool {
    /// Installs (or, with nil, removes) a function told about every committed `write` transaction,
    /// on the writer queue right after its COMMIT (for metrics; it must be quick and not use the pool).
    public func setCommitObserver(_ observer: (@Sendable (CommitReport) -> Void)?) {
        groupCommit.observer.withLock { $0 = observer.map(GroupCommitQueue.Observer.init) }
    }

    /// Queues `job` and makes sure a drain runs on the writer queue.
    func submit(_ job: GroupCommitJob) {
        if groupCommit.append(job) {
            writerQueue.async { self.drainGroupCommit() }
        }
    }

    /// On the writer queue: commits the writes waiting now, in one transaction, and wakes their callers.
    private func drainGroupCommit() {
        let (jobs, more) = groupCommit.take()
        // Behind whatever else was queued meanwhile (async writes, checkpoints, close).
        if more { writerQueue.async { self.drainGroupCommit() } }
        guard !jobs.isEmpty else { return }
        defer { for job in jobs { job.signal() } }
        defer { checkpointer.tracker.settle() }  // before the callers are woken (defers run last first)
        guard let writer else {
            for job in jobs { job.error = DatabaseError.closed(path) }
            return
        }
        writer.rollbackLeftoverTransaction()
        let started = DispatchTime.now().uptimeNanoseconds
        var committed = 0
        if jobs.count == 1, let job = jobs.first {
            do {
                try beforeCommitHook.transaction(writer, scope: job.scope) { try job.body($0) }
                committed = 1
            } catch {
                job.error = error
            }
        } else {
            committed = commitTogether(jobs, on: writer)
        }
        if committed > 0 { storage.noteCommit() }
        for job in jobs { if let error = job.error { storage.noteFailure(error) } }
        if committed > 0, let observer = groupCommit.observer.withLock({ $0 }) {
            observer.call(
                CommitReport(
                    writes: committed, transactionNanoseconds: DispatchTime.now().uptimeNanoseconds &- started,
                    commitNanoseconds: writer.lastCommitNanoseconds))
        }
    }

    /// Runs every job in its own SAVEPOINT of one IMMEDIATE transaction, then COMMITs once.
    ///
    /// A job whose body (or participant, or deadline) fails rolls back to its savepoint alone. When
    /// SQLite itself rolled back the whole transaction (an interrupted write statement, an I/O
    /// error), the jobs before it lost their changes too: they fail with a busy error, so their
    /// callers answer "retry", and the remaining jobs go on in a new transaction.
    /// Returns how many writes were committed.
    @discardableResult
    private func commitTogether(_ jobs: [GroupCommitJob], on writer: SQLiteConnection) -> Int {
        var kept: [GroupCommitJob] = []
        var open = false
        func begin() -> (any Error)? {
            do {
                try writer.run("BEGIN IMMEDIATE TRANSACTION")
                open = true
                return nil
            } catch {
                return error
            }
        }
        func abandon(_ reason: any Error) {
            for job in kept {
                job.error = reason
                job.scope.participant?.didRollBack()
            }
            kept = []
        }
        for job in jobs {
            if let deadline = job.scope.deadline, deadline.isExpired {
                job.error = DatabaseError.deadlineExceeded
                continue
            }
            if !open, let error = begin() {
                job.error = error
                continue
            }
            writer.participant = job.scope.participant
            writer.transactionDeadline = job.scope.deadline
            do {
                try writer.run("SAVEPOINT group_commit")
                try job.body(writer)
                precondition(
                    writer.isInTransaction,
                    "a DatabasePool.write body ended its transaction itself (COMMIT/ROLLBACK); use inSavepoint instead")
                try job.scope.participant?.willCommit(writer)
                if let deadline = job.scope.deadline, !deadline.sealForCommit() { throw DatabaseError.deadlineExceeded }
                try writer.run("RELEASE SAVEPOINT group_commit")
                kept.append(job)
            } catch {
                job.error = error
                if writer.isInTransaction {
                    _ = try? writer.run("ROLLBACK TO SAVEPOINT group_commit")
                    _ = try? writer.run("RELEASE SAVEPOINT group_commit")
                }
                job.scope.participant?.didRollBack()
                if !writer.isInTransaction {
                    open = false
                    // A full disk fails the writes that shared the transaction the same way: they
                    // were rolled back because there is no room, and retrying at once will not help.
                    let full = (error as? DatabaseError)?.isDiskFull == true
                    abandon(
                        DatabaseError(
                            resultCode: full ? SQLITE_FULL : SQLITE_BUSY,
                            message: "rolled back with another write of its group commit (\(error)); retry"))
                }
            }
            writer.participant = nil
            writer.transactionDeadline = nil
        }
        guard open else { return 0 }
        do {
            if !kept.isEmpty { try beforeCommitHook.current?(writer) }
            let commitStarted = DispatchTime.now().uptimeNanoseconds
            try writer.run("COMMIT TRANSACTION")
            writer.lastCommitNanoseconds = DispatchTime.now().uptimeNanoseconds &- commitStarted
        } catch {
            writer.rollbackIgnoringErrors()
            abandon(error)
            return 0
        }
        for job in kept { job.scope.participant?.didCommit() }
        return kept.count
    }
}
