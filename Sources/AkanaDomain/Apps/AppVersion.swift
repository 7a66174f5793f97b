import Foundation
import JSONCodec
import SQLiteStore

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

    /// Which optional parts of the ApplicationVersion to render (the GET operation's flags).
    public struct RenderOptions: Sendable {
        public var includeSettings = false
        public var includeTags = true
        public var includeSecurityMechanism = true
        public var includeDeploymentState = true
        public init() {}
    }

    /// The platform's ApplicationVersion object, fields in the documented order (seed 004).
    public func json(_ options: RenderOptions, settings: AppVersionSettings) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("RuntimeID", .string(id)),
            ("AppID", .string(appID)),
            ("Name", .string(name)),
            ("Description", .string(description)),
            ("WebsiteAddress", .string(websiteAddress)),
            ("Visibility", .string(visibility)),
            ("InitialEnvironment", .string(initialEnvironment)),
            ("CurrentEnvironment", .string(currentEnvironment)),
        ]
        if options.includeTags { members.append(("Tag", .array(tags.map(JSONValue.string)))) }
        members.append(("HasKeyInfo", .bool(hasKeyInfo)))
        members.append(("Created", .string(created)))
        members.append(("Updated", .string(updated)))
        if options.includeDeploymentState { members.append(("State", .string(state))) }
        if options.includeSecurityMechanism {
            members.append(("SecurityMechanisms", .array(securityMechanisms.map(JSONValue.string))))
        }
        members.append(("RatingSummary", .object([
            ("Five", .integer(0)), ("Four", .integer(0)), ("Three", .integer(0)), ("Two", .integer(0)), ("One", .integer(0)),
        ])))
        members.append(("Identity", .string(identity)))
        if options.includeSettings { members.append(("AppVersionSettings", settings.json)) }
        return .object(members)
    }

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
