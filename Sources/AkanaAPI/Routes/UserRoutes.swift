import AkanaDomain
import DispatchHTTP
import Foundation

/// `/api/users…` (m_users_addUser, m_users_getUser, m_users_deleteUser, m_users_getApps).
enum UserRoutes {
    static func register(into router: inout Router, environment: APIEnvironment, users: UserService) {
        // POST /api/users — Site Admin only; answers the new User.
        router.add(.post, "/api/users", produces: [.json, .xml], access: .siteAdmin(refusal: "Only Site Admins may add users.")) {
            request in
            let choice = try request.choice
            let caller = try request.caller
            let user = try users.addUser(caller: caller.session, input: try UserInput(body: try request.jsonBody()))
            return Responses.representation(UserRepresentation.user(user), root: "User", choice: choice)
        }

        // GET /api/users/{UserID} — the user themself, or a Site Admin.
        router.add(.get, "/api/users/{UserID}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let user = try users.user(request.parameter("UserID"), caller: caller.session)
            return Responses.representation(UserRepresentation.user(user), root: "User", choice: choice)
        }

        // DELETE /api/users/{UserID} — Site Admin only; text/plain, the deleted UserID.
        router.add(.delete, "/api/users/{UserID}", produces: [.text], access: .siteAdmin(refusal: "Only Site Admins may delete users.")) {
            request in
            let caller = try request.caller
            let id = try request.parameter("UserID")
            try users.deleteUser(id, caller: caller.session)
            return Responses.text(id)
        }

        // PUT /api/users/{UserID}/password — {"OldPassword","NewPassword"}; text/plain, the UserID.
        router.add(.put, "/api/users/{UserID}/password", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let id = try request.parameter("UserID")
            try users.changePassword(id, caller: caller.session, input: try PasswordChangeInput(body: try request.jsonBody()))
            return Responses.text(id)
        }

        // GET /api/users/{UserID}/apps — the apps whose team the user is on (RSS channel).
        router.add(.get, "/api/users/{UserID}/apps", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let (user, apps) = try users.apps(ofUser: request.parameter("UserID"), caller: caller.session)
            let items = apps.map(appItem)
            return RSSChannel(title: "Apps of \(user.displayName)", items: items).response(choice: choice)
        }
    }

    /// An app as an RSS item: the name, summary, AppID, its default version's visibility and state.
    static func appItem(_ app: Application) -> RSSChannel.Item {
        var categories: [(domain: String, value: String)] = []
        if let version = app.defaultVersion {
            categories.append(("uddi:soa.com:visibility", version.visibility))
            categories.append(("uddi:soa.com:state", version.state))
        }
        return RSSChannel.Item(
            title: app.name, description: app.summary, guid: app.id, categories: categories,
            pubDate: Timestamp.parse(app.updated) ?? Date(timeIntervalSince1970: 0))
    }
}
