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
    /// How long a locked account refuses logins, from its last failure.
    public var lockDuration: TimeInterval = 5 * 60

    public init() {}
}
