import Foundation
import SQLiteStore
import Synchronization

/// What the daemon knows about the database file's integrity, for `GET /_emulator/health`: the
/// check is skipped after a clean shutdown, and runs in the background after an unclean one.
public final class IntegrityStatus: Sendable {
    public enum State: Sendable, Equatable {
        /// The last run closed the database cleanly: startup did not read the file.
        case skipped
        /// `PRAGMA quick_check` is running (after an unclean stop).
        case checking
        case ok
        /// Problems found (or the check failed), with what to do.
        case damaged([String])
    }

    private let state: Mutex<State>

    public init(_ state: State = .skipped) {
        self.state = Mutex(state)
    }

    public var current: State { state.withLock { $0 } }

    public func set(_ new: State) { state.withLock { $0 = new } }

    /// What an operator does about a damaged database.
    public static let advice =
        "Stop the emulator, then restore a snapshot (akana-emulator snapshot restore NAME) or a backup, or move the file away to start fresh; akana-emulator check runs the full PRAGMA integrity_check."

    /// Runs `PRAGMA quick_check` on a reader of `pool` on a background queue, recording the
    /// outcome and calling `report` with it.
    public func checkInBackground(_ pool: DatabasePool, report: @escaping @Sendable (State) -> Void) {
        set(.checking)
        DispatchQueue.global(qos: .utility).async {
            let outcome: State
            do {
                let problems = try pool.integrityCheck(quick: true)
                outcome = problems.isEmpty ? .ok : .damaged(Array(problems.prefix(20)))
            } catch let error as DatabaseError where error.resultCode == 21 && error.message.contains("closed") {
                return  // the daemon stopped first
            } catch {
                outcome = .damaged(["\(error)"])
            }
            self.set(outcome)
            report(outcome)
        }
    }
}
