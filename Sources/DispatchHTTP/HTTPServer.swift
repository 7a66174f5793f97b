import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A generic HTTP/1.1 server on non-blocking sockets: `eventLoopCount` epoll loops, each hosted
/// on its own serial DispatchQueue; the listening socket is accepted on loop 0 and connections
/// are spread round-robin over the loops. Handlers run on the connection's loop thread.
///
/// Call `shutdown(gracePeriod:)` before dropping the last reference (the loops would otherwise
/// keep running; `deinit` shuts down with no grace period as a last resort).
public final class HTTPServer: Sendable {
    private enum Phase: Sendable {
        case idle
        case running
        case stopping
        case stopped
    }

    private struct State: Sendable {
        var phase = Phase.idle
        var loops: [EventLoop] = []
        var boundHost: String
        var boundPort: Int
        var loopsFinished = DispatchGroup()
        var shutdownFinished = DispatchGroup()
    }

    /// The lifecycle state, in a class of its own: a shutdown begun on an event loop finishes in the
    /// background and must not retain the server (it may run from `deinit`).
    private final class SharedState: Sendable {
        private let mutex: Mutex<State>

        init(_ state: State) {
            mutex = Mutex(state)
        }

        func withLock<Result, E: Error>(_ body: (inout sending State) throws(E) -> sending Result) throws(E) -> sending Result {
            try mutex.withLock(body)
        }
    }

