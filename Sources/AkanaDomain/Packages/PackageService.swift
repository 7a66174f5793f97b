import Foundation
import SQLiteStore

/// API packages: an API exported from one emulator (GET /api/apis/{APIID}/package, help
/// `cm/api/apis/m_apis_export.htm`) and imported into a tenant of another
/// (POST /api/tenants/{FedmemberID}/packages, help `cm/api/tenantadmin/m_tenantadmin_importPackage.htm`).
/// The layout is `APIPackageLayout`'s (docs/packages.md). An import is one transaction: the ZIP,
/// its JSON and every reference are checked, and any problem is a 400 that imports nothing.
public final class PackageService: Sendable {
    let database: DatabasePool
    let clock: EmulatorClock
    private let workflow: WorkflowEngine
    private let ids: IDGenerator
    /// The emulator's version (`major.minor.patch`), written into exports and compared on import.
    let version: String

    /// Bounds on an uploaded package (a package is JSON and documents: smaller than content uploads may be).
    public static let zipLimits = ZipArchive.Limits(maxEntries: 5_000, maxEntryBytes: 8 << 20, maxTotalBytes: 32 << 20)
    public static let maxPropertiesBytes = 64 * 1024

    public init(database: DatabasePool, clock: EmulatorClock, workflow: WorkflowEngine, ids: IDGenerator, version: String) {
        self.database = database
        self.clock = clock
        self.workflow = workflow
        self.ids = ids
        self.version = version
    }

    typealias Layout = APIPackageLayout
    typealias Row = APIPackageLayout.Row

    // MARK: - Export

    /// The API as a package. API admins, Business Admins and Site Admins export (the page's roles);
    /// others get 403 for an API they can see and 404 for one they cannot.
    public func exportAPI(_ apiID: String, caller: AuthenticatedSession, options: APIPackageOptions) throws -> APIPackage {
        let exported = Timestamp.iso8601(clock.now())
        let contents = try database.read(in: caller.scope) { db in
            let api = try APIAccess.modifiableAPI(db, id: apiID, caller: caller)
            return try self.contents(db, api: api, options: options, exported: exported)
        }
        return APIPackage(bytes: try ZipArchive.write(Layout.entries(contents)))
    }

