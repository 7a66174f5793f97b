import SQLiteStore

/// SQL for the content store (`content_files`, Migrations/0020_content_store.sql). Every statement
/// uses the primary key (tenant, store, path) or `content_files_by_parent`; a folder's subtree is
/// the key range `path/` … `path0` ('0' follows '/'), so it needs no LIKE. Writes go through the
/// change funnel under the id of what the request changed (`/content/home/landing`).
package enum ContentRepository {
    static let columns = "store, path, name, is_folder, size, media_type, created, updated"

    static func file(_ row: SQLiteRow) throws -> ContentFile {
        ContentFile(
            store: ContentStore(rawValue: try row.requiredString("store")) ?? .content, path: try row.requiredString("path"),
            name: try row.requiredString("name"), isFolder: try row.requiredBool("is_folder"), size: try row.requiredInt("size"),
            mediaType: try row.requiredString("media_type"), created: try row.requiredString("created"),
            updated: try row.requiredString("updated"))
    }

    /// The file or folder at `path` (without its bytes).
    package static func entry(_ db: SQLiteConnection, tenant: String, store: ContentStore, path: String) throws -> ContentFile? {
        try db.queryFirst(
            "SELECT \(columns) FROM content_files WHERE tenant = ? AND store = ? AND path = ?", tenant, store.rawValue, path
        ).map(file)
    }

    /// A file's bytes (empty for a folder), nil when nothing is at `path`.
    static func bytes(_ db: SQLiteConnection, tenant: String, store: ContentStore, path: String) throws -> [UInt8]? {
        guard
            let row = try db.queryFirst(
                "SELECT bytes FROM content_files WHERE tenant = ? AND store = ? AND path = ?", tenant, store.rawValue, path)
        else { return nil }
        return try row.blob("bytes") ?? []
    }

    /// A folder's children, by name (`""`: the store's top level).
    static func children(_ db: SQLiteConnection, tenant: String, store: ContentStore, parent: String) throws -> [ContentFile] {
        try db.query(
            "SELECT \(columns) FROM content_files WHERE tenant = ? AND store = ? AND parent = ? ORDER BY name",
            tenant, store.rawValue, parent
        ).map(file)
    }

    /// How many rows and bytes lie below `path` (the whole store for `""`), for bounding a download.
    static func subtreeTotals(_ db: SQLiteConnection, tenant: String, store: ContentStore, path: String) throws -> (
        count: Int, bytes: Int
    ) {
        let row =
            path.isEmpty
            ? try db.queryFirst(
                "SELECT count(*) AS n, coalesce(sum(size), 0) AS total FROM content_files WHERE tenant = ? AND store = ?",
                tenant, store.rawValue)
            : try db.queryFirst(
                """
                SELECT count(*) AS n, coalesce(sum(size), 0) AS total FROM content_files
                WHERE tenant = ? AND store = ? AND path > ? AND path < ?
                """, tenant, store.rawValue, path + "/", path + "0")
        return (try row?.int("n") ?? 0, try row?.int("total") ?? 0)
    }

    /// Everything below `path` with its bytes, by path (parents before children).
    static func subtree(_ db: SQLiteConnection, tenant: String, store: ContentStore, path: String) throws -> [(ContentFile, [UInt8])] {
        let rows =
            path.isEmpty
            ? try db.query(
                "SELECT \(columns), bytes FROM content_files WHERE tenant = ? AND store = ? ORDER BY path", tenant, store.rawValue)
            : try db.query(
                "SELECT \(columns), bytes FROM content_files WHERE tenant = ? AND store = ? AND path > ? AND path < ? ORDER BY path",
                tenant, store.rawValue, path + "/", path + "0")
        return try rows.map { (try file($0), try $0.blob("bytes") ?? []) }
    }

    static func insertFolder(
        _ db: SQLiteConnection, changing object: String, tenant: String, store: ContentStore, path: String, now: String
    ) throws {
        try db.change(
            object,
            """
            INSERT INTO content_files (tenant, store, path, parent, name, is_folder, bytes, size, media_type, created, updated)
            VALUES (?, ?, ?, ?, ?, 1, NULL, 0, '', ?, ?)
            """,
            tenant, store.rawValue, path, ContentPath.parent(of: path), ContentPath.name(of: path), now, now)
    }

    /// Stores a file at `path`, replacing the one there (its `created` kept).
    static func putFile(
        _ db: SQLiteConnection, changing object: String, tenant: String, store: ContentStore, path: String, bytes: [UInt8],
        mediaType: String, now: String
    ) throws {
        try db.change(
            object,
            """
            INSERT INTO content_files (tenant, store, path, parent, name, is_folder, bytes, size, media_type, created, updated)
            VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant, store, path) DO UPDATE SET
                bytes = excluded.bytes, size = excluded.size, media_type = excluded.media_type, updated = excluded.updated
            """,
            tenant, store.rawValue, path, ContentPath.parent(of: path), ContentPath.name(of: path), bytes, bytes.count, mediaType,
            now, now)
    }

    /// Deletes `path` and everything below it; how many rows went.
    @discardableResult
    package static func deleteTree(_ db: SQLiteConnection, tenant: String, store: ContentStore, path: String) throws -> Int {
        let object = ContentPath.urlPath(store, path)
        return try db.change(
            object, "DELETE FROM content_files WHERE tenant = ? AND store = ? AND path = ?", tenant, store.rawValue, path)
            + db.change(
                object, "DELETE FROM content_files WHERE tenant = ? AND store = ? AND path > ? AND path < ?",
                tenant, store.rawValue, path + "/", path + "0")
    }
}
