import Foundation
import SQLiteStore

/// Business model objects and their versions (akana-api.md §4), governed by the tenant's model
/// workflow (object type `model`; the shipped `Config/workflows/model.xml` by default). Each version
/// is one workflow object whose id is its ModelVersionID, so the generic
/// `/api/workflow/objects/{ObjectID}/actions` operations work on it too.
///
/// Authorization: Site Admins, Business Admins and Schema Designers create, edit and delete; the
/// workflow decides who may take each action (Business Admins and Schema Approvers approve or
/// reject). Those roles and Schema Approvers, and a model's creator, see every model; other users
/// of the tenant see `Public` and `com.soa.visibility.registered.users` ones (and versions) read-only
/// (403 on a change) and get 404 for `Limited` ones.
///
/// Edits run `@modify` on the version inside the edit's transaction: where the workflow does not
/// allow it (the default: anywhere but Draft and Rejected) the edit is a 409 and nothing changes;
/// where it does, the edit and the workflow step (Rejected → Draft) commit together.
public final class ModelService: Sendable {
    public static let objectType = "model"
    /// The version name a model's first version gets when the create request names none.
    public static let defaultVersionName = "1.0"

    static let editorRoles: Set<String> = [Role.siteAdmin, Role.businessAdmin, Role.schemaDesigner]
    static let modelRoles: Set<String> = editorRoles.union([Role.schemaApprover])

    private let database: DatabasePool
    private let clock: EmulatorClock
    private let workflow: WorkflowEngine?
    private let ids: IDGenerator

    public init(database: DatabasePool, clock: EmulatorClock, workflow: WorkflowEngine?, ids: IDGenerator) {
        self.ids = ids
        self.database = database
        self.clock = clock
        self.workflow = workflow
    }

    // MARK: - Models

    /// POST /api/models: the model and its first version (`VersionName`, `VersionDescription`,
    /// optional `Schema`), whose workflow starts (`@Create` → Draft) in the same transaction.
    /// The answer carries the first version as `ModelVersion`.
    public func createModel(caller: AuthenticatedSession, input: ModelInput) throws -> ModelObject {
        let versionFields = input.firstVersion ?? ModelVersionInput()
        guard let name = input.name else { throw DomainError.badRequest("Model.Name is required.") }
        try requireEditor(caller, toDo: "create model objects")
        let now = stamp()
        let model = try Self.newModel(tenant: caller.tenant, name: name, input: input, createdBy: caller.userID, now: now) {
            "\(ids.uuid()).\(caller.tenant)"
        }
        let visibility = model.visibility
        return try database.write(in: caller.scope) { db in
            try Self.requireUniqueName(db, model: model)
            try ModelRepository.insertModel(db, model)
            let references = try self.resolve(versionFields.references ?? [], db, ownModelID: model.id, tenant: caller.tenant)
            let version = try self.insertVersion(
                db, model: model, name: versionFields.name ?? Self.defaultVersionName, description: versionFields.description ?? "",
                visibility: versionFields.visibility ?? visibility, schema: versionFields.schema ?? "", tags: [],
                references: references, source: nil, caller: caller, now: now)
            var stored = try self.render(db, try self.storedModel(db, id: model.id), caller: caller, includeVersions: false)
            stored.embeddedVersion = version
            return stored
        }
    }

    /// GET /api/models/{ModelID}[?IncludeVersions=true].
    public func model(_ id: String, caller: AuthenticatedSession, includeVersions: Bool = false) throws -> ModelObject {
        try database.read(in: caller.scope) { db in
            try self.render(db, try self.visibleModel(db, id: id, caller: caller), caller: caller, includeVersions: includeVersions)
        }
    }

    /// PUT /api/models/{ModelID}: Name, Summary, Description, ModelCategory, Visibility, Tag (absent
    /// fields keep their values). The model's data is its latest version's: the edit needs `@modify`
    /// on that version.
    public func updateModel(_ id: String, caller: AuthenticatedSession, input: ModelInput) throws -> ModelObject {
        return try database.write(in: caller.scope) { db in
            var model = try self.modifiableModel(db, id: id, caller: caller)
            if let businessID = input.businessID, businessID != model.businessID {
                _ = try TenantBusiness.member(businessID, tenant: caller.tenant, field: "Model.BusinessID")
                model.businessID = businessID
            }
            if let latest = try ModelRepository.versions(db, modelID: id).last {
                try self.modify(db, version: latest, caller: caller)
            }
            input.name.merge(into: &model.name)
            input.summary.merge(into: &model.summary)
            input.description.merge(into: &model.description)
            input.category.merge(into: &model.category)
            input.visibility.merge(into: &model.visibility)
            input.tags.merge(into: &model.tags)
            model.updated = self.stamp()
            try Self.requireUniqueName(db, model: model)
            try ModelRepository.updateModel(db, model)
            return try self.render(db, try self.storedModel(db, id: id), caller: caller, includeVersions: false)
        }
    }

