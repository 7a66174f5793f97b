import Dispatch

extension SQLiteConnection {
    /// How a transaction takes its locks.
    enum TransactionKind: String {
        /// Locks on first access: for read-only work (a consistent snapshot from the first read on).
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN, so the transaction cannot fail with SQLITE_BUSY halfway
        /// through when it would upgrade from reading to writing.
        case immediate = "IMMEDIATE"

        /// The BEGIN statement, as a literal: the statement cache then finds it without building
        /// and hashing a new string per transaction.
        var begin: String {
            switch self {
            case .deferred: "BEGIN DEFERRED TRANSACTION"
            case .immediate: "BEGIN IMMEDIATE TRANSACTION"
            }
        }
    }

    /// Runs `body` between `BEGIN <kind>` and `COMMIT`. If `body` (or COMMIT) throws, rolls back
    /// and rethrows that original error; a failing ROLLBACK never replaces it. If `body` ended the
    /// transaction itself, nothing is committed on its behalf.
    func inTransaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        try run(kind.begin)
        let result: T
        do {
            result = try body()
        } catch {
            rollbackIgnoringErrors()
            throw error
        }
        if isInTransaction {
            do {
                let started = DispatchTime.now().uptimeNanoseconds
                defer { lastCommitNanoseconds = DispatchTime.now().uptimeNanoseconds &- started }
                try run("COMMIT TRANSACTION")
            } catch {
                rollbackIgnoringErrors()
                throw error
            }
        }
        return result
    }

    /// ROLLBACK if a transaction is still open (SQLite rolls back by itself after some errors).
    func rollbackIgnoringErrors() {
        guard isInTransaction else { return }
        _ = try? run("ROLLBACK TRANSACTION")
    }

    /// Before a writer's transaction starts: rolls back a transaction an earlier one left open
    /// (should a ROLLBACK after a failed COMMIT itself have failed, e.g. on a full disk), so one
    /// failure never poisons the writes after it with "cannot start a transaction within a transaction".
    func rollbackLeftoverTransaction() {
        guard isInTransaction else { return }
        _ = try? run("ROLLBACK TRANSACTION")
    }

    /// Runs `body` in a savepoint: a nested atomic section. If `body` throws, its changes are
    /// rolled back (the enclosing transaction goes on) and the original error is rethrown.
    /// Outside a transaction, the savepoint is itself a (deferred) transaction.
    @discardableResult
    public func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        try run("SAVEPOINT sqlitestore")
        let result: T
        do {
            result = try body()
            try run("RELEASE SAVEPOINT sqlitestore")
        } catch {
            if isInTransaction {
                _ = try? run("ROLLBACK TO SAVEPOINT sqlitestore")
                _ = try? run("RELEASE SAVEPOINT sqlitestore")
            }
            throw error
        }
        return result
    }
}
