/// A license as the Licenses service keeps it: the platform's License object
/// (m_licenses_addLicense; LicenseDetails on GET), with its terms (LicenseParts) naming scopes
/// and QoS policies. Contracts read the auto-approval flags through `License`.
public struct LicenseDetails: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var businessID: String
    public var name: String
    public var description: String
    public var visibility: String
    public var sandboxAccessAutoApproved: Bool
    public var productionAccessAutoApproved: Bool
    public var active: Bool
    /// Environment[]: "Sandbox", "Production".
    public var environments: [String]
    public var agreements: [LicenseAgreement]
    public var parts: [LicensePart]
    public var created: String
    public var updated: String

    package init(
        id: String, tenant: String, businessID: String, name: String, description: String, visibility: String,
        sandboxAccessAutoApproved: Bool, productionAccessAutoApproved: Bool, active: Bool, environments: [String],
        agreements: [LicenseAgreement], parts: [LicensePart], created: String, updated: String
    ) {
        self.id = id
        self.tenant = tenant
        self.businessID = businessID
        self.name = name
        self.description = description
        self.visibility = visibility
        self.sandboxAccessAutoApproved = sandboxAccessAutoApproved
        self.productionAccessAutoApproved = productionAccessAutoApproved
        self.active = active
        self.environments = environments
        self.agreements = agreements
        self.parts = parts
        self.created = created
        self.updated = updated
    }
}

extension LicenseDetails {
    /// SandboxAccessAutoApproved / ProductionAccessAutoApproved: a contract whose licenses all
    /// auto-approve its environment is approved and activated when requested.
    public func autoApproves(environment: String) -> Bool {
        environment == "Production" ? productionAccessAutoApproved : sandboxAccessAutoApproved
    }
}

/// One term of a license (LicensePart): the scopes (ResourceID[]) it grants and the QoS policies
/// (PolicyKey[]) that govern them.
public struct LicensePart: Sendable, Equatable {
    public var name: String
    public var scopeIDs: [String]
    public var policyKeys: [String]

    public init(name: String = "", scopeIDs: [String], policyKeys: [String]) {
        self.name = name
        self.scopeIDs = scopeIDs
        self.policyKeys = policyKeys
    }
}

/// An AgreementDocument of a license's AgreementDetails: the legal agreement a developer accepts.
public struct LicenseAgreement: Sendable, Equatable {
    public var name: String
    public var description: String
    public var contentPath: String
    public var agreementType: String

    public init(name: String, description: String, contentPath: String, agreementType: String) {
        self.name = name
        self.description = description
        self.contentPath = contentPath
        self.agreementType = agreementType
    }
}
