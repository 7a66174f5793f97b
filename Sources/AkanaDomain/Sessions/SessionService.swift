import Foundation
import SQLiteStore
import Synchronization

/// Logs users in and out and verifies session cookies. Sessions are rows of `sessions`, so they
/// survive restarts; the cookie's signature key is generated once per database.
public final class SessionService: Sendable {
    public struct Login: Sendable {
        public var session: AuthenticatedSession
        /// The `AtmoAuthToken_<tenant>` cookie value.
        public var authCookie: String
        /// The user's pending login tasks (`UserService.pendingTasks`), read in the login's (or
        /// renewal's) own transaction.
        public var pendingTasks: [String]
        /// How many notifications the user has (the outbox's messages to them), read in the same transaction.
        public var pendingNotifications: Int
    }

    private let database: DatabasePool
    private let clock: EmulatorClock
    private let policy: SessionPolicy
    private let signingKey: [UInt8]
    private let passwords: PasswordVerifier
    private let ids: IDGenerator
    private let verified = VerifiedCredentialCache()
    /// Cookies whose signature already verified, by exact value: a client sends the same cookie on
    /// every request, and verification depends only on the value and the fixed signing key. Whether
    /// the session still exists is `storedSession`'s question.
    private let verifiedCookies = Mutex<[String: SessionCookie]>([:])
    /// Session rows by token id, each tagged with `sessionChanges` when it was read: any commit
    /// that changed sessions, users, roles or tenants (a logout, a renewal, a role change, a user
    /// deleted) or a restore makes every entry stale, so an entry is used only while those tables
    /// are exactly as it was read. Saves the session query of nearly every request.
    private let storedSessions = Mutex<[String: StoredSession]>([:])
    /// Commits that changed what a stored session is made of (see `storedSession`).
    private let sessionChanges: TableChangeCounter
    private static let storedSessionLimit = 4096

    public init(
        database: DatabasePool, clock: EmulatorClock, policy: SessionPolicy, signingKey: [UInt8], hasher: PasswordHasher,
        ids: IDGenerator
    ) {
        self.ids = ids
        self.database = database
        self.sessionChanges = database.changeCounter(watching: ["sessions", "users", "user_roles", "tenants"])
        self.clock = clock
        self.policy = policy
        self.signingKey = signingKey
        self.passwords = PasswordVerifier(hasher: hasher, threads: policy.passwordHashThreads, queueLimit: policy.passwordHashQueueLimit)
    }

    private static let invalidCredentials = DomainError.unauthorized("Invalid email address or password.")

