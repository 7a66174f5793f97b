import Foundation
import JSONCodec
import SQLiteStore

/// The files of an API package (GET /api/apis/{APIID}/package, POST /api/tenants/{FedmemberID}/packages),
/// documented in docs/packages.md: `package.json` (what was exported, from which emulator version),
/// one JSON file per table (`<table>.json`: an array of rows, each an object whose members are the
/// table's columns, as `sqlite3` shows them), the description documents the versions were made from
/// under `descriptors/<id>` and the API's documents under `documents/<path>`.
///
/// Reading is pure (no database) and strict: every file must be what this layout says, every row
/// must have exactly its table's columns with their types, every text is bounded — any problem is
/// a `DomainError.badRequest` naming the file, the row and the member. The fuzz harness
/// `fuzz-package` runs `APIPackageLayout.read`.
public enum APIPackageLayout {
    /// `package.json`'s `Format`.
    public static let format = "akana-emulator/api-package"
    public static let manifestFile = "package.json"
    public static let descriptorsFolder = "descriptors"
    public static let documentsFolder = "documents"

    /// The most rows one table file may hold, and the longest text a value may be (descriptions,
    /// endpoint URLs and paths included).
    public static let maxRows = 10_000
    public static let maxTextBytes = 64 * 1024

    public enum ColumnKind: Sendable, Equatable {
        case text, optionalText, integer, optionalInteger
    }

    public struct Column: Sendable, Equatable {
        public var name: String
        public var kind: ColumnKind
        init(_ name: String, _ kind: ColumnKind = .text) {
            self.name = name
            self.kind = kind
        }
    }

    /// A table of the package: its file (`<name>.json`) and its columns, in order.
    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [Column]
        public var fileName: String { name + ".json" }

