import AkanaDomain
import DispatchHTTP

/// `POST /api/login/ssoLogin`: a login through a named login domain, form-encoded
/// `domain=<login domain>&identity_username=…&secret_password=…` (akana-api.md §1.7). The emulator
/// has one login domain per tenant, the local one (`siteusers.<fedmemberid>`, the LoginResponse's
/// `loginDomainID`; its name `siteusers` is accepted too); other domains (LDAP, SAML…) are not
/// emulated and answer 400. Cookies, throttling and errors are those of `POST /api/login`: it runs
/// the same code (`LoginRoutes.logIn`). Exempt from CSRF, like the login.
enum SSOLoginRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        router.add(.post, "/api/login/ssoLogin", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = environment.tenant(of: request.http)
            let form = try fields(request)
            guard let domain = form.domain, !domain.isEmpty else {
                throw APIError.badRequest("The ssoLogin request needs \"domain\" (the login domain).")
            }
            try FieldLimits.check(domain, field: "domain")
            try environment.sessions.requireLoginDomain(domain, tenant: tenant)
            guard let email = form.username, !email.isEmpty else {
                throw APIError.badRequest("The ssoLogin request needs \"identity_username\".")
            }
            guard let password = form.password else { throw APIError.badRequest("The ssoLogin request needs \"secret_password\".") }
            try FieldLimits.check(email, field: "identity_username")
            try FieldLimits.check(password, field: "secret_password")
            return try LoginRoutes.logIn(request, email: email, password: password, choice: choice, environment: environment)
        }
    }

    /// The three form fields (names matched ignoring case); 415 for a body that is not form-encoded.
    static func fields(_ request: RouteRequest) throws -> (domain: String?, username: String?, password: String?) {
        let contentType = request.http.headers["Content-Type"] ?? ""
        guard ContentNegotiation.isFormEncoded(contentType) else {
            throw APIError.unsupportedMediaType(contentType.isEmpty ? "(none)" : contentType, accepted: "application/x-www-form-urlencoded")
        }
        guard let text = UntrustedText.string(request.http.body) else {
            throw APIError.badRequest("The form-encoded ssoLogin body is not valid UTF-8.")
        }
        guard let pairs = PercentEncoding.decodeForm(text) else {
            throw APIError.badRequest("The form-encoded ssoLogin body is malformed (a bad %-escape, or escapes that are not UTF-8).")
        }
        func value(_ name: String) -> String? { pairs.first { $0.0.lowercased() == name }?.1 }
        return (value("domain"), value("identity_username"), value("secret_password"))
    }
}
