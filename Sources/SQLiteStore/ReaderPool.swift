import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of read-only connections: a counting semaphore for the free slots and a free list
/// under a lock. Connections are lent to exactly one `read` body (one thread) at a time.
///
/// `@unchecked Sendable`: `free`, `borrowers` and `isClosed` are only touched under `lock`; a
/// connection taken from `free` is used by a single thread (the borrower) until it is given back.
final class ReaderPool: @unchecked Sendable {
    private let semaphore: DispatchSemaphore
    private let lock = NSLock()
    private var free: [SQLiteConnection]
    /// The threads currently holding a connection (at most `count`).
    private var borrowers: [pthread_t] = []
    private var isClosed = false
    let count: Int
    private let path: String

    init(connections: [SQLiteConnection], path: String) {
        precondition(!connections.isEmpty, "a reader pool needs at least one connection")
        for connection in connections { connection.isBorrowed = false }
        self.free = connections
        self.count = connections.count
        self.semaphore = DispatchSemaphore(value: connections.count)
        self.path = path
    }

    /// Whether the calling thread holds a connection of this pool right now.
    private func callerIsBorrower() -> Bool {
        let current = pthread_self()
        return lock.withLock { borrowers.contains { pthread_equal($0, current) != 0 } }
    }

    /// Waits for a free connection (only if all are lent out) and marks it borrowed.
    /// Traps if the calling thread already holds one: waiting for a second could deadlock.
    func borrow() throws -> SQLiteConnection {
        precondition(
            !callerIsBorrower(),
            "DatabasePool.read was called from inside a read body of the same pool (\(path)): reads are not "
                + "reentrant and this could deadlock once every reader is borrowed. Use the SQLiteConnection "
                + "passed to the body instead.")
        if lock.withLock({ isClosed }) { throw DatabaseError.closed(path) }
        semaphore.wait()
        let connection: SQLiteConnection? = lock.withLock {
            guard !isClosed else { return nil }
            let connection = free.removeLast()
            connection.isBorrowed = true
            borrowers.append(pthread_self())
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
        lock.withLock {
            connection.isBorrowed = false
            free.append(connection)
            if let index = borrowers.firstIndex(where: { pthread_equal($0, current) != 0 }) {
                borrowers.remove(at: index)
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
        let wasClosed = lock.withLock {
            defer { isClosed = true }
            return isClosed
        }
        if wasClosed { return [] }
        for _ in 0..<count { semaphore.wait() }
        let connections = lock.withLock {
            defer { free.removeAll() }
            return free
        }
        // Wake anyone still blocked in `borrow`: they will find the pool closed.
        for _ in 0..<count { semaphore.signal() }
        return connections
    }
}
