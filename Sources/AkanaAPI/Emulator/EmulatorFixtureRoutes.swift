import AkanaDomain
import DispatchHTTP
import EmulatorMachinery

/// `POST /_emulator/fixtures`: applies one fixture document (the format of `Config/fixtures/*.json`,
/// comments allowed) in one transaction and answers what it created and what it left as it was.
/// Any problem is a 400 fault naming the element, and nothing is applied.
enum EmulatorFixtureRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        router.add(.post, "/_emulator/fixtures", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let contentType = request.http.headers["Content-Type"] ?? ""
            guard ContentNegotiation.bodyRepresentation(contentType: contentType) == .json else {
                throw APIError.unsupportedMediaType(contentType.isEmpty ? "(none)" : contentType, accepted: "application/json")
            }
            let document = try FixtureDocument.parse(request.http.body, source: "request body")
            let report = try FixtureLoader.apply(
                [document], database: environment.database, tenants: environment.tenants, workflow: environment.workflow,
                ids: environment.ids, now: environment.clock.now(), hasher: environment.fixtures.hasher, scope: request.scope)
            return Responses.representation(report.json, root: "Fixtures", choice: choice)
        }
    }
}
