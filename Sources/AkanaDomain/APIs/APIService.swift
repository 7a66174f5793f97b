import Foundation
import JSONCodec
import SQLiteStore

/// The APIs service: APIs, API versions with their implementations, the API-version workflow
/// action and the dropbox. The creator of an API becomes its first admin; its admins, Business
/// Admins and Site Admins change it; other users read APIs that are `Public` or
/// `com.soa.visibility.registered.users` (403 on change) and get 404 for `Limited` ones.
public final class APIService: Sendable {
    public static let versionObjectType = "apiversion"

    private let database: DatabasePool
    private let clock: EmulatorClock
    private let workflow: WorkflowEngine
    private let contracts: ContractLifecycle
    private let ids: IDGenerator

    /// `contracts` moves an API version's contracts on when it is deleted (built once, by `EmulatorAssembly`).
    public init(database: DatabasePool, clock: EmulatorClock, workflow: WorkflowEngine, contracts: ContractLifecycle, ids: IDGenerator) {
        self.database = database
        self.clock = clock
        self.workflow = workflow
        self.contracts = contracts
        self.ids = ids
    }

    // MARK: - APIs

    /// POST /api/apis: `APIVersionInfo` (+ `AddAPIImplementationRequest`), or a `DLDescriptor`
    /// naming an uploaded description document. The API and its first version ("1.0") in one
    /// transaction; the caller becomes the API's admin.
    public func createAPI(caller: AuthenticatedSession, input: APIInput) throws -> (API, APIVersion) {
        let info = input.info
        let descriptor = input.descriptor
        var implementations = input.implementations
        let now = Timestamp.iso8601(clock.now())
        let apiID = "\(ids.uuid()).\(caller.tenant)"
        // The doc sample's shape (m_groups_removeMemberFromGroup): apiadmin-<uuid>.<tenant>.
        let adminGroupID = "apiadmin-\(ids.uuid()).\(caller.tenant)"
        let versionID = "\(ids.uuid()).\(caller.tenant)"
        let described = try descriptor.map { try self.readDescriptor($0, caller: caller) }
        return try database.write(in: caller.scope) { db in
            var name = info?.name
            var operations: [APIOperation] = []
            if let descriptor, let (file, document) = described {
                _ = try self.dropboxFile(db, descriptor: descriptor, caller: caller)
                operations = document.operations
                name = name ?? descriptor.serviceName ?? document.title ?? file.fileName
                // An API made from a document has its Live implementation at once (pipelines attach
                // policies to it next), at the document's server when it names one.
                if implementations.isEmpty {
                    implementations = [
                        APIImplementation(
                            code: "Live", description: "", createMechanism: "PROXY",
                            endpointAccessAutoApproved: false, endpoints: document.serverURL.map { [$0] } ?? [])
                    ]
                }
            }
            let api = try Self.newAPI(
                id: apiID, tenant: caller.tenant, name: name, description: info?.description,
                visibility: info?.visibility, adminGroupID: adminGroupID, now: now)
            let admins = try APIRepository.insertAPI(db, api, createdBy: caller.userID)
            try GroupMemberships(engine: self.workflow, clock: self.clock, ids: self.ids)
                .addAccepted(db, group: admins, userID: caller.userID, role: Membership.roleAdmin, by: caller.userID)
            let version = Self.newVersion(
                id: versionID, of: api, name: Self.firstVersionName, description: info?.description ?? "",
                visibility: nil, tags: info?.tags ?? [], implementations: implementations,
                descriptorFileID: descriptor?.fileID, now: now)
            try self.insertVersion(db, version, caller: caller, apiID: apiID)
            try APIRepository.replaceOperations(db, apiVersionID: versionID, operations)
            guard let stored = try APIRepository.api(db, id: apiID), let storedVersion = try APIRepository.version(db, id: versionID) else {
                throw DomainError.notFound()
            }
            return (stored, storedVersion)
        }
    }

