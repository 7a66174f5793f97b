/// A group (cm/api/index_groups.htm): an independent group (`POST /api/groups`), an app's team, an
/// API's admin group (its id is the API's `AdminGroupID`), or a tenant's Site Admin
/// (`tenantadmin.<tenant>`) or Business Admin (`tenantbusiness.<tenant>`) group.
public struct Group: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var kind: GroupKind
    /// The wire value (`com.soa.group.type.independent` is documented; the others follow its pattern).
    public var groupType: String
    public var name: String
    public var description: String
    public var visibility: String
    public var tags: [String]
    /// The app whose team this is (kind `.appTeam`).
    public var appID: String?
    /// The API whose admins these are (kind `.apiAdmin`).
    public var apiID: String?
    public var createdBy: String
    public var created: String
    public var updated: String

    package init(
        id: String, tenant: String, kind: GroupKind, groupType: String, name: String, description: String, visibility: String,
        tags: [String], appID: String?, apiID: String?, createdBy: String, created: String, updated: String
    ) {
        self.id = id
        self.tenant = tenant
        self.kind = kind
        self.groupType = groupType
        self.name = name
        self.description = description
        self.visibility = visibility
        self.tags = tags
        self.appID = appID
        self.apiID = apiID
        self.createdBy = createdBy
        self.created = created
        self.updated = updated
    }
}

public enum GroupKind: String, Sendable, Equatable {
    case independent
    case appTeam = "appteam"
    case apiAdmin = "apiadmin"
    case siteAdmin = "siteadmin"
    case businessAdmin = "businessadmin"

    /// `com.soa.group.type.independent` is the documented value (m_groups_addGroup); the others are
    /// the emulator's, in the same pattern.
    public var groupType: String { "com.soa.group.type.\(rawValue)" }

    /// The tenant's system groups: their accepted members are the users holding the platform role.
    public var platformRole: String? {
        switch self {
        case .siteAdmin: Role.siteAdmin
        case .businessAdmin: Role.businessAdmin
        default: nil
        }
    }
}

/// One membership request (obj/o_groups_MembershipRequest.htm): a user's place in a group, pending
/// until they accept (the group membership workflow, `Config/workflows/groupmembership.xml`).
public struct GroupMembership: Sendable, Equatable {
    /// The MembershipRequestID, also its workflow object's id.
    public var requestID: String
    public var groupID: String
    public var userID: String
    public var role: String
    public var state: String
    public var message: String
    public var invitedBy: String
    public var created: String
    public var updated: String
    /// The member's display name and email (filled where a listing joins `users`).
    public var userName: String = ""
    public var email: String = ""
}

/// The values of group memberships: the workflow's object type, its states and actions, the roles.
public enum Membership {
    public static let objectType = "groupmembership"
    /// The shipped definitions (`Config/workflows/`): the default one, and the "custom workflow
    /// [that] skip[s] the Pending state" the invite page describes.
    public static let defaultWorkflowKey = "groupmembership"
    public static let autoAcceptWorkflowKey = "groupmembership-autoaccept"

    /// `…state.pending` is documented (m_groups_getRequestState); the others follow its pattern.
    public static let pending = "com.soa.group.membership.state.pending"
    public static let accepted = "com.soa.group.membership.state.accepted"
    public static let declined = "com.soa.group.membership.state.declined"
    /// The workflow page names the action (`group.membership.action.remove`), not the state.
    public static let removed = "com.soa.group.membership.state.removed"

    /// `…role.admin` is documented (m_groups_removeMultipleMembersFromGroup); leader and member follow it.
    public static let roleAdmin = "com.soa.group.membership.role.admin"
    public static let roleLeader = "com.soa.group.membership.role.leader"
    public static let roleMember = "com.soa.group.membership.role.member"
    public static let roles = [roleAdmin, roleLeader, roleMember]

    public static let actionPrefix = "group.membership.action."
    public static let accept = "group.membership.action.accept"
    public static let decline = "group.membership.action.decline"
    public static let resend = "group.membership.action.resend"
    public static let remove = "group.membership.action.remove"
    public static let makeAdmin = "group.membership.action.make.admin"
    public static let makeLeader = "group.membership.action.make.leader"
    public static let makeMember = "group.membership.action.make.member"
    public static let invite = "@Invite"
    public static let importAction = "@Import"
    public static let recreatePending = "@RecreateInPendingState"
    public static let recreateAccepted = "@RecreateInAcceptedState"

    /// The roles a membership's workflow conditions name (besides the platform roles, AppTeamMember
    /// and ApiAdmin): the membership's own user, and the caller's accepted role in the same group.
    public static let invitee = "Invitee"
    public static let groupLeader = "GroupLeader"
    public static let groupAdmin = "GroupAdmin"
    public static let groupMember = "GroupMember"

    /// Whether a role may manage the group (invite with any role, remove others).
    static func manages(_ role: String?) -> Bool { role == roleAdmin || role == roleLeader }

    /// The app-team view of a role: "Admin" (leader or admin) or "Member".
    public static func teamRole(_ role: String) -> String { role == roleMember ? "Member" : "Admin" }
}
