import SQLiteStore

/// SQL for an implementation's own changes (its info) and the version's `updated` they move.
extension APIRepository {
    /// Writes an implementation's info (PUT …/implementations/{ImplementationCode}/info).
    static func updateImplementationInfo(_ db: SQLiteConnection, versionID: String, _ implementation: APIImplementation) throws {
        try db.change(
            versionID,
            """
            UPDATE api_implementations SET description = ?, endpoint_access_auto_approved = ?, pattern = ?, anonymous_access_allowed = ?
             WHERE api_version_id = ? AND code = ?
            """, implementation.description, implementation.endpointAccessAutoApproved, implementation.pattern,
            implementation.anonymousAccessAllowed, versionID, implementation.code)
    }

    /// Sets the version's `updated` after a change to one of its implementations.
    static func touchImplementedVersion(_ db: SQLiteConnection, id: String, updated: String) throws {
        try db.change(id, "UPDATE api_versions SET updated = ? WHERE id = ?", updated, id)
    }
}
