import Synchronization

/// Work that must commit with every write: e.g. a generator's state that the write's rows were
/// derived from. The hook runs on the writer connection inside the transaction of every `write`
/// and `asyncWrite`, after the body, just before COMMIT; if it throws, the transaction rolls back
/// and the write fails with that error. It must use only the connection it is given.
/// `writeWithoutTransaction` (migrations, restores) does not run it. A bound
/// `TransactionParticipant` runs just before it.
final class BeforeCommitHook: Sendable {
    typealias Hook = @Sendable (SQLiteConnection) throws -> Void

    /// In a struct, not as bare closures in the `Mutex` (see `GroupCommitQueue.Observer`).
    private struct Hooks: Sendable {
        var hook: Hook?
        var last: Hook?
    }

    private let hooks = Mutex(Hooks())

    func set(_ hook: Hook?) {
        hooks.withLock { $0.hook = hook }
    }

    func setLast(_ hook: Hook?) {
        hooks.withLock { $0.last = hook }
    }

    /// Runs `body` in an IMMEDIATE transaction on `connection` joined by `scope`, with the
    /// hook just before COMMIT (see `SQLiteConnection.transaction(in:beforeCommit:_:)`).
    func transaction<T>(
        _ connection: SQLiteConnection, scope: TransactionScope,
        _ body: (SQLiteConnection) throws -> T
    ) throws -> T {
        try connection.transaction(in: scope, beforeCommit: current, body)
    }

    /// The installed hooks, if any, as one: the hook, then the last one.
    var current: Hook? {
        let (first, last) = hooks.withLock { ($0.hook, $0.last) }
        guard let first else { return last }
        guard let last else { return first }
        return { db in
            try first(db)
            try last(db)
        }
    }
}

extension DatabasePool {
    /// Installs (or, with nil, removes) the work every `write`/`asyncWrite` transaction runs just
    /// before COMMIT, in that transaction. One hook per pool; a new one replaces the old.
    public func setBeforeCommit(_ hook: (@Sendable (SQLiteConnection) throws -> Void)?) {
        beforeCommitHook.set(hook)
    }

    /// Installs (or, with nil, removes) bookkeeping every `write`/`asyncWrite` transaction runs
    /// last before COMMIT, after the hook of `setBeforeCommit`: it sees every row the transaction
    /// wrote (e.g. to keep a log the writes feed within its bound). One per pool; a new one
    /// replaces the old; `setBeforeCommit` does not touch it.
    public func setLastBeforeCommit(_ hook: (@Sendable (SQLiteConnection) throws -> Void)?) {
        beforeCommitHook.setLast(hook)
    }
}
