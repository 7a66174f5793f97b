/// The application's entry point for requests.
public protocol HTTPHandler: Sendable {
    /// Called on the connection's event-loop thread. Must call `responder.respond(_:)` exactly
    /// once, now or later, from any thread.
    ///
    /// Do not block here: the thread serves every connection of its loop. Slow work (database,
    /// file I/O) belongs on another queue, which then calls the responder. While a response is
    /// pending no further request of the same connection is parsed (pipelined requests are
    /// answered strictly in order).
    func handle(_ request: HTTPRequest, responder: HTTPResponder)
}

/// A handler made from a closure, handy in tests and small tools.
public struct ClosureHTTPHandler: HTTPHandler {
    private let body: @Sendable (HTTPRequest, HTTPResponder) -> Void

    public init(_ body: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void) {
        self.body = body
    }

    public func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        body(request, responder)
    }
}
