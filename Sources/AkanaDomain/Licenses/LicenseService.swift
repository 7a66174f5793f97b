import Foundation
import SQLiteStore

/// The Licenses service (m_licenses_addLicense, …getLicense, …updateLicense, …deleteLicense) and
/// the licenses that apply to an API version (m_apis_getAPILicenses). Business Admins (and Site
/// Admins) add, change and delete licenses; every logged-in user of the tenant reads them. A
/// license's parts name scopes of the tenant (ResourceID[]) and QoS policies of its catalogue (PolicyKey[]).
/// Contracts keep honouring the SandboxAccessAutoApproved / ProductionAccessAutoApproved flags
/// (`ContractService` reads the same rows). Deleting a license detaches it from the contracts that
/// named it: the help page says nothing about them, and 0009 made `contract_licenses` cascade.
public final class LicenseService: Sendable {
    public static let environments = ["Sandbox", "Production"]

    private let database: DatabasePool
    private let clock: EmulatorClock
    private let ids: IDGenerator

    public init(database: DatabasePool, clock: EmulatorClock, ids: IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    /// POST /api/licenses: the new License with its LicenseID. Name is required; Environment
    /// defaults to both environments, Visibility to Public, Active to true.
    public func addLicense(caller: AuthenticatedSession, input: LicenseInput) throws -> LicenseDetails {
        try caller.requireBusinessAdmin(to: "add licenses")
        guard let name = input.name else { throw DomainError.badRequest("License.Name is required.") }
        let business = try TenantBusiness.member(
            input.businessID.flatMap { $0.isEmpty ? nil : $0 }, tenant: caller.tenant, field: "License.BusinessID")
        let stamp = Timestamp.iso8601(clock.now())
        let license = LicenseDetails(
            id: "\(ids.uuid()).\(caller.tenant)", tenant: caller.tenant, businessID: business, name: name,
            description: input.description ?? "", visibility: input.visibility ?? Visibility.public,
            sandboxAccessAutoApproved: input.sandboxAccessAutoApproved ?? false,
            productionAccessAutoApproved: input.productionAccessAutoApproved ?? false, active: input.active ?? true,
            environments: try Self.environments(input.environments) ?? Self.environments, agreements: input.agreements ?? [],
            parts: input.parts ?? [], created: stamp, updated: stamp)
        return try database.write(in: caller.scope) { db in
            try Self.checkParts(db, license.parts, tenant: caller.tenant)
            try LicenseRepository.save(db, license)
            return license
        }
    }

    /// GET /api/licenses/{LicenseID}.
    public func license(_ id: String, caller: AuthenticatedSession) throws -> LicenseDetails {
        try database.read(in: caller.scope) { db in try Self.existing(db, id: id, caller: caller) }
    }

    /// PUT /api/licenses/{LicenseID}: the members given replace the stored ones (LicenseParts and
    /// AgreementDetails as a whole).
    public func updateLicense(_ id: String, caller: AuthenticatedSession, input: LicenseInput) throws -> LicenseDetails {
        let stamp = Timestamp.iso8601(clock.now())
        let environments = try Self.environments(input.environments)
        return try database.write(in: caller.scope) { db in
            var license = try Self.existing(db, id: id, caller: caller)
            try caller.requireBusinessAdmin(to: "change licenses")
            if let given = input.licenseID, !given.isEmpty, given != id {
                throw DomainError.badRequest("License.LicenseID \(given) is not the license of the URL (\(id)).")
            }
            if input.businessID != nil {
                license.businessID = try TenantBusiness.member(
                    input.businessID.flatMap { $0.isEmpty ? nil : $0 }, tenant: caller.tenant, field: "License.BusinessID")
            }
            if let name = input.name { license.name = name }
            if let text = input.description { license.description = text }
            if let visibility = input.visibility { license.visibility = visibility }
            if let flag = input.sandboxAccessAutoApproved { license.sandboxAccessAutoApproved = flag }
            if let flag = input.productionAccessAutoApproved { license.productionAccessAutoApproved = flag }
            if let flag = input.active { license.active = flag }
            if let environments { license.environments = environments }
            if let agreements = input.agreements { license.agreements = agreements }
            if let parts = input.parts {
                try Self.checkParts(db, parts, tenant: caller.tenant)
                license.parts = parts
            }
            license.updated = stamp
            try LicenseRepository.save(db, license)
            return license
        }
    }

    /// DELETE /api/licenses/{LicenseID}: the deleted License. Contracts that named it lose it.
    public func deleteLicense(_ id: String, caller: AuthenticatedSession) throws -> LicenseDetails {
        try database.write(in: caller.scope) { db in
            let license = try Self.existing(db, id: id, caller: caller)
            try caller.requireBusinessAdmin(to: "delete licenses")
            try LicenseRepository.delete(db, id: id)
            return license
        }
    }

    /// GET /api/apis/versions/{APIVersionID}/licenses[?Environment=]: the licenses whose parts name
    /// a scope that one of the version's operations maps to (PUT …/resources), by name; with
    /// `environment`, only those that apply to it.
    public func licenses(apiVersionID: String, environment: String?, caller: AuthenticatedSession) throws -> [LicenseDetails] {
        let environment = try environment.map { try Self.environment($0, field: "Environment") }
        return try database.read(in: caller.scope) { db in
            _ = try APIAccess.visibleVersion(db, id: apiVersionID, caller: caller).version
            var licenseIDs = Set<String>()
            for scope in try ScopeRepository.mappedScopeIDs(db, apiVersionID: apiVersionID) {
                licenseIDs.formUnion(try LicenseRepository.licenseIDs(db, scopeID: scope))
            }
            return try licenseIDs.compactMap { try LicenseRepository.details(db, id: $0) }
                .filter { $0.tenant == caller.tenant && (environment.map($0.environments.contains) ?? true) }
                .sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        }
    }

    // MARK: - Checks

    /// The QoS policies a license part names (PolicyKey[]): each a policy of the tenant's catalogue
    /// (built-in or added, `PolicyRepository`); a blank or unknown key is a 400.
    static func checkPolicyKeys(_ db: SQLiteConnection, _ keys: [String], tenant: String) throws {
        for key in keys {
            guard !key.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw DomainError.badRequest("LicensePart.PolicyKey must not be blank.")
            }
            try FieldLimits.check(key, field: "LicensePart.PolicyKey")
            guard try PolicyRepository.policyExists(db, tenant: tenant, key: key) else {
                throw DomainError.badRequest("LicensePart.PolicyKey \(key) is not a policy of this tenant.")
            }
        }
    }

