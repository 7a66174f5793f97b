import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import JSONCodec

/// `/_emulator/requests`: the request journal (these two calls are not journaled themselves).
enum RequestJournalRoutes {
    static func register(into router: inout Router, environment: APIEnvironment, routes: RouteTableReference) {
        // GET /_emulator/requests?method=&path=&status=&since=&limit= — newest first, after writing
        // the buffered entries, so a client always reads back its own earlier requests.
        router.add(.get, "/_emulator/requests", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let filter = try filter(request.http)
            let entries = try environment.journal.entries(matching: filter, scope: request.scope)
            return Responses.representation(
                .object([("Request", .array(entries.map(RequestJournaling.json)))]),
                root: "Requests", choice: choice)
        }

        // GET /_emulator/requests/count?method=&path=&status=&since=&body= — {"count": N}, for
        // "called exactly once" assertions; body= keeps requests whose body contains that text.
        router.add(.get, "/_emulator/requests/count", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let count = try environment.journal.count(matching: try filter(request.http), scope: request.scope)
            return Responses.representation(.object([("count", .integer(Int64(count)))]), root: "Count", choice: choice)
        }

        // GET /_emulator/requests/unmatched — requests that matched no route or no method, newest
        // first, each with the route template nearest to what was sent (a typo shows at once).
        router.add(.get, "/_emulator/requests/unmatched", produces: [.json, .xml]) { request in
            let choice = try request.choice
            var filter = try filter(request.http)
            filter.unmatchedOnly = true
            let table = routes.table
            let entries = try environment.journal.entries(matching: filter, scope: request.scope).map { entry -> JSONValue in
                guard case .object(var members) = RequestJournaling.json(entry) else { return .null }
                if let nearest = NearestRoute.find(method: entry.method, path: entry.path, in: table) {
                    members.append(
                        (
                            "nearestRoute",
                            .object([
                                ("template", .string(nearest.template)),
                                ("methods", .array(nearest.methods.map { .string($0.rawValue) }))
                            ])
                        ))
                }
                return .object(members)
            }
            return Responses.representation(.object([("Request", .array(entries))]), root: "Requests", choice: choice)
        }

        // GET /_emulator/requests.har?method=&path=&status=&since=&body=&limit=&redact= — the same
        // entries as HAR 1.2, oldest first (HARExport); cookies, CSRF and passwords masked unless redact=false.
        router.add(.get, "/_emulator/requests.har", produces: [.json]) { request in
            _ = try request.choice
            let filter = try filter(request.http)
            var redact = true
            if let value = request.http.queryValue("redact"), !value.isEmpty {
                guard let flag = Bool(value.lowercased()) else {
                    throw APIError.badRequest("redact must be true or false, not '\(value)'.")
                }
                redact = flag
            }
            let entries = try environment.journal.entries(matching: filter, scope: request.scope)
            let body = JSONWriter.bytes(HARExport.log(entries, redact: redact))
            return HTTPResponse(
                status: .ok,
                headers: ["Content-Type": "application/json", "Content-Disposition": #"attachment; filename="akana-emulator.har""#],
                body: body)
        }

        // DELETE /_emulator/requests — empties the journal (buffered entries included).
        router.add(.delete, "/_emulator/requests") { request in
            try environment.journal.clear(scope: request.scope)
            return HTTPResponse(status: .noContent)
        }
    }

    /// The query's filter; any bad value is a 400 that says what is expected.
    static func filter(_ request: HTTPRequest) throws(APIError) -> RequestJournalFilter {
        var filter = RequestJournalFilter()
        if let method = request.queryValue("method"), !method.isEmpty {
            guard method.count <= 32, method.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw APIError.badRequest("method must be an HTTP method name such as GET or POST, not '\(method)'.")
            }
            filter.method = method.uppercased()
        }
        if var path = request.queryValue("path"), !path.isEmpty {
            if path.hasSuffix("*") {
                path.removeLast()
                filter.pathIsPrefix = true
            }
            guard path.hasPrefix("/") || (filter.pathIsPrefix && path.isEmpty) else {
                throw APIError.badRequest(
                    "path must be an absolute path such as /api/apps, or a prefix ending with * such as /api/apps/*, not '\(request.queryValue("path") ?? "")'."
                )
            }
            filter.path = path
        }
        if let status = request.queryValue("status"), !status.isEmpty {
            if status.count == 3, status.hasSuffix("xx"), let digit = status.first?.wholeNumberValue, (1...5).contains(digit) {
                filter.status = (digit * 100)...(digit * 100 + 99)
            } else if let code = Int(status), (100...599).contains(code) {
                filter.status = code...code
            } else {
                throw APIError.badRequest("status must be an HTTP status code from 100 to 599 (or a class such as 4xx), not '\(status)'.")
            }
        }
        if let since = request.queryValue("since"), !since.isEmpty {
            guard let date = Timestamp.parse(since) else {
                throw APIError.badRequest(
                    "since must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z or 2026-01-01T00:00:00.250Z, not '\(since)'.")
            }
            filter.since = date
        }
        if let body = request.queryValue("body"), !body.isEmpty {
            guard FieldLimits.fits(body, 4096) else {
                throw APIError.badRequest("body must be at most 4096 characters of text to look for.")
            }
            filter.bodyContains = body
        }
        if let limit = request.queryValue("limit"), !limit.isEmpty {
            guard let count = Int(limit), (1...RequestJournalFilter.maxLimit).contains(count) else {
                throw APIError.badRequest("limit must be a whole number from 1 to \(RequestJournalFilter.maxLimit), not '\(limit)'.")
            }
            filter.limit = count
        }
        return filter
    }
}

/// The route table, filled in once every route is registered (routes that describe the table are
/// registered before it is complete).
final class RouteTableReference: @unchecked Sendable {
    // @unchecked: written once by `AkanaRoutes.makeApplication` before the application serves anything.
    private(set) var table: [(method: HTTPMethod, template: String)] = []

    func set(_ table: [(method: HTTPMethod, template: String)]) {
        self.table = table
    }
}

/// The route template closest to a path that matched none (WireMock's near misses): the smallest
/// edit distance between the path and each template, its parameters filled with the path's own
/// segments where the lengths agree; a template with the request's method wins a tie.
enum NearestRoute {
    static func find(method: String, path: String, in table: [(method: HTTPMethod, template: String)]) -> (
        template: String, methods: [HTTPMethod]
    )? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var best: (distance: Int, sameMethod: Bool, template: String)?
        for (routeMethod, template) in table {
            let pattern = template.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let filled =
                pattern.count == segments.count
                ? zip(pattern, segments).map { $0.hasPrefix("{") && $0.hasSuffix("}") ? $1 : $0 }.joined(separator: "/")
                : template
            let distance = editDistance(Array(path.utf8.prefix(512)), Array(filled.utf8.prefix(512)))
            let sameMethod = routeMethod.rawValue == method
            if best == nil || distance < best!.distance || (distance == best!.distance && sameMethod && !best!.sameMethod) {
                best = (distance, sameMethod, template)
            }
        }
        guard let best else { return nil }
        return (best.template, table.filter { $0.template == best.template }.map(\.method))
    }

    /// Levenshtein distance, two rows of memory.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
