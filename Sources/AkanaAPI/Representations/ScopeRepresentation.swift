import AkanaDomain
import JSONCodec

/// The scopes' wire objects (o_businesses_Resource, the OperationResource list).
enum ScopeRepresentation {
    /// The Resource object, in the object page's member order.
    static func scope(_ scope: Scope) -> JSONValue {
        .object([
            ("ResourceID", .string(scope.id)),
            ("Name", .string(scope.name)),
            ("ShortDescription", .string(scope.shortDescription)),
            ("LongDescription", .string(scope.longDescription)),
            ("Visibility", .string(scope.visibility)),
            ("ParentResourceID", .string(scope.parentID)),
            ("SandboxAnonymousAccessAllowed", .bool(scope.sandboxAnonymousAccessAllowed)),
            ("ProductionAnonymousAccessAllowed", .bool(scope.productionAnonymousAccessAllowed)),
            ("ResourcePath", .string(scope.resourcePath)),
            ("OAuthGrantDefaultResource", .bool(scope.oauthGrantDefaultResource)),
            ("OAuthGrantUserAuthorizationRequired", .bool(scope.oauthGrantUserAuthorizationRequired)),
            ("BusinessID", .string(scope.businessID))
        ])
    }

    /// `{"OperationResource": [{"OperationName", "ResourceID": [...]}]}` (m_apis_saveOperationResources' body shape).
    static func operationScopes(_ mapping: [OperationScopes]) -> JSONValue {
        .object([
            (
                "OperationResource",
                .array(
                    mapping.map {
                        .object([("OperationName", .string($0.operationName)), ("ResourceID", .array($0.scopeIDs.map(JSONValue.string)))])
                    })
            )
        ])
    }
}
