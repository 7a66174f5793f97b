import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec

/// `/api/login…`: log in, session status, renewal, logout (akana-api.md §1).
enum LoginRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        // POST /api/login — JSON {"email","password"} or form-encoded; exempt from CSRF.
        router.add(.post, "/api/login", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let (email, password) = try credentials(request)
            return try logIn(request, email: email, password: password, choice: choice, environment: environment)
        }

        // POST /api/login/ssoLogin — the same login through a named login domain (SSOLoginRoutes).
        SSOLoginRoutes.register(into: &router, environment: environment)

        // GET /api/login/status — the same LoginResponse for the current session.
        router.add(.get, "/api/login/status", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            return Responses.representation(
                loginResponse(caller.session, tenant: caller.tenant, pending: try environment.users.loginState(caller.session)),
                root: "LoginResponse", choice: choice)
        }

        // POST /api/login/renewToken — a new cookie; expiry extended by the inactive timeout, capped.
        router.add(.post, "/api/login/renewToken", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let renewed = try environment.sessions.renew(caller.session, tenant: caller.tenant)
            let headers: HTTPHeaders = [
                "Set-Cookie": Cookies.setCookie(
                    name: SessionCookie.authCookieName(tenant: caller.tenant.fedmemberid), value: renewed.authCookie, httpOnly: true)
            ]
            return Responses.representation(
                loginResponse(
                    renewed.session, tenant: caller.tenant, pending: (renewed.pendingTasks, renewed.pendingNotifications)),
                root: "LoginResponse", choice: choice, headers: headers)
        }

        // POST /api/login/logout — deletes the session; 200 with no body and expired cookies.
        router.add(.post, "/api/login/logout", access: .session) { request in
            let caller = try request.caller
            try environment.sessions.logout(caller.session)
            return HTTPResponse(status: .ok, headers: expiredCookies(caller.tenant))
        }

        // GET /api/login/endsession — the recommended way to end a session.
        router.add(.get, "/api/login/endsession", access: .session) { request in
            let caller = try request.caller
            let instructions = try request.booleanQuery("returnInstructions", default: false)
            let choice = instructions ? try request.negotiate([.json, .xml]) : nil
            try environment.sessions.logout(caller.session)
            let headers = expiredCookies(caller.tenant)
            guard let choice else { return HTTPResponse(status: .ok, headers: headers) }
            // A local (non-federated) login has no identity-provider or relying-party logout steps.
            return Responses.representation(
                .object([("IDPLogoutInfo", .array([])), ("RPLogoutInfo", .array([]))]),
                root: "LogoutResponse", choice: choice, headers: headers)
        }
    }

    /// Verifies the credentials (with the login throttling) and answers with the session cookies
    /// and the LoginResponse: the one code path of every login operation.
    static func logIn(
        _ request: RouteRequest, email: String, password: String, choice: ContentNegotiation.Choice,
        environment: APIEnvironment
    ) throws -> HTTPResponse {
        let tenant = environment.tenant(of: request.http)
        let login = try environment.sessions.login(
            tenant: tenant, email: email, password: password,
            address: clientAddress(request.http.remoteAddress), scope: request.scope)
        var headers: HTTPHeaders = [:]
        headers.add(
            "Set-Cookie",
            Cookies.setCookie(name: SessionCookie.authCookieName(tenant: tenant.fedmemberid), value: login.authCookie, httpOnly: true))
        if tenant.readRequestCSRF || tenant.writeRequestCSRF {
            headers.add(
                "Set-Cookie",
                Cookies.setCookie(
                    name: SessionCookie.csrfCookieName(tenant: tenant.fedmemberid), value: login.session.csrfToken, httpOnly: false))
        }
        return Responses.representation(
            loginResponse(login.session, tenant: tenant, pending: (login.pendingTasks, login.pendingNotifications)),
            root: "LoginResponse", choice: choice, headers: headers)
    }

    /// The client's IP address without its port (`[::1]:5000` → `::1`, `127.0.0.1:5000` → `127.0.0.1`);
    /// nil when the request did not come through a socket.
    static func clientAddress(_ remote: String) -> String? {
        guard !remote.isEmpty else { return nil }
        if remote.hasPrefix("["), let end = remote.firstIndex(of: "]") {
            return String(remote[remote.index(after: remote.startIndex)..<end])
        }
        guard let colon = remote.lastIndex(of: ":"), remote.firstIndex(of: ":") == colon else { return remote }
        return String(remote[..<colon])
    }

    static func expiredCookies(_ tenant: TenantSettings) -> HTTPHeaders {
        var headers: HTTPHeaders = [:]
        headers.add("Set-Cookie", Cookies.expireCookie(name: SessionCookie.authCookieName(tenant: tenant.fedmemberid)))
        if tenant.readRequestCSRF || tenant.writeRequestCSRF {
            headers.add("Set-Cookie", Cookies.expireCookie(name: SessionCookie.csrfCookieName(tenant: tenant.fedmemberid)))
        }
        return headers
    }

    /// Email and password from a JSON body (`{"email","password"}`, names matched ignoring case)
    /// or a form-encoded one.
    static func credentials(_ request: RouteRequest) throws -> (String, String) {
        let contentType = request.http.headers["Content-Type"] ?? ""
        var email: String?
        var password: String?
        if ContentNegotiation.isFormEncoded(contentType) {
            guard let text = UntrustedText.string(request.http.body) else {
                throw APIError.badRequest("The form-encoded login body is not valid UTF-8.")
            }
            guard let pairs = PercentEncoding.decodeForm(text) else {
                throw APIError.badRequest("The form-encoded login body is malformed (a bad %-escape, or escapes that are not UTF-8).")
            }
            email = pairs.first { $0.0.lowercased() == "email" }?.1
            password = pairs.first { $0.0.lowercased() == "password" }?.1
        } else {
            let body = try request.jsonObject()
            email = body.member(caseInsensitive: "email")?.stringValue
            password = body.member(caseInsensitive: "password")?.stringValue
        }
        guard let email, !email.isEmpty else { throw APIError.badRequest("The login request needs \"email\".") }
        guard let password else { throw APIError.badRequest("The login request needs \"password\".") }
        // Before anything is looked up or recorded: an over-long value is refused, not counted as a failure.
        try FieldLimits.check(email, field: "email")
        try FieldLimits.check(password, field: "password")
        return (email, password)
    }

    /// The platform's LoginResponse object.
    /// `pendingTasks` are the LoginResponse's (`change.password` for a user added with
    /// ForcePasswordChangeOnLogin, until PUT /api/users/{UserID}/password); `pendingNotifications`
    /// the number of the user's notifications (the outbox's messages to them).
    static func loginResponse(
        _ session: AuthenticatedSession, tenant: TenantSettings, pending: (tasks: [String], notifications: Int)
    ) -> JSONValue {
        .object([
            ("userName", .string(session.userName)),
            ("userFDN", .string(session.userID)),
            ("loginDomainID", .string(tenant.loginDomainID)),
            ("Status", .string("Success")),
            ("pendingNotifications", .integer(Int64(pending.notifications))),
            ("pendingTasks", .array(pending.tasks.map(JSONValue.string))),
            ("authTokenValidUntil", .string(Timestamp.iso8601(session.expiresAt)))
        ])
    }
}
