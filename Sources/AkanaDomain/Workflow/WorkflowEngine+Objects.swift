import Foundation
import JSONCodec
import SQLiteStore

extension WorkflowEngine {
    /// An object's row joined with its definition.
    struct GovernedObject {
        var objectID: String
        var tenant: String
        var objectType: String
        var definitionID: Int64
        var definitionKey: String
        var definitionVersion: Int
        var definition: WorkflowDefinition
        /// Nil before the initial action.
        var step: WorkflowStep?
        var status: String?
        var updated: String
    }

    /// More automatic actions in a row than this is a loop in the definition.
    static let automaticActionLimit = 16

    // MARK: - Inside the caller's transaction

    /// Runs the initial action of the tenant's active definition for `objectType` (the first one,
    /// or the one named) and returns the new status; nil when no workflow is assigned to the type.
    @discardableResult
    public func start(
        _ db: SQLiteConnection, tenant: String, objectType: String, objectID: String, caller: WorkflowCaller,
        initialAction: String? = nil, comments: [String] = []
    ) throws -> String? {
        try startTransition(
            db, tenant: tenant, objectType: objectType, objectID: objectID, caller: caller,
            initialAction: initialAction, comments: comments)?.status
    }

    /// `start`, returning the whole transition (functions met, automatic actions run).
    public func startTransition(
        _ db: SQLiteConnection, tenant: String, objectType: String, objectID: String, caller: WorkflowCaller,
        initialAction: String? = nil, comments: [String] = []
    ) throws -> WorkflowTransition? {
        guard let row = try WorkflowObjectRepository.assignedDefinition(db, tenant: tenant, objectType: objectType),
            let definitionID = try row.int64("id")
        else { return nil }
        if let existing = try WorkflowObjectRepository.status(db, objectID: objectID) {
            throw DomainError.conflict("\(objectID) already runs under a workflow (status \(existing ?? "?")).")
        }
        let definition = try parsed(id: definitionID, xml: row.requiredString("xml"))
        let object = GovernedObject(
            objectID: objectID, tenant: tenant, objectType: objectType, definitionID: definitionID,
            definitionKey: try row.requiredString("key"), definitionVersion: try row.requiredInt("version"), definition: definition,
            step: nil, status: nil, updated: now)
        let action: WorkflowAction
        if let initialAction {
            guard let found = WorkflowDefinition.find(initialAction, in: definition.initialActions) else {
                throw DomainError.badRequest(
                    "'\(initialAction)' is not an initial action of workflow '\(object.definitionKey)'; its initial actions are \(definition.initialActions.map(\.name).joined(separator: ", "))."
                )
            }
            action = found
        } else {
            action = definition.initialActions[0]
        }
        try authorize(action, on: object, caller: caller)
        return try db.inSavepoint {
            try execute(db, object: object, action: action, caller: caller, comments: comments, at: now)
        }
    }

    /// Performs `actionName` on the object and returns the transition (`status` is what the
    /// execute-action operations answer). Unknown object (or another tenant's, when `tenant` is
    /// given) → `.notFound`; an action the definition does not have → `.badRequest`; an action not
    /// valid in the current step → `.conflict`; a caller the action's conditions do not grant →
    /// `.forbidden`. Nothing is written unless the whole transition succeeds.
    @discardableResult
    public func perform(
        _ db: SQLiteConnection, objectID: String, actionName: String, comments: [String] = [],
        caller: WorkflowCaller, tenant: String? = nil
    ) throws -> WorkflowTransition {
        let object = try governedObject(db, objectID: objectID, tenant: tenant)
        guard let step = object.step else { throw DomainError.conflict("\(objectID) is in no step of its workflow.") }
        let actions = object.definition.actions(in: step)
        guard let action = WorkflowDefinition.find(actionName, in: actions) else {
            let valid = try choices(object, caller: caller, includeReserved: true).map(\.value)
            let validText = valid.isEmpty ? "none" : valid.joined(separator: ", ")
            let status = object.status ?? step.name
            if object.definition.allActionNames.contains(actionName.lowercased()) {
                throw DomainError.conflict(
                    "The action '\(actionName)' is not valid for \(objectID) in state '\(status)'; valid actions: \(validText).")
            }
            throw DomainError.badRequest(
                "'\(actionName)' is not an action of workflow '\(object.definitionKey)'; valid actions for \(objectID) in state '\(status)': \(validText)."
            )
        }
        try authorize(action, on: object, caller: caller)
        return try db.inSavepoint {
            try execute(db, object: object, action: action, caller: caller, comments: comments, at: now)
        }
    }

