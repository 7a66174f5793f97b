import AkanaDomain
import Foundation

/// The fixture sections of APIs and contracts:
///
///     "scopes":    [{"ResourceID": "bronze.acmepaymentscorp", "Name": "Bronze", "ShortDescription": …, "LongDescription": …,
///                    "Visibility": …, "ParentResourceID": …, "ResourcePath": …}],
///     "licenses":  [{"LicenseID": "gold.acmepaymentscorp", "Name": "Gold", "Description": …,
///                    "SandboxAccessAutoApproved": true, "ProductionAccessAutoApproved": false,
///                    "Visibility": …, "Active": true, "Environment": ["Sandbox", "Production"],
///                    "LicenseParts": [{"Name": …, "ResourceID": [scope], "PolicyKey": [key]}]}],
///     "apis":      [{"APIID": …, "Name": …, "Description": …, "Visibility": …, "Admins": [email],
///                    "Versions": [{"APIVersionID": …, "Name": …, "Description": …, "Visibility": …, "Tag": […],
///                                  "Implementations": [{"ImplementationCode": "Sandbox" | "Live", "CreateMechanism": "PROXY",
///                                                       "TargetEndpointURL": [url], "EndpointAccessAutoApproved": bool,
///                                                       "Pattern": "com.akana.pattern.proxy", "AnonymousAccessAllowed": bool,
///                                                       "Policies": ["<PolicyKey>", …]}],
///                                  "Actions": […]}]}],
///     "contracts": [{"ContractID": …, "APIVersionID": …, "RuntimeID": <AppVersionID>, "Environment": "Sandbox" | "Production",
///                    "LicenseID": […], "Actions": ["apicontract.action.approve", "apicontract.action.activate"]}]
///
/// Scopes, licenses and contracts are tenant data: a license id exists once per tenant. A
/// license's parts name scopes of the tenant (from this document's `scopes` or already there). A contract starts
/// under the tenant's apicontract workflow and takes its Actions, so it can be put in any state.
public struct APIFixtureSection: Sendable {
    public struct License: Sendable {
        public var path: String
        public var tenant: String?
        public var id: String
        public var name: String
        public var description: String
        public var sandboxAutoApproved: Bool
        public var productionAutoApproved: Bool
        public var visibility: String? = nil
        public var active: Bool = true
        public var environments: [String]? = nil
        public var parts: [LicensePart] = []
    }

    /// A scope (the Resource object of POST /api/businesses/{BusinessID}/resources).
    public struct ScopeElement: Sendable {
        public var path: String
        public var tenant: String?
        public var id: String
        public var name: String
        public var shortDescription: String
        public var longDescription: String
        public var visibility: String?
        public var parentID: String
        public var resourcePath: String
        public var sandboxAnonymousAccessAllowed: Bool
        public var productionAnonymousAccessAllowed: Bool
        public var oauthGrantDefaultResource: Bool
        public var oauthGrantUserAuthorizationRequired: Bool
    }

    public struct APIElement: Sendable {
        public var path: String
        public var tenant: String?
        public var id: String?
        public var name: String
        public var description: String
        public var visibility: String?
        public var admins: [String]
        public var versions: [VersionElement]?
    }

    public struct VersionElement: Sendable {
        public var path: String
        public var id: String?
        public var name: String?
        public var description: String?
        public var visibility: String?
        public var tags: [String]
        public var implementations: [APIImplementation]
        /// The policy keys attached to each implementation (by code), in order.
        public var policies: [(code: String, keys: [String])]
        public var actions: [FixtureDocument.Action]
    }

    public struct ContractElement: Sendable {
        public var path: String
        public var tenant: String?
        public var id: String?
        public var apiVersionID: String
        public var runtimeID: String
        public var environment: String
        public var licenseIDs: [String]
        public var actions: [FixtureDocument.Action]
    }

    public var scopes: [ScopeElement] = []
    public var licenses: [License] = []
    public var apis: [APIElement] = []
    public var contracts: [ContractElement] = []

    public init() {}

    public var isEmpty: Bool { scopes.isEmpty && licenses.isEmpty && apis.isEmpty && contracts.isEmpty }

    static let keys = ["scopes", "licenses", "apis", "contracts"]

