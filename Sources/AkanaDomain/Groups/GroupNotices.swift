import SQLiteStore

/// The messages group memberships send (captured in the `Outbox`): the invitation to the invitee,
/// and its acceptance or refusal to whoever invited. An app's team speaks of the app, other groups
/// of the group; the kinds say which (`appteam.…`, `group.…`).
enum GroupNotices {
    /// To the invitee of the membership `requestID` (just made, renewed or recreated).
    static func invitation(_ db: SQLiteConnection, group: Group, requestID: String, inviter: String, message: String, stamp: String)
        throws
    {
        guard let membership = try GroupRepository.membership(db, requestID: requestID) else { return }
        let inviterName = try Outbox.name(db, userID: inviter, tenant: group.tenant)
        let what = description(group)
        var body = "\(inviterName) (\(inviter)) invited you to join \(what) as \(roleName(membership.role)).\n"
        body += "Message: \(message)\n"
        body += "MembershipRequestID: \(requestID)\n"
        if membership.state == Membership.pending {
            body +=
                "Accept or decline it: POST /api/groups/requests/\(requestID)/actions (\(Membership.accept) or \(Membership.decline)).\n"
        } else if membership.state == Membership.accepted {
            body += "You are a member now.\n"
        }
        try Outbox.send(
            db, tenant: group.tenant, to: membership.userID,
            kind: group.kind == .appTeam ? OutboxKind.appTeamInvitation : OutboxKind.groupInvitation,
            subject: "\(inviterName) invited you to join \(title(group))", body: body,
            about: Outbox.Subject(type: "GroupMembership", id: requestID), stamp: stamp)
    }

    /// To whoever invited `membership`'s user: they accepted (or declined) it.
    static func answered(_ db: SQLiteConnection, group: Group, membership: GroupMembership, accepted: Bool, stamp: String) throws {
        guard !membership.invitedBy.isEmpty, membership.invitedBy != membership.userID else { return }
        let inviteeName = try Outbox.name(db, userID: membership.userID, tenant: group.tenant)
        let verb = accepted ? "accepted" : "declined"
        let kind =
            group.kind == .appTeam
            ? (accepted ? OutboxKind.appTeamInvitationAccepted : OutboxKind.appTeamInvitationDeclined)
            : (accepted ? OutboxKind.groupInvitationAccepted : OutboxKind.groupInvitationDeclined)
        let body = """
            \(inviteeName) (\(membership.userID)) \(verb) your invitation to join \(description(group)).
            MembershipRequestID: \(membership.requestID)

            """
        try Outbox.send(
            db, tenant: group.tenant, to: membership.invitedBy, kind: kind,
            subject: "\(inviteeName) \(verb) your invitation to join \(title(group))", body: body,
            about: Outbox.Subject(type: "GroupMembership", id: membership.requestID), stamp: stamp)
    }

    /// "the team of app Payments (AppID …)", "the group Reviewers (GroupID …)".
    static func description(_ group: Group) -> String {
        if group.kind == .appTeam, let appID = group.appID { return "the team of app \(group.name) (AppID \(appID))" }
        if group.kind == .apiAdmin, let apiID = group.apiID { return "\(group.name), the admins of API \(apiID) (GroupID \(group.id))" }
        return "the group \(group.name) (GroupID \(group.id))"
    }

    static func title(_ group: Group) -> String {
        group.kind == .appTeam ? "the team of app \(group.name)" : "the group \(group.name)"
    }

    static func roleName(_ role: String) -> String {
        switch role {
        case Membership.roleAdmin: "an admin"
        case Membership.roleLeader: "a leader"
        default: "a member"
        }
    }
}
