import Foundation
import SQLiteStore

/// A verified login session: who is calling, for which tenant, until when.
public struct AuthenticatedSession: Sendable, Equatable {
    public var tokenID: String
    public var tenant: String
    /// The user's FDN (`<uuid>.<tenant>`), the platform's UserID.
    public var userID: String
    public var userName: String
    public var email: String
    public var roles: Set<String>
    /// The `Csrf-Token_<tenant>` cookie value (percent-encoded, as clients copy it into the header).
    public var csrfToken: String
    public var startedAt: Date
    public var issuedAt: Date
    public var expiresAt: Date
    /// The request this session acts for: every service call made with the session passes it to
    /// the database, so the request's journal entry joins its writes and its deadline interrupts
    /// them. Not part of equality.
    public var scope: TransactionScope

    public static func == (lhs: AuthenticatedSession, rhs: AuthenticatedSession) -> Bool {
        lhs.tokenID == rhs.tokenID && lhs.tenant == rhs.tenant && lhs.userID == rhs.userID && lhs.userName == rhs.userName
            && lhs.email == rhs.email && lhs.roles == rhs.roles && lhs.csrfToken == rhs.csrfToken
            && lhs.startedAt == rhs.startedAt && lhs.issuedAt == rhs.issuedAt && lhs.expiresAt == rhs.expiresAt
    }

    public var isSiteAdmin: Bool { roles.contains(Role.siteAdmin) }
    public var isBusinessAdmin: Bool { roles.contains(Role.businessAdmin) }

    /// True when `header` carries this session's CSRF token, as sent (percent-encoded) or decoded.
    public func acceptsCSRF(_ header: String) -> Bool {
        if Crypto.constantTimeEquals(Array(header.utf8), Array(csrfToken.utf8)) { return true }
        guard let decoded = PercentEncoding.decode(csrfToken) else { return false }
        return Crypto.constantTimeEquals(Array(header.utf8), Array(decoded.utf8))
    }
}