    /// The actions the caller may perform now (`Value` = name, `Label` = label), in definition
    /// order. Reserved `@` actions only with `includeReserved`; automatic actions never.
    public func availableActions(
        _ db: SQLiteConnection, objectID: String, caller: WorkflowCaller, includeReserved: Bool = false,
        tenant: String? = nil
    ) throws -> [WorkflowActionChoice] {
        try choices(governedObject(db, objectID: objectID, tenant: tenant), caller: caller, includeReserved: includeReserved)
    }

    /// Whether the caller may perform `actionName` now (e.g. `@Modify` before an edit, `@read`).
    public func isActionAvailable(_ db: SQLiteConnection, objectID: String, actionName: String, caller: WorkflowCaller) throws -> Bool {
        let object = try governedObject(db, objectID: objectID, tenant: nil)
        guard let step = object.step, let action = WorkflowDefinition.find(actionName, in: object.definition.actions(in: step)) else {
            return false
        }
        return WorkflowConditionEvaluator(caller: caller, status: object.status).grants(action.restriction)
    }

    /// Where the object stands; nil when no workflow governs it.
    public func state(_ db: SQLiteConnection, objectID: String) throws -> WorkflowObjectState? {
        guard try isGoverned(db, objectID: objectID) else { return nil }
        let object = try governedObject(db, objectID: objectID, tenant: nil)
        return WorkflowObjectState(
            objectID: object.objectID, tenant: object.tenant, objectType: object.objectType, definitionID: object.definitionID,
            definitionKey: object.definitionKey, definitionVersion: object.definitionVersion, stepID: object.step?.id ?? 0,
            stepName: object.step?.name ?? "", status: object.status ?? "", updated: object.updated)
    }

    /// Every action taken on the object, oldest first. Unknown object → `.notFound`.
    public func history(_ db: SQLiteConnection, objectID: String) throws -> [WorkflowHistoryEntry] {
        guard try isGoverned(db, objectID: objectID) else { throw DomainError.notFound("No workflow object \(objectID) was found.") }
        return try WorkflowObjectRepository.history(db, objectID: objectID).map { row in
            WorkflowHistoryEntry(
                id: try row.requiredInt64("id"), objectID: try row.requiredString("object_id"), actionID: try row.requiredInt("action_id"),
                actionName: try row.requiredString("action_name"), oldStatus: try row.string("old_status"),
                newStatus: try row.requiredString("new_status"),
                stepID: try row.requiredInt("step_id"), userID: try row.string("user_id"),
                comments: Self.decodeComments(try row.requiredString("comments")),
                at: try row.requiredString("at"))
        }
    }

    /// True when a workflow governs the object.
    public func isGoverned(_ db: SQLiteConnection, objectID: String) throws -> Bool {
        try WorkflowObjectRepository.exists(db, objectID: objectID)
    }

    /// Forgets the object and its history (when the object itself is deleted). False when unknown.
    @discardableResult
    public func removeObject(_ db: SQLiteConnection, objectID: String) throws -> Bool {
        try WorkflowObjectRepository.delete(db, objectID: objectID)
    }

    // MARK: - In their own transaction

    @discardableResult
    public func start(
        tenant: String, objectType: String, objectID: String, caller: WorkflowCaller,
        initialAction: String? = nil, comments: [String] = [], scope: TransactionScope
    ) throws -> String? {
        try database.write(in: scope) { db in
            try self.start(
                db, tenant: tenant, objectType: objectType, objectID: objectID, caller: caller,
                initialAction: initialAction, comments: comments)
        }
    }

