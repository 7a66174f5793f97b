import SQLiteStore

/// The delete cascade shared by every resource whose versions run under a workflow (apps, models, APIs):
/// the owner's row goes (its versions, tags, references … by `ON DELETE CASCADE`), and with it the
/// versions' workflow objects (their history by cascade), which no foreign key ties to the versions.
enum DeleteCascadeRepository {
    /// The tables whose rows own workflow objects, or own versions that do.
    enum Table: String {
        case apps
        case appVersions = "app_versions"
        case models
        case modelVersions = "model_versions"
        case apis
        case apiVersions = "api_versions"
    }

    /// Deletes the row `id` of `table` and the workflow objects of `versionIDs` (the row's
    /// versions; for a version itself, its own id). The owner is noted changed first, then each version.
    static func delete(_ db: SQLiteConnection, from table: Table, id: String, versionIDs: [String]) throws {
        try db.change(id, "DELETE FROM \(table.rawValue) WHERE id = ?", id)
        for versionID in versionIDs {
            _ = try WorkflowObjectRepository.delete(db, objectID: versionID)
        }
    }
}
