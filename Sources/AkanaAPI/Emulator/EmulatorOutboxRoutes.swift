import AkanaDomain
import DispatchHTTP
import JSONCodec

/// `/_emulator/outbox`: the messages the platform would have sent people (invitations, contract
/// decisions, new accounts, password changes), captured instead of sent, each naming the request
/// that caused it (`requestID`, as its `GET /_emulator/requests` entry shows it). Per tenant, by the
/// request's Host like the other `/_emulator` routes (`?tenant=` names another one).
enum EmulatorOutboxRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        // GET /_emulator/outbox[?tenant=&to=&kind=&since=&limit=] — newest first; to= is a UserID or an email address.
        router.add(.get, "/_emulator/outbox", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = try EmulatorTrafficRoutes.tenant(request, environment: environment)
            let entries = try environment.outbox.entries(matching: try filter(request.http, tenant: tenant), scope: request.scope)
            return Responses.representation(.object([("Message", .array(entries.map(json)))]), root: "Outbox", choice: choice)
        }

        // DELETE /_emulator/outbox[?tenant=] — every tenant's messages, or one tenant's: {"deleted": N}.
        router.add(.delete, "/_emulator/outbox", produces: [.json, .xml]) { request in
            let choice = try request.choice
            var tenant: String?
            if let name = request.http.queryValue(caseInsensitive: "tenant") {
                guard environment.tenants.all.contains(where: { $0.fedmemberid == name }) else {
                    throw APIError.badRequest("tenant \(name) is not a configured tenant.")
                }
                tenant = name
            }
            let deleted = try environment.outbox.clear(tenant: tenant, scope: request.scope)
            return Responses.representation(.object([("deleted", .integer(Int64(deleted)))]), root: "Outbox", choice: choice)
        }
    }

    /// The query's filter; any bad value is a 400 that says what is expected.
    static func filter(_ request: HTTPRequest, tenant: String) throws(APIError) -> OutboxFilter {
        var filter = OutboxFilter(tenant: tenant)
        if let to = request.queryValue("to"), !to.isEmpty {
            guard FieldLimits.fits(to, 255) else {
                throw APIError.badRequest("to must be a UserID or an email address of at most 255 characters.")
            }
            filter.to = to
        }
        if let kind = request.queryValue("kind"), !kind.isEmpty {
            guard OutboxKind.all.contains(kind) else {
                throw APIError.badRequest("kind must be one of \(OutboxKind.all.joined(separator: ", ")), not '\(kind.prefix(64))'.")
            }
            filter.kind = kind
        }
        if let since = request.queryValue("since"), !since.isEmpty {
            guard let date = Timestamp.parse(since) else {
                throw APIError.badRequest(
                    "since must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z or 2026-01-01T00:00:00.250Z, not '\(since.prefix(64))'."
                )
            }
            filter.since = date
        }
        if let limit = request.queryValue("limit"), !limit.isEmpty {
            guard let count = Int(limit), (1...OutboxFilter.maxLimit).contains(count) else {
                throw APIError.badRequest("limit must be a whole number from 1 to \(OutboxFilter.maxLimit), not '\(limit.prefix(64))'.")
            }
            filter.limit = count
        }
        return filter
    }

    /// One message as `GET /_emulator/outbox` shows it.
    static func json(_ entry: OutboxEntry) -> JSONValue {
        .object([
            ("id", .integer(entry.id)),
            ("time", .string(entry.time)),
            ("tenant", .string(entry.tenant)),
            ("toUserID", .string(entry.toUserID)),
            ("toEmail", .string(entry.toEmail)),
            ("kind", .string(entry.kind)),
            ("subject", .string(entry.subject)),
            ("body", .string(entry.body)),
            ("objectType", .string(entry.objectType)),
            ("objectID", .string(entry.objectID)),
            ("requestID", .string(entry.requestID))
        ])
    }
}
