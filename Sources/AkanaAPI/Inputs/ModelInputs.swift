import AkanaDomain
import JSONCodec

/// The models' request bodies, decoded in the routes (wire types and limits; `ModelService`
/// checks what the values mean).
extension ModelInput {
    /// PUT /api/models/{ModelID}: the Model object's own fields.
    init(body: JSONValue) throws {
        try self.init(BodyReader(body, context: "Model"))
    }

    /// POST /api/models: the Model, with its first version's fields (`VersionName`,
    /// `VersionDescription`, `Visibility`, `Schema`, `ModelReferences`) in the same object.
    init(creationBody body: JSONValue) throws {
        let reader = try BodyReader(body, context: "Model")
        if reader.value("SchemaDocumentReference") != nil {
            throw DomainError.badRequest(
                "Model.SchemaDocumentReference is not supported: the emulator does not keep POST /api/models/readfiledetails uploads; send Name and the schema text as Schema instead."
            )
        }
        try self.init(reader)
        firstVersion = try ModelVersionInput(request: reader)
    }

    private init(_ reader: BodyReader) throws {
        self.init(
            name: try reader.name("Name"), summary: try reader.string("Summary"), description: try reader.string("Description"),
            category: try reader.string("ModelCategory"), visibility: try reader.visibility(),
            businessID: try reader.string("BusinessID").flatMap { $0.isEmpty ? nil : $0 }, tags: try reader.tags())
    }
}

extension ModelVersionInput {
    /// PUT /api/models/versions/{ModelVersionID}: the ModelVersion object. Read-only members
    /// (ModelVersionID, ModelID, State, Created, Updated, Action, Links) are ignored.
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "ModelVersion")
        self.init(
            name: try reader.name("Name"), description: try reader.string("Description"), visibility: try reader.visibility(),
            schema: try reader.schema(), tags: try reader.tags(), references: try reader.references())
    }

    /// POST /api/models/{ModelID}/versions: the AddModelVersionRequest.
    init(additionBody body: JSONValue) throws {
        let reader = try BodyReader(body, context: "AddModelVersionRequest")
        try self.init(request: reader)
        tags = try reader.tags()
        sourceVersionID = try reader.string("SourceModelVersionID").flatMap { $0.isEmpty ? nil : $0 }
        businessID = try reader.string("BusinessID").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The version fields of a create or add request (`VersionName`, `VersionDescription`; no tags).
    fileprivate init(request reader: BodyReader) throws {
        self.init(
            name: try reader.name("VersionName"), description: try reader.string("VersionDescription"),
            visibility: try reader.visibility(), schema: try reader.schema(), tags: nil, references: try reader.references())
    }
}

extension BodyReader {
    /// The schema text. A JSON schema sent as an object (or array) rather than a string is kept as its JSON text.
    func schema(_ key: String = "Schema") throws -> String? {
        guard let value = value(key) else { return nil }
        switch value {
        case .string(let text): return text
        case .object, .array: return JSONWriter.string(value)
        default:
            throw DomainError.badRequest(
                "\(context).\(key) must be the schema text (a string) or a JSON schema object, not \(value.typeName).")
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
                throw DomainError.badRequest(
                    "\(field)[\(index)] must be a ModelID, a ModelVersionID or an object naming one, not \(item.typeName).")
            }
        }
    }
}