    /// The package of `api` (only its version `onlyVersion`, when given: a contract's export).
    func contents(_ db: SQLiteConnection, api: API, options: APIPackageOptions, exported: String, onlyVersion: String? = nil) throws
        -> Layout.Contents
    {
        var rows: [String: [Row]] = [:]
        func add(_ table: Layout.Table, _ more: [Row]) { rows[table.name, default: []].append(contentsOf: more) }
        add(Layout.apis, try PackageRepository.rows(db, Layout.apis, where: "id", is: api.id))
        var versions = try PackageRepository.rows(db, Layout.apiVersions, where: "api_id", is: api.id)
        if options.exportVersion == .current { versions = versions.filter { $0[0].textValue == api.latestVersionID } }
        if let onlyVersion { versions = versions.filter { $0[0].textValue == onlyVersion } }
        add(Layout.apiVersions, versions)
        var descriptorBytes: [Int64: [UInt8]] = [:]
        var policyKeys: [String] = []
        var scopeIDs: [String] = []
        for version in versions {
            let id = version[0].textValue ?? ""
            var children = [
                Layout.apiVersionTags, Layout.apiImplementations, Layout.apiEndpoints, Layout.apiImplementationPolicies,
                Layout.apiOperations
            ]
            if options.scopes { children.append(Layout.operationScopes) }
            for table in children {
                let found = try PackageRepository.rows(db, table, where: "api_version_id", is: id)
                add(table, found)
                if table == Layout.apiImplementationPolicies { policyKeys += found.compactMap { $0[table.index("policy_key")].textValue } }
                if table == Layout.operationScopes { scopeIDs += found.compactMap { $0[table.index("scope_id")].textValue } }
            }
            if case .integer(let fileID) = version[Layout.apiVersions.index("descriptor_file_id")], descriptorBytes[fileID] == nil,
                let (row, bytes) = try PackageRepository.descriptor(db, id: fileID)
            {
                add(Layout.descriptors, [row])
                descriptorBytes[fileID] = bytes
            }
        }
        if options.scopes {
            // The licenses naming the mapped scopes, and every scope those licenses and parents name.
            var licenseIDs: [String] = []
            for scopeID in unique(scopeIDs) { licenseIDs += try PackageRepository.licenseIDs(db, scopeID: scopeID) }
            for licenseID in unique(licenseIDs) {
                add(Layout.licenses, try PackageRepository.rows(db, Layout.licenses, where: "id", is: licenseID))
                for table in [Layout.licenseAgreements, Layout.licenseParts, Layout.licensePartScopes, Layout.licensePartPolicies] {
                    let found = try PackageRepository.rows(db, table, where: "license_id", is: licenseID)
                    add(table, found)
                    if table == Layout.licensePartScopes { scopeIDs += found.compactMap { $0[table.index("scope_id")].textValue } }
                    if table == Layout.licensePartPolicies { policyKeys += found.compactMap { $0[table.index("policy_key")].textValue } }
                }
            }
            var pending = unique(scopeIDs)
            var seen: Set<String> = []
            while let scopeID = pending.popLast() {
                guard seen.insert(scopeID).inserted else { continue }
                let found = try PackageRepository.rows(db, Layout.scopes, where: "id", is: scopeID)
                add(Layout.scopes, found)
                for parent in found.compactMap({ $0[Layout.scopes.index("parent_id")].textValue }) where !parent.isEmpty {
                    pending.append(parent)
                }
            }
        }
        for key in unique(policyKeys) {
            guard let policy = try PackageRepository.policy(db, tenant: api.tenant, key: key) else { continue }
            let type = policy[Layout.policies.index("type")].textValue ?? ""
            let wanted =
                type == "Operational Policy"
                ? options.operationalPolicies
                : (type == "Service Level Policy" || type == "Denial of Service") ? options.qosPolicies : false
            if wanted { add(Layout.policies, [policy]) }
        }
        if options.admins { add(Layout.apiAdmins, try PackageRepository.admins(db, apiID: api.id)) }
        var documentBytes: [String: [UInt8]] = [:]
        for (row, bytes) in try PackageRepository.documents(db, tenant: api.tenant, prefix: Self.documentsPrefix(api.id)) {
            add(Layout.documents, [row])
            if row[Layout.documents.index("is_folder")] == .integer(0), let path = row[0].textValue { documentBytes[path] = bytes ?? [] }
        }
        let manifest = Layout.Manifest(
            version: version, exported: exported, tenant: api.tenant, apiID: api.id, exportVersion: options.exportVersion.rawValue,
            options: options.names)
        return Layout.Contents(manifest: manifest, rows: rows, descriptorBytes: descriptorBytes, documentBytes: documentBytes)
    }

    /// Where the content store keeps an API's documents (`/content/api/{APIID}/documents/…`).
    static func documentsPrefix(_ apiID: String) -> String { "api/\(apiID)/documents/" }

    // MARK: - Import

    /// Imports `package` (a ZIP from GET /api/apis/{APIID}/package) into the caller's tenant, with
    /// the optional properties file mapping endpoint URLs. Site Admins only (the route checks the
    /// role); `fedmemberID` must be the caller's tenant.
    public func importPackage(
        fedmemberID: String, caller: AuthenticatedSession, package: [UInt8], properties: [UInt8]?
    ) throws -> PackageImport {
        guard fedmemberID == caller.tenant else {
            throw DomainError.notFound("Tenant \(fedmemberID) was not found (a Site Admin imports into the tenant they are logged in to).")
        }
        let entries: [ZipArchive.Entry]
        do {
            entries = try ZipArchive.read(Data(package), limits: Self.zipLimits)
        } catch {
            throw DomainError.badRequest("The package could not be read: \(error.description).")
        }
        var contents = try Layout.read(entries)
        try checkVersion(contents.manifest.version)
        let mapping = try properties.map(EndpointMapping.parse) ?? EndpointMapping(rules: [])
        contents = Self.moved(contents, to: caller.tenant, mapping: mapping)
        let now = Timestamp.iso8601(clock.now())
        try Self.checkReferences(contents)
        return try database.write(in: caller.scope) { db in
            do {
                return try self.write(db, contents, caller: caller, now: now)
            } catch let error as DatabaseError where error.isConstraintViolation {
                throw DomainError.badRequest("The package breaks a rule of the emulator's data (\(error.message)); nothing was imported.")
            }
        }
    }

