/// The `AppVersionSettings` block: the tenant's app features as the platform spells them.
public struct AppVersionSettings: Sendable, Equatable {
    public static let enabled = "com.soa.feature.enabled"
    public static let enabledForSiteAdmins = "com.soa.feature.enabled.for.siteadmins"
    public static let disabled = "com.soa.feature.disabled"

    public var appBoardSupport = enabled
    public var appRatingsSupport = enabled
    public var appReviewsSupport = enabled
    /// Who may choose an app version's Identity: everyone (enabled), Site Admins, or nobody.
    public var userDefinedIdentitySupport = enabledForSiteAdmins
    public var simultaneousSandboxProductAccessSupport = enabled
    public var returnPlainTextSharedSecret = enabled
    /// Whether a local user may set the shared secret in PUT (the platform's user-defined secret setting).
    public var userDefinedSharedSecretSupport = enabled

    public init() {}

    /// The settings every tenant has: the platform defaults (a later issue makes them editable per tenant).
    public static let platformDefaults = AppVersionSettings()

    func allows(_ value: String, siteAdmin: Bool) -> Bool {
        value == Self.enabled || (value == Self.enabledForSiteAdmins && siteAdmin)
    }
}
