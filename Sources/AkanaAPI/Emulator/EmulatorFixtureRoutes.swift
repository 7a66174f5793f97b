import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import JSONCodec

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
            let report = try environment.admin.applyFixture(document, scope: request.scope)
            return Responses.representation(json(report), root: "Fixtures", choice: choice)
        }
    }

    /// What a fixture document created and what it left as it was, per kind of element (every kind
    /// listed, in `FixtureReport.kinds` order).
    static func json(_ report: FixtureReport) -> JSONValue {
        func section(_ lists: [String: [String]]) -> JSONValue {
            .object(FixtureReport.kinds.map { ($0, .array((lists[$0] ?? []).map(JSONValue.string))) })
        }
        return .object([("created", section(report.created)), ("skipped", section(report.skipped))])
    }
}