    /// GET /api/apis/{APIID}; the newest version with `includeDefaultVersion`.
    public func api(_ id: String, caller: AuthenticatedSession, includeDefaultVersion: Bool) throws -> (API, APIVersion?) {
        try database.read(in: caller.scope) { db in
            let api = try APIAccess.visibleAPI(db, id: id, caller: caller)
            let version = includeDefaultVersion ? try api.latestVersionID.flatMap { try APIRepository.version(db, id: $0) } : nil
            return (api, version)
        }
    }

    /// GET /api/apis: every API of the tenant the caller may see, by name, each with its default
    /// (newest) version.
    public func apis(caller: AuthenticatedSession) throws -> [(api: API, defaultVersion: APIVersion?)] {
        try database.read(in: caller.scope) { db in
            try APIRepository.apiIDs(db, tenant: caller.tenant).compactMap { id in
                guard let api = try APIRepository.api(db, id: id),
                    try APIAccess.canRead(db, apiID: id, visibility: api.visibility, caller: caller)
                else { return nil }
                return (api, try api.latestVersionID.flatMap { try APIRepository.version(db, id: $0) })
            }
        }
    }

    /// DELETE /api/apis/{APIID}: the API and all its versions; their contracts move on with @ApiDeleted.
    public func deleteAPI(_ id: String, caller: AuthenticatedSession) throws {
        try database.write(in: caller.scope) { db in
            let api = try APIAccess.modifiableAPI(db, id: id, caller: caller)
            let versionIDs = try APIRepository.versionIDs(db, apiID: api.id)
            try self.contracts.apiVersionsDeleting(db, ids: versionIDs, userID: caller.userID)
            try APIRepository.deleteAPI(db, id: api.id)
        }
    }

    // MARK: - Versions

    /// POST /api/apis/{APIID}/versions: `APIVersionInfo` (Name required) with an optional
    /// `AddAPIImplementationRequest`, `CloneAPIVersionRequest` or `DLDescriptor`.
    public func addVersion(apiID: String, caller: AuthenticatedSession, input: APIVersionInput) throws -> APIVersion {
        let info = input.info
        guard let name = info.name else { throw DomainError.badRequest("APIVersionInfo.Name is required.") }
        var implementations = input.implementations
        let descriptor = input.descriptor
        let clone = input.clone
        let now = Timestamp.iso8601(clock.now())
        let versionID = "\(ids.uuid()).\(caller.tenant)"
        let described = try descriptor.map { try self.readDescriptor($0, caller: caller) }
        return try database.write(in: caller.scope) { db in
            let api = try APIAccess.modifiableAPI(db, id: apiID, caller: caller)
            var description = info.description ?? ""
            var tags = info.tags ?? []
            var descriptorFileID = descriptor?.fileID
            var operations: [APIOperation] = []
            var policySource: String?
            if let descriptor, let (_, document) = described {
                _ = try self.dropboxFile(db, descriptor: descriptor, caller: caller)
                operations = document.operations
            }
            if let clone {
                guard let source = try APIRepository.version(db, id: clone.sourceID), source.apiID == api.id else {
                    throw DomainError.badRequest(
                        "CloneAPIVersionRequest.SourceAPIVersionID \(clone.sourceID) is not a version of API \(apiID).")
                }
                if clone.design {
                    if info.description == nil { description = source.description }
                    if info.tags == nil { tags = source.tags }
                    if descriptorFileID == nil {
                        descriptorFileID = source.descriptorFileID
                        operations = try APIRepository.operations(db, apiVersionID: source.id)
                    }
                }
                if clone.implementations && implementations.isEmpty {
                    implementations = source.implementations
                    policySource = source.id
                }
            }
            let version = Self.newVersion(
                id: versionID, of: api, name: name, description: description, visibility: info.visibility,
                tags: tags, implementations: implementations, descriptorFileID: descriptorFileID, now: now)
            try self.insertVersion(db, version, caller: caller, apiID: api.id)
            try APIRepository.replaceOperations(db, apiVersionID: versionID, operations)
            if let policySource {
                try Self.copyPolicies(db, from: policySource, to: versionID, codes: implementations.map(\.code), operations: operations)
            }
            try APIRepository.touchAPI(db, id: api.id, updated: now)
            guard let stored = try APIRepository.version(db, id: versionID) else { throw DomainError.notFound() }
            return stored
        }
    }

