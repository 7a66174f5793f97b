/// An Application request body (POST and PUT /api/apps…), decoded at the edge (`AkanaAPI`).
/// Every field is nil when the body leaves it out (or sends null): PUT keeps the stored value,
/// POST uses the default. `BusinessID` and the first version are read by POST only.
public struct ApplicationInput: Sendable, Equatable {
    public var name: String?
    public var summary: String?
    public var description: String?
    /// POST: the business the app belongs to ("" or nil: none).
    public var businessID: String?
    /// POST: the app's first version (`ApplicationVersion`); nil when the body has none (the
    /// version is then named "1.0", as it is when the given one has no Name).
    public var version: AppVersionInput?

    public init(
        name: String? = nil, summary: String? = nil, description: String? = nil, businessID: String? = nil,
        version: AppVersionInput? = nil
    ) {
        self.name = name
        self.summary = summary
        self.description = description
        self.businessID = businessID
        self.version = version
    }
}
