import Foundation
import Synchronization

/// Whether the database's filesystem had room for the last writes: a full disk is a state the
/// pool reports (`DatabasePool.storage`), not an unexplained failure.
///
/// The pool notes every write, checkpoint and backup that failed because the disk is full
/// (`DatabaseError.isDiskFull`), and every write transaction that committed afterwards: the state
/// is `full` from the first such failure until a write commits again (space was freed). Nothing is
/// retried on the caller's behalf: a write that found the disk full rolled back, and its caller
/// was told so.
public final class StorageStatus: Sendable {
    /// Since when, and why, writes cannot commit.
    public struct DiskFull: Sendable, Equatable {
        /// The database file whose filesystem is full.
        public var path: String
        public var since: Date
        /// The first failure (SQLite's error, with the statement and the system errno).
        public var detail: String
        /// Failed writes, checkpoints and backups since `since`.
        public var failures: Int
    }

    /// A change of state, for the daemon's log: `full` when the first failure is noted, `nil`
    /// when a write committed again.
    public typealias Observer = @Sendable (DiskFull?) -> Void
    private struct ObserverBox: Sendable { let call: Observer }

    public let path: String
    private let state = Mutex<DiskFull?>(nil)
    /// Lets every commit check the state without taking the lock (it is almost always clear).
    private let isFull = Atomic<Bool>(false)
    private let observer = Mutex<ObserverBox?>(nil)

    init(path: String) {
        self.path = path
    }

    /// The disk-full state, or nil while writes commit.
    public var diskFull: DiskFull? {
        guard isFull.load(ordering: .acquiring) else { return nil }
        return state.withLock { $0 }
    }

    /// Calls `observer` on every change of state (on the thread that noted it; it must be quick).
    public func setObserver(_ observer: Observer?) {
        self.observer.withLock { $0 = observer.map(ObserverBox.init) }
    }

    /// Notes `error` when it says the disk is full; returns whether it did.
    @discardableResult
    public func noteFailure(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError, error.isDiskFull else { return false }
        noteDiskFull(String(describing: error))
        return true
    }

    /// Notes a disk-full failure told in words (e.g. a snapshot file that could not be copied).
    public func noteDiskFull(_ detail: String) {
        let started = state.withLock { state -> DiskFull? in
            if state != nil {
                state!.failures += 1
                return nil
            }
            state = DiskFull(path: path, since: Date(), detail: detail, failures: 1)
            isFull.store(true, ordering: .releasing)
            return state
        }
        if let started { observer.withLock { $0 }?.call(started) }
    }

    /// A write transaction committed: there is room again.
    func noteCommit() {
        guard isFull.load(ordering: .acquiring) else { return }
        let ended = state.withLock { state -> Bool in
            guard state != nil else { return false }
            state = nil
            isFull.store(false, ordering: .releasing)
            return true
        }
        if ended { observer.withLock { $0 }?.call(nil) }
    }
}
