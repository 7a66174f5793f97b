import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec

/// `GET /api/search` (m_search_search, Ref_UsingSearchOnThePlatform) and
/// `GET /api/apps/versions?Identity=…` (the app version owning a gateway client id).
enum SearchRoutes {
    static let sortOrders: [String: SearchOrder.Key] = [
        "com.soa.sort.order.alphabetical": .title, "com.soa.sort.order.title_sort": .title,
        "com.soa.sort.order.relevance": .title, "relevance": .title,
        "com.soa.sort.order.updated": .updated, "updated": .updated
    ]

    static func register(into router: inout Router, environment: APIEnvironment) {
        let search = environment.search

        // GET /api/search?q=…&sort=asc|desc&sortBy=…&start=…&count=…&Federation=… — login optional.
        router.add(.get, "/api/search", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let http = request.http
            // Login is optional: no cookie searches anonymously; a cookie that does not verify is a 401.
            let hasCookie =
                Cookies.value(named: SessionCookie.authCookieName(tenant: environment.tenant(of: http).fedmemberid), in: http.headers)
                != nil
            let caller = hasCookie ? try environment.authenticate(request) : nil
            let tenant = caller?.tenant ?? environment.tenant(of: http)
            let query = try SearchQuery.parse(http.queryValue(caseInsensitive: "q"))
            let sortByText = http.queryValue(caseInsensitive: "sortBy")
            let key: SearchOrder.Key
            if let sortByText, !sortByText.isEmpty {
                guard let known = sortOrders[sortByText] else {
                    throw APIError.badRequest(
                        "sortBy '\(sortByText)' is not supported; use one of \(sortOrders.keys.sorted().joined(separator: ", ")).")
                }
                key = known
            } else {
                key = .title
            }
            let descending: Bool
            switch http.queryValue(caseInsensitive: "sort")?.lowercased() {
            case nil, "": descending = key == .updated
            case "asc": descending = false
            case "desc": descending = true
            case let other?: throw APIError.badRequest("sort must be asc or desc, not '\(other)'.")
            }
            let start = try integer(request, "start", default: 0)
            let count = try integer(request, "count", default: 20)
            // One platform, no federation partners: true and false answer the same local results.
            if let federation = http.queryValue(caseInsensitive: "Federation"), !["true", "false"].contains(federation.lowercased()) {
                throw APIError.badRequest("Federation must be true or false, not '\(federation.prefix(20))'.")
            }
            let hits = try search.search(
                query, order: SearchOrder(key: key, descending: descending), start: start, count: count,
                viewer: SearchViewer(tenant: tenant.fedmemberid, session: caller?.session), scope: request.scope)
            return RSSChannel(title: "Search Results", items: hits.map(SearchRepresentation.item)).response(choice: choice)
        }

        // GET /api/apps/versions?Identity=… — the versions (one per tenant) whose Identity it is.
        router.add(.get, "/api/apps/versions", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            guard let identity = request.http.queryValue(caseInsensitive: "Identity"), !identity.isEmpty else {
                throw APIError.badRequest("GET /api/apps/versions needs the Identity query parameter (an app version's gateway client id).")
            }
            try FieldLimits.check(identity, field: "Identity")
            let versions = try environment.apps.versions(identity: identity, caller: caller.session)
            let items = versions.map { version in
                RSSChannel.Item(
                    title: version.name, description: version.description, guid: version.id,
                    categories: [("uddi:soa.com:visibility", version.visibility), ("uddi:soa.com:state", version.state)],
                    pubDate: Timestamp.parse(version.created) ?? Date(timeIntervalSince1970: 0))
            }
            return RSSChannel(title: "Versions with Identity \(identity)", items: items).response(choice: choice)
        }
    }

    static func integer(_ request: RouteRequest, _ name: String, default value: Int) throws -> Int {
        guard let text = request.http.queryValue(caseInsensitive: name), !text.isEmpty else { return value }
        guard text.count <= 9, let number = Int(text) else {
            throw APIError.badRequest("\(name) must be a whole number, not '\(text.prefix(20))'.")
        }
        return number
    }
}
