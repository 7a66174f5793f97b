/// A scope: the platform's Resource object (m_businesses_addBusinessResource), a named subset of
/// a business's APIs that licenses package and operations map to.
public struct Scope: Sendable, Equatable {
    /// ResourceID: `<uuid>.<tenant>`.
    public var id: String
    public var tenant: String
    public var businessID: String
    public var name: String
    public var shortDescription: String
    public var longDescription: String
    public var visibility: String
    /// ParentResourceID; empty for none.
    public var parentID: String
    public var sandboxAnonymousAccessAllowed: Bool
    public var productionAnonymousAccessAllowed: Bool
    public var resourcePath: String
    public var oauthGrantDefaultResource: Bool
    public var oauthGrantUserAuthorizationRequired: Bool
    public var created: String
    public var updated: String

    package init(
        id: String, tenant: String, businessID: String, name: String, shortDescription: String, longDescription: String,
        visibility: String, parentID: String, sandboxAnonymousAccessAllowed: Bool, productionAnonymousAccessAllowed: Bool,
        resourcePath: String, oauthGrantDefaultResource: Bool, oauthGrantUserAuthorizationRequired: Bool, created: String,
        updated: String
    ) {
        self.id = id
        self.tenant = tenant
        self.businessID = businessID
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
        self.created = created
        self.updated = updated
    }
}

/// One OperationResource of an API version: an operation and the scopes (ResourceID[]) it maps to.
public struct OperationScopes: Sendable, Equatable {
    public var operationName: String
    public var scopeIDs: [String]

    public init(operationName: String, scopeIDs: [String]) {
        self.operationName = operationName
        self.scopeIDs = scopeIDs
    }
}
