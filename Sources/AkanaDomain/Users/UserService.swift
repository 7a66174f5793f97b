import Foundation
import SQLiteStore

/// A platform user as the Users service shows it (`users` with its roles).
public struct PlatformUser: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var email: String
    public var displayName: String
    public var firstName: String
    public var lastName: String
    public var forcePasswordChange: Bool
    public var roles: [String]
    public var created: String
    public var updated: String
}

/// The Users service: POST /api/users (Site Admin), GET and DELETE /api/users/{UserID}, and a
/// user's apps. Deleting a user ends their sessions and team memberships (foreign keys cascade:
/// `sessions`, `user_roles`, `app_team_members`), so their cookie is refused at once.
public final class UserService: Sendable {
    public static let localDomainName = "Local Domain"

    private let database: DatabasePool
    private let clock: EmulatorClock
    private let ids: IDGenerator
    private let hasher: PasswordHasher

    public init(database: DatabasePool, clock: EmulatorClock, hasher: PasswordHasher, ids: IDGenerator) {
        self.database = database
        self.clock = clock
        self.hasher = hasher
        self.ids = ids
    }

    /// POST /api/users: FirstName, LastName, Email, Password (required), ForcePasswordChangeOnLogin
    /// ("true"/"false" or a boolean). Site Admin only. 409 when the email is taken in the tenant.
    public func addUser(caller: AuthenticatedSession, input: UserInput) throws -> PlatformUser {
        guard caller.isSiteAdmin else { throw DomainError.forbidden("Only Site Admins may add users.") }
        let first = try Self.required(input.firstName, "FirstName")
        let last = try Self.required(input.lastName, "LastName")
        let email = try Self.required(input.email, "Email")
        guard Self.looksLikeEmail(email) else { throw DomainError.badRequest("User.Email '\(email)' is not an email address.") }
        guard let password = input.password, !password.isEmpty else {
            throw DomainError.badRequest("User.Password is required: the temporary password the Site Admin conveys to the user.")
        }
        try FieldLimits.check(password, field: "User.Password")
        let force = input.forcePasswordChangeOnLogin
        let tenant = caller.tenant
        // Refuse a taken email before the slow hash.
        try database.read(in: caller.scope) { db in try Self.checkEmailFree(db, tenant: tenant, email: email) }
        let hash = hasher.hash(password)
        let stamp = Timestamp.iso8601(clock.now())
        let user = PlatformUser(
            id: "\(ids.uuid()).\(tenant)", tenant: tenant, email: email, displayName: "\(first) \(last)",
            firstName: first, lastName: last, forcePasswordChange: force, roles: [], created: stamp, updated: stamp)
        return try database.write(in: caller.scope) { db in
            try Self.checkEmailFree(db, tenant: tenant, email: email)
            try UserRepository.insert(db, user, passwordHash: hash)
            try Outbox.userCreated(db, user: user, by: caller.userID, passwordToSet: force, stamp: stamp)
            return user
        }
    }

    /// GET /api/users/{UserID}: the user themself, or a Site Admin.
    public func user(_ id: String, caller: AuthenticatedSession) throws -> PlatformUser {
        try database.read(in: caller.scope) { db in try self.readableUser(db, id: id, caller: caller) }
    }

    /// DELETE /api/users/{UserID}: Site Admin only; not one's own account (the platform would be
    /// left without the admin doing the deleting). Sessions, roles and team memberships go with it.
    public func deleteUser(_ id: String, caller: AuthenticatedSession) throws {
        try database.write(in: caller.scope) { db in
            guard caller.isSiteAdmin else { throw DomainError.forbidden("Only Site Admins may delete users.") }
            guard try UserRepository.find(db, id: id, tenant: caller.tenant) != nil else {
                throw DomainError.notFound("User \(id) was not found.")
            }
            guard id != caller.userID else {
                throw DomainError.conflict("A Site Admin cannot delete their own account while logged in to it.")
            }
            try UserRepository.delete(db, id: id)
        }
    }

    /// GET /api/users/{UserID}/apps: the apps whose team the user is on (the user themself, or a
    /// Site Admin), in name order.
    public func apps(ofUser id: String, caller: AuthenticatedSession) throws -> (PlatformUser, [Application]) {
        try database.read(in: caller.scope) { db in
            let user = try self.readableUser(db, id: id, caller: caller)
            return (user, try AppRepository.appIDs(db, teamMember: id).compactMap { try AppRepository.app(db, id: $0) })
        }
    }

