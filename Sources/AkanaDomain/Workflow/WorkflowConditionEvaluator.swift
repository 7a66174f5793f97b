/// Evaluates condition trees in three-valued (Kleene) logic, so a condition the emulator cannot
/// evaluate is "unknown" rather than true or false: it can neither grant access on its own nor be
/// turned into a grant by `negate="true"`. Only a tree that is definitely true grants.
struct WorkflowConditionEvaluator {
    enum Truth: Equatable {
        case yes, no, unknown

        var negated: Truth {
            switch self {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        }
    }

    /// The caller's roles, normalized (see `WorkflowVocabulary.normalizedRole`).
    let roles: Set<String>
    /// The object's current status (nil before the initial action).
    let status: String?

    init(caller: WorkflowCaller, status: String?) {
        roles = Set(caller.roles.map(WorkflowVocabulary.normalizedRole))
        self.status = status
    }

    /// True when `condition` is absent or definitely holds.
    func grants(_ condition: WorkflowCondition?) -> Bool {
        guard let condition else { return true }
        return evaluate(condition) == .yes
    }

    func evaluate(_ condition: WorkflowCondition) -> Truth {
        switch condition {
        case .all(let parts):
            let values = parts.map(evaluate)
            if values.contains(.no) { return .no }
            return values.contains(.unknown) ? .unknown : .yes
        case .any(let parts):
            let values = parts.map(evaluate)
            if values.contains(.yes) { return .yes }
            return values.contains(.unknown) ? .unknown : .no
        case .test(let test):
            let value = evaluate(test)
            return test.negate ? value.negated : value
        }
    }

    private func evaluate(_ test: WorkflowConditionTest) -> Truth {
        switch test.type {
        case WorkflowVocabulary.roleCondition:
            let wanted = WorkflowVocabulary.roles(of: test).map(WorkflowVocabulary.normalizedRole)
            return wanted.contains(where: roles.contains) ? .yes : .no
        case "class" where test.args["class.name"] == WorkflowVocabulary.statusConditionClass:
            return status == test.args["status"] ? .yes : .no
        default:
            return .unknown
        }
    }

    /// A sentence fragment for faults: "role BusinessAdmin or SchemaApprover".
    static func describe(_ condition: WorkflowCondition) -> String {
        switch condition {
        case .all(let parts): return parts.map { describeNested($0) }.joined(separator: " and ")
        case .any(let parts):
            // The common shape, one role condition per allowed role, reads "role A or B or C".
            let roles = parts.compactMap { part -> [String]? in
                guard case .test(let test) = part, test.type == WorkflowVocabulary.roleCondition, !test.negate else { return nil }
                return WorkflowVocabulary.roles(of: test)
            }
            if roles.count == parts.count { return "role " + roles.flatMap { $0 }.joined(separator: " or ") }
            return parts.map { describeNested($0) }.joined(separator: " or ")
        case .test(let test):
            var text: String
            switch test.type {
            case WorkflowVocabulary.roleCondition:
                text = "role " + WorkflowVocabulary.roles(of: test).joined(separator: " or ")
            case "class" where test.args["class.name"] == WorkflowVocabulary.statusConditionClass:
                text = "status \(test.args["status"] ?? "")"
            default:
                text = "condition '\(test.type)' (line \(test.line), not evaluable by the emulator)"
            }
            if test.negate { text = "not " + text }
            return text
        }
    }

    private static func describeNested(_ condition: WorkflowCondition) -> String {
        if case .test = condition { return describe(condition) }
        if case .all(let parts) = condition, parts.count == 1 { return describe(condition) }
        if case .any(let parts) = condition, parts.count == 1 { return describe(condition) }
        return "(" + describe(condition) + ")"
    }
}
