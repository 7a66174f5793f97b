import AkanaDomain
import Foundation

/// The fixture section of independent groups and their members:
///
///     "groups": [{"GroupID": "group-leads.acmepaymentscorp", "Name": "LEAD", "Description": …,
///                 "Visibility": "Public", "Tag": ["developers"],
///                 "Members": ["ann@acmepaymentscorp.com",
///                             {"email": "ben@acmepaymentscorp.com", "role": "leader", "state": "pending", "message": "Join us"}]}]
///
/// GroupID defaults to `group-<uuid>.<tenant>` (a group the tenant has by that id, or else by that
/// name, is left as it is). A member's role is `member` (default), `admin` or `leader`; their state
/// `accepted` (default: the workflow's `@Import`) or `pending` (`@Invite`, for the invitee to
/// accept). A user already in the group is left as they are. App teams and API admins come with
/// their apps' `Team` and APIs' `Admins`.
public struct GroupFixtureSection: Sendable {
    public struct Member: Sendable {
        public var email: String
        public var role: String
        public var pending: Bool
        public var message: String
    }

    public struct Element: Sendable {
        public var path: String
        public var tenant: String?
        public var id: String?
        public var name: String
        public var description: String
        public var visibility: String
        public var tags: [String]
        public var members: [Member]
    }

    public var groups: [Element] = []

    public init() {}

    public var isEmpty: Bool { groups.isEmpty }

    static let keys = ["groups"]

    static func parse(_ top: FixtureDocument.Reader) throws -> GroupFixtureSection {
        var section = GroupFixtureSection()
        for (index, element) in try top.array("groups").enumerated() {
            let reader = try FixtureDocument.Reader(element, path: "groups[\(index)]", source: top.source)
            guard let name = try reader.string("Name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw reader.error("Name is required")
            }
            let visibility = try reader.string("Visibility") ?? "Private"
            guard ["Public", "Private", "Registered"].contains(visibility) else {
                throw reader.error("Visibility must be Public, Private or Registered, not '\(visibility)'")
            }
            var members: [Member] = []
            for (position, member) in try reader.array("Members").enumerated() {
                if let email = member.stringValue {
                    members.append(Member(email: email, role: Membership.roleMember, pending: false, message: ""))
                    continue
                }
                let memberReader = try FixtureDocument.Reader(member, path: "\(reader.path).Members[\(position)]", source: top.source)
                guard let email = try memberReader.string("email") else { throw memberReader.error("email is required") }
                let role = try memberReader.string("role") ?? "member"
                guard ["member", "admin", "leader"].contains(role) else {
                    throw memberReader.error("role must be member, admin or leader, not '\(role)'")
                }
                let state = try memberReader.string("state") ?? "accepted"
                guard ["accepted", "pending"].contains(state) else {
                    throw memberReader.error("state must be accepted or pending, not '\(state)'")
                }
                members.append(
                    Member(
                        email: email, role: "com.soa.group.membership.role.\(role)", pending: state == "pending",
                        message: try memberReader.string("message") ?? ""))
                try memberReader.finish(["email", "role", "state", "message"])
            }
            section.groups.append(
                Element(
                    path: reader.path, tenant: try reader.tenant("tenant"), id: try reader.string("GroupID"), name: name,
                    description: try reader.string("Description") ?? "", visibility: visibility, tags: try reader.strings("Tag") ?? [],
                    members: members))
            try reader.finish(["GroupID", "Name", "Description", "Visibility", "Tag", "Members", "tenant"])
        }
        return section
    }
}

extension FixtureLoader.Applier {
    /// Adds the groups and members the tenant does not have yet.
    mutating func applyGroups(_ document: FixtureDocument) throws {
        for element in document.groupSection.groups {
            guard let tenant = try tenant(element.tenant, document, element.path) else { continue }
            try Self.element(source, element.path) { try self.group(element, tenant: tenant) }
        }
    }

    private mutating func group(_ element: GroupFixtureSection.Element, tenant: String) throws {
        let group: Group
        if let id = element.id {
            try checkID(id, field: "GroupID", tenant: tenant)
        }
        let existing =
            try element.id.map { try GroupRepository.group(db, id: $0) }
            ?? GroupRepository.independentGroup(db, tenant: tenant, name: element.name)
        if let existing {
            guard existing.tenant == tenant, existing.kind == .independent else {
                throw DomainError.badRequest("GroupID \(existing.id) is not an independent group of \(tenant)")
            }
            group = existing
            skipped("groups", group.id)
        } else {
            group = Group(
                id: element.id ?? "group-\(ids.uuid()).\(tenant)", tenant: tenant, kind: .independent,
                groupType: GroupKind.independent.groupType, name: element.name, description: element.description,
                visibility: element.visibility, tags: element.tags, appID: nil, apiID: nil, createdBy: "", created: stamp, updated: stamp)
            try GroupRepository.insert(db, group)
            created("groups", group.id)
        }
        let memberships = GroupMemberships(engine: workflow, stamp: stamp, ids: ids)
        for (index, member) in element.members.enumerated() {
            guard let userID = try UserRepository.id(db, tenant: tenant, email: member.email) else {
                throw DomainError.badRequest("Members[\(index)]: \(member.email) is not a user of \(tenant)")
            }
            let what = "\(group.id) \(member.email)"
            if try GroupRepository.membership(db, groupID: group.id, userID: userID) != nil {
                skipped("groupMembers", what)
                continue
            }
            if member.pending {
                try memberships.addPending(db, group: group, userID: userID, role: member.role, message: member.message, by: "")
            } else {
                try memberships.addAccepted(db, group: group, userID: userID, role: member.role, by: "")
            }
            created("groupMembers", what)
        }
    }
}
