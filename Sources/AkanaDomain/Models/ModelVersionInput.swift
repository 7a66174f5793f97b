/// A model version's fields, decoded at the edge: the ModelVersion object of PUT
/// /api/models/versions/{ModelVersionID} (`Name`, `Description`, …), the AddModelVersionRequest of
/// POST /api/models/{ModelID}/versions (`VersionName`, `VersionDescription`, …, with
/// `SourceModelVersionID` and `BusinessID`), or a new model's first version. Absent (or null)
/// fields are nil: PUT keeps the stored value; a new version takes its source's, or the default.
public struct ModelVersionInput: Sendable, Equatable {
    /// Trimmed, not blank (checked where it is decoded).
    public var name: String?
    public var description: String?
    /// Normalised (`Visibility.normalize`).
    public var visibility: String?
    /// The schema text (a JSON schema sent as an object is its JSON text).
    public var schema: String?
    public var tags: [String]?
    public var references: [ModelReferenceInput]?
    /// POST …/versions: the version (of the same model) whose fields the new one copies where it gives none.
    public var sourceVersionID: String?
    /// POST …/versions: the business, checked but not stored (the model's stays).
    public var businessID: String?

    public init(
        name: String? = nil, description: String? = nil, visibility: String? = nil, schema: String? = nil,
        tags: [String]? = nil, references: [ModelReferenceInput]? = nil, sourceVersionID: String? = nil,
        businessID: String? = nil
    ) {
        self.name = name
        self.description = description
        self.visibility = visibility
        self.schema = schema
        self.tags = tags
        self.references = references
        self.sourceVersionID = sourceVersionID
        self.businessID = businessID
    }
}
