import SQLiteStore

// The search sources are the search's repositories: each holds the SQL that walks one type's rows
// (by index, in order, after a cursor) and maps a row to a SearchHit (typed facts; the RSS shape
// is SearchRepresentation's).

/// The ordered, keyset-paged SELECT every source runs: `columns` of `table` for one tenant, after
/// the cursor, in `order`, through the (tenant, name COLLATE NOCASE, id) index for title order.
/// Only fixed SQL fragments are put together; every value is bound.
struct SearchSQL {
    let select: String
    let table: String
    let titleColumn: String

    func batch(
        _ db: SQLiteConnection, tenant: String, order: SearchOrder, after cursor: SearchCursor?, limit: Int,
        leading: [any SQLiteBindable] = []
    ) throws -> [SQLiteRow] {
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

    static let sql = SearchSQL(
        select: """
            SELECT apps.id, apps.name, apps.summary, apps.description, apps.updated, v.visibility, v.state,
                   EXISTS (SELECT 1 FROM app_team_members m WHERE m.app_id = apps.id AND m.user_id = ?) AS member,
                   (SELECT count(*) FROM app_versions av JOIN contracts c ON c.runtime_id = av.id
                      LEFT JOIN workflow_objects w ON w.object_id = c.id
                     WHERE av.app_id = apps.id AND coalesce(w.status, '') <> 'apicontract.status.cancelled') AS connections
            FROM apps LEFT JOIN app_versions v
              ON v.id = (SELECT id FROM app_versions WHERE app_id = apps.id ORDER BY created DESC, rowid DESC LIMIT 1)
            """, table: "apps", titleColumn: "name")

    public func batch(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, after cursor: SearchCursor?, limit: Int) throws
        -> [(SearchCursor, SearchHit)]
    {
        try Self.sql.batch(db, tenant: viewer.tenant, order: order, after: cursor, limit: limit, leading: [viewer.userID ?? ""])
            .map { (try SearchSQL.cursor($0, order: order, titleColumn: "name"), try hit($0, viewer: viewer)) }
    }

    public func lookup(_ db: SQLiteConnection, viewer: SearchViewer, id: String) throws -> SearchHit? {
        try db.queryFirst(Self.sql.select + " WHERE apps.tenant = ? AND apps.id = ?", viewer.userID ?? "", viewer.tenant, id).map {
            try hit($0, viewer: viewer)
        }
    }

    func hit(_ row: SQLiteRow, viewer: SearchViewer) throws -> SearchHit {
        let visibility = try row.string("visibility") ?? Visibility.limited
        let member = try row.bool("member") ?? false
        let visible =
            viewer.isSiteAdmin || viewer.isBusinessAdmin || member || visibility == Visibility.public
            || (visibility == Visibility.registeredUsers && viewer.isLoggedIn)
        let name = try row.requiredString("name")
        let summary = try row.requiredString("summary")
        return SearchHit(
            id: try row.requiredString("id"), title: name, description: summary, updated: try row.requiredString("updated"),
            details: .app(visibility: visibility, state: try row.string("state") ?? "", connections: try row.int64("connections") ?? 0),
            searchable: [name, summary, try row.requiredString("description")], visible: visible)
    }
}

/// `type:user`: the tenant's users, visible to logged-in users only.
public struct UserSearchSource: SearchSource {
    public let type = "user"
    public init() {}

    static let sql = SearchSQL(
        select: "SELECT users.id, users.display_name, users.email, users.updated FROM users",
        table: "users", titleColumn: "display_name")

    public func batch(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, after cursor: SearchCursor?, limit: Int) throws
        -> [(SearchCursor, SearchHit)]
    {
        guard viewer.isLoggedIn else { return [] }
        return try Self.sql.batch(db, tenant: viewer.tenant, order: order, after: cursor, limit: limit)
            .map { (try SearchSQL.cursor($0, order: order, titleColumn: "display_name"), try hit($0, viewer: viewer)) }
    }

    public func lookup(_ db: SQLiteConnection, viewer: SearchViewer, id: String) throws -> SearchHit? {
        guard viewer.isLoggedIn else { return nil }
        return try db.queryFirst(Self.sql.select + " WHERE users.tenant = ? AND users.id = ?", viewer.tenant, id).map {
            try hit($0, viewer: viewer)
        }
    }

