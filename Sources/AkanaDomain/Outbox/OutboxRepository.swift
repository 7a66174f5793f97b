import SQLiteStore

/// SQL for the captured messages (`outbox`). Every value is bound; each list reads an index of
/// 0026_outbox.sql (tenant and time, the recipient's UserID, or their email address).
package enum OutboxRepository {
    private static let columns =
        "id, tenant, time, to_user, to_email, kind, subject, body, object_type, object_id, request_id"

    /// Writes one message (its id is assigned here); the journal names the object it is about.
    static func insert(_ db: SQLiteConnection, _ entry: OutboxEntry) throws {
        try db.change(
            entry.objectID.isEmpty ? entry.toUserID : entry.objectID,
            """
            INSERT INTO outbox (tenant, time, to_user, to_email, kind, subject, body, object_type, object_id, request_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, entry.tenant, entry.time, entry.toUserID, entry.toEmail, entry.kind, entry.subject, entry.body, entry.objectType,
            entry.objectID, entry.requestID)
    }

    /// The tenant's messages matching `filter`, newest first (`time`, then the order written).
    static func entries(_ db: SQLiteConnection, filter: OutboxFilter, since: String?) throws -> [OutboxEntry] {
        var sql = "SELECT \(columns) FROM outbox WHERE tenant = ?"
        var arguments: [any SQLiteBindable] = [filter.tenant]
        if let to = filter.to {
            if to.contains("@") {
                sql += " AND to_email = ? COLLATE NOCASE"
            } else {
                sql += " AND to_user = ?"
            }
            arguments.append(to)
        }
        if let since {
            sql += " AND time >= ?"
            arguments.append(since)
        }
        if let kind = filter.kind {
            sql += " AND kind = ?"
            arguments.append(kind)
        }
        sql += " ORDER BY time DESC, id DESC LIMIT ?"
        arguments.append(filter.limit)
        return try db.query(sql, arguments).map(entry)
    }

    /// A recipient's messages in the tenant, newest first, `count` of them from `start`.
    static func entries(_ db: SQLiteConnection, tenant: String, userID: String, start: Int, count: Int) throws -> [OutboxEntry] {
        try db.query(
            "SELECT \(columns) FROM outbox WHERE tenant = ? AND to_user = ? ORDER BY time DESC, id DESC LIMIT ? OFFSET ?", tenant,
            userID, count, start
        ).map(entry)
    }

    /// How many messages the recipient has in the tenant.
    static func count(_ db: SQLiteConnection, tenant: String, userID: String) throws -> Int {
        try db.queryFirst("SELECT count(*) AS n FROM outbox WHERE tenant = ? AND to_user = ?", tenant, userID)?.requiredInt("n") ?? 0
    }

    /// Deletes one tenant's messages, or every tenant's; returns how many went.
    @discardableResult
    static func clear(_ db: SQLiteConnection, tenant: String?) throws -> Int {
        if let tenant { return try db.change("outbox", "DELETE FROM outbox WHERE tenant = ?", tenant) }
        return try db.change("outbox", "DELETE FROM outbox")
    }

    /// The recipient's display name and email address, when they are a user of the tenant.
    static func recipient(_ db: SQLiteConnection, userID: String, tenant: String) throws -> (name: String, email: String)? {
        try db.queryFirst("SELECT display_name, email FROM users WHERE id = ? AND tenant = ?", userID, tenant).map {
            (try $0.requiredString("display_name"), try $0.requiredString("email"))
        }
    }

    private static func entry(_ row: SQLiteRow) throws -> OutboxEntry {
        OutboxEntry(
            id: try row.requiredInt64("id"), tenant: try row.requiredString("tenant"), time: try row.requiredString("time"),
            toUserID: try row.requiredString("to_user"), toEmail: try row.requiredString("to_email"), kind: try row.requiredString("kind"),
            subject: try row.requiredString("subject"), body: try row.requiredString("body"),
            objectType: try row.requiredString("object_type"), objectID: try row.requiredString("object_id"),
            requestID: try row.requiredString("request_id"))
    }
}