    /// DELETE /api/models/{ModelID}: every version goes through `@delete` (refused in a state where
    /// the workflow does not allow it, e.g. Pending Approval), then the model, its versions and their
    /// workflow objects are removed. Refused (409) while a version of another model references it.
    public func deleteModel(_ id: String, caller: AuthenticatedSession) throws {
        try database.write(in: caller.scope) { db in
            let model = try self.modifiableModel(db, id: id, caller: caller)
            for version in try ModelRepository.versions(db, modelID: id) {
                _ = try self.delete(db, version: version, caller: caller)
            }
            try self.refuseIfReferenced(db, model: model, versionID: nil)
            try ModelRepository.deleteModel(db, id: id)
        }
    }

    // MARK: - Versions

    /// POST /api/models/{ModelID}/versions (AddModelVersionRequest): `VersionName` (required),
    /// `VersionDescription`, `Visibility`, `Tag`, `Schema`, `ModelReferences`; with
    /// `SourceModelVersionID` (a version of the same model) the fields not given are copied from it.
    /// The new version starts in the workflow (Draft) whatever its source's state.
    public func addVersion(modelID: String, caller: AuthenticatedSession, input: ModelVersionInput) throws -> ModelVersion {
        let context = "AddModelVersionRequest"
        let sourceID = input.sourceVersionID.flatMap { $0.isEmpty ? nil : $0 }
        let businessID = input.businessID.flatMap { $0.isEmpty ? nil : $0 }
        guard let name = input.name else { throw DomainError.badRequest("\(context).VersionName is required.") }
        let now = stamp()
        return try database.write(in: caller.scope) { db in
            let model = try self.modifiableModel(db, id: modelID, caller: caller)
            if let businessID { _ = try TenantBusiness.member(businessID, tenant: caller.tenant, field: "\(context).BusinessID") }
            var source: ModelVersion?
            if let sourceID {
                guard let found = try ModelRepository.version(db, id: sourceID), found.tenant == caller.tenant else {
                    throw DomainError.badRequest("\(context).SourceModelVersionID: model version \(sourceID) was not found.")
                }
                guard found.modelID == model.id else {
                    throw DomainError.badRequest(
                        "\(context).SourceModelVersionID \(sourceID) is a version of another model, not of \(model.id).")
                }
                source = found
            }
            let references =
                try input.references.map { try self.resolve($0, db, ownModelID: model.id, tenant: caller.tenant) }
                ?? source?.references ?? []
            let version = try self.insertVersion(
                db, model: model, name: name, description: input.description ?? source?.description ?? "",
                visibility: input.visibility ?? source?.visibility ?? model.visibility, schema: input.schema ?? source?.schema ?? "",
                tags: input.tags ?? source?.tags ?? [], references: references, source: source?.id, caller: caller, now: now)
            try ModelRepository.touchModel(db, id: model.id, updated: now)
            return version
        }
    }

    /// GET /api/models/{ModelID}/versions: the model and the versions the caller may see, oldest first.
    public func versions(modelID: String, caller: AuthenticatedSession) throws -> (ModelObject, [ModelVersion]) {
        try database.read(in: caller.scope) { db in
            let model = try self.visibleModel(db, id: modelID, caller: caller)
            return (model, try ModelRepository.versions(db, modelID: model.id).filter { self.canRead($0, of: model, caller) })
        }
    }

    /// GET /api/models/versions/{ModelVersionID}; with `includeActions`, `Action` lists the workflow
    /// actions the caller may take now (reserved `@` ones only with `includeReservedActions`).
    public func version(
        _ id: String, caller: AuthenticatedSession, includeActions: Bool = false,
        includeReservedActions: Bool = false
    ) throws -> ModelVersion {
        try database.read(in: caller.scope) { db in
            var (version, _) = try self.visibleVersion(db, id: id, caller: caller)
            if includeActions {
                if let workflow = self.workflow, try workflow.isGoverned(db, objectID: id) {
                    version.actions = try workflow.availableActions(
                        db, objectID: id, caller: self.workflowCaller(caller),
                        includeReserved: includeReservedActions, tenant: caller.tenant)
                } else {
                    version.actions = []
                }
            }
            return version
        }
    }

