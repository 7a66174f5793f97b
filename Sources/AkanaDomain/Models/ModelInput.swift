/// A Model request body (POST /api/models top level, PUT /api/models/{ModelID}), decoded at the
/// edge. Absent (or null) fields are nil: PUT keeps the stored value, POST uses the default.
public struct ModelInput: Sendable, Equatable {
    /// Trimmed, not blank (checked where it is decoded).
    public var name: String?
    public var summary: String?
    public var description: String?
    public var category: String?
    /// Normalised (`Visibility.normalize`).
    public var visibility: String?
    /// Nil when absent or "".
    public var businessID: String?
    public var tags: [String]?
    /// POST /api/models: the first version (`VersionName`, `VersionDescription`, `Visibility`,
    /// `Schema`, `ModelReferences` of the same object); nil on PUT.
    public var firstVersion: ModelVersionInput?

    public init(
        name: String? = nil, summary: String? = nil, description: String? = nil, category: String? = nil,
        visibility: String? = nil, businessID: String? = nil, tags: [String]? = nil, firstVersion: ModelVersionInput? = nil
    ) {
        self.name = name
        self.summary = summary
        self.description = description
        self.category = category
        self.visibility = visibility
        self.businessID = businessID
        self.tags = tags
        self.firstVersion = firstVersion
    }
}
