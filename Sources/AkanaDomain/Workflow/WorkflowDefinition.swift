/// A workflow definition in the platform's format (OSWorkflow 2.8 XML), parsed and checked.
///
/// Steps hold their actions already resolved (their own `<action>`s plus the `<common-action>`s
/// they reference), so the engine never looks anything up by reference at run time. Whatever the
/// emulator cannot run (validators, splits' elements, unknown condition or function types, …) is
/// kept where it stood and listed in `warnings`, so an uploader learns what will not happen.
public struct WorkflowDefinition: Sendable {
    /// `<meta name="…">value</meta>` children of `<workflow>`. The shipped files use `key`, `name`,
    /// `objectType`, `description` and `activeByDefault`.
    public var meta: [String: String]
    public var initialActions: [WorkflowAction]
    /// In document order.
    public var steps: [WorkflowStep]
    public var commonActions: [WorkflowAction]
    /// Valid in every step (after the step's own actions, which win on a name clash).
    public var globalActions: [WorkflowAction]
    /// "line N: …" notes about what the engine keeps but does not run or cannot evaluate.
    public var warnings: [String]

    public static func parse(_ xml: String) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        try WorkflowDefinitionReader.read(WorkflowXMLElement.parseDocument(xml))
    }

    public func step(id: Int) -> WorkflowStep? { steps.first { $0.id == id } }

    /// Every action valid in `step` before conditions are checked: its own, then the global ones
    /// it does not override.
    public func actions(in step: WorkflowStep) -> [WorkflowAction] {
        let own = Set(step.actions.map(\.name))
        return step.actions + globalActions.filter { !own.contains($0.name) }
    }

    /// An action by name: the exact spelling first, then ignoring case (the platform spells the
    /// reserved actions both `@Modify` and `@modify` depending on the object type).
    static func find(_ name: String, in actions: [WorkflowAction]) -> WorkflowAction? {
        actions.first { $0.name == name } ?? actions.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Every action name the definition knows, for telling "unknown action" from "not now".
    var allActionNames: Set<String> {
        var names = Set(initialActions.map { $0.name.lowercased() })
        for step in steps { names.formUnion(step.actions.map { $0.name.lowercased() }) }
        names.formUnion(globalActions.map { $0.name.lowercased() })
        return names
    }
}

public struct WorkflowStep: Sendable {
    public var id: Int
    public var name: String
    public var actions: [WorkflowAction]
    /// Run (reported) when the object enters / leaves the step.
    public var preFunctions: [WorkflowFunction]
    public var postFunctions: [WorkflowFunction]
    public var line: Int
}

public struct WorkflowAction: Sendable {
    public var id: Int
    /// The API's ActionName (`model.action.submit.approval`, `@Modify`, …).
    public var name: String
    /// `<meta name="label">`, else the `view` attribute, else a label made from the name.
    public var label: String
    /// OSWorkflow `auto="true"`: run by the engine as soon as the object is in the step and the
    /// action's conditions hold for the caller who brought it there.
    public var isAutomatic: Bool
    public var restriction: WorkflowCondition?
    public var preFunctions: [WorkflowFunction]
    public var postFunctions: [WorkflowFunction]
    /// Tried in order; the first whose conditions hold is taken, else `unconditionalResult`.
    public var conditionalResults: [WorkflowResult]
    public var unconditionalResult: WorkflowResult
    public var line: Int

    /// Initial and reserved actions start with `@`; they are not offered unless asked for.
    public var isReserved: Bool { name.hasPrefix("@") }
}

public struct WorkflowResult: Sendable {
    /// `old-status`: in OSWorkflow the status left on the finished step. Kept for fidelity; the
    /// history records the object's actual previous status.
    public var oldStatus: String?
    /// The new status; nil only with `step == -1`, which keeps the current one.
    public var status: String?
    /// The step to move to; `-1` (OSWorkflow's convention) stays in the current step.
    public var step: Int
    public var owner: String?
    /// Nil for the unconditional result.
    public var conditions: WorkflowCondition?
    public var preFunctions: [WorkflowFunction]
    public var postFunctions: [WorkflowFunction]
    public var line: Int

    public static let stayInCurrentStep = -1
}

/// A `<conditions type="AND|OR">` tree.
public indirect enum WorkflowCondition: Sendable {
    case all([WorkflowCondition])
    case any([WorkflowCondition])
    case test(WorkflowConditionTest)
}

/// One `<condition type="…">` with its `<arg>`s.
public struct WorkflowConditionTest: Sendable {
    public var type: String
    public var args: [String: String]
    public var negate: Bool
    public var line: Int
}

/// One `<function type="…">` with its `<arg>`s.
public struct WorkflowFunction: Sendable, Equatable {
    public var type: String
    public var args: [String: String]
    public var line: Int
}
