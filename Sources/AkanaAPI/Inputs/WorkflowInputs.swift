import AkanaDomain
import JSONCodec

/// The workflow's request bodies (JSON, or XML read as the same tree), decoded in the routes.
extension WorkflowActionInput {
    /// The Action object of every execute-action operation: `ActionName` (required) and `Comments`
    /// (optional; a string or an array of strings).
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "Action", notAnObject: "The Action must be an object with ActionName.")
        guard let name = reader.body.member(caseInsensitive: "ActionName")?.stringValue, !name.isEmpty else {
            throw DomainError.badRequest("The Action needs a non-empty ActionName.")
        }
        let checkedName = try FieldLimits.check(name, field: "Action.ActionName")
        let comments: [String]
        switch reader.body.member(caseInsensitive: "Comments") {
        case nil, .null?: comments = []
        case .string(let text)?: comments = text.isEmpty ? [] : [text]
        case .array(let list)? where list.allSatisfy({ $0.stringValue != nil }): comments = list.compactMap(\.stringValue)
        case let other?: throw DomainError.badRequest("Action.Comments must be a string or an array of strings, not \(other.typeName).")
        }
        self.init(name: checkedName, comments: try FieldLimits.check(comments, field: "Action.Comments"))
    }
}
