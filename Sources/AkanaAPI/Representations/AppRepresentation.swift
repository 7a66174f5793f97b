import AkanaDomain
import JSONCodec

/// The apps' wire objects: Application, ApplicationVersion and AppVersionSettings, fields in the
/// platform's documented order (seed 004). Every representation in this folder is an enum of
/// static functions from domain values to `JSONValue` (XML is written from the same tree).
enum AppRepresentation {
    /// Which optional parts of the ApplicationVersion to render (the GET operation's flags).
    struct VersionOptions: Sendable {
        /// The `AppVersionSettings` block to include (IncludeSettings=true): the settings the apps
        /// service read with the version; nil leaves the block out.
        var settings: AppVersionSettings?
        var includeTags = true
        var includeSecurityMechanism = true
        var includeDeploymentState = true
    }

    /// The platform's Application object.
    static func application(_ app: Application) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("AppID", .string(app.id)),
            ("Name", .string(app.name)),
            ("Description", .string(app.description)),
            ("Summary", .string(app.summary))
        ]
        if let version = app.defaultVersion {
            members.append(("Visibility", .string(version.visibility)))
            members.append(("InitialEnvironment", .string(version.initialEnvironment)))
            members.append(("DefaultVersionID", .string(version.id)))
            members.append(("Tag", .array(version.tags.map(JSONValue.string))))
        }
        members.append(("IsFollowed", .bool(false)))
        members.append(("RatingSummary", ratingSummary))
        if let version = app.defaultVersion { members.append(("State", .string(version.state))) }
        members.append(("Created", .string(app.created)))
        members.append(("Updated", .string(app.updated)))
        if let businessID = app.businessID { members.append(("BusinessID", .string(businessID))) }
        return .object(members)
    }

    /// The platform's ApplicationVersion object, fields in the documented order (seed 004).
    static func version(
        _ version: AppVersion, _ options: VersionOptions
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("RuntimeID", .string(version.id)),
            ("AppID", .string(version.appID)),
            ("Name", .string(version.name)),
            ("Description", .string(version.description)),
            ("WebsiteAddress", .string(version.websiteAddress)),
            ("Visibility", .string(version.visibility)),
            ("InitialEnvironment", .string(version.initialEnvironment)),
            ("CurrentEnvironment", .string(version.currentEnvironment))
        ]
        if options.includeTags { members.append(("Tag", .array(version.tags.map(JSONValue.string)))) }
        members.append(("HasKeyInfo", .bool(version.hasKeyInfo)))
        members.append(("Created", .string(version.created)))
        members.append(("Updated", .string(version.updated)))
        if options.includeDeploymentState { members.append(("State", .string(version.state))) }
        if options.includeSecurityMechanism {
            members.append(("SecurityMechanisms", .array(version.securityMechanisms.map(JSONValue.string))))
        }
        members.append(("RatingSummary", ratingSummary))
        members.append(("Identity", .string(version.identity)))
        if let settings = options.settings { members.append(("AppVersionSettings", Self.settings(settings))) }
        return .object(members)
    }

    /// The `AppVersionSettings` block: the tenant's app features as the platform spells them.
    static func settings(_ settings: AppVersionSettings) -> JSONValue {
        .object([
            ("AppBoardSupport", .string(settings.appBoardSupport)),
            ("AppRatingsSupport", .string(settings.appRatingsSupport)),
            ("AppReviewsSupport", .string(settings.appReviewsSupport)),
            ("UserDefinedIdentitySupport", .string(settings.userDefinedIdentitySupport)),
            ("SimultaneousSandboxProductAccessSupport", .string(settings.simultaneousSandboxProductAccessSupport)),
            ("ReturnPlainTextSharedSecret", .string(settings.returnPlainTextSharedSecret))
        ])
    }

    /// No ratings are kept: every count is 0.
    private static let ratingSummary: JSONValue = .object([
        ("Five", .integer(0)), ("Four", .integer(0)), ("Three", .integer(0)), ("Two", .integer(0)), ("One", .integer(0))
    ])
}