    /// PUT /api/models/versions/{ModelVersionID} (the ModelVersion object): Name, Description,
    /// Visibility, Tag, Schema, ModelReferences; absent fields keep their values. Needs `@modify`.
    public func updateVersion(_ id: String, caller: AuthenticatedSession, input: ModelVersionInput) throws -> ModelVersion {
        return try database.write(in: caller.scope) { db in
            var (version, model) = try self.modifiableVersion(db, id: id, caller: caller)
            try self.modify(db, version: version, caller: caller)
            if let name = input.name, try ModelRepository.versionNameTaken(db, modelID: model.id, name: name, except: id) {
                throw DomainError.conflict("Model '\(model.name)' already has a version named '\(name)'.")
            }
            input.name.merge(into: &version.name)
            input.description.merge(into: &version.description)
            input.visibility.merge(into: &version.visibility)
            input.schema.merge(into: &version.schema)
            input.tags.merge(into: &version.tags)
            if let references = input.references {
                version.references = try self.resolve(references, db, ownModelID: model.id, tenant: caller.tenant)
            }
            version.updated = self.stamp()
            try ModelRepository.updateVersion(db, version)
            try ModelRepository.touchModel(db, id: model.id, updated: version.updated)
            return try self.storedVersion(db, id: id)
        }
    }

    /// DELETE /api/models/versions/{ModelVersionID}: `@delete`, then the version goes; the last
    /// version takes its model with it. Returns whether the model was deleted too.
    public func deleteVersion(_ id: String, caller: AuthenticatedSession) throws -> Bool {
        try database.write(in: caller.scope) { db in
            let (version, _) = try self.modifiableVersion(db, id: id, caller: caller)
            return try self.delete(db, version: version, caller: caller, removeRows: true).modelDeleted
        }
    }

    // MARK: - Workflow

    /// POST /api/models/versions/{ModelVersionID}/action (seed 003): performs the workflow action and
    /// returns the new status (`Pending Approval`, `Active`, `Rejected`, …). The workflow decides
    /// who may take it (403) and whether it is valid now (409; 400 for an unknown action).
    /// `@delete` deletes the version, as DELETE does.
    public func performAction(versionID: String, actionName: String, comments: [String], caller: AuthenticatedSession) throws -> String {
        try database.write(in: caller.scope) { db in
            let (version, _) = try self.visibleVersion(db, id: versionID, caller: caller)
            guard let workflow = self.workflow, try workflow.isGoverned(db, objectID: versionID) else {
                throw DomainError.badRequest("No model workflow governs model version \(versionID), so '\(actionName)' is not an action.")
            }
            if actionName.lowercased() == "@delete" {
                return try self.delete(db, version: version, caller: caller, removeRows: true).status
            }
            return try workflow.perform(
                db, objectID: versionID, actionName: actionName, comments: comments,
                caller: self.workflowCaller(caller), tenant: caller.tenant
            ).status
        }
    }

    /// The caller as the workflow sees them on `objectID` when it is a model version (for the
    /// generic `/api/workflow/objects/{ObjectID}/actions`): 404 when they cannot see that version,
    /// as on every other model route; nil when no model version has that id (a workflow object of
    /// type `model` made with `POST /_emulator/objects`).
    /// Inside the caller's transaction (the check and the action it guards commit together).
    public func workflowCaller(_ db: SQLiteConnection, objectID: String, caller: AuthenticatedSession) throws -> WorkflowCaller? {
        guard try ModelRepository.version(db, id: objectID) != nil else { return nil }
        _ = try visibleVersion(db, id: objectID, caller: caller)
        return workflowCaller(caller)
    }

    // MARK: - Helpers

    private func stamp() -> String { Timestamp.iso8601(clock.now()) }

    private func workflowCaller(_ session: AuthenticatedSession) -> WorkflowCaller {
        WorkflowCaller(userID: session.userID, roles: session.roles)
    }

    private func insertVersion(
        _ db: SQLiteConnection, model: ModelObject, name: String, description: String, visibility: String,
        schema: String, tags: [String], references: [ModelReference], source: String?,
        caller: AuthenticatedSession, now: String
    ) throws -> ModelVersion {
        let id = "\(ids.uuid()).\(model.tenant)"
        try Self.insertVersion(
            db,
            ModelVersion(
                id: id, modelID: model.id, tenant: model.tenant, name: name, description: description, visibility: visibility,
                state: ModelState.draft, schema: schema, sourceVersionID: source, created: now, updated: now, tags: tags,
                references: references, actions: nil), of: model)
        _ = try workflow?.start(db, tenant: model.tenant, objectType: Self.objectType, objectID: id, caller: workflowCaller(caller))
        return try storedVersion(db, id: id)
    }