    /// The import rule of the page: an export from the same version, or from an earlier minor
    /// update of the same major version.
    func checkVersion(_ packageVersion: String) throws {
        func parts(_ text: String) -> [Int]? {
            let numbers = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...4).contains(numbers.count), numbers.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
            return numbers.map { $0! } + Array(repeating: 0, count: 4 - numbers.count)
        }
        guard let theirs = parts(packageVersion) else {
            throw DomainError.badRequest("package.json's Version '\(APIPackageLayout.shown(packageVersion)) is not a version number.")
        }
        let ours = parts(version) ?? [0, 0, 0, 0]
        guard theirs[0] == ours[0] else {
            throw DomainError.badRequest(
                "The package was exported from version \(packageVersion); this emulator (\(version)) imports only exports of the same major version."
            )
        }
        guard theirs.lexicographicallyPrecedes(ours) || theirs == ours else {
            throw DomainError.badRequest(
                "The package was exported from version \(packageVersion), newer than this emulator (\(version)); an import must come from the same version or an earlier minor update."
            )
        }
    }

    /// The package as the target tenant holds it: ids (`id`, `…_id`) that end in `.<source tenant>` end in the
    /// target's, the tenant-prefixed keys of policies likewise, and endpoint URLs mapped by the properties.
    static func moved(_ contents: Layout.Contents, to tenant: String, mapping: EndpointMapping) -> Layout.Contents {
        let source = contents.manifest.tenant
        var moved = contents
        for table in Layout.tables {
            guard var rows = moved.rows[table.name] else { continue }
            for index in rows.indices {
                for (position, column) in table.columns.enumerated() {
                    guard case .text(let text) = rows[index][position] else { continue }
                    var value = text
                    if column.name == "tenant" {
                        value = tenant
                    } else if source != tenant, column.name == "id" || column.name.hasSuffix("_id"), value.hasSuffix("." + source) {
                        value = String(value.dropLast(source.count)) + tenant
                    } else if source != tenant, column.name == "policy_key", value.hasPrefix(source + "-") {
                        value = tenant + value.dropFirst(source.count)
                    }
                    if table == Layout.apiEndpoints, column.name == "url" { value = mapping.apply(value) }
                    rows[index][position] = .text(value)
                }
            }
            moved.rows[table.name] = rows
        }
        if source != tenant, contents.manifest.apiID.hasSuffix("." + source) {
            moved.manifest.apiID = String(contents.manifest.apiID.dropLast(source.count)) + tenant
        }
        moved.manifest.tenant = tenant
        return moved
    }

    /// The references inside the package that the schema would otherwise refuse with a constraint
    /// error: unique keys, implementation codes, an implementation for every endpoint and policy,
    /// a license part for every part scope and policy.
    static func checkReferences(_ contents: Layout.Contents) throws {
        let keys: [(Layout.Table, [String])] = [
            (Layout.policies, ["policy_key"]), (Layout.scopes, ["id"]), (Layout.licenses, ["id"]),
            (Layout.licenseAgreements, ["license_id", "position"]), (Layout.licenseParts, ["license_id", "position"]),
            (Layout.licensePartScopes, ["license_id", "part", "position"]),
            (Layout.licensePartPolicies, ["license_id", "part", "position"]),
            (Layout.descriptors, ["id"]), (Layout.apiVersionTags, ["api_version_id", "position"]),
            (Layout.apiImplementations, ["api_version_id", "code"]), (Layout.apiEndpoints, ["api_version_id", "code", "position"]),
            (Layout.apiImplementationPolicies, ["api_version_id", "code", "operation", "position"]),
            (Layout.apiOperations, ["api_version_id", "position"]), (Layout.apiOperations, ["api_version_id", "name"]),
            (Layout.operationScopes, ["api_version_id", "operation_name", "position"]), (Layout.apiAdmins, ["email"]),
            (Layout.documents, ["path"])
        ]
        for (table, columns) in keys {
            var seen: Set<[SQLiteValue]> = []
            for row in contents.rows(table) {
                let key = columns.map { row[table.index($0)] }
                guard seen.insert(key).inserted else {
                    throw DomainError.badRequest("\(table.fileName) has two rows with the same \(columns.joined(separator: ", ")).")
                }
            }
        }
        let implementations = Set(
            contents.rows(Layout.apiImplementations).map { [$0[0], $0[Layout.apiImplementations.index("code")]] })
        for row in contents.rows(Layout.apiImplementations) {
            guard ["Sandbox", "Live"].contains(row[Layout.apiImplementations.index("code")].textValue ?? "") else {
                throw DomainError.badRequest("api_implementations.json has an implementation code other than Sandbox or Live.")
            }
        }
        for table in [Layout.apiEndpoints, Layout.apiImplementationPolicies] {
            for row in contents.rows(table) where !implementations.contains([row[0], row[table.index("code")]]) {
                throw DomainError.badRequest("\(table.fileName) names an implementation that api_implementations.json lacks.")
            }
        }
        let licenseIDs = Set(contents.rows(Layout.licenses).map { $0[0] })
        for table in [Layout.licenseAgreements, Layout.licenseParts] {
            for row in contents.rows(table) where !licenseIDs.contains(row[0]) {
                throw DomainError.badRequest("\(table.fileName) names a license that licenses.json lacks.")
            }
        }
        let parts = Set(contents.rows(Layout.licenseParts).map { [$0[0], $0[1]] })
        for table in [Layout.licensePartScopes, Layout.licensePartPolicies] {
            for row in contents.rows(table) where !parts.contains([row[0], row[1]]) {
                throw DomainError.badRequest("\(table.fileName) names a license part that license_parts.json lacks.")
            }
        }
    }

    private func write(_ db: SQLiteConnection, _ contents: Layout.Contents, caller: AuthenticatedSession, now: String) throws
        -> PackageImport
    {
        let tenant = caller.tenant
        let api = contents.rows(Layout.apis)[0]
        let apiID = contents.manifest.apiID
        let apiName = api[Layout.apis.index("name")].textValue ?? ""
        var notes: [String] = []

        // The API: updated when the tenant has it (a promotion again), created otherwise.
        let existingTenant = try PackageRepository.tenant(db, of: Layout.apis, id: apiID)
        if let existingTenant, existingTenant != tenant {
            throw DomainError.badRequest("API \(apiID) belongs to another tenant.")
        }
        // A new API gets its admin group (AdminGroupID, the package's id) as every API does.
        let adminGroup: Group
        if existingTenant != nil {
            try PackageRepository.updateAPI(db, api)
            guard let group = try PackageRepository.adminGroup(db, apiID: apiID) else {
                throw DomainError.badRequest("API \(apiID) has no admin group to add the package's admins to.")
            }
            adminGroup = group
        } else {
            func text(_ column: String) -> String { api[Layout.apis.index(column)].textValue ?? "" }
            adminGroup = try PackageRepository.insertAPI(
                db,
                API(
                    id: apiID, tenant: tenant, name: text("name"), description: text("description"), visibility: text("visibility"),
                    adminGroupID: text("admin_group_id"), created: text("created"), updated: text("updated"), latestVersionID: nil),
                createdBy: caller.userID)
        }

        // Tenant objects (policies, scopes, licenses): added when the tenant lacks them, kept as they are otherwise.
        var addedPolicies: [String] = []
        for row in contents.rows(Layout.policies) {
            let key = row[Layout.policies.index("policy_key")].textValue ?? ""
            if PolicyCatalogue.builtIn(tenant: tenant, key: key) != nil { continue }
            if try PackageRepository.policyExists(db, tenant: tenant, key: key) { continue }
            try PackageRepository.insert(db, Layout.policies, row, object: key)
            addedPolicies.append(key)
        }
        var addedScopes: [String] = []
        for row in contents.rows(Layout.scopes) {
            let id = row[0].textValue ?? ""
            switch try PackageRepository.tenant(db, of: Layout.scopes, id: id) {
            case nil:
                try PackageRepository.insert(db, Layout.scopes, row, object: id)
                addedScopes.append(id)
            case tenant: continue
            default: throw DomainError.badRequest("Scope \(id) belongs to another tenant.")
            }
        }
        for row in contents.rows(Layout.scopes) {
            let parent = row[Layout.scopes.index("parent_id")].textValue ?? ""
            if !parent.isEmpty, try PackageRepository.tenant(db, of: Layout.scopes, id: parent) != tenant {
                throw DomainError.badRequest(
                    "Scope \(row[0].textValue ?? "") names parent scope \(parent), which neither the package nor the tenant has.")
            }
        }
        var addedLicenses: [String] = []
        for row in contents.rows(Layout.licenses) {
            let id = row[0].textValue ?? ""
            switch try PackageRepository.tenant(db, of: Layout.licenses, id: id) {
            case nil:
                try PackageRepository.insert(db, Layout.licenses, row, object: id)
                addedLicenses.append(id)
            case tenant: continue
            default: throw DomainError.badRequest("License \(id) belongs to another tenant.")
            }
        }
        for table in [Layout.licenseAgreements, Layout.licenseParts, Layout.licensePartScopes, Layout.licensePartPolicies] {
            for row in contents.rows(table) where addedLicenses.contains(row[0].textValue ?? "") {
                if table == Layout.licensePartScopes { try requireScope(db, row[table.index("scope_id")], tenant: tenant, in: table) }
                if table == Layout.licensePartPolicies { try requirePolicy(db, row[table.index("policy_key")], tenant: tenant, in: table) }
                try PackageRepository.insert(db, table, row, object: row[0].textValue ?? "")
            }
        }

        // The descriptors become dropbox files of the tenant (their ids are the target's own); a
        // version promoted again keeps its file when the document is the same.
        var descriptorIDs: [Int64: Int64] = [:]
        func descriptorID(_ old: Int64, replacing existing: Int64?) throws -> Int64? {
            if let known = descriptorIDs[old] { return known }
            guard let row = contents.rows(Layout.descriptors).first(where: { $0[0] == .integer(old) }),
                let bytes = contents.descriptorBytes[old]
            else { return nil }
            let fileName = row[1].textValue ?? ""
            if let existing, let file = try PackageRepository.descriptorFile(db, id: existing), file.tenant == tenant,
                file.fileName == fileName, file.content == bytes
            {
                descriptorIDs[old] = existing
                return existing
            }
            let id = try PackageRepository.insertDescriptor(
                db, tenant: tenant, userID: caller.userID, fileName: fileName, fileType: row[2].textValue ?? "", content: bytes,
                now: row[3].textValue ?? now)
            descriptorIDs[old] = id
            return id
        }

        // The versions: each replaces the tenant's copy of it (ids are kept), under the tenant's workflow.
        var versionIDs: [String] = []
        var roles = caller.roles
        roles.insert("ApiAdmin")
        for var version in contents.rows(Layout.apiVersions) {
            let id = version[0].textValue ?? ""
            let existing = try PackageRepository.existingVersion(db, id: id)
            if let existing {
                guard existing.apiID == apiID else { throw DomainError.badRequest("API version \(id) belongs to another API.") }
                try PackageRepository.deleteVersion(db, id: id)
            }
            let descriptorColumn = Layout.apiVersions.index("descriptor_file_id")
            if case .integer(let old) = version[descriptorColumn] {
                version[descriptorColumn] = try descriptorID(old, replacing: existing?.descriptorFileID).map { .integer($0) } ?? .null
            }
            try PackageRepository.insert(db, Layout.apiVersions, version, object: id)
            for table in [
                Layout.apiVersionTags, Layout.apiImplementations, Layout.apiEndpoints, Layout.apiImplementationPolicies,
                Layout.apiOperations, Layout.operationScopes
            ] {
                for row in contents.rows(table) where row[0].textValue == id {
                    if table == Layout.apiImplementationPolicies {
                        try requirePolicy(db, row[table.index("policy_key")], tenant: tenant, in: table)
                    }
                    if table == Layout.operationScopes { try requireScope(db, row[table.index("scope_id")], tenant: tenant, in: table) }
                    try PackageRepository.insert(db, table, row, object: id)
                }
            }
            try workflow.start(
                db, tenant: tenant, objectType: APIService.versionObjectType, objectID: id,
                caller: WorkflowCaller(userID: caller.userID, roles: roles))
            versionIDs.append(id)
        }

        // Admins, by email: one without an account in the tenant is left out (as the platform does).
        var admins: [String] = []
        for row in contents.rows(Layout.apiAdmins) {
            let email = row[0].textValue ?? ""
            if let userID = try PackageRepository.userID(db, tenant: tenant, email: email) {
                try GroupMemberships(engine: workflow, stamp: row[1].textValue ?? now, ids: ids)
                    .addAccepted(db, group: adminGroup, userID: userID, role: Membership.roleAdmin, by: caller.userID)
                admins.append(email)
            } else {
                notes.append("API admin \(email) has no account in tenant \(tenant); the API was imported without that admin.")
            }
        }

        // Documents, where the content store keeps the API's (parent folders made as needed).
        let prefix = Self.documentsPrefix(apiID)
        var documents = 0
        for row in contents.rows(Layout.documents) {
            let relative = row[0].textValue ?? ""
            let path = prefix + relative
            try ensureFolders(db, tenant: tenant, for: path, isFolder: row[1] != .integer(0), now: now, object: apiID)
            guard row[1] == .integer(0) else { continue }
            let components = path.split(separator: "/")
            try PackageRepository.putFile(
                db, tenant: tenant, path: path, parent: components.dropLast().joined(separator: "/"), name: String(components.last ?? ""),
                bytes: contents.documentBytes[relative] ?? [], mediaType: row[2].textValue ?? "", created: row[3].textValue ?? now,
                updated: row[4].textValue ?? now, object: apiID)
            documents += 1
        }

        return PackageImport(
            apiID: apiID, apiName: apiName, created: existingTenant == nil, versionIDs: versionIDs, addedScopes: addedScopes,
            addedLicenses: addedLicenses, addedPolicies: addedPolicies, documents: documents, admins: admins, notes: notes)
    }

    private func requireScope(_ db: SQLiteConnection, _ value: SQLiteValue, tenant: String, in table: Layout.Table) throws {
        let id = value.textValue ?? ""
        guard try PackageRepository.tenant(db, of: Layout.scopes, id: id) == tenant else {
            throw DomainError.badRequest("\(table.fileName) names scope \(id), which neither the package nor the tenant has.")
        }
    }

    private func requirePolicy(_ db: SQLiteConnection, _ value: SQLiteValue, tenant: String, in table: Layout.Table) throws {
        let key = value.textValue ?? ""
        guard try PolicyCatalogue.builtIn(tenant: tenant, key: key) != nil || PackageRepository.policyExists(db, tenant: tenant, key: key)
        else {
            throw DomainError.badRequest(
                "\(table.fileName) names policy \(key), which neither the package nor the tenant has (export with migration.operationalpolicy.export / migration.qospolicy.export)."
            )
        }
    }

    /// The folders above `path` (and `path` itself when it is a folder), from the store's root down.
    private func ensureFolders(_ db: SQLiteConnection, tenant: String, for path: String, isFolder: Bool, now: String, object: String) throws
    {
        let components = path.split(separator: "/").map(String.init)
        let count = isFolder ? components.count : components.count - 1
        guard count > 0 else { return }
        for depth in 1...count {
            let folder = components[..<depth].joined(separator: "/")
            try PackageRepository.ensureFolder(
                db, tenant: tenant, path: folder, parent: components[..<(depth - 1)].joined(separator: "/"), name: components[depth - 1],
                now: now, object: object)
        }
    }

    private func unique(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }
}