    /// GET /api/apis/{APIID}/versions.
    public func versions(apiID: String, caller: AuthenticatedSession) throws -> (API, [APIVersion]) {
        try database.read(in: caller.scope) { db in
            let api = try APIAccess.visibleAPI(db, id: apiID, caller: caller)
            return (api, try APIRepository.versionIDs(db, apiID: api.id).compactMap { try APIRepository.version(db, id: $0) })
        }
    }

    /// GET /api/apis/versions: every API version of the tenant the caller may see, each with its API's name.
    public func allVersions(caller: AuthenticatedSession) throws -> [(version: APIVersion, apiName: String)] {
        try database.read(in: caller.scope) { db in
            var apiNames: [String: String] = [:]
            return try APIRepository.versionIDs(db, tenant: caller.tenant).compactMap { id in
                guard let version = try APIRepository.version(db, id: id),
                    try APIAccess.canRead(db, apiID: version.apiID, visibility: version.visibility, caller: caller)
                else { return nil }
                if apiNames[version.apiID] == nil { apiNames[version.apiID] = try APIRepository.api(db, id: version.apiID)?.name }
                return (version, apiNames[version.apiID] ?? "")
            }
        }
    }

    public func version(_ id: String, caller: AuthenticatedSession) throws -> APIVersion {
        try database.read(in: caller.scope) { db in try APIAccess.visibleVersion(db, id: id, caller: caller).version }
    }

    /// GET /api/apis/versions/{APIVersionID}?includeOperations=true: the version and its operations
    /// (those its description document declares, in document order).
    public func versionWithOperations(_ id: String, caller: AuthenticatedSession) throws -> (APIVersion, [APIOperation]) {
        try database.read(in: caller.scope) { db in
            let version = try APIAccess.visibleVersion(db, id: id, caller: caller).version
            return (version, try APIRepository.operations(db, apiVersionID: id))
        }
    }

    /// GET /api/apis/versions/{APIVersionID}/definition/{Specification}: what the definition is made
    /// from — the version, its API's name, its stored description document (read again: it was read
    /// when the version was made) and its operations.
    public func definitionSource(versionID: String, caller: AuthenticatedSession) throws -> APIDefinitionSource {
        try database.read(in: caller.scope) { db in
            let version = try APIAccess.visibleVersion(db, id: versionID, caller: caller).version
            let apiName = try APIRepository.api(db, id: version.apiID)?.name ?? version.name
            let operations = try APIRepository.operations(db, apiVersionID: versionID)
            guard let fileID = version.descriptorFileID, let file = try APIRepository.dropboxFile(db, id: fileID) else {
                return APIDefinitionSource(version: version, apiName: apiName, document: nil, content: nil, operations: operations)
            }
            return APIDefinitionSource(
                version: version, apiName: apiName, document: try Self.read(file), content: file.content, operations: operations)
        }
    }

    /// PUT /api/apis/versions/{APIVersionID}/info: Name, Description, Visibility, Tag (absent fields keep their values).
    public func updateInfo(_ id: String, caller: AuthenticatedSession, input info: APIVersionInfoInput) throws -> APIVersion {
        return try database.write(in: caller.scope) { db in
            var version = try APIAccess.modifiableVersion(db, id: id, caller: caller)
            version.name = info.name ?? version.name
            version.description = info.description ?? version.description
            version.visibility = info.visibility ?? version.visibility
            version.tags = info.tags ?? version.tags
            version.updated = Timestamp.iso8601(self.clock.now())
            try APIRepository.updateVersionInfo(db, version)
            guard let stored = try APIRepository.version(db, id: id) else { throw DomainError.notFound() }
            return stored
        }
    }

