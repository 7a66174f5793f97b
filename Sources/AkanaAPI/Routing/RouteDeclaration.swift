import AkanaDomain

/// What an operation produces and who may call it, declared where the route is added so the
/// preamble every handler used to repeat (negotiate, authenticate, check the role) runs in one
/// place (`RoutePreamble`) before the handler. The declaration is resolved once, when the route
/// table is built: an undeclared route costs nothing per request, a declared one one call.
public struct RouteDeclaration: Sendable {
    /// The response forms the operation offers, best first; empty when it answers without a body
    /// (or negotiates itself, as `GET /api/login/endsession` does for one of its forms).
    public var produces: [Representation]
    public var access: RouteAccess
    /// A GET whose 200 answer is a function of the database, the target and the caller alone (no
    /// clock, no randomness, no other header): it may be answered from `ResponseCache`.
    public var cached: Bool

    public init(produces: [Representation] = [], access: RouteAccess = .anyone, cached: Bool = false) {
        self.produces = produces
        self.access = access
        self.cached = cached
    }

    /// No negotiation, no caller: the handler does it all.
    public static let none = RouteDeclaration()

    var isEmpty: Bool { produces.isEmpty && access == .anyone }
}

/// Who may call an operation. Everything but `.anyone` needs a valid session cookie, and the CSRF
/// header where the tenant's settings require it for the method (401 otherwise).
public enum RouteAccess: Sendable, Equatable {
    /// No session needed (login, the emulator's own routes).
    case anyone
    /// A signed-in user of the request's tenant.
    case session
    /// A signed-in user, without the CSRF check.
    case sessionWithoutCSRF
    /// A Business Admin or Site Admin; anyone else is refused 403 with `refusal`.
    case businessOrSiteAdmin(refusal: String)
    /// A Site Admin; anyone else is refused 403 with `refusal`.
    case siteAdmin(refusal: String)
}

/// Programming errors in a route: a handler asking for what its pattern or declaration does not
/// give it. They surface as a logged 500, never as an empty value.
public enum RouteError: Error, CustomStringConvertible, Equatable {
    case missingParameter(String)
    case undeclaredRepresentation
    case undeclaredCaller

    public var description: String {
        switch self {
        case .missingParameter(let name): "The route has no path parameter \(name)."
        case .undeclaredRepresentation: "The route reads the negotiated representation but declares nothing it produces."
        case .undeclaredCaller: "The route reads the caller but declares no access (.session or an admin role)."
        }
    }
}

/// The shared preamble of declared routes: negotiation first (406 before 401, as the platform
/// answers), then the session and CSRF check, then the role.
enum RoutePreamble {
    static func prepare(_ request: RouteRequest, _ declaration: RouteDeclaration, environment: APIEnvironment?) throws -> RouteRequest {
        var prepared = request
        if !declaration.produces.isEmpty { prepared.negotiated = try request.negotiate(declaration.produces) }
        switch declaration.access {
        case .anyone:
            return prepared
        case .session, .sessionWithoutCSRF, .businessOrSiteAdmin, .siteAdmin:
            guard let environment else { preconditionFailure("A route declaring access needs a Router built with the environment") }
            let caller = try environment.authenticate(request, csrfExempt: declaration.access == .sessionWithoutCSRF)
            switch declaration.access {
            case .businessOrSiteAdmin(let refusal):
                guard caller.session.isSiteAdmin || caller.session.isBusinessAdmin else { throw APIError(.forbidden, refusal) }
            case .siteAdmin(let refusal):
                guard caller.session.isSiteAdmin else { throw APIError(.forbidden, refusal) }
            default:
                break
            }
            prepared.authenticated = caller
            return prepared
        }
    }
}
