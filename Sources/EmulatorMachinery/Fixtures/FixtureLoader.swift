import AkanaDomain
import Dispatch
import Foundation
import SQLiteStore
import Synchronization

/// The configured fixture documents (the files read at startup) and the password hasher their
/// users get; re-applied by every reset.
public struct FixtureCatalog: Sendable {
    public var documents: [FixtureDocument]
    public var hasher: PasswordHasher

    public init(documents: [FixtureDocument], hasher: PasswordHasher) {
        self.documents = documents
        self.hasher = hasher
    }
}

/// What applying fixtures did: per kind of element, what was created (or set) and what was
/// already there (or already so) and left as it is.
public struct FixtureReport: Sendable, Equatable {
    public static let kinds = [
        "settings", "users", "workflowAssignments", "apps", "appVersions", "teamMembers",
        "models", "modelVersions", "objects",
        "scopes", "licenses", "apis", "apiVersions", "contracts", "groups", "groupMembers"
    ]
    public var created: [String: [String]] = [:]
    public var skipped: [String: [String]] = [:]

    public init() {}

    public var createdCount: Int { created.values.reduce(0) { $0 + $1.count } }
    public var skippedCount: Int { skipped.values.reduce(0) { $0 + $1.count } }
}

/// Applies fixture documents: creates what is missing, leaves what exists (same id, or same email
/// for users, or for an element without an id the same name) as it is; settings and workflow
/// assignments are set to the document's values. Everything in one write transaction: any error
/// rolls it all back and is a `.badRequest` that names the document and the element.
///
/// Users' passwords are hashed with the real KDF (slow on purpose) before the transaction, only
/// for users that are missing, in parallel; `knownHashes` (by `tenant\nemail`) are reused, as a
/// reset does with the hashes of the users it deleted.
public enum FixtureLoader {
    /// The user that fixture workflow actions are recorded under.
    public static let workflowUserID = "fixtures"

    @discardableResult
    public static func apply(
        _ documents: [FixtureDocument], database: DatabasePool, tenants: TenantDirectory, workflow: WorkflowEngine,
        ids: IDGenerator, now: Date, hasher: PasswordHasher, knownHashes: [String: String] = [:],
        onlyTenants: Set<String>? = nil, scope: TransactionScope
    ) throws -> FixtureReport {
        guard documents.contains(where: { !$0.isEmpty }) else {
            try tenants.reloadSettings(from: database)
            return FixtureReport()
        }
        // Users first, outside the transaction: hashing is the slow part.
        var wanted: [(key: String, password: String)] = []
        for document in documents {
            for user in document.users {
                let tenant = try resolveTenant(user.tenant, document: document, tenants: tenants, path: user.path)
                guard onlyTenants?.contains(tenant) ?? true else { continue }
                wanted.append((userKey(tenant, user.email), user.password))
            }
        }
        let existing = try database.read(in: scope) { db in
            try UserRepository.keys(db)
        }
        var seen = existing
        let missing = wanted.filter { seen.insert($0.key).inserted }
        let hashes = Mutex([String: String]())
        DispatchQueue.concurrentPerform(iterations: missing.count) { index in
            let user = missing[index]
            let hash = knownHashes[user.key] ?? hasher.hash(user.password)
            hashes.withLock { $0[user.key] = hash }
        }
        let hashed = hashes.withLock { $0 }
        let stamp = Timestamp.iso8601(now)
        let report = try database.write(in: scope) { db -> FixtureReport in
            var applier = Applier(
                db: db, tenants: tenants, workflow: workflow, ids: ids, stamp: stamp, hasher: hasher,
                hashes: hashed, onlyTenants: onlyTenants)
            for document in documents { try applier.apply(document) }
            return applier.report
        }
        try tenants.reloadSettings(from: database)
        return report
    }

    static func userKey(_ tenant: String, _ email: String) -> String { UserRepository.key(tenant, email) }

    static func resolveTenant(_ own: String?, document: FixtureDocument, tenants: TenantDirectory, path: String) throws -> String {
        let tenant = own ?? document.tenant ?? tenants.defaultTenant.fedmemberid
        guard tenants.tenant(named: tenant) != nil else {
            let known = tenants.all.map(\.fedmemberid).joined(separator: ", ")
            throw DomainError.badRequest("\(document.source): \(path): tenant \(tenant) is not configured (configured: \(known)).")
        }
        return tenant
    }

    /// One transaction's worth of fixture work.
    struct Applier {
        let db: SQLiteConnection
        let tenants: TenantDirectory
        let workflow: WorkflowEngine
        let ids: IDGenerator
        let stamp: String
        let hasher: PasswordHasher
        let hashes: [String: String]
        let onlyTenants: Set<String>?
        var report = FixtureReport()
        var source = ""
        let caller = WorkflowCaller.emulator(userID: FixtureLoader.workflowUserID)

