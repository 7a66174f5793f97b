/// Who may call each app operation, exactly as its Akana help page states ("Authorization
/// Roles/Permissions"). This is the one place the route → roles rules of the apps service live.
///
/// Two questions are kept apart: *visibility* (a version's `Visibility`: Public and Registered
/// Users versions are seen by every user of the tenant) decides what lists and search show and
/// whether an outsider learns that the object exists (403 rather than 404); the *operation's own
/// roles* decide who may call it.
public enum AppOperation: String, Sendable, CaseIterable {
    case readApp, updateApp, deleteApp
    case addVersion, listVersions, readVersion, updateVersion, deleteVersion
    case readSecret, regenerateSecret, performAction
    case listMembers, addMember, removeMember

    /// The roles the operation's page names.
    public var rule: AppAccessRule {
        switch self {
        // m_apps_getApp: "App team member, Business Admin, or Site Admin"; m_apps_updateApp: the same.
        case .readApp, .updateApp: return .teamBusinessOrSiteAdmin
        // m_apps_deleteApp: "App team member, Business Admin" (no Site Admin).
        case .deleteApp: return .teamOrBusinessAdmin
        // m_apps_addVersion: "app team member, Business Admin".
        case .addVersion: return .teamOrBusinessAdmin
        // m_apps_getVersions: "App team member, Business Admin, Site Admin or another authorized user"
        // (anyone who can see the app).
        case .listVersions: return AppAccessRule(team: true, businessAdmin: true, siteAdmin: true, anyViewer: true)
        // m_apps_getAppVersion (seed 004): "App team member, Business Admin, or Site Admin".
        case .readVersion: return .teamBusinessOrSiteAdmin
        // m_apps_updateAppVersion (seed 001): "app team member or Business Admin".
        case .updateVersion, .deleteVersion: return .teamOrBusinessAdmin
        // m_apps_getSharedSecret: team member, Business Admin, Site Admin.
        case .readSecret: return .teamBusinessOrSiteAdmin
        // m_apps_regenerateSecret: "team member, Business Admin".
        case .regenerateSecret: return .teamOrBusinessAdmin
        // m_apps_performAction (seed 000): permission to modify the app (its team); the workflow may
        // narrow it further.
        case .performAction: return .teamOrBusinessAdmin
        // m_apps_getTeamMembers, m_apps_addMemberToTeam, m_apps_removeMemberFromTeam:
        // "App team member, Business Admin, or Site Admin".
        case .listMembers, .addMember, .removeMember: return .teamBusinessOrSiteAdmin
        }
    }

    /// What the operation is called in a 403 fault.
    var phrase: String {
        switch self {
        case .readApp: return "read app"
        case .updateApp: return "change app"
        case .deleteApp: return "delete app"
        case .addVersion: return "add a version to app"
        case .listVersions: return "list the versions of app"
        case .readVersion: return "read app version"
        case .updateVersion: return "change app version"
        case .deleteVersion: return "delete app version"
        case .readSecret: return "read the shared secret of app version"
        case .regenerateSecret: return "regenerate the shared secret of app version"
        case .performAction: return "perform actions on app version"
        case .listMembers: return "list the team of app"
        case .addMember: return "add members to the team of app"
        case .removeMember: return "remove members from the team of app"
        }
    }
}

/// The roles one operation admits.
public struct AppAccessRule: Sendable, Equatable {
    public var team: Bool
    public var businessAdmin: Bool
    public var siteAdmin: Bool
    /// Any user of the tenant who can see the object (its visibility).
    public var anyViewer: Bool

    public static let teamBusinessOrSiteAdmin = AppAccessRule(team: true, businessAdmin: true, siteAdmin: true, anyViewer: false)
    public static let teamOrBusinessAdmin = AppAccessRule(team: true, businessAdmin: true, siteAdmin: false, anyViewer: false)

    /// Who the rule names, for faults and the docs (docs/api-coverage.md).
    public var description: String {
        var names: [String] = []
        if team { names.append("app team members") }
        if businessAdmin { names.append("Business Admins") }
        if siteAdmin { names.append("Site Admins") }
        if anyViewer { names.append("users who can see it") }
        return names.joined(separator: ", ")
    }
}

/// Where a caller stands towards one app.
struct AppStanding: Sendable {
    var sameTenant: Bool
    var siteAdmin: Bool
    var businessAdmin: Bool
    /// "Admin" or "Member" when the caller is on the app's team.
    var teamRole: String?
    /// The object's visibility lets every user of the tenant see it.
    var visibleToAll: Bool

    /// Whether the caller learns that the object exists (else: 404).
    var canSee: Bool { sameTenant && (siteAdmin || businessAdmin || teamRole != nil || visibleToAll) }

    func allows(_ rule: AppAccessRule) -> Bool {
        guard sameTenant else { return false }
        return (rule.team && teamRole != nil) || (rule.businessAdmin && businessAdmin) || (rule.siteAdmin && siteAdmin)
            || (rule.anyViewer && canSee)
    }

    /// Throws the fault a caller outside `operation`'s roles gets: 404 when they cannot even see
    /// the object, 403 when they can.
    func check(_ operation: AppOperation, objectID: String, kind: String) throws {
        guard canSee else { throw DomainError.notFound("\(kind) \(objectID) was not found.") }
        guard allows(operation.rule) else {
            throw DomainError.forbidden("Only \(operation.rule.description) may \(operation.phrase) \(objectID).")
        }
    }
}