        public func index(_ column: String) -> Int {
            guard let index = columns.firstIndex(where: { $0.name == column }) else {
                preconditionFailure("\(name) has no column \(column)")
            }
            return index
        }
    }

    /// One row: the values of its table's columns, in the table's order.
    public typealias Row = [SQLiteValue]

    // MARK: - The tables

    public static let apis = Table(
        name: "apis",
        columns: [
            Column("id"), Column("tenant"), Column("name"), Column("description"), Column("visibility"), Column("admin_group_id"),
            Column("created"), Column("updated")
        ])
    public static let apiVersions = Table(
        name: "api_versions",
        columns: [
            Column("id"), Column("api_id"), Column("tenant"), Column("name"), Column("description"), Column("visibility"),
            Column("state"), Column("descriptor_file_id", .optionalInteger), Column("created"), Column("updated")
        ])
    public static let apiVersionTags = Table(
        name: "api_version_tags", columns: [Column("api_version_id"), Column("position", .integer), Column("tag")])
    public static let apiImplementations = Table(
        name: "api_implementations",
        columns: [
            Column("api_version_id"), Column("code"), Column("description"), Column("create_mechanism"),
            Column("endpoint_access_auto_approved", .integer), Column("anonymous_access_allowed", .integer), Column("pattern")
        ])
    public static let apiEndpoints = Table(
        name: "api_endpoints", columns: [Column("api_version_id"), Column("code"), Column("position", .integer), Column("url")])
    public static let apiImplementationPolicies = Table(
        name: "api_implementation_policies",
        columns: [
            Column("api_version_id"), Column("code"), Column("operation"), Column("position", .integer), Column("policy_key")
        ])
    public static let apiOperations = Table(
        name: "api_operations",
        columns: [
            Column("api_version_id"), Column("position", .integer), Column("name"), Column("method"), Column("path"),
            Column("description")
        ])
    public static let operationScopes = Table(
        name: "operation_scopes",
        columns: [Column("api_version_id"), Column("operation_name"), Column("position", .integer), Column("scope_id")])
    public static let scopes = Table(
        name: "scopes",
        columns: [
            Column("id"), Column("tenant"), Column("business_id"), Column("name"), Column("short_description"),
            Column("long_description"), Column("visibility"), Column("parent_id"),
            Column("sandbox_anonymous_access_allowed", .integer), Column("production_anonymous_access_allowed", .integer),
            Column("resource_path"), Column("oauth_grant_default_resource", .integer),
            Column("oauth_grant_user_authorization_required", .integer), Column("created"), Column("updated")
        ])
    public static let licenses = Table(
        name: "licenses",
        columns: [
            Column("id"), Column("tenant"), Column("name"), Column("description"), Column("sandbox_access_auto_approved", .integer),
            Column("production_access_auto_approved", .integer), Column("created"), Column("visibility"), Column("active", .integer),
            Column("environments"), Column("business_id"), Column("updated")
        ])
    public static let licenseAgreements = Table(
        name: "license_agreements",
        columns: [
            Column("license_id"), Column("position", .integer), Column("name"), Column("description"), Column("content_path"),
            Column("agreement_type")
        ])
    public static let licenseParts = Table(
        name: "license_parts", columns: [Column("license_id"), Column("position", .integer), Column("name")])
    public static let licensePartScopes = Table(
        name: "license_part_scopes",
        columns: [Column("license_id"), Column("part", .integer), Column("position", .integer), Column("scope_id")])
    public static let licensePartPolicies = Table(
        name: "license_part_policies",
        columns: [Column("license_id"), Column("part", .integer), Column("position", .integer), Column("policy_key")])
    public static let policies = Table(
        name: "policies",
        columns: [
            Column("tenant"), Column("policy_key"), Column("name"), Column("description"), Column("type"), Column("sub_type"),
            Column("business_id", .optionalText), Column("active", .integer), Column("created")
        ])
    /// The description documents of the versions (dropbox files): the bytes are `descriptors/<id>`.
    public static let descriptors = Table(
        name: "descriptors", columns: [Column("id", .integer), Column("file_name"), Column("file_type"), Column("created")])
    /// The API's admins by email (users are not exported: the import finds them by email).
    public static let apiAdmins = Table(name: "api_admins", columns: [Column("email"), Column("added")])
    /// The API's documents: `path` relative to its documents folder; a file's bytes are `documents/<path>`.
    public static let documents = Table(
        name: "documents",
        columns: [
            Column("path"), Column("is_folder", .integer), Column("media_type"), Column("created"), Column("updated")
        ])

    /// Every table, in the order the import inserts them (a row's references come before it).
    public static let tables: [Table] = [
        apis, policies, scopes, licenses, licenseAgreements, licenseParts, licensePartScopes, licensePartPolicies, descriptors,
        apiVersions, apiVersionTags, apiImplementations, apiEndpoints, apiImplementationPolicies, apiOperations, operationScopes,
        apiAdmins, documents
    ]

    // MARK: - Contents

    /// What `package.json` says.
    public struct Manifest: Sendable, Equatable {
        public var version: String
        public var exported: String
        public var tenant: String
        public var apiID: String
        public var exportVersion: String
        public var options: [String]
    }

    /// A package read and checked: the manifest, each table's rows, the bytes of the descriptors
    /// (by id) and of the document files (by path).
    public struct Contents: Sendable, Equatable {
        public var manifest: Manifest
        public var rows: [String: [Row]]
        public var descriptorBytes: [Int64: [UInt8]]
        public var documentBytes: [String: [UInt8]]

        public func rows(_ table: Table) -> [Row] { rows[table.name] ?? [] }
    }

    // MARK: - Writing

    /// The ZIP entries of `contents`: `package.json`, the tables that have rows, the descriptors and the documents.
    public static func entries(_ contents: Contents) -> [ZipArchive.Entry] {
        let manifest = contents.manifest
        let packageJSON = JSONValue.object([
            ("Format", .string(format)), ("Version", .string(manifest.version)), ("Exported", .string(manifest.exported)),
            ("Tenant", .string(manifest.tenant)), ("APIID", .string(manifest.apiID)),
            ("ExportVersion", .string(manifest.exportVersion)), ("Options", .array(manifest.options.map { .string($0) }))
        ])
        var entries = entries(manifest: packageJSON, tables: tables, rows: contents.rows)
        for (id, bytes) in contents.descriptorBytes.sorted(by: { $0.key < $1.key }) {
            entries.append(ZipArchive.Entry(path: "\(descriptorsFolder)/\(id)", bytes: bytes))
        }
        for (path, bytes) in contents.documentBytes.sorted(by: { $0.key < $1.key }) {
            entries.append(ZipArchive.Entry(path: "\(documentsFolder)/\(path)", bytes: bytes))
        }
        return entries
    }

    /// `package.json` and one file per table of `tables` that has rows in `rows`, in that order.
    static func entries(manifest: JSONValue, tables: [Table], rows: [String: [Row]]) -> [ZipArchive.Entry] {
        var entries = [ZipArchive.Entry(path: manifestFile, bytes: JSONWriter.bytes(manifest, pretty: true))]
        for table in tables {
            guard let rows = rows[table.name], !rows.isEmpty else { continue }
            let value = JSONValue.array(
                rows.map { row in
                    .object(
                        zip(table.columns, row).map { column, value in
                            let json: JSONValue =
                                switch value {
                                case .integer(let number): .integer(number)
                                case .text(let text): .string(text)
                                default: .null
                                }
                            return (column.name, json)
                        })
                })
            entries.append(ZipArchive.Entry(path: table.fileName, bytes: JSONWriter.bytes(value, pretty: true)))
        }
        return entries
    }

    // MARK: - Reading

    /// The contents of a package's entries, every file checked (see the type's comment).
    public static func read(_ entries: [ZipArchive.Entry]) throws(DomainError) -> Contents {
        var files: [String: [UInt8]] = [:]
        var descriptorBytes: [Int64: [UInt8]] = [:]
        var documentBytes: [String: [UInt8]] = [:]
        let tableFiles = Set(tables.map(\.fileName))
        // What the package is comes first: another kind of package is refused as such.
        guard let manifestBytes = entries.first(where: { $0.path == manifestFile && !$0.isDirectory })?.bytes else {
            throw .badRequest("The package has no \(manifestFile): it is not an API package exported by GET /api/apis/{APIID}/package.")
        }
        let manifest = try readManifest(manifestBytes)
        for entry in entries {
            if entry.isDirectory { continue }
            if entry.path == manifestFile || tableFiles.contains(entry.path) {
                files[entry.path] = entry.bytes
            } else if entry.path.hasPrefix(descriptorsFolder + "/") {
                let name = entry.path.dropFirst(descriptorsFolder.count + 1)
                guard let id = Int64(name), id > 0, String(id) == name else {
                    throw .badRequest("Package entry \(shown(entry.path)) is not a descriptor: descriptors/<id> names a number.")
                }
                descriptorBytes[id] = entry.bytes
            } else if entry.path.hasPrefix(documentsFolder + "/") {
                documentBytes[String(entry.path.dropFirst(documentsFolder.count + 1))] = entry.bytes
            } else {
                throw .badRequest("Package entry \(shown(entry.path)) is not part of an API package (see docs/packages.md).")
            }
        }
        var rows: [String: [Row]] = [:]
        for table in tables {
            guard let bytes = files[table.fileName] else { continue }
            rows[table.name] = try readRows(bytes, table: table)
        }
        let contents = Contents(manifest: manifest, rows: rows, descriptorBytes: descriptorBytes, documentBytes: documentBytes)
        try checkShape(contents)
        return contents
    }

    static func parse(_ bytes: [UInt8], file: String) throws(DomainError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes, options: .init(maxDepth: 8))
        } catch {
            throw .badRequest("Package file \(file) is not valid JSON: \(error)")
        }
    }

    static func readManifest(_ bytes: [UInt8]) throws(DomainError) -> Manifest {
        let value = try parse(bytes, file: manifestFile)
        guard case .object(let members) = value else { throw .badRequest("\(manifestFile) must be a JSON object.") }
        guard let packageFormat = value["Format"]?.stringValue, packageFormat == format else {
            throw .badRequest(
                "\(manifestFile)'s Format is not \(format): only API packages (GET /api/apis/{APIID}/package) are imported.")
        }
        let known: Set<String> = ["Format", "Version", "Exported", "Tenant", "APIID", "ExportVersion", "Options"]
        var seen: Set<String> = []
        for (name, _) in members {
            guard known.contains(name) else { throw .badRequest("\(manifestFile) has an unknown member \(shown(name)).") }
            guard seen.insert(name).inserted else { throw .badRequest("\(manifestFile) has the member \(name) twice.") }
        }
        func text(_ name: String) throws(DomainError) -> String {
            guard let text = value[name]?.stringValue, !text.isEmpty, text.utf8.count <= 1_024 else {
                throw .badRequest("\(manifestFile) needs \(name) as a non-empty string of at most 1024 bytes.")
            }
            return text
        }
        var options: [String] = []
        if let list = value["Options"] {
            guard let items = list.arrayValue, items.count <= 32 else { throw .badRequest("\(manifestFile)'s Options must be an array.") }
            for item in items {
                guard let option = item.stringValue, option.utf8.count <= 255 else {
                    throw .badRequest("\(manifestFile)'s Options must hold strings.")
                }
                options.append(option)
            }
        }
        let exportVersion = try text("ExportVersion")
        guard exportVersion == "all" || exportVersion == "current" else {
            throw .badRequest("\(manifestFile)'s ExportVersion must be all or current.")
        }
        return Manifest(
            version: try text("Version"), exported: try text("Exported"), tenant: try text("Tenant"), apiID: try text("APIID"),
            exportVersion: exportVersion, options: options)
    }

    static func readRows(_ bytes: [UInt8], table: Table) throws(DomainError) -> [Row] {
        let file = table.fileName
        guard let items = try parse(bytes, file: file).arrayValue else { throw .badRequest("Package file \(file) must be a JSON array.") }
        guard items.count <= maxRows else { throw .badRequest("Package file \(file) has more than \(maxRows) rows.") }
        var rows: [Row] = []
        rows.reserveCapacity(items.count)
        for (number, item) in items.enumerated() {
            guard case .object(let members) = item else { throw .badRequest("Row \(number) of \(file) must be a JSON object.") }
            var row = Row(repeating: .null, count: table.columns.count)
            var seen = [Bool](repeating: false, count: table.columns.count)
            for (name, value) in members {
                guard let index = table.columns.firstIndex(where: { $0.name == name }) else {
                    throw .badRequest("Row \(number) of \(file) has an unknown member \(shown(name)).")
                }
                guard !seen[index] else { throw .badRequest("Row \(number) of \(file) has the member \(name) twice.") }
                seen[index] = true
                row[index] = try cell(value, column: table.columns[index], where: "\(name) of row \(number) of \(file)")
            }
            for (index, column) in table.columns.enumerated() where !seen[index] {
                guard column.kind == .optionalText || column.kind == .optionalInteger else {
                    throw .badRequest("Row \(number) of \(file) lacks \(column.name).")
                }
            }
            rows.append(row)
        }
        return rows
    }

    static func cell(_ value: JSONValue, column: Column, where place: String) throws(DomainError) -> SQLiteValue {
        switch (column.kind, value) {
        case (.optionalText, .null), (.optionalInteger, .null):
            return .null
        case (.text, .string(let text)), (.optionalText, .string(let text)):
            guard text.utf8.count <= maxTextBytes else { throw .badRequest("\(place) is longer than \(maxTextBytes) bytes.") }
            guard !text.unicodeScalars.contains(where: { $0.value == 0 }) else { throw .badRequest("\(place) holds a NUL character.") }
            return .text(text)
        case (.integer, .integer(let number)), (.optionalInteger, .integer(let number)):
            return .integer(number)
        default:
            let expected = column.kind == .text || column.kind == .optionalText ? "a string" : "an integer"
            throw .badRequest("\(place) must be \(expected).")
        }
    }

    /// What must hold between the files, before the database is looked at: one API (the
    /// manifest's), versions of it, children of those versions, descriptors and documents present.
    static func checkShape(_ contents: Contents) throws(DomainError) {
        let apiRows = contents.rows(apis)
        guard apiRows.count == 1, let apiID = apiRows.first?[apis.index("id")].textValue,
            apiID == contents.manifest.apiID
        else {
            throw .badRequest("apis.json must hold exactly one API, the one package.json names (\(shown(contents.manifest.apiID))).")
        }
        let versions = contents.rows(apiVersions)
        guard !versions.isEmpty else { throw .badRequest("api_versions.json must hold at least one version of the API.") }
        var versionIDs: Set<String> = []
        for version in versions {
            guard version[apiVersions.index("api_id")].textValue == apiID, let id = version[apiVersions.index("id")].textValue else {
                throw .badRequest("Every row of api_versions.json must be a version of API \(shown(apiID)).")
            }
            guard versionIDs.insert(id).inserted else { throw .badRequest("API version \(shown(id)) appears twice in api_versions.json.") }
            if case .integer(let descriptor) = version[apiVersions.index("descriptor_file_id")],
                !contents.rows(descriptors).contains(where: { $0[0] == .integer(descriptor) })
            {
                throw .badRequest("API version \(shown(id)) names descriptor \(descriptor), which descriptors.json lacks.")
            }
        }
        for table in [apiVersionTags, apiImplementations, apiEndpoints, apiImplementationPolicies, apiOperations, operationScopes] {
            for row in contents.rows(table) where !versionIDs.contains(row[0].textValue ?? "") {
                throw .badRequest("\(table.fileName) names API version \(shown(row[0].textValue ?? "")), which the package lacks.")
            }
        }
        for row in contents.rows(descriptors) {
            guard case .integer(let id) = row[0], contents.descriptorBytes[id] != nil else {
                throw .badRequest("descriptors.json names a descriptor whose file descriptors/<id> the package lacks.")
            }
        }
        let documentPaths = contents.rows(documents)
        for row in documentPaths {
            let path = row[documents.index("path")].textValue ?? ""
            guard !path.isEmpty, !path.hasPrefix("/"), !path.hasSuffix("/"),
                !path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
            else { throw .badRequest("documents.json has the path \(shown(path)), which is not a relative path inside the folder.") }
            if row[documents.index("is_folder")] == .integer(0), contents.documentBytes[path] == nil {
                throw .badRequest("documents.json names the file \(shown(path)), which the package lacks under documents/.")
            }
        }
        for path in contents.documentBytes.keys where !documentPaths.contains(where: { $0[0].textValue == path }) {
            throw .badRequest("Package entry documents/\(shown(path)) is not listed in documents.json.")
        }
    }

    /// A name as a message prints it: quoted, at most 120 characters, control characters as `?`.
    static func shown(_ text: String) -> String {
        let scalars = text.unicodeScalars.prefix(120).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }
        return "'" + scalars.joined() + (text.unicodeScalars.count > 120 ? "…" : "") + "'"
    }
}

extension SQLiteValue {
    /// The text of a `.text` value; nil for any other.
    var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}
