import Foundation
import JSONCodec
import SQLiteStore

/// What GET /api/apps/versions/{AppVersionID}/package exports (akana help `cm/api/apps/m_apps_exportAppVersion.htm`).
public struct AppVersionPackageOptions: Sendable, Equatable {
    /// `exportVersion`: `current` (this version) or `all` (every version of its app).
    public var exportVersion: APIPackageOptions.ExportVersion
    /// `migration.app.pki.export`: the versions' shared secrets (left out otherwise).
    public var pki: Bool
    /// `migration.export.include.api.connections`: the versions' contracts, with their licenses and states.
    public var connections: Bool
    /// `migration.export.include.app.team`: the app's team, by email.
    public var team: Bool

    public init(exportVersion: APIPackageOptions.ExportVersion = .current, pki: Bool = false, connections: Bool = false, team: Bool = false)
    {
        self.exportVersion = exportVersion
        self.pki = pki
        self.connections = connections
        self.team = team
    }
}

/// What GET /api/contracts/{ContractID}/package exports (akana help `cm/api/contracts/m_contracts_export.htm`).
public struct ContractPackageOptions: Sendable, Equatable {
    /// `migration.export.include.apis`: the contract's API version as an API package holds it.
    public var apis: Bool
    /// `migration.export.include.apps`: the contract's app and app version.
    public var apps: Bool
    /// `migration.export.include.licenses`: the contract's licenses, their parts and the scopes they name.
    public var licenses: Bool
    /// `migration.qospolicy.export`: the tenant's own QoS policies those licenses name.
    public var qosPolicies: Bool

    public init(apis: Bool = false, apps: Bool = false, licenses: Bool = false, qosPolicies: Bool = false) {
        self.apis = apis
        self.apps = apps
        self.licenses = licenses
        self.qosPolicies = qosPolicies
    }
}

extension APIPackageLayout {
    public static let apps = Table(
        name: "apps",
        columns: [
            Column("id"), Column("tenant"), Column("name"), Column("summary"), Column("description"), Column("business_id", .optionalText),
            Column("created"), Column("updated")
        ])
    /// `shared_secret` is `null` unless the export had `migration.app.pki.export=true`.
    public static let appVersions = Table(
        name: "app_versions",
        columns: [
            Column("id"), Column("app_id"), Column("tenant"), Column("name"), Column("description"), Column("website_address"),
            Column("visibility"), Column("initial_environment"), Column("current_environment"), Column("state"), Column("identity"),
            Column("identity_user_defined", .integer), Column("shared_secret", .optionalText), Column("has_key_info", .integer),
            Column("created"), Column("updated")
        ])
    public static let appVersionTags = Table(
        name: "app_version_tags", columns: [Column("app_version_id"), Column("position", .integer), Column("tag")])
    public static let appVersionSecurityMechanisms = Table(
        name: "app_version_security_mechanisms", columns: [Column("app_version_id"), Column("mechanism")])
    /// The app's team by email (users are not exported), with their role.
    public static let appTeam = Table(name: "app_team", columns: [Column("email"), Column("role")])
    public static let contracts = Table(
        name: "contracts",
        columns: [
            Column("id"), Column("tenant"), Column("api_version_id"), Column("runtime_id"), Column("environment"),
            Column("restricted", .integer), Column("requested_by", .optionalText), Column("created"), Column("updated"),
            Column("revision_of", .optionalText)
        ])
    public static let contractLicenses = Table(name: "contract_licenses", columns: [Column("contract_id"), Column("license_id")])
    /// The contracts' workflow states (the workflow definition and step are the source's own, and left out).
    public static let workflowObjects = Table(
        name: "workflow_objects", columns: [Column("object_id"), Column("object_type"), Column("status"), Column("updated")])

    /// The tables of app-version and contract packages, in the order they are written.
    static let appAndContractTables: [Table] = [
        apps, appVersions, appVersionTags, appVersionSecurityMechanisms, appTeam, contracts, contractLicenses, workflowObjects
    ]
}

extension PackageService {
    public static let appVersionFileName = "appversion-export.zip"
    public static let contractFileName = "apicontract-export.zip"

