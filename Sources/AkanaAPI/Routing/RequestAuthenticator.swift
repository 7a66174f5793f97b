import AkanaDomain
import DispatchHTTP

/// Who is calling: the request's tenant (from `Host`), its verified session, and the CSRF rule.
public struct CallerContext: Sendable {
    public var tenant: TenantSettings
    public var session: AuthenticatedSession
}

extension APIEnvironment {
    /// The tenant a request addresses.
    public func tenant(of request: HTTPRequest) -> TenantSettings {
        tenants.tenant(forHost: request.headers["Host"])
    }

    /// Verifies the `AtmoAuthToken_<tenant>` cookie and, where the tenant's settings require it for
    /// this method, the `X-Csrf-Token_<tenant>` header. Any failure is a 401 fault. The session
    /// carries the request's scope, so every service call made for it joins the request's journal
    /// entry and obeys its deadline.
    public func authenticate(_ route: RouteRequest, csrfExempt: Bool = false) throws -> CallerContext {
        let request = route.http
        let tenant = tenant(of: request)
        let cookie = Cookies.value(named: SessionCookie.authCookieName(tenant: tenant.fedmemberid), in: request.headers)
        var session = try sessions.authenticate(tenant: tenant, cookieValue: cookie, scope: route.scope)
        session.scope = route.scope
        route.context.notes.noteUser(session.userID, sessionExpiresAt: session.expiresAt)  // for the journal and the response cache
        let isRead = request.method == .get || request.method == .head
        if !csrfExempt, tenant.requiresCSRF(isRead: isRead) {
            let headerName = SessionCookie.csrfHeaderName(tenant: tenant.fedmemberid)
            guard let header = request.headers[headerName], !header.isEmpty else {
                throw APIError.unauthorized(
                    "The \(headerName) header is required: copy the value of the \(SessionCookie.csrfCookieName(tenant: tenant.fedmemberid)) cookie set at login."
                )
            }
            guard session.acceptsCSRF(header) else {
                throw APIError.unauthorized("The \(headerName) header does not match this session's CSRF token.")
            }
        }
        return CallerContext(tenant: tenant, session: session)
    }
}
