import Foundation
import SQLiteStore

/// The apps service: apps, versions, shared secrets and the app-version action, with the
/// platform's authorization: each operation admits the roles its page names (`AppOperation.rule`);
/// a caller outside them gets 403 when the object's visibility lets them see it, else 404.
public final class AppService: Sendable {
    let database: DatabasePool
    let clock: EmulatorClock
    private let ids: IDGenerator
    private let workflow: (any AppVersionWorkflow)?
    /// Told of app versions about to be deleted (their contracts move on in the same transaction).
    private let deletionObserver: (any AppVersionDeletionObserver)?
    /// The app's team is a group: invitations, removals and their workflow go through it.
    let groups: GroupService
    var memberships: GroupMemberships { groups.memberships }

    public init(
        database: DatabasePool, clock: EmulatorClock, workflow: (any AppVersionWorkflow)?, ids: IDGenerator,
        deletionObserver: (any AppVersionDeletionObserver)?, groups: GroupService
    ) {
        self.groups = groups
        self.deletionObserver = deletionObserver
        self.ids = ids
        self.database = database
        self.clock = clock
        self.workflow = workflow
    }

    /// The app settings the rules below follow: every tenant has the platform defaults (a later
    /// issue makes them editable per tenant).
    package static var settings: AppVersionSettings { .platformDefaults }

    // MARK: - Apps

    /// POST /api/apps: the app and its first version in one transaction; the creator joins the team.
    public func createApp(caller: AuthenticatedSession, input: ApplicationInput) throws -> Application {
        let now = Timestamp.iso8601(clock.now())
        let app = try Self.newApp(id: "\(ids.uuid()).\(caller.tenant)", tenant: caller.tenant, input: input, now: now)
        var version = input.version ?? AppVersionInput()
        if version.name == nil { version.name = AppVersionInput.defaultName }
        return try database.write(in: caller.scope) { db in
            // The session was verified before this transaction; a reset, restore or DELETE /api/users
            // in between removes its user (and the team row would break its foreign key).
            guard try UserRepository.exists(db, id: caller.userID) else {
                throw DomainError.unauthorized("The session's user no longer exists (deleted, or the emulator was reset); log in again.")
            }
            let team = try AppRepository.insertApp(db, app, createdBy: caller.userID)
            try self.memberships.addAccepted(db, group: team, userID: caller.userID, role: Membership.roleAdmin, by: caller.userID)
            _ = try self.insertVersion(db, app: app, input: version, caller: caller, now: now)
            guard let stored = try AppRepository.app(db, id: app.id) else { throw DomainError.notFound() }
            return stored
        }
    }

