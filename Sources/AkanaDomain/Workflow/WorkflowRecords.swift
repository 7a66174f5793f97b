/// A stored version of a workflow definition (one row of `workflow_definitions`).
public struct StoredWorkflowDefinition: Sendable, Equatable {
    public var id: Int64
    public var tenant: String
    public var key: String
    public var version: Int
    public var name: String
    public var description: String
    public var objectType: String
    /// When this version was installed (ISO-8601), the API's `Updated`.
    public var created: String
    /// True when new objects of `objectType` start under this version (the API's `State`).
    public var isActive: Bool
    /// Objects running under this version (the API's `ObjectReferenceCount`).
    public var objectReferenceCount: Int
    /// What the engine keeps but does not run (from parsing; see `WorkflowDefinition.warnings`).
    public var warnings: [String]
}

/// An action offered to a caller: the API's `Action` object.
public struct WorkflowActionChoice: Sendable, Equatable {
    /// The ActionName to send back (`Value`).
    public var value: String
    /// Text for a button (`Label`).
    public var label: String
    public var actionID: Int

    public init(value: String, label: String, actionID: Int) {
        self.value = value
        self.label = label
        self.actionID = actionID
    }
}

/// Where an object stands in its workflow.
public struct WorkflowObjectState: Sendable, Equatable {
    public var objectID: String
    public var tenant: String
    public var objectType: String
    public var definitionID: Int64
    public var definitionKey: String
    public var definitionVersion: Int
    public var stepID: Int
    public var stepName: String
    public var status: String
    public var updated: String
}

/// One `<function>` met on the way through a transition, in the order OSWorkflow runs them.
public struct WorkflowFunctionCall: Sendable, Equatable {
    public var type: String
    public var args: [String: String]
    /// True when a handler registered with `WorkflowEngine.registerFunction` ran it.
    public var handled: Bool
}

/// The outcome of an action (or of the initial action, for `start`).
public struct WorkflowTransition: Sendable, Equatable {
    public var objectID: String
    public var actionID: Int
    public var actionName: String
    /// Nil for the initial action.
    public var previousStatus: String?
    /// What the execute-action operations answer (text/plain).
    public var status: String
    public var stepID: Int
    public var stepName: String
    public var functions: [WorkflowFunctionCall]
    /// `auto="true"` actions the engine ran after this one, in order (their own history rows are
    /// written too); `status` is the state after them.
    public var automaticActions: [String]
}

/// One row of `workflow_history`.
public struct WorkflowHistoryEntry: Sendable, Equatable {
    public var id: Int64
    public var objectID: String
    public var actionID: Int
    public var actionName: String
    public var oldStatus: String?
    public var newStatus: String
    public var stepID: Int
    public var userID: String?
    public var comments: [String]
    public var at: String
}

/// What a registered function handler is told. It runs inside the transaction of the transition,
/// on the connection it is given; throwing undoes the whole transition.
public struct WorkflowFunctionContext: Sendable {
    public var tenant: String
    public var objectType: String
    public var objectID: String
    public var actionName: String
    public var function: WorkflowFunction
    public var caller: WorkflowCaller
    /// The status the object has when the function runs: pre-functions see the old one,
    /// post-functions the new one.
    public var status: String
}
