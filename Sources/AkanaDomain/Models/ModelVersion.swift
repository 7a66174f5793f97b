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
}