/// The import properties file: lines `<exported endpoint URL prefix>=<target endpoint URL prefix>`
/// (`\:` reads as `:`; `#` and `!` start comments, as in a Java properties file); an endpoint
/// that starts with a prefix gets the target's instead (the longest prefix wins).
struct EndpointMapping: Sendable, Equatable {
    var rules: [(from: String, to: String)]

    static func == (lhs: EndpointMapping, rhs: EndpointMapping) -> Bool {
        lhs.rules.map(\.from) == rhs.rules.map(\.from) && lhs.rules.map(\.to) == rhs.rules.map(\.to)
    }

    static func parse(_ bytes: [UInt8]) throws -> EndpointMapping {
        guard bytes.count <= PackageService.maxPropertiesBytes else {
            throw DomainError.badRequest("The properties file is larger than \(PackageService.maxPropertiesBytes) bytes.")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DomainError.badRequest("The properties file is not UTF-8 text.")
        }
        var rules: [(String, String)] = []
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .enumerated()
        {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let separator = line.firstIndex(of: "=") else {
                throw DomainError.badRequest("Line \(number + 1) of the properties file is not <key>=<value>.")
            }
            let from = line[..<separator].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\:", with: ":")
            let to = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\:", with: ":")
            guard !from.isEmpty else { throw DomainError.badRequest("Line \(number + 1) of the properties file has an empty key.") }
            rules.append((from, to))
        }
        return EndpointMapping(rules: rules)
    }

    func apply(_ url: String) -> String {
        guard let rule = rules.filter({ url.hasPrefix($0.from) }).max(by: { $0.from.count < $1.from.count }) else { return url }
        return rule.to + url.dropFirst(rule.from.count)
    }
}
