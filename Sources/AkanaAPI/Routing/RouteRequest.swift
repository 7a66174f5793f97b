import AkanaDomain
import DispatchHTTP
import JSONCodec
import SQLiteStore

/// What a route handler gets: the request's context (the HTTP request, its journal notes and
/// deadline), the matched path parameters, and helpers that turn negotiation and body-parsing
/// failures into the right Akana faults.
public struct RouteRequest: Sendable {
    public let context: RequestContext
    public let parameters: [(String, String)]
    /// Set by the preamble of a route that declares what it produces.
    var negotiated: ContentNegotiation.Choice?
    /// Set by the preamble of a route that declares an access other than `.anyone`.
    var authenticated: CallerContext?

    public init(context: RequestContext, parameters: [(String, String)]) {
        self.context = context
        self.parameters = parameters
    }

    /// A request run outside the server (tests, tools): no journal, no deadline.
    public init(http: HTTPRequest, parameters: [(String, String)]) {
        self.init(context: RequestContext(http: http), parameters: parameters)
    }

    public var http: HTTPRequest { context.http }

    /// The request's scope for database work that no session carries (logins, admin routes).
    public var scope: TransactionScope { context.scope }

    /// A path parameter by name. A name the route's pattern does not declare is a programming
    /// error, thrown (a logged 500), never an empty string.
    public func parameter(_ name: String) throws(RouteError) -> String {
        guard let value = parameters.first(where: { $0.0 == name })?.1 else { throw RouteError.missingParameter(name) }
        return value
    }

    /// The response form the preamble negotiated from the route's `produces`.
    public var choice: ContentNegotiation.Choice {
        get throws(RouteError) {
            guard let negotiated else { throw RouteError.undeclaredRepresentation }
            return negotiated
        }
    }

    /// The verified caller, for a route declaring `.session` or an admin access.
    public var caller: CallerContext {
        get throws(RouteError) {
            guard let authenticated else { throw RouteError.undeclaredCaller }
            return authenticated
        }
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