    private let context: ServerContext
    private let state: SharedState

    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) {
        context = ServerContext(configuration: configuration, handler: handler, logger: logger)
        state = SharedState(State(boundHost: configuration.host, boundPort: configuration.port))
    }

    deinit {
        let running = state.withLock { $0.phase == .running }
        if running { shutdown(gracePeriod: 0) }
    }

    public var configuration: HTTPServerConfiguration { context.configuration }

    /// The bound port (after `start()`; the configured one before).
    public var port: Int { state.withLock { $0.boundPort } }

    /// The bound host as a numeric address (after `start()`; the configured one before).
    public var host: String { state.withLock { $0.boundHost } }

    /// Connections currently open (not counting ones being refused with 503).
    public var connectionCount: Int { context.connectionCount }

    /// The state of every open connection, collected on each loop (for test diagnostics).
    func debugConnections() -> [String] {
        let loops = state.withLock { $0.loops }
        let result = Mutex<[String]>([])
        let group = DispatchGroup()
        for loop in loops {
            group.enter()
            let queued = loop.execute {
                result.withLock { $0 += loop.debugDescribeConnections() }
                group.leave()
            }
            if !queued { group.leave() }
        }
        group.wait()
        return result.withLock { $0 }
    }

    /// Total `epoll_wait` returns over all loops (for tests: an idle server must not spin).
    var eventLoopWakeUps: UInt64 {
        state.withLock { $0.loops }.reduce(0) { $0 + $1.wakeUps.load(ordering: .relaxed) }
    }

    /// Creates the listening socket (`SO_REUSEADDR`, bind, listen) and starts the event loops.
    ///
    /// - Throws: `HTTPServerError` for a bad address or a second start, `SocketError` (with errno
    ///   and message, e.g. "bind 127.0.0.1:8080 failed: Address already in use (errno 98)").
    public func start() throws {
        try state.withLock { state in
            switch state.phase {
            case .idle: break
            case .running: throw HTTPServerError.alreadyStarted
            case .stopping, .stopped: throw HTTPServerError.alreadyStopped
            }
            Socket.ignoreSIGPIPE()
            let configuration = context.configuration
            let address = try SocketAddress.resolve(host: configuration.host, port: configuration.port)
            let listener = try Socket.makeListener(address, backlog: configuration.backlog)
            var loops: [EventLoop] = []
            do {
                let bound = try Socket.localAddress(listener)
                for index in 0..<max(1, configuration.eventLoopCount) {
                    loops.append(try EventLoop(index: index, context: context))
                }
                state.boundHost = bound.host
                state.boundPort = bound.port
            } catch {
                Socket.close(listener)
                for loop in loops { loop.start(group: state.loopsFinished) }
                for loop in loops { loop.execute { loop.stop() } }
                state.loopsFinished.wait()
                throw error
            }
            for loop in loops { loop.start(group: state.loopsFinished) }
            let first = loops[0]
            let peers = loops
            first.execute { first.startListening(listener, peers: peers) }
            state.loops = loops
            state.phase = .running
            state.shutdownFinished.enter()
            context.logger.info(
                "HTTP server listening",
                metadata: [
                    "address": "\(SocketAddress.formatted(host: state.boundHost, port: state.boundPort))",
                    "eventLoops": "\(loops.count)"
                ])
        }
    }

    /// Graceful stop: stop accepting (close the listener), close idle keep-alive connections,
    /// let requests in progress finish and be written (waits up to `gracePeriod` seconds), then
    /// close everything and stop the loops. Blocks until done.
    ///
    /// Idempotent and safe from any thread; a concurrent second call waits for the first. Called
    /// from one of this server's own event-loop threads (inside a handler), it cannot block: the
    /// shutdown then proceeds in the background and the call returns at once.
    public func shutdown(gracePeriod: Double) {
        enum Action {
            case nothing
            case wait(DispatchGroup)
            case run([EventLoop], DispatchGroup, DispatchGroup)
        }
        let action = state.withLock { state -> Action in
            switch state.phase {
            case .idle:
                state.phase = .stopped
                return .nothing
            case .stopped:
                return .nothing
            case .stopping:
                return .wait(state.shutdownFinished)
            case .running:
                state.phase = .stopping
                return .run(state.loops, state.loopsFinished, state.shutdownFinished)
            }
        }
        switch action {
        case .nothing:
            return
        case .wait(let finished):
            if !state.withLock({ $0.loops.contains(where: \.inEventLoop) }) { finished.wait() }
        case .run(let loops, let loopsFinished, let shutdownFinished):
            if loops.contains(where: \.inEventLoop) {
                let context = context
                let state = state
                DispatchQueue.global().async {
                    Self.performShutdown(
                        context: context, state: state, loops: loops, gracePeriod: gracePeriod,
                        loopsFinished: loopsFinished, shutdownFinished: shutdownFinished)
                }
            } else {
                Self.performShutdown(
                    context: context, state: state, loops: loops, gracePeriod: gracePeriod,
                    loopsFinished: loopsFinished, shutdownFinished: shutdownFinished)
            }
        }
    }

    /// Static so that it never retains the server (it may run from `deinit`).
    private static func performShutdown(
        context: ServerContext, state: SharedState, loops: [EventLoop],
        gracePeriod: Double, loopsFinished: DispatchGroup,
        shutdownFinished: DispatchGroup
    ) {
        let started = MonotonicClock.now()
        context.logger.info("HTTP server shutting down", metadata: ["gracePeriod": "\(gracePeriod)"])
        // 1. Stop accepting. Hand-offs already posted to other loops stay ahead of step 2 in
        //    their mailboxes, so no connection can arrive after its loop started draining.
        let listenerClosed = DispatchSemaphore(value: 0)
        let first = loops[0]
        if first.execute({
            first.closeListener()
            listenerClosed.signal()
        }) {
            listenerClosed.wait()
        }
        // 2. Close idle connections; later responses carry `Connection: close`.
        for loop in loops { loop.execute { loop.beginDraining() } }
        // 3. Wait for requests in progress to be answered and written.
        let deadline = started &+ MonotonicClock.nanoseconds(gracePeriod)
        if !context.waitUntilQuiesced(loopCount: loops.count, deadline: deadline) {
            context.logger.warning("grace period over; closing connections with requests in progress")
        }
        // 4. Close everything and end the loops.
        for loop in loops { loop.execute { loop.stop() } }
        loopsFinished.wait()
        state.withLock { $0.phase = .stopped }
        context.logger.info("HTTP server stopped")
        shutdownFinished.leave()
    }
}

extension SocketAddress {
    static func formatted(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
