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

    /// When a revision is activated it replaces the contract it revises: that one is cancelled
    /// (`apicontract.action.cancel`, performed by the platform, with a comment naming the revision),
    /// so the app version keeps one active contract per API version and environment. The pages say
    /// only that "the existing contract remains in place" while the revision is pending; a custom
    /// workflow that cannot cancel it leaves it where it is. Runs in the caller's transaction after
    /// any transition to `apicontract.status.activated` (contract actions, auto-approval, the generic
    /// workflow route); nothing happens for a contract that revises nothing or whose original is gone.
    public func revisionActivated(_ db: SQLiteConnection, contractID: String, userID: String) throws {
        guard let original = try ContractRepository.contract(db, id: contractID)?.revisionOf,
            let state = try workflow.state(db, objectID: original), state.status != Contract.cancelled
        else { return }
        do {
            try workflow.perform(
                db, objectID: original, actionName: "apicontract.action.cancel",
                comments: ["Replaced by its revision \(contractID), activated."],
                caller: WorkflowCaller(userID: userID, roles: ["ApiAdmin"]))
        } catch let error as DomainError where error.kind == .badRequest || error.kind == .conflict {
            return
        }
        try ContractRepository.touch(db, contractID: original, updated: workflow.now)
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
