import Foundation
import SQLiteStore

/// The contracts service: requesting, reading, revising the scope of and acting on contracts between
/// app versions and API versions, under the tenant's `apicontract` workflow.
///
/// Who may do what (the Akana pages): an app team member requests a contract for their app version;
/// the app's team, the API's admins, Business Admins and Site Admins read it and act on it, and the
/// workflow decides which action each may take (only API admins and Business or Site Admins approve
/// and activate). Anyone else gets 404 for the contract.
public final class ContractService: Sendable {
    private let database: DatabasePool
    private let clock: EmulatorClock
    private let workflow: WorkflowEngine
    private let ids: IDGenerator

    public init(database: DatabasePool, clock: EmulatorClock, workflow: WorkflowEngine, ids: IDGenerator) {
        self.database = database
        self.clock = clock
        self.workflow = workflow
        self.ids = ids
    }

    // MARK: - Operations

    /// POST /api/contracts: APIVersionID, RuntimeID (the AppVersionID), Environment, ContractScope.
    /// Starts the contract workflow with `@Create`, or with `@Revise` when the app version already has
    /// an active (or suspended) contract with the API version for the environment: the new contract
    /// is a revision of that one, which stays in place until the revision is activated (see
    /// `revisedContract`). Where every license of the scope auto-approves the
    /// environment (or, without licenses, the implementation's EndpointAccessAutoApproved is set),
    /// the contract is approved and activated in the same transaction.
    public func request(caller: AuthenticatedSession, input: ContractInput) throws -> Contract {
        guard let apiVersionID = input.apiVersionID, !apiVersionID.isEmpty else {
            throw DomainError.badRequest("Contract.APIVersionID is required.")
        }
        guard let runtimeID = input.runtimeID, !runtimeID.isEmpty else {
            throw DomainError.badRequest("Contract.RuntimeID (the AppVersionID) is required.")
        }
        let environment = try Self.environment(input.environment, required: true)!
        let scope = input.scope
        let now = Timestamp.iso8601(clock.now())
        let id = "\(ids.uuid()).\(caller.tenant)"
        return try database.write(in: caller.scope) { db in
            let app = try self.teamAppVersion(db, id: runtimeID, caller: caller)
            let apiVersion = try self.visibleAPIVersion(db, id: apiVersionID, caller: caller)
            guard let implementation = apiVersion.implementation(forEnvironment: environment) else {
                throw DomainError.badRequest(
                    "API version \(apiVersionID) has no \(APIImplementation.code(forEnvironment: environment)) implementation, so it offers no \(environment) access."
                )
            }
            let licenses = try Self.licenses(db, ids: scope.licenseIDs, tenant: caller.tenant, environment: environment)
            let revised = try Self.revisedContract(db, runtimeID: runtimeID, apiVersionID: apiVersionID, environment: environment)
            var contract = Self.newContract(
                id: id, tenant: caller.tenant, apiVersionID: apiVersionID, runtimeID: runtimeID,
                environment: environment, scope: scope, now: now)
            contract.revisionOf = revised
            try ContractRepository.insert(db, contract, requestedBy: caller.userID)
            let roles = try self.roles(db, caller: caller, appID: app.appID, apiID: apiVersion.apiID)
            guard
                try self.startWorkflow(
                    db, tenant: caller.tenant, contractID: id, revision: revised != nil,
                    caller: WorkflowCaller(userID: caller.userID, roles: roles))
            else {
                throw DomainError.conflict(
                    "No contract workflow is assigned in tenant \(caller.tenant) (PUT /_emulator/workflows/apicontract).")
            }
            let autoApproved =
                licenses.isEmpty
                ? implementation.endpointAccessAutoApproved : licenses.allSatisfy { $0.autoApproves(environment: environment) }
            if autoApproved { try self.autoApprove(db, contractID: id, userID: caller.userID) }
            let requested = try self.load(db, id: id)
            // Left waiting for approval (not approved by the API's access settings): the API's admins hear of it.
            if !autoApproved || requested.state == ContractNotices.pendingApproval {
                try ContractNotices.moved(db, contractID: id, to: requested.state, by: caller.userID, stamp: now)
            }
            return requested
        }
    }

