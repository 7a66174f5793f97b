import JSONCodec
/// An app (`apps`), with what its JSON needs from its default (newest) version.
public struct Application: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var name: String
    public var summary: String
    public var description: String
    public var businessID: String?
    public var created: String
    public var updated: String
    public var defaultVersion: AppVersion?

    /// The platform's Application object.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("AppID", .string(id)),
            ("Name", .string(name)),
            ("Description", .string(description)),
            ("Summary", .string(summary)),
        ]
        if let version = defaultVersion {
            members.append(("Visibility", .string(version.visibility)))
            members.append(("InitialEnvironment", .string(version.initialEnvironment)))
            members.append(("DefaultVersionID", .string(version.id)))
            members.append(("Tag", .array(version.tags.map(JSONValue.string))))
        }
        members.append(("IsFollowed", .bool(false)))
        members.append(("RatingSummary", .object([
            ("Five", .integer(0)), ("Four", .integer(0)), ("Three", .integer(0)), ("Two", .integer(0)), ("One", .integer(0)),
        ])))
        if let version = defaultVersion { members.append(("State", .string(version.state))) }
        members.append(("Created", .string(created)))
        members.append(("Updated", .string(updated)))
        if let businessID { members.append(("BusinessID", .string(businessID))) }
        return .object(members)
    }
}
