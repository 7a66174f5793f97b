import CSQLite
import Foundation
import Synchronization

/// Counts the commits of a pool that changed a given set of tables (`DatabasePool.changeCounter(watching:)`),
/// or every commit but the pool's bookkeeping writes (`DatabasePool.changeCounter()`).
///
/// Its `value` grows right after a commit that changed any of the tables becomes visible to
/// readers, before the `write` that made it returns. A value read before a read transaction began
/// is therefore a version tag for what that transaction saw of those tables: while the value is
/// unchanged, none of them changed. It errs one way only: a commit may count when its change was
/// rolled back to a savepoint, never the other way round. Restores and other
/// `writeWithoutTransaction` work count for every counter.
///
/// A table's change is seen through SQLite's update hook, which is not called for rows removed by
/// the truncate optimization (`DELETE FROM t` without WHERE, used only on tables without triggers
/// or foreign keys) or for WITHOUT ROWID tables: watch tables that have a foreign key or a trigger.
/// A counter of every commit does not use the update hook at all, so it has no such blind spot.
public final class TableChangeCounter: Sendable {
    /// The watched tables; empty for a counter of every commit.
    public let tables: [String]
    /// Counts every commit except bookkeeping ones, whatever tables they touched.
    public let countsEveryCommit: Bool
    /// NUL-terminated UTF-8 of each table name, for comparing with the hook's C strings.
    fileprivate let names: [[CChar]]
    private let count = Atomic<UInt64>(0)
    /// Set by the update hook, read and cleared at commit or rollback: writer queue only.
    fileprivate let pending = Atomic<Bool>(false)
    /// Counters of every commit: set from just before a commit may become visible (SQLite's commit
    /// hook, or the start of a restore) until after the count moved for it.
    fileprivate let inFlight = Atomic<Bool>(false)

    init(tables: [String]) {
        self.tables = tables
        self.countsEveryCommit = false
        self.names = tables.map { Array($0.utf8CString) }
    }

    /// A counter of every commit but bookkeeping ones.
    init() {
        self.tables = []
        self.countsEveryCommit = true
        self.names = []
    }

    /// Commits that changed a watched table so far.
    public var value: UInt64 { count.load(ordering: .acquiring) }

    /// For a counter of every commit: `value`, unless a commit is under way (it may be visible to
    /// readers already, and is not counted yet), then nil. A cache may keep what a read transaction
    /// that began after this returned a value saw, tagged with it, and reuse it while this returns
    /// the same value; while it returns nil, nothing may be kept or reused.
    public var settledValue: UInt64? {
        let value = count.load(ordering: .acquiring)
        return inFlight.load(ordering: .acquiring) ? nil : value
    }

    fileprivate func matches(_ table: UnsafePointer<CChar>) -> Bool {
        names.contains { name in name.withUnsafeBufferPointer { strcmp($0.baseAddress!, table) == 0 } }
    }

    fileprivate func bump() {
        count.add(1, ordering: .releasing)
    }
}

/// The writer connection's commit bookkeeping: the table-scoped counters. Its state other than the atomics is touched only on the writer queue (the SQLite
/// hooks run there, and counters are added through it), hence `@unchecked Sendable`.
final class CommitTracker: @unchecked Sendable {
    private var counters: [TableChangeCounter] = []
    private var everyCommitCounters: [TableChangeCounter] = []
    /// Set while the writer runs a bookkeeping transaction (`asyncWrite(bookkeeping: true)`):
    /// its commit does not count for `everyCommitCounters`.
    var inBookkeeping = false

    /// Installs the update and rollback hooks on `writer` (its WAL hook calls `didCommit`).
    func attach(to writer: SQLiteConnection) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = sqlite3_commit_hook(
            writer.checkedHandle(),
            { context in
                guard let context else { return 0 }
                Unmanaged<CommitTracker>.fromOpaque(context).takeUnretainedValue().willCommit()
                return 0
            }, context)
        sqlite3_update_hook(
            writer.checkedHandle(),
            { context, _, _, table, _ in
                guard let context, let table else { return }
                let tracker = Unmanaged<CommitTracker>.fromOpaque(context).takeUnretainedValue()
                for counter in tracker.counters where !counter.pending.load(ordering: .relaxed) && counter.matches(table) {
                    counter.pending.store(true, ordering: .relaxed)
                }
            }, context)
        _ = sqlite3_rollback_hook(
            writer.checkedHandle(),
            { context in
                guard let context else { return }
                let tracker = Unmanaged<CommitTracker>.fromOpaque(context).takeUnretainedValue()
                for counter in tracker.counters { counter.pending.store(false, ordering: .relaxed) }
            }, context)
    }

    func detach(from writer: SQLiteConnection) {
        sqlite3_update_hook(writer.checkedHandle(), nil, nil)
        _ = sqlite3_rollback_hook(writer.checkedHandle(), nil, nil)
        _ = sqlite3_commit_hook(writer.checkedHandle(), nil, nil)
    }

    /// Writer queue: adds a counter.
    func add(_ counter: TableChangeCounter) {
        if counter.countsEveryCommit {
            everyCommitCounters.append(counter)
        } else {
            counters.append(counter)
        }
    }

    /// Writer queue, from the WAL hook: a commit is now visible to readers.
    func didCommit() {
        for counter in counters where counter.pending.load(ordering: .relaxed) {
            counter.pending.store(false, ordering: .relaxed)
            counter.bump()
        }
        if !inBookkeeping {
            for counter in everyCommitCounters { counter.bump() }
        }
    }

    /// Writer queue, from the commit hook: a commit is about to become visible.
    func willCommit() {
        guard !inBookkeeping else { return }
        for counter in everyCommitCounters { counter.inFlight.store(true, ordering: .releasing) }
    }

    /// Writer queue: something that may change anything without a commit hook (a restore) starts.
    func willChangeAnything() {
        for counter in everyCommitCounters { counter.inFlight.store(true, ordering: .releasing) }
    }

    /// Writer queue, at the end of each piece of writer work (after its commits were counted, before
    /// anyone waiting for it is woken): no commit is under way any more.
    func settle() {
        for counter in everyCommitCounters where counter.inFlight.load(ordering: .relaxed) {
            counter.inFlight.store(false, ordering: .releasing)
        }
    }

    /// Writer queue: something that may have changed anything (a restore) is done.
    func didChangeAnything() {
        for counter in counters {
            counter.pending.store(false, ordering: .relaxed)
            counter.bump()
        }
        for counter in everyCommitCounters { counter.bump() }
    }
}