    public func contract(_ id: String, caller: AuthenticatedSession) throws -> Contract {
        try database.read(in: caller.scope) { db in try self.visibleContract(db, id: id, caller: caller).contract }
    }

    /// GET /api/contracts/{ContractID}/apidetails: the API and API version of a contract, for whoever
    /// may read the contract (the app team, the API's admins, Business and Site Admins; anyone else
    /// gets 404). An API version deleted since (the contract was cancelled with @ApiDeleted) is a 404.
    public func apiDetails(_ id: String, caller: AuthenticatedSession) throws -> ContractAPIDetails {
        try database.read(in: caller.scope) { db in
            let (contract, _) = try self.visibleContract(db, id: id, caller: caller)
            guard let version = try APIRepository.version(db, id: contract.apiVersionID),
                let api = try APIRepository.api(db, id: version.apiID)
            else { throw DomainError.notFound("The API version \(contract.apiVersionID) of contract \(id) no longer exists.") }
            return ContractAPIDetails(api: api, version: version)
        }
    }

    /// GET /api/contracts/{ContractID}/appdetails: the app and app version (RuntimeID) of a contract,
    /// read as `apiDetails`. An app version deleted since (@AppDeleted) is a 404.
    public func appDetails(_ id: String, caller: AuthenticatedSession) throws -> ContractAppDetails {
        try database.read(in: caller.scope) { db in
            let (contract, _) = try self.visibleContract(db, id: id, caller: caller)
            guard let version = try AppRepository.version(db, id: contract.runtimeID),
                let app = try AppRepository.app(db, id: version.appID)
            else { throw DomainError.notFound("The app version \(contract.runtimeID) of contract \(id) no longer exists.") }
            return ContractAppDetails(app: app, version: version)
        }
    }

    /// PUT /api/contracts/{ContractID}: replaces the ContractScope (licenses); other fields of the
    /// Contract are read-only here (a ContractID in the body must name this contract).
    public func update(_ id: String, caller: AuthenticatedSession, input: ContractUpdateInput) throws -> Contract {
        if let named = input.contractID, named != id {
            throw DomainError.badRequest("Contract.ContractID \(named) does not match the contract \(id) of the URL.")
        }
        guard let scope = input.scope else {
            throw DomainError.badRequest("Contract.ContractScope is required: it is what PUT changes.")
        }
        return try database.write(in: caller.scope) { db in
            let (contract, _) = try self.visibleContract(db, id: id, caller: caller)
            if let named = input.apiVersionID, named != contract.apiVersionID {
                throw DomainError.badRequest("Contract.APIVersionID cannot change (it is \(contract.apiVersionID)).")
            }
            if let named = input.runtimeID, named != contract.runtimeID {
                throw DomainError.badRequest("Contract.RuntimeID cannot change (it is \(contract.runtimeID)).")
            }
            guard contract.state != Contract.cancelled else { throw DomainError.conflict("Contract \(id) is cancelled.") }
            _ = try Self.licenses(db, ids: scope.licenseIDs, tenant: caller.tenant, environment: contract.environment)
            try ContractRepository.updateScope(
                db, contractID: id, restricted: scope.restricted ?? !scope.licenseIDs.isEmpty,
                licenseIDs: scope.licenseIDs, updated: Timestamp.iso8601(self.clock.now()))
            return try self.load(db, id: id)
        }
    }

    /// POST /api/contracts/{ContractID}/actions: the new state.
    public func perform(_ id: String, actionName: String, comments: [String], caller: AuthenticatedSession) throws -> String {
        try database.write(in: caller.scope) { db in
            let (_, roles) = try self.visibleContract(db, id: id, caller: caller)
            guard !actionName.hasPrefix("@") else {
                throw DomainError.badRequest("'\(actionName)' is a reserved action the platform performs itself.")
            }
            let transition = try self.workflow.perform(
                db, objectID: id, actionName: actionName, comments: comments,
                caller: WorkflowCaller(userID: caller.userID, roles: roles), tenant: caller.tenant)
            let stamp = Timestamp.iso8601(self.clock.now())
            try ContractRepository.touch(db, contractID: id, updated: stamp)
            if transition.status == Contract.activated {
                try ContractLifecycle(workflow: self.workflow).revisionActivated(db, contractID: id, userID: caller.userID)
            }
            try ContractNotices.moved(db, contractID: id, to: transition.status, by: caller.userID, stamp: stamp)
            return transition.status
        }
    }

