/// Work that joins the write transactions a piece of code starts, e.g. a record of the request
/// that caused them. Handed to `DatabasePool.write(in:)` (and `replaceContents(in:)`) inside a
/// `TransactionScope`, it runs inside that write's transaction on the writer connection, after the
/// body, just before the write is committed (not for `asyncWrite`, which nobody waits for, nor
/// `writeWithoutTransaction`).
///
/// - `willCommit` may write with the connection it is given (and only with it); if it throws, the
///   write rolls back and fails with that error.
/// - Every write it joined ends with exactly one of `didCommit` (COMMIT succeeded) or
///   `didRollBack` (rolled back: the body, `willCommit`, a before-commit hook or COMMIT failed), on
///   the writer queue; neither may use the pool.
/// - While the write's body runs, it sees the participant as `SQLiteConnection.participant`, so
///   code deep inside a write can tell it things without knowing what it is.
public protocol TransactionParticipant: AnyObject, Sendable {
    func willCommit(_ connection: SQLiteConnection) throws
    func didCommit()
    func didRollBack()
}

/// A deadline that the transactions of one piece of work obey, e.g. a request's handler timeout.
///
/// - While `isExpired` is true, every statement that work runs is interrupted (a progress handler
///   checks it every few thousand virtual-machine steps), so its transaction rolls back.
/// - `sealForCommit()` is asked just before a write of that work commits: it returns false when the
///   deadline already passed (the write then rolls back with `DatabaseError.deadlineExceeded`), and
///   true otherwise, after which the guard must no longer expire: the change is about to be
///   committed and its caller will be told so.
public protocol TransactionDeadline: AnyObject, Sendable {
    var isExpired: Bool { get }
    func sealForCommit() -> Bool
}

/// What a piece of work brings to the transactions it starts, passed explicitly to `read(in:)`,
/// `write(in:)` and `replaceContents(in:)`: a participant that joins its writes, and a guard
/// whose deadline interrupts them. `.detached` has neither.
public struct TransactionScope: Sendable {
    public var participant: (any TransactionParticipant)?
    public var deadline: (any TransactionDeadline)?

    public init(participant: (any TransactionParticipant)? = nil, deadline: (any TransactionDeadline)? = nil) {
        self.participant = participant
        self.deadline = deadline
    }

    /// No participant, no deadline. Code that runs for a request passes that request's scope (every
    /// `read`/`write` takes one, without a default); code for which no request exists names why with
    /// `.startup` or `.background` instead of using this directly.
    public static let detached = TransactionScope()

    /// No request exists here: a database is being set up — the daemon starting (migrations,
    /// bootstrap, shipped workflows and fixtures at start), one of its commands (`snapshot`,
    /// `checkpoint`…), or the private scratch database a reset builds before copying it in.
    public static var startup: TransactionScope { detached }

    /// Outside any request's scope: work the emulator does on its own, on no client's behalf
    /// (journal drains, checkpoints, trimming, the database's own bookkeeping); and a request's
    /// follow-up that must finish even past the request's deadline and is not part of its
    /// transaction — memory following the database after a reset, snapshot restore or rollback
    /// (clock, tenant settings, the id sequence), the clean-up of a snapshot that failed.
    public static var background: TransactionScope { detached }
}

extension SQLiteConnection {
    /// Runs `body` between `BEGIN IMMEDIATE` and `COMMIT` with `scope` joined: its participant is
    /// visible as `participant` to the body, its `willCommit` runs after the body and before
    /// `beforeCommit`, and it hears how the transaction ended; its guard interrupts the statements
    /// and may refuse the commit. A body that ends the transaction itself is not joined (the
    /// participant hears `didRollBack`).
    func transaction<T>(
        in scope: TransactionScope, beforeCommit: ((SQLiteConnection) throws -> Void)?,
        _ body: (SQLiteConnection) throws -> T
    ) throws -> T {
        let participant = scope.participant
        self.participant = participant
        self.transactionDeadline = scope.deadline
        defer {
            self.participant = nil
            self.transactionDeadline = nil
        }
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
                if let deadline = scope.deadline, !deadline.sealForCommit() { throw DatabaseError.deadlineExceeded }
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
