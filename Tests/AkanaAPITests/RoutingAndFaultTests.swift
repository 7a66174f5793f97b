import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

@Suite struct RoutingAndFaultTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    @Test func healthReportsStatusSchemaAndUptime() throws {
        let response = try app.send(.get, "/_emulator/health")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        let body = try response.json()
        #expect(body["status"] == .string("ok"))
        #expect(body["schemaVersion"] == .string(AkanaSchema.latestVersion))
        #expect(body["uptimeSeconds"]?.doubleValue != nil)
        #expect(body["journalDroppedEntries"] == .integer(0))
    }

    @Test func healthCountsJournalWritesThatFailed() throws {
        try app.pool.write { try $0.run("DROP TABLE request_journal") }
        #expect(try app.send(.get, "/_emulator/clock").status == .ok)
        try #require(app.app.journalHook).journal.flush()  // fails: no table
        #expect(try app.send(.get, "/_emulator/health").json()["journalDroppedEntries"] == .integer(1))
    }

    @Test func unknownPathIsA404FaultInTheNegotiatedForm() throws {
        let json = try app.send(.get, "/api/nothing/here")
        #expect(json.status == .notFound)
        #expect(try json.json()["faultcode"] == .string("Client"))
        #expect(try json.json()["faultstring"]?.stringValue?.contains("could not be found") == true)

        let xml = try app.send(.get, "/api/nothing/here", headers: ["Accept": "application/xml"])
        #expect(xml.headers["Content-Type"] == "application/xml")
        #expect(xml.text.contains("<fault><faultcode>Client</faultcode><faultstring>"))

        let text = try app.send(.get, "/api/nothing/here", headers: ["Accept": "text/plain"])
        #expect(text.headers["Content-Type"] == "text/plain")
        #expect(text.text.hasPrefix("The resource could not be found"))
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let response = try app.send(.delete, "/_emulator/health")
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "GET, HEAD")
        #expect(try response.json()["faultcode"] == .string("Client"))
    }

    @Test func headIsAnsweredByTheGetRoute() throws {
        let response = try app.send(.head, "/_emulator/health")
        #expect(response.status == .ok)
    }

    @Test func unacceptableAcceptIs406() throws {
        let response = try app.send(.get, "/_emulator/health", headers: ["Accept": "image/png"])
        #expect(response.status == .notAcceptable)
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test func vendorMediaTypeIsEchoed() throws {
        let response = try app.send(.get, "/_emulator/health", headers: ["Accept": "application/vnd.soa.v81+xml"])
        #expect(response.headers["Content-Type"] == "application/vnd.soa.v81+xml")
        #expect(response.text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><health><status>ok</status>"#))
    }

    @Test func literalSegmentsWinOverParameters() throws {
        var router = Router.withoutEnvironment()
        router.add(.get, "/api/apps/{AppID}") { _ in HTTPResponse(status: .ok, body: Array("app".utf8)) }
        router.add(.get, "/api/apps/versions") { _ in HTTPResponse(status: .ok, body: Array("versions".utf8)) }
        router.add(.put, "/api/apps/{AppID}") { _ in HTTPResponse(status: .ok) }
        guard case .matched(let handler, _, let template) = router.resolve(method: .get, segments: ["api", "apps", "versions"]) else {
            Issue.record("no match")
            return
        }
        #expect(try handler(RouteRequest(http: try HTTPRequest(method: .get, target: "/"), parameters: [])).body == Array("versions".utf8))
        #expect(template == "/api/apps/versions")
        guard case .matched(_, let parameters, _) = router.resolve(method: .get, segments: ["api", "apps", "a.b%2Fc"]) else {
            Issue.record("no match")
            return
        }
        #expect(parameters.first?.1 == "a.b%2Fc")
        guard case .methodNotAllowed(let allowed) = router.resolve(method: .put, segments: ["api", "apps", "versions"]) else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.get, .head])
    }
    /// `{path...}` takes the rest of the path (one segment or more), is named without the dots in
    /// the template, and yields to patterns of the path's own length.
    @Test func remainderParametersTakeTheRestOfThePath() throws {
        var router = Router.withoutEnvironment()
        router.add(.get, "/content/{path...}") { _ in HTTPResponse(status: .ok) }
        router.add(.post, "/content/{path...}") { _ in HTTPResponse(status: .ok) }
        router.add(.post, "/content/branding/styles") { _ in HTTPResponse(status: .ok) }
        guard case .matched(_, let parameters, let template) = router.resolve(method: .get, segments: ["content", "a", "b", "c.htm"]) else {
            Issue.record("no match")
            return
        }
        #expect(template == "/content/{path}")
        #expect(parameters.map(\.1) == ["a/b/c.htm"])
        if case .matched = router.resolve(method: .get, segments: ["content"]) { Issue.record("the remainder needs a segment") }
        if case .matched = router.resolve(method: .get, segments: ["content", "a", "", "b"]) { Issue.record("an empty segment matched") }
        guard case .matched(_, _, let styles) = router.resolve(method: .post, segments: ["content", "branding", "styles"]) else {
            Issue.record("no match")
            return
        }
        #expect(styles == "/content/branding/styles")
        guard case .methodNotAllowed(let allowed) = router.resolve(method: .get, segments: ["content", "branding", "styles"]) else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.post])
        guard case .methodNotAllowed(let remainderAllowed) = router.resolve(method: .put, segments: ["content", "x"]) else {
            Issue.record("expected 405")
            return
        }
        #expect(remainderAllowed == [.get, .post, .head])
    }
}