    /// GET /api/apps/versions/{AppVersionID}/contracts[?Environment=…&ActivatedOnly=true].
    public func contracts(appVersionID: String, environment: String?, activatedOnly: Bool, caller: AuthenticatedSession) throws
        -> [Contract]
    {
        let environment = try Self.environment(environment, required: false)
        return try database.read(in: caller.scope) { db in
            guard let version = try AppRepository.version(db, id: appVersionID), version.tenant == caller.tenant,
                try self.canReadApp(db, appID: version.appID, visibility: version.visibility, caller: caller)
            else { throw DomainError.notFound("App version \(appVersionID) was not found.") }
            return try self.filtered(
                db, ids: try ContractRepository.ids(db, runtimeID: appVersionID), environment: environment, activatedOnly: activatedOnly)
        }
    }

    /// GET /api/apis/versions/{APIVersionID}/contracts[?Environment=…&ActivatedOnly=true].
    public func contracts(apiVersionID: String, environment: String?, activatedOnly: Bool, caller: AuthenticatedSession) throws
        -> [Contract]
    {
        let environment = try Self.environment(environment, required: false)
        return try database.read(in: caller.scope) { db in
            _ = try self.visibleAPIVersion(db, id: apiVersionID, caller: caller)
            return try self.filtered(
                db, ids: try ContractRepository.ids(db, apiVersionID: apiVersionID), environment: environment, activatedOnly: activatedOnly)
        }
    }

    /// GET /api/apis/versions/{APIVersionID}/connectedapps[?ActivatedOnly=true&Environment=…]: the app
    /// versions with contracts with the API version (after the same filters as its contracts list),
    /// in the order of their first such contract. Who may read: whoever may read the API version (the
    /// page's "Read permission for the resource"); anyone else gets 404.
    public func connectedApps(apiVersionID: String, environment: String?, activatedOnly: Bool, caller: AuthenticatedSession) throws
        -> [ConnectedApp]
    {
        let environment = try Self.environment(environment, required: false)
        return try database.read(in: caller.scope) { db in
            _ = try self.visibleAPIVersion(db, id: apiVersionID, caller: caller)
            let contracts = try self.filtered(
                db, ids: try ContractRepository.ids(db, apiVersionID: apiVersionID), environment: environment, activatedOnly: activatedOnly)
            var connected: [ConnectedApp] = []
            var index: [String: Int] = [:]
            for contract in contracts {
                if let position = index[contract.runtimeID] {
                    connected[position].contracts.append(contract)
                    continue
                }
                guard let version = try AppRepository.version(db, id: contract.runtimeID),
                    let appName = try AppRepository.appName(db, id: version.appID)
                else { continue }  // the app version is gone (its contract was cancelled with it)
                index[contract.runtimeID] = connected.count
                connected.append(ConnectedApp(appName: appName, version: version, contracts: [contract]))
            }
            return connected
        }
    }

    // MARK: - Helpers

    func load(_ db: SQLiteConnection, id: String) throws -> Contract {
        guard var contract = try ContractRepository.contract(db, id: id) else {
            throw DomainError.notFound("Contract \(id) was not found.")
        }
        if let state = try workflow.state(db, objectID: id) {
            contract.state = state.status
            contract.status = state.stepName
        }
        return contract
    }

    private func filtered(_ db: SQLiteConnection, ids: [String], environment: String?, activatedOnly: Bool) throws -> [Contract] {
        try ids.map { try load(db, id: $0) }.filter { contract in
            (environment == nil || contract.environment == environment) && (!activatedOnly || contract.state == Contract.activated)
        }
    }

    private func autoApprove(_ db: SQLiteConnection, contractID: String, userID: String) throws {
        let system = WorkflowCaller(userID: userID, roles: ["ApiAdmin"])
        for action in ["apicontract.action.approve", "apicontract.action.activate"] {
            do {
                let transition = try workflow.perform(
                    db, objectID: contractID, actionName: action, comments: ["Auto-approved by the API's access settings."], caller: system)
                try ContractNotices.moved(db, contractID: contractID, to: transition.status, by: "", stamp: workflow.now)
                if transition.status == Contract.activated {
                    try ContractLifecycle(workflow: workflow).revisionActivated(db, contractID: contractID, userID: userID)
                    return
                }
            } catch let error as DomainError where error.kind == .badRequest || error.kind == .conflict {
                return  // a custom workflow without these steps keeps the contract where @Create left it
            }
        }
    }

