import AkanaDomain
import DispatchHTTP
import Foundation

/// Scopes: `/api/businesses/{BusinessID}/resources`, `/api/businesses/resources/{ResourceID}`
/// (m_businesses_addBusinessResource, …getBusinessResources, …getBusinessResource,
/// …updateBusinessResource, …deleteBusinessResource) and the operations of an API version mapped
/// to them, `/api/apis/versions/{APIVersionID}/resources` (m_apis_saveOperationResources,
/// …getOperationResources).
enum ScopeRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let scopes = environment.scopes
        let refusal = "Only Business Admins and Site Admins may change scopes."

        // POST /api/businesses/{BusinessID}/resources — Site Admin or Business Admin; the new Resource.
        router.add(
            .post, "/api/businesses/{BusinessID}/resources", produces: [.json, .xml], access: .businessOrSiteAdmin(refusal: refusal)
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let scope = try scopes.addScope(
                businessID: request.parameter("BusinessID"), caller: caller.session,
                input: try ScopeInput(body: try request.structuredBody()))
            return Responses.representation(ScopeRepresentation.scope(scope), root: "Resource", choice: choice)
        }

        // GET /api/businesses/{BusinessID}/resources — any logged-in user; the scopes as an RSS channel.
        router.add(.get, "/api/businesses/{BusinessID}/resources", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let list = try scopes.scopes(businessID: request.parameter("BusinessID"), caller: caller.session)
            return RSSChannel(title: "Scopes", items: list.map(item)).response(choice: choice)
        }

        // GET /api/businesses/resources/{ResourceID}
        router.add(.get, "/api/businesses/resources/{ResourceID}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let scope = try scopes.scope(request.parameter("ResourceID"), caller: caller.session)
            return Responses.representation(ScopeRepresentation.scope(scope), root: "Resource", choice: choice)
        }

        // PUT /api/businesses/resources/{ResourceID} — Site Admin or Business Admin; the updated Resource.
        router.add(
            .put, "/api/businesses/resources/{ResourceID}", produces: [.json, .xml], access: .businessOrSiteAdmin(refusal: refusal)
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let scope = try scopes.updateScope(
                request.parameter("ResourceID"), caller: caller.session, input: try ScopeInput(body: try request.structuredBody()))
            return Responses.representation(ScopeRepresentation.scope(scope), root: "Resource", choice: choice)
        }

        // DELETE /api/businesses/resources/{ResourceID} — Site Admin or Business Admin; the deleted Resource.
        router.add(
            .delete, "/api/businesses/resources/{ResourceID}", produces: [.json, .xml], access: .businessOrSiteAdmin(refusal: refusal)
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let scope = try scopes.deleteScope(request.parameter("ResourceID"), caller: caller.session)
            return Responses.representation(ScopeRepresentation.scope(scope), root: "Resource", choice: choice)
        }

        // GET /api/apis/versions/{APIVersionID}/resources — readers of the version.
        router.add(.get, "/api/apis/versions/{APIVersionID}/resources", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let mapping = try scopes.operationScopes(apiVersionID: request.parameter("APIVersionID"), caller: caller.session)
            return Responses.representation(ScopeRepresentation.operationScopes(mapping), root: "OperationResources", choice: choice)
        }

        // PUT /api/apis/versions/{APIVersionID}/resources — the API's admins, Business Admins, Site
        // Admins; replaces the mapping and answers it.
        router.add(.put, "/api/apis/versions/{APIVersionID}/resources", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let mapping = try scopes.saveOperationScopes(
                apiVersionID: request.parameter("APIVersionID"), caller: caller.session,
                mapping: try OperationScopes.list(body: try request.structuredBody()))
            return Responses.representation(ScopeRepresentation.operationScopes(mapping), root: "OperationResources", choice: choice)
        }
    }

    /// A scope as an RSS item: its name, short description, ResourceID and visibility.
    static func item(_ scope: Scope) -> RSSChannel.Item {
        RSSChannel.Item(
            title: scope.name, description: scope.shortDescription, guid: scope.id,
            categories: [("uddi:soa.com:visibility", scope.visibility)], created: scope.created)
    }
}
