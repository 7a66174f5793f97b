import AkanaDomain
import Foundation
import JSONCodec

/// Builds the effective configuration: built-in defaults < config file < `AKANA_EMULATOR_*`
/// environment < flags. Unknown keys and bad values are errors that name the key.
public struct ConfigurationLoader: Sendable {
    /// The config file read when neither `--config` nor `AKANA_EMULATOR_CONFIG` names one (and it exists).
    public static let defaultConfigPath = "Config/akana-emulator.json"

    public var environment: [String: String]
    /// Values from command-line flags, by configuration key (`port`, `database`, …).
    public var flags: [String: String]
    /// `--config`, when given.
    public var configPath: String?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, flags: [String: String] = [:], configPath: String? = nil
    ) {
        self.environment = environment
        self.flags = flags
        self.configPath = configPath
    }

    /// Variables the emulator's clients read, not the daemon: the pytest plugin
    /// (`clients/python`) finds the binary to start, or the running emulator, by them. A shell that
    /// exports them for the tests can still start the daemon.
    static let clientVariables: Set<String> = ["AKANA_EMULATOR_BINARY", "AKANA_EMULATOR_URL"]

    /// The effective configuration and the config file it read (nil when none).
    public func load() throws(ConfigurationError) -> (EmulatorConfiguration, String?) {
        var configuration = EmulatorConfiguration()
        let file = try configFile()
        if let file { try Self.apply(fileAt: file, to: &configuration) }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("AKANA_EMULATOR_") {
            if name == "AKANA_EMULATOR_CONFIG" || Self.clientVariables.contains(name) { continue }
            guard let key = ConfigurationKeys.all.first(where: { $0.environmentVariable == name }) else {
                let known = ConfigurationKeys.all.map(\.environmentVariable).joined(separator: ", ")
                throw ConfigurationError("Unknown environment variable \(name); known: AKANA_EMULATOR_CONFIG, \(known)")
            }
            do {
                try key.apply(&configuration, .string(value))
            } catch {
                throw ConfigurationError("\(name): \(error.message)")
            }
        }
        for (name, value) in flags.sorted(by: { $0.key < $1.key }) {
            guard let key = ConfigurationKeys.named(name) else { throw ConfigurationError("Unknown setting \(name)") }
            try key.apply(&configuration, .string(value))
        }
        let known = Set([configuration.tenant] + configuration.extraTenants.map(\.fedmemberid))
        if let user = configuration.users.first(where: { $0.tenant.map { !known.contains($0) } ?? false }) {
            throw ConfigurationError(
                "users: \(user.email) names tenant \(user.tenant ?? ""), which is neither the tenant setting nor in tenants")
        }
        return (configuration, file)
    }

    private func configFile() throws(ConfigurationError) -> String? {
        if let explicit = configPath ?? environment["AKANA_EMULATOR_CONFIG"] {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw ConfigurationError("Config file \(explicit) does not exist")
            }
            return explicit
        }
        return FileManager.default.fileExists(atPath: Self.defaultConfigPath) ? Self.defaultConfigPath : nil
    }

    /// Applies a JSON config file (`//` and `/* */` comments and trailing commas allowed).
    static func apply(fileAt path: String, to configuration: inout EmulatorConfiguration) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("Cannot read config file \(path)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(data), options: .init(allowComments: true))
        } catch {
            throw ConfigurationError("Config file \(path) is not valid JSON: \(error.description)")
        }
        do {
            try apply(document: document, to: &configuration)
        } catch {
            throw ConfigurationError("Config file \(path): \(error.message)")
        }
    }

    /// Applies a parsed config document; nested objects are key prefixes (`{"limits": {"maxBodyBytes": …}}`).
    static func apply(document: JSONValue, to configuration: inout EmulatorConfiguration) throws(ConfigurationError) {
        guard let members = document.objectMembers else { throw ConfigurationError("the top level must be a JSON object") }
        try apply(members: members, prefix: "", to: &configuration)
    }

    private static func apply(members: [(String, JSONValue)], prefix: String, to configuration: inout EmulatorConfiguration)
        throws(ConfigurationError)
    {
        for (name, value) in members {
            let key = prefix + name
            if key == "users" {
                configuration.users = try seedUsers(value)
            } else if key == "tenants" {
                configuration.extraTenants = try tenants(value)
            } else if let setting = ConfigurationKeys.named(key) {
                try setting.apply(&configuration, value)
            } else if case .object(let nested) = value, ConfigurationKeys.all.contains(where: { $0.key.hasPrefix(key + ".") }) {
                try apply(members: nested, prefix: key + ".", to: &configuration)
            } else {
                throw ConfigurationError(
                    "unknown key \"\(key)\" (known keys: \(ConfigurationKeys.all.map(\.key).joined(separator: ", ")), users, tenants)")
            }
        }
    }

    static func seedUsers(_ value: JSONValue) throws(ConfigurationError) -> [EmulatorConfiguration.SeedUser] {
        guard let elements = value.arrayValue else { throw ConfigurationError("users must be an array of objects") }
        var users: [EmulatorConfiguration.SeedUser] = []
        for (position, element) in elements.enumerated() {
            guard let members = element.objectMembers else { throw ConfigurationError("users[\(position)] must be an object") }
            var email: String?
            var password: String?
            var name: String?
            var tenant: String?
            var roles: [String] = []
            for (field, fieldValue) in members {
                switch field {
                case "email", "password", "name", "tenant":
                    guard let text = fieldValue.stringValue, !text.isEmpty else {
                        throw ConfigurationError("users[\(position)].\(field) must be a non-empty string")
                    }
                    switch field {
                    case "email": email = text
                    case "password": password = text
                    case "name": name = text
                    default: tenant = text
                    }
                case "roles":
                    guard let list = fieldValue.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                        throw ConfigurationError("users[\(position)].roles must be an array of strings")
                    }
                    roles = list.compactMap(\.stringValue)
                    if let unknown = roles.first(where: { !knownRoles.contains($0) }) {
                        throw ConfigurationError(
                            "users[\(position)].roles: unknown role \"\(unknown)\" (known: \(knownRoles.joined(separator: ", ")))")
                    }
                default:
                    throw ConfigurationError("users[\(position)]: unknown key \"\(field)\" (known: email, password, name, roles, tenant)")
                }
            }
            guard let email, email.contains("@") else {
                throw ConfigurationError("users[\(position)].email is required and must be an email address")
            }
            guard let password else { throw ConfigurationError("users[\(position)].password is required") }
            users.append(
                .init(email: email, password: password, name: name ?? String(email.prefix { $0 != "@" }), roles: roles, tenant: tenant))
        }
        return users
    }

    /// `[{"fedmemberid": "globex", "hosts": ["globex.localhost"], "csrf": {"readRequests": false, "writeRequests": true}}]`
    static func tenants(_ value: JSONValue) throws(ConfigurationError) -> [TenantSettings] {
        guard let elements = value.arrayValue else { throw ConfigurationError("tenants must be an array of objects") }
        var tenants: [TenantSettings] = []
        for (position, element) in elements.enumerated() {
            guard let members = element.objectMembers else { throw ConfigurationError("tenants[\(position)] must be an object") }
            var tenant = TenantSettings(fedmemberid: "")
            for (field, fieldValue) in members {
                switch field {
                case "fedmemberid":
                    var probe = EmulatorConfiguration()
                    do {
                        try ConfigurationKeys.named("tenant")!.apply(&probe, fieldValue)
                    } catch {
                        throw ConfigurationError(
                            "tenants[\(position)].fedmemberid: " + error.message.replacingOccurrences(of: "tenant: ", with: ""))
                    }
                    tenant.fedmemberid = probe.tenant
                case "hosts":
                    guard let hosts = fieldValue.arrayValue?.compactMap(\.stringValue), hosts.count == fieldValue.arrayValue?.count,
                        !hosts.isEmpty
                    else {
                        throw ConfigurationError("tenants[\(position)].hosts must be a non-empty array of host names")
                    }
                    tenant.hosts = hosts
                case "csrf":
                    guard let flags = fieldValue.objectMembers else {
                        throw ConfigurationError("tenants[\(position)].csrf must be an object")
                    }
                    for (flag, flagValue) in flags {
                        guard let on = flagValue.boolValue else {
                            throw ConfigurationError("tenants[\(position)].csrf.\(flag) must be true or false")
                        }
                        switch flag {
                        case "readRequests": tenant.readRequestCSRF = on
                        case "writeRequests": tenant.writeRequestCSRF = on
                        default:
                            throw ConfigurationError(
                                "tenants[\(position)].csrf: unknown key \"\(flag)\" (known: readRequests, writeRequests)")
                        }
                    }
                default:
                    throw ConfigurationError("tenants[\(position)]: unknown key \"\(field)\" (known: fedmemberid, hosts, csrf)")
                }
            }
            guard !tenant.fedmemberid.isEmpty else { throw ConfigurationError("tenants[\(position)].fedmemberid is required") }
            guard !tenant.hosts.isEmpty else {
                throw ConfigurationError("tenants[\(position)].hosts is required: the Host names that select this tenant")
            }
            tenants.append(tenant)
        }
        return tenants
    }

    /// Roles a seeded user can carry.
    public static let knownRoles = ["SiteAdmin", "BusinessAdmin", "SchemaDesigner", "SchemaApprover"]
}