    /// The contract a new request for this app version, API version and environment revises (nil:
    /// a new contract, `@Create`). The pages (`m_contracts_requestContract.htm`,
    /// `cm/workflow/05_api_contract_wf.htm`): "Revising an existing, active contract creates a new
    /// contract" started with `@Revise`, "the existing contract remains in place", and "when there
    /// is a revised contract in place, any subsequent requests ... will fail, since only one revised
    /// contract is allowed at one time" (409). A contract that was never activated (pending approval,
    /// approved, rejected, …) is not revised: a second request while it stands is a 409 too (act on
    /// it, or cancel it and request again). A suspended contract is still in place, so it may be revised.
    static func revisedContract(_ db: SQLiteConnection, runtimeID: String, apiVersionID: String, environment: String) throws
        -> String?
    {
        let standing = try ContractRepository.standing(db, runtimeID: runtimeID, apiVersionID: apiVersionID, environment: environment)
        let ids = Set(standing.map(\.id))
        if let revision = standing.first(where: { $0.revisionOf.map(ids.contains) ?? false }), let original = revision.revisionOf {
            throw DomainError.conflict(
                "Contract \(original) already has a revision in place (\(revision.id), \(revision.status)); only one revised contract is allowed at one time."
            )
        }
        guard let current = standing.first else { return nil }
        guard let active = standing.first(where: { $0.status == Contract.activated || $0.status == Contract.suspended }) else {
            throw DomainError.conflict(
                "App version \(runtimeID) already has contract \(current.id) (\(current.status)) with API version \(apiVersionID) for \(environment); only an active contract can be revised."
            )
        }
        return active.id
    }

    /// Starts the contract's workflow: `@Revise` for a revision, `@Create` otherwise. A (custom)
    /// definition without `@Revise` starts a revision with its first initial action. False when no
    /// contract workflow is assigned.
    private func startWorkflow(_ db: SQLiteConnection, tenant: String, contractID: String, revision: Bool, caller: WorkflowCaller)
        throws -> Bool
    {
        if revision {
            do {
                return try workflow.start(
                    db, tenant: tenant, objectType: Contract.objectType, objectID: contractID, caller: caller,
                    initialAction: Contract.revise) != nil
            } catch let error as DomainError where error.kind == .badRequest {
                // Not an initial action of this definition: fall through to its first one.
            }
        }
        return try workflow.start(db, tenant: tenant, objectType: Contract.objectType, objectID: contractID, caller: caller) != nil
    }

    /// The caller's roles on a contract: platform roles, AppTeamMember on their app's contracts,
    /// ApiAdmin on their API's.
    private func roles(_ db: SQLiteConnection, caller: AuthenticatedSession, appID: String?, apiID: String?) throws -> Set<String> {
        try Self.roles(db, caller: caller, appID: appID, apiID: apiID)
    }

    /// The caller's roles on the contract `id` (nil when there is no such contract), as `roles`;
    /// the generic workflow route acts on contracts with them.
    static func roles(_ db: SQLiteConnection, caller: AuthenticatedSession, contractID id: String) throws -> Set<String>? {
        guard let contract = try ContractRepository.contract(db, id: id) else { return nil }
        return try roles(
            db, caller: caller, appID: try AppRepository.version(db, id: contract.runtimeID)?.appID,
            apiID: try APIRepository.version(db, id: contract.apiVersionID)?.apiID)
    }

    static func roles(_ db: SQLiteConnection, caller: AuthenticatedSession, appID: String?, apiID: String?) throws -> Set<String> {
        var roles = caller.roles
        if let appID, try AppRepository.isTeamMember(db, appID: appID, userID: caller.userID) { roles.insert("AppTeamMember") }
        if let apiID, try APIRepository.isAdmin(db, apiID: apiID, userID: caller.userID) { roles.insert("ApiAdmin") }
        return roles
    }

