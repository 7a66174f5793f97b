import Foundation

/// How long sessions last and how password guessing is slowed down.
public struct SessionPolicy: Sendable, Equatable {
    /// The inactive timeout: a session expires this long after login or its last renewal.
    public var lifetime: TimeInterval = 30 * 60
    /// The active-session cap: renewal never extends a session past this long after login.
    public var maxLifetime: TimeInterval = 8 * 3600
    /// Failed logins for one account within `failureWindow` that lock it.
    public var maxFailures = 5
    public var failureWindow: TimeInterval = 5 * 60
    /// How long a locked account (or client address) refuses logins, from its last failure.
    public var lockDuration: TimeInterval = 5 * 60
    /// Failed logins from one client address within `failureWindow` that lock that address, whatever
    /// the accounts (made-up emails included); 0 turns the per-address lock off.
    public var maxFailuresPerAddress = 20
    /// Password verifications (PBKDF2) running at once, each on a thread of its own at the normal
    /// priority (`PasswordVerifier.niceness`).
    public var passwordHashThreads = 1
    /// Logins allowed to wait for a password-hash thread; one more is answered 503 with `Retry-After`.
    public var passwordHashQueueLimit = 4

    public init() {}

    /// This policy with the tenant's login policy (`PUT /api/businesses/{BusinessID}/loginpolicy`) where it sets a value.
    public func applying(_ tenant: TenantSettings) -> SessionPolicy {
        var policy = self
        if let value = tenant.inactiveSessionTimeout { policy.lifetime = value }
        if let value = tenant.activeSessionTimeout { policy.maxLifetime = value }
        if let value = tenant.maxFailedLogins { policy.maxFailures = value }
        if let value = tenant.failedLoginWindow { policy.failureWindow = value }
        if let value = tenant.lockDuration { policy.lockDuration = value }
        return policy
    }
}
