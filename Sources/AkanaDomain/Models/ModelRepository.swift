import SQLiteStore

/// SQL for model objects, their versions, tags and references. Every function runs on a connection
/// the caller holds (a reader, or the writer inside its transaction); values are always bound.
/// A version whose workflow reached `Deleted` (through the generic workflow endpoint) counts as
/// gone: the `live` queries leave it out.
package enum ModelRepository {
    static let versionColumns = """
        id, model_id, tenant, name, description, visibility, state, schema_text, source_version_id, created, updated
        """

    package static func model(_ db: SQLiteConnection, id: String) throws -> ModelObject? {
        guard
            let row = try db.queryFirst(
                "SELECT id, tenant, name, summary, description, category, visibility, business_id, created_by, created, updated FROM models WHERE id = ?",
                id)
        else { return nil }
        let tags = try db.query("SELECT tag FROM model_tags WHERE model_id = ? ORDER BY position", id).compactMap { try $0.string("tag") }
        return ModelObject(
            id: try row.requiredString("id"), tenant: try row.requiredString("tenant"), name: try row.requiredString("name"),
            summary: try row.requiredString("summary"), description: try row.requiredString("description"),
            category: try row.requiredString("category"), visibility: try row.string("visibility") ?? Visibility.public,
            businessID: try row.string("business_id"), createdBy: try row.string("created_by"),
            created: try row.requiredString("created"), updated: try row.requiredString("updated"), tags: tags,
            latestVersion: nil, embeddedVersion: nil, versions: nil)
    }

    /// A live version (nil when unknown or deleted).
    static func version(_ db: SQLiteConnection, id: String) throws -> ModelVersion? {
        guard
            let row = try db.queryFirst("SELECT \(versionColumns) FROM model_versions WHERE id = ? AND state <> ?", id, ModelState.deleted)
        else { return nil }
        return try version(db, row: row)
    }

    /// The model's live versions, oldest first.
    static func versions(_ db: SQLiteConnection, modelID: String) throws -> [ModelVersion] {
        try db.query(
            "SELECT \(versionColumns) FROM model_versions WHERE model_id = ? AND state <> ? ORDER BY created, rowid",
            modelID, ModelState.deleted
        ).map { try version(db, row: $0) }
    }

    /// Every version id of the model, deleted ones included (for removing their workflow objects).
    static func allVersionIDs(_ db: SQLiteConnection, modelID: String) throws -> [String] {
        try db.query("SELECT id FROM model_versions WHERE model_id = ?", modelID).compactMap { try $0.string("id") }
    }

    private static func version(_ db: SQLiteConnection, row: SQLiteRow) throws -> ModelVersion {
        let id = try row.requiredString("id")
        let tags = try db.query("SELECT tag FROM model_version_tags WHERE model_version_id = ? ORDER BY position", id)
            .compactMap { try $0.string("tag") }
        let references = try db.query(
            """
            SELECT r.referenced_model_id, r.referenced_version_id, m.name
              FROM model_version_references r LEFT JOIN models m ON m.id = r.referenced_model_id
             WHERE r.model_version_id = ? ORDER BY r.position
            """, id
        ).map {
            ModelReference(
                modelID: try $0.requiredString("referenced_model_id"), versionID: try $0.string("referenced_version_id"),
                name: try $0.requiredString("name"))
        }
        return ModelVersion(
            id: id, modelID: try row.requiredString("model_id"), tenant: try row.requiredString("tenant"),
            name: try row.requiredString("name"),
            description: try row.requiredString("description"), visibility: try row.string("visibility") ?? Visibility.public,
            state: try row.requiredString("state"), schema: try row.requiredString("schema_text"),
            sourceVersionID: try row.string("source_version_id"),
            created: try row.requiredString("created"), updated: try row.requiredString("updated"), tags: tags, references: references,
            actions: nil)
    }

    /// Another model of the tenant already has this name (names compare without case)?
    package static func modelExists(_ db: SQLiteConnection, id: String) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM models WHERE id = ?", id) != nil
    }

    /// The model of `tenant` named `name` (names are unique in a tenant, without case).
    package static func modelID(_ db: SQLiteConnection, tenant: String, named name: String) throws -> String? {
        try db.queryFirst("SELECT id FROM models WHERE tenant = ? AND name = ? COLLATE NOCASE", tenant, name)?.requiredString("id")
    }

    /// The model a version belongs to.
    package static func versionOwner(_ db: SQLiteConnection, versionID: String) throws -> String? {
        try db.queryFirst("SELECT model_id FROM model_versions WHERE id = ?", versionID)?.requiredString("model_id")
    }

    /// The model's version named `name` that is not deleted.
    package static func liveVersionID(_ db: SQLiteConnection, modelID: String, named name: String) throws -> String? {
        try db.queryFirst(
            "SELECT id FROM model_versions WHERE model_id = ? AND name = ? COLLATE NOCASE AND state <> ? LIMIT 1",
            modelID, name, ModelState.deleted)?.requiredString("id")
    }

    static func modelNameTaken(_ db: SQLiteConnection, tenant: String, name: String, except id: String) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM models WHERE tenant = ? AND name = ? COLLATE NOCASE AND id <> ?", tenant, name, id) != nil
    }

    /// Another live version of the model already has this name?
    static func versionNameTaken(_ db: SQLiteConnection, modelID: String, name: String, except id: String) throws -> Bool {
        try db.queryFirst(
            "SELECT 1 FROM model_versions WHERE model_id = ? AND name = ? COLLATE NOCASE AND id <> ? AND state <> ?",
            modelID, name, id, ModelState.deleted) != nil
    }

    /// The models (other than `modelID` itself) with a live version that references the model, or
    /// only `versionID` of it when given: (referencing model name, referencing version id).
    static func referencingModels(_ db: SQLiteConnection, modelID: String, versionID: String? = nil) throws -> [(
        name: String, versionID: String
    )] {
        try db.query(
            """
            SELECT m.name, v.id
              FROM model_version_references r
              JOIN model_versions v ON v.id = r.model_version_id
              JOIN models m ON m.id = v.model_id
             WHERE r.referenced_model_id = ?1 AND v.model_id <> ?1 AND v.state <> ?2
               AND (?3 IS NULL OR r.referenced_version_id = ?3)
             ORDER BY m.name, v.created
            """, modelID, ModelState.deleted, versionID
        ).map { ($0.string(0) ?? "", $0.string(1) ?? "") }
    }

    // MARK: - Writes

    package static func insertModel(_ db: SQLiteConnection, _ model: ModelObject) throws {
        try db.change(
            model.id,
            """
            INSERT INTO models (id, tenant, name, summary, description, category, visibility, business_id, created_by, created, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            model.id, model.tenant, model.name, model.summary, model.description, model.category, model.visibility,
            model.businessID, model.createdBy, model.created, model.updated)
        try replaceModelTags(db, modelID: model.id, tags: model.tags)
    }

    static func updateModel(_ db: SQLiteConnection, _ model: ModelObject) throws {
        try db.change(
            model.id,
            "UPDATE models SET name = ?, summary = ?, description = ?, category = ?, visibility = ?, business_id = ?, updated = ? WHERE id = ?",
            model.name, model.summary, model.description, model.category, model.visibility, model.businessID, model.updated, model.id)
        try replaceModelTags(db, modelID: model.id, tags: model.tags)
    }

    static func touchModel(_ db: SQLiteConnection, id: String, updated: String) throws {
        try db.change(id, "UPDATE models SET updated = ? WHERE id = ?", updated, id)
    }

    static func insertVersion(_ db: SQLiteConnection, _ version: ModelVersion) throws {
        try db.change(
            version.id,
            """
            INSERT INTO model_versions (id, model_id, tenant, name, description, schema_text, state, visibility, source_version_id, created, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            version.id, version.modelID, version.tenant, version.name, version.description, version.schema, version.state,
            version.visibility, version.sourceVersionID, version.created, version.updated)
        try replaceVersionTags(db, versionID: version.id, tags: version.tags)
        try replaceReferences(db, versionID: version.id, references: version.references)
    }

    /// Writes the editable fields; `state` belongs to the workflow (see ModelState).
    static func updateVersion(_ db: SQLiteConnection, _ version: ModelVersion) throws {
        try db.change(
            version.id,
            "UPDATE model_versions SET name = ?, description = ?, schema_text = ?, visibility = ?, updated = ? WHERE id = ?",
            version.name, version.description, version.schema, version.visibility, version.updated, version.id)
        try replaceVersionTags(db, versionID: version.id, tags: version.tags)
        try replaceReferences(db, versionID: version.id, references: version.references)
    }

    static func replaceModelTags(_ db: SQLiteConnection, modelID: String, tags: [String]) throws {
        try db.change(modelID, "DELETE FROM model_tags WHERE model_id = ?", modelID)
        for (position, tag) in tags.enumerated() {
            try db.change(modelID, "INSERT INTO model_tags (model_id, position, tag) VALUES (?, ?, ?)", modelID, position, tag)
        }
    }

    static func replaceVersionTags(_ db: SQLiteConnection, versionID: String, tags: [String]) throws {
        try db.change(versionID, "DELETE FROM model_version_tags WHERE model_version_id = ?", versionID)
        for (position, tag) in tags.enumerated() {
            try db.change(
                versionID, "INSERT INTO model_version_tags (model_version_id, position, tag) VALUES (?, ?, ?)", versionID, position, tag)
        }
    }

    static func replaceReferences(_ db: SQLiteConnection, versionID: String, references: [ModelReference]) throws {
        try db.change(versionID, "DELETE FROM model_version_references WHERE model_version_id = ?", versionID)
        for (position, reference) in references.enumerated() {
            try db.change(
                versionID,
                "INSERT INTO model_version_references (model_version_id, position, referenced_model_id, referenced_version_id) VALUES (?, ?, ?, ?)",
                versionID, position, reference.modelID, reference.versionID)
        }
    }

    /// Removes a version, its tags and references, and its workflow object with its history.
    static func deleteVersion(_ db: SQLiteConnection, id: String) throws {
        try DeleteCascadeRepository.delete(db, from: .modelVersions, id: id, versionIDs: [id])
    }

    /// Removes the model with every version (deleted-state ones too) and their workflow objects.
    static func deleteModel(_ db: SQLiteConnection, id: String) throws {
        try DeleteCascadeRepository.delete(db, from: .models, id: id, versionIDs: try allVersionIDs(db, modelID: id))
    }
}
