import Foundation

/// Listening address, event-loop count, limits and deadlines of an `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal (`"127.0.0.1"`, `"0.0.0.0"`, `"::1"`, `"::"`) or `"localhost"`
    /// (→ 127.0.0.1). No DNS look-up is done.
    public var host: String = "127.0.0.1"
    /// 0 binds any free port; read it back with `HTTPServer.port`.
    public var port: Int = 8080
    /// Number of epoll loops, each on its own serial DispatchQueue (at least 1).
    public var eventLoopCount: Int = ProcessInfo.processInfo.activeProcessorCount
    public var backlog: Int32 = 1024
    /// Request line + header section; over → 431 and close.
    public var maxHeaderBytes: Int = 65_536
    /// Header fields per request; over → 431 and close.
    public var maxHeaderCount: Int = 200
    /// `Content-Length` or decoded chunked total; over → 413 and close (checked before allocating).
    public var maxBodyBytes: Int = 1_048_576
    /// Seconds from the first byte of a request to its last (head and body); over → 408 and close.
    public var headerReadTimeout: Double = 10
    /// Seconds a connection may sit with no request in progress (after accept or after a
    /// response) before it is closed quietly. Also bounds how long a response may wait for the
    /// client to read it without any progress.
    public var idleTimeout: Double = 60
    /// Open connections; one more is accepted, answered 503 with `Connection: close`, and closed.
    public var maxConnections: Int = 1024
    /// Renders the server's own error responses (400, 408, 413, 417, 431, 501, 503, 505, and 500
    /// when a handler drops its responder). The server adds `Connection: close`.
    public var errorResponse: @Sendable (HTTPStatus, String) -> HTTPResponse = HTTPServerConfiguration.plainTextErrorResponse

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        eventLoopCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        backlog: Int32 = 1024,
        maxHeaderBytes: Int = 65_536,
        maxHeaderCount: Int = 200,
        maxBodyBytes: Int = 1_048_576,
        headerReadTimeout: Double = 10,
        idleTimeout: Double = 60,
        maxConnections: Int = 1024,
        errorResponse: @escaping @Sendable (HTTPStatus, String) -> HTTPResponse = HTTPServerConfiguration.plainTextErrorResponse
    ) {
        self.host = host
        self.port = port
        self.eventLoopCount = eventLoopCount
        self.backlog = backlog
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.headerReadTimeout = headerReadTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.errorResponse = errorResponse
    }

    /// The default error rendering: `text/plain`, body `"<code> <reason>: <message>\n"`.
    public static let plainTextErrorResponse: @Sendable (HTTPStatus, String) -> HTTPResponse = { status, message in
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"],
            body: Array("\(status.description): \(message)\n".utf8))
    }

    var decoderLimits: HTTPRequestDecoder.Limits {
        HTTPRequestDecoder.Limits(
            maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount,
            maxBodyBytes: maxBodyBytes)
    }
}
