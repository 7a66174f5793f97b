import Foundation

/// What a write transaction's participant tells the domain about the request it serves: the
/// server's id of the request (the id its request journal entry holds). The request journal's
/// participant (`JournaledRequest`) adopts it; the outbox links each message to it.
public protocol RequestIdentified: AnyObject {
    var requestID: String { get }
}

/// One message the platform would have sent a person (an email, and on the platform an in-app
/// notification), captured in the outbox instead (`outbox`, migration 0026).
public struct OutboxEntry: Sendable, Equatable {
    /// Increasing in the order the messages were written.
    public var id: Int64
    public var tenant: String
    /// The emulator clock when it was written (ISO-8601 UTC with milliseconds).
    public var time: String
    /// The recipient's UserID and the address the message would have gone to.
    public var toUserID: String
    public var toEmail: String
    /// A stable name of what happened (`OutboxKind`).
    public var kind: String
    public var subject: String
    public var body: String
    /// What the message is about (`Contract` and a ContractID, `GroupMembership` and a MembershipRequestID, `User` …).
    public var objectType: String
    public var objectID: String
    /// The server's id of the request whose change caused it ("" when none is known).
    public var requestID: String

    public init(
        id: Int64, tenant: String, time: String, toUserID: String, toEmail: String, kind: String, subject: String, body: String,
        objectType: String, objectID: String, requestID: String
    ) {
        self.id = id
        self.tenant = tenant
        self.time = time
        self.toUserID = toUserID
        self.toEmail = toEmail
        self.kind = kind
        self.subject = subject
        self.body = body
        self.objectType = objectType
        self.objectID = objectID
        self.requestID = requestID
    }
}

/// The kinds of captured messages: stable strings tests filter on.
public enum OutboxKind {
    /// To the invitee: an invitation to an independent (or system) group.
    public static let groupInvitation = "group.invitation"
    /// To whoever invited: the invitee accepted / declined.
    public static let groupInvitationAccepted = "group.invitationAccepted"
    public static let groupInvitationDeclined = "group.invitationDeclined"
    /// The same for an app's team.
    public static let appTeamInvitation = "appteam.invitation"
    public static let appTeamInvitationAccepted = "appteam.invitationAccepted"
    public static let appTeamInvitationDeclined = "appteam.invitationDeclined"
    /// To the API's admins: a contract waits for their approval.
    public static let contractRequested = "contract.requested"
    /// To the app's team: the contract was approved, activated, rejected.
    public static let contractApproved = "contract.approved"
    public static let contractActivated = "contract.activated"
    public static let contractRejected = "contract.rejected"
    /// To the new user: an account was made for them, with a password they are to set.
    public static let userCreated = "user.created"
    /// To the user: their password was changed.
    public static let userPasswordChanged = "user.passwordChanged"

    public static let all = [
        groupInvitation, groupInvitationAccepted, groupInvitationDeclined, appTeamInvitation, appTeamInvitationAccepted,
        appTeamInvitationDeclined, contractRequested, contractApproved, contractActivated, contractRejected, userCreated,
        userPasswordChanged
    ]
}

/// Which entries `GET /_emulator/outbox` lists: one tenant's, newest first.
public struct OutboxFilter: Sendable, Equatable {
    public static let defaultLimit = 100
    public static let maxLimit = 1_000

    public var tenant: String
    /// A UserID, or (with an `@`) an email address, matched without regard to case.
    public var to: String?
    public var kind: String?
    /// Only entries written at this time or later.
    public var since: Date?
    public var limit: Int

    public init(tenant: String, to: String? = nil, kind: String? = nil, since: Date? = nil, limit: Int = OutboxFilter.defaultLimit) {
        self.tenant = tenant
        self.to = to
        self.kind = kind
        self.since = since
        self.limit = limit
    }
}