    func hit(_ row: SQLiteRow, viewer: SearchViewer) throws -> SearchHit {
        let name = try row.requiredString("display_name")
        let email = try row.requiredString("email")
        return SearchHit(
            id: try row.requiredString("id"), title: name, description: email, updated: try row.requiredString("updated"),
            details: .user(email: email, domain: UserService.localDomainName),
            searchable: [name, email], visible: viewer.isLoggedIn)
    }
}

/// `type:model`: model objects, visible as GET /api/models/{ModelID} decides (open visibility, the
/// creator, or the model roles).
public struct ModelSearchSource: SearchSource {
    public let type = "model"
    public init() {}

    static let sql = SearchSQL(
        select:
            "SELECT models.id, models.name, models.summary, models.description, models.visibility, models.created_by, models.updated FROM models",
        table: "models", titleColumn: "name")

    public func batch(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, after cursor: SearchCursor?, limit: Int) throws
        -> [(SearchCursor, SearchHit)]
    {
        try Self.sql.batch(db, tenant: viewer.tenant, order: order, after: cursor, limit: limit)
            .map { (try SearchSQL.cursor($0, order: order, titleColumn: "name"), try hit($0, viewer: viewer)) }
    }

    public func lookup(_ db: SQLiteConnection, viewer: SearchViewer, id: String) throws -> SearchHit? {
        try db.queryFirst(Self.sql.select + " WHERE models.tenant = ? AND models.id = ?", viewer.tenant, id).map {
            try hit($0, viewer: viewer)
        }
    }

    func hit(_ row: SQLiteRow, viewer: SearchViewer) throws -> SearchHit {
        let visibility = try row.string("visibility") ?? Visibility.limited
        let creator = try row.string("created_by")
        let visible =
            !viewer.roles.isDisjoint(with: ModelService.modelRoles) || (viewer.userID != nil && creator == viewer.userID)
            || visibility == Visibility.public || (visibility == Visibility.registeredUsers && viewer.isLoggedIn)
        let name = try row.requiredString("name")
        let summary = try row.requiredString("summary")
        return SearchHit(
            id: try row.requiredString("id"), title: name, description: summary, updated: try row.requiredString("updated"),
            details: .model(visibility: visibility), searchable: [name, summary, try row.requiredString("description")], visible: visible)
    }
}

/// `type:api`: the tenant's APIs, visible as GET /api/apis/{APIID} decides (`APIAccess.canRead`):
/// Business and Site Admins and the API's admins always; others when it is Public or visible to
/// registered users (anonymous callers: Public only, as for apps and models).
public struct APISearchSource: SearchSource {
    public let type = "api"
    public init() {}

    static let sql = SearchSQL(
        select: """
            SELECT apis.id, apis.name, apis.description, apis.visibility, apis.updated,
                   EXISTS (SELECT 1 FROM api_admins a WHERE a.api_id = apis.id AND a.user_id = ?) AS admin,
                   (SELECT count(*) FROM api_versions WHERE api_versions.api_id = apis.id) AS versions
            FROM apis
            """, table: "apis", titleColumn: "name")

    public func batch(_ db: SQLiteConnection, viewer: SearchViewer, order: SearchOrder, after cursor: SearchCursor?, limit: Int) throws
        -> [(SearchCursor, SearchHit)]
    {
        try Self.sql.batch(db, tenant: viewer.tenant, order: order, after: cursor, limit: limit, leading: [viewer.userID ?? ""])
            .map { (try SearchSQL.cursor($0, order: order, titleColumn: "name"), try hit($0, viewer: viewer)) }
    }

    public func lookup(_ db: SQLiteConnection, viewer: SearchViewer, id: String) throws -> SearchHit? {
        try db.queryFirst(Self.sql.select + " WHERE apis.tenant = ? AND apis.id = ?", viewer.userID ?? "", viewer.tenant, id).map {
            try hit($0, viewer: viewer)
        }
    }

    func hit(_ row: SQLiteRow, viewer: SearchViewer) throws -> SearchHit {
        let visibility = try row.requiredString("visibility")
        let admin = try row.bool("admin") ?? false
        let visible =
            viewer.isSiteAdmin || viewer.isBusinessAdmin || admin || visibility == Visibility.public
            || (visibility == Visibility.registeredUsers && viewer.isLoggedIn)
        let name = try row.requiredString("name")
        let description = try row.requiredString("description")
        return SearchHit(
            id: try row.requiredString("id"), title: name, description: description, updated: try row.requiredString("updated"),
            details: .api(visibility: visibility, versions: try row.int64("versions") ?? 0),
            searchable: [name, description], visible: visible)
    }
}
