import AkanaDomain
import DispatchHTTP
import JSONCodec

/// `/_emulator/traffic`: gateway transactions a test states in bulk (metrics over last month
/// without sending a month of calls), lists and clears. Per tenant, by the request's Host like the
/// other `/_emulator` routes (`?tenant=` names another one).
enum EmulatorTrafficRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let traffic = environment.traffic

        // POST /_emulator/traffic — a JSON list of transactions (or {"Transaction": [...]}), at most
        // 10,000, recorded in one transaction: all or none.
        router.add(.post, "/_emulator/traffic", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = try Self.tenant(request, environment: environment)
            let inputs = try StatedTransactionInput.list(body: try request.jsonBody())
            let recorded = try traffic.state(inputs, tenant: tenant, scope: request.scope)
            return Responses.representation(
                .object([
                    ("recorded", .integer(Int64(recorded.count))), ("TransactionID", .array(recorded.map { .string($0.transactionID) }))
                ]), root: "Traffic", choice: choice, status: .created)
        }

        // GET /_emulator/traffic[?tenant=&apiVersionId=&appVersionId=&environment=&limit=] — newest first.
        router.add(.get, "/_emulator/traffic", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = try Self.tenant(request, environment: environment)
            let http = request.http
            var limit = 100
            if let text = http.queryValue(caseInsensitive: "limit") {
                guard let value = Int(text) else { throw APIError.badRequest("limit must be a whole number, not '\(text)'.") }
                limit = value
            }
            let filter = { (name: String) throws -> String? in
                guard let value = http.queryValue(caseInsensitive: name), !value.isEmpty else { return nil }
                return try FieldLimits.check(value, field: name)
            }
            let transactions = try traffic.latest(
                tenant: tenant, apiVersionID: try filter("apiVersionId"), appVersionID: try filter("appVersionId"),
                environment: try filter("environment"), limit: limit, scope: request.scope)
            return Responses.representation(
                .object([("Transaction", .array(transactions.map(MetricsRepresentation.transaction)))]), root: "Traffic", choice: choice)
        }

        // DELETE /_emulator/traffic[?tenant=] — every tenant's transactions, or one tenant's.
        router.add(.delete, "/_emulator/traffic", produces: [.json, .xml]) { request in
            let choice = try request.choice
            var tenant: String?
            if let name = request.http.queryValue(caseInsensitive: "tenant") {
                guard environment.tenants.all.contains(where: { $0.fedmemberid == name }) else {
                    throw APIError.badRequest("tenant \(name) is not a configured tenant.")
                }
                tenant = name
            }
            let deleted = try traffic.clear(tenant: tenant, scope: request.scope)
            return Responses.representation(.object([("deleted", .integer(Int64(deleted)))]), root: "Traffic", choice: choice)
        }
    }

    /// `?tenant=` when given (a configured tenant, else 400), else the tenant of the request's Host.
    static func tenant(_ request: RouteRequest, environment: APIEnvironment) throws -> String {
        if let name = request.http.queryValue(caseInsensitive: "tenant") {
            guard environment.tenants.all.contains(where: { $0.fedmemberid == name }) else {
                throw APIError.badRequest("tenant \(name) is not a configured tenant.")
            }
            return name
        }
        return environment.tenant(of: request.http).fedmemberid
    }
}