    /// DELETE /api/apis/versions/{APIVersionID}; the last version takes the API with it. Its
    /// contracts move on with @ApiDeleted in the same transaction. Returns whether the API went too.
    @discardableResult
    public func deleteVersion(_ id: String, caller: AuthenticatedSession) throws -> Bool {
        try database.write(in: caller.scope) { db in
            let version = try APIAccess.modifiableVersion(db, id: id, caller: caller)
            try self.contracts.apiVersionsDeleting(db, ids: [id], userID: caller.userID)
            if try APIRepository.versionIDs(db, apiID: version.apiID).count <= 1 {
                try APIRepository.deleteAPI(db, id: version.apiID)
                return true
            }
            try APIRepository.deleteVersion(db, id: id)
            return false
        }
    }

    /// POST /api/apis/versions/{APIVersionID}/action under the tenant's API-version workflow; the new status.
    public func performAction(versionID: String, actionName: String, comments: [String], caller: AuthenticatedSession) throws -> String {
        try database.write(in: caller.scope) { db in
            let (version, _) = try APIAccess.visibleVersion(db, id: versionID, caller: caller)
            guard try self.workflow.isGoverned(db, objectID: versionID) else {
                throw DomainError.badRequest(
                    "No API version workflow governs \(versionID), so '\(actionName)' is not an action (assign one with PUT /_emulator/workflows/apiversion)."
                )
            }
            var roles = caller.roles
            if try APIRepository.isAdmin(db, apiID: version.apiID, userID: caller.userID) { roles.insert("ApiAdmin") }
            let transition = try self.workflow.perform(
                db, objectID: versionID, actionName: actionName, comments: comments,
                caller: WorkflowCaller(userID: caller.userID, roles: roles), tenant: caller.tenant)
            return transition.status
        }
    }

    // MARK: - Dropbox

    public static let maxDropboxFileBytes = 4 * 1024 * 1024

    /// POST /api/dropbox/readfiledetails: stores the uploaded file as given and describes it.
    public func upload(caller: AuthenticatedSession, fileName: String, content: [UInt8]) throws -> DropboxFile {
        let fileName = try FieldLimits.check(fileName, field: "FileName")
        guard !fileName.isEmpty else { throw DomainError.badRequest("The uploaded file has no file name.") }
        guard !content.isEmpty else { throw DomainError.badRequest("The uploaded file \(fileName) is empty.") }
        guard content.count <= Self.maxDropboxFileBytes else {
            throw DomainError.badRequest("The uploaded file is larger than \(Self.maxDropboxFileBytes) bytes.")
        }
        let type = DropboxFile.documentType(fileName: fileName, content: content)
        let serviceNames = DescriptorServiceNames.names(fileType: type, content: content)
        let now = Timestamp.iso8601(clock.now())
        return try database.write(in: caller.scope) { db in
            let id = try APIRepository.insertDropboxFile(
                db, tenant: caller.tenant, userID: caller.userID, fileName: fileName,
                fileType: type, content: content, now: now)
            return DropboxFile(
                id: id, tenant: caller.tenant, fileName: fileName, fileType: type, content: content, serviceNames: serviceNames)
        }
    }

    // MARK: - Helpers

    /// The name of an API's first version.
    public static let firstVersionName = "1.0"

