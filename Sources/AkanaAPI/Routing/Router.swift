import DispatchHTTP

/// The handler of one operation. Runs on the connection's event-loop thread; database work inside
/// it uses the pool's reader connections (in parallel) or the single writer (serialised).
public typealias RouteHandler = @Sendable (RouteRequest) throws -> HTTPResponse

/// An ordered route table, immutable once the application is built.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: RoutePattern
        let handler: RouteHandler
    }

    public enum Resolution: Sendable {
        /// The handler, the path parameters, and the route's template (`/api/apps/{AppID}`).
        case matched(RouteHandler, [(String, String)], String)
        /// The path exists, but not for this method: the methods it has, for `Allow`.
        case methodNotAllowed([HTTPMethod])
        case notFound
    }

    private var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ path: String, _ handler: @escaping RouteHandler) {
        let pattern = RoutePattern(path)
        precondition(!routes.contains { $0.method == method && $0.pattern.description == path }, "Route \(method) \(path) registered twice")
        routes.append(Route(method: method, pattern: pattern, handler: handler))
        routes.sort { RoutePattern.precedes($0.pattern, $1.pattern) }
    }

    /// Every registered (method, template), in matching order. HEAD is not listed: the GET route answers it.
    public var table: [(method: HTTPMethod, template: String)] { routes.map { ($0.method, $0.pattern.description) } }

    /// Finds the handler for `method` and `segments`. HEAD is answered by the GET route.
    public func resolve(method: HTTPMethod, segments: [String]) -> Resolution {
        let lookup = method == .head ? HTTPMethod.get : method
        var allowed: [HTTPMethod] = []
        var matchedPattern: String?
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            // Once a more literal pattern matched the path, less literal ones are other resources.
            if let matchedPattern, matchedPattern != route.pattern.description { break }
            matchedPattern = route.pattern.description
            if route.method == lookup { return .matched(route.handler, parameters, route.pattern.description) }
            allowed.append(route.method)
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.get) { allowed.append(.head) }
        return .methodNotAllowed(allowed)
    }
}
