/// POST /api/contracts: the Contract requested, decoded at the edge. The service checks the
/// required members and the Environment's value.
public struct ContractInput: Sendable, Equatable {
    public var apiVersionID: String?
    /// The AppVersionID.
    public var runtimeID: String?
    public var environment: String?
    /// Absent or null: unrestricted, no licenses.
    public var scope: ContractScopeInput

    public init(apiVersionID: String?, runtimeID: String?, environment: String?, scope: ContractScopeInput) {
        self.apiVersionID = apiVersionID
        self.runtimeID = runtimeID
        self.environment = environment
        self.scope = scope
    }
}

/// PUT /api/contracts/{ContractID}: the new ContractScope. The Contract's other members are
/// read-only; when given they must name this contract, its API version and its app version.
public struct ContractUpdateInput: Sendable, Equatable {
    public var contractID: String?
    public var apiVersionID: String?
    public var runtimeID: String?
    /// Nil when the body has no `ContractScope` member (a 400: it is what PUT changes); a null
    /// member is an empty scope (unrestricted, no licenses).
    public var scope: ContractScopeInput?

    public init(contractID: String?, apiVersionID: String?, runtimeID: String?, scope: ContractScopeInput?) {
        self.contractID = contractID
        self.apiVersionID = apiVersionID
        self.runtimeID = runtimeID
        self.scope = scope
    }
}

/// `ContractScope`: {"Restricted": bool, "LicenseID": [ids] | id}.
public struct ContractScopeInput: Sendable, Equatable {
    /// Nil when not given: restricted exactly when licenses are named.
    public var restricted: Bool?
    /// Without repeats, in the order given.
    public var licenseIDs: [String]

    /// At most this many licenses.
    public static let maxLicenses = 100

    public init(restricted: Bool? = nil, licenseIDs: [String] = []) {
        self.restricted = restricted
        self.licenseIDs = licenseIDs
    }
}