    /// The LoginResponse's pending login tasks of the session's user: `change.password` while the
    /// user was added with ForcePasswordChangeOnLogin and has not changed it.
    public func pendingTasks(_ session: AuthenticatedSession) throws -> [String] {
        try database.read(in: session.scope) { db in try Self.pendingTasks(db, userID: session.userID) }
    }

    /// The pending login tasks of `userID`, inside the caller's transaction (a login's, a renewal's).
    static func pendingTasks(_ db: SQLiteConnection, userID: String) throws -> [String] {
        try UserRepository.mustChangePassword(db, id: userID) ? [changePasswordTask] : []
    }

    /// GET /api/login/status: the LoginResponse's pending tasks and pending notifications of the
    /// session's user, in one read.
    public func loginState(_ session: AuthenticatedSession) throws -> (tasks: [String], notifications: Int) {
        try database.read(in: session.scope) { db in
            (
                try Self.pendingTasks(db, userID: session.userID),
                try Self.pendingNotifications(db, tenant: session.tenant, userID: session.userID)
            )
        }
    }

    /// The LoginResponse's `pendingNotifications`: how many notifications the user has (the
    /// messages the outbox captured for them, `GET /api/users/{UserID}/notifications/count`).
    static func pendingNotifications(_ db: SQLiteConnection, tenant: String, userID: String) throws -> Int {
        try OutboxRepository.count(db, tenant: tenant, userID: userID)
    }

    public static let changePasswordTask = "change.password"

    /// PUT /api/users/{UserID}/password (m_users_modifyPassword): `OldPassword` and `NewPassword`.
    /// The user themself (who must give the old password) or a Site Admin (for any user; the old
    /// password is not asked of them for another user). Clears the change.password login task.
    public func changePassword(_ id: String, caller: AuthenticatedSession, input: PasswordChangeInput) throws {
        guard id == caller.userID || caller.isSiteAdmin else {
            throw DomainError.forbidden("Only the user themself or a Site Admin may change the password of user \(id).")
        }
        guard let new = input.newPassword, !new.isEmpty else {
            throw DomainError.badRequest("PasswordChange.NewPassword is required.")
        }
        try FieldLimits.check(new, field: "PasswordChange.NewPassword")
        let old = input.oldPassword
        if let old { try FieldLimits.check(old, field: "PasswordChange.OldPassword") }
        let stored = try database.read(in: caller.scope) { db in
            try UserRepository.passwordHash(db, id: id, tenant: caller.tenant)
        }
        guard let stored else { throw DomainError.notFound("User \(id) was not found.") }
        if id == caller.userID {
            guard let old, !old.isEmpty else {
                throw DomainError.badRequest("PasswordChange.OldPassword is required to change your own password.")
            }
            guard hasher.verify(old, against: stored) else {
                throw DomainError.forbidden("PasswordChange.OldPassword is not your current password.")
            }
        }
        let hash = hasher.hash(new)
        let stamp = Timestamp.iso8601(clock.now())
        try database.write(in: caller.scope) { db in
            guard try UserRepository.replacePassword(db, id: id, hash: hash, replacing: stored, updated: stamp) else {
                throw DomainError.conflict("The password of user \(id) changed meanwhile; try again.")
            }
            try Outbox.passwordChanged(db, userID: id, tenant: caller.tenant, by: caller.userID, stamp: stamp)
        }
    }

    // MARK: - Helpers

    private func readableUser(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> PlatformUser {
        guard id == caller.userID || caller.isSiteAdmin else {
            // Whether another user exists is not the caller's business either.
            throw DomainError.forbidden("Only the user themself or a Site Admin may read user \(id).")
        }
        guard let user = try UserRepository.find(db, id: id, tenant: caller.tenant) else {
            throw DomainError.notFound("User \(id) was not found.")
        }
        return user
    }

    private static func checkEmailFree(_ db: SQLiteConnection, tenant: String, email: String) throws {
        if try UserRepository.id(db, tenant: tenant, email: email) != nil {
            throw DomainError.conflict("A user with the email \(email) already exists.")
        }
    }

    /// A required name or email: given, not blank, within its limit; trimmed.
    private static func required(_ text: String?, _ key: String) throws -> String {
        guard let text else { throw DomainError.badRequest("User.\(key) is required.") }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw DomainError.badRequest("User.\(key) must not be empty.") }
        return try FieldLimits.check(trimmed, field: "User.\(key)")
    }

    /// An address with one `@`, something on each side and no whitespace (users added by a Site Admin or a fixture).
    package static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !text.contains(where: \.isWhitespace)
    }
}
