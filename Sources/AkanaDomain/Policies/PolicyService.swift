import SQLiteStore

/// The tenant's policy catalogue (help `policies/m_policies_getPoliciesList.htm`): the built-in
/// policies (`PolicyCatalogue`) and those the tenant added. Any logged-in user reads it.
public final class PolicyService: Sendable {
    private let database: DatabasePool

    public init(database: DatabasePool) {
        self.database = database
    }

    /// GET /api/policies: the policies of the given types (every type when none is given), of the
    /// business `businessID` (policies of no business belong to every business), active ones only
    /// unless `includeInactive`.
    public func policies(caller: AuthenticatedSession, types: [String], businessID: String?, includeInactive: Bool) throws -> [Policy] {
        try database.read(in: caller.scope) { db in
            try PolicyRepository.policies(db, tenant: caller.tenant).filter { policy in
                (types.isEmpty || types.contains(policy.type))
                    && (businessID == nil || policy.businessID == nil || policy.businessID == businessID)
                    && (includeInactive || policy.active)
            }
        }
    }

    /// GET /api/policies/{PolicyKey}.
    public func policy(_ key: String, caller: AuthenticatedSession) throws -> Policy {
        try database.read(in: caller.scope) { db in
            guard let policy = try PolicyRepository.policy(db, tenant: caller.tenant, key: key) else {
                throw DomainError.notFound("Policy \(key) was not found.")
            }
            return policy
        }
    }
}
