import Foundation

/// Reads and validates the fields of a model request body. Every problem is a 400 that names the
/// field as `<context>.<Field>`; absent and null fields are nil (keep the stored value). Member
/// names match without case, as the platform's JSON binding does.
struct ModelBodyReader {
    let body: JSONValue
    let context: String

    init(_ body: JSONValue, context: String) throws {
        guard case .object = body else { throw DomainError.badRequest("\(context) must be a JSON object, not \(body.typeName).") }
        self.body = body
        self.context = context
    }

    func value(_ key: String) -> JSONValue? {
        guard let value = body.member(caseInsensitive: key), value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else { throw DomainError.badRequest("\(context).\(key) must be a string, not \(value.typeName).") }
        return try FieldLimits.check(text, field: "\(context).\(key)")
    }

    /// A name: a string that is not blank, within the name limit (`FieldLimits`).
    func name(_ key: String) throws -> String? {
        guard let text = try string(key) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError.badRequest("\(context).\(key) must not be empty.") }
        return trimmed
    }

    func visibility(_ key: String = "Visibility") throws -> String? {
        guard let text = try string(key) else { return nil }
        guard let value = Visibility.normalize(text) else {
            throw DomainError.badRequest("\(context).\(key) must be Public, Limited or com.soa.visibility.registered.users, not '\(text)'.")
        }
        return value
    }

    func tags(_ key: String = "Tag") throws -> [String]? {
        guard let value = value(key) else { return nil }
        // A single tag sent as a string is taken as a one-element list.
        if let text = value.stringValue { return text.isEmpty ? [] : [try FieldLimits.check(text, field: "\(context).\(key)")] }
        guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
            throw DomainError.badRequest("\(context).\(key) must be an array of strings, not \(value.typeName).")
        }
        var seen = Set<String>()
        return try FieldLimits.check(list.compactMap(\.stringValue).filter { !$0.isEmpty && seen.insert($0).inserted }, field: "\(context).\(key)")
    }

    /// The schema text. A JSON schema sent as an object (or array) rather than a string is kept as its JSON text.
    func schema(_ key: String = "Schema") throws -> String? {
        guard let value = value(key) else { return nil }
        switch value {
        case .string(let text): return text
        case .object, .array: return JSONWriter.string(value)
        default: throw DomainError.badRequest("\(context).\(key) must be the schema text (a string) or a JSON schema object, not \(value.typeName).")
        }
    }

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
                return ModelReferenceInput(modelID: nil, versionID: nil, anyID: id, field: "\(field)[\(index)]")
            case .object:
                let reader = try ModelBodyReader(item, context: "\(field)[\(index)]")
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

/// One requested model reference, resolved against the database by the service.
struct ModelReferenceInput: Equatable {
    var modelID: String?
    var versionID: String?
    /// An id given alone: a ModelID or a ModelVersionID (they have the same format).
    var anyID: String?
    /// Where it came from, for error messages.
    var field: String
}

/// The model's own fields (POST /api/models top level, PUT /api/models/{ModelID}).
struct ModelFields {
    var name: String?
    var summary: String?
    var description: String?
    var category: String?
    var visibility: String?
    var businessID: String?
    var tags: [String]?

    init(_ reader: ModelBodyReader) throws {
        name = try reader.name("Name")
        summary = try reader.string("Summary")
        description = try reader.string("Description")
        category = try reader.string("ModelCategory")
        visibility = try reader.visibility()
        businessID = try reader.string("BusinessID").flatMap { $0.isEmpty ? nil : $0 }
        tags = try reader.tags()
    }
}

/// A version's fields. Creating a model and adding a version name them `VersionName` and
/// `VersionDescription`; the ModelVersion object itself (PUT) says `Name` and `Description`.
struct ModelVersionFields {
    var name: String?
    var description: String?
    var visibility: String?
    var schema: String?
    var tags: [String]?
    var references: [ModelReferenceInput]?

    /// PUT /api/models/versions/{ModelVersionID}: the ModelVersion object. Read-only members
    /// (ModelVersionID, ModelID, State, Created, Updated, Action, Links) are ignored.
    init(modelVersion reader: ModelBodyReader) throws {
        name = try reader.name("Name")
        description = try reader.string("Description")
        visibility = try reader.visibility()
        schema = try reader.schema()
        tags = try reader.tags()
        references = try reader.references()
    }

    /// POST /api/models and POST /api/models/{ModelID}/versions (AddModelVersionRequest).
    init(request reader: ModelBodyReader) throws {
        name = try reader.name("VersionName")
        description = try reader.string("VersionDescription")
        visibility = try reader.visibility()
        schema = try reader.schema()
        tags = nil
        references = try reader.references()
    }
}
