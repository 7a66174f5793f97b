import AkanaDomain
import DispatchHTTP
import JSONCodec

/// `GET /api/apis/versions/{APIVersionID}/definition/{Specification}[?Environment=…]`
/// (docs.akana.com `cm/api/apis/m_apis_getAPIDocument.htm`): the version's API description document.
///
/// - `swagger`: a Swagger 2.0 document, JSON (`application/json`), with the implementation's first
///   endpoint as `host`/`basePath`/`schemes`;
/// - `openapi`: an OpenAPI 3 document, JSON, with the implementation's endpoints as `servers`;
/// - `wsdl`: a WSDL document as uploaded (`application/xml` or `text/xml`).
///
/// `Environment` (`Sandbox` or `Production`) picks the implementation; without it, Live. Read
/// permission for the version, as every read of it. A version made without a document answers a
/// document generated from its name and operations for `swagger` and `openapi`. The platform also
/// converts between formats (an OpenAPI 3 API as `swagger`, a REST API as `wsdl` with Akana
/// extensions) and answers RAML and WADL; the emulator does not, and says so with a 400 naming the
/// specification it can answer. The optional `/{IncludeDocId}` path segment is not emulated (a 404).
enum APIDefinitionRoutes {
    static let specifications = ["swagger", "openapi", "wsdl"]

    static func register(into router: inout Router, environment: APIEnvironment) {
        let apis = environment.apis
        router.add(.get, "/api/apis/versions/{APIVersionID}/definition/{Specification}", produces: [.json, .xml], access: .session) {
            request in
            _ = try request.choice
            let caller = try request.caller
            let specification = try request.parameter("Specification").lowercased()
            guard specifications.contains(specification) else {
                throw APIError.badRequest(
                    "Specification '\(specification.prefix(100))' is not one the emulator answers: use swagger, openapi or wsdl.")
            }
            let environmentName = request.http.queryValue(caseInsensitive: "Environment")
            if let environmentName, environmentName != "Sandbox", environmentName != "Production" {
                throw APIError.badRequest("Environment must be Sandbox or Production, not '\(environmentName.prefix(100))'.")
            }
            let versionID = try request.parameter("APIVersionID")
            let source = try apis.definitionSource(versionID: versionID, caller: caller.session)
            let endpoints = APIDefinitionRepresentation.endpoints(source.version, environment: environmentName)
            let kind = source.document?.kind
            switch specification {
            case "swagger", "openapi":
                let wanted: DescriptorDocument.Kind = specification == "swagger" ? .swagger2 : .openAPI3
                if kind == .unread {
                    throw APIError.badRequest(
                        "API version \(versionID) was made from a RAML or WADL document, which the emulator stores but neither answers nor converts."
                    )
                }
                if let kind, kind != wanted {
                    throw APIError.badRequest(
                        "API version \(versionID) was made from \(describe(kind)); ask for definition/\(name(kind)) "
                            + "(the emulator does not convert between description formats).")
                }
                let choice = try choose(request, .json)
                let document =
                    wanted == .swagger2
                    ? APIDefinitionRepresentation.swagger(source, endpoints: endpoints)
                    : APIDefinitionRepresentation.openAPI(source, endpoints: endpoints)
                return Responses.representation(document, root: "definition", choice: choice)
            default:
                if kind == .unread {
                    throw APIError.badRequest(
                        "API version \(versionID) was made from a RAML or WADL document, which the emulator stores but neither answers nor converts."
                    )
                }
                guard kind == .wsdl, let content = source.content else {
                    throw APIError.badRequest(
                        "API version \(versionID) "
                            + (kind.map { "was made from \(describe($0)); ask for definition/\(name($0))" } ?? "has no WSDL document")
                            + " (the emulator does not generate WSDL for REST APIs).")
                }
                let choice = try choose(request, .xml)
                var headers = HTTPHeaders()
                headers.set("Content-Type", choice.contentType)
                return HTTPResponse(status: .ok, headers: headers, body: content)
            }
        }
    }

    /// The negotiated form when it is `representation`, else the client's best match for it alone (406 when none).
    static func choose(_ request: RouteRequest, _ representation: Representation) throws -> ContentNegotiation.Choice {
        let choice = try request.choice
        if choice.representation == representation { return choice }
        guard let only = ContentNegotiation.choose(accept: request.http.headers["Accept"], offers: [representation]) else {
            throw APIError.notAcceptable([representation])
        }
        return only
    }

    static func describe(_ kind: DescriptorDocument.Kind) -> String {
        switch kind {
        case .openAPI3: return "an OpenAPI 3 document"
        case .swagger2: return "a Swagger 2.0 document"
        case .wsdl: return "a WSDL document"
        case .unread: return "a RAML or WADL document"
        }
    }

    static func name(_ kind: DescriptorDocument.Kind) -> String {
        switch kind {
        case .openAPI3: return "openapi"
        case .swagger2: return "swagger"
        case .wsdl: return "wsdl"
        case .unread: return "raml or wadl"
        }
    }
}
