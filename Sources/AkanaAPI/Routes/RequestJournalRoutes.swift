import AkanaDomain
import DispatchHTTP

/// `/_emulator/requests`: the request journal (these two calls are not journaled themselves).
enum RequestJournalRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        // GET /_emulator/requests?method=&path=&status=&since=&limit= — newest first, after writing
        // the buffered entries, so a client always reads back its own earlier requests.
        router.add(.get, "/_emulator/requests") { request in
            let choice = try request.negotiate([.json, .xml])
            let filter = try filter(request.http)
            let entries = try environment.journal.entries(matching: filter)
            return Responses.representation(.object([("Request", .array(entries.map(RequestJournaling.json)))]),
                                            root: "Requests", choice: choice)
        }

        // DELETE /_emulator/requests — empties the journal (buffered entries included).
        router.add(.delete, "/_emulator/requests") { _ in
            try environment.journal.clear()
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
                throw APIError.badRequest("path must be an absolute path such as /api/apps, or a prefix ending with * such as /api/apps/*, not '\(request.queryValue("path") ?? "")'.")
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
                throw APIError.badRequest("since must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z or 2026-01-01T00:00:00.250Z, not '\(since)'.")
            }
            filter.since = date
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
