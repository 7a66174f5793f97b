import SQLiteStore

/// `/api/workflow/objects/{ObjectID}/actions`: the actions a caller may take on any workflow object,
/// and taking one. Each request is one transaction: the object's state, the caller's roles on it
/// (team membership of an app version, visibility of a model version) and the action are read and
/// written together, so a role cannot change between the check and the write.
public final class WorkflowObjectActions: Sendable {
    let database: DatabasePool
    let engine: WorkflowEngine
    let apps: AppService
    let models: ModelService
    let groups: GroupService

    public init(database: DatabasePool, engine: WorkflowEngine, apps: AppService, models: ModelService, groups: GroupService) {
        self.groups = groups
        self.database = database
        self.engine = engine
        self.apps = apps
        self.models = models
    }

    /// The actions `caller` may perform on the object now, in one read transaction. `includeReserved`
    /// is evaluated after the object was found (an unknown object is a 404 whatever the query says).
    public func availableActions(
        objectID: String, includeReserved: @autoclosure () throws -> Bool,
        caller: AuthenticatedSession
    ) throws -> [WorkflowActionChoice] {
        try database.read(in: caller.scope) { db in
            let workflowCaller = try self.workflowCaller(db, objectID: objectID, session: caller)
            return try self.engine.availableActions(
                db, objectID: objectID, caller: workflowCaller, includeReserved: try includeReserved(),
                tenant: caller.tenant)
        }
    }

    /// Performs the action and returns the object's new status, in one write transaction. A group
    /// membership's actions go through the groups service (its last-admin rule, its roles).
    public func perform(objectID: String, action: WorkflowActionInput, caller: AuthenticatedSession) throws -> String {
        try database.write(in: caller.scope) { db in
            if try self.engine.state(db, objectID: objectID)?.objectType == Membership.objectType {
                let (group, membership) = try self.groups.visibleRequest(db, id: objectID, caller: caller)
                return try self.groups.memberships.perform(
                    db, group: group, membership: membership, actionName: action.name, comments: action.comments, caller: caller)
            }
            let workflowCaller = try self.workflowCaller(db, objectID: objectID, session: caller)
            let status = try self.engine.perform(
                db, objectID: objectID, actionName: action.name, comments: action.comments,
                caller: workflowCaller, tenant: caller.tenant
            ).status
            // A contract revision activated here replaces its original, as through the contracts route.
            if try self.engine.state(db, objectID: objectID)?.objectType == Contract.objectType {
                if status == Contract.activated {
                    try ContractLifecycle(workflow: self.engine).revisionActivated(db, contractID: objectID, userID: caller.userID)
                }
                try ContractNotices.moved(db, contractID: objectID, to: status, by: caller.userID, stamp: self.engine.now)
            }
            return status
        }
    }

    /// The caller as the engine sees them: their roles, plus the roles the object gives them (team
    /// membership of an app version). 404 when the object is not one they can see (another
    /// tenant's, an app version or a model version hidden from them).
    func workflowCaller(_ db: SQLiteConnection, objectID: String, session: AuthenticatedSession) throws -> WorkflowCaller {
        guard let state = try engine.state(db, objectID: objectID), state.tenant == session.tenant else {
            throw DomainError.notFound("Workflow object \(objectID) was not found.")
        }
        if state.objectType == WorkflowEngine.appVersionObjectType {
            return WorkflowCaller(userID: session.userID, roles: try apps.workflowRoles(db, versionID: objectID, caller: session))
        }
        if state.objectType == Contract.objectType {
            // Its app team and its API's admins, as on the contracts route; anyone else: 404 there too.
            let roles = try ContractService.roles(db, caller: session, contractID: objectID) ?? session.roles
            guard !roles.isDisjoint(with: ["AppTeamMember", "ApiAdmin", Role.siteAdmin, Role.businessAdmin]) else {
                throw DomainError.notFound("Workflow object \(objectID) was not found.")
            }
            return WorkflowCaller(userID: session.userID, roles: roles)
        }
        if state.objectType == Membership.objectType {
            return try groups.workflowCaller(db, requestID: objectID, session: session)
        }
        if state.objectType == ModelService.objectType, let modelCaller = try models.workflowCaller(db, objectID: objectID, caller: session)
        {
            return modelCaller
        }
        return WorkflowCaller(userID: session.userID, roles: session.roles)
    }
}
