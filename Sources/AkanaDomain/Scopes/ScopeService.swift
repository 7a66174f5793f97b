import Foundation
import SQLiteStore

/// The scopes of the tenant business (m_businesses_addBusinessResource, …getBusinessResources,
/// …getBusinessResource, …updateBusinessResource, …deleteBusinessResource) and the mapping of an
/// API version's operations to them (m_apis_saveOperationResources, …getOperationResources).
/// Site Admins and Business Admins change scopes; every logged-in user reads them. An API
/// version's mapping is changed by its API's admins, Business Admins and Site Admins, and read by
/// whoever can read the version.
public final class ScopeService: Sendable {
    private let database: DatabasePool
    private let clock: EmulatorClock
    private let ids: IDGenerator

    public init(database: DatabasePool, clock: EmulatorClock, ids: IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    // MARK: - Scopes

    /// POST /api/businesses/{BusinessID}/resources: a new scope of the business (Name required).
    public func addScope(businessID: String, caller: AuthenticatedSession, input: ScopeInput) throws -> Scope {
        let business = try TenantBusiness.named(businessID, tenant: caller.tenant)
        try caller.requireBusinessAdmin(to: "add scopes")
        if let given = input.businessID, !given.isEmpty, given != business {
            throw DomainError.badRequest("Resource.BusinessID \(given) is not the business of the URL (\(business)).")
        }
        guard let name = input.name else { throw DomainError.badRequest("Resource.Name is required.") }
        let stamp = Timestamp.iso8601(clock.now())
        let scope = Scope(
            id: "\(ids.uuid()).\(caller.tenant)", tenant: caller.tenant, businessID: business, name: name,
            shortDescription: input.shortDescription ?? "", longDescription: input.longDescription ?? "",
            visibility: input.visibility ?? Visibility.public, parentID: input.parentID ?? "",
            sandboxAnonymousAccessAllowed: input.sandboxAnonymousAccessAllowed ?? false,
            productionAnonymousAccessAllowed: input.productionAnonymousAccessAllowed ?? false,
            resourcePath: input.resourcePath ?? "", oauthGrantDefaultResource: input.oauthGrantDefaultResource ?? false,
            oauthGrantUserAuthorizationRequired: input.oauthGrantUserAuthorizationRequired ?? false, created: stamp,
            updated: stamp)
        return try database.write(in: caller.scope) { db in
            try Self.checkParent(db, scope.parentID, of: scope.id, tenant: caller.tenant)
            try ScopeRepository.insert(db, scope)
            return scope
        }
    }

    /// GET /api/businesses/{BusinessID}/resources: the business's scopes, by name.
    public func scopes(businessID: String, caller: AuthenticatedSession) throws -> [Scope] {
        _ = try TenantBusiness.named(businessID, tenant: caller.tenant)
        return try database.read(in: caller.scope) { db in try ScopeRepository.scopes(db, tenant: caller.tenant) }
    }

    /// GET /api/businesses/resources/{ResourceID}.
    public func scope(_ id: String, caller: AuthenticatedSession) throws -> Scope {
        try database.read(in: caller.scope) { db in try Self.existingScope(db, id: id, caller: caller) }
    }

    /// PUT /api/businesses/resources/{ResourceID}: the members given replace the stored ones.
    public func updateScope(_ id: String, caller: AuthenticatedSession, input: ScopeInput) throws -> Scope {
        let stamp = Timestamp.iso8601(clock.now())
        return try database.write(in: caller.scope) { db in
            var scope = try Self.existingScope(db, id: id, caller: caller)
            try caller.requireBusinessAdmin(to: "change scopes")
            if let given = input.resourceID, !given.isEmpty, given != id {
                throw DomainError.badRequest("Resource.ResourceID \(given) is not the scope of the URL (\(id)).")
            }
            if let business = input.businessID, !business.isEmpty, business != scope.businessID {
                throw DomainError.badRequest("Resource.BusinessID \(business) is not the scope's business (\(scope.businessID)).")
            }
            if let name = input.name { scope.name = name }
            if let text = input.shortDescription { scope.shortDescription = text }
            if let text = input.longDescription { scope.longDescription = text }
            if let visibility = input.visibility { scope.visibility = visibility }
            if let parent = input.parentID { scope.parentID = parent }
            if let flag = input.sandboxAnonymousAccessAllowed { scope.sandboxAnonymousAccessAllowed = flag }
            if let flag = input.productionAnonymousAccessAllowed { scope.productionAnonymousAccessAllowed = flag }
            if let path = input.resourcePath { scope.resourcePath = path }
            if let flag = input.oauthGrantDefaultResource { scope.oauthGrantDefaultResource = flag }
            if let flag = input.oauthGrantUserAuthorizationRequired { scope.oauthGrantUserAuthorizationRequired = flag }
            scope.updated = stamp
            try Self.checkParent(db, scope.parentID, of: scope.id, tenant: caller.tenant)
            try ScopeRepository.update(db, scope)
            return scope
        }
    }

    /// DELETE /api/businesses/resources/{ResourceID}: the deleted scope (the page answers the
    /// Resource). Its operation mappings and the license parts' references to it go with it.
    public func deleteScope(_ id: String, caller: AuthenticatedSession) throws -> Scope {
        try database.write(in: caller.scope) { db in
            let scope = try Self.existingScope(db, id: id, caller: caller)
            try caller.requireBusinessAdmin(to: "delete scopes")
            try ScopeRepository.delete(db, id: id)
            return scope
        }
    }

    // MARK: - Operations mapped to scopes

    /// GET /api/apis/versions/{APIVersionID}/resources: the version's OperationResource[].
    public func operationScopes(apiVersionID: String, caller: AuthenticatedSession) throws -> [OperationScopes] {
        try database.read(in: caller.scope) { db in
            _ = try APIAccess.visibleVersion(db, id: apiVersionID, caller: caller).version
            return try ScopeRepository.operationScopes(db, apiVersionID: apiVersionID)
        }
    }

    /// PUT /api/apis/versions/{APIVersionID}/resources: replaces the version's mapping. Every
    /// OperationName must be an operation of the version and appear once; every ResourceID a scope
    /// of the tenant (400 otherwise, nothing changed). An operation with no ResourceID is unmapped.
    public func saveOperationScopes(
        apiVersionID: String, caller: AuthenticatedSession, mapping: [OperationScopes]
    ) throws -> [OperationScopes] {
        guard mapping.count <= FieldLimits.maxListItems else {
            throw DomainError.badRequest(
                "OperationResources.OperationResource has \(mapping.count) entries; at most \(FieldLimits.maxListItems) are accepted.")
        }
        return try database.write(in: caller.scope) { db in
            let version = try APIAccess.visibleVersion(db, id: apiVersionID, caller: caller).version
            guard try APIAccess.canModify(db, apiID: version.apiID, caller: caller) else {
                throw DomainError.forbidden(
                    "Only the API's admins, Business Admins and Site Admins can change the scope mapping of API version \(apiVersionID).")
            }
            var seen = Set<String>()
            var cleaned: [OperationScopes] = []
            for operation in mapping {
                guard seen.insert(operation.operationName).inserted else {
                    throw DomainError.badRequest("OperationResource.OperationName \(operation.operationName) is given more than once.")
                }
                guard try APIRepository.hasOperation(db, apiVersionID: apiVersionID, name: operation.operationName) else {
                    throw DomainError.badRequest(
                        "OperationResource.OperationName \(operation.operationName) is not an operation of API version \(apiVersionID).")
                }
                var scopes: [String] = []
                for scopeID in operation.scopeIDs where !scopes.contains(scopeID) {
                    guard let scope = try ScopeRepository.scope(db, id: scopeID), scope.tenant == caller.tenant else {
                        throw DomainError.badRequest("OperationResource.ResourceID \(scopeID) is not a scope of this tenant.")
                    }
                    scopes.append(scope.id)
                }
                if !scopes.isEmpty { cleaned.append(OperationScopes(operationName: operation.operationName, scopeIDs: scopes)) }
            }
            try ScopeRepository.replaceOperationScopes(db, apiVersionID: apiVersionID, cleaned)
            return try ScopeRepository.operationScopes(db, apiVersionID: apiVersionID)
        }
    }

    // MARK: - Helpers

    static func existingScope(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> Scope {
        guard let scope = try ScopeRepository.scope(db, id: id), scope.tenant == caller.tenant else {
            throw DomainError.notFound("Scope \(id) was not found.")
        }
        return scope
    }

    /// A parent that is a scope of the tenant and not the scope itself or one of its descendants
    /// (the chain of parents ends).
    private static func checkParent(_ db: SQLiteConnection, _ parentID: String, of id: String, tenant: String) throws {
        guard !parentID.isEmpty else { return }
        guard let parent = try ScopeRepository.scope(db, id: parentID), parent.tenant == tenant else {
            throw DomainError.badRequest("Resource.ParentResourceID \(parentID) is not a scope of this tenant.")
        }
        var ancestor: Scope? = parent
        var seen = Set<String>()
        while let current = ancestor {
            guard current.id != id, seen.insert(current.id).inserted else {
                throw DomainError.badRequest("Resource.ParentResourceID \(parentID) would make the scope its own ancestor.")
            }
            ancestor = current.parentID.isEmpty ? nil : try ScopeRepository.scope(db, id: current.parentID)
        }
    }
}