    /// Checks the credentials and opens a session. Unknown users and wrong passwords get the same
    /// fault (and take the same time); an account, or a client `address`, with too many recent
    /// failures is locked for a while, before any password is hashed. The password KDF runs on its
    /// own bounded lane (`PasswordVerifier`): when that is full the login is refused with a 503.
    public func login(
        tenant: TenantSettings, email: String, password: String, address: String? = nil,
        scope: TransactionScope
    ) throws -> Login {
        let now = clock.now()
        // The tenant's login policy (`PUT /api/businesses/{BusinessID}/loginpolicy`) over the configured one.
        let policy = self.policy.applying(tenant)
        let windowStart = Timestamp.iso8601(now.addingTimeInterval(-max(policy.failureWindow, policy.lockDuration)))
        let byAddress = address.flatMap { $0.isEmpty || policy.maxFailuresPerAddress <= 0 ? nil : $0 }
        let (user, failures, addressFailures) = try database.read(in: scope) { db in
            let user = try UserRepository.credentials(db, tenant: tenant.fedmemberid, email: email)
            let failures = try SessionRepository.failures(
                db, tenant: tenant.fedmemberid, email: email, since: windowStart,
                limit: max(1, policy.maxFailures))
            var addressFailures: [Date] = []
            if let byAddress {
                addressFailures = try SessionRepository.failures(
                    db, tenant: tenant.fedmemberid, address: byAddress, since: windowStart,
                    limit: policy.maxFailuresPerAddress)
            }
            return (user, failures, addressFailures)
        }
        if let lockedUntil = lockedUntil(failures: failures, limit: policy.maxFailures, policy: policy, now: now) {
            let seconds = Int(lockedUntil.timeIntervalSince(now).rounded(.up))
            throw DomainError(
                .tooManyRequests,
                "Too many failed logins for this account: it is locked for \(seconds) more second(s). Try again later.",
                retryAfterSeconds: seconds)
        }
        if let lockedUntil = lockedUntil(failures: addressFailures, limit: policy.maxFailuresPerAddress, policy: policy, now: now) {
            let seconds = Int(lockedUntil.timeIntervalSince(now).rounded(.up))
            throw DomainError(
                .tooManyRequests,
                "Too many failed logins from this client address: logins from it are refused for \(seconds) more second(s). Try again later.",
                retryAfterSeconds: seconds)
        }
        guard let user, let stored = user.passwordHash else {
            try passwords.simulateVerification()
            try recordFailure(tenant: tenant.fedmemberid, email: email, address: byAddress, policy: policy, now: now, scope: scope)
            throw Self.invalidCredentials
        }
        if !verified.contains(password: password, storedHash: stored) {
            guard try passwords.verify(password, against: stored) else {
                try recordFailure(tenant: tenant.fedmemberid, email: email, address: byAddress, policy: policy, now: now, scope: scope)
                throw Self.invalidCredentials
            }
            verified.remember(password: password, storedHash: stored)
        }
        let userID = user.id
        let userName = user.displayName
        let issued = Self.wholeSeconds(now)
        let expires = issued.addingTimeInterval(min(policy.lifetime, policy.maxLifetime))
        let cookie = SessionCookie(
            tokenID: ids.uuid(), tenant: tenant.fedmemberid, userUUID: String(userID.prefix { $0 != "." }),
            issueTime: Timestamp.milliseconds(issued), expirationTime: Timestamp.milliseconds(expires), userName: userName)
        let csrf = cookie.csrfCookieValue(key: signingKey)
        let (roles, pendingTasks, pendingNotifications) = try database.write(in: scope) { db -> (Set<String>, [String], Int) in
            // The user was read before the (slow) password check; a reset meanwhile replaces users,
            // and a session of the old row would fail its foreign key: ask the client to try again.
            guard try UserRepository.exists(db, id: userID) else {
                throw DomainError(
                    .unavailable, "The account changed while this login was checked (an emulator reset?); log in again.",
                    retryAfterSeconds: 1)
            }
            try SessionRepository.clearFailures(db, tenant: tenant.fedmemberid, email: email)
            try SessionRepository.deleteExpired(db, userID: userID, asOf: Timestamp.iso8601(issued))
            try SessionRepository.insert(
                db, tokenID: cookie.tokenID, tenant: tenant.fedmemberid, userID: userID, csrfToken: csrf,
                startedAt: Timestamp.iso8601(issued), issuedAt: Timestamp.iso8601(issued),
                expiresAt: Timestamp.iso8601(expires))
            return (
                try UserRepository.roles(db, userID: userID), try UserService.pendingTasks(db, userID: userID),
                try UserService.pendingNotifications(db, tenant: tenant.fedmemberid, userID: userID)
            )
        }
        let session = AuthenticatedSession(
            tokenID: cookie.tokenID, tenant: tenant.fedmemberid, userID: userID, userName: userName,
            email: user.email, roles: roles, csrfToken: csrf, startedAt: issued, issuedAt: issued, expiresAt: expires,
            scope: scope)
        return Login(
            session: session, authCookie: cookie.cookieValue(key: signingKey), pendingTasks: pendingTasks,
            pendingNotifications: pendingNotifications)
    }

