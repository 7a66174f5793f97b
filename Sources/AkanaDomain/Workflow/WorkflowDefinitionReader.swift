import Foundation

/// Turns the XML tree of a definition into a `WorkflowDefinition`, refusing what the engine could
/// not run correctly (with the line) and warning about what it keeps without running.
struct WorkflowDefinitionReader {
    private var warnings: [String] = []
    /// Every action id seen, with its line: OSWorkflow requires them unique across the descriptor.
    private var actionIDs: [Int: Int] = [:]
    /// `<global-conditions>`: ANDed into every action's restriction.
    private var globalConditions: WorkflowCondition?

    static func read(_ root: WorkflowXMLElement) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        var reader = WorkflowDefinitionReader()
        return try reader.definition(root)
    }

    private mutating func definition(_ root: WorkflowXMLElement) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        guard root.name == "workflow" else {
            throw WorkflowDefinitionError(line: root.line, "the root element is <\(root.name)>; a workflow definition's root is <workflow>")
        }
        var meta: [String: String] = [:]
        var initial: [WorkflowAction] = []
        var common: [WorkflowAction] = []
        var global: [WorkflowAction] = []
        var stepElements: [WorkflowXMLElement] = []
        var sawInitial = false
        var sawSteps = false
        // global-conditions first: they apply to actions wherever they are declared.
        for element in root.children(named: "global-conditions") {
            var parts: [WorkflowCondition] = []
            for child in element.children { parts.append(try condition(child)) }
            globalConditions = conjunction(parts)
        }
        for element in root.children {
            switch element.name {
            case "meta":
                guard let name = element.attribute("name") else { throw missing("name", on: element) }
                meta[name] = element.trimmedText
            case "initial-actions":
                sawInitial = true
                initial += try actionList(element, allowed: ["action"])
            case "common-actions":
                common += try actionList(element, allowed: ["action"])
            case "global-actions":
                global += try actionList(element, allowed: ["action"])
            case "steps":
                sawSteps = true
                stepElements += element.children.filter { child in
                    if child.name == "step" { return true }
                    warn(child, "<\(child.name)> inside <steps> is ignored")
                    return false
                }
            case "global-conditions":
                break
            case "registers", "trigger-functions":
                warn(element, "<\(element.name)> is kept but not run by the emulator")
            case "splits", "joins":
                warn(element, "<\(element.name)> is kept but not run by the emulator (no result may lead to a split or join)")
            default:
                warn(element, "unknown element <\(element.name)> is ignored")
            }
        }
        guard sawInitial, !initial.isEmpty else {
            throw WorkflowDefinitionError(line: root.line, "<workflow> needs <initial-actions> with at least one <action> (e.g. @Create)")
        }
        guard sawSteps, !stepElements.isEmpty else {
            throw WorkflowDefinitionError(line: root.line, "<workflow> needs <steps> with at least one <step>")
        }
        var steps: [WorkflowStep] = []
        for element in stepElements { steps.append(try step(element, common: common, global: global, earlier: steps)) }
        let stepIDs = Set(steps.map(\.id))
        try checkTargets(initial, stepIDs: stepIDs, initial: true)
        try checkTargets(common + global + steps.flatMap(\.actions), stepIDs: stepIDs, initial: false)
        for (index, action) in initial.enumerated() {
            if let other = initial[..<index].first(where: { $0.name.caseInsensitiveCompare(action.name) == .orderedSame }) {
                throw WorkflowDefinitionError(
                    line: action.line, "two initial actions are named '\(action.name)' (the other is on line \(other.line))")
            }
        }
        return WorkflowDefinition(
            meta: meta, initialActions: initial, steps: steps, commonActions: common,
            globalActions: global, warnings: warnings)
    }

    // MARK: Steps

    private mutating func step(
        _ element: WorkflowXMLElement, common: [WorkflowAction], global: [WorkflowAction],
        earlier: [WorkflowStep]
    ) throws(WorkflowDefinitionError) -> WorkflowStep {
        let id = try integer("id", of: element)
        if let other = earlier.first(where: { $0.id == id }) {
            throw WorkflowDefinitionError(line: element.line, "step id \(id) is used twice (also on line \(other.line))")
        }
        let name = element.attribute("name") ?? "Step \(id)"
        if element.attribute("name") == nil { warn(element, "step \(id) has no name") }
        var actions: [WorkflowAction] = []
        var pre: [WorkflowFunction] = []
        var post: [WorkflowFunction] = []
        for child in element.children {
            switch child.name {
            case "actions":
                for entry in child.children {
                    switch entry.name {
                    case "action":
                        actions.append(try action(entry))
                    case "common-action":
                        let ref = try integer("id", of: entry)
                        guard let shared = common.first(where: { $0.id == ref }) else {
                            throw WorkflowDefinitionError(
                                line: entry.line, "<common-action id=\"\(ref)\"/> in step '\(name)' names no action of <common-actions>")
                        }
                        actions.append(shared)
                    default:
                        warn(entry, "<\(entry.name)> inside <actions> is ignored")
                    }
                }
            case "pre-functions": pre += try functions(child)
            case "post-functions": post += try functions(child)
            case "meta": break
            case "external-permissions": warn(child, "<external-permissions> of step '\(name)' are not enforced by the emulator")
            default: warn(child, "<\(child.name)> inside <step> is ignored")
            }
        }
        // A name must pick one action: the step's own and its common actions may not clash.
        for (index, action) in actions.enumerated() {
            if let other = actions[..<index].first(where: { $0.name.caseInsensitiveCompare(action.name) == .orderedSame }) {
                throw WorkflowDefinitionError(
                    line: action.line, "step '\(name)' has two actions named '\(action.name)' (the other is on line \(other.line))")
            }
        }
        for action in global where actions.contains(where: { $0.name.caseInsensitiveCompare(action.name) == .orderedSame }) {
            warn(element, "step '\(name)' has its own '\(action.name)', which hides the global action of that name")
        }
        return WorkflowStep(id: id, name: name, actions: actions, preFunctions: pre, postFunctions: post, line: element.line)
    }

    /// Results must lead to a declared step; `-1` (stay) has no meaning before there is a step.
    private func checkTargets(_ actions: [WorkflowAction], stepIDs: Set<Int>, initial: Bool) throws(WorkflowDefinitionError) {
        for action in actions {
            for result in action.conditionalResults + [action.unconditionalResult] {
                if result.step == WorkflowResult.stayInCurrentStep {
                    if initial {
                        throw WorkflowDefinitionError(
                            line: result.line,
                            "initial action '\(action.name)' must lead to a step; step=\"-1\" (stay) has no step to stay in")
                    }
                } else if !stepIDs.contains(result.step) {
                    throw WorkflowDefinitionError(
                        line: result.line,
                        "the result of action '\(action.name)' leads to step \(result.step), which is not declared in <steps>")
                }
            }
        }
    }

    // MARK: Actions

    private mutating func actionList(_ element: WorkflowXMLElement, allowed: Set<String>) throws(WorkflowDefinitionError)
        -> [WorkflowAction]
    {
        var actions: [WorkflowAction] = []
        for child in element.children {
            if allowed.contains(child.name) {
                actions.append(try action(child))
            } else {
                warn(child, "<\(child.name)> inside <\(element.name)> is ignored")
            }
        }
        return actions
    }

    private mutating func action(_ element: WorkflowXMLElement) throws(WorkflowDefinitionError) -> WorkflowAction {
        let id = try integer("id", of: element)
        if let other = actionIDs[id] {
            throw WorkflowDefinitionError(
                line: element.line,
                "action id \(id) is used twice (also on line \(other)); action ids must be unique in the whole definition")
        }
        actionIDs[id] = element.line
        guard let name = element.attribute("name") else { throw missing("name", on: element) }
        var label = element.attribute("view")
        var restriction: WorkflowCondition?
        var pre: [WorkflowFunction] = []
        var post: [WorkflowFunction] = []
        var conditional: [WorkflowResult] = []
        var unconditional: WorkflowResult?
        for child in element.children {
            switch child.name {
            case "meta":
                if child.attribute("name") == "label", !child.trimmedText.isEmpty { label = child.trimmedText }
            case "restrict-to":
                var parts: [WorkflowCondition] = []
                for part in child.children {
                    if part.name == "conditions" || part.name == "condition" {
                        parts.append(try condition(part))
                    } else {
                        warn(part, "<\(part.name)> inside <restrict-to> is ignored")
                    }
                }
                restriction = conjunction(parts)
            case "validators":
                warn(child, "the validators of action '\(name)' are not run by the emulator")
            case "pre-functions": pre += try functions(child)
            case "post-functions": post += try functions(child)
            case "results":
                for entry in child.children {
                    switch entry.name {
                    case "result":
                        guard unconditional == nil else {
                            throw WorkflowDefinitionError(
                                line: entry.line, "in action '\(name)', <result> must come before <unconditional-result>")
                        }
                        conditional.append(try result(entry, action: name, conditional: true))
                    case "unconditional-result":
                        guard unconditional == nil else {
                            throw WorkflowDefinitionError(line: entry.line, "action '\(name)' has more than one <unconditional-result>")
                        }
                        unconditional = try result(entry, action: name, conditional: false)
                    default:
                        warn(entry, "<\(entry.name)> inside <results> is ignored")
                    }
                }
            default:
                warn(child, "<\(child.name)> inside <action> is ignored")
            }
        }
        guard let unconditional else {
            throw WorkflowDefinitionError(line: element.line, "action '\(name)' has no <results><unconditional-result …/></results>")
        }
        if let globalConditions {
            restriction = restriction.map { .all([globalConditions, $0]) } ?? globalConditions
        }
        let automatic = element.attribute("auto")?.lowercased() == "true"
        return WorkflowAction(
            id: id, name: name, label: label ?? Self.label(forActionName: name), isAutomatic: automatic,
            restriction: restriction, preFunctions: pre, postFunctions: post, conditionalResults: conditional,
            unconditionalResult: unconditional, line: element.line)
    }

    private mutating func result(_ element: WorkflowXMLElement, action: String, conditional: Bool) throws(WorkflowDefinitionError)
        -> WorkflowResult
    {
        for attribute in ["split", "join"] where element.attribute(attribute) != nil {
            throw WorkflowDefinitionError(
                line: element.line,
                "the result of action '\(action)' leads to a \(attribute); splits and joins are not supported by the emulator (lead to a step)"
            )
        }
        guard element.attribute("step") != nil else { throw missing("step", on: element) }
        let step = try integer("step", of: element)
        let status = element.attribute("status")
        if status == nil, step != WorkflowResult.stayInCurrentStep { throw missing("status", on: element) }
        if element.attribute("old-status") == nil {
            warn(element, "<\(element.name)> of action '\(action)' has no old-status (OSWorkflow requires one)")
        }
        var conditions: [WorkflowCondition] = []
        var pre: [WorkflowFunction] = []
        var post: [WorkflowFunction] = []
        for child in element.children {
            switch child.name {
            case "conditions", "condition":
                if conditional {
                    conditions.append(try condition(child))
                } else {
                    warn(child, "conditions on an <unconditional-result> are ignored")
                }
            case "pre-functions": pre += try functions(child)
            case "post-functions": post += try functions(child)
            case "validators": warn(child, "the validators of a result of action '\(action)' are not run by the emulator")
            default: warn(child, "<\(child.name)> inside <\(element.name)> is ignored")
            }
        }
        if conditional, conditions.isEmpty { warn(element, "a <result> of action '\(action)' has no conditions, so it is always taken") }
        return WorkflowResult(
            oldStatus: element.attribute("old-status"), status: status, step: step, owner: element.attribute("owner"),
            conditions: conditional ? conjunction(conditions) : nil,
            preFunctions: pre, postFunctions: post, line: element.line)
    }

    // MARK: Conditions and functions

    /// Several sibling condition blocks must all hold; nil when there are none.
    private func conjunction(_ parts: [WorkflowCondition]) -> WorkflowCondition? {
        switch parts.count {
        case 0: return nil
        case 1: return parts[0]
        default: return .all(parts)
        }
    }

    private mutating func condition(_ element: WorkflowXMLElement) throws(WorkflowDefinitionError) -> WorkflowCondition {
        switch element.name {
        case "conditions":
            let kind = (element.attribute("type") ?? "AND").uppercased()
            guard kind == "AND" || kind == "OR" else {
                throw WorkflowDefinitionError(
                    line: element.line, "<conditions type=\"\(element.attributes["type"] ?? "")\"> must be AND or OR")
            }
            var parts: [WorkflowCondition] = []
            for child in element.children {
                if child.name == "condition" || child.name == "conditions" {
                    parts.append(try condition(child))
                } else {
                    warn(child, "<\(child.name)> inside <conditions> is ignored")
                }
            }
            guard !parts.isEmpty else {
                throw WorkflowDefinitionError(line: element.line, "<conditions> is empty; put at least one <condition> in it or remove it")
            }
            return kind == "AND" ? .all(parts) : .any(parts)
        case "condition":
            return .test(try conditionTest(element))
        default:
            throw WorkflowDefinitionError(line: element.line, "<\(element.name)> is not a condition; expected <conditions> or <condition>")
        }
    }

    private mutating func conditionTest(_ element: WorkflowXMLElement) throws(WorkflowDefinitionError) -> WorkflowConditionTest {
        guard let type = element.attribute("type") else { throw missing("type", on: element) }
        let args = try arguments(element)
        let negate = ["true", "yes"].contains(element.attribute("negate")?.lowercased() ?? "")
        let test = WorkflowConditionTest(type: type, args: args, negate: negate, line: element.line)
        switch type {
        case WorkflowVocabulary.roleCondition:
            let roles = WorkflowVocabulary.roles(of: test)
            guard !roles.isEmpty else {
                throw WorkflowDefinitionError(
                    line: element.line, "<condition type=\"\(type)\"> needs <arg name=\"role\">, e.g. BusinessAdmin")
            }
            for role in roles where !WorkflowVocabulary.normalizedKnownRoles.contains(WorkflowVocabulary.normalizedRole(role)) {
                warn(
                    element,
                    "role '\(role)' is not one the emulator gives callers (\(WorkflowVocabulary.roles.joined(separator: ", "))); the condition grants only callers passed that role"
                )
            }
        case "class" where args["class.name"] == WorkflowVocabulary.statusConditionClass:
            guard args["status"] != nil else {
                throw WorkflowDefinitionError(line: element.line, "StatusCondition needs <arg name=\"status\">")
            }
        default:
            let what = type == "class" ? "class \(args["class.name"] ?? "(no class.name)")" : "type '\(type)'"
            warn(element, "condition \(what) cannot be evaluated by the emulator; it never grants access")
        }
        return test
    }

    private mutating func functions(_ element: WorkflowXMLElement) throws(WorkflowDefinitionError) -> [WorkflowFunction] {
        var functions: [WorkflowFunction] = []
        for child in element.children {
            guard child.name == "function" else {
                warn(child, "<\(child.name)> inside <\(element.name)> is ignored")
                continue
            }
            guard let type = child.attribute("type") else { throw missing("type", on: child) }
            let args = try arguments(child)
            if !WorkflowVocabulary.functions.contains(type) {
                let what = type == "class" ? "class \(args["class.name"] ?? "(no class.name)")" : "type '\(type)'"
                warn(
                    child,
                    "function \(what) is not one the platform documents; it is reported in transitions but nothing runs it unless a handler is registered"
                )
            }
            functions.append(WorkflowFunction(type: type, args: args, line: child.line))
        }
        return functions
    }

    private func arguments(_ element: WorkflowXMLElement) throws(WorkflowDefinitionError) -> [String: String] {
        var args: [String: String] = [:]
        for arg in element.children(named: "arg") {
            guard let name = arg.attribute("name") else { throw missing("name", on: arg) }
            args[name] = arg.trimmedText
        }
        return args
    }

    // MARK: Helpers

    private func integer(_ attribute: String, of element: WorkflowXMLElement) throws(WorkflowDefinitionError) -> Int {
        guard let text = element.attribute(attribute) else { throw missing(attribute, on: element) }
        guard let value = Int(text) else {
            throw WorkflowDefinitionError(line: element.line, "<\(element.name) \(attribute)=\"\(text)\"> must be an integer")
        }
        return value
    }

    private func missing(_ attribute: String, on element: WorkflowXMLElement) -> WorkflowDefinitionError {
        WorkflowDefinitionError(line: element.line, "<\(element.name)> needs a non-empty \(attribute) attribute")
    }

    private mutating func warn(_ element: WorkflowXMLElement, _ message: String) {
        warnings.append("line \(element.line): \(message)")
    }

    /// `model.action.submit.approval` → "Submit Approval"; `@RegeneratedSecret` → "Regenerated Secret".
    static func label(forActionName name: String) -> String {
        var core = Substring(name)
        if core.hasPrefix("@") { core = core.dropFirst() }
        if let range = core.range(of: ".action.") { core = core[range.upperBound...] }
        var words: [String] = []
        var current = ""
        for character in core {
            if character == "." || character == "_" || character == "-" || character == " " {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else if character.isUppercase, let last = current.last, last.isLowercase {
                words.append(current)
                current = String(character)
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
