import Foundation
import Logging

/// What every event loop of one server shares: configuration, handler, logger, the connection
/// count (for `maxConnections`) and the shutdown rendezvous.
final class ServerContext: @unchecked Sendable {
    // @unchecked: the mutable counters are only touched while `condition` is locked.
    let configuration: HTTPServerConfiguration
    let handler: any HTTPHandler
    let logger: Logger
    let limits: HTTPRequestDecoder.Limits
    let idleTimeout: UInt64
    let headerReadTimeout: UInt64
    /// How long a closing connection keeps draining the client's bytes after its last response
    /// (so the kernel does not answer unread data with a reset that destroys that response).
    let lingerTimeout: UInt64 = 2_000_000_000

    private let condition = NSCondition()
    private var openConnections = 0
    private var quiescedLoops = 0

    init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.limits = configuration.decoderLimits
        self.idleTimeout = MonotonicClock.nanoseconds(configuration.idleTimeout)
        self.headerReadTimeout = MonotonicClock.nanoseconds(configuration.headerReadTimeout)
    }

    var connectionCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return openConnections
    }

    /// Counts a new connection unless `maxConnections` are already open.
    func admitConnection() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard openConnections < configuration.maxConnections else { return false }
        openConnections += 1
        return true
    }

    func connectionClosed() {
        condition.lock()
        openConnections -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// A draining loop reports that none of its connections has work in progress any more.
    func loopQuiesced() {
        condition.lock()
        quiescedLoops += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until `loopCount` loops have quiesced or `deadline` (monotonic ns) passes.
    @discardableResult
    func waitUntilQuiesced(loopCount: Int, deadline: UInt64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while quiescedLoops < loopCount {
            let now = MonotonicClock.now()
            guard now < deadline else { return false }
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(deadline - now) / 1e9))
        }
        return true
    }
}
