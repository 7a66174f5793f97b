import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

/// The shared preamble of declared routes: negotiation, session, role — in that order — and the
/// programming errors of a handler asking for what its route does not declare.
@Suite struct RouteDeclarationTests {
    /// A route table over the app's environment with probe routes, run through an application.
    func probe(_ app: TestApp, _ build: (inout Router) -> Void) -> AkanaApplication {
        var router = Router(environment: app.environment)
        build(&router)
        return AkanaApplication(
            router: router, logger: .init(label: "probe"), adminToken: nil, environment: app.environment, execution: HandlerExecution())
    }

    func send(_ application: AkanaApplication, _ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:]) throws -> HTTPResponse {
        var headers = headers
        if !headers.contains("Host") { headers.add("Host", "127.0.0.1:8080") }
        return application.respond(to: RequestContext(http: try HTTPRequest(method: method, target: target, headers: headers)))
    }

    @Test func anAdminRouteRefusesAPlainUserThroughThePreamble() throws {
        let app = try TestApp()
        let application = probe(app) { router in
            router.add(.get, "/probe/admin", produces: [.json], access: .businessOrSiteAdmin(refusal: "Admins only, probe.")) { request in
                Responses.representation(
                    .object([("user", .string(try request.caller.session.userID))]), root: "Probe", choice: try request.choice)
            }
        }
        defer { application.shutdown() }
        let jane = try app.login(TestApp.jane)
        let refused = try send(application, .get, "/probe/admin", headers: TestApp.headers(jane, ["Accept": "application/json"]))
        #expect(refused.status == .forbidden)
        #expect(try refused.json()["faultstring"]?.stringValue == "Admins only, probe.")
        let admin = try app.login()
        let allowed = try send(application, .get, "/probe/admin", headers: TestApp.headers(admin, ["Accept": "application/json"]))
        #expect(allowed.status == .ok)
        #expect(try allowed.json()["user"]?.stringValue?.isEmpty == false)
        // Without a session: 401 before any role is looked at.
        #expect(try send(application, .get, "/probe/admin", headers: ["Accept": "application/json"]).status == .unauthorized)
    }

    @Test func negotiationComesBeforeTheSession() throws {
        let app = try TestApp()
        // Through the real table: an unacceptable Accept is a 406 even without a cookie.
        let response = try app.send(.get, "/api/apps/some.acmepaymentscorp", headers: ["Accept": "image/png"])
        #expect(response.status == .notAcceptable)
        #expect(try app.send(.get, "/api/apps/some.acmepaymentscorp", headers: ["Accept": "application/json"]).status == .unauthorized)
    }

    @Test func theRealTableDeclaresItsAdminRoutes() throws {
        let app = try TestApp()
        let router = AkanaRoutes.makeRouter(environment: app.environment)
        #expect(
            router.declaration(.get, "/api/workflow/definitions")?.access
                == .businessOrSiteAdmin(refusal: "Only Business Admins and Site Admins can see workflow definitions."))
        #expect(
            router.declaration(.post, "/api/workflow/definitions")?.access
                == .siteAdmin(refusal: "Only a Site Admin can upload workflow definitions."))
        #expect(router.declaration(.get, "/api/apps/versions/{AppVersionID}")?.access == .session)
        #expect(router.declaration(.get, "/api/apps/versions/{AppVersionID}")?.produces == [.json, .xml])
        #expect(router.declaration(.post, "/api/login")?.access == .anyone)
    }

    @Test func aMissingPathParameterIsAnErrorNotAnEmptyString() throws {
        let request = RouteRequest(http: try HTTPRequest(method: .get, target: "/api/apps/a"), parameters: [("AppID", "a")])
        #expect(try request.parameter("AppID") == "a")
        #expect(throws: RouteError.missingParameter("AppVersionID")) { try request.parameter("AppVersionID") }
        // Through an application: a logged 500 fault, not a lookup of "".
        let app = try TestApp()
        let application = probe(app) { router in
            router.add(.get, "/probe/{ID}") { request in Responses.text(try request.parameter("Id")) }
        }
        defer { application.shutdown() }
        let response = try send(application, .get, "/probe/x")
        #expect(response.status == .internalServerError)
    }

    @Test func readingWhatTheRouteDidNotDeclareIsAnError() throws {
        let request = RouteRequest(http: try HTTPRequest(method: .get, target: "/"), parameters: [])
        #expect(throws: RouteError.undeclaredCaller) { try request.caller }
        #expect(throws: RouteError.undeclaredRepresentation) { try request.choice }
    }
}
