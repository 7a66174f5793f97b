/// The settings objects of `/api/businesses/{BusinessID}/…` (help: `cm/api/businesses/m_businesses_save…Settings.htm`):
/// each section's members as the platform names them, in the order its sample shows, and how the
/// emulator treats each. Stored in `settings` (one row per member set), except the workflow keys,
/// which are the tenant's `workflow_assignments` (the storage `PUT /_emulator/workflows/{ObjectType}` writes).
public enum BusinessSettingsSection: String, Sendable, CaseIterable {
    case security = "securitysettings"
    case user = "usersettings"
    case loginPolicy = "loginpolicy"
    case api = "apisettings"
    case app = "appsettings"
    case model = "modelsettings"

    /// The representation's root element.
    public var root: String {
        switch self {
        case .security: "BusinessSecuritySettings"
        case .user: "BusinessUserSettings"
        case .loginPolicy: "LoginPolicy"
        case .api: "BusinessAPISettings"
        case .app: "BusinessAppSettings"
        case .model: "BusinessModelSettings"
        }
    }

    /// The section and field of a member stored in `settings` (every member but the workflow keys), by name without case.
    public static func storedField(named name: String) -> (section: BusinessSettingsSection, field: BusinessSettingField)? {
        for section in allCases {
            for field in section.fields where field.name.lowercased() == name.lowercased() {
                if case .workflow = field.kind { return nil }
                return (section, field)
            }
        }
        return nil
    }

    public var fields: [BusinessSettingField] {
        switch self {
        case .security:
            [
                .feature("ReadRequestCSRFSupport", honoured: true), .feature("WriteRequestCSRFSupport", honoured: true),
                .feature("AllowUserEnum"), .feature("EncryptChallengeAnswers"), .integer("ChallengeCount"),
                .feature("UserModifyEmail"), .feature("SiteAdminModifyEmail"), .text("AuthTokenCookieDomain"),
                .text("AuthTokenCookieSameSite"), .feature("CaptchaSupport"), .text("CaptchaSiteKey"), .text("CaptchaSiteSecret"),
                .feature("ExternalDocSupport"), .text("XssKeywords"), .text("AllowedFileTypes"), .text("WhiteListKeywords"),
                .feature("WhiteListKeywordsSupport"), .feature("AllowedFileTypesStrictPolicy")
            ]
        case .user:
            [
                .feature("NewsUpdateNotification"), .feature("EnforceChallengesSetupOnLogin"), .feature("SelfSignup"),
                .feature("InviteUnregisteredUsers"), .integer("ResetValidCodeHours"), .integer("UpdateEmailValidCodeHours"),
                .integer("SignupUserValidDays"), .integer("AddedUserValidDays"), .integer("InvitedUserValidDays"),
                .integer("TopApisCountAllowed")
            ]
        case .loginPolicy:
            [
                .integer("MaxSequentialFailureAttemptsAllowed", honoured: true), .integer("AttemptsPeriod", honoured: true),
                .integer("SuspensionMinutes", honoured: true),
                .integer("InactiveSessionTimeout", honoured: true), .integer("ActiveSessionTimeout", honoured: true),
                .boolean("PersistentSession"), .boolean("ConcurrentLogin")
            ]
        case .api:
            [
                .feature("APIWithNewServiceSupport"), .feature("APIWithExistingServiceSupport"), .feature("PrivateAPIGroupTypeSupport"),
                .feature("APIPromotionSupport"), .feature("ValidateUniqueContextPath"),
                .workflow("ApiVersionWorkflowDefKey", objectType: "apiversion"),
                .feature("PublicAPISupport"), .feature("PublicAPISandboxEndpointSupport"), .feature("PublicAPISandboxAutoApprovalSupport"),
                .feature("PublicAPIProductionEndpointSupport"), .feature("PublicAPIProductionAutoApprovalSupport"),
                .feature("PublicAPIRatingsSupport"), .feature("PublicAPIReviewsSupport"),
                .feature("PublicAPIResourceLevelPermissionsSupport"),
                .feature("PrivateAPISupport"), .feature("PrivateAPISandboxEndpointSupport"),
                .feature("PrivateAPISandboxAutoApprovalSupport"),
                .feature("PrivateAPIProductionEndpointSupport"), .feature("PrivateAPIProductionAutoApprovalSupport"),
                .feature("PrivateAPIRatingsSupport"), .feature("PrivateAPIReviewsSupport"),
                .feature("PrivateAPIResourceLevelPermissionsSupport")
            ]
        case .app:
            [
                .feature("PublicAppSupport"), .feature("PublicAppBoardSupport"), .feature("PublicAppRatingsSupport"),
                .feature("PublicAppReviewsSupport"), .feature("PrivateAppSupport"), .feature("PrivateAppBoardSupport"),
                .feature("PrivateAppRatingsSupport"), .feature("PrivateAppReviewsSupport"), .feature("UserDefinedIdentitySupport"),
                .feature("SimultaneousSandboxProductAccessSupport"), .feature("ReturnPlainTextSharedSecret"),
                .feature("RegisteredUsersAppSupport"), .feature("RegisteredUsersAppRatingsSupport"),
                .feature("RegisteredUsersAppReviewsSupport"), .feature("AppPromotionSupport"), .feature("ContractPoliciesSupport"),
                .workflow("AppVersionWorkflowDefKey", objectType: "appversion")
            ]
        case .model:
            [.workflow("ModelVersionWorkflowDefKey", objectType: "model")]
        }
    }
}

