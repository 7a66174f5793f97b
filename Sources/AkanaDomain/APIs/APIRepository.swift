import SQLiteStore

/// SQL for APIs, versions, implementations, endpoints, admins, licenses and dropbox files. Every
/// function runs on a connection the caller holds; values are always bound.
package enum APIRepository {
    // MARK: - APIs

    package static func api(_ db: SQLiteConnection, id: String) throws -> API? {
        guard
            let row = try db.queryFirst(
                "SELECT id, tenant, name, description, visibility, admin_group_id, created, updated FROM apis WHERE id = ?", id)
        else { return nil }
        let latest = try db.queryFirst(
            "SELECT id FROM api_versions WHERE api_id = ? ORDER BY created DESC, rowid DESC LIMIT 1", id)?.string("id")
        return API(
            id: try row.requiredString("id"), tenant: try row.requiredString("tenant"), name: try row.requiredString("name"),
            description: try row.requiredString("description"), visibility: try row.requiredString("visibility"),
            adminGroupID: try row.requiredString("admin_group_id"), created: try row.requiredString("created"),
            updated: try row.requiredString("updated"), latestVersionID: latest)
    }

    static func apiIDs(_ db: SQLiteConnection, tenant: String) throws -> [String] {
        try db.query("SELECT id FROM apis WHERE tenant = ? ORDER BY name, id", tenant).compactMap { try $0.string("id") }
    }

    /// The tenant's oldest API named `name` (fixtures find elements without an id by name).
    package static func apiID(_ db: SQLiteConnection, tenant: String, name: String) throws -> String? {
        try db.queryFirst("SELECT id FROM apis WHERE tenant = ? AND name = ? ORDER BY created, rowid LIMIT 1", tenant, name)?.string("id")
    }

    /// The API's version named `name`.
    package static func versionID(_ db: SQLiteConnection, apiID: String, name: String) throws -> String? {
        try db.queryFirst("SELECT id FROM api_versions WHERE api_id = ? AND name = ? ORDER BY created, rowid LIMIT 1", apiID, name)?.string(
            "id")
    }

    /// Inserts the API and its admin group (the AdminGroupID), and returns the group.
    @discardableResult
    package static func insertAPI(_ db: SQLiteConnection, _ api: API, createdBy: String) throws -> Group {
        try db.change(
            api.id,
            "INSERT INTO apis (id, tenant, name, description, visibility, admin_group_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            api.id, api.tenant, api.name, api.description, api.visibility, api.adminGroupID, api.created, api.updated)
        let admins = GroupMemberships.apiAdmins(
            groupID: api.adminGroupID, apiID: api.id, tenant: api.tenant, apiName: api.name, createdBy: createdBy, now: api.created)
        try GroupRepository.insert(db, admins)
        return admins
    }

    static func touchAPI(_ db: SQLiteConnection, id: String, updated: String) throws {
        try db.change(id, "UPDATE apis SET updated = ? WHERE id = ?", updated, id)
    }

    /// The API, its versions' workflow objects, and its documents in the content store
    /// (`/content/api/{APIID}/…`), in the caller's transaction.
    static func deleteAPI(_ db: SQLiteConnection, id: String) throws {
        if let tenant = try db.queryFirst("SELECT tenant FROM apis WHERE id = ?", id)?.requiredString("tenant") {
            try ContentRepository.deleteTree(db, tenant: tenant, store: .content, path: "api/\(id)")
        }
        try DeleteCascadeRepository.delete(db, from: .apis, id: id, versionIDs: try versionIDs(db, apiID: id))
    }

    // MARK: - Admins (the accepted members of the API's admin group, through the api_admins view)

    static func isAdmin(_ db: SQLiteConnection, apiID: String, userID: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS admin FROM api_admins WHERE api_id = ? AND user_id = ?", apiID, userID) != nil
    }

    static func adminIDs(_ db: SQLiteConnection, apiID: String) throws -> [String] {
        try db.query("SELECT user_id FROM api_admins WHERE api_id = ? ORDER BY added, rowid", apiID).compactMap { try $0.string("user_id") }
    }

    // MARK: - Versions

    package static func version(_ db: SQLiteConnection, id: String) throws -> APIVersion? {
        guard
            let row = try db.queryFirst(
                """
                SELECT v.id, v.api_id, v.tenant, v.name, v.description, v.visibility, v.state, v.descriptor_file_id, v.created, v.updated,
                       o.status AS workflow_status
                  FROM api_versions v LEFT JOIN workflow_objects o ON o.object_id = v.id
                 WHERE v.id = ?
                """, id)
        else { return nil }
        let tags = try db.query("SELECT tag FROM api_version_tags WHERE api_version_id = ? ORDER BY position", id).compactMap {
            try $0.string("tag")
        }
        var implementations: [APIImplementation] = []
        for implementation in try db.query(
            """
            SELECT code, description, create_mechanism, endpoint_access_auto_approved, pattern, anonymous_access_allowed
              FROM api_implementations WHERE api_version_id = ? ORDER BY code DESC
            """,
            id)
        {
            let code = try implementation.requiredString("code")
            let urls = try db.query(
                "SELECT url FROM api_endpoints WHERE api_version_id = ? AND code = ? ORDER BY position", id, code
            ).compactMap { try $0.string("url") }
            implementations.append(
                APIImplementation(
                    code: code, description: try implementation.requiredString("description"),
                    createMechanism: try implementation.requiredString("create_mechanism"),
                    endpointAccessAutoApproved: try implementation.requiredBool("endpoint_access_auto_approved"), endpoints: urls,
                    pattern: try implementation.string("pattern").flatMap { $0.isEmpty ? nil : $0 },
                    anonymousAccessAllowed: try implementation.requiredBool("anonymous_access_allowed")))
        }
        return APIVersion(
            id: try row.requiredString("id"), apiID: try row.requiredString("api_id"), tenant: try row.requiredString("tenant"),
            name: try row.requiredString("name"), description: try row.requiredString("description"),
            visibility: try row.requiredString("visibility"),
            state: try row.string("workflow_status") ?? row.requiredString("state"), descriptorFileID: try row.int64("descriptor_file_id"),
            created: try row.requiredString("created"), updated: try row.requiredString("updated"), tags: tags,
            implementations: implementations)
    }

    static func versionIDs(_ db: SQLiteConnection, apiID: String) throws -> [String] {
        try db.query("SELECT id FROM api_versions WHERE api_id = ? ORDER BY created, rowid", apiID).compactMap { try $0.string("id") }
    }

    static func versionIDs(_ db: SQLiteConnection, tenant: String) throws -> [String] {
        try db.query("SELECT id FROM api_versions WHERE tenant = ? ORDER BY created, rowid", tenant).compactMap { try $0.string("id") }
    }

    package static func insertVersion(_ db: SQLiteConnection, _ version: APIVersion) throws {
        try db.change(
            version.id,
            """
            INSERT INTO api_versions (id, api_id, tenant, name, description, visibility, state, descriptor_file_id, created, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            version.id, version.apiID, version.tenant, version.name, version.description, version.visibility, version.state,
            version.descriptorFileID, version.created, version.updated)
        try replaceTags(db, versionID: version.id, tags: version.tags)
        for implementation in version.implementations {
            try insertImplementation(db, versionID: version.id, implementation)
        }
    }

    static func insertImplementation(_ db: SQLiteConnection, versionID: String, _ implementation: APIImplementation) throws {
        try db.change(
            versionID,
            """
            INSERT INTO api_implementations (api_version_id, code, description, create_mechanism, endpoint_access_auto_approved,
                                             pattern, anonymous_access_allowed)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, versionID, implementation.code, implementation.description, implementation.createMechanism,
            implementation.endpointAccessAutoApproved, implementation.pattern, implementation.anonymousAccessAllowed)
        for (position, url) in implementation.endpoints.enumerated() {
            try db.change(
                versionID, "INSERT INTO api_endpoints (api_version_id, code, position, url) VALUES (?, ?, ?, ?)",
                versionID, implementation.code, position, url)
        }
    }

    static func updateVersionInfo(_ db: SQLiteConnection, _ version: APIVersion) throws {
        try db.change(
            version.id, "UPDATE api_versions SET name = ?, description = ?, visibility = ?, updated = ? WHERE id = ?",
            version.name, version.description, version.visibility, version.updated, version.id)
        try replaceTags(db, versionID: version.id, tags: version.tags)
    }

    static func replaceTags(_ db: SQLiteConnection, versionID: String, tags: [String]) throws {
        try db.change(versionID, "DELETE FROM api_version_tags WHERE api_version_id = ?", versionID)
        for (position, tag) in tags.enumerated() {
            try db.change(
                versionID, "INSERT INTO api_version_tags (api_version_id, position, tag) VALUES (?, ?, ?)", versionID, position, tag)
        }
    }

    static func deleteVersion(_ db: SQLiteConnection, id: String) throws {
        try DeleteCascadeRepository.delete(db, from: .apiVersions, id: id, versionIDs: [id])
    }

    // MARK: - Operations

    /// The version's operations in document order.
    package static func operations(_ db: SQLiteConnection, apiVersionID: String) throws -> [APIOperation] {
        try db.query(
            "SELECT name, method, path, description FROM api_operations WHERE api_version_id = ? ORDER BY position", apiVersionID
        ).map {
            APIOperation(
                name: try $0.requiredString("name"), method: try $0.requiredString("method"), path: try $0.requiredString("path"),
                description: try $0.requiredString("description"))
        }
    }

    /// Whether the version has an operation named `name`.
    package static func hasOperation(_ db: SQLiteConnection, apiVersionID: String, name: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS found FROM api_operations WHERE api_version_id = ? AND name = ?", apiVersionID, name) != nil
    }

    /// Replaces the version's operations (names must be unique: the caller makes them so).
    package static func replaceOperations(_ db: SQLiteConnection, apiVersionID: String, _ operations: [APIOperation]) throws {
        try db.change(apiVersionID, "DELETE FROM api_operations WHERE api_version_id = ?", apiVersionID)
        for (position, operation) in operations.enumerated() {
            try db.change(
                apiVersionID,
                "INSERT INTO api_operations (api_version_id, position, name, method, path, description) VALUES (?, ?, ?, ?, ?, ?)",
                apiVersionID, position, operation.name, operation.method, operation.path, operation.description)
        }
    }

    // MARK: - Dropbox

    static func insertDropboxFile(
        _ db: SQLiteConnection, tenant: String, userID: String, fileName: String, fileType: String,
        content: [UInt8], now: String
    ) throws -> Int64 {
        // The id is known before the insert, so the change funnel can name it (AUTOINCREMENT never reuses one).
        let last = try db.queryFirst("SELECT seq FROM sqlite_sequence WHERE name = 'dropbox_files'")?.int64("seq") ?? 0
        let highest = try db.queryFirst("SELECT max(id) AS id FROM dropbox_files")?.int64("id") ?? 0
        let id = max(last, highest) + 1
        try db.change(
            String(id),
            "INSERT INTO dropbox_files (id, tenant, user_id, file_name, file_type, content, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            id, tenant, userID, fileName, fileType, content, now)
        return id
    }

    static func dropboxFile(_ db: SQLiteConnection, id: Int64) throws -> DropboxFile? {
        guard let row = try db.queryFirst("SELECT id, tenant, file_name, file_type, content FROM dropbox_files WHERE id = ?", id) else {
            return nil
        }
        return DropboxFile(
            id: try row.requiredInt64("id"), tenant: try row.requiredString("tenant"), fileName: try row.requiredString("file_name"),
            fileType: try row.requiredString("file_type"), content: try row.requiredBlob("content"))
    }
}