    static func parse(_ top: FixtureDocument.Reader) throws -> APIFixtureSection {
        var section = APIFixtureSection()
        for (index, element) in try top.array("scopes").enumerated() {
            let reader = try FixtureDocument.Reader(element, path: "scopes[\(index)]", source: top.source)
            guard let id = try reader.string("ResourceID"), !id.isEmpty else { throw reader.error("ResourceID is required") }
            section.scopes.append(
                ScopeElement(
                    path: reader.path, tenant: try reader.tenant("tenant"), id: id, name: try reader.string("Name") ?? id,
                    shortDescription: try reader.string("ShortDescription") ?? "",
                    longDescription: try reader.string("LongDescription") ?? "",
                    visibility: try reader.visibility("Visibility"), parentID: try reader.string("ParentResourceID") ?? "",
                    resourcePath: try reader.string("ResourcePath") ?? "",
                    sandboxAnonymousAccessAllowed: try flag(reader, "SandboxAnonymousAccessAllowed"),
                    productionAnonymousAccessAllowed: try flag(reader, "ProductionAnonymousAccessAllowed"),
                    oauthGrantDefaultResource: try flag(reader, "OAuthGrantDefaultResource"),
                    oauthGrantUserAuthorizationRequired: try flag(reader, "OAuthGrantUserAuthorizationRequired")))
            try reader.finish([
                "ResourceID", "Name", "ShortDescription", "LongDescription", "Visibility", "ParentResourceID", "ResourcePath",
                "SandboxAnonymousAccessAllowed", "ProductionAnonymousAccessAllowed", "OAuthGrantDefaultResource",
                "OAuthGrantUserAuthorizationRequired", "tenant"
            ])
        }
        for (index, element) in try top.array("licenses").enumerated() {
            let reader = try FixtureDocument.Reader(element, path: "licenses[\(index)]", source: top.source)
            guard let id = try reader.string("LicenseID"), !id.isEmpty else { throw reader.error("LicenseID is required") }
            var license = License(
                path: reader.path, tenant: try reader.tenant("tenant"), id: id, name: try reader.string("Name") ?? id,
                description: try reader.string("Description") ?? "",
                sandboxAutoApproved: try flag(reader, "SandboxAccessAutoApproved"),
                productionAutoApproved: try flag(reader, "ProductionAccessAutoApproved"))
            license.visibility = try reader.visibility("Visibility")
            if let value = reader.value("Active"), value != .null {
                guard let active = value.boolValue else { throw reader.error("Active must be true or false, not \(value.typeName)") }
                license.active = active
            }
            if let environments = try reader.strings("Environment") {
                do {
                    license.environments = try LicenseService.environments(environments)
                } catch let error as DomainError {
                    throw reader.error(error.message)
                }
            }
            license.parts = try licenseParts(reader)
            section.licenses.append(license)
            try reader.finish([
                "LicenseID", "Name", "Description", "SandboxAccessAutoApproved", "ProductionAccessAutoApproved", "Visibility", "Active",
                "Environment", "LicenseParts", "tenant"
            ])
        }
        for (index, element) in try top.array("apis").enumerated() {
            let reader = try FixtureDocument.Reader(element, path: "apis[\(index)]", source: top.source)
            guard let name = try reader.string("Name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw reader.error("Name is required")
            }
            var versions: [VersionElement]?
            if reader.value("Versions") != nil {
                versions = try reader.array("Versions").enumerated().map { versionIndex, value in
                    let versionReader = try FixtureDocument.Reader(
                        value, path: "\(reader.path).Versions[\(versionIndex)]", source: top.source)
                    let (implementations, policies) = try implementations(versionReader)
                    let version = VersionElement(
                        path: versionReader.path, id: try versionReader.string("APIVersionID"), name: try versionReader.string("Name"),
                        description: try versionReader.string("Description"), visibility: try versionReader.visibility("Visibility"),
                        tags: try versionReader.strings("Tag") ?? [], implementations: implementations, policies: policies,
                        actions: try versionReader.actions())
                    try versionReader.finish(["APIVersionID", "Name", "Description", "Visibility", "Tag", "Implementations", "Actions"])
                    return version
                }
            }
            section.apis.append(
                APIElement(
                    path: reader.path, tenant: try reader.tenant("tenant"), id: try reader.string("APIID"), name: name,
                    description: try reader.string("Description") ?? "", visibility: try reader.visibility("Visibility"),
                    admins: try reader.strings("Admins") ?? [], versions: versions))
            try reader.finish(["APIID", "Name", "Description", "Visibility", "Admins", "Versions", "tenant"])
        }
        for (index, element) in try top.array("contracts").enumerated() {
            let reader = try FixtureDocument.Reader(element, path: "contracts[\(index)]", source: top.source)
            guard let apiVersionID = try reader.string("APIVersionID"), !apiVersionID.isEmpty else {
                throw reader.error("APIVersionID is required")
            }
            guard let runtimeID = try reader.string("RuntimeID"), !runtimeID.isEmpty else {
                throw reader.error("RuntimeID (an AppVersionID) is required")
            }
            let environmentText = try reader.string("Environment") ?? "Sandbox"
            guard let environment = Contract.environments.first(where: { $0.lowercased() == environmentText.lowercased() }) else {
                throw reader.error("Environment must be Sandbox or Production, not '\(environmentText)'")
            }
            section.contracts.append(
                ContractElement(
                    path: reader.path, tenant: try reader.tenant("tenant"), id: try reader.string("ContractID"), apiVersionID: apiVersionID,
                    runtimeID: runtimeID, environment: environment, licenseIDs: try reader.strings("LicenseID") ?? [],
                    actions: try reader.actions()))
            try reader.finish(["ContractID", "APIVersionID", "RuntimeID", "Environment", "LicenseID", "Actions", "tenant"])
        }
        return section
    }

