/// Work that joins the write transactions a piece of code starts, e.g. a record of the request
/// that caused them: bound with `DatabasePool.withParticipant`, it runs inside every `write`
/// transaction of that pool started while it is bound, and inside `replaceContents` (not
/// `asyncWrite`, which nobody waits for, nor `writeWithoutTransaction`), on the writer connection,
/// after the body, just before COMMIT.
///
/// - `willCommit` may write with the connection it is given (and only with it); if it throws, the
///   transaction rolls back and the write fails with that error.
/// - Every transaction it was bound to ends with exactly one of `didCommit` (COMMIT succeeded) or
///   `didRollBack` (rolled back: the body, `willCommit`, a before-commit hook or COMMIT failed), on
///   the writer queue; neither may use the pool.
/// - While a participant's transaction runs, the body sees it as `SQLiteConnection.participant`, so
///   code deep inside a write can tell it things without knowing what it is.
public protocol TransactionParticipant: AnyObject, Sendable {
    func willCommit(_ connection: SQLiteConnection) throws
    func didCommit()
    func didRollBack()
}

/// A participant bound to one pool (task-local, so it follows the code that bound it and nothing else).
struct ParticipantBinding: Sendable {
    @TaskLocal static var current: ParticipantBinding?

    let pool: ObjectIdentifier
    let participant: any TransactionParticipant
}

extension DatabasePool {
    /// Runs `body` with `participant` joining every write transaction of this pool that `body`
    /// starts (directly or through any code it calls on the same task or thread). Bindings nest:
    /// the innermost wins.
    public func withParticipant<T>(_ participant: any TransactionParticipant, _ body: () throws -> T) rethrows -> T {
        try ParticipantBinding.$current.withValue(ParticipantBinding(pool: ObjectIdentifier(self), participant: participant), operation: body)
    }

    /// The participant bound for this pool on the calling task or thread, if any.
    var boundParticipant: (any TransactionParticipant)? {
        guard let binding = ParticipantBinding.current, binding.pool == ObjectIdentifier(self) else { return nil }
        return binding.participant
    }
}

extension SQLiteConnection {
    /// Runs `body` between `BEGIN IMMEDIATE` and `COMMIT` with `participant` joined: it is visible
    /// as `participant` to the body, its `willCommit` runs after the body and before `beforeCommit`,
    /// and it hears how the transaction ended. A body that ends the transaction itself is not
    /// joined (the participant hears `didRollBack`).
    func transaction<T>(joining participant: (any TransactionParticipant)?, beforeCommit: ((SQLiteConnection) throws -> Void)?,
                        _ body: (SQLiteConnection) throws -> T) throws -> T {
        self.participant = participant
        defer { self.participant = nil }
        var joined = false
        do {
            let result = try inTransaction(.immediate) {
                let result = try body(self)
                guard isInTransaction else { return result }
                if let participant {
                    try participant.willCommit(self)
                    joined = true
                }
                try beforeCommit?(self)
                return result
            }
            if joined { participant?.didCommit() } else { participant?.didRollBack() }
            return result
        } catch {
            participant?.didRollBack()
            throw error
        }
    }
}