    /// Runs `@modify` on a governed version; a state where the workflow does not allow it is a 409.
    private func modify(_ db: SQLiteConnection, version: ModelVersion, caller: AuthenticatedSession) throws {
        guard let workflow, let state = try workflow.state(db, objectID: version.id) else { return }
        do {
            _ = try workflow.perform(
                db, objectID: version.id, actionName: "@modify", caller: workflowCaller(caller), tenant: version.tenant)
        } catch let error as DomainError where error.kind == .conflict || error.kind == .badRequest {
            throw DomainError.conflict(
                "Model version '\(version.name)' (\(version.id)) is \(state.status): its workflow does not allow @modify now, so it cannot be edited (the default model workflow allows edits in Draft and Rejected; add a new version to revise it)."
            )
        }
    }

    /// `@delete` on a governed version, then (with `removeRows`) the version goes, or the whole
    /// model with its last version. Refused while another model references what would go.
    private func delete(
        _ db: SQLiteConnection, version: ModelVersion, caller: AuthenticatedSession,
        removeRows: Bool = false
    ) throws -> (status: String, modelDeleted: Bool) {
        var status = "Deleted"
        if let workflow, let state = try workflow.state(db, objectID: version.id) {
            do {
                status = try workflow.perform(
                    db, objectID: version.id, actionName: "@delete", caller: workflowCaller(caller),
                    tenant: version.tenant
                ).status
            } catch let error as DomainError where error.kind == .conflict || error.kind == .badRequest {
                throw DomainError.conflict(
                    "Model version '\(version.name)' (\(version.id)) is \(state.status): its workflow does not allow @delete now, so it cannot be deleted."
                )
            }
        }
        guard removeRows else { return (status, false) }
        let model = try storedModel(db, id: version.modelID)
        let isLast = try ModelRepository.versions(db, modelID: model.id).allSatisfy { $0.id == version.id }
        try refuseIfReferenced(db, model: model, versionID: isLast ? nil : version.id)
        if isLast {
            try ModelRepository.deleteModel(db, id: model.id)
        } else {
            try ModelRepository.deleteVersion(db, id: version.id)
            try ModelRepository.touchModel(db, id: model.id, updated: stamp())
        }
        return (status, isLast)
    }

    /// 409 while a live version of another model references the model (or, with `versionID`, that version).
    private func refuseIfReferenced(_ db: SQLiteConnection, model: ModelObject, versionID: String?) throws {
        let referencing = try ModelRepository.referencingModels(db, modelID: model.id, versionID: versionID)
        guard !referencing.isEmpty else { return }
        let names = referencing.map { "'\($0.name)' (version \($0.versionID))" }.joined(separator: ", ")
        let what = versionID.map { "Model version \($0) of '\(model.name)'" } ?? "Model '\(model.name)' (\(model.id))"
        throw DomainError.conflict("\(what) is referenced by model \(names) and cannot be deleted; remove the reference first.")
    }

    /// Turns requested references into stored ones: each must name a model (or a live version) of
    /// the tenant other than `ownModelID`. Duplicates collapse.
    private func resolve(_ inputs: [ModelReferenceInput], _ db: SQLiteConnection, ownModelID: String, tenant: String) throws
        -> [ModelReference]
    {
        var resolved: [ModelReference] = []
        for input in inputs {
            var modelID = input.modelID
            var versionID = input.versionID
            if let id = input.anyID {
                if let model = try ModelRepository.model(db, id: id), model.tenant == tenant {
                    modelID = model.id
                } else {
                    versionID = id
                }
            }
            if let id = versionID {
                guard let version = try ModelRepository.version(db, id: id), version.tenant == tenant else {
                    throw DomainError.badRequest("\(input.field): model version \(id) was not found.")
                }
                if let modelID, modelID != version.modelID {
                    throw DomainError.badRequest("\(input.field): model version \(id) is not a version of model \(modelID).")
                }
                modelID = version.modelID
            }
            guard let modelID, let model = try ModelRepository.model(db, id: modelID), model.tenant == tenant else {
                throw DomainError.badRequest("\(input.field): model \(input.modelID ?? input.anyID ?? "") was not found.")
            }
            guard model.id != ownModelID else {
                throw DomainError.badRequest("\(input.field): a model object cannot reference itself.")
            }
            let reference = ModelReference(modelID: model.id, versionID: versionID, name: model.name)
            if !resolved.contains(reference) { resolved.append(reference) }
        }
        return resolved
    }

