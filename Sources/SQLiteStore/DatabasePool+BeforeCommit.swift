import Foundation

/// Work that must commit with every write: e.g. a generator's state that the write's rows were
/// derived from. The hook runs on the writer connection inside the transaction of every `write`
/// and `asyncWrite`, after the body, just before COMMIT; if it throws, the transaction rolls back
/// and the write fails with that error. It must use only the connection it is given.
/// `writeWithoutTransaction` (migrations, restores) does not run it. A bound
/// `TransactionParticipant` runs just before it.
final class BeforeCommitHook: @unchecked Sendable {
    typealias Hook = @Sendable (SQLiteConnection) throws -> Void

    // `hook` is only read and written under `lock`.
    private let lock = NSLock()
    private var hook: Hook?

    func set(_ hook: Hook?) {
        lock.withLock { self.hook = hook }
    }

    /// Runs `body` in an IMMEDIATE transaction on `connection` joined by `scope`, with the
    /// hook just before COMMIT (see `SQLiteConnection.transaction(in:beforeCommit:_:)`).
    func transaction<T>(_ connection: SQLiteConnection, scope: TransactionScope,
                        _ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.transaction(in: scope, beforeCommit: current, body)
    }

    /// The installed hook, if any.
    var current: Hook? { lock.withLock { self.hook } }
}

extension DatabasePool {
    /// Installs (or, with nil, removes) the work every `write`/`asyncWrite` transaction runs just
    /// before COMMIT, in that transaction. One hook per pool; a new one replaces the old.
    public func setBeforeCommit(_ hook: (@Sendable (SQLiteConnection) throws -> Void)?) {
        beforeCommitHook.set(hook)
    }
}
