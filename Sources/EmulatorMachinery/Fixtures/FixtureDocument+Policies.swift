import AkanaDomain
import Foundation

/// The fixture section of the policies a tenant has beyond the built-in ones (`Config/policies/`):
///
///     "policies": [{"PolicyKey": "acmepaymentscorp-TravelportAppID", "Name": "Travelport AppID",
///                   "Description": …, "PolicyType": "Operational Policy", "PolicySubType": "policy.apisec",
///                   "BusinessID": …, "Active": true}]
///
/// PolicyKey defaults to `<tenant>-<Name>` (the form of the built-in keys); PolicyType is one of
/// `Policy.types`. A policy whose key the tenant has is left as it is; a built-in key is refused.
public struct PolicyFixtureSection: Sendable {
    public struct Element: Sendable {
        public var path: String
        public var tenant: String?
        public var key: String?
        public var name: String
        public var description: String
        public var type: String
        public var subType: String
        public var businessID: String?
        public var active: Bool
    }

    public var policies: [Element] = []

    public init() {}

    public var isEmpty: Bool { policies.isEmpty }

    static let keys = ["policies"]

    static func parse(_ top: FixtureDocument.Reader) throws -> PolicyFixtureSection {
        var section = PolicyFixtureSection()
        for (index, element) in try top.array("policies").enumerated() {
            let reader = try FixtureDocument.Reader(element, path: "policies[\(index)]", source: top.source)
            guard let name = try reader.string("Name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw reader.error("Name is required")
            }
            let typeText = try reader.string("PolicyType") ?? ""
            guard let type = Policy.types.first(where: { $0.lowercased() == typeText.lowercased() }) else {
                throw reader.error("PolicyType must be one of \(Policy.types.joined(separator: ", ")), not '\(typeText)'")
            }
            var active = true
            if let value = reader.value("Active"), value != .null {
                guard let flag = value.boolValue else { throw reader.error("Active must be true or false, not \(value.typeName)") }
                active = flag
            }
            let key = try reader.string("PolicyKey")
            if let key, key.isEmpty { throw reader.error("PolicyKey must not be empty") }
            section.policies.append(
                Element(
                    path: reader.path, tenant: try reader.tenant("tenant"), key: key, name: name,
                    description: try reader.string("Description") ?? "", type: type, subType: try reader.string("PolicySubType") ?? "",
                    businessID: try reader.string("BusinessID"), active: active))
            try reader.finish(["PolicyKey", "Name", "Description", "PolicyType", "PolicySubType", "BusinessID", "Active", "tenant"])
        }
        return section
    }
}

extension FixtureLoader.Applier {
    /// Adds the policies the tenant does not have yet.
    mutating func applyPolicies(_ document: FixtureDocument) throws {
        for element in document.policySection.policies {
            guard let tenant = try tenant(element.tenant, document, element.path) else { continue }
            try Self.element(source, element.path) { try self.policy(element, tenant: tenant) }
        }
    }

    private mutating func policy(_ element: PolicyFixtureSection.Element, tenant: String) throws {
        let key = element.key ?? PolicyCatalogue.key(tenant: tenant, name: element.name)
        if PolicyCatalogue.builtIn(tenant: tenant, key: key) != nil {
            throw DomainError.badRequest("PolicyKey \(key) is a built-in policy")
        }
        if try PolicyRepository.policyExists(db, tenant: tenant, key: key) {
            skipped("policies", key)
            return
        }
        try PolicyRepository.insertPolicy(
            db, tenant: tenant,
            Policy(
                key: key, name: element.name, description: element.description, type: element.type, subType: element.subType,
                businessID: element.businessID, active: element.active),
            now: stamp)
        created("policies", key)
    }
}
