import SQLiteStore

// The search sources are the search's repositories: each holds the SQL that walks one type's rows
// (by index, in order, after a cursor) and maps a row to a SearchHit.

/// The ordered, keyset-paged SELECT every source runs: `columns` of `table` for one tenant, after
/// the cursor, in `order`, through the (tenant, name COLLATE NOCASE, id) index for title order.
/// Only fixed SQL fragments are put together; every value is bound.
struct SearchSQL {
    let select: String
    let table: String
    let titleColumn: String

    func batch(_ db: SQLiteConnection, tenant: String, order: SearchOrder, after cursor: SearchCursor?, limit: Int,
               leading: [any SQLiteBindable] = []) throws -> [SQLiteRow] {
        let key = order.key == .title ? "\(table).\(titleColumn) COLLATE NOCASE" : "\(table).updated"
        let direction = order.descending ? "DESC" : "ASC"
        let comparison = order.descending ? "<" : ">"
        var sql = "\(select) WHERE \(table).tenant = ?"
        var arguments: [any SQLiteBindable] = leading + [tenant]
        if let cursor {
            sql += " AND (\(key), \(table).id) \(comparison) (?, ?)"
            arguments += [cursor.key, cursor.id]
        }
        sql += " ORDER BY \(key) \(direction), \(table).id \(direction) LIMIT ?"
        arguments.append(limit)
        return try db.query(sql, arguments)
    }

    static func cursor(_ row: SQLiteRow, order: SearchOrder, titleColumn: String) throws -> SearchCursor {
        SearchCursor(key: try row.string(order.key == .title ? titleColumn : "updated") ?? "", id: try row.requiredString("id"))
    }
}

/// `type:app`: apps, visible to anyone when their default (newest) version is Public, to logged-in
/// users when it is visible to registered users, and always to their team, Business and Site Admins.
public struct AppSearchSource: SearchSource {
    public let type = "app"
    public init() {}

    static let sql = SearchSQL(select: """
        SELECT apps.id, apps.name, apps.summary, apps.description, apps.updated, v.visibility, v.state,
               EXISTS (SELECT 1 FROM app_team_members m WHERE m.app_id = apps.id AND m.user_id = ?) AS member
        FROM apps LEFT JOIN app_versions v
          ON v.id = (SELECT id FROM app_versions WHERE app_id = apps.id ORDER BY created DESC, rowid DESC LIMIT 1)
        """, table: "apps", titleColumn: "name")

    public func batch(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, after cursor: SearchCursor?, limit: Int) throws -> [(SearchCursor, SearchHit)] {
        try Self.sql.batch(db, tenant: viewer.tenant, order: order, after: cursor, limit: limit, leading: [viewer.userID ?? ""])
            .map { (try SearchSQL.cursor($0, order: order, titleColumn: "name"), try hit($0, viewer: viewer)) }
    }

    public func lookup(_ db: SQLiteConnection, viewer: SearchViewer, id: String) throws -> SearchHit? {
        try db.queryFirst(Self.sql.select + " WHERE apps.tenant = ? AND apps.id = ?", viewer.userID ?? "", viewer.tenant, id).map { try hit($0, viewer: viewer) }
    }

    func hit(_ row: SQLiteRow, viewer: SearchViewer) throws -> SearchHit {
        let visibility = try row.string("visibility") ?? Visibility.limited
        let member = try row.bool("member") ?? false
        let visible = viewer.isSiteAdmin || viewer.isBusinessAdmin || member || visibility == Visibility.public
            || (visibility == Visibility.registeredUsers && viewer.isLoggedIn)
        let name = try row.requiredString("name"), summary = try row.requiredString("summary")
        return SearchHit(
            type: type, id: try row.requiredString("id"), title: name, description: summary, updated: try row.requiredString("updated"),
            categories: [("uddi:soa.com:resourcetype", "app"), ("uddi:soa.com:visibility", visibility), ("uddi:soa.com:state", try row.string("state") ?? "")],
            // The emulator has no API contracts, followers or ratings yet: every app has none of them.
            fields: [("Connections", .integer(0)), ("Followers", .integer(0)), ("Rating", .integer(0))],
            searchable: [name, summary, try row.requiredString("description")], visible: visible)
    }
}

