import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One epoll instance plus an eventfd for wake-ups, whose `epoll_wait` loop runs as a single
/// long-running work item on the loop's own serial DispatchQueue.
///
/// Threading: everything below "Loop-thread state" is touched only by the loop's thread (inside
/// `run()`); other threads talk to the loop only through `execute(_:)`, which appends to the
/// `Mutex`-protected mailbox and writes the eventfd. Registration is edge-triggered: every reader
/// drains to EAGAIN, and EPOLLOUT is requested only while output is pending.
final class EventLoop: @unchecked Sendable {
    // @unchecked: see the threading note above; `mailbox` is the only cross-thread state.

    /// epoll `data` values that are not connection ids.
    private static let wakeToken: UInt64 = 0
    private static let listenerToken: UInt64 = 1
    private static let firstConnectionID: UInt64 = 2
    private static let eventCapacity: Int32 = 256
    private static let readBufferSize = 64 * 1024
    /// Rejected (503) connections still being answered beyond this count are closed at once.
    private static let maxRejectedInFlight = 256
    /// At most one "connection limit reached" warning per this many nanoseconds.
    private static let rejectLogInterval: UInt64 = 5_000_000_000
    private static let acceptBackoff: UInt64 = 100_000_000

    private static let queueKey = DispatchSpecificKey<UInt64>()
    private static let loopIDs = Mutex<UInt64>(0)

    let index: Int
    /// Unique in the process; prefixes request ids.
    let loopID: UInt64
    let context: ServerContext
    private let epollFD: Int32
    private let wakeFD: Int32
    private let queue: DispatchQueue

    private struct Mailbox {
        var tasks: [@Sendable () -> Void] = []
        var wakePending = false
        var closed = false
    }

    private let mailbox = Mutex(Mailbox())
    /// How many times `epoll_wait` returned (lets tests check that an idle loop really sleeps).
    let wakeUps = Atomic<UInt64>(0)

    // MARK: Loop-thread state

    private var connections: [UInt64: Connection] = [:]
    private var nextConnectionID = EventLoop.firstConnectionID
    private var requestCounter: UInt64 = 0
    private var listenerFD: Int32 = -1
    private var peers: [EventLoop] = []
    private var roundRobin = 0
    private var acceptRetryAt: UInt64?
    private var nextDeadline: UInt64 = .max
    private var running = true
    private var quiesceReported = false
    private var rejectedInFlight = 0
    private var rejectedSinceLog = 0
    private var lastRejectLog: UInt64 = 0
    private var dateCache = HTTPDate()
    /// True once the server is shutting down: idle connections are closed, responses carry
    /// `Connection: close`.
    private(set) var draining = false
    /// The loop's scratch buffer every connection reads into before feeding its decoder.
    let readBuffer: UnsafeMutableRawBufferPointer

