import AkanaDomain
import DispatchHTTP

/// `/api/policies…`: the tenant's policy catalogue (help `policies/m_policies_getPoliciesList.htm`;
/// no help page for `GET /api/policies/{PolicyKey}` was found: it answers the policy as the list's
/// object form does). Any logged-in user reads it.
enum PolicyRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let policies = environment.policies

        // GET /api/policies[?Type=…&Type=…&BusinessID=…&IncludeInactivePolicies=true] — an RSS channel for
        // application/json, the vnd.soa types and XML; the JSON object {Policy: […]} for
        // application/vnd.akana.v2020+json.
        router.add(.get, "/api/policies", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let types = request.http.query.filter { $0.name.lowercased() == "type" }.map(\.value)
            let list = try policies.policies(
                caller: caller.session, types: types, businessID: request.http.queryValue(caseInsensitive: "BusinessID"),
                includeInactive: try request.booleanQuery("IncludeInactivePolicies", default: false))
            if PolicyRepresentation.wantsObjectForm(choice) {
                return Responses.representation(PolicyRepresentation.list(list), root: "Policies", choice: choice)
            }
            return PolicyRepresentation.channel(list).response(choice: choice)
        }

        router.add(.get, "/api/policies/{PolicyKey}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let policy = try policies.policy(request.parameter("PolicyKey"), caller: caller.session)
            return Responses.representation(PolicyRepresentation.detail(policy), root: "Policy", choice: choice)
        }
    }
}
