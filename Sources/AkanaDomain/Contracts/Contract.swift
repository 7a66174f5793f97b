/// A contract between an app version (RuntimeID) and an API version for one environment. Its State
/// is the contract workflow's status (`apicontract.status.*`); Status is the workflow step's name.
public struct Contract: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var apiVersionID: String
    public var runtimeID: String
    public var environment: String
    public var restricted: Bool
    public var licenseIDs: [String]
    public var state: String
    public var status: String
    public var created: String
    public var updated: String
    /// The ContractID this contract revises (started with `@Revise`); nil for one started with `@Create`.
    public var revisionOf: String?

    public static let environments = ["Sandbox", "Production"]
    public static let activated = "apicontract.status.activated"
    public static let cancelled = "apicontract.status.cancelled"
    public static let suspended = "apicontract.status.suspended"
    /// The initial actions of the contract workflow: a new contract, and a revision of an active one.
    public static let create = "@Create"
    public static let revise = "@Revise"
    public static let objectType = "apicontract"
}
