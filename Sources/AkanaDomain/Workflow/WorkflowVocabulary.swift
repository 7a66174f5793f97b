import Foundation

/// The names the emulator understands inside a definition. Anything else is kept and reported as a
/// warning when the definition is read.
public enum WorkflowVocabulary {
    /// Platform roles a caller can be given. A role condition naming another role still works
    /// (it grants callers passed that role) but is reported, as it is most likely a typo.
    public static let roles: [String] = [
        Role.siteAdmin, Role.businessAdmin, "ApiAdmin", "AppTeamMember", Role.schemaDesigner, Role.schemaApprover,
        // A group membership's own user, and the caller's accepted role in its group (GroupMemberships.roles).
        Membership.invitee, Membership.groupLeader, Membership.groupAdmin, Membership.groupMember
    ]

    /// Akana's registered condition granting callers who hold `<arg name="role">` (one role, or
    /// several separated by commas, any of which grants).
    public static let roleCondition = "authorizeByAtmosphereRole"

    /// OSWorkflow's bundled status check, written `type="class"` with this `class.name` and a
    /// `status` arg: true when the object's current status equals it.
    public static let statusConditionClass = "com.opensymphony.workflow.util.StatusCondition"

    /// Function types the platform documents. The engine runs none of them itself: each is reported
    /// in the transition and handed to the handler a domain service registered for it, if any.
    public static let functions: Set<String> = [
        "deleteAppVersion", "MarkPublished", "exportAPIVersion", "exportAPIAllVersions",
        "setAuthTokenProperty", "removeAuthTokenProperty", "markLoginComplete", "setArgumentValue",
        "setCookie", "removeCookie"
    ]

    /// Role names compare without case, spaces, hyphens or underscores ("Business Admin" is
    /// BusinessAdmin), as the platform's own documents spell them both ways.
    static func normalizedRole(_ role: String) -> String {
        String(role.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" })
    }

    static let normalizedKnownRoles = Set(roles.map(normalizedRole))

    /// The roles of an `authorizeByAtmosphereRole` condition.
    static func roles(of test: WorkflowConditionTest) -> [String] {
        (test.args["role"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
