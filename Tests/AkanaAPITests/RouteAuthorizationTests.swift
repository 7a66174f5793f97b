import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

/// The nearest outsider of every /api route taken from the route table itself: a caller without a
/// session for each route that needs a login (all but the logins and the search), and a plain user
/// for each route declared for admins only. The per-resource outsiders (off the team, another
/// user, a user without the model roles) are in AppTeamAndAccessTests, UserRoutesTests and
/// ModelRoutesTests.
@Suite struct RouteAuthorizationTests {
    /// The /api operations whose pages say no login is needed.
    static let anonymous: Set<String> = ["POST /api/login", "POST /api/login/ssoLogin", "GET /api/search"]

    static func target(_ template: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") ? "x1.acmepaymentscorp" : String(segment)
        }.joined(separator: "/")
    }

    @Test func everyRouteNeedingALoginRefusesACallerWithoutOne() throws {
        let app = try TestApp()
        let router = AkanaRoutes.makeRouter(environment: app.environment)
        var checked = 0
        for (method, template) in router.table where template.hasPrefix("/api/") && !Self.anonymous.contains("\(method) \(template)") {
            let response = try app.send(
                method, Self.target(template), headers: ["Accept": "*/*", "Content-Type": "application/json"], body: "{}")
            #expect(response.status == .unauthorized, "\(method) \(template): \(response.status.code) \(response.text)")
            checked += 1
        }
        #expect(checked >= 30)
        // The anonymous ones answer without a session (the logins refuse the empty credentials with 400).
        #expect(try app.send(.get, "/api/search?q=type:app", headers: [:]).status == .ok)
    }

    @Test func everyAdminOnlyRouteRefusesAPlainUser() throws {
        let app = try TestApp()
        let router = AkanaRoutes.makeRouter(environment: app.environment)
        let jane = try app.login(TestApp.jane)
        var checked: [String] = []
        for (method, template) in router.table where template.hasPrefix("/api/") {
            switch router.declaration(method, template)?.access {
            case .siteAdmin?, .businessOrSiteAdmin?: break
            default: continue
            }
            let response = try app.send(
                method, Self.target(template), headers: TestApp.headers(jane, ["Accept": "*/*", "Content-Type": "application/json"]),
                body: "{}")
            #expect(response.status == .forbidden, "\(method) \(template): \(response.status.code) \(response.text)")
            checked.append("\(method) \(template)")
        }
        #expect(checked.contains("POST /api/users") && checked.contains("DELETE /api/users/{UserID}"))
    }
}
