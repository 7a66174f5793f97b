import JSONCodec
/// A business model object (`models`), with what its JSON needs from its versions.
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

    /// The platform's Model object, fields in the documented order (akana-api.md §4.3).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("ModelID", .string(id)),
            ("Name", .string(name)),
            ("Description", .string(description)),
            ("Summary", .string(summary)),
            ("ModelCategory", .string(category)),
        ]
        if let latestVersion { members.append(("LatestVersionID", .string(latestVersion.id))) }
        members.append(("Tag", .array(tags.map(JSONValue.string))))
        members.append(("Visibility", .string(visibility)))
        members.append(("Created", .string(created)))
        members.append(("Updated", .string(updated)))
        if let latestVersion { members.append(("State", .string(latestVersion.state))) }
        if let businessID { members.append(("BusinessID", .string(businessID))) }
        if let embeddedVersion { members.append(("ModelVersion", embeddedVersion.json())) }
        if let versions {
            members.append(("ModelVersions", .object([("ModelVersion", .array(versions.map { $0.json() }))])))
        }
        return .object(members)
    }
}
