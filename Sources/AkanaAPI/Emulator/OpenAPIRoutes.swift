import AkanaDomain
import DispatchHTTP

/// `GET /_emulator/openapi.json`: the OpenAPI 3.1 document of every route (Config/openapi/openapi.json,
/// embedded in the binary). A test keeps its paths and methods equal to the route table.
enum OpenAPIRoutes {
    static let path = "/_emulator/openapi.json"

    static func register(into router: inout Router) {
        router.add(.get, path, produces: [.json]) { _ in
            return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: OpenAPIDocument.bytes)
        }
    }
}
