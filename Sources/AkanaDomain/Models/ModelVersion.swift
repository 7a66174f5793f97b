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

    package init(
        id: String, modelID: String, tenant: String, name: String, description: String, visibility: String, state: String,
        schema: String, sourceVersionID: String?, created: String, updated: String, tags: [String], references: [ModelReference],
        actions: [WorkflowActionChoice]?
    ) {
        self.id = id
        self.modelID = modelID
        self.tenant = tenant
        self.name = name
        self.description = description
        self.visibility = visibility
        self.state = state
        self.schema = schema
        self.sourceVersionID = sourceVersionID
        self.created = created
        self.updated = updated
        self.tags = tags
        self.references = references
        self.actions = actions
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
}
