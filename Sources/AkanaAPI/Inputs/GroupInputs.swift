import AkanaDomain
import JSONCodec

extension GroupInput {
    /// POST /api/groups: `{"Group":{Name, Description, GroupType, Visibility, Tag}}` (m_groups_addGroup's
    /// sample); a body without the `Group` wrapper is read as the Group itself.
    init(body: JSONValue) throws {
        let outer = try BodyReader(body, context: "Group", notAnObject: "The body must be a JSON object: {\"Group\":{\"Name\":…}}.")
        let reader = try outer.object("Group") ?? outer
        self.init(
            name: try reader.string("Name"), description: try reader.string("Description"), groupType: try reader.string("GroupType"),
            visibility: try reader.string("Visibility"), tags: try reader.tags("Tag"))
    }
}

extension MembershipRequestInput {
    /// POST /api/groups/{GroupID}/members and POST /api/apps/{AppID}/members: a MembershipRequest
    /// (`Email` or `UserID`, `Message`, `Role`). The service checks the lengths, naming the members
    /// as the app-team page does (`Message`, `Email`).
    init(body: JSONValue) throws {
        let reader = try BodyReader(
            body, context: "MembershipRequest", notAnObject: "The membership request must be a JSON object with Email and Message.")
        func text(_ key: String) throws -> String? {
            guard let value = reader.value(key) else { return nil }
            guard let text = value.stringValue else { throw DomainError.badRequest("\(key) must be a string, not \(value.typeName).") }
            return text
        }
        self.init(email: try text("Email"), userID: try text("UserID"), message: try text("Message"), role: try text("Role"))
    }
}
