import Foundation
import SQLiteStore

/// Writes the messages the platform would send, inside the transaction of the change that causes
/// them (the services call it with their own connection), so a change that rolls back leaves no
/// message and a checkpoint rollback takes them back. Each one names the request that caused it:
/// the transaction's participant when it is the request's journal entry (`RequestIdentified`).
package enum Outbox {
    /// What a message is about: its type (`Contract`, `GroupMembership`, `User` …) and id.
    package struct Subject {
        var type: String
        var id: String

        package init(type: String, id: String) {
            self.type = type
            self.id = id
        }
    }

    /// Writes one message to the user `userID` of `tenant`; nothing when they are not (or no longer)
    /// a user of the tenant. `stamp` is the service's emulator-clock time (stored with milliseconds).
    package static func send(
        _ db: SQLiteConnection, tenant: String, to userID: String, kind: String, subject: String, body: String, about: Subject,
        stamp: String
    ) throws {
        guard !userID.isEmpty, let recipient = try OutboxRepository.recipient(db, userID: userID, tenant: tenant) else { return }
        let time = Timestamp.parse(stamp).map(Timestamp.iso8601Milliseconds) ?? stamp
        let requestID = (db.participant as? any RequestIdentified)?.requestID ?? ""
        try OutboxRepository.insert(
            db,
            OutboxEntry(
                id: 0, tenant: tenant, time: time, toUserID: userID, toEmail: recipient.email, kind: kind, subject: subject, body: body,
                objectType: about.type, objectID: about.id, requestID: requestID))
    }

    /// The display name of a user of the tenant, or their id when they are not one.
    package static func name(_ db: SQLiteConnection, userID: String, tenant: String) throws -> String {
        guard let user = try OutboxRepository.recipient(db, userID: userID, tenant: tenant) else { return userID }
        return user.name.isEmpty ? user.email : user.name
    }

    // MARK: - Accounts

    /// To a user created without a password of their own (an invitee the tenant registered, or a
    /// user a Site Admin added with a temporary password to replace at first login).
    package static func userCreated(_ db: SQLiteConnection, user: PlatformUser, by creator: String?, passwordToSet: Bool, stamp: String)
        throws
    {
        var body = "An account was created for you on the \(user.tenant) developer portal.\nUserID: \(user.id)\nEmail: \(user.email)\n"
        if let creator, !creator.isEmpty { body += "Created by: \(try name(db, userID: creator, tenant: user.tenant)) (\(creator))\n" }
        body +=
            passwordToSet
            ? "Set your password to sign in (PUT /api/users/\(user.id)/password).\n"
            : "Sign in with the password you were given.\n"
        try send(
            db, tenant: user.tenant, to: user.id, kind: OutboxKind.userCreated,
            subject: "Your account on the \(user.tenant) developer portal",
            body: body, about: Subject(type: "User", id: user.id), stamp: stamp)
    }

    /// To the user whose password changed (by themself or by a Site Admin).
    package static func passwordChanged(_ db: SQLiteConnection, userID: String, tenant: String, by changer: String, stamp: String) throws {
        var body = "The password of your account \(userID) was changed"
        body += changer == userID ? " by you.\n" : " by \(try name(db, userID: changer, tenant: tenant)) (\(changer)).\n"
        body += "If you did not expect this, contact your Site Admin.\n"
        try send(
            db, tenant: tenant, to: userID, kind: OutboxKind.userPasswordChanged, subject: "Your password was changed", body: body,
            about: Subject(type: "User", id: userID), stamp: stamp)
    }
}
