import JSONCodec
/// One version of a business model object, as stored in `model_versions` (+ its tags and references).
/// Its id is the object id of its workflow (object type `model`).
public struct ModelVersion: Sendable, Equatable {
    public var id: String
    public var modelID: String
    public var tenant: String
    public var name: String
    public var description: String
    public var visibility: String
    /// The `com.akana.model.state.*` wire value (kept in step with the workflow status).
    public var state: String
    public var schema: String
    public var sourceVersionID: String?
    public var created: String
    public var updated: String
    public var tags: [String]
    public var references: [ModelReference]
    /// The workflow actions the caller may take now; set only when asked for (`IncludeActions`).
    public var actions: [WorkflowActionChoice]?

    /// Which optional parts of the ModelVersion to render.
    public struct RenderOptions: Sendable {
        public var includeTags = true
        public var includeSchema = true
        public var includeReferences = false
        public init(includeTags: Bool = true, includeSchema: Bool = true, includeReferences: Bool = false) {
            self.includeTags = includeTags
            self.includeSchema = includeSchema
            self.includeReferences = includeReferences
        }
    }

    /// The platform's ModelVersion object, fields in the documented order (akana-api.md §4.4).
    public func json(_ options: RenderOptions = RenderOptions()) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("ModelVersionID", .string(id)),
            ("ModelID", .string(modelID)),
            ("Name", .string(name)),
            ("Description", .string(description)),
        ]
        if options.includeTags { members.append(("Tag", .array(tags.map(JSONValue.string)))) }
        members.append(("Visibility", .string(visibility)))
        members.append(("Created", .string(created)))
        members.append(("Updated", .string(updated)))
        members.append(("State", .string(state)))
        if options.includeSchema { members.append(("Schema", .string(schema))) }
        if options.includeReferences {
            members.append(("ModelReferences", .object([("ModelReference", .array(references.map(\.json)))])))
        }
        if let actions {
            members.append(("Action", .array(actions.map { .object([("Value", .string($0.value)), ("Label", .string($0.label))]) })))
        }
        return .object(members)
    }
}

/// One entry of `ModelVersion.ModelReferences`: another model object (optionally one of its
/// versions) that this version uses.
public struct ModelReference: Sendable, Equatable {
    public var modelID: String
    public var versionID: String?
    /// The referenced model's name when read (empty when it is gone).
    public var name: String

    public init(modelID: String, versionID: String?, name: String) {
        self.modelID = modelID
        self.versionID = versionID
        self.name = name
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [("ModelID", .string(modelID))]
        if let versionID { members.append(("ModelVersionID", .string(versionID))) }
        members.append(("Name", .string(name)))
        return .object(members)
    }
}
