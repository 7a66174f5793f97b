import SQLiteStore

/// The engine as the apps service sees it (`AppVersionWorkflow`, declared by the apps code): app
/// versions run under the tenant's active definition for object type `appversion`, if any.
extension WorkflowEngine: AppVersionWorkflow {
    public static let appVersionObjectType = "appversion"

    public func start(
        _ db: SQLiteConnection, tenant: String, objectID: String,
        caller: (userID: String, roles: Set<String>)
    ) throws -> String? {
        try start(
            db, tenant: tenant, objectType: Self.appVersionObjectType, objectID: objectID,
            caller: WorkflowCaller(userID: caller.userID, roles: caller.roles))
    }

    public func perform(
        _ db: SQLiteConnection, objectID: String, actionName: String, comments: [String],
        caller: (userID: String, roles: Set<String>)
    ) throws -> (status: String, functions: [String]) {
        let transition = try perform(
            db, objectID: objectID, actionName: actionName, comments: comments,
            caller: WorkflowCaller(userID: caller.userID, roles: caller.roles))
        return (transition.status, transition.functions.map(\.type))
    }
}