    @discardableResult
    public func perform(
        objectID: String, actionName: String, comments: [String] = [], caller: WorkflowCaller,
        tenant: String? = nil, scope: TransactionScope
    ) throws -> WorkflowTransition {
        try database.write(in: scope) { db in
            try self.perform(db, objectID: objectID, actionName: actionName, comments: comments, caller: caller, tenant: tenant)
        }
    }

    public func availableActions(
        objectID: String, caller: WorkflowCaller, includeReserved: Bool = false,
        tenant: String? = nil, scope: TransactionScope
    ) throws -> [WorkflowActionChoice] {
        try database.read(in: scope) { db in
            try self.availableActions(db, objectID: objectID, caller: caller, includeReserved: includeReserved, tenant: tenant)
        }
    }

    public func state(objectID: String, scope: TransactionScope) throws -> WorkflowObjectState? {
        try database.read(in: scope) { db in try self.state(db, objectID: objectID) }
    }

    public func history(objectID: String, scope: TransactionScope) throws -> [WorkflowHistoryEntry] {
        try database.read(in: scope) { db in try self.history(db, objectID: objectID) }
    }

    // MARK: - Machinery

    func governedObject(_ db: SQLiteConnection, objectID: String, tenant: String?) throws -> GovernedObject {
        guard let row = try WorkflowObjectRepository.governed(db, objectID: objectID),
            try tenant == nil || row.string("tenant") == tenant,
            let definitionID = try row.int64("definition_id")
        else { throw DomainError.notFound("No workflow object \(objectID) was found.") }
        let definition = try parsed(id: definitionID, xml: row.requiredString("xml"))
        let stepID = try row.requiredInt("step_id")
        guard let step = definition.step(id: stepID) else {
            throw DomainError.conflict("\(objectID) is in step \(stepID), which its workflow definition does not declare.")
        }
        return GovernedObject(
            objectID: objectID, tenant: try row.requiredString("tenant"), objectType: try row.requiredString("object_type"),
            definitionID: definitionID, definitionKey: try row.requiredString("key"), definitionVersion: try row.requiredInt("version"),
            definition: definition, step: step, status: try row.string("status"), updated: try row.requiredString("updated"))
    }

    func choices(_ object: GovernedObject, caller: WorkflowCaller, includeReserved: Bool) throws -> [WorkflowActionChoice] {
        guard let step = object.step else { return [] }
        let evaluator = WorkflowConditionEvaluator(caller: caller, status: object.status)
        return object.definition.actions(in: step)
            .filter { !$0.isAutomatic && (includeReserved || !$0.isReserved) && evaluator.grants($0.restriction) }
            .map { WorkflowActionChoice(value: $0.name, label: $0.label, actionID: $0.id) }
    }

    func authorize(_ action: WorkflowAction, on object: GovernedObject, caller: WorkflowCaller) throws {
        guard let restriction = action.restriction,
            !WorkflowConditionEvaluator(caller: caller, status: object.status).grants(restriction)
        else { return }
        let state = object.status.map { " in state '\($0)'" } ?? ""
        throw DomainError.forbidden(
            "You are not allowed to perform '\(action.name)' on \(object.objectID)\(state): it requires \(WorkflowConditionEvaluator.describe(restriction))."
        )
    }

    /// Takes `action` (already authorized) and any automatic actions that follow, writing the state
    /// and one history row per action. Must run inside a savepoint or transaction.
    func execute(
        _ db: SQLiteConnection, object: GovernedObject, action: WorkflowAction, caller: WorkflowCaller,
        comments: [String], at stamp: String
    ) throws -> WorkflowTransition {
        var object = object
        var current = action
        var currentComments = comments
        var first: WorkflowTransition?
        var functions: [WorkflowFunctionCall] = []
        var automatic: [String] = []
        while true {
            let taken = try transition(
                db, object: &object, action: current, caller: caller, comments: currentComments,
                at: stamp, functions: &functions)
            if first == nil { first = taken } else { automatic.append(current.name) }
            let evaluator = WorkflowConditionEvaluator(caller: caller, status: object.status)
            guard
                let next = object.definition.actions(in: object.step!).first(where: { $0.isAutomatic && evaluator.grants($0.restriction) })
            else { break }
            guard automatic.count < Self.automaticActionLimit else {
                throw DomainError.conflict(
                    "Workflow '\(object.definitionKey)' ran more than \(Self.automaticActionLimit) automatic actions in a row on \(object.objectID) (last: '\(next.name)'); the definition loops."
                )
            }
            current = next
            currentComments = []
        }
        var result = first!
        result.status = object.status ?? ""
        result.stepID = object.step?.id ?? 0
        result.stepName = object.step?.name ?? ""
        result.functions = functions
        result.automaticActions = automatic
        return result
    }