        mutating func created(_ kind: String, _ what: String) { report.created[kind, default: []].append(what) }
        mutating func skipped(_ kind: String, _ what: String) { report.skipped[kind, default: []].append(what) }

        /// Runs `body` for an element, turning any failure into a 400 naming the element.
        static func element<T>(_ source: String, _ path: String, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let error as DomainError where error.message.hasPrefix("\(source): ") {
                throw DomainError.badRequest(error.message)
            } catch let error as DomainError {
                throw DomainError.badRequest("\(source): \(path): \(error.message)")
            } catch let error as DatabaseError where error.isDiskFull || error.isBusy || error.isInterrupted {
                throw error  // not the element's fault: 507 or 503, as for any other write
            } catch {
                throw DomainError.badRequest("\(source): \(path): \(error)")
            }
        }

        func tenant(_ own: String?, _ document: FixtureDocument, _ path: String) throws -> String? {
            let tenant = try FixtureLoader.resolveTenant(own, document: document, tenants: tenants, path: path)
            return onlyTenants?.contains(tenant) ?? true ? tenant : nil
        }

        /// An explicit id must be `<local>.<tenant>`.
        func checkID(_ id: String, field: String, tenant: String) throws {
            guard id.hasSuffix(".\(tenant)"), id.count > tenant.count + 1 else {
                throw DomainError.badRequest("\(field) '\(id)' must end with .\(tenant)")
            }
        }

        mutating func apply(_ document: FixtureDocument) throws {
            source = document.source
            if !document.settings.isEmpty, let tenant = try tenant(nil, document, "settings") {
                try Self.element(source, "settings") {
                    for setting in document.settings {
                        let changed = try TenantRepository.setSetting(
                            db, tenant: tenant, name: setting.name, text: setting.value, updated: stamp)
                        let what = "\(tenant) \(setting.name)=\(setting.value)"
                        if changed > 0 { created("settings", what) } else { skipped("settings", what) }
                    }
                }
            }
            for user in document.users {
                guard let tenant = try tenant(user.tenant, document, user.path) else { continue }
                try Self.element(source, user.path) { try self.user(user, tenant: tenant) }
            }
            if !document.workflowAssignments.isEmpty, let tenant = try tenant(nil, document, "workflowAssignments") {
                for assignment in document.workflowAssignments {
                    try Self.element(source, "workflowAssignments.\(assignment.objectType)") {
                        try self.assignment(assignment, tenant: tenant)
                    }
                }
            }
            for app in document.apps {
                guard let tenant = try tenant(app.tenant, document, app.path) else { continue }
                try Self.element(source, app.path) { try self.app(app, tenant: tenant) }
            }
            for model in document.models {
                guard let tenant = try tenant(model.tenant, document, model.path) else { continue }
                try Self.element(source, model.path) { try self.model(model, tenant: tenant) }
            }
            for object in document.objects {
                guard let tenant = try tenant(object.tenant, document, object.path) else { continue }
                try Self.element(source, object.path) { try self.object(object, tenant: tenant) }
            }
            // Policies first: the APIs' implementations may attach them.
            try applyPolicies(document)
            try applyAPIs(document)
            try applyGroups(document)
        }

        // MARK: Users and settings

        mutating func user(_ user: FixtureDocument.User, tenant: String) throws {
            if try UserRepository.id(db, tenant: tenant, email: user.email) != nil {
                skipped("users", user.email)
                return
            }
            let hash = hashes[FixtureLoader.userKey(tenant, user.email)] ?? hasher.hash(user.password)
            let id = "\(ids.uuid()).\(tenant)"
            try UserRepository.insertSeeded(
                db, id: id, tenant: tenant, email: user.email, name: user.name, passwordHash: hash,
                roles: user.roles, stamp: stamp)
            created("users", user.email)
        }

        func userID(email: String, tenant: String, field: String) throws -> String {
            guard let id = try UserRepository.id(db, tenant: tenant, email: email) else {
                throw DomainError.badRequest(
                    "\(field): no user \(email) in tenant \(tenant) (list it under \"users\" or in the configuration)")
            }
            return id
        }

