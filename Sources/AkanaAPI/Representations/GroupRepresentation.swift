import AkanaDomain
import Foundation
import JSONCodec

/// The JSON/XML shapes of groups and memberships. No Group object page or response sample is
/// visible in the help pages: the Group's members follow the add-group sample (Name, Description,
/// GroupType, Visibility, Tag, in that order) after its GroupID; the RSS items' category domains
/// are the emulator's (`uddi:soa.com:group.membership.role`, `…group.membership.state`,
/// `…group.type`), in the pattern of the platform's other channels.
enum GroupRepresentation {
    static func group(_ group: Group) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("GroupID", .string(group.id)), ("Name", .string(group.name)), ("Description", .string(group.description)),
            ("GroupType", .string(group.groupType)), ("Visibility", .string(group.visibility)),
            ("Tag", .array(group.tags.map { .string($0) }))
        ]
        if let appID = group.appID { members.append(("AppID", .string(appID))) }
        if let apiID = group.apiID { members.append(("APIID", .string(apiID))) }
        members += [("Created", .string(group.created)), ("Updated", .string(group.updated))]
        return .object(members)
    }

    static let roleDomain = "uddi:soa.com:group.membership.role"
    static let stateDomain = "uddi:soa.com:group.membership.state"
    static let typeDomain = "uddi:soa.com:group.type"

    /// The membership request the item is about (absent for a system group's member by role).
    static func requestReference(_ membership: GroupMembership) -> [(String, JSONValue)] {
        guard !membership.requestID.isEmpty else { return [] }
        return [
            (
                "EntityReference",
                .object([("Title", .string("MembershipRequest")), ("Guid", .string(membership.requestID))])
            )
        ]
    }

    /// GET /api/groups/{GroupID}/members: one item per pending or accepted member.
    static func members(_ group: Group, _ members: [GroupMembership]) -> RSSChannel {
        RSSChannel(
            title: "Members of \(group.name)",
            items: members.map { member in
                RSSChannel.Item(
                    title: member.userName, description: member.email, guid: member.userID,
                    categories: [(roleDomain, member.role), (stateDomain, member.state)],
                    pubDate: Timestamp.parse(member.created) ?? Date(timeIntervalSince1970: 0), fields: requestReference(member))
            })
    }

    /// GET /api/users/{UserID}/groups: one item per group, with the user's role and state in it
    /// and a reference to the app or API it belongs to.
    static func userGroups(_ groups: [(Group, GroupMembership)], userID: String) -> RSSChannel {
        RSSChannel(
            title: "Groups of \(userID)",
            items: groups.map { group, membership in
                var fields = requestReference(membership)
                if let appID = group.appID {
                    fields.append(("AppID", .string(appID)))
                }
                if let apiID = group.apiID {
                    fields.append(("APIID", .string(apiID)))
                }
                return RSSChannel.Item(
                    title: group.name, description: group.description, guid: group.id,
                    categories: [(typeDomain, group.groupType), (roleDomain, membership.role), (stateDomain, membership.state)],
                    pubDate: Timestamp.parse(membership.created) ?? Date(timeIntervalSince1970: 0), fields: fields)
            })
    }
}
