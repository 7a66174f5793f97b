import AkanaDomain
import DispatchHTTP

/// An error answered with an HTTP status and an Akana fault body
/// (`{"faultcode":"Client","faultstring":"…"}`, or its XML / text form as negotiated).
public struct APIError: Error, Sendable {
    public var status: HTTPStatus
    /// `Client` for 4xx (the caller's fault), `Server` for 5xx.
    public var faultCode: String
    public var message: String
    /// Extra response headers, e.g. `Allow` on 405 or `Retry-After` on 503.
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, _ message: String, headers: HTTPHeaders = [:]) {
        self.status = status
        self.faultCode = status.code >= 500 ? "Server" : "Client"
        self.message = message
        self.headers = headers
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    public static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, message) }
    public static func notFound(_ message: String = "The resource could not be found.") -> APIError {
        APIError(.notFound, message)
    }
    public static func notAcceptable(_ offered: [Representation]) -> APIError {
        let types = offered.map(\.defaultMediaType).joined(separator: ", ")
        return APIError(.notAcceptable, "None of the media types in the Accept header can be produced; this operation produces \(types).")
    }
    public static func unsupportedMediaType(_ contentType: String, accepted: String) -> APIError {
        APIError(.unsupportedMediaType, "Content-Type '\(contentType)' is not supported by this operation; use \(accepted).")
    }
    /// Seconds a client waits before retrying a write refused for a full disk (`Retry-After`).
    public static let diskFullRetryAfterSeconds = 5

    /// 507: the database's filesystem is full, so the change was not saved (nothing saved before
    /// it is lost, and reads go on); it can be sent again once space is freed.
    /// A write that found no room. `file`: what could not be written when it is not the database
    /// itself (a snapshot's copy), so the fault names the filesystem to free.
    public static func insufficientStorage(file: String? = nil) -> APIError {
        let message =
            if let file {
                "No room left on the filesystem holding \(file); it was not written. Free space there and send the request again."
            } else {
                "The emulator's database disk is full; this change was not saved. Free space on the filesystem "
                    + "holding the database (GET /_emulator/health names it) and send the request again."
            }
        return APIError(.insufficientStorage, message, headers: ["Retry-After": "\(diskFullRetryAfterSeconds)"])
    }

    public static func internalError() -> APIError { APIError(.internalServerError, "An error occurred processing the call.") }

    /// Maps a domain failure to its status.
    public init(_ error: DomainError) {
        let status: HTTPStatus
        switch error.kind {
        case .badRequest: status = .badRequest
        case .unauthorized: status = .unauthorized
        case .forbidden: status = .forbidden
        case .notFound: status = .notFound
        case .conflict: status = .conflict
        case .tooManyRequests: status = .tooManyRequests
        case .unavailable: status = .serviceUnavailable
        }
        self.init(status, error.message, headers: error.retryAfterSeconds.map { ["Retry-After": "\($0)"] } ?? [:])
    }
}