    /// The session an `AtmoAuthToken_<tenant>` cookie value stands for. Missing, forged, edited,
    /// logged-out, expired and other-tenant cookies are all refused with a 401 fault.
    public func authenticate(tenant: TenantSettings, cookieValue: String?, scope: TransactionScope) throws -> AuthenticatedSession {
        guard let cookieValue, !cookieValue.isEmpty else {
            throw DomainError.unauthorized(
                "Login required: the \(SessionCookie.authCookieName(tenant: tenant.fedmemberid)) cookie is missing. Log in with POST /api/login."
            )
        }
        guard let cookie = verifiedCookie(cookieValue) else {
            throw DomainError.unauthorized(
                "The \(SessionCookie.authCookieName(tenant: tenant.fedmemberid)) cookie is not valid. Log in again.")
        }
        guard cookie.tenant == tenant.fedmemberid else {
            throw DomainError.unauthorized("The session belongs to another tenant. Log in to \(tenant.fedmemberid).")
        }
        guard let stored = try storedSession(tokenID: cookie.tokenID, tenant: tenant.fedmemberid, scope: scope),
            stored.userID == cookie.userFDN
        else {
            throw DomainError.unauthorized("The session has ended (logged out or unknown). Log in again.")
        }
        guard clock.now() < stored.expiresAt else {
            throw DomainError.unauthorized("The session expired at \(Timestamp.iso8601(stored.expiresAt)). Log in again.")
        }
        return AuthenticatedSession(
            tokenID: cookie.tokenID, tenant: tenant.fedmemberid, userID: stored.userID, userName: stored.displayName,
            email: stored.email, roles: stored.roles, csrfToken: stored.csrfToken,
            startedAt: stored.startedAt, issuedAt: stored.issuedAt, expiresAt: stored.expiresAt, scope: scope)
    }

    /// A session row as `authenticate` needs it, parsed once.
    struct StoredSession: Sendable {
        var tenant: String
        var userID: String
        var csrfToken: String
        var startedAt: Date
        var issuedAt: Date
        var expiresAt: Date
        var displayName: String
        var email: String
        var roles: Set<String>
        /// `sessionChanges` read before the row was: the entry is current while it is unchanged.
        var commits: UInt64
    }

    /// The session row of `tokenID`, from `storedSessions` while none of its tables changed since
    /// it was read, else from the database. nil when there is no such session, or its row is unreadable.
    private func storedSession(tokenID: String, tenant: String, scope: TransactionScope) throws -> StoredSession? {
        let commits = sessionChanges.value
        if let cached = storedSessions.withLock({ $0[tokenID] }), cached.commits == commits, cached.tenant == tenant {
            return cached
        }
        let row = try database.read(in: scope) { db in
            try SessionRepository.find(db, tokenID: tokenID, tenant: tenant)
        }
        guard let row, let userID = row.userID,
            let started = row.startedAt.flatMap(Timestamp.parse),
            let issued = row.issuedAt.flatMap(Timestamp.parse),
            let expires = row.expiresAt.flatMap(Timestamp.parse)
        else { return nil }
        let stored = StoredSession(
            tenant: tenant, userID: userID, csrfToken: row.csrfToken, startedAt: started, issuedAt: issued, expiresAt: expires,
            displayName: row.displayName, email: row.email,
            roles: row.roles.map { Set($0.split(separator: ",").map(String.init)) } ?? [], commits: commits)
        storedSessions.withLock { cache in
            if cache.count >= Self.storedSessionLimit { cache.removeAll(keepingCapacity: true) }
            cache[tokenID] = stored
        }
        return stored
    }

    /// Refuses a login domain other than the tenant's local one (`siteusers.<fedmemberid>`, or its
    /// name `siteusers`): other domains (LDAP, SAML…) are not emulated.
    public func requireLoginDomain(_ domain: String, tenant: TenantSettings) throws {
        guard domain == tenant.loginDomainID || domain == "siteusers" else {
            throw DomainError.badRequest(
                "Login domain '\(domain)' is not configured; this platform's login domain is \(tenant.loginDomainID).")
        }
    }

