import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed set of read-only connections: a counting semaphore for the free slots (the only
/// waiting here) and a free list in a `Mutex`. Connections are lent to exactly one `read` body
/// (one thread) at a time.
///
/// `@unchecked Sendable`: the connections are not `Sendable`; a connection taken from `free` is
/// used by a single thread (the borrower) until it is given back.
final class ReaderPool: @unchecked Sendable {
    /// A connection in the free list. `@unchecked Sendable`: while it is there nobody uses it, and
    /// once borrowed only its borrower does.
    private struct Idle: @unchecked Sendable {
        let connection: SQLiteConnection
    }

    private struct State: Sendable {
        var free: [Idle]
        /// The threads currently holding a connection (at most `count`).
        var borrowers: [pthread_t] = []
        var isClosed = false
    }

    private let semaphore: DispatchSemaphore
    private let state: Mutex<State>
    let count: Int
    private let path: String

    init(connections: [SQLiteConnection], path: String) {
        precondition(!connections.isEmpty, "a reader pool needs at least one connection")
        for connection in connections { connection.isBorrowed = false }
        self.state = Mutex(State(free: connections.map(Idle.init)))
        self.count = connections.count
        self.semaphore = DispatchSemaphore(value: connections.count)
        self.path = path
    }

    /// Whether the calling thread holds a connection of this pool right now.
    private func callerIsBorrower() -> Bool {
        let current = pthread_self()
        return state.withLock { $0.borrowers.contains { pthread_equal($0, current) != 0 } }
    }

    /// Waits for a free connection (only if all are lent out) and marks it borrowed.
    /// Traps if the calling thread already holds one: waiting for a second could deadlock.
    func borrow() throws -> SQLiteConnection {
        precondition(
            !callerIsBorrower(),
            "DatabasePool.read was called from inside a read body of the same pool (\(path)): reads are not "
                + "reentrant and this could deadlock once every reader is borrowed. Use the SQLiteConnection "
                + "passed to the body instead.")
        if state.withLock({ $0.isClosed }) { throw DatabaseError.closed(path) }
        semaphore.wait()
        let connection: SQLiteConnection? = state.withLock { state in
            guard !state.isClosed else { return nil }
            let connection = state.free.removeLast().connection
            connection.isBorrowed = true
            state.borrowers.append(pthread_self())
            return connection
        }
        guard let connection else {
            semaphore.signal()  // let the next waiter see the closed state too
            throw DatabaseError.closed(path)
        }
        return connection
    }

    /// Returns a connection borrowed by the calling thread to the free list.
    func giveBack(_ connection: SQLiteConnection) {
        let current = pthread_self()
        state.withLock { state in
            connection.isBorrowed = false
            state.free.append(Idle(connection: connection))
            if let index = state.borrowers.firstIndex(where: { pthread_equal($0, current) != 0 }) {
                state.borrowers.remove(at: index)
            }
        }
        semaphore.signal()
    }

    /// Refuses new borrows, waits until every connection has been given back, and returns them
    /// all (for closing). Returns `[]` if already closed. Traps if the caller holds a connection.
    func drain() -> [SQLiteConnection] {
        precondition(
            !callerIsBorrower(),
            "DatabasePool.close was called from inside a read body of the same pool (\(path)); it would wait "
                + "for that read forever")
        let wasClosed = state.withLock { state in
            defer { state.isClosed = true }
            return state.isClosed
        }
        if wasClosed { return [] }
        for _ in 0..<count { semaphore.wait() }
        let connections = state.withLock { state in
            defer { state.free.removeAll() }
            return state.free.map(\.connection)
        }
        // Wake anyone still blocked in `borrow`: they will find the pool closed.
        for _ in 0..<count { semaphore.signal() }
        return connections
    }
}
