/// Errors of the server's lifecycle (socket failures are `SocketError`).
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host is not an IPv4/IPv6 literal or "localhost", or the port is out of range.
    case invalidAddress(host: String, port: Int)
    /// `start()` was called twice.
    case alreadyStarted
    /// `start()` was called after `shutdown`.
    case alreadyStopped

    public var description: String {
        switch self {
        case .invalidAddress(let host, let port):
            "invalid listen address '\(host)' port \(port): expected an IPv4 or IPv6 literal or 'localhost', port 0-65535"
        case .alreadyStarted:
            "the server is already started"
        case .alreadyStopped:
            "the server has been shut down and cannot be restarted"
        }
    }
}
