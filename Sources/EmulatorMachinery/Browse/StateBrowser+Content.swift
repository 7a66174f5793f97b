import SQLiteStore

extension StateBrowser {
    /// `GET /_emulator/ui/content`: the files and folders of every tenant's content stores
    /// (`/content` and `/resources`), in path order, from one read.
    public func content(scope: TransactionScope) throws -> [Row] {
        try database.read(in: scope) { db in try StateBrowserRepository.contentFiles(db) }
    }
}

extension StateBrowserRepository {
    /// The content store's rows without their bytes, by tenant, store and path (the primary key's order).
    public static func contentFiles(_ db: SQLiteConnection) throws -> [Row] {
        try rows(
            db,
            """
            SELECT tenant, store, '/' || store || '/' || path AS path, CASE is_folder WHEN 1 THEN 'folder' ELSE 'file' END AS kind,
                   size, media_type, updated
            FROM content_files ORDER BY tenant, store, path LIMIT ?
            """, [limit])
    }
}
