import SQLiteStore

/// SQL of API packages: the rows an export reads (each by its table's key or an index) and the
/// rows an import writes, through the change funnel. Statements are built from the package's table
/// specs (`APIPackageLayout`), whose names and columns are constants; every value is bound.
enum PackageRepository {
    typealias Table = APIPackageLayout.Table
    typealias Row = APIPackageLayout.Row

    // MARK: - Reading

    /// The rows of `table` whose `column` is `value` (`column` leads the table's key or an index).
    static func rows(_ db: SQLiteConnection, _ table: Table, where column: String, is value: String) throws -> [Row] {
        let columns = table.columns.map(\.name).joined(separator: ", ")
        return try db.query("SELECT \(columns) FROM \(table.name) WHERE \(column) = ?", value).map(\.values)
    }

    /// The tenant's policy `key` as a row of `policies`, when the tenant defines it (built-in ones are not stored).
    static func policy(_ db: SQLiteConnection, tenant: String, key: String) throws -> Row? {
        let columns = APIPackageLayout.policies.columns.map(\.name).joined(separator: ", ")
        return try db.queryFirst("SELECT \(columns) FROM policies WHERE tenant = ? AND policy_key = ?", tenant, key)?.values
    }

    /// The licenses with a part naming scope `scopeID`.
    static func licenseIDs(_ db: SQLiteConnection, scopeID: String) throws -> [String] {
        try db.query("SELECT DISTINCT license_id FROM license_part_scopes WHERE scope_id = ?", scopeID).compactMap {
            try $0.string("license_id")
        }
    }

    /// A dropbox file as a `descriptors` row, and its bytes.
    static func descriptor(_ db: SQLiteConnection, id: Int64) throws -> (row: Row, bytes: [UInt8])? {
        guard let row = try db.queryFirst("SELECT id, file_name, file_type, created, content FROM dropbox_files WHERE id = ?", id) else {
            return nil
        }
        return (Array(row.values.prefix(4)), try row.requiredBlob("content"))
    }

    /// The API's admins as `api_admins` rows of the package (email, added).
    static func admins(_ db: SQLiteConnection, apiID: String) throws -> [Row] {
        try db.query(
            "SELECT u.email AS email, a.added AS added FROM api_admins a JOIN users u ON u.id = a.user_id WHERE a.api_id = ? ORDER BY a.added",
            apiID
        ).map(\.values)
    }

    /// An app's team as `app_team` rows of a package (email, role).
    static func team(_ db: SQLiteConnection, appID: String) throws -> [Row] {
        try db.query(
            "SELECT u.email AS email, m.role AS role FROM app_team_members m JOIN users u ON u.id = m.user_id WHERE m.app_id = ? ORDER BY u.email",
            appID
        ).map(\.values)
    }

    /// The API's documents (content store rows under `prefix`, `api/{APIID}/documents/`), with
    /// their paths relative to it, and the bytes of the files.
    static func documents(_ db: SQLiteConnection, tenant: String, prefix: String) throws -> [(row: Row, bytes: [UInt8]?)] {
        // '0' follows '/': the range is every path that starts with the prefix, on the primary key.
        let end = String(prefix.dropLast()) + "0"
        return try db.query(
            """
            SELECT path, is_folder, media_type, created, updated, bytes FROM content_files
            WHERE tenant = ? AND store = 'content' AND path >= ? AND path < ? ORDER BY path
            """, tenant, prefix, end
        ).map { row in
            var values = Array(row.values.prefix(5))
            values[0] = .text(String(try row.requiredString("path").dropFirst(prefix.count)))
            return (values, try row.blob("bytes"))
        }
    }

    // MARK: - Looking up for an import

    /// The tenant of the row `id` of `table` (apis, api_versions, scopes, licenses), if it exists.
    static func tenant(_ db: SQLiteConnection, of table: Table, id: String) throws -> String? {
        try db.queryFirst("SELECT tenant FROM \(table.name) WHERE id = ?", id)?.string("tenant")
    }

