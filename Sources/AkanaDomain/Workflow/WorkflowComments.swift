import JSONCodec
/// The `Comments` of an Action request body: documented as string[], sent as a plain string by
/// every sample, so both are accepted.
public enum WorkflowComments {
    /// `"text"` → ["text"]; `["a", "b"]` → ["a", "b"]; absent or null → [].
    public static func from(_ value: JSONValue?) throws -> [String] {
        switch value {
        case nil, .null?:
            return []
        case .string(let text)?:
            return [text]
        case .array(let items)?:
            return try items.map { item in
                guard let text = item.stringValue else {
                    throw DomainError.badRequest("Comments must be a string or an array of strings.")
                }
                return text
            }
        default:
            throw DomainError.badRequest("Comments must be a string or an array of strings.")
        }
    }
}