    /// `LicenseParts`: a list of `{"Name", "ResourceID": […], "PolicyKey": […]}`, or the API's
    /// `{"LicensePart": […]}` wrapper around it.
    private static func licenseParts(_ reader: FixtureDocument.Reader) throws -> [LicensePart] {
        guard var value = reader.value("LicenseParts"), value != .null else { return [] }
        if case .object = value {
            let wrapper = try FixtureDocument.Reader(value, path: "\(reader.path).LicenseParts", source: reader.source)
            value = wrapper.value("LicensePart") ?? .array([])
            try wrapper.finish(["LicensePart"])
        }
        guard let list = value.arrayValue else {
            throw reader.error("LicenseParts must be an array of license parts, not \(value.typeName)")
        }
        guard list.count <= FieldLimits.maxListItems else {
            throw reader.error("LicenseParts has more than \(FieldLimits.maxListItems) entries")
        }
        return try list.enumerated().map { index, element in
            let part = try FixtureDocument.Reader(element, path: "\(reader.path).LicenseParts[\(index)]", source: reader.source)
            let result = LicensePart(
                name: try part.string("Name") ?? "", scopeIDs: try part.strings("ResourceID") ?? [],
                policyKeys: try part.strings("PolicyKey") ?? [])
            try part.finish(["Name", "ResourceID", "PolicyKey"])
            return result
        }
    }

    private static func flag(_ reader: FixtureDocument.Reader, _ key: String) throws -> Bool {
        guard let value = reader.value(key), value != .null else { return false }
        guard let flag = value.boolValue else { throw reader.error("\(key) must be true or false, not \(value.typeName)") }
        return flag
    }

    private static func implementations(_ reader: FixtureDocument.Reader) throws -> (
        [APIImplementation], [(code: String, keys: [String])]
    ) {
        var result: [APIImplementation] = []
        var policies: [(code: String, keys: [String])] = []
        for (index, element) in try reader.array("Implementations").enumerated() {
            let item = try FixtureDocument.Reader(element, path: "\(reader.path).Implementations[\(index)]", source: reader.source)
            let codeText = try item.string("ImplementationCode") ?? "Live"
            guard let code = APIImplementation.codes.first(where: { $0.lowercased() == codeText.lowercased() }) else {
                throw item.error("ImplementationCode must be Sandbox or Live, not '\(codeText)'")
            }
            guard !result.contains(where: { $0.code == code }) else { throw item.error("the \(code) implementation is given twice") }
            let mechanism = (try item.string("CreateMechanism") ?? "PROXY").uppercased()
            guard APIImplementation.mechanisms.contains(mechanism) else {
                throw item.error("CreateMechanism must be one of \(APIImplementation.mechanisms.joined(separator: ", "))")
            }
            let pattern = try item.string("Pattern")
            if let pattern,
                !(pattern.hasPrefix(ImplementationService.patternPrefix) && pattern.count > ImplementationService.patternPrefix.count)
            {
                throw item.error("Pattern must be an implementation pattern (\(ImplementationService.patternPrefix)…), not '\(pattern)'")
            }
            result.append(
                APIImplementation(
                    code: code, description: try item.string("Description") ?? "", createMechanism: mechanism,
                    endpointAccessAutoApproved: try flag(item, "EndpointAccessAutoApproved"),
                    endpoints: try item.strings("TargetEndpointURL") ?? [], pattern: pattern,
                    anonymousAccessAllowed: try flag(item, "AnonymousAccessAllowed")))
            if let keys = try item.strings("Policies"), !keys.isEmpty { policies.append((code, keys)) }
            try item.finish([
                "ImplementationCode", "Description", "CreateMechanism", "TargetEndpointURL", "EndpointAccessAutoApproved", "Pattern",
                "AnonymousAccessAllowed", "Policies"
            ])
        }
        return (result, policies)
    }
}

