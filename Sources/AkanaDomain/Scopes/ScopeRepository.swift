import SQLiteStore

/// SQL for scopes (`scopes`) and the mapping of API versions' operations to them
/// (`operation_scopes`). Every statement binds its values; writes go through the change funnel.
package enum ScopeRepository {
    private static let columns = """
        id, tenant, business_id, name, short_description, long_description, visibility, parent_id,
        sandbox_anonymous_access_allowed, production_anonymous_access_allowed, resource_path,
        oauth_grant_default_resource, oauth_grant_user_authorization_required, created, updated
        """

    package static func scope(_ db: SQLiteConnection, id: String) throws -> Scope? {
        try db.queryFirst("SELECT \(columns) FROM scopes WHERE id = ?", id).map(scope)
    }

    /// The tenant's scopes, by name.
    package static func scopes(_ db: SQLiteConnection, tenant: String) throws -> [Scope] {
        try db.query("SELECT \(columns) FROM scopes WHERE tenant = ? ORDER BY name, id", tenant).map(scope)
    }

    package static func insert(_ db: SQLiteConnection, _ scope: Scope) throws {
        try db.change(
            scope.id,
            """
            INSERT INTO scopes (\(columns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, scope.id, scope.tenant, scope.businessID, scope.name, scope.shortDescription, scope.longDescription,
            scope.visibility, scope.parentID, scope.sandboxAnonymousAccessAllowed, scope.productionAnonymousAccessAllowed,
            scope.resourcePath, scope.oauthGrantDefaultResource, scope.oauthGrantUserAuthorizationRequired, scope.created,
            scope.updated)
    }

    static func update(_ db: SQLiteConnection, _ scope: Scope) throws {
        try db.change(
            scope.id,
            """
            UPDATE scopes SET name = ?, short_description = ?, long_description = ?, visibility = ?, parent_id = ?,
                sandbox_anonymous_access_allowed = ?, production_anonymous_access_allowed = ?, resource_path = ?,
                oauth_grant_default_resource = ?, oauth_grant_user_authorization_required = ?, updated = ?
            WHERE id = ?
            """, scope.name, scope.shortDescription, scope.longDescription, scope.visibility, scope.parentID,
            scope.sandboxAnonymousAccessAllowed, scope.productionAnonymousAccessAllowed, scope.resourcePath,
            scope.oauthGrantDefaultResource, scope.oauthGrantUserAuthorizationRequired, scope.updated, scope.id)
    }

    /// Deletes the scope with the license parts' references to it and its operation mappings; each
    /// license and API version that loses one is named through the funnel. Child scopes keep
    /// their ParentResourceID cleared.
    static func delete(_ db: SQLiteConnection, id: String) throws {
        let licenses = try db.query("SELECT DISTINCT license_id FROM license_part_scopes WHERE scope_id = ?", id)
            .map { try $0.requiredString("license_id") }
        for license in licenses {
            try db.change(license, "DELETE FROM license_part_scopes WHERE license_id = ? AND scope_id = ?", license, id)
        }
        let versions = try db.query("SELECT DISTINCT api_version_id FROM operation_scopes WHERE scope_id = ?", id)
            .map { try $0.requiredString("api_version_id") }
        for version in versions {
            try db.change(version, "DELETE FROM operation_scopes WHERE api_version_id = ? AND scope_id = ?", version, id)
        }
        let children = try db.query("SELECT id FROM scopes WHERE parent_id = ?", id)
            .map { try $0.requiredString("id") }
        for child in children {
            try db.change(child, "UPDATE scopes SET parent_id = '' WHERE id = ?", child)
        }
        try db.change(id, "DELETE FROM scopes WHERE id = ?", id)
    }

    // MARK: - Operation mappings

    /// The version's OperationResource[]: operations it still has that map to a scope, in the
    /// operations' document order, each with its scopes in the order given.
    package static func operationScopes(_ db: SQLiteConnection, apiVersionID: String) throws -> [OperationScopes] {
        let rows = try db.query(
            """
            SELECT m.operation_name, m.scope_id FROM operation_scopes m
            JOIN api_operations o ON o.api_version_id = m.api_version_id AND o.name = m.operation_name
            WHERE m.api_version_id = ? ORDER BY o.position, m.position
            """, apiVersionID)
        var result: [OperationScopes] = []
        for row in rows {
            let name = try row.requiredString("operation_name")
            let scope = try row.requiredString("scope_id")
            if result.last?.operationName == name {
                result[result.count - 1].scopeIDs.append(scope)
            } else {
                result.append(OperationScopes(operationName: name, scopeIDs: [scope]))
            }
        }
        return result
    }

    /// Replaces the version's mapping.
    package static func replaceOperationScopes(_ db: SQLiteConnection, apiVersionID: String, _ mapping: [OperationScopes]) throws {
        try db.change(apiVersionID, "DELETE FROM operation_scopes WHERE api_version_id = ?", apiVersionID)
        for operation in mapping {
            for (position, scope) in operation.scopeIDs.enumerated() {
                try db.change(
                    apiVersionID,
                    "INSERT INTO operation_scopes (api_version_id, operation_name, position, scope_id) VALUES (?, ?, ?, ?)",
                    apiVersionID, operation.operationName, position, scope)
            }
        }
    }

    /// The scopes mapped to operations the version has (distinct).
    static func mappedScopeIDs(_ db: SQLiteConnection, apiVersionID: String) throws -> Set<String> {
        Set(try operationScopes(db, apiVersionID: apiVersionID).flatMap(\.scopeIDs))
    }

    private static func scope(_ row: SQLiteRow) throws -> Scope {
        Scope(
            id: try row.requiredString("id"), tenant: try row.requiredString("tenant"), businessID: try row.requiredString("business_id"),
            name: try row.requiredString("name"), shortDescription: try row.requiredString("short_description"),
            longDescription: try row.requiredString("long_description"), visibility: try row.requiredString("visibility"),
            parentID: try row.requiredString("parent_id"),
            sandboxAnonymousAccessAllowed: try row.requiredBool("sandbox_anonymous_access_allowed"),
            productionAnonymousAccessAllowed: try row.requiredBool("production_anonymous_access_allowed"),
            resourcePath: try row.requiredString("resource_path"),
            oauthGrantDefaultResource: try row.requiredBool("oauth_grant_default_resource"),
            oauthGrantUserAuthorizationRequired: try row.requiredBool("oauth_grant_user_authorization_required"),
            created: try row.requiredString("created"), updated: try row.requiredString("updated"))
    }
}
