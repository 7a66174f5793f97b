import DispatchHTTP

/// The handler of one operation. Runs on a handler thread, never on an event loop:
/// `AkanaApplication` queues each request on one of its two bounded pools (GET and HEAD on the read
/// pool, every other method on the write pool; see `HandlerExecution`), within the handler deadline.
/// Database work inside it uses the pool's reader connections (in parallel) or the single writer
/// (serialised).
public typealias RouteHandler = @Sendable (RouteRequest) throws -> HTTPResponse

/// An ordered route table, immutable once the application is built.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: RoutePattern
        let handler: RouteHandler
        let declaration: RouteDeclaration
    }

    public enum Resolution: Sendable {
        /// The handler, the path parameters, and the route's template (`/api/apps/{AppID}`).
        case matched(RouteHandler, [(String, String)], String)
        /// The path exists, but not for this method: the methods it has, for `Allow`.
        case methodNotAllowed([HTTPMethod])
        case notFound
    }

    private var routes: [Route] = []
    /// The positions in `routes` of the patterns with n segments, at index n, in matching order: a
    /// path is only tried against patterns of its own length (a pattern matches no other), so the
    /// cost of resolving stays flat as the table grows.
    private var positionsBySegmentCount: [[Int]] = []
    /// The positions of the patterns ending in a remainder (`/content/{path...}`), in matching order:
    /// tried after the patterns of the path's own length, for a method those did not serve.
    private var remainderPositions: [Int] = []
    /// The templates of the GET routes declared `cached`.
    private var cachedTemplates: Set<String> = []
    /// What declared routes authenticate against; nil only for `withoutEnvironment` tables.
    private let environment: APIEnvironment?

    public init(environment: APIEnvironment) {
        self.environment = environment
    }

    private init(noEnvironment: Void) {
        self.environment = nil
    }

    /// A table of undeclared routes only (no negotiation, no authentication), for exercising the
    /// routing machinery in isolation: adding a route that declares access traps.
    public static func withoutEnvironment() -> Router { Router(noEnvironment: ()) }

    /// Adds an operation whose handler does its own negotiation and authentication.
    public mutating func add(_ method: HTTPMethod, _ path: String, _ handler: @escaping RouteHandler) {
        add(method, path, declaring: .none, handler)
    }

    /// Adds an operation that declares what it produces and who may call it: the shared preamble
    /// (`RoutePreamble`) runs before `handler`, which reads `request.choice` and `request.caller`.
    /// `cached`: see `RouteDeclaration.cached` (GET routes only).
    public mutating func add(
        _ method: HTTPMethod, _ path: String, produces: [Representation] = [], access: RouteAccess = .anyone,
        cached: Bool = false, _ handler: @escaping RouteHandler
    ) {
        add(method, path, declaring: RouteDeclaration(produces: produces, access: access, cached: cached), handler)
    }

    public mutating func add(
        _ method: HTTPMethod, _ path: String, declaring declaration: RouteDeclaration, _ handler: @escaping RouteHandler
    ) {
        let pattern = RoutePattern(path)
        let template = pattern.description
        precondition(
            !routes.contains { $0.method == method && $0.pattern.description == template }, "Route \(method) \(path) registered twice")
        precondition(
            declaration.access == .anyone || environment != nil,
            "Route \(method) \(path) declares access on a Router without an environment")
        precondition(!declaration.cached || method == .get, "Route \(method) \(path): only GET routes may be cached")
        if declaration.cached { cachedTemplates.insert(template) }
        let run: RouteHandler
        if declaration.isEmpty {
            run = handler
        } else {
            let environment = environment
            run = { request in try handler(try RoutePreamble.prepare(request, declaration, environment: environment)) }
        }
        routes.append(Route(method: method, pattern: pattern, handler: run, declaration: declaration))
        routes.sort { RoutePattern.precedes($0.pattern, $1.pattern) }
        positionsBySegmentCount = []
        remainderPositions = []
        for (position, route) in routes.enumerated() {
            if route.pattern.hasRemainder {
                remainderPositions.append(position)
                continue
            }
            let count = route.pattern.segments.count
            while positionsBySegmentCount.count <= count { positionsBySegmentCount.append([]) }
            positionsBySegmentCount[count].append(position)
        }
    }

    /// The declaration of the route at (`method`, `template`), if there is one.
    public func declaration(_ method: HTTPMethod, _ template: String) -> RouteDeclaration? {
        routes.first { $0.method == method && $0.pattern.description == template }?.declaration
    }

    /// Whether the GET route `template` was declared `cached` (its answers may be kept in `ResponseCache`).
    public func isCached(_ template: String) -> Bool {
        !cachedTemplates.isEmpty && cachedTemplates.contains(template)
    }

    /// Every registered (method, template), in matching order. HEAD is not listed: the GET route answers it.
    public var table: [(method: HTTPMethod, template: String)] { routes.map { ($0.method, $0.pattern.description) } }

    /// Finds the handler for `method` and `segments`. HEAD is answered by the GET route.
    public func resolve(method: HTTPMethod, segments: [String]) -> Resolution {
        let lookup = method == .head ? HTTPMethod.get : method
        var allowed: [HTTPMethod] = []
        var matchedPattern: String?
        let sameLength = segments.count < positionsBySegmentCount.count ? positionsBySegmentCount[segments.count] : []
        for position in sameLength {
            let route = routes[position]
            guard let parameters = route.pattern.match(segments) else { continue }
            // Once a more literal pattern matched the path, less literal ones are other resources.
            if let matchedPattern, matchedPattern != route.pattern.description { break }
            matchedPattern = route.pattern.description
            if route.method == lookup { return .matched(route.handler, parameters, route.pattern.description) }
            allowed.append(route.method)
        }
        // A remainder pattern serves any depth below its prefix, but, like any less literal pattern,
        // not a path a pattern of its own length matched (`/resources/branding/generatestyles` is
        // its own resource: `GET` of it is a 405 naming `POST`, not a file of `/resources/{path}`).
        for position in matchedPattern == nil ? remainderPositions : [] {
            let route = routes[position]
            guard let parameters = route.pattern.match(segments) else { continue }
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