    /// Every part's scopes exist in the tenant and its policy keys pass `checkPolicyKeys`.
    package static func checkParts(_ db: SQLiteConnection, _ parts: [LicensePart], tenant: String) throws {
        guard parts.count <= FieldLimits.maxListItems else {
            throw DomainError.badRequest(
                "License.LicenseParts.LicensePart has \(parts.count) entries; at most \(FieldLimits.maxListItems) are accepted.")
        }
        for part in parts {
            for scopeID in part.scopeIDs {
                guard let scope = try ScopeRepository.scope(db, id: scopeID), scope.tenant == tenant else {
                    throw DomainError.badRequest("LicensePart.ResourceID \(scopeID) is not a scope of this tenant.")
                }
            }
            try checkPolicyKeys(db, part.policyKeys, tenant: tenant)
        }
    }

    private static func existing(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> LicenseDetails {
        guard let license = try LicenseRepository.details(db, id: id), license.tenant == caller.tenant else {
            throw DomainError.notFound("License \(id) was not found.")
        }
        return license
    }

    /// Environment[]: each Sandbox or Production (without case), once each, in the order given; at
    /// least one (a license applies somewhere).
    package static func environments(_ given: [String]?) throws -> [String]? {
        guard let given else { return nil }
        guard !given.isEmpty else { throw DomainError.badRequest("License.Environment must name Sandbox, Production or both.") }
        var result: [String] = []
        for text in given {
            let value = try environment(text, field: "License.Environment")
            if !result.contains(value) { result.append(value) }
        }
        return result
    }

    static func environment(_ text: String, field: String) throws -> String {
        guard let value = environments.first(where: { $0.lowercased() == text.lowercased() }) else {
            throw DomainError.badRequest("\(field) must be Sandbox or Production, not '\(text)'.")
        }
        return value
    }
}
