import AkanaDomain
import DispatchHTTP
import Foundation

/// `/api/users…` (m_users_addUser, m_users_getUser, m_users_deleteUser, m_users_getApps,
/// m_users_getNotifications, m_users_getNotificationsCount).
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

        // GET /api/users/{UserID}/notifications[?start=&count=] — m_users_getNotifications: the
        // user's notifications (the messages the outbox captured for them), newest first; self or
        // Site Admin. The page's response body is not visible in the stored copy: answered as the
        // platform's other lists, an RSS channel (each item: subject, body, kind as a category).
        router.add(.get, "/api/users/{UserID}/notifications", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let start = try pageParameter(request.http, "start", default: 0, range: 0...Int(Int32.max))
            let count = try pageParameter(
                request.http, "count", default: OutboxService.maxNotificationsPerPage, range: 1...OutboxService.maxNotificationsPerPage)
            let (user, entries) = try environment.outbox.notifications(
                userID: request.parameter("UserID"), start: start, count: count, caller: caller.session)
            return RSSChannel(title: "Notifications of \(user.name.isEmpty ? user.email : user.name)", items: entries.map(notificationItem))
                .response(choice: choice)
        }

        // GET /api/users/{UserID}/notifications/count — m_users_getNotificationsCount: text/plain, the number.
        router.add(.get, "/api/users/{UserID}/notifications/count", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let count = try environment.outbox.notificationCount(userID: request.parameter("UserID"), caller: caller.session)
            return Responses.text(String(count))
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

    /// A whole number query parameter within `range`; `fallback` when absent or empty.
    static func pageParameter(_ request: HTTPRequest, _ name: String, default fallback: Int, range: ClosedRange<Int>) throws(APIError)
        -> Int
    {
        guard let text = request.queryValue(caseInsensitive: name), !text.isEmpty else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest(
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(64))'.")
        }
        return value
    }

    /// A captured message as an RSS item: its subject, body, kind (a category) and what it is about.
    static func notificationItem(_ entry: OutboxEntry) -> RSSChannel.Item {
        RSSChannel.Item(
            title: entry.subject, description: entry.body, guid: "notification-\(entry.id).\(entry.tenant)",
            categories: [("uddi:soa.com:notification:kind", entry.kind)],
            pubDate: Timestamp.parse(entry.time) ?? Date(timeIntervalSince1970: 0),
            fields: [("ObjectType", .string(entry.objectType)), ("ObjectID", .string(entry.objectID))])
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