    /// GET /api/apps/versions/{AppVersionID}/package: Site Admins and the users who may change the
    /// app (its team, Business Admins) export; others get 403 for a version they can see, 404 otherwise.
    public func exportAppVersion(_ id: String, caller: AuthenticatedSession, options: AppVersionPackageOptions) throws -> APIPackage {
        let exported = Timestamp.iso8601(clock.now())
        let entries = try database.read(in: caller.scope) { db in
            guard let version = try AppRepository.version(db, id: id), version.tenant == caller.tenant else {
                throw DomainError.notFound("App version \(id) was not found.")
            }
            let teamRole = try AppRepository.teamRole(db, appID: version.appID, userID: caller.userID)
            let visibleToAll = version.visibility == Visibility.public || version.visibility == Visibility.registeredUsers
            guard caller.isSiteAdmin || caller.isBusinessAdmin || teamRole != nil || visibleToAll else {
                throw DomainError.notFound("App version \(id) was not found.")
            }
            guard caller.isSiteAdmin || caller.isBusinessAdmin || teamRole != nil else {
                throw DomainError.forbidden("Only Site Admins and the app's team may export app version \(id).")
            }
            var rows: [String: [Row]] = [:]
            rows[Layout.apps.name] = try PackageRepository.rows(db, Layout.apps, where: "id", is: version.appID)
            var versions =
                options.exportVersion == .all
                ? try PackageRepository.rows(db, Layout.appVersions, where: "app_id", is: version.appID)
                : try PackageRepository.rows(db, Layout.appVersions, where: "id", is: id)
            if !options.pki {
                for index in versions.indices { versions[index][Layout.appVersions.index("shared_secret")] = .null }
            }
            rows[Layout.appVersions.name] = versions
            for versionRow in versions {
                let versionID = versionRow[0].textValue ?? ""
                for table in [Layout.appVersionTags, Layout.appVersionSecurityMechanisms] {
                    rows[table.name, default: []] += try PackageRepository.rows(db, table, where: "app_version_id", is: versionID)
                }
                if options.connections {
                    let contracts = try PackageRepository.rows(db, Layout.contracts, where: "runtime_id", is: versionID)
                    try self.addContracts(db, contracts, to: &rows)
                }
            }
            if options.team { rows[Layout.appTeam.name] = try PackageRepository.team(db, appID: version.appID) }
            let manifest = self.manifest(
                format: "akana-emulator/appversion-package", exported: exported, tenant: caller.tenant, idName: "AppVersionID", id: id,
                exportVersion: options.exportVersion.rawValue,
                options: [
                    (options.pki, "migration.app.pki.export"), (options.connections, "migration.export.include.api.connections"),
                    (options.team, "migration.export.include.app.team")
                ])
            return Layout.entries(manifest: manifest, tables: Layout.appAndContractTables, rows: rows)
        }
        return APIPackage(bytes: try ZipArchive.write(entries))
    }

