import JSONCodec
/// A version's fields. Creating a model and adding a version name them `VersionName` and
/// `VersionDescription` (`init(request:)`); the ModelVersion object itself (PUT) says `Name` and
/// `Description` (`init(_:)`, the `BodyInput` reading).
struct ModelVersionFields: BodyInput {
    var name: String?
    var description: String?
    var visibility: String?
    var schema: String?
    var tags: [String]?
    var references: [ModelReferenceInput]?

    /// PUT /api/models/versions/{ModelVersionID}: the ModelVersion object. Read-only members
    /// (ModelVersionID, ModelID, State, Created, Updated, Action, Links) are ignored.
    init(_ reader: BodyReader) throws {
        name = try reader.name("Name")
        description = try reader.string("Description")
        visibility = try reader.visibility()
        schema = try reader.schema()
        tags = try reader.tags()
        references = try reader.references()
    }

    /// POST /api/models and POST /api/models/{ModelID}/versions (AddModelVersionRequest).
    init(request reader: BodyReader) throws {
        name = try reader.name("VersionName")
        description = try reader.string("VersionDescription")
        visibility = try reader.visibility()
        schema = try reader.schema()
        tags = nil
        references = try reader.references()
    }
}

extension BodyReader {
    /// The schema text. A JSON schema sent as an object (or array) rather than a string is kept as its JSON text.
    func schema(_ key: String = "Schema") throws -> String? {
        guard let value = value(key) else { return nil }
        switch value {
        case .string(let text): return text
        case .object, .array: return JSONWriter.string(value)
        default: throw DomainError.badRequest("\(context).\(key) must be the schema text (a string) or a JSON schema object, not \(value.typeName).")
        }
    }
}
