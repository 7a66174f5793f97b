import Synchronization

/// Delivers the one response to one request. Call `respond(_:)` exactly once, synchronously
/// inside `HTTPHandler.handle` or later from any thread; further calls are ignored (and logged).
/// A responder whose connection has gone away silently drops the response. If a responder is
/// released without being called, the server answers 500 on its behalf.
public struct HTTPResponder: Sendable {
    private let box: ResponderBox

    init(loop: EventLoop, connectionID: UInt64, token: UInt64) {
        box = ResponderBox(sink: .connection(loop, connectionID, token))
    }

    /// A responder that hands the response to `callback` (for testing handlers without a server).
    public init(_ callback: @escaping @Sendable (HTTPResponse) -> Void) {
        box = ResponderBox(sink: .callback(callback))
    }

    public func respond(_ response: HTTPResponse) {
        box.respond(response)
    }

    /// Instead of answering: closes the connection at once, without a response (a client then sees
    /// the connection reset or closed mid-request). Counts as the one call.
    public func closeConnection() {
        box.closeConnection()
    }

    /// Whether `respond(_:)` has been called.
    public var hasResponded: Bool { box.hasResponded }
}

/// The shared state behind an `HTTPResponder` (which is a value type and may be copied).
final class ResponderBox: Sendable {
    enum Sink: Sendable {
        case connection(EventLoop, UInt64, UInt64)
        case callback(@Sendable (HTTPResponse) -> Void)
    }

    let sink: Sink
    private let responded = Mutex(false)

    init(sink: Sink) {
        self.sink = sink
    }

    var hasResponded: Bool { responded.withLock { $0 } }

    func respond(_ response: HTTPResponse) {
        let first = responded.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        switch sink {
        case .connection(let loop, let connectionID, let token):
            guard first else {
                loop.context.logger.warning("HTTPResponder.respond called more than once; extra response ignored")
                return
            }
            loop.deliver(response, connectionID: connectionID, token: token)
        case .callback(let callback):
            if first { callback(response) }
        }
    }

    func closeConnection() {
        let first = responded.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        switch sink {
        case .connection(let loop, let connectionID, let token):
            loop.abort(connectionID: connectionID, token: token)
        case .callback(let callback):
            callback(HTTPResponse(status: HTTPStatus(code: 0, reasonPhrase: "connection closed")))
        }
    }

    deinit {
        guard case .connection(let loop, let connectionID, let token) = sink, !hasResponded else { return }
        loop.context.logger.error("HTTP handler released its responder without responding; answering 500")
        let response = loop.context.configuration.errorResponse(.internalServerError, "the handler did not respond")
        loop.deliver(response, connectionID: connectionID, token: token, fromDeinit: true)
    }
}
