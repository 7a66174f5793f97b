import SQLiteStore

/// The implementations of API versions and the policies attached to them (help `cm/api/apis/`:
/// `m_apis_addAPIImplementation`, `…getAPIImplementation`, `…updateAPIImplementationInfo`,
/// `…findAPIImplementations`, `…modifyAPIImplementationPolicies`, `…getAPIImplementationPolicies`).
/// Readers of an API version read its implementations; the API's admins, Business Admins and Site
/// Admins change them (403 for other readers, 404 for those who cannot see the version), as `APIService`.
public final class ImplementationService: Sendable {
    /// Most policies one list of a PUT …/policies may attach.
    public static let maxPolicies = 100
    /// Most operations one PUT …/policies may name.
    public static let maxOperations = 1000

    /// What every implementation pattern starts with (`com.akana.pattern.proxy`).
    public static let patternPrefix = "com.akana.pattern."

    private let database: DatabasePool
    private let clock: EmulatorClock

    public init(database: DatabasePool, clock: EmulatorClock) {
        self.database = database
        self.clock = clock
    }

    /// POST /api/apis/versions/{APIVersionID}/implementations: a second implementation code is
    /// added; one the version has already is a 409 (the platform has one implementation per code).
    public func addImplementation(versionID: String, caller: AuthenticatedSession, input: ImplementationInput) throws
        -> ImplementationDetails
    {
        if let bodyID = input.apiVersionID, bodyID != versionID {
            throw DomainError.badRequest("APIVersionID \(bodyID) in the body is not the path's API version \(versionID).")
        }
        let now = Timestamp.iso8601(clock.now())
        return try database.write(in: caller.scope) { db in
            let version = try APIAccess.modifiableVersion(db, id: versionID, caller: caller)
            let code = input.implementation.code
            guard !version.implementations.contains(where: { $0.code == code }) else {
                throw DomainError.conflict("API version \(versionID) already has a \(code) implementation.")
            }
            try APIRepository.insertImplementation(db, versionID: versionID, input.implementation)
            try APIRepository.touchImplementedVersion(db, id: versionID, updated: now)
            return try Self.details(db, versionID: versionID, code: code)
        }
    }

    /// GET /api/apis/versions/{APIVersionID}/implementations/{ImplementationCode} (the code without case).
    public func implementation(versionID: String, code: String, caller: AuthenticatedSession) throws -> ImplementationDetails {
        try database.read(in: caller.scope) { db in
            let (version, _) = try APIAccess.visibleVersion(db, id: versionID, caller: caller)
            return try Self.details(db, versionID: versionID, code: try Self.implementation(of: version, code: code).code)
        }
    }

    /// PUT …/implementations/{ImplementationCode}/info: AnonymousAccessAllowed, EndpointAccessAutoApproved,
    /// Description, Pattern; absent members keep their values.
    public func updateInfo(
        versionID: String, code: String, caller: AuthenticatedSession, input: ImplementationInfoInput
    ) throws -> ImplementationDetails {
        if let pattern = input.pattern, !(pattern.hasPrefix(Self.patternPrefix) && pattern.count > Self.patternPrefix.count) {
            throw DomainError.badRequest(
                "APIImplementationInfo.Pattern must be an implementation pattern (\(Self.patternPrefix)…), not '\(pattern)'.")
        }
        let now = Timestamp.iso8601(clock.now())
        return try database.write(in: caller.scope) { db in
            let version = try APIAccess.modifiableVersion(db, id: versionID, caller: caller)
            var implementation = try Self.implementation(of: version, code: code)
            implementation.anonymousAccessAllowed = input.anonymousAccessAllowed ?? implementation.anonymousAccessAllowed
            implementation.endpointAccessAutoApproved = input.endpointAccessAutoApproved ?? implementation.endpointAccessAutoApproved
            implementation.description = input.description ?? implementation.description
            implementation.pattern = input.pattern ?? implementation.pattern
            try APIRepository.updateImplementationInfo(db, versionID: versionID, implementation)
            try APIRepository.touchImplementedVersion(db, id: versionID, updated: now)
            return try Self.details(db, versionID: versionID, code: implementation.code)
        }
    }

    /// GET /api/apis/versions/implementations: the implementations of the versions the caller may
    /// read, narrowed by APIVersionID, APIID and ImplementationCode. No implementation has a
    /// ServiceKey (the emulator has no Policy Manager services), so a ServiceKey or
    /// ProxiedServiceKey filter matches none.
    public func find(caller: AuthenticatedSession, filter: ImplementationFilter) throws -> [ImplementationDetails] {
        var code: String?
        if let text = filter.implementationCode {
            guard let known = APIImplementation.codes.first(where: { $0.lowercased() == text.lowercased() }) else {
                throw DomainError.badRequest("ImplementationCode must be Sandbox or Live, not '\(text)'.")
            }
            code = known
        }
        if filter.serviceKey != nil || filter.proxiedServiceKey != nil { return [] }
        return try database.read(in: caller.scope) { db in
            let versionIDs: [String]
            if let id = filter.apiVersionID {
                versionIDs = [id]
            } else if let apiID = filter.apiID {
                versionIDs = try APIRepository.versionIDs(db, apiID: apiID)
            } else {
                versionIDs = try APIRepository.versionIDs(db, tenant: caller.tenant)
            }
            var result: [ImplementationDetails] = []
            for id in versionIDs {
                guard let version = try APIRepository.version(db, id: id), version.tenant == caller.tenant,
                    filter.apiID == nil || version.apiID == filter.apiID,
                    try APIAccess.canRead(db, apiID: version.apiID, visibility: version.visibility, caller: caller)
                else { continue }
                for implementation in version.implementations where code == nil || implementation.code == code {
                    result.append(try Self.details(db, versionID: id, code: implementation.code))
                }
            }
            return result
        }
    }

