import SQLiteStore

/// The state browser's query for the content store.
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
