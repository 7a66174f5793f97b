import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec

/// `/_emulator/gateway/responses`: the answers a test sets for calls through the emulated gateway,
/// WireMock-style (per API version, by operation or by method and path; status, headers, body,
/// delay). Stored in `gateway_stubs`: a restart keeps them, resets, snapshots and checkpoints
/// cover them. The tenant is the request's (its `Host`).
enum EmulatorGatewayRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let gateway = environment.gateway
        let tenants = environment.tenants

        // PUT /_emulator/gateway/responses {APIVersionID, Operation, Method, Path, Status, Headers, Body, DelayMillis}
        // — sets (or replaces: same API version, operation, method and path) a stub; answers it.
        router.add(.put, "/_emulator/gateway/responses", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = tenants.tenant(forHost: request.http.headers["Host"]).fedmemberid
            let stub = try gateway.setStub(GatewayStubInput(body: try request.jsonObject()), tenant: tenant, scope: request.scope)
            return Responses.representation(json(stub), root: "GatewayResponse", choice: choice)
        }

        // GET /_emulator/gateway/responses[?APIVersionID=] — the tenant's stubs, oldest first.
        router.add(.get, "/_emulator/gateway/responses", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = tenants.tenant(forHost: request.http.headers["Host"]).fedmemberid
            let stubs = try gateway.stubs(tenant: tenant, apiVersionID: request.http.queryValue("APIVersionID"), scope: request.scope)
            return Responses.representation(
                .object([("GatewayResponse", .array(stubs.map(json)))]), root: "GatewayResponses", choice: choice)
        }

        // DELETE /_emulator/gateway/responses[?APIVersionID=][&StubID=] — all of the tenant's stubs,
        // an API version's, or one (404 when that one is not there).
        router.add(.delete, "/_emulator/gateway/responses") { request in
            let tenant = tenants.tenant(forHost: request.http.headers["Host"]).fedmemberid
            let id = request.http.queryValue("StubID")
            let removed = try gateway.removeStubs(
                tenant: tenant, apiVersionID: request.http.queryValue("APIVersionID"), id: id, scope: request.scope)
            if let id, removed == 0 { throw APIError.notFound("Gateway response \(id) was not found.") }
            return HTTPResponse(status: .noContent)
        }
    }

    /// A stub as listed: StubID, the match, the answer (Body as text), DelayMillis, Created.
    static func json(_ stub: GatewayStub) -> JSONValue {
        .object([
            ("StubID", .string(stub.id)),
            ("APIVersionID", .string(stub.apiVersionID)),
            ("Operation", .string(stub.operation)),
            ("Method", .string(stub.method)),
            ("Path", .string(stub.path)),
            ("Status", .integer(Int64(stub.status))),
            ("Headers", .object(stub.headers.map { ($0.name, .string($0.value)) })),
            ("Body", .string(String(decoding: stub.body, as: UTF8.self))),
            ("DelayMillis", .integer(Int64(stub.delayMillis))),
            ("Created", .string(stub.created))
        ])
    }
}