        mutating func assignment(_ assignment: FixtureDocument.Assignment, tenant: String) throws {
            let current = try WorkflowDefinitionRepository.assignedID(db, tenant: tenant, objectType: assignment.objectType)
            guard let key = assignment.definition else {
                if current == nil {
                    skipped("workflowAssignments", "\(assignment.objectType) → none")
                } else {
                    _ = try WorkflowDefinitionRepository.clearAssignment(db, tenant: tenant, objectType: assignment.objectType)
                    created("workflowAssignments", "\(assignment.objectType) → none")
                }
                return
            }
            let id = try WorkflowDefinitionRepository.resolve(db, tenant: tenant, keyOrName: key)
            let row = try WorkflowDefinitionRepository.summary(db, id: id)
            let definitionType = row?.objectType ?? ""
            guard definitionType == assignment.objectType else {
                throw DomainError.badRequest(
                    "workflow definition '\(key)' is for object type '\(definitionType)', not '\(assignment.objectType)'")
            }
            let what = "\(assignment.objectType) → \(row?.key ?? key) v\(row?.version ?? 0)"
            if current == id {
                skipped("workflowAssignments", what)
            } else {
                try WorkflowDefinitionRepository.setAssignment(db, tenant: tenant, objectType: assignment.objectType, definitionID: id)
                created("workflowAssignments", what)
            }
        }

        // MARK: Apps

        /// Creates the app (when missing) and its versions through the apps service's own creation
        /// code (`AppService.newApp`, `AppService.insertVersion`): the same rules and faults as POST /api/apps.
        mutating func app(_ app: FixtureDocument.App, tenant: String) throws {
            var appID: String
            var isNew = false
            if let id = app.id {
                try checkID(id, field: "AppID", tenant: tenant)
                appID = id
                isNew = try AppRepository.appOwner(db, appID: id) == nil
            } else if let id = try AppRepository.appID(db, tenant: tenant, named: app.name) {
                appID = id
            } else {
                appID = "\(ids.uuid()).\(tenant)"
                isNew = true
            }
            let input = ApplicationInput(name: app.name, summary: app.summary, description: app.description, businessID: app.businessID)
            let record = try AppService.newApp(id: appID, tenant: tenant, input: input, now: stamp)
            if isNew {
                try AppRepository.insertApp(db, record, createdBy: "")
                created("apps", appID)
            } else {
                skipped("apps", appID)
            }
            for (index, member) in app.team.enumerated() {
                let userID = try userID(email: member.email, tenant: tenant, field: "Team[\(index)]")
                let what = "\(appID) \(member.email)"
                if try AppRepository.isTeamMember(db, appID: appID, userID: userID) {
                    skipped("teamMembers", what)
                } else {
                    guard let team = try GroupRepository.group(db, appID: appID) else {
                        throw DomainError.conflict("App \(appID) has no team group.")
                    }
                    try GroupMemberships(engine: workflow, stamp: stamp, ids: ids).addAccepted(
                        db, group: team, userID: userID,
                        role: member.role == AppService.teamAdmin ? Membership.roleAdmin : Membership.roleMember, by: "")
                    created("teamMembers", what)
                }
            }
            var versions = app.versions ?? []
            if app.versions == nil, isNew {
                versions = [
                    FixtureDocument.AppVersionElement(path: "\(app.path).Versions[0]", id: nil, input: AppVersionInput(), actions: [])
                ]
            }
            for version in versions {
                try Self.element(source, version.path) { try self.appVersion(version, appID: appID, tenant: tenant) }
            }
        }

        mutating func appVersion(_ element: FixtureDocument.AppVersionElement, appID: String, tenant: String) throws {
            let input = element.input
            let name = input.name ?? AppVersionInput.defaultName
            let id: String
            if let explicit = element.id {
                try checkID(explicit, field: "AppVersionID", tenant: tenant)
                if let owner = try AppRepository.versionOwner(db, versionID: explicit) {
                    guard owner == appID else {
                        throw DomainError.badRequest("AppVersionID \(explicit) is already a version of app \(owner)")
                    }
                    skipped("appVersions", explicit)
                    return
                }
                id = explicit
            } else {
                if let existing = try AppRepository.versionID(db, appID: appID, named: name) {
                    skipped("appVersions", existing)
                    return
                }
                id = "\(ids.alphanumeric(40)).\(tenant)"
            }
            // A fixture is the emulator's operator: it may choose an Identity, as a Site Admin may.
            _ = try AppService.insertVersion(
                db, id: id, appID: appID, tenant: tenant, input: input, settings: AppService.settings,
                siteAdmin: true, ids: ids, now: stamp)
            var team = caller
            team.roles.insert("AppTeamMember")
            _ = try workflow.start(db, tenant: tenant, objectType: WorkflowEngine.appVersionObjectType, objectID: id, caller: team)
            try perform(element.actions, objectID: id, tenant: tenant, caller: team)
            created("appVersions", id)
        }

        // MARK: Models