    /// A new model (not stored yet) as every creation makes it (POST /api/models and fixtures):
    /// the business (when named) the tenant's, the defaults for what `input` leaves out. `id`
    /// mints its id once the checks pass.
    package static func newModel(
        tenant: String, name: String, input: ModelInput, createdBy: String?, now: String,
        id: () -> String
    ) throws -> ModelObject {
        let businessID = try TenantBusiness.member(input.businessID, tenant: tenant, field: "Model.BusinessID")
        return ModelObject(
            id: id(), tenant: tenant, name: name, summary: input.summary ?? "", description: input.description ?? "",
            category: input.category ?? "", visibility: input.visibility ?? Visibility.public, businessID: businessID,
            createdBy: createdBy, created: now, updated: now, tags: input.tags ?? [], latestVersion: nil, embeddedVersion: nil,
            versions: nil)
    }

    /// Stores a new version of `model` (not its workflow): refused when the model has a version of that name.
    package static func insertVersion(_ db: SQLiteConnection, _ version: ModelVersion, of model: ModelObject) throws {
        if try ModelRepository.versionNameTaken(db, modelID: model.id, name: version.name, except: version.id) {
            throw DomainError.conflict("Model '\(model.name)' already has a version named '\(version.name)'.")
        }
        try ModelRepository.insertVersion(db, version)
    }

    package static func requireUniqueName(_ db: SQLiteConnection, model: ModelObject) throws {
        if try ModelRepository.modelNameTaken(db, tenant: model.tenant, name: model.name, except: model.id) {
            throw DomainError.conflict("A model object named '\(model.name)' already exists.")
        }
    }

    private func requireEditor(_ caller: AuthenticatedSession, toDo what: String) throws {
        guard !caller.roles.isDisjoint(with: Self.editorRoles) else {
            throw DomainError.forbidden("Only Site Admins, Business Admins and Schema Designers can \(what).")
        }
    }

    /// The model with what the caller sees of its versions.
    private func render(_ db: SQLiteConnection, _ model: ModelObject, caller: AuthenticatedSession, includeVersions: Bool) throws
        -> ModelObject
    {
        var model = model
        let versions = try ModelRepository.versions(db, modelID: model.id).filter { canRead($0, of: model, caller) }
        model.latestVersion = versions.last
        model.versions = includeVersions ? versions : nil
        return model
    }

    private func storedModel(_ db: SQLiteConnection, id: String) throws -> ModelObject {
        guard let model = try ModelRepository.model(db, id: id) else { throw DomainError.notFound("Model \(id) was not found.") }
        return model
    }

    private func storedVersion(_ db: SQLiteConnection, id: String) throws -> ModelVersion {
        guard let version = try ModelRepository.version(db, id: id) else {
            throw DomainError.notFound("Model version \(id) was not found.")
        }
        return version
    }

    // MARK: Access

    private func seesEverything(_ caller: AuthenticatedSession) -> Bool { !caller.roles.isDisjoint(with: Self.modelRoles) }

    private static func isOpen(_ visibility: String) -> Bool {
        visibility == Visibility.public || visibility == Visibility.registeredUsers
    }

    private func canRead(_ model: ModelObject, _ caller: AuthenticatedSession) -> Bool {
        model.tenant == caller.tenant && (seesEverything(caller) || model.createdBy == caller.userID || Self.isOpen(model.visibility))
    }

    private func canRead(_ version: ModelVersion, of model: ModelObject, _ caller: AuthenticatedSession) -> Bool {
        canRead(model, caller) && (seesEverything(caller) || model.createdBy == caller.userID || Self.isOpen(version.visibility))
    }

    private func visibleModel(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> ModelObject {
        guard let model = try ModelRepository.model(db, id: id), canRead(model, caller) else {
            throw DomainError.notFound("Model \(id) was not found.")
        }
        return model
    }

    private func modifiableModel(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> ModelObject {
        let model = try visibleModel(db, id: id, caller: caller)
        try requireEditor(caller, toDo: "change model objects")
        return model
    }

    private func visibleVersion(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> (ModelVersion, ModelObject) {
        guard let version = try ModelRepository.version(db, id: id), let model = try ModelRepository.model(db, id: version.modelID),
            canRead(version, of: model, caller)
        else { throw DomainError.notFound("Model version \(id) was not found.") }
        return (version, model)
    }

    private func modifiableVersion(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> (ModelVersion, ModelObject) {
        let found = try visibleVersion(db, id: id, caller: caller)
        try requireEditor(caller, toDo: "change model objects")
        return found
    }
}
