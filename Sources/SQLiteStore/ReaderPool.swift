import Dispatch
import Foundation

/// A fixed set of read-only connections: a counting semaphore for the free slots and a free list
/// under a lock. Connections are lent to exactly one `read` body at a time.
///
/// `@unchecked Sendable`: `free` and `isClosed` are only touched under `lock`; a connection taken
/// from `free` is used by a single thread (the borrower) until it is given back.
final class ReaderPool: @unchecked Sendable {
    private let semaphore: DispatchSemaphore
    private let lock = NSLock()
    private var free: [SQLiteConnection]
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

    /// Waits for a free connection (only if all are lent out) and marks it borrowed.
    func borrow() throws -> SQLiteConnection {
        if lock.withLock({ isClosed }) { throw DatabaseError.closed(path) }
        semaphore.wait()
        let connection: SQLiteConnection? = lock.withLock {
            guard !isClosed else { return nil }
            let connection = free.removeLast()
            connection.isBorrowed = true
            return connection
        }
        guard let connection else {
            semaphore.signal()  // let the next waiter see the closed state too
            throw DatabaseError.closed(path)
        }
        return connection
    }

    /// Returns a borrowed connection to the free list.
    func giveBack(_ connection: SQLiteConnection) {
        lock.withLock {
            connection.isBorrowed = false
            free.append(connection)
        }
        semaphore.signal()
    }

    /// Refuses new borrows, waits until every connection has been given back, and returns them
    /// all (for closing). Returns `[]` if already closed.
    func drain() -> [SQLiteConnection] {
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