    /// A new API (not stored yet) as every creation makes it (POST /api/apis and fixtures): a Name
    /// that is not blank; Public unless `visibility` says otherwise.
    package static func newAPI(
        id: String, tenant: String, name: String?, description: String?, visibility: String?, adminGroupID: String,
        now: String
    ) throws -> API {
        guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError.badRequest("APIVersionInfo.Name is required.")
        }
        return API(
            id: id, tenant: tenant, name: name, description: description ?? "", visibility: visibility ?? Visibility.public,
            adminGroupID: adminGroupID, created: now, updated: now, latestVersionID: nil)
    }

    /// A new version of `api` (not stored yet): the API's visibility unless `visibility` says
    /// otherwise, the state of an ungoverned version (its workflow, when one starts, decides after).
    package static func newVersion(
        id: String, of api: API, name: String, description: String, visibility: String?, tags: [String],
        implementations: [APIImplementation], descriptorFileID: Int64?, now: String
    ) -> APIVersion {
        APIVersion(
            id: id, apiID: api.id, tenant: api.tenant, name: name, description: description, visibility: visibility ?? api.visibility,
            state: APIVersion.ungovernedState, descriptorFileID: descriptorFileID, created: now, updated: now, tags: tags,
            implementations: implementations)
    }

    private func insertVersion(_ db: SQLiteConnection, _ version: APIVersion, caller: AuthenticatedSession, apiID: String) throws {
        try APIRepository.insertVersion(db, version)
        var roles = caller.roles
        roles.insert("ApiAdmin")
        try workflow.start(
            db, tenant: version.tenant, objectType: Self.versionObjectType, objectID: version.id,
            caller: WorkflowCaller(userID: caller.userID, roles: roles))
    }

    private func dropboxFile(_ db: SQLiteConnection, descriptor: DropboxDescriptorInput, caller: AuthenticatedSession) throws -> DropboxFile
    {
        guard let file = try APIRepository.dropboxFile(db, id: descriptor.fileID), file.tenant == caller.tenant else {
            throw DomainError.badRequest("DLDescriptor.DropboxFileId \(descriptor.fileID) is not an uploaded file.")
        }
        // FileName is a label (clients send the upload's name, or `<service>.swagger`): not checked.
        return file
    }

    /// The uploaded document read (`DescriptorDocument`); one that cannot be read is a 400 with the
    /// platform's wording ("The API definition could not be read: […]"), and nothing is stored.
    /// A clone that copies its source's implementations copies the policies attached to them; an
    /// operation's policies come along where the clone has that operation.
    private static func copyPolicies(
        _ db: SQLiteConnection, from sourceID: String, to versionID: String, codes: [String], operations: [APIOperation]
    ) throws {
        let names = Set(operations.map(\.name))
        for code in codes {
            let attached = try PolicyRepository.attachments(db, apiVersionID: sourceID, code: code)
            guard !attached.isEmpty else { continue }
            var perOperation: [(name: String, keys: [String])] = []
            for (operation, key) in attached where !operation.isEmpty && names.contains(operation) {
                if let index = perOperation.firstIndex(where: { $0.name == operation }) {
                    perOperation[index].keys.append(key)
                } else {
                    perOperation.append((operation, [key]))
                }
            }
            try PolicyRepository.replaceAttachments(
                db, apiVersionID: versionID, code: code, keys: attached.filter { $0.operation.isEmpty }.map(\.key),
                operations: perOperation)
        }
    }

    /// The uploaded document a `DLDescriptor` names, read and parsed BEFORE the write transaction:
    /// a 4 MiB YAML document takes a noticeable time to parse, which must not hold the database's
    /// one writer. Uploaded files never change once stored, so the write only checks the file is
    /// still there (a tenant reset may have removed it).
    private func readDescriptor(_ descriptor: DropboxDescriptorInput, caller: AuthenticatedSession) throws -> (
        DropboxFile, DescriptorDocument
    ) {
        let file = try database.read(in: caller.scope) { db in try self.dropboxFile(db, descriptor: descriptor, caller: caller) }
        return (file, try Self.read(file))
    }

    static func read(_ file: DropboxFile) throws -> DescriptorDocument {
        do {
            return try DescriptorDocument.read(fileType: file.fileType, content: file.content)
        } catch {
            throw DomainError.badRequest(error.message)
        }
    }
}
