import AkanaDomain
import DispatchHTTP

/// `/api/apis/versions/{APIVersionID}/implementations…` and `/api/apis/versions/implementations`:
/// an API version's implementations and the policies attached to them (help `cm/api/apis/`:
/// `m_apis_addAPIImplementation`, `m_apis_getAPIImplementation`, `m_apis_updateAPIImplementationInfo`,
/// `m_apis_findAPIImplementations`, `m_apis_modifyAPIImplementationPolicies`,
/// `m_apis_getAPIImplementationPolicies`). JSON or XML, vendor types included; the
/// implementation code in a path matches without case (pipelines send `live`).
enum ImplementationRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let implementations = environment.implementations
        let accessPoints = environment.accessPoints
        let renew = AppRoutes.renew

        // POST /api/apis/versions/{APIVersionID}/implementations — AddAPIImplementationRequest → APIImplementation.
        router.add(.post, "/api/apis/versions/{APIVersionID}/implementations", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let details = try implementations.addImplementation(
                versionID: request.parameter("APIVersionID"), caller: caller.session,
                input: try ImplementationInput(body: try request.structuredBody()))
            return Responses.representation(
                ImplementationRepresentation.implementation(details, tenant: caller.session.tenant, accessPoints: accessPoints),
                root: "APIImplementation", choice: choice, headers: renew)
        }

        // GET /api/apis/versions/implementations[?APIID=&APIVersionID=&ImplementationCode=&ServiceKey=&ProxiedServiceKey=]
        router.add(.get, "/api/apis/versions/implementations", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let query = { (name: String) in request.http.queryValue(caseInsensitive: name) }
            let list = try implementations.find(
                caller: caller.session,
                filter: ImplementationFilter(
                    apiID: query("APIID"), apiVersionID: query("APIVersionID"), implementationCode: query("ImplementationCode"),
                    serviceKey: query("ServiceKey"), proxiedServiceKey: query("ProxiedServiceKey")))
            return Responses.representation(
                ImplementationRepresentation.list(list, tenant: caller.session.tenant, accessPoints: accessPoints),
                root: "APIImplementations", choice: choice)
        }

        router.add(
            .get, "/api/apis/versions/{APIVersionID}/implementations/{ImplementationCode}", produces: [.json, .xml], access: .session,
            cached: true
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let details = try implementations.implementation(
                versionID: request.parameter("APIVersionID"), code: request.parameter("ImplementationCode"), caller: caller.session)
            return Responses.representation(
                ImplementationRepresentation.implementation(details, tenant: caller.session.tenant, accessPoints: accessPoints),
                root: "APIImplementation", choice: choice)
        }

        // PUT …/implementations/{ImplementationCode}/info — AnonymousAccessAllowed, EndpointAccessAutoApproved, Description, Pattern.
        router.add(
            .put, "/api/apis/versions/{APIVersionID}/implementations/{ImplementationCode}/info", produces: [.json, .xml],
            access: .session
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let details = try implementations.updateInfo(
                versionID: request.parameter("APIVersionID"), code: request.parameter("ImplementationCode"), caller: caller.session,
                input: try ImplementationInfoInput(body: try request.structuredBody()))
            return Responses.representation(
                ImplementationRepresentation.implementation(details, tenant: caller.session.tenant, accessPoints: accessPoints),
                root: "APIImplementation", choice: choice, headers: renew)
        }

        router.add(
            .get, "/api/apis/versions/{APIVersionID}/implementations/{ImplementationCode}/policies", produces: [.json, .xml],
            access: .session, cached: true
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let attached = try implementations.policies(
                versionID: request.parameter("APIVersionID"), code: request.parameter("ImplementationCode"), caller: caller.session)
            return Responses.representation(
                ImplementationRepresentation.policies(attached), root: "APIImplementationPolicies", choice: choice)
        }

        // PUT …/implementations/{ImplementationCode}/policies — replaces the attached policies; answers them.
        router.add(
            .put, "/api/apis/versions/{APIVersionID}/implementations/{ImplementationCode}/policies", produces: [.json, .xml],
            access: .session
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let attached = try implementations.replacePolicies(
                versionID: request.parameter("APIVersionID"), code: request.parameter("ImplementationCode"), caller: caller.session,
                input: try ImplementationPoliciesInput(body: try request.structuredBody()))
            return Responses.representation(
                ImplementationRepresentation.policies(attached), root: "APIImplementationPolicies", choice: choice, headers: renew)
        }
    }
}
