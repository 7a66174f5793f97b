/// POST /api/businesses/{BusinessID}/resources and PUT /api/businesses/resources/{ResourceID}: the
/// Resource object, decoded at the edge (a member of the wrong type is refused there). Nil: absent
/// (on PUT, keep the stored value).
public struct ScopeInput: Sendable, Equatable {
    /// ResourceID as the body gives it: "" on POST; on PUT, when given, the scope of the URL.
    public var resourceID: String?
    public var name: String?
    public var shortDescription: String?
    public var longDescription: String?
    public var visibility: String?
    public var parentID: String?
    public var sandboxAnonymousAccessAllowed: Bool?
    public var productionAnonymousAccessAllowed: Bool?
    public var resourcePath: String?
    public var oauthGrantDefaultResource: Bool?
    public var oauthGrantUserAuthorizationRequired: Bool?
    public var businessID: String?

    public init(
        resourceID: String? = nil, name: String? = nil, shortDescription: String? = nil, longDescription: String? = nil,
        visibility: String? = nil,
        parentID: String? = nil, sandboxAnonymousAccessAllowed: Bool? = nil, productionAnonymousAccessAllowed: Bool? = nil,
        resourcePath: String? = nil, oauthGrantDefaultResource: Bool? = nil, oauthGrantUserAuthorizationRequired: Bool? = nil,
        businessID: String? = nil
    ) {
        self.resourceID = resourceID
        self.name = name
        self.shortDescription = shortDescription
        self.longDescription = longDescription
        self.visibility = visibility
        self.parentID = parentID
        self.sandboxAnonymousAccessAllowed = sandboxAnonymousAccessAllowed
        self.productionAnonymousAccessAllowed = productionAnonymousAccessAllowed
        self.resourcePath = resourcePath
        self.oauthGrantDefaultResource = oauthGrantDefaultResource
        self.oauthGrantUserAuthorizationRequired = oauthGrantUserAuthorizationRequired
        self.businessID = businessID
    }
}
