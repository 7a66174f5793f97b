/// Why a request could not be decoded, with the status the server answers before it closes the
/// connection (400, 408, 413, 417, 431, 501 or 505).
public struct HTTPDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPStatus
    public var message: String

    public init(_ status: HTTPStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }

    static func badRequest(_ message: String) -> HTTPDecodingError { .init(.badRequest, message) }
}
