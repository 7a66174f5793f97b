/// A failure of a domain operation, phrased for the API client. The API layer maps `kind` to an HTTP
/// status and renders `message` as the Akana fault string.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badRequest, unauthorized, forbidden, notFound, conflict, tooManyRequests
        /// The emulator cannot take the work now (a bounded queue is full); the client should retry.
        case unavailable
    }

    public var kind: Kind
    public var message: String
    /// Seconds after which a retry may succeed (sent as `Retry-After`), for `tooManyRequests` and `unavailable`.
    public var retryAfterSeconds: Int?

    public init(_ kind: Kind, _ message: String, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { message }

    public static func badRequest(_ message: String) -> DomainError { DomainError(.badRequest, message) }
    public static func unauthorized(_ message: String) -> DomainError { DomainError(.unauthorized, message) }
    public static func forbidden(_ message: String) -> DomainError { DomainError(.forbidden, message) }
    public static func notFound(_ message: String = "The resource could not be found.") -> DomainError {
        DomainError(.notFound, message)
    }
    public static func conflict(_ message: String) -> DomainError { DomainError(.conflict, message) }
}
