import SQLiteStore

/// Moves contracts on when the app version or API version they join is deleted: the reserved
/// actions `@AppDeleted` / `@ApiDeleted` of the contract workflow, in the caller's transaction.
public struct ContractLifecycle: AppVersionDeletionObserver {
    public static let appDeleted = "@AppDeleted"
    public static let apiDeleted = "@ApiDeleted"

    let workflow: WorkflowEngine

    public init(workflow: WorkflowEngine) { self.workflow = workflow }

    public func appVersionsDeleting(_ db: SQLiteConnection, ids: [String], userID: String) throws {
        for id in ids {
            try moveOn(db, contractIDs: try ContractRepository.ids(db, runtimeID: id), action: Self.appDeleted, userID: userID)
        }
    }

    public func apiVersionsDeleting(_ db: SQLiteConnection, ids: [String], userID: String) throws {
        for id in ids {
            try moveOn(db, contractIDs: try ContractRepository.ids(db, apiVersionID: id), action: Self.apiDeleted, userID: userID)
        }
    }

    /// Performs `action` on every governed contract not cancelled yet. A definition that lacks the
    /// reserved action (an uploaded one, or the shipped one installed before it had them) leaves
    /// the contract where it is.
    func moveOn(_ db: SQLiteConnection, contractIDs: [String], action: String, userID: String) throws {
        let caller = WorkflowCaller(userID: userID, roles: [])
        for id in contractIDs {
            guard let state = try workflow.state(db, objectID: id), state.status != Contract.cancelled else { continue }
            do {
                try workflow.perform(db, objectID: id, actionName: action, caller: caller)
            } catch let error as DomainError where error.kind == .badRequest || error.kind == .conflict {
                continue
            }
            try ContractRepository.touch(db, contractID: id, updated: workflow.now)
        }
    }
}
