/// One requested model reference (an entry of `ModelReferences`), resolved against the database
/// by the service.
public struct ModelReferenceInput: Sendable, Equatable {
    public var modelID: String?
    public var versionID: String?
    /// An id given alone: a ModelID or a ModelVersionID (they have the same format).
    public var anyID: String?
    /// Where it came from, for error messages (`ModelVersion.ModelReferences[0]`).
    public var field: String

    public init(modelID: String?, versionID: String?, anyID: String?, field: String) {
        self.modelID = modelID
        self.versionID = versionID
        self.anyID = anyID
        self.field = field
    }
}
