import Foundation

/// What GET /api/apis/{APIID}/package exports (akana help `cm/api/apis/m_apis_export.htm`).
public struct APIPackageOptions: Sendable, Equatable {
    public enum ExportVersion: String, Sendable, Equatable {
        /// Every version of the API.
        case all
        /// Only the API's current (newest) version.
        case current
    }

    public var exportVersion: ExportVersion
    /// `migration.operationalpolicy.export`: the definitions of the tenant's own operational policies attached to the API.
    public var operationalPolicies: Bool
    /// `migration.qospolicy.export`: the definitions of the tenant's own QoS (service level) policies it uses.
    public var qosPolicies: Bool
    /// `migration.pki.export`: private keys and certificates; the emulator keeps none, so nothing is added.
    public var pki: Bool
    /// `migration.export.include.api.admins`: the API's admins, by email.
    public var admins: Bool
    /// `migration.export.include.api.connections`: accepted; see docs/packages.md (connections are not exported).
    public var connections: Bool
    /// `migration.export.include.scopes`: the scopes the API's operations map to, the mappings and the licenses naming them.
    public var scopes: Bool

    public init(
        exportVersion: ExportVersion = .all, operationalPolicies: Bool = false, qosPolicies: Bool = false, pki: Bool = false,
        admins: Bool = false, connections: Bool = false, scopes: Bool = false
    ) {
        self.exportVersion = exportVersion
        self.operationalPolicies = operationalPolicies
        self.qosPolicies = qosPolicies
        self.pki = pki
        self.admins = admins
        self.connections = connections
        self.scopes = scopes
    }

    /// The options as `package.json` lists them (the query parameters that were true).
    var names: [String] {
        [
            (operationalPolicies, "migration.operationalpolicy.export"), (qosPolicies, "migration.qospolicy.export"),
            (pki, "migration.pki.export"), (admins, "migration.export.include.api.admins"),
            (connections, "migration.export.include.api.connections"), (scopes, "migration.export.include.scopes")
        ].filter(\.0).map(\.1)
    }
}

/// An exported package: the ZIP and the file name the platform gives it.
public struct APIPackage: Sendable, Equatable {
    public static let fileName = "api-export.zip"
    public var bytes: Data
}

/// What an import did: the API (created or updated), the versions it wrote, the tenant objects it
/// added, and what it left out (an admin with no account in the tenant).
public struct PackageImport: Sendable, Equatable {
    public var apiID: String
    public var apiName: String
    public var created: Bool
    public var versionIDs: [String]
    public var addedScopes: [String]
    public var addedLicenses: [String]
    public var addedPolicies: [String]
    public var documents: Int
    public var admins: [String]
    public var notes: [String]
}
