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

    public static let environments = ["Sandbox", "Production"]
    public static let activated = "apicontract.status.activated"
    public static let cancelled = "apicontract.status.cancelled"
    public static let objectType = "apicontract"
}