/// One member of a settings object.
public struct BusinessSettingField: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `com.soa.feature.enabled` / `…disabled` (`…enabled.for.siteadmins` where the platform has it).
        case feature
        case integer
        case boolean
        case text
        /// The key of the workflow definition that governs new objects of this type.
        case workflow(objectType: String)
    }

    public var name: String
    public var kind: Kind
    /// True when the emulator acts on the value; the others are stored and answered back only.
    public var honoured: Bool

    static func feature(_ name: String, honoured: Bool = false) -> Self { Self(name: name, kind: .feature, honoured: honoured) }
    static func integer(_ name: String, honoured: Bool = false) -> Self { Self(name: name, kind: .integer, honoured: honoured) }
    static func boolean(_ name: String) -> Self { Self(name: name, kind: .boolean, honoured: false) }
    static func text(_ name: String) -> Self { Self(name: name, kind: .text, honoured: false) }
    static func workflow(_ name: String, objectType: String) -> Self {
        Self(name: name, kind: .workflow(objectType: objectType), honoured: true)
    }
}

/// A member's value as a request gives it and a representation shows it.
public enum BusinessSettingValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case boolean(Bool)
}

public enum FeatureSetting {
    public static let enabled = "com.soa.feature.enabled"
    public static let disabled = "com.soa.feature.disabled"
    public static let enabledForSiteAdmins = "com.soa.feature.enabled.for.siteadmins"
}

/// A settings object: its members in the catalogue's order (members without a value are left out).
public struct BusinessSettingsObject: Sendable, Equatable {
    public var businessID: String
    public var section: BusinessSettingsSection
    public var values: [(name: String, value: BusinessSettingValue)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.businessID == rhs.businessID && lhs.section == rhs.section && lhs.values.map(\.name) == rhs.values.map(\.name)
            && lhs.values.map(\.value) == rhs.values.map(\.value)
    }

    public func value(_ name: String) -> BusinessSettingValue? { values.first { $0.name == name }?.value }
}

/// `PUT /api/businesses/{BusinessID}/connectionsettings`: which workflow governs contracts, per environment.
public struct ConnectionWorkflowSetting: Sendable, Equatable {
    public var environment: String
    /// nil: unchanged; "": the system default.
    public var workflowDefinitionKey: String?
    /// Stored and answered back (comments are not emulated); "": the system default.
    public var connectionCommentWorkflowDefKey: String?

    public init(environment: String, workflowDefinitionKey: String?, connectionCommentWorkflowDefKey: String?) {
        self.environment = environment
        self.workflowDefinitionKey = workflowDefinitionKey
        self.connectionCommentWorkflowDefKey = connectionCommentWorkflowDefKey
    }

    /// The environments a contract can be for.
    public static let environments = ["Production", "Sandbox"]
}
