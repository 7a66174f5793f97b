import JSONCodec

/// The platform's built-in policies, shipped in `Config/policies/*.json` (embedded in the binary at
/// build time): `{"policies": [{Name, Description, PolicyType, PolicySubType}]}`. Every tenant has
/// them, keyed `<tenant>-<Name>` as the platform keys them (help
/// `apis/m_apis_modifyAPIImplementationPolicies.htm`: `acmepaymentscorp-AtmosphereApplicationSecurityPolicy`).
public enum PolicyCatalogue {
    struct BuiltIn: Sendable {
        var name: String
        var description: String
        var type: String
        var subType: String
    }

    /// Parsed once. A broken shipped file is a build defect: it stops the first use with its name.
    static let builtIns: [BuiltIn] = {
        do {
            return try EmbeddedPolicies.files.flatMap { try parse($0.text, fileName: $0.name) }
        } catch {
            fatalError("\(error)")
        }
    }()

    static func parse(_ text: String, fileName: String) throws -> [BuiltIn] {
        let document = try JSONParser.parse(text)
        guard let list = document.member(caseInsensitive: "policies")?.arrayValue else {
            throw DomainError.conflict("Shipped policy file \(fileName) has no \"policies\" array.")
        }
        return try list.enumerated().map { index, item in
            func text(_ key: String) throws -> String {
                guard let value = item.member(caseInsensitive: key)?.stringValue else {
                    throw DomainError.conflict("Shipped policy file \(fileName): policies[\(index)].\(key) must be a string.")
                }
                return value
            }
            let type = try text("PolicyType")
            guard Policy.types.contains(type) else {
                throw DomainError.conflict("Shipped policy file \(fileName): policies[\(index)].PolicyType '\(type)' is not a policy type.")
            }
            return BuiltIn(name: try text("Name"), description: try text("Description"), type: type, subType: try text("PolicySubType"))
        }
    }

    /// The built-in key of `name` in `tenant`.
    public static func key(tenant: String, name: String) -> String { "\(tenant)-\(name)" }

    /// The tenant's built-in policies, in the shipped order.
    public static func builtIns(tenant: String) -> [Policy] {
        builtIns.map {
            Policy(key: key(tenant: tenant, name: $0.name), name: $0.name, description: $0.description, type: $0.type, subType: $0.subType)
        }
    }

    /// The tenant's built-in policy with this key.
    public static func builtIn(tenant: String, key: String) -> Policy? {
        guard key.hasPrefix("\(tenant)-") else { return nil }
        let name = key.dropFirst(tenant.count + 1)
        return builtIns(tenant: tenant).first { $0.name == name }
    }
}
