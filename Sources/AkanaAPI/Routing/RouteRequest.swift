import AkanaDomain
import DispatchHTTP

/// What a route handler gets: the HTTP request, the matched path parameters, and helpers that
/// turn negotiation and body-parsing failures into the right Akana faults.
public struct RouteRequest: Sendable {
    public let http: HTTPRequest
    public let parameters: [(String, String)]

    public init(http: HTTPRequest, parameters: [(String, String)]) {
        self.http = http
        self.parameters = parameters
    }

    /// A path parameter by name (routes only ask for names their pattern declares).
    public func parameter(_ name: String) -> String {
        parameters.first { $0.0 == name }?.1 ?? ""
    }

    /// The response form for an operation offering `offers`, or a 406 fault.
    public func negotiate(_ offers: [Representation]) throws(APIError) -> ContentNegotiation.Choice {
        guard let choice = ContentNegotiation.choose(accept: http.headers["Accept"], offers: offers) else {
            throw APIError.notAcceptable(offers)
        }
        return choice
    }

    /// A boolean query flag (`true`/`false`, any case; present without a value means true, as the
    /// platform's `…/actions?IncludeReservedActions` is written), `defaultValue` when absent, 400 otherwise.
    public func booleanQuery(_ name: String, default defaultValue: Bool) throws(APIError) -> Bool {
        guard let text = http.queryValue(caseInsensitive: name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "": return true
        case "false": return false
        default: throw APIError.badRequest("Query parameter \(name) must be true or false, not '\(text)'.")
        }
    }

    /// The JSON body as a tree. Missing or non-JSON `Content-Type` → 415, malformed JSON → 400.
    /// XML bodies are accepted where `allowXML` is set and come back as the same tree.
    public func jsonBody() throws(APIError) -> JSONValue {
        let contentType = http.headers["Content-Type"] ?? ""
        guard ContentNegotiation.bodyRepresentation(contentType: contentType) == .json else {
            throw APIError.unsupportedMediaType(contentType.isEmpty ? "(none)" : contentType, accepted: "application/json")
        }
        do {
            return try JSONParser.parse(http.body)
        } catch {
            throw APIError.badRequest("The request body is not valid JSON: \(error.description).")
        }
    }

    /// A JSON or XML body as a tree (XML as `XMLBodyParser` reads it). Other types → 415.
    public func structuredBody() throws(APIError) -> JSONValue {
        let contentType = http.headers["Content-Type"] ?? ""
        guard ContentNegotiation.bodyRepresentation(contentType: contentType) == .xml else { return try jsonBody() }
        do {
            return try XMLBodyParser.parse(http.body)
        } catch {
            throw APIError.badRequest("The request body is not well-formed XML: \(error.message).")
        }
    }

    /// The body as a JSON object (400 when it is another JSON type).
    public func jsonObject() throws(APIError) -> JSONValue {
        let body = try jsonBody()
        guard case .object = body else { throw APIError.badRequest("The request body must be a JSON object, not \(body.typeName).") }
        return body
    }
}