    /// The API an existing version belongs to, and the dropbox file of its description document.
    static func existingVersion(_ db: SQLiteConnection, id: String) throws -> (apiID: String, descriptorFileID: Int64?)? {
        guard let row = try db.queryFirst("SELECT api_id, descriptor_file_id FROM api_versions WHERE id = ?", id) else { return nil }
        return (try row.requiredString("api_id"), try row.int64("descriptor_file_id"))
    }

    /// A dropbox file's tenant, name and bytes.
    static func descriptorFile(_ db: SQLiteConnection, id: Int64) throws -> DropboxFile? {
        try APIRepository.dropboxFile(db, id: id)
    }

    static func policyExists(_ db: SQLiteConnection, tenant: String, key: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS found FROM policies WHERE tenant = ? AND policy_key = ?", tenant, key) != nil
    }

    static func userID(_ db: SQLiteConnection, tenant: String, email: String) throws -> String? {
        try UserRepository.id(db, tenant: tenant, email: email)
    }

    // MARK: - Writing

    /// Inserts `row` into `table` (`object` names what changed, for the journal).
    static func insert(_ db: SQLiteConnection, _ table: Table, _ row: Row, object: String) throws {
        let columns = table.columns.map(\.name).joined(separator: ", ")
        let marks = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
        try db.change(object, "INSERT INTO \(table.name) (\(columns)) VALUES (\(marks))", arguments: row)
    }

    /// An existing API takes the package's name, description, visibility and times.
    static func updateAPI(_ db: SQLiteConnection, _ row: Row) throws {
        let table = APIPackageLayout.apis
        try db.change(
            row[table.index("id")].textValue ?? "",
            "UPDATE apis SET name = ?, description = ?, visibility = ?, updated = ? WHERE id = ?",
            row[table.index("name")], row[table.index("description")], row[table.index("visibility")],
            row[table.index("updated")], row[table.index("id")])
    }

    /// Deletes an existing version (its children by cascade, its workflow object) before the package's copy replaces it.
    static func deleteVersion(_ db: SQLiteConnection, id: String) throws {
        try DeleteCascadeRepository.delete(db, from: .apiVersions, id: id, versionIDs: [id])
    }

    static func insertDescriptor(
        _ db: SQLiteConnection, tenant: String, userID: String, fileName: String, fileType: String, content: [UInt8], now: String
    ) throws -> Int64 {
        try APIRepository.insertDropboxFile(
            db, tenant: tenant, userID: userID, fileName: fileName, fileType: fileType, content: content, now: now)
    }

    /// Inserts a new API with its admin group (as every API is made).
    static func insertAPI(_ db: SQLiteConnection, _ api: API, createdBy: String) throws -> Group {
        try APIRepository.insertAPI(db, api, createdBy: createdBy)
    }

    /// An existing API's admin group.
    static func adminGroup(_ db: SQLiteConnection, apiID: String) throws -> Group? {
        try GroupRepository.group(db, apiID: apiID)
    }

    /// A folder of the content store, unless it exists.
    static func ensureFolder(
        _ db: SQLiteConnection, tenant: String, path: String, parent: String, name: String, now: String, object: String
    )
        throws
    {
        try db.change(
            object,
            """
            INSERT INTO content_files (tenant, store, path, parent, name, is_folder, bytes, size, media_type, created, updated)
            VALUES (?, 'content', ?, ?, ?, 1, NULL, 0, '', ?, ?) ON CONFLICT (tenant, store, path) DO NOTHING
            """, tenant, path, parent, name, now, now)
    }

    /// A file of the content store, replacing one at the same path.
    static func putFile(
        _ db: SQLiteConnection, tenant: String, path: String, parent: String, name: String, bytes: [UInt8], mediaType: String,
        created: String, updated: String, object: String
    ) throws {
        try db.change(
            object,
            """
            INSERT INTO content_files (tenant, store, path, parent, name, is_folder, bytes, size, media_type, created, updated)
            VALUES (?, 'content', ?, ?, ?, 0, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant, store, path) DO UPDATE SET is_folder = 0, bytes = excluded.bytes, size = excluded.size,
            media_type = excluded.media_type, updated = excluded.updated
            """, tenant, path, parent, name, bytes, bytes.count, mediaType, created, updated)
    }
}
