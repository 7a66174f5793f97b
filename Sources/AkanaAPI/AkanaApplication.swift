import AkanaDomain
import Dispatch
import DispatchHTTP
import Logging
import SQLiteStore

/// The emulator's HTTP handler: routes each request, turns every failure into an Akana fault in the
/// negotiated form, and logs one line per request (method, path, status, duration, request id).
public final class AkanaApplication: HTTPHandler {
    private let router: Router
    private let logger: Logger
    /// When set, every `/_emulator/` route needs `Authorization: Bearer <adminToken>` (the daemon
    /// sets it when listening on a non-loopback address).
    private let adminToken: [UInt8]?
    /// Records each request in the environment's journal; nothing is journaled without an environment.
    let journalHook: RequestJournalHook?

    public init(router: Router, logger: Logger, adminToken: String? = nil, environment: APIEnvironment? = nil) {
        self.router = router
        self.logger = logger
        self.journalHook = environment.flatMap(RequestJournalHook.init)
        self.adminToken = adminToken.map { Array("Bearer \($0)".utf8) }
    }

    public func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let started = DispatchTime.now().uptimeNanoseconds
        let journaling = journalHook?.begin(request)  // nil when the journal is off
        let response: HTTPResponse
        if let journaling {
            // The journal's participant joins the request's write transactions (its entry commits with the change).
            response = journaling.journal.database.withParticipant(journaling) {
                RequestNotes.$current.withValue(journaling.notes) { respond(to: request) }
            }
        } else {
            response = respond(to: request)
        }
        let micros = (DispatchTime.now().uptimeNanoseconds &- started) / 1000
        if logger.logLevel <= .info {
            let fraction = micros % 1000
            let padded = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
            logger.info("\(request.method.rawValue) \(request.path) \(response.status.code) \(micros / 1000).\(padded)ms id=\(request.id)")
        }
        journaling?.record(response, micros: micros)  // before responding: a client reads back its own request
        responder.respond(response)
    }

    /// Routes and runs the request; never throws.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        if let adminToken, request.pathSegments.first == "_emulator",
           !Crypto.constantTimeEquals(Array((request.headers["Authorization"] ?? "").utf8), adminToken) {
            return FaultRenderer.response(
                for: APIError(.unauthorized, "The /_emulator/ routes need the header 'Authorization: Bearer <adminToken>' on a non-loopback address.",
                              headers: ["WWW-Authenticate": "Bearer"]),
                accept: request.headers["Accept"])
        }
        switch router.resolve(method: request.method, segments: request.pathSegments) {
        case .matched(let handler, let parameters):
            if !parameters.isEmpty { RequestNotes.current?.noteParameters(parameters) }
            do {
                return try handler(RouteRequest(http: request, parameters: parameters))
            } catch let error as APIError {
                return FaultRenderer.response(for: error, accept: request.headers["Accept"])
            } catch let error as DomainError {
                return FaultRenderer.response(for: APIError(error), accept: request.headers["Accept"])
            } catch {
                logger.error("\(request.method.rawValue) \(request.path) failed: \(String(reflecting: error)) id=\(request.id)")
                return FaultRenderer.response(for: Self.serverError(error), accept: request.headers["Accept"])
            }
        case .methodNotAllowed(let allowed):
            let error = APIError(
                .methodNotAllowed, "Method \(request.method.rawValue) is not allowed on \(request.path); allowed: \(allowed.map(\.rawValue).joined(separator: ", ")).",
                headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")])
            return FaultRenderer.response(for: error, accept: request.headers["Accept"])
        case .notFound:
            return FaultRenderer.response(for: .notFound("The resource could not be found: \(request.path)"), accept: request.headers["Accept"])
        }
    }

    /// A database that is busy beyond its timeout asks the client to retry; anything else is a 500.
    private static func serverError(_ error: any Error) -> APIError {
        if let error = error as? DatabaseError, error.isBusy {
            return APIError(.serviceUnavailable, "The database is busy; retry shortly.", headers: ["Retry-After": "1"])
        }
        return .internalError()
    }
}