/// `type:user`: the tenant's users, visible to logged-in users only.
public struct UserSearchSource: SearchSource {
    public let type = "user"
    public init() {}

    static let sql = SearchSQL(select: "SELECT users.id, users.display_name, users.email, users.updated FROM users",
                               table: "users", titleColumn: "display_name")

    public func batch(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, after cursor: SearchCursor?, limit: Int) throws -> [(SearchCursor, SearchHit)] {
        guard viewer.isLoggedIn else { return [] }
        return try Self.sql.batch(db, tenant: viewer.tenant, order: order, after: cursor, limit: limit)
            .map { (try SearchSQL.cursor($0, order: order, titleColumn: "display_name"), try hit($0, viewer: viewer)) }
    }

    public func lookup(_ db: SQLiteConnection, viewer: SearchViewer, id: String) throws -> SearchHit? {
        guard viewer.isLoggedIn else { return nil }
        return try db.queryFirst(Self.sql.select + " WHERE users.tenant = ? AND users.id = ?", viewer.tenant, id).map { try hit($0, viewer: viewer) }
    }

    func hit(_ row: SQLiteRow, viewer: SearchViewer) throws -> SearchHit {
        let name = try row.requiredString("display_name"), email = try row.requiredString("email")
        return SearchHit(
            type: type, id: try row.requiredString("id"), title: name, description: email, updated: try row.requiredString("updated"),
            categories: [("uddi:soa.com:resourcetype", "user")],
            fields: [("Email", .string(email)), ("UserName", .string(name)), ("Domain", .string(UserService.localDomainName))],
            searchable: [name, email], visible: viewer.isLoggedIn)
    }
}

/// `type:model`: model objects, visible as GET /api/models/{ModelID} decides (open visibility, the
/// creator, or the model roles).
public struct ModelSearchSource: SearchSource {
    public let type = "model"
    public init() {}

    static let sql = SearchSQL(select: "SELECT models.id, models.name, models.summary, models.description, models.visibility, models.created_by, models.updated FROM models",
                               table: "models", titleColumn: "name")

    public func batch(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, after cursor: SearchCursor?, limit: Int) throws -> [(SearchCursor, SearchHit)] {
        try Self.sql.batch(db, tenant: viewer.tenant, order: order, after: cursor, limit: limit)
            .map { (try SearchSQL.cursor($0, order: order, titleColumn: "name"), try hit($0, viewer: viewer)) }
    }

    public func lookup(_ db: SQLiteConnection, viewer: SearchViewer, id: String) throws -> SearchHit? {
        try db.queryFirst(Self.sql.select + " WHERE models.tenant = ? AND models.id = ?", viewer.tenant, id).map { try hit($0, viewer: viewer) }
    }

    func hit(_ row: SQLiteRow, viewer: SearchViewer) throws -> SearchHit {
        let visibility = try row.string("visibility") ?? Visibility.limited
        let creator = try row.string("created_by")
        let visible = !viewer.roles.isDisjoint(with: ModelService.modelRoles) || (viewer.userID != nil && creator == viewer.userID)
            || visibility == Visibility.public || (visibility == Visibility.registeredUsers && viewer.isLoggedIn)
        let name = try row.requiredString("name"), summary = try row.requiredString("summary")
        return SearchHit(
            type: type, id: try row.requiredString("id"), title: name, description: summary, updated: try row.requiredString("updated"),
            categories: [("uddi:soa.com:resourcetype", "model"), ("uddi:soa.com:visibility", visibility)],
            fields: [], searchable: [name, summary, try row.requiredString("description")], visible: visible)
    }
}
