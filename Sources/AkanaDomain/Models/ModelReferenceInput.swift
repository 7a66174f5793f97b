import JSONCodec
/// One requested model reference, resolved against the database by the service.
struct ModelReferenceInput: Equatable {
    var modelID: String?
    var versionID: String?
    /// An id given alone: a ModelID or a ModelVersionID (they have the same format).
    var anyID: String?
    /// Where it came from, for error messages.
    var field: String
}

extension BodyReader {
    /// `ModelReferences`: `{"ModelReference":[…]}` as the object is rendered, or just the list; each
    /// entry an object with `ModelID` and/or `ModelVersionID`, or an id string (either kind).
    func references(_ key: String = "ModelReferences") throws -> [ModelReferenceInput]? {
        guard let value = value(key) else { return nil }
        let field = "\(context).\(key)"
        var items: [JSONValue]
        switch value {
        case .array(let list): items = list
        case .object:
            switch value.member(caseInsensitive: "ModelReference") {
            case nil, .null?: items = []
            case .array(let list)?: items = list
            case let single?: items = [single]
            }
        default:
            throw DomainError.badRequest("\(field) must be an object with a ModelReference list, or a list, not \(value.typeName).")
        }
        return try items.enumerated().map { index, item in
            switch item {
            case .string(let id) where !id.isEmpty:
                try FieldLimits.check(id, field: "\(field)[\(index)]")
                return ModelReferenceInput(modelID: nil, versionID: nil, anyID: id, field: "\(field)[\(index)]")
            case .object:
                let reader = try BodyReader(item, context: "\(field)[\(index)]")
                let modelID = try reader.string("ModelID").flatMap { $0.isEmpty ? nil : $0 }
                let versionID = try reader.string("ModelVersionID").flatMap { $0.isEmpty ? nil : $0 }
                guard modelID != nil || versionID != nil else {
                    throw DomainError.badRequest("\(field)[\(index)] needs a ModelID or a ModelVersionID.")
                }
                return ModelReferenceInput(modelID: modelID, versionID: versionID, anyID: nil, field: "\(field)[\(index)]")
            default:
                throw DomainError.badRequest("\(field)[\(index)] must be a ModelID, a ModelVersionID or an object naming one, not \(item.typeName).")
            }
        }
    }
}
