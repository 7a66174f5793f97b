/// One version of an app, as stored in `app_versions` (+ its tags and security mechanisms).
public struct AppVersion: Sendable, Equatable {
    public var id: String
    public var appID: String
    public var tenant: String
    public var name: String
    public var description: String
    public var websiteAddress: String
    public var visibility: String
    public var initialEnvironment: String
    public var currentEnvironment: String
    public var state: String
    public var identity: String
    public var identityUserDefined: Bool
    public var sharedSecret: String
    public var hasKeyInfo: Bool
    public var created: String
    public var updated: String
    public var tags: [String]
    public var securityMechanisms: [String]

    /// The state every new version starts in (the value all the platform's samples show).
    public static let initialState = "com.soa.app.state.initial"
    public static let sharedSecretMechanism = "com.soa.security.mechanism.sharedsecret"

    /// An identity with a domain (`Ldapacmepaymentscorp1\myuserid`): the secret lives in that
    /// external identity domain, so the platform neither stores, regenerates nor returns it.
    /// A byte search: `String.contains(String)` goes through Foundation's `range(of:)`, ~13k
    /// instructions on every secret rotation.
    public var identityHasDomain: Bool { Self.identityHasDomain(identity) }

    /// Whether `identity` is `domain\name` (managed by an external identity domain).
    static func identityHasDomain(_ identity: String) -> Bool { identity.utf8.contains(UInt8(ascii: "\\")) }
}

/// The few columns of an app version that decide who may act on it (`AppRepository.versionAccess`),
/// with the caller's role in its app's team.
struct AppVersionAccess {
    var id: String
    var appID: String
    var tenant: String
    var visibility: String
    var identity: String
    /// The caller's team role (looked up by user id: meaningful only when the tenants match).
    var teamRole: String?
}