    /// A new app (not stored yet) as every creation makes it (POST /api/apps and fixtures): Name
    /// required, the business (when named) the tenant's.
    package static func newApp(id: String, tenant: String, input: ApplicationInput, now: String) throws -> Application {
        guard let name = input.name, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("Application.Name is required.")
        }
        let businessID = input.businessID.flatMap { $0.isEmpty ? nil : $0 }
        if let businessID { try TenantBusiness.named(businessID, tenant: tenant) }
        return Application(
            id: id, tenant: tenant, name: name, summary: input.summary ?? "", description: input.description ?? "",
            businessID: businessID, created: now, updated: now, defaultVersion: nil)
    }

    public func app(_ id: String, caller: AuthenticatedSession) throws -> Application {
        try database.read(in: caller.scope) { db in
            try self.authorizedApp(db, id: id, caller: caller, for: .readApp)
        }
    }

    /// PUT /api/apps/{AppID}: Name (required), Summary, Description.
    public func updateApp(_ id: String, caller: AuthenticatedSession, input: ApplicationInput) throws -> Application {
        if let name = input.name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw DomainError.badRequest("Application.Name must not be empty.")
        }
        return try database.write(in: caller.scope) { db in
            var app = try self.authorizedApp(db, id: id, caller: caller, for: .updateApp)
            input.name.merge(into: &app.name)
            input.summary.merge(into: &app.summary)
            input.description.merge(into: &app.description)
            app.updated = Timestamp.iso8601(self.clock.now())
            try AppRepository.updateApp(db, app)
            guard let stored = try AppRepository.app(db, id: id) else { throw DomainError.notFound() }
            return stored
        }
    }

    /// DELETE /api/apps/{AppID}: the app and all its versions. Under an app-version workflow each
    /// version goes through `@Delete`; a version the workflow only marks for deletion stays (and so
    /// does the app, until its last version is deleted).
    public func deleteApp(_ id: String, caller: AuthenticatedSession) throws {
        try database.write(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: id, caller: caller, for: .deleteApp)
            var remaining = 0
            for versionID in try AppRepository.versionIDs(db, appID: app.id) {
                if try self.deleteAction(db, versionID: versionID, caller: caller) {
                    try self.deletionObserver?.appVersionsDeleting(db, ids: [versionID], userID: caller.userID)
                    try AppRepository.deleteVersion(db, id: versionID)
                } else {
                    remaining += 1
                }
            }
            if remaining == 0 { try AppRepository.deleteApp(db, id: app.id) }
        }
    }

    // MARK: - Versions

    /// POST /api/apps/{AppID}/versions (Name is the minimum).
    public func addVersion(appID: String, caller: AuthenticatedSession, input: AppVersionInput) throws -> AppVersion {
        guard input.name != nil else { throw DomainError.badRequest("ApplicationVersion.Name is required.") }
        let now = Timestamp.iso8601(clock.now())
        return try database.write(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .addVersion)
            return try self.insertVersion(db, app: app, input: input, caller: caller, now: now)
        }
    }

    public func versions(appID: String, caller: AuthenticatedSession) throws -> (Application, [AppVersion]) {
        try database.read(in: caller.scope) { db in
            let app = try self.authorizedApp(db, id: appID, caller: caller, for: .listVersions)
            let versions = try AppRepository.versionIDs(db, appID: app.id).compactMap { try AppRepository.version(db, id: $0) }
            return (app, versions)
        }
    }

    /// An app version as GET /api/apps/versions/{AppVersionID} reads it: with the app settings of
    /// its tenant (what `AppVersionSettings` a version shows is decided here, nowhere else).
    public struct VersionReading: Sendable {
        public var version: AppVersion
        public var settings: AppVersionSettings
    }

    /// The app version `id`, or nil when `id` cannot be one of the caller's tenant's app versions
    /// (not `<something>.<tenant>`): the platform answers such an id as "invalid" (204, seed 004),
    /// not as a missing version.
    public func version(_ id: String, caller: AuthenticatedSession) throws -> VersionReading? {
        guard id.hasSuffix(".\(caller.tenant)"), id.utf8.count > caller.tenant.utf8.count + 1 else { return nil }
        let settings = Self.settings
        return try database.read(in: caller.scope) { db in
            VersionReading(version: try self.authorizedVersion(db, id: id, caller: caller, for: .readVersion), settings: settings)
        }
    }

    /// PUT /api/apps/versions/{AppVersionID}: fields absent from the body keep their values.
    /// Identity can be chosen once (where the tenant allows it); SharedSecret only where user-defined
    /// secrets are allowed. Governed by `@Modify` when an app-version workflow is assigned.
    public func updateVersion(_ id: String, caller: AuthenticatedSession, input: AppVersionInput) throws -> AppVersion {
        let settings = Self.settings
        return try database.write(in: caller.scope) { db in
            var version = try self.authorizedVersion(db, id: id, caller: caller, for: .updateVersion)
            try self.checkReservedAction(db, versionID: id, action: "@Modify", caller: caller)
            input.name.merge(into: &version.name)
            input.description.merge(into: &version.description)
            input.websiteAddress.merge(into: &version.websiteAddress)
            input.visibility.merge(into: &version.visibility)
            input.initialEnvironment.merge(into: &version.initialEnvironment)
            input.tags.merge(into: &version.tags)
            if let identity = input.identity, !identity.isEmpty, identity != version.identity {
                guard settings.allows(settings.userDefinedIdentitySupport, siteAdmin: caller.isSiteAdmin) else {
                    throw DomainError.forbidden(
                        "The tenant does not let you choose an app version's Identity (UserDefinedIdentitySupport is \(settings.userDefinedIdentitySupport))."
                    )
                }
                guard !version.identityUserDefined else {
                    throw DomainError.conflict(
                        "App version \(id) already has the Identity '\(version.identity)'; an assigned Identity cannot be changed.")
                }
                guard try !AppRepository.identityTaken(db, tenant: version.tenant, identity: identity, except: id) else {
                    throw DomainError.conflict("The Identity '\(identity)' is already used by another app version.")
                }
                version.identity = identity
                version.identityUserDefined = true
            }
            if let secret = input.sharedSecret, !secret.isEmpty, secret != version.sharedSecret {
                guard settings.userDefinedSharedSecretSupport == AppVersionSettings.enabled else {
                    throw DomainError.forbidden("The tenant does not allow user-defined shared secrets.")
                }
                version.sharedSecret = secret
            }
            version.updated = Timestamp.iso8601(self.clock.now())
            try AppRepository.updateVersion(db, version)
            return version
        }
    }

    /// DELETE /api/apps/versions/{AppVersionID}; the last version takes the app with it.
    /// Returns whether the app was deleted too. Under an app-version workflow whose `@Delete` only
    /// marks the version (e.g. pending a Business Admin's approval), the version stays.
    public func deleteVersion(_ id: String, caller: AuthenticatedSession) throws -> Bool {
        try database.write(in: caller.scope) { db in
            let version = try self.authorizedVersion(db, id: id, caller: caller, for: .deleteVersion)
            guard try self.deleteAction(db, versionID: id, caller: caller) else { return false }
            try self.deletionObserver?.appVersionsDeleting(db, ids: [id], userID: caller.userID)
            if try AppRepository.versionIDs(db, appID: version.appID).count <= 1 {
                try AppRepository.deleteApp(db, id: version.appID)
                return true
            }
            try AppRepository.deleteVersion(db, id: id)
            return false
        }
    }

    /// The roles a caller has on an app version for its workflow (their platform roles, plus
    /// AppTeamMember on their team's apps). 404 when they cannot see the version.
    /// Inside the caller's transaction (the check and the action it guards commit together).
    public func workflowRoles(_ db: SQLiteConnection, versionID: String, caller: AuthenticatedSession) throws -> Set<String> {
        let version = try visibleVersion(db, id: versionID, caller: caller)
        let member = try AppRepository.isTeamMember(db, appID: version.appID, userID: caller.userID)
        return member ? caller.roles.union(["AppTeamMember"]) : caller.roles
    }

    // MARK: - Actions and secrets

    /// POST /api/apps/versions/{AppVersionID}/action. `@RegeneratedSecret` rotates the secret.
    /// Under an assigned app-version workflow the action must be valid in the version's state;
    /// without one, only the reserved `@` actions exist. Returns the AppVersionID.
    public func performAction(versionID: String, actionName: String, comments: [String], caller: AuthenticatedSession) throws -> String {
        try database.write(in: caller.scope) { db in
            let version = try self.authorizedVersionAccess(db, id: versionID, caller: caller, for: .performAction)
            let now = Timestamp.iso8601(self.clock.now())
            let governed = try self.workflow?.isGoverned(db, objectID: versionID) ?? false
            if governed, let workflow = self.workflow {
                _ = try workflow.perform(
                    db, objectID: versionID, actionName: actionName, comments: comments,
                    caller: try self.workflowCaller(db, caller, appID: version.appID))
            } else if !Self.reservedActions.contains(actionName) {
                throw DomainError.badRequest(
                    "No app version workflow governs \(versionID), so '\(actionName)' is not an action; the reserved actions are \(Self.reservedActions.sorted().joined(separator: ", "))."
                )
            }
            if actionName == "@RegeneratedSecret" {
                try self.rotateSecret(db, versionID: versionID, identity: version.identity, now: now)
            }
            return versionID
        }
    }

    /// GET /api/apps/versions/{AppVersionID}/secret (team members, Business and Site Admins).
    public func secret(versionID: String, caller: AuthenticatedSession) throws -> String {
        try database.read(in: caller.scope) { db in
            let version = try self.authorizedVersion(db, id: versionID, caller: caller, for: .readSecret)
            guard !version.identityHasDomain else {
                throw DomainError.conflict(
                    "The shared secret of \(versionID) is managed by the external identity domain of '\(version.identity)'.")
            }
            return version.sharedSecret
        }
    }

    /// PUT /api/apps/versions/{AppVersionID}/secret: a new secret, not returned.
    public func regenerateSecret(versionID: String, caller: AuthenticatedSession) throws {
        try database.write(in: caller.scope) { db in
            let version = try self.authorizedVersionAccess(db, id: versionID, caller: caller, for: .regenerateSecret)
            try self.checkReservedAction(db, versionID: versionID, action: "@RegeneratedSecret", caller: caller)
            try self.rotateSecret(db, versionID: versionID, identity: version.identity, now: Timestamp.iso8601(self.clock.now()))
        }
    }

    /// The app-version reserved actions, valid whenever no custom workflow governs the version.
    public static let reservedActions: Set<String> = ["@Modify", "@Delete", "@RegeneratedSecret", "@KeyInfoRemoved"]

    // MARK: - Helpers

    private func rotateSecret(_ db: SQLiteConnection, versionID: String, identity: String, now: String) throws {
        guard !AppVersion.identityHasDomain(identity) else {
            throw DomainError.conflict(
                "The shared secret of \(versionID) is managed by the external identity domain of '\(identity)'; it cannot be regenerated here."
            )
        }
        guard try AppRepository.setSharedSecret(db, versionID: versionID, secret: ids.hex(byteCount: 20), updated: now) else {
            throw DomainError.notFound()
        }
    }

    private func insertVersion(_ db: SQLiteConnection, app: Application, input: AppVersionInput, caller: AuthenticatedSession, now: String)
        throws -> AppVersion
    {
        let id = "\(ids.alphanumeric(40)).\(app.tenant)"
        let version = try Self.insertVersion(
            db, id: id, appID: app.id, tenant: app.tenant, input: input, settings: Self.settings,
            siteAdmin: caller.isSiteAdmin, ids: ids, now: now)
        _ = try workflow?.start(db, tenant: app.tenant, objectID: id, caller: try workflowCaller(db, caller, appID: app.id))
        return version
    }

    /// Checks and stores a new version `id` (`<local>.<tenant>`) of app `appID`, as every creation
    /// does (POST /api/apps, POST /api/apps/{AppID}/versions and fixtures), without starting its
    /// workflow: an Identity only where `settings` let the caller choose one, and not one another
    /// version has; a SharedSecret only where user-defined secrets are allowed; the defaults
    /// (Name 1.0, Sandbox, Public) for what `input` leaves out.
    package static func insertVersion(
        _ db: SQLiteConnection, id: String, appID: String, tenant: String, input: AppVersionInput,
        settings: AppVersionSettings, siteAdmin: Bool, ids: IDGenerator, now: String
    ) throws -> AppVersion {
        let local = id.hasSuffix(".\(tenant)") ? String(id.dropLast(tenant.count + 1)) : id
        var identity = "\(tenant)-\(local)"
        var userDefined = false
        if let chosen = input.identity, !chosen.isEmpty {
            guard settings.allows(settings.userDefinedIdentitySupport, siteAdmin: siteAdmin) else {
                throw DomainError.forbidden(
                    "The tenant does not let you choose an app version's Identity (UserDefinedIdentitySupport is \(settings.userDefinedIdentitySupport))."
                )
            }
            guard try !AppRepository.identityTaken(db, tenant: tenant, identity: chosen, except: id) else {
                throw DomainError.conflict("The Identity '\(chosen)' is already used by another app version.")
            }
            identity = chosen
            userDefined = true
        }
        var secret = ids.hex(byteCount: 20)
        if let chosen = input.sharedSecret, !chosen.isEmpty {
            guard settings.userDefinedSharedSecretSupport == AppVersionSettings.enabled else {
                throw DomainError.forbidden("The tenant does not allow user-defined shared secrets.")
            }
            secret = chosen
        }
        let environment = input.initialEnvironment ?? "Sandbox"
        let version = AppVersion(
            id: id, appID: appID, tenant: tenant, name: input.name ?? AppVersionInput.defaultName, description: input.description ?? "",
            websiteAddress: input.websiteAddress ?? "", visibility: input.visibility ?? Visibility.public,
            initialEnvironment: environment, currentEnvironment: environment, state: AppVersion.initialState,
            identity: identity, identityUserDefined: userDefined, sharedSecret: secret, hasKeyInfo: false,
            created: now, updated: now, tags: input.tags ?? [], securityMechanisms: [AppVersion.sharedSecretMechanism])
        try AppRepository.insertVersion(db, version)
        return version
    }

    /// Runs `@Delete` where a workflow governs the version; true when the version is to be deleted
    /// now (no workflow, or the transition calls `deleteAppVersion`).
    private func deleteAction(_ db: SQLiteConnection, versionID: String, caller: AuthenticatedSession) throws -> Bool {
        guard let workflow, try workflow.isGoverned(db, objectID: versionID) else { return true }
        guard let version = try AppRepository.version(db, id: versionID) else { return false }
        let result = try workflow.perform(
            db, objectID: versionID, actionName: "@Delete", comments: [],
            caller: try workflowCaller(db, caller, appID: version.appID))
        guard result.functions.contains("deleteAppVersion") else { return false }
        // The engine's registered `deleteAppVersion` handler may already have deleted it.
        return try AppRepository.version(db, id: versionID) != nil
    }

    /// Lets workflow transitions that name `deleteAppVersion` (e.g. a Business Admin approving a
    /// version marked for delete through the generic workflow endpoint) delete the version, and the
    /// app with its last version, in the transition's transaction.
    public static func registerWorkflowFunctions(on engine: WorkflowEngine, deletionObserver: any AppVersionDeletionObserver) {
        engine.registerFunction("deleteAppVersion") { db, context in
            guard let version = try AppRepository.version(db, id: context.objectID) else { return }
            try deletionObserver.appVersionsDeleting(db, ids: [version.id], userID: context.caller.userID)
            if try AppRepository.versionIDs(db, appID: version.appID).count <= 1 {
                try AppRepository.deleteApp(db, id: version.appID)
            } else {
                try AppRepository.deleteVersion(db, id: version.id)
            }
        }
    }

    /// A reserved action (`@Modify`, `@Delete`, …) must be valid in the version's workflow state when
    /// a workflow governs it; without one every reserved action is allowed.
    private func checkReservedAction(_ db: SQLiteConnection, versionID: String, action: String, caller: AuthenticatedSession) throws {
        guard let workflow, try workflow.isGoverned(db, objectID: versionID),
            let version = try AppRepository.version(db, id: versionID)
        else { return }
        _ = try workflow.perform(
            db, objectID: versionID, actionName: action, comments: [],
            caller: try workflowCaller(db, caller, appID: version.appID))
    }

    /// The caller as the app-version workflow sees them: platform roles, plus AppTeamMember on
    /// their own team's apps.
    private func workflowCaller(_ db: SQLiteConnection, _ session: AuthenticatedSession, appID: String) throws -> (
        userID: String, roles: Set<String>
    ) {
        let member = try AppRepository.isTeamMember(db, appID: appID, userID: session.userID)
        return (session.userID, member ? session.roles.union(["AppTeamMember"]) : session.roles)
    }

    /// Where the caller stands towards app `appID` (tenant, platform roles, team role, visibility).
    func standing(_ db: SQLiteConnection, appID: String, tenant: String, visibility: String?, caller: AuthenticatedSession) throws
        -> AppStanding
    {
        let role = tenant == caller.tenant ? try AppRepository.teamRole(db, appID: appID, userID: caller.userID) : nil
        return standing(tenant: tenant, visibility: visibility, teamRole: role, caller: caller)
    }

    /// The same, with the caller's team role already read (by user id: it counts only in the same tenant).
    func standing(tenant: String, visibility: String?, teamRole: String?, caller: AuthenticatedSession) -> AppStanding {
        let sameTenant = tenant == caller.tenant
        return AppStanding(
            sameTenant: sameTenant, siteAdmin: caller.isSiteAdmin, businessAdmin: caller.isBusinessAdmin,
            teamRole: sameTenant ? teamRole : nil,
            visibleToAll: visibility == Visibility.public || visibility == Visibility.registeredUsers)
    }

    /// The app, when `caller` may perform `operation` on it (404 when they cannot see it, 403 when
    /// its page does not name any of their roles).
    func authorizedApp(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession, for operation: AppOperation) throws -> Application
    {
        guard let app = try AppRepository.app(db, id: id) else { throw DomainError.notFound("App \(id) was not found.") }
        try standing(db, appID: app.id, tenant: app.tenant, visibility: app.defaultVersion?.visibility, caller: caller)
            .check(operation, objectID: id, kind: "App")
        return app
    }

    /// The version, when `caller` may perform `operation` on it.
    private func authorizedVersion(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession, for operation: AppOperation) throws
        -> AppVersion
    {
        guard let (version, teamRole) = try AppRepository.versionAndTeamRole(db, id: id, userID: caller.userID) else {
            throw DomainError.notFound("App version \(id) was not found.")
        }
        try standing(tenant: version.tenant, visibility: version.visibility, teamRole: teamRole, caller: caller)
            .check(operation, objectID: id, kind: "App version")
        return version
    }

    /// `authorizedVersion` reading only the columns that decide (one query): for writes that
    /// change a column or two and answer without the version.
    private func authorizedVersionAccess(
        _ db: SQLiteConnection, id: String, caller: AuthenticatedSession,
        for operation: AppOperation
    ) throws -> AppVersionAccess {
        guard let version = try AppRepository.versionAccess(db, id: id, userID: caller.userID) else {
            throw DomainError.notFound("App version \(id) was not found.")
        }
        try standing(tenant: version.tenant, visibility: version.visibility, teamRole: version.teamRole, caller: caller)
            .check(operation, objectID: id, kind: "App version")
        return version
    }

    /// The version when the caller can see it (its visibility, or their roles); 404 otherwise.
    private func visibleVersion(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> AppVersion {
        guard let version = try AppRepository.version(db, id: id),
            try standing(db, appID: version.appID, tenant: version.tenant, visibility: version.visibility, caller: caller).canSee
        else { throw DomainError.notFound("App version \(id) was not found.") }
        return version
    }
}
