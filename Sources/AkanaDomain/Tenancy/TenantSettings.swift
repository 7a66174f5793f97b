import Foundation

/// A tenant (Akana "fedmemberid") and the settings the emulator honours for it.
public struct TenantSettings: Sendable, Equatable {
    public var fedmemberid: String
    /// `Host` header names (without port) whose requests belong to this tenant.
    public var hosts: [String]
    /// `ReadRequestCSRFSupport`: GET and HEAD need the CSRF header too.
    public var readRequestCSRF: Bool
    /// `WriteRequestCSRFSupport`: every other method needs the CSRF header (login excepted).
    public var writeRequestCSRF: Bool
    /// The login policy's `InactiveSessionTimeout` (set with `PUT /api/businesses/{BusinessID}/loginpolicy`);
    /// nil: the configured `SessionPolicy.lifetime`.
    public var inactiveSessionTimeout: TimeInterval?
    /// The login policy's `ActiveSessionTimeout`; nil: the configured `SessionPolicy.maxLifetime`.
    public var activeSessionTimeout: TimeInterval?
    /// The login policy's `MaxSequentialFailureAttemptsAllowed` (0: no lock); nil: `SessionPolicy.maxFailures`.
    public var maxFailedLogins: Int?
    /// The login policy's `AttemptsPeriod`; nil: `SessionPolicy.failureWindow`.
    public var failedLoginWindow: TimeInterval?
    /// The login policy's `SuspensionMinutes`; nil: `SessionPolicy.lockDuration`.
    public var lockDuration: TimeInterval?

    public init(fedmemberid: String, hosts: [String] = [], readRequestCSRF: Bool = false, writeRequestCSRF: Bool = true) {
        self.fedmemberid = fedmemberid
        self.hosts = hosts
        self.readRequestCSRF = readRequestCSRF
        self.writeRequestCSRF = writeRequestCSRF
    }

    /// True when a request with this method must carry the CSRF header.
    public func requiresCSRF(isRead: Bool) -> Bool {
        isRead ? readRequestCSRF : writeRequestCSRF
    }

    /// The login domain of the tenant's local users, `siteusers.<fedmemberid>`.
    public var loginDomainID: String { "siteusers.\(fedmemberid)" }
    /// The tenant's own business, `tenantbusiness.<fedmemberid>`.
    public var tenantBusinessID: String { TenantBusiness.id(of: fedmemberid) }
}