extension FixtureLoader.Applier {
    /// Licenses, then APIs (with versions and admins), then contracts: what is missing is created,
    /// what exists (same id; for an element without one, the same name, or for a contract an open
    /// one between the same versions and environment) is left as it is.
    mutating func applyAPIs(_ document: FixtureDocument) throws {
        let section = document.apiSection
        for scope in section.scopes {
            guard let tenant = try tenant(scope.tenant, document, scope.path) else { continue }
            try Self.element(source, scope.path) { try self.scope(scope, tenant: tenant) }
        }
        for license in section.licenses {
            guard let tenant = try tenant(license.tenant, document, license.path) else { continue }
            try Self.element(source, license.path) { try self.license(license, tenant: tenant) }
        }
        for api in section.apis {
            guard let tenant = try tenant(api.tenant, document, api.path) else { continue }
            try Self.element(source, api.path) { try self.api(api, tenant: tenant) }
        }
        for contract in section.contracts {
            guard let tenant = try tenant(contract.tenant, document, contract.path) else { continue }
            try Self.element(source, contract.path) { try self.contract(contract, tenant: tenant) }
        }
    }

    private mutating func license(_ license: APIFixtureSection.License, tenant: String) throws {
        try checkID(license.id, field: "LicenseID", tenant: tenant)
        if let existing = try LicenseRepository.details(db, id: license.id) {
            guard existing.tenant == tenant else {
                throw DomainError.badRequest("LicenseID \(license.id) belongs to tenant \(existing.tenant)")
            }
            skipped("licenses", license.id)
            return
        }
        try LicenseService.checkParts(db, license.parts, tenant: tenant)
        try LicenseRepository.save(
            db,
            LicenseDetails(
                id: license.id, tenant: tenant, businessID: TenantBusiness.id(of: tenant), name: license.name,
                description: license.description, visibility: license.visibility ?? Visibility.public,
                sandboxAccessAutoApproved: license.sandboxAutoApproved, productionAccessAutoApproved: license.productionAutoApproved,
                active: license.active, environments: license.environments ?? LicenseService.environments, agreements: [],
                parts: license.parts, created: stamp, updated: stamp))
        created("licenses", license.id)
    }

    private mutating func scope(_ scope: APIFixtureSection.ScopeElement, tenant: String) throws {
        try checkID(scope.id, field: "ResourceID", tenant: tenant)
        if let existing = try ScopeRepository.scope(db, id: scope.id) {
            guard existing.tenant == tenant else {
                throw DomainError.badRequest("ResourceID \(scope.id) belongs to tenant \(existing.tenant)")
            }
            skipped("scopes", scope.id)
            return
        }
        if !scope.parentID.isEmpty {
            guard let parent = try ScopeRepository.scope(db, id: scope.parentID), parent.tenant == tenant else {
                throw DomainError.badRequest("ParentResourceID \(scope.parentID) is not a scope of tenant \(tenant)")
            }
        }
        try ScopeRepository.insert(
            db,
            Scope(
                id: scope.id, tenant: tenant, businessID: TenantBusiness.id(of: tenant), name: scope.name,
                shortDescription: scope.shortDescription, longDescription: scope.longDescription,
                visibility: scope.visibility ?? Visibility.public, parentID: scope.parentID,
                sandboxAnonymousAccessAllowed: scope.sandboxAnonymousAccessAllowed,
                productionAnonymousAccessAllowed: scope.productionAnonymousAccessAllowed, resourcePath: scope.resourcePath,
                oauthGrantDefaultResource: scope.oauthGrantDefaultResource,
                oauthGrantUserAuthorizationRequired: scope.oauthGrantUserAuthorizationRequired, created: stamp, updated: stamp))
        created("scopes", scope.id)
    }

