import SQLiteStore

/// The Users service's statements (POST/GET/DELETE /api/users, passwords): users it adds, reads and deletes.
extension UserRepository {
    static func find(_ db: SQLiteConnection, id: String, tenant: String) throws -> PlatformUser? {
        guard
            let row = try db.queryFirst(
                """
                SELECT id, tenant, email, display_name, first_name, last_name, force_password_change, created, updated,
                       (SELECT group_concat(role) FROM user_roles WHERE user_id = users.id) AS roles
                FROM users WHERE id = ? AND tenant = ?
                """, id, tenant)
        else { return nil }
        return PlatformUser(
            id: try row.requiredString("id"), tenant: try row.requiredString("tenant"), email: try row.requiredString("email"),
            displayName: try row.requiredString("display_name"), firstName: try row.requiredString("first_name"),
            lastName: try row.requiredString("last_name"), forcePasswordChange: try row.requiredBool("force_password_change"),
            roles: (try row.string("roles") ?? "").split(separator: ",").map(String.init).sorted(),
            created: try row.requiredString("created"), updated: try row.requiredString("updated"))
    }

    static func insert(_ db: SQLiteConnection, _ user: PlatformUser, passwordHash: String) throws {
        try db.change(
            user.id,
            """
            INSERT INTO users (id, tenant, email, display_name, password_hash, seeded, created, updated, first_name, last_name, force_password_change)
            VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
            """, user.id, user.tenant, user.email, user.displayName, passwordHash, user.created, user.updated,
            user.firstName, user.lastName, user.forcePasswordChange)
    }

    /// Deletes the user; sessions, roles and group memberships go by cascade. Each team the user leaves is
    /// named (its app) through the funnel.
    static func delete(_ db: SQLiteConnection, id: String) throws {
        for appID in try AppRepository.appIDs(db, teamMember: id) {
            try db.change(
                appID, "DELETE FROM group_members WHERE group_id = (SELECT id FROM groups WHERE app_id = ?) AND user_id = ?", appID, id)
        }
        try db.change(id, "DELETE FROM users WHERE id = ?", id)
    }

    static func mustChangePassword(_ db: SQLiteConnection, id: String) throws -> Bool {
        try db.queryFirst("SELECT force_password_change FROM users WHERE id = ?", id)?.requiredBool("force_password_change") ?? false
    }

    static func passwordHash(_ db: SQLiteConnection, id: String, tenant: String) throws -> String? {
        try db.queryFirst("SELECT password_hash FROM users WHERE id = ? AND tenant = ?", id, tenant)?.requiredString("password_hash")
    }

    /// Sets a new password (and clears the change.password task) if the stored hash is still
    /// `replacing`; false when it changed meanwhile.
    static func replacePassword(_ db: SQLiteConnection, id: String, hash: String, replacing: String, updated: String) throws -> Bool {
        try db.change(
            id, "UPDATE users SET password_hash = ?, force_password_change = 0, updated = ? WHERE id = ? AND password_hash = ?",
            hash, updated, id, replacing) == 1
    }
}
