import AkanaDomain
import JSONCodec

/// The scopes' request bodies (m_businesses_addBusinessResource, …updateBusinessResource,
/// m_apis_saveOperationResources), decoded in the routes.
extension ScopeInput {
    /// The Resource object: `{ResourceID, Name, ShortDescription, LongDescription, Visibility,
    /// SandboxAnonymousAccessAllowed, ProductionAnonymousAccessAllowed, ResourcePath,
    /// OAuthGrantDefaultResource, OAuthGrantUserAuthorizationRequired, ParentResourceID,
    /// BusinessID}`. Flags are booleans or "true"/"false" (the page's sample sends strings).
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "Resource")
        self.init(
            resourceID: try reader.string("ResourceID"), name: try reader.name("Name"),
            shortDescription: try reader.string("ShortDescription"), longDescription: try reader.string("LongDescription"),
            visibility: try reader.visibility(), parentID: try reader.string("ParentResourceID"),
            sandboxAnonymousAccessAllowed: try reader.bool("SandboxAnonymousAccessAllowed"),
            productionAnonymousAccessAllowed: try reader.bool("ProductionAnonymousAccessAllowed"),
            resourcePath: try reader.string("ResourcePath"), oauthGrantDefaultResource: try reader.bool("OAuthGrantDefaultResource"),
            oauthGrantUserAuthorizationRequired: try reader.bool("OAuthGrantUserAuthorizationRequired"),
            businessID: try reader.string("BusinessID"))
    }
}

extension OperationScopes {
    /// PUT /api/apis/versions/{APIVersionID}/resources: `{"OperationResource": [{"OperationName",
    /// "ResourceID": [...]}]}` (a list of one may come as the element itself). OperationName is required.
    static func list(body: JSONValue) throws -> [OperationScopes] {
        let reader = try BodyReader(body, context: "OperationResources")
        guard let value = reader.value("OperationResource") else {
            throw DomainError.badRequest("OperationResources.OperationResource is required (an empty list unmaps every operation).")
        }
        let elements = value.arrayValue ?? [value]
        guard elements.count <= FieldLimits.maxListItems else {
            throw DomainError.badRequest(
                "OperationResources.OperationResource has \(elements.count) entries; at most \(FieldLimits.maxListItems) are accepted.")
        }
        return try elements.map { element in
            let item = try BodyReader(
                element, context: "OperationResource",
                notAnObject: "OperationResources.OperationResource must hold objects, not \(element.typeName).")
            guard let name = try item.string("OperationName"), !name.isEmpty else {
                throw DomainError.badRequest("OperationResource.OperationName is required.")
            }
            return OperationScopes(operationName: name, scopeIDs: try item.stringItems("ResourceID") ?? [])
        }
    }
}
