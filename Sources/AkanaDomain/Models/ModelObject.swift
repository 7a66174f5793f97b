/// A business model object (`models`), with what its representation needs from its versions.
public struct ModelObject: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var name: String
    public var summary: String
    public var description: String
    public var category: String
    public var visibility: String
    public var businessID: String?
    public var createdBy: String?
    public var created: String
    public var updated: String
    public var tags: [String]
    /// The newest version the caller may see (`LatestVersionID`, and the model's `State`).
    public var latestVersion: ModelVersion?
    /// Rendered as `ModelVersion` when set (the create operation's answer carries the first version).
    public var embeddedVersion: ModelVersion?
    /// Rendered as `ModelVersions` when set (`IncludeVersions=true`), oldest first.
    public var versions: [ModelVersion]?
}