    /// One action: result chosen, functions run in OSWorkflow's order (action pre, result pre, the
    /// left step's post, the entered step's pre, result post, action post), state and history written.
    private func transition(
        _ db: SQLiteConnection, object: inout GovernedObject, action: WorkflowAction, caller: WorkflowCaller,
        comments: [String], at stamp: String, functions: inout [WorkflowFunctionCall]
    ) throws -> WorkflowTransition {
        let evaluator = WorkflowConditionEvaluator(caller: caller, status: object.status)
        let result = action.conditionalResults.first { evaluator.grants($0.conditions) } ?? action.unconditionalResult
        let previousStep = object.step
        let previousStatus = object.status
        let targetID = result.step == WorkflowResult.stayInCurrentStep ? (previousStep?.id ?? 0) : result.step
        guard let target = object.definition.step(id: targetID) else {
            throw DomainError.conflict("Action '\(action.name)' leads to step \(targetID), which the definition does not declare.")
        }
        let newStatus = result.status ?? previousStatus ?? target.name
        let changesStep = previousStep?.id != target.id

        func run(_ list: [WorkflowFunction], status: String?) throws {
            for function in list {
                var handled = false
                if let handler = handler(for: function.type) {
                    try handler(
                        db,
                        WorkflowFunctionContext(
                            tenant: object.tenant, objectType: object.objectType, objectID: object.objectID, actionName: action.name,
                            function: function, caller: caller, status: status ?? ""))
                    handled = true
                }
                functions.append(WorkflowFunctionCall(type: function.type, args: function.args, handled: handled))
            }
        }

        try run(action.preFunctions + result.preFunctions, status: previousStatus)
        if changesStep, let previousStep { try run(previousStep.postFunctions, status: previousStatus) }
        if previousStep == nil {
            try WorkflowObjectRepository.insert(
                db, objectID: object.objectID, tenant: object.tenant, objectType: object.objectType,
                definitionID: object.definitionID, stepID: target.id, status: newStatus, updated: stamp)
        } else {
            try WorkflowObjectRepository.move(db, objectID: object.objectID, stepID: target.id, status: newStatus, updated: stamp)
        }
        try WorkflowObjectRepository.appendHistory(
            db, objectID: object.objectID, actionID: action.id, actionName: action.name,
            oldStatus: previousStatus, newStatus: newStatus, stepID: target.id, userID: caller.userID,
            comments: Self.encodeComments(comments), at: stamp)
        object.step = target
        object.status = newStatus
        object.updated = stamp
        if changesStep { try run(target.preFunctions, status: newStatus) }
        try run(result.postFunctions + action.postFunctions, status: newStatus)
        return WorkflowTransition(
            objectID: object.objectID, actionID: action.id, actionName: action.name, previousStatus: previousStatus,
            status: newStatus, stepID: target.id, stepName: target.name, functions: [], automaticActions: [])
    }

    /// Comments are stored as a JSON array of strings, readable in `sqlite3` and lossless.
    static func encodeComments(_ comments: [String]) -> String {
        comments.isEmpty ? "" : JSONWriter.string(.array(comments.map { .string($0) }))
    }

    static func decodeComments(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        guard case .array(let items)? = try? JSONParser.parse(text) else { return [text] }
        return items.compactMap(\.stringValue)
    }
}
