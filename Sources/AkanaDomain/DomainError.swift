/// A failure of a domain operation, phrased for the API client. The API layer maps `kind` to an HTTP
/// status and renders `message` as the Akana fault string.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badRequest, unauthorized, forbidden, notFound, conflict, tooManyRequests
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
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
