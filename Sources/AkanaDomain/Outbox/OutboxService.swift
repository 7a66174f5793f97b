import Foundation
import SQLiteStore

/// The captured messages: `/_emulator/outbox` (list, empty) and the in-app notifications of the
/// users service (`GET /api/users/{UserID}/notifications[/count]`). One read or write per call.
public final class OutboxService: Sendable {
    private let database: DatabasePool

    /// `GET /api/users/{UserID}/notifications` answers at most this many per page.
    public static let maxNotificationsPerPage = 1_000

    public init(database: DatabasePool) {
        self.database = database
    }

    /// The tenant's messages matching the filter, newest first.
    public func entries(matching filter: OutboxFilter, scope: TransactionScope) throws -> [OutboxEntry] {
        let since = filter.since.map(Timestamp.iso8601Milliseconds)
        return try database.read(in: scope) { db in try OutboxRepository.entries(db, filter: filter, since: since) }
    }

    /// Empties the outbox of one tenant, or of every tenant; returns how many messages went.
    public func clear(tenant: String?, scope: TransactionScope) throws -> Int {
        try database.write(in: scope) { db in try OutboxRepository.clear(db, tenant: tenant) }
    }

    /// GET /api/users/{UserID}/notifications (m_users_getNotifications): the user's notifications,
    /// newest first, `count` of them from index `start`. "Self (logged in) or Site Admin (for any
    /// user)": another user gets 403; a user the tenant does not have, 404 (for a Site Admin).
    public func notifications(userID: String, start: Int, count: Int, caller: AuthenticatedSession) throws -> (
        user: (name: String, email: String), entries: [OutboxEntry]
    ) {
        try database.read(in: caller.scope) { db in
            let user = try Self.readableUser(db, userID: userID, caller: caller)
            return (user, try OutboxRepository.entries(db, tenant: caller.tenant, userID: userID, start: start, count: count))
        }
    }

    /// GET /api/users/{UserID}/notifications/count (m_users_getNotificationsCount), with the same rule.
    public func notificationCount(userID: String, caller: AuthenticatedSession) throws -> Int {
        try database.read(in: caller.scope) { db in
            _ = try Self.readableUser(db, userID: userID, caller: caller)
            return try OutboxRepository.count(db, tenant: caller.tenant, userID: userID)
        }
    }

    private static func readableUser(_ db: SQLiteConnection, userID: String, caller: AuthenticatedSession) throws -> (
        name: String, email: String
    ) {
        guard userID == caller.userID || caller.isSiteAdmin else {
            throw DomainError.forbidden("Only the user themself or a Site Admin may read the notifications of user \(userID).")
        }
        guard let user = try OutboxRepository.recipient(db, userID: userID, tenant: caller.tenant) else {
            throw DomainError.notFound("User \(userID) was not found.")
        }
        return user
    }
}
