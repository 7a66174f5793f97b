/// An ApplicationVersion request body (POST /api/apps/{AppID}/versions, PUT
/// /api/apps/versions/{AppVersionID}, an app's first version, a fixture's version), decoded and
/// checked for types and limits at its edge. Absent (or null) fields are nil: PUT keeps the stored
/// value, a new version gets the default. `AppID` and the read-only fields are not part of it,
/// since the URL names the version.
public struct AppVersionInput: Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var websiteAddress: String?
    /// Normalised (`Visibility.normalize`).
    public var visibility: String?
    /// One of `environments`.
    public var initialEnvironment: String?
    /// As given (unlike a model's tags: no single string, no de-duplication).
    public var tags: [String]?
    public var identity: String?
    public var sharedSecret: String?

    /// The values of `InitialEnvironment`.
    public static let environments = ["Sandbox", "Production"]
    /// The name of a version created without one (an app's first version).
    public static let defaultName = "1.0"

    public init(
        name: String? = nil, description: String? = nil, websiteAddress: String? = nil, visibility: String? = nil,
        initialEnvironment: String? = nil, tags: [String]? = nil, identity: String? = nil, sharedSecret: String? = nil
    ) {
        self.name = name
        self.description = description
        self.websiteAddress = websiteAddress
        self.visibility = visibility
        self.initialEnvironment = initialEnvironment
        self.tags = tags
        self.identity = identity
        self.sharedSecret = sharedSecret
    }

    /// The environment `text` names (without case), or nil when it names none.
    public static func environment(_ text: String) -> String? {
        environments.first { $0.lowercased() == text.lowercased() }
    }
}