    /// GET …/implementations/{ImplementationCode}/policies: the implementation's policies and its
    /// operations'. The help page says a caller without permission to view the resources gets
    /// "limited (or empty) results": a version the caller may not read (or that does not exist)
    /// answers empty lists; an unknown implementation of a version they may read is a 404.
    public func policies(versionID: String, code: String, caller: AuthenticatedSession) throws -> ImplementationPolicies {
        try database.read(in: caller.scope) { db in
            guard let version = try APIRepository.version(db, id: versionID), version.tenant == caller.tenant,
                try APIAccess.canRead(db, apiID: version.apiID, visibility: version.visibility, caller: caller)
            else { return ImplementationPolicies(policies: [], operationPolicies: []) }
            return try Self.attached(db, version: version, code: try Self.implementation(of: version, code: code).code)
        }
    }

    /// PUT …/implementations/{ImplementationCode}/policies: replaces what is attached. Every key must
    /// name an active policy of the tenant's catalogue and every operation one of the version's
    /// operations (400 otherwise, nothing changed); a key given twice in one list counts once.
    public func replacePolicies(
        versionID: String, code: String, caller: AuthenticatedSession, input: ImplementationPoliciesInput
    ) throws -> ImplementationPolicies {
        let now = Timestamp.iso8601(clock.now())
        return try database.write(in: caller.scope) { db in
            let version = try APIAccess.modifiableVersion(db, id: versionID, caller: caller)
            let implementation = try Self.implementation(of: version, code: code)
            func checked(_ keys: [String], _ context: String) throws -> [String] {
                var seen = Set<String>()
                for key in keys {
                    guard let policy = try PolicyRepository.policy(db, tenant: caller.tenant, key: key) else {
                        throw DomainError.badRequest(
                            "\(context): PolicyKey '\(key)' is not a policy of this tenant (see GET /api/policies).")
                    }
                    guard policy.active else { throw DomainError.badRequest("\(context): policy '\(key)' is not active.") }
                }
                return keys.filter { seen.insert($0).inserted }
            }
            let keys = try checked(input.policyKeys, "Policy")
            var operations: [(name: String, keys: [String])] = []
            for (index, entry) in input.operationPolicies.enumerated() {
                let context = "ApiOperationPolicy[\(index)]"
                guard try APIRepository.hasOperation(db, apiVersionID: versionID, name: entry.operationName) else {
                    throw DomainError.badRequest(
                        "\(context).Operation.Name '\(entry.operationName)' is not an operation of API version \(versionID).")
                }
                guard !operations.contains(where: { $0.name == entry.operationName }) else {
                    throw DomainError.badRequest("\(context): operation '\(entry.operationName)' is given twice.")
                }
                operations.append((entry.operationName, try checked(entry.policyKeys, "\(context).Policy")))
            }
            try PolicyRepository.replaceAttachments(
                db, apiVersionID: versionID, code: implementation.code, keys: keys, operations: operations)
            try APIRepository.touchImplementedVersion(db, id: versionID, updated: now)
            return try Self.attached(db, version: version, code: implementation.code)
        }
    }

    // MARK: - Helpers

    private static func attached(_ db: SQLiteConnection, version: APIVersion, code: String) throws -> ImplementationPolicies {
        let rows = try PolicyRepository.attachments(db, apiVersionID: version.id, code: code)
        var cache: [String: Policy] = [:]
        func resolve(_ key: String) throws -> Policy? {
            if let policy = cache[key] { return policy }
            let policy = try PolicyRepository.policy(db, tenant: version.tenant, key: key)
            cache[key] = policy
            return policy
        }
        let own = try rows.filter { $0.operation.isEmpty }.compactMap { try resolve($0.key) }
        var byOperation: [ImplementationPolicies.OperationPolicies] = []
        // Operations in the version's document order.
        for operation in try APIRepository.operations(db, apiVersionID: version.id) {
            let keys = rows.filter { $0.operation == operation.name }.map(\.key)
            guard !keys.isEmpty else { continue }
            byOperation.append(.init(operation: operation, policies: try keys.compactMap(resolve)))
        }
        return ImplementationPolicies(policies: own, operationPolicies: byOperation)
    }

    private static func details(_ db: SQLiteConnection, versionID: String, code: String) throws -> ImplementationDetails {
        guard let version = try APIRepository.version(db, id: versionID), let api = try APIRepository.api(db, id: version.apiID),
            let implementation = version.implementations.first(where: { $0.code == code })
        else { throw DomainError.notFound("The \(code) implementation of API version \(versionID) was not found.") }
        return ImplementationDetails(
            apiID: api.id, apiName: api.name, apiVersionID: version.id, versionName: version.name, implementation: implementation,
            policies: try attached(db, version: version, code: code).policies)
    }

    private static func implementation(of version: APIVersion, code: String) throws -> APIImplementation {
        guard let implementation = version.implementations.first(where: { $0.code.lowercased() == code.lowercased() }) else {
            throw DomainError.notFound("API version \(version.id) has no implementation '\(code)'.")
        }
        return implementation
    }
}