    private func visibleContract(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> (
        contract: Contract, roles: Set<String>
    ) {
        guard let contract = try ContractRepository.contract(db, id: id), contract.tenant == caller.tenant else {
            throw DomainError.notFound("Contract \(id) was not found.")
        }
        let appID = try AppRepository.version(db, id: contract.runtimeID)?.appID
        let apiID = try APIRepository.version(db, id: contract.apiVersionID)?.apiID
        let roles = try self.roles(db, caller: caller, appID: appID, apiID: apiID)
        guard !roles.isDisjoint(with: ["AppTeamMember", "ApiAdmin", Role.siteAdmin, Role.businessAdmin]) else {
            throw DomainError.notFound("Contract \(id) was not found.")
        }
        return (try load(db, id: id), roles)
    }

    private func canReadApp(_ db: SQLiteConnection, appID: String, visibility: String, caller: AuthenticatedSession) throws -> Bool {
        if caller.isSiteAdmin || caller.isBusinessAdmin { return true }
        if try AppRepository.isTeamMember(db, appID: appID, userID: caller.userID) { return true }
        return visibility == Visibility.public || visibility == Visibility.registeredUsers
    }

    /// The app version of RuntimeID, when the caller is on its team (or a Business or Site Admin).
    private func teamAppVersion(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> AppVersion {
        guard let version = try AppRepository.version(db, id: id), version.tenant == caller.tenant,
            try canReadApp(db, appID: version.appID, visibility: version.visibility, caller: caller)
        else { throw DomainError.notFound("App version \(id) (RuntimeID) was not found.") }
        guard
            try caller.isSiteAdmin || caller.isBusinessAdmin
                || (AppRepository.isTeamMember(db, appID: version.appID, userID: caller.userID))
        else {
            throw DomainError.forbidden("Only the team of the app of \(id) can request contracts for it.")
        }
        return version
    }

    private func visibleAPIVersion(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> APIVersion {
        guard let version = try APIRepository.version(db, id: id), version.tenant == caller.tenant,
            try APIAccess.canRead(db, apiID: version.apiID, visibility: version.visibility, caller: caller)
        else { throw DomainError.notFound("API version \(id) was not found.") }
        return version
    }

    /// A new contract (not stored yet), as every request makes it (POST /api/contracts and
    /// fixtures): restricted when the scope says so, else exactly when it names licenses.
    package static func newContract(
        id: String, tenant: String, apiVersionID: String, runtimeID: String, environment: String,
        scope: ContractScopeInput, now: String
    ) -> Contract {
        Contract(
            id: id, tenant: tenant, apiVersionID: apiVersionID, runtimeID: runtimeID, environment: environment,
            restricted: scope.restricted ?? !scope.licenseIDs.isEmpty, licenseIDs: scope.licenseIDs, state: "", status: "",
            created: now, updated: now)
    }

    /// The scope's licenses: each must be one of the tenant's, active, and offered for the
    /// contract's environment (its `Environment[]`).
    package static func licenses(_ db: SQLiteConnection, ids: [String], tenant: String, environment: String) throws -> [LicenseDetails] {
        try ids.map { id in
            guard let license = try LicenseRepository.details(db, id: id), license.tenant == tenant else {
                throw DomainError.badRequest("ContractScope.LicenseID \(id) is not a license of this tenant.")
            }
            guard license.active else {
                throw DomainError.badRequest("ContractScope.LicenseID \(id): license \(license.name) is not active.")
            }
            guard license.environments.contains(environment) else {
                throw DomainError.badRequest(
                    "ContractScope.LicenseID \(id): license \(license.name) is offered for \(license.environments.joined(separator: ", ")), not \(environment)."
                )
            }
            return license
        }
    }

    static func environment(_ text: String?, required: Bool) throws -> String? {
        guard let text, !(text.isEmpty && required) else {
            if required { throw DomainError.badRequest("Contract.Environment is required: Sandbox or Production.") }
            return nil
        }
        // Given but empty (`?Environment=`) is not "any environment": it is no valid value.
        guard let value = Contract.environments.first(where: { $0.lowercased() == text.lowercased() }) else {
            throw DomainError.badRequest("Environment must be Sandbox or Production, not '\(text)'.")
        }
        return value
    }
}