        /// Creates the model (when missing) and its versions through the models service's own
        /// creation code (`ModelService.newModel`, `requireUniqueName`, `insertVersion`).
        mutating func model(_ model: FixtureDocument.Model, tenant: String) throws {
            var modelID: String
            var isNew = false
            if let id = model.id {
                try checkID(id, field: "ModelID", tenant: tenant)
                modelID = id
                isNew = try !ModelRepository.modelExists(db, id: id)
            } else if let byName = try ModelRepository.modelID(db, tenant: tenant, named: model.name) {
                modelID = byName
            } else {
                modelID = "\(ids.uuid()).\(tenant)"
                isNew = true
            }
            let createdBy = isNew ? try model.createdBy.map { try userID(email: $0, tenant: tenant, field: "CreatedBy") } : nil
            let input = ModelInput(
                name: model.name, summary: model.summary, description: model.description, category: model.category,
                visibility: model.visibility, businessID: model.businessID.flatMap { $0.isEmpty ? nil : $0 },
                tags: model.tags)
            let record = try ModelService.newModel(tenant: tenant, name: model.name, input: input, createdBy: createdBy, now: stamp) {
                modelID
            }
            if isNew {
                try ModelService.requireUniqueName(db, model: record)
                try ModelRepository.insertModel(db, record)
                created("models", modelID)
            } else {
                skipped("models", modelID)
            }
            let versions =
                model.versions
                ?? (isNew
                    ? [
                        FixtureDocument.ModelVersionElement(
                            path: "\(model.path).Versions[0]", id: nil, name: nil, description: "", visibility: nil, schema: "", tags: [],
                            actions: [])
                    ] : [])
            let stored = isNew ? record : (try ModelRepository.model(db, id: modelID) ?? record)
            for version in versions {
                try Self.element(source, version.path) { try self.modelVersion(version, model: stored, tenant: tenant) }
            }
        }

        mutating func modelVersion(_ element: FixtureDocument.ModelVersionElement, model: ModelObject, tenant: String) throws {
            let name = element.name ?? ModelService.defaultVersionName
            let id: String
            if let explicit = element.id {
                try checkID(explicit, field: "ModelVersionID", tenant: tenant)
                if let owner = try ModelRepository.versionOwner(db, versionID: explicit) {
                    guard owner == model.id else {
                        throw DomainError.badRequest("ModelVersionID \(explicit) is already a version of model \(owner)")
                    }
                    skipped("modelVersions", explicit)
                    return
                }
                id = explicit
            } else {
                if let existing = try ModelRepository.liveVersionID(db, modelID: model.id, named: name) {
                    skipped("modelVersions", existing)
                    return
                }
                id = "\(ids.uuid()).\(tenant)"
            }
            try ModelService.insertVersion(
                db,
                ModelVersion(
                    id: id, modelID: model.id, tenant: tenant, name: name, description: element.description,
                    visibility: element.visibility ?? model.visibility, state: ModelState.draft, schema: element.schema,
                    sourceVersionID: nil, created: stamp, updated: stamp, tags: element.tags, references: [], actions: nil), of: model)
            _ = try workflow.start(db, tenant: tenant, objectType: ModelService.objectType, objectID: id, caller: caller)
            try perform(element.actions, objectID: id, tenant: tenant, caller: caller)
            created("modelVersions", id)
        }

        // MARK: Workflow objects

        mutating func object(_ object: FixtureDocument.WorkflowObject, tenant: String) throws {
            try checkID(object.objectID, field: "ObjectID", tenant: tenant)
            if try workflow.isGoverned(db, objectID: object.objectID) {
                skipped("objects", object.objectID)
                return
            }
            guard
                try workflow.start(
                    db, tenant: tenant, objectType: object.objectType, objectID: object.objectID, caller: caller,
                    initialAction: object.initialAction) != nil
            else {
                throw DomainError.badRequest(
                    "no workflow is assigned to object type \(object.objectType) in tenant \(tenant) (assign one under \"workflowAssignments\")"
                )
            }
            try perform(object.actions, objectID: object.objectID, tenant: tenant, caller: caller)
            created("objects", object.objectID)
        }

        func perform(_ actions: [FixtureDocument.Action], objectID: String, tenant: String, caller: WorkflowCaller) throws {
            guard !actions.isEmpty else { return }
            guard try workflow.isGoverned(db, objectID: objectID) else {
                throw DomainError.badRequest("Actions: no workflow governs \(objectID)")
            }
            for action in actions {
                _ = try workflow.perform(
                    db, objectID: objectID, actionName: action.name, comments: action.comments, caller: caller, tenant: tenant)
            }
        }
    }
}
