import AkanaDomain
import JSONCodec

/// The business settings objects' bodies (JSON, or XML read as the same tree): each member a
/// scalar; which members and values are valid is the domain's catalogue (`BusinessSettingsSection`).
enum BusinessSettingsInputs {
    static func values(_ body: JSONValue, section: BusinessSettingsSection) throws -> [(name: String, value: BusinessSettingValue)] {
        let reader = try BodyReader(body, context: section.root)
        guard case .object(let members) = reader.body else { return [] }
        return try members.compactMap { name, value in
            _ = try FieldLimits.check(name, field: "\(section.root) member name")
            return try scalar(value, field: "\(section.root).\(name)").map { (name, $0) }
        }
    }

    /// A member's value; nil for null (the member keeps its value).
    static func scalar(_ value: JSONValue, field: String) throws -> BusinessSettingValue? {
        switch value {
        case .null: return nil
        case .string(let text): return .text(try FieldLimits.check(text, field: field))
        case .bool(let flag): return .boolean(flag)
        case .integer(let number): return .integer(number)
        default: throw DomainError.badRequest("\(field) must be a string, a whole number or a boolean, not \(value.typeName).")
        }
    }

    /// `{"WorkflowSetting": [{"WorkflowDefinitionKey", "Environment", "ConnectionCommentWorkflowDefKey"}, …]}`
    /// (a single object is a one-element list, as the XML binding reads one element).
    static func connectionSettings(_ body: JSONValue) throws -> [ConnectionWorkflowSetting] {
        let reader = try BodyReader(body, context: "BusinessConnectionSettings")
        let list: [JSONValue]
        switch reader.value("WorkflowSetting") {
        case nil: throw DomainError.badRequest("BusinessConnectionSettings needs a WorkflowSetting list.")
        case .array(let items)?: list = items
        case let item?: list = [item]
        }
        guard list.count <= ConnectionWorkflowSetting.environments.count else {
            throw DomainError.badRequest("BusinessConnectionSettings.WorkflowSetting has one entry per environment (Production, Sandbox).")
        }
        try refuseUnknownMembers(body, known: ["WorkflowSetting"], in: "BusinessConnectionSettings")
        return try list.map { item in
            let entry = try BodyReader(item, context: "BusinessConnectionSettings.WorkflowSetting")
            try refuseUnknownMembers(
                item, known: ["WorkflowDefinitionKey", "Environment", "ConnectionCommentWorkflowDefKey"],
                in: "BusinessConnectionSettings.WorkflowSetting")
            guard let environment = try entry.string("Environment") else {
                throw DomainError.badRequest("BusinessConnectionSettings.WorkflowSetting.Environment is required (Production or Sandbox).")
            }
            return ConnectionWorkflowSetting(
                environment: environment, workflowDefinitionKey: try entry.string("WorkflowDefinitionKey"),
                connectionCommentWorkflowDefKey: try entry.string("ConnectionCommentWorkflowDefKey"))
        }
    }

    /// A settings body names only the members the emulator knows (as every settings object does):
    /// one it would drop could let a test believe it set something.
    private static func refuseUnknownMembers(_ value: JSONValue, known: [String], in context: String) throws {
        guard case .object(let members) = value else { return }
        for (name, _) in members where !known.contains(where: { $0.lowercased() == name.lowercased() }) {
            throw DomainError.badRequest("\(name) is not a member of \(context); it has \(known.joined(separator: ", ")).")
        }
    }
}
