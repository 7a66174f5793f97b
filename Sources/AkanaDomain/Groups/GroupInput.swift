/// The body of POST /api/groups (`{"Group":{Name, Description, GroupType, Visibility, Tag}}`, the
/// sample of m_groups_addGroup), decoded at the edge; the service checks the values.
public struct GroupInput: Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var groupType: String?
    public var visibility: String?
    public var tags: [String]?

    public init(name: String?, description: String?, groupType: String?, visibility: String?, tags: [String]?) {
        self.name = name
        self.description = description
        self.groupType = groupType
        self.visibility = visibility
        self.tags = tags
    }
}

/// The body of POST /api/groups/{GroupID}/members: a MembershipRequest (obj/o_groups_MembershipRequest.htm:
/// `Email` or `UserID` naming the invitee, `Message`, `Role`). POST /api/apps/{AppID}/members takes
/// the same object (its sample sends `Message` and `Email`).
public struct MembershipRequestInput: Sendable, Equatable {
    public var email: String?
    public var userID: String?
    public var message: String?
    public var role: String?

    public init(email: String?, userID: String? = nil, message: String?, role: String? = nil) {
        self.email = email
        self.userID = userID
        self.message = message
        self.role = role
    }
}
