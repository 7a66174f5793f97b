/// A policy of a tenant's catalogue: a built-in one (`Config/policies/*.json`, the same for every
/// tenant, its key `<tenant>-<Name>`) or one the tenant added (fixtures' `policies`, table `policies`).
public struct Policy: Sendable, Equatable {
    /// The policy types `GET /api/policies?Type=` filters on (rwctl's `policies list [type]`).
    public static let types = ["Operational Policy", "Denial of Service", "Service Level Policy", "Compliance Policy"]

    public var key: String
    public var name: String
    public var description: String
    /// One of `types`.
    public var type: String
    /// `policy.apisec`, `policy.auditservice`, …
    public var subType: String
    /// The business the policy belongs to; nil for every business of the tenant.
    public var businessID: String?
    public var active: Bool

    public init(
        key: String, name: String, description: String, type: String, subType: String, businessID: String? = nil, active: Bool = true
    ) {
        self.key = key
        self.name = name
        self.description = description
        self.type = type
        self.subType = subType
        self.businessID = businessID
        self.active = active
    }
}

/// The policies attached to an implementation (`Policy[]`) and to its operations
/// (`ApiOperationPolicy[] {Operation, Policy[]}`), in the order they were given.
public struct ImplementationPolicies: Sendable, Equatable {
    public struct OperationPolicies: Sendable, Equatable {
        public var operation: APIOperation
        public var policies: [Policy]
    }

    public var policies: [Policy]
    public var operationPolicies: [OperationPolicies]
}

/// The body of `PUT …/implementations/{ImplementationCode}/policies`: policy keys for the
/// implementation, and per operation name. Replaces what was attached.
public struct ImplementationPoliciesInput: Sendable, Equatable {
    public struct OperationPolicies: Sendable, Equatable {
        public var operationName: String
        public var policyKeys: [String]

        public init(operationName: String, policyKeys: [String]) {
            self.operationName = operationName
            self.policyKeys = policyKeys
        }
    }

    public var policyKeys: [String]
    public var operationPolicies: [OperationPolicies]

    public init(policyKeys: [String], operationPolicies: [OperationPolicies]) {
        self.policyKeys = policyKeys
        self.operationPolicies = operationPolicies
    }
}