    init(index: Int, context: ServerContext) throws(SocketError) {
        self.index = index
        self.context = context
        self.loopID = Self.loopIDs.withLock { next in
            defer { next += 1 }
            return next
        }
        let epollFD = Epoll.create()
        guard epollFD >= 0 else { throw .last("epoll_create1") }
        let wakeFD = Epoll.makeEventFD()
        guard wakeFD >= 0 else {
            let error = SocketError.last("eventfd")
            Socket.close(epollFD)
            throw error
        }
        guard Epoll.control(epollFD, .add, wakeFD, events: [.input], data: Self.wakeToken) == 0 else {
            let error = SocketError.last("epoll_ctl(eventfd)")
            Socket.close(wakeFD)
            Socket.close(epollFD)
            throw error
        }
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        self.queue = DispatchQueue(label: "DispatchHTTP.EventLoop.\(index)")
        self.readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
        queue.setSpecific(key: Self.queueKey, value: loopID)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Whether the caller runs on this loop's thread.
    var inEventLoop: Bool {
        DispatchQueue.getSpecific(key: Self.queueKey) == loopID
    }

    /// Starts the `epoll_wait` loop as one long-running work item on the loop's queue.
    func start(group: DispatchGroup) {
        group.enter()
        queue.async {
            self.run()
            group.leave()
        }
    }

    /// Runs `task` on the loop's thread. Returns false (and drops `task`) once the loop has stopped.
    @discardableResult
    func execute(_ task: @escaping @Sendable () -> Void) -> Bool {
        mailbox.withLock { box in
            guard !box.closed else { return false }
            box.tasks.append(task)
            if !box.wakePending {
                box.wakePending = true
                var one: UInt64 = 1
                // Written under the lock so it can never race with the close of `wakeFD`.
                _ = Glibc.write(wakeFD, &one, MemoryLayout<UInt64>.size)
            }
            return true
        }
    }

    /// Hands a response to its connection: directly when already on the loop thread, otherwise
    /// through the mailbox. A connection that is gone, or no longer waiting for `token`, ignores it.
    func deliver(_ response: HTTPResponse, connectionID: UInt64, token: UInt64, fromDeinit: Bool = false) {
        if !fromDeinit && inEventLoop {
            connections[connectionID]?.respond(response, token: token)
        } else {
            execute { [self] in
                connections[connectionID]?.respond(response, token: token)
            }
        }
    }

    /// Closes a connection instead of answering its request `token` (see `HTTPResponder.closeConnection`).
    func abort(connectionID: UInt64, token: UInt64) {
        execute { [self] in
            connections[connectionID]?.abort(token: token)
        }
    }

    // MARK: - The loop

    private func run() {
        let events = UnsafeMutableRawPointer.allocate(
            byteCount: Int(Self.eventCapacity) * Epoll.eventSize,
            alignment: 8)
        defer { events.deallocate() }
        while running {
            let count = Epoll.wait(epollFD, events, capacity: Self.eventCapacity, timeout: waitTimeout())
            let error = count < 0 ? errno : 0
            wakeUps.wrappingAdd(1, ordering: .relaxed)
            if count < 0 {
                if error != EINTR {  // EINTR: no events this time
                    context.logger.critical(
                        "epoll_wait failed; event loop \(index) stops",
                        metadata: ["error": "\(SocketError(operation: "epoll_wait", errno: error))"])
                    break
                }
            }
            for position in 0..<Int(max(count, 0)) {
                let (flags, data) = Epoll.event(at: position, in: events)
                switch data {
                case Self.wakeToken:
                    runMailbox()
                case Self.listenerToken:
                    acceptConnections()
                default:
                    connections[data]?.handle(flags)
                }
            }
            fireDeadlines()
            if draining { reportQuiescenceIfDone() }
        }
        tearDown()
    }

    private func waitTimeout() -> Int32 {
        guard nextDeadline != .max else { return -1 }
        let now = MonotonicClock.now()
        guard nextDeadline > now else { return 0 }
        let milliseconds = (nextDeadline - now + 999_999) / 1_000_000
        return Int32(min(milliseconds, UInt64(Int32.max)))
    }

    private func runMailbox() {
        var counter: UInt64 = 0
        _ = Glibc.read(wakeFD, &counter, MemoryLayout<UInt64>.size)
        let tasks = mailbox.withLock { box -> [@Sendable () -> Void] in
            box.wakePending = false
            defer { box.tasks.removeAll(keepingCapacity: true) }
            return box.tasks
        }
        for task in tasks { task() }
    }

    private func tearDown() {
        running = false
        for connection in Array(connections.values) { connection.close() }
        closeListener()
        // Anything posted from now on is refused; what is already queued runs against a loop with
        // no connections (late responses are dropped, late hand-offs are closed).
        let remaining = mailbox.withLock { box -> [@Sendable () -> Void] in
            box.closed = true
            defer { box.tasks.removeAll() }
            return box.tasks
        }
        for task in remaining { task() }
        for connection in Array(connections.values) { connection.close() }
        peers = []  // loop 0 lists itself: break the cycle
        if !quiesceReported {
            quiesceReported = true
            context.loopQuiesced()
        }
        mailbox.withLock { _ in
            Socket.close(wakeFD)
        }
        Socket.close(epollFD)
        context.logger.trace("event loop \(index) stopped")
    }

    // MARK: - Deadlines

    /// Makes sure the loop wakes up by `deadline` (monotonic ns).
    func schedule(deadline: UInt64) {
        if deadline < nextDeadline { nextDeadline = deadline }
    }

    private func fireDeadlines() {
        let now = MonotonicClock.now()
        guard now >= nextDeadline else { return }
        for connection in Array(connections.values) where connection.deadline != 0 && connection.deadline <= now {
            connection.deadlineExpired()
        }
        if let retry = acceptRetryAt, retry <= now {
            acceptRetryAt = nil
            acceptConnections()
        }
        var next = acceptRetryAt ?? .max
        for connection in connections.values where connection.deadline != 0 && connection.deadline < next {
            next = connection.deadline
        }
        nextDeadline = next
    }

    // MARK: - Connections

    func nextRequestID() -> String {
        requestCounter += 1
        return "\(loopID)-\(requestCounter)"
    }

    func currentDate() -> [UInt8] {
        dateCache.current()
    }

    /// Starts accepting on `fd` (loop 0 only) and spreads connections round-robin over `peers`.
    func startListening(_ fd: Int32, peers: [EventLoop]) {
        guard running, !draining else {
            Socket.close(fd)
            return
        }
        listenerFD = fd
        self.peers = peers
        guard Epoll.control(epollFD, .add, fd, events: [.input, .edgeTriggered], data: Self.listenerToken) == 0 else {
            context.logger.critical(
                "cannot watch the listening socket",
                metadata: ["error": "\(SocketError.last("epoll_ctl(listener)"))"])
            closeListener()
            return
        }
        acceptConnections()
    }

    func closeListener() {
        guard listenerFD >= 0 else { return }
        _ = Epoll.control(epollFD, .delete, listenerFD, events: [], data: 0)
        Socket.close(listenerFD)
        listenerFD = -1
        acceptRetryAt = nil
    }

    private func acceptConnections() {
        while listenerFD >= 0 {
            switch Socket.accept(listenerFD) {
            case .wouldBlock:
                return
            case .retry:
                continue
            case .exhausted(let error), .failed(let error):
                context.logger.warning(
                    "accept failed; retrying shortly",
                    metadata: ["error": "\(SocketError(operation: "accept", errno: error))"])
                let retry = MonotonicClock.now() + Self.acceptBackoff
                acceptRetryAt = retry
                schedule(deadline: retry)
                return
            case .accepted(let fd, let address):
                let remote = address.description
                guard context.admitConnection() else {
                    reject(fd, remote: remote)
                    continue
                }
                let target = peers.isEmpty ? self : peers[roundRobin % peers.count]
                roundRobin &+= 1
                if target === self {
                    adopt(fd, remote: remote, admitted: true)
                } else if !target.execute({ target.adopt(fd, remote: remote, admitted: true) }) {
                    Socket.close(fd)
                    context.connectionClosed()
                }
            }
        }
    }

    /// Over `maxConnections`: answer 503 with `Connection: close`, then close.
    private func reject(_ fd: Int32, remote: String) {
        rejectedSinceLog += 1
        let now = MonotonicClock.now()
        if lastRejectLog == 0 || now - lastRejectLog >= Self.rejectLogInterval {
            context.logger.warning(
                "connection limit reached; answering 503",
                metadata: [
                    "limit": "\(context.configuration.maxConnections)",
                    "refused": "\(rejectedSinceLog)", "lastRemote": "\(remote)"
                ])
            lastRejectLog = now
            rejectedSinceLog = 0
        }
        guard rejectedInFlight < Self.maxRejectedInFlight else {
            Socket.close(fd)
            return
        }
        rejectedInFlight += 1
        guard let connection = adopt(fd, remote: remote, admitted: false) else { return }
        connection.sendError(.serviceUnavailable, "too many connections")
    }

    /// Registers an accepted socket with this loop (on the loop's thread).
    @discardableResult
    func adopt(_ fd: Int32, remote: String, admitted: Bool) -> Connection? {
        guard running else {
            Socket.close(fd)
            if admitted { context.connectionClosed() } else { rejectedInFlight -= 1 }
            return nil
        }
        let id = nextConnectionID
        nextConnectionID += 1
        let connection = Connection(id: id, fd: fd, remoteAddress: remote, loop: self, admitted: admitted)
        connections[id] = connection
        guard Epoll.control(epollFD, .add, fd, events: Connection.watchedEvents, data: id) == 0 else {
            context.logger.error("cannot watch a connection", metadata: ["error": "\(SocketError.last("epoll_ctl"))"])
            connection.close()
            return nil
        }
        context.logger.trace("connection opened", metadata: ["remote": "\(remote)", "loop": "\(index)"])
        if admitted { connection.start() }
        return connection
    }

    /// Changes what epoll reports for a connection (EPOLLOUT only while output is pending).
    func watch(_ connection: Connection, writable: Bool) {
        let events: Epoll.Events = writable ? Connection.watchedEvents.union(.output) : Connection.watchedEvents
        _ = Epoll.control(epollFD, .modify, connection.fd, events: events, data: connection.id)
    }

    /// The one place a connection's descriptor is closed.
    func closeConnection(_ connection: Connection) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        // close() also removes the fd from the epoll set (it is never duplicated).
        Socket.close(connection.fd)
        if connection.admitted {
            context.connectionClosed()
        } else {
            rejectedInFlight -= 1
        }
        context.logger.trace("connection closed", metadata: ["remote": "\(connection.remoteAddress)"])
    }

    /// The state of every connection of this loop (for test diagnostics; loop thread only).
    func debugDescribeConnections() -> [String] {
        connections.values.map { $0.debugState }
    }

    // MARK: - Shutdown

    /// Closes idle connections and makes every later response close its connection.
    func beginDraining() {
        draining = true
        for connection in Array(connections.values) { connection.beginDraining() }
        reportQuiescenceIfDone()
    }

    private func reportQuiescenceIfDone() {
        guard !quiesceReported, connections.values.allSatisfy(\.isQuiescent) else { return }
        quiesceReported = true
        context.loopQuiesced()
    }

    /// Ends `run()` after the current iteration; `tearDown` closes whatever is left.
    func stop() {
        running = false
    }
}