    private mutating func api(_ element: APIFixtureSection.APIElement, tenant: String) throws {
        var apiID: String
        var isNew: Bool
        if let id = element.id {
            try checkID(id, field: "APIID", tenant: tenant)
            apiID = id
            isNew = try APIRepository.api(db, id: id) == nil
        } else if let found = try APIRepository.apiID(db, tenant: tenant, name: element.name) {
            apiID = found
            isNew = false
        } else {
            apiID = "\(ids.uuid()).\(tenant)"
            isNew = true
        }
        var api: API
        if isNew {
            api = try APIService.newAPI(
                id: apiID, tenant: tenant, name: element.name, description: element.description,
                visibility: element.visibility, adminGroupID: "apiadmin-\(ids.uuid()).\(tenant)", now: stamp)
            try APIRepository.insertAPI(db, api, createdBy: "")
            created("apis", apiID)
        } else {
            guard let stored = try APIRepository.api(db, id: apiID) else { throw DomainError.notFound("API \(apiID) was not found.") }
            api = stored
            // The document's visibility (or Public) for versions it adds, as before.
            api.visibility = element.visibility ?? Visibility.public
            skipped("apis", apiID)
        }
        for (index, email) in element.admins.enumerated() {
            guard let admins = try GroupRepository.group(db, apiID: apiID) else {
                throw DomainError.conflict("API \(apiID) has no admin group.")
            }
            try GroupMemberships(engine: workflow, stamp: stamp, ids: ids).addAccepted(
                db, group: admins, userID: try userID(email: email, tenant: tenant, field: "Admins[\(index)]"), role: Membership.roleAdmin,
                by: "")
        }
        let versions =
            element.versions
            ?? (isNew
                ? [
                    APIFixtureSection.VersionElement(
                        path: "\(element.path).Versions[0]", id: nil, name: APIService.firstVersionName, description: nil, visibility: nil,
                        tags: [], implementations: [], policies: [],
                        actions: [])
                ] : [])
        for version in versions {
            let versionID: String
            if let id = version.id {
                try checkID(id, field: "APIVersionID", tenant: tenant)
                if let owner = try APIRepository.version(db, id: id)?.apiID {
                    guard owner == apiID else {
                        throw DomainError.badRequest("\(version.path): APIVersionID \(id) belongs to API \(owner)")
                    }
                    skipped("apiVersions", id)
                    continue
                }
                versionID = id
            } else {
                let name = version.name ?? APIService.firstVersionName
                if let found = try APIRepository.versionID(db, apiID: apiID, name: name) {
                    skipped("apiVersions", found)
                    continue
                }
                versionID = "\(ids.uuid()).\(tenant)"
            }
            try APIRepository.insertVersion(
                db,
                APIService.newVersion(
                    id: versionID, of: api, name: version.name ?? APIService.firstVersionName,
                    description: version.description ?? element.description, visibility: version.visibility, tags: version.tags,
                    implementations: version.implementations, descriptorFileID: nil, now: stamp))
            for (code, keys) in version.policies {
                for key in keys where try !PolicyRepository.policyExists(db, tenant: tenant, key: key) {
                    throw DomainError.badRequest("Policies: \(key) is not a policy of tenant \(tenant)")
                }
                try PolicyRepository.replaceAttachments(db, apiVersionID: versionID, code: code, keys: keys, operations: [])
            }
            _ = try workflow.start(db, tenant: tenant, objectType: APIService.versionObjectType, objectID: versionID, caller: caller)
            try perform(version.actions, objectID: versionID, tenant: tenant, caller: caller)
            created("apiVersions", versionID)
        }
    }

    private mutating func contract(_ element: APIFixtureSection.ContractElement, tenant: String) throws {
        guard let apiVersion = try APIRepository.version(db, id: element.apiVersionID), apiVersion.tenant == tenant else {
            throw DomainError.badRequest("APIVersionID \(element.apiVersionID) is not an API version of tenant \(tenant)")
        }
        guard let appVersion = try AppRepository.version(db, id: element.runtimeID), appVersion.tenant == tenant else {
            throw DomainError.badRequest("RuntimeID \(element.runtimeID) is not an app version of tenant \(tenant)")
        }
        _ = try ContractService.licenses(db, ids: element.licenseIDs, tenant: tenant, environment: element.environment)
        let id: String
        if let given = element.id {
            try checkID(given, field: "ContractID", tenant: tenant)
            if try ContractRepository.contract(db, id: given) != nil {
                skipped("contracts", given)
                return
            }
            id = given
        } else if let open = try ContractRepository.openContract(
            db, runtimeID: appVersion.id, apiVersionID: apiVersion.id,
            environment: element.environment)
        {
            skipped("contracts", open)
            return
        } else {
            id = "\(ids.uuid()).\(tenant)"
        }
        try ContractRepository.insert(
            db,
            ContractService.newContract(
                id: id, tenant: tenant, apiVersionID: apiVersion.id, runtimeID: appVersion.id, environment: element.environment,
                scope: ContractScopeInput(licenseIDs: element.licenseIDs), now: stamp), requestedBy: nil)
        guard try workflow.start(db, tenant: tenant, objectType: Contract.objectType, objectID: id, caller: caller) != nil else {
            throw DomainError.badRequest("no workflow is assigned to object type apicontract in tenant \(tenant)")
        }
        try perform(element.actions, objectID: id, tenant: tenant, caller: caller)
        created("contracts", id)
    }
}