    /// GET /api/contracts/{ContractID}/package: the app's team, the API's admins, Site Admins and
    /// Business Admins export (the page's roles); anyone else gets 404, as for reading the contract.
    public func exportContract(_ id: String, caller: AuthenticatedSession, options: ContractPackageOptions) throws -> APIPackage {
        let exported = Timestamp.iso8601(clock.now())
        let entries = try database.read(in: caller.scope) { db in
            guard let contract = try ContractRepository.contract(db, id: id), contract.tenant == caller.tenant,
                let roles = try ContractService.roles(db, caller: caller, contractID: id),
                !roles.isDisjoint(with: ["AppTeamMember", "ApiAdmin", Role.siteAdmin, Role.businessAdmin])
            else { throw DomainError.notFound("Contract \(id) was not found.") }
            var rows: [String: [Row]] = [:]
            var descriptorBytes: [Int64: [UInt8]] = [:]
            try self.addContracts(db, try PackageRepository.rows(db, Layout.contracts, where: "id", is: id), to: &rows)
            if options.apps, let appVersion = try AppRepository.version(db, id: contract.runtimeID) {
                rows[Layout.apps.name] = try PackageRepository.rows(db, Layout.apps, where: "id", is: appVersion.appID)
                var versions = try PackageRepository.rows(db, Layout.appVersions, where: "id", is: appVersion.id)
                for index in versions.indices { versions[index][Layout.appVersions.index("shared_secret")] = .null }
                rows[Layout.appVersions.name] = versions
                for table in [Layout.appVersionTags, Layout.appVersionSecurityMechanisms] {
                    rows[table.name] = try PackageRepository.rows(db, table, where: "app_version_id", is: appVersion.id)
                }
            }
            if options.apis, let apiVersion = try APIRepository.version(db, id: contract.apiVersionID),
                let api = try APIRepository.api(db, id: apiVersion.apiID)
            {
                let contents = try self.contents(
                    db, api: api, options: APIPackageOptions(qosPolicies: options.qosPolicies), exported: exported,
                    onlyVersion: apiVersion.id)
                rows.merge(contents.rows) { ours, _ in ours }
                descriptorBytes = contents.descriptorBytes
            }
            if options.licenses {
                let licenseIDs = try PackageRepository.rows(db, Layout.contractLicenses, where: "contract_id", is: id).compactMap {
                    $0[1].textValue
                }
                var scopeIDs: [String] = []
                var policyKeys: [String] = []
                for licenseID in licenseIDs {
                    rows[Layout.licenses.name, default: []] += try PackageRepository.rows(db, Layout.licenses, where: "id", is: licenseID)
                    for table in [Layout.licenseAgreements, Layout.licenseParts, Layout.licensePartScopes, Layout.licensePartPolicies] {
                        let found = try PackageRepository.rows(db, table, where: "license_id", is: licenseID)
                        rows[table.name, default: []] += found
                        if table == Layout.licensePartScopes { scopeIDs += found.compactMap { $0[3].textValue } }
                        if table == Layout.licensePartPolicies { policyKeys += found.compactMap { $0[3].textValue } }
                    }
                }
                var seen = Set((rows[Layout.scopes.name] ?? []).compactMap { $0[0].textValue })
                for scopeID in scopeIDs where seen.insert(scopeID).inserted {
                    rows[Layout.scopes.name, default: []] += try PackageRepository.rows(db, Layout.scopes, where: "id", is: scopeID)
                }
                if options.qosPolicies {
                    for key in Set(policyKeys).sorted() {
                        if let policy = try PackageRepository.policy(db, tenant: caller.tenant, key: key) {
                            rows[Layout.policies.name, default: []].append(policy)
                        }
                    }
                }
            }
            let manifest = self.manifest(
                format: "akana-emulator/contract-package", exported: exported, tenant: caller.tenant, idName: "ContractID", id: id,
                exportVersion: "current",
                options: [
                    (options.apis, "migration.export.include.apis"), (options.apps, "migration.export.include.apps"),
                    (options.licenses, "migration.export.include.licenses"), (options.qosPolicies, "migration.qospolicy.export")
                ])
            var entries = Layout.entries(manifest: manifest, tables: Layout.appAndContractTables + Layout.tables, rows: rows)
            for (fileID, bytes) in descriptorBytes.sorted(by: { $0.key < $1.key }) {
                entries.append(ZipArchive.Entry(path: "\(Layout.descriptorsFolder)/\(fileID)", bytes: bytes))
            }
            return entries
        }
        return APIPackage(bytes: try ZipArchive.write(entries))
    }

    /// `contracts` with their licenses and workflow states.
    private func addContracts(_ db: SQLiteConnection, _ contracts: [Row], to rows: inout [String: [Row]]) throws {
        for contract in contracts {
            let id = contract[0].textValue ?? ""
            rows[Layout.contracts.name, default: []].append(contract)
            rows[Layout.contractLicenses.name, default: []] += try PackageRepository.rows(
                db, Layout.contractLicenses, where: "contract_id", is: id)
            rows[Layout.workflowObjects.name, default: []] += try PackageRepository.rows(
                db, Layout.workflowObjects, where: "object_id", is: id)
        }
    }

    private func manifest(
        format: String, exported: String, tenant: String, idName: String, id: String, exportVersion: String, options: [(Bool, String)]
    ) -> JSONValue {
        .object([
            ("Format", .string(format)), ("Version", .string(version)), ("Exported", .string(exported)), ("Tenant", .string(tenant)),
            (idName, .string(id)), ("ExportVersion", .string(exportVersion)),
            ("Options", .array(options.filter(\.0).map { .string($0.1) }))
        ])
    }
}