    /// Extends the session by the inactive timeout, never past the active-session cap, and returns
    /// the new cookie value (with the user's pending tasks, read in the same transaction).
    /// `tenant`: the caller's tenant, whose login policy's timeouts (where it sets them) replace the configured ones.
    public func renew(_ session: AuthenticatedSession, tenant: TenantSettings) throws -> Login {
        let now = Self.wholeSeconds(clock.now())
        let policy = self.policy.applying(tenant)
        let cap = session.startedAt.addingTimeInterval(policy.maxLifetime)
        let expires = min(now.addingTimeInterval(policy.lifetime), cap)
        guard expires > now else {
            throw DomainError.unauthorized("The session reached its maximum length and cannot be renewed. Log in again.")
        }
        let (changed, pendingTasks, pendingNotifications) = try database.write(in: session.scope) { db -> (Int, [String], Int) in
            let changed = try SessionRepository.renew(
                db, tokenID: session.tokenID, issuedAt: Timestamp.iso8601(now), expiresAt: Timestamp.iso8601(expires))
            guard changed == 1 else { return (changed, [], 0) }
            return (
                changed, try UserService.pendingTasks(db, userID: session.userID),
                try UserService.pendingNotifications(db, tenant: session.tenant, userID: session.userID)
            )
        }
        guard changed == 1 else { throw DomainError.unauthorized("The session has ended. Log in again.") }
        var renewed = session
        renewed.issuedAt = now
        renewed.expiresAt = expires
        let cookie = SessionCookie(
            tokenID: session.tokenID, tenant: session.tenant, userUUID: String(session.userID.prefix { $0 != "." }),
            issueTime: Timestamp.milliseconds(now), expirationTime: Timestamp.milliseconds(expires), userName: session.userName)
        return Login(
            session: renewed, authCookie: cookie.cookieValue(key: signingKey), pendingTasks: pendingTasks,
            pendingNotifications: pendingNotifications)
    }

    /// Ends the session: its row is deleted, so every copy of its cookie stops working.
    public func logout(_ session: AuthenticatedSession) throws {
        try database.write(in: session.scope) { db in
            try SessionRepository.delete(db, tokenID: session.tokenID)
        }
    }

    private func verifiedCookie(_ value: String) -> SessionCookie? {
        if let cached = verifiedCookies.withLock({ $0[value] }) { return cached }
        guard let cookie = SessionCookie.verify(value, key: signingKey) else { return nil }
        verifiedCookies.withLock { cache in
            if cache.count >= 4096 { cache.removeAll(keepingCapacity: true) }
            cache[value] = cookie
        }
        return cookie
    }

    private func recordFailure(
        tenant: String, email: String, address: String?, policy: SessionPolicy, now: Date, scope: TransactionScope
    ) throws {
        try database.write(in: scope) { db in
            try SessionRepository.recordFailure(db, tenant: tenant, email: email, address: address, at: Timestamp.iso8601(now))
            try SessionRepository.pruneFailures(
                db, before: Timestamp.iso8601(now.addingTimeInterval(-max(policy.failureWindow, policy.lockDuration) - 60)))
        }
    }

    /// When an account or address is locked: `limit` failures (newest first) within `failureWindow`
    /// lock it until `lockDuration` after the latest one.
    private func lockedUntil(failures: [Date], limit: Int, policy: SessionPolicy, now: Date) -> Date? {
        guard limit > 0, let latest = failures.first else { return nil }
        let recent = failures.filter { $0 > latest.addingTimeInterval(-policy.failureWindow) }
        guard recent.count >= limit else { return nil }
        let until = latest.addingTimeInterval(policy.lockDuration)
        return until > now ? until : nil
    }

    private static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: floor(date.timeIntervalSince1970))
    }
}
