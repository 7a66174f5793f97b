import SQLiteStore

/// SQL for apps, versions, tags, mechanisms and teams. Every function runs on a connection the
/// caller holds (a reader, or the writer inside its transaction); values are always bound.
package enum AppRepository {
    package static func version(_ db: SQLiteConnection, id: String) throws -> AppVersion? {
        try versionAndTeamRole(db, id: id, userID: "")?.version
    }

    /// The version (with its tags and security mechanisms) and `userID`'s role in its app's team.
    /// (Folding the lists into the statement as `json_group_array` subqueries cost more than their
    /// two cached statements.)
    static func versionAndTeamRole(_ db: SQLiteConnection, id: String, userID: String) throws -> (version: AppVersion, teamRole: String?)? {
        guard
            let row = try db.queryFirst(
                """
                SELECT v.id, v.app_id, v.tenant, v.name, v.description, v.website_address, v.visibility, v.initial_environment,
                       v.current_environment, v.state, v.identity, v.identity_user_defined, v.shared_secret, v.has_key_info,
                       v.created, v.updated,
                       (SELECT role FROM app_team_members WHERE app_id = v.app_id AND user_id = ?) AS team_role
                FROM app_versions v WHERE v.id = ?
                """, userID, id)
        else { return nil }
        let tags = try db.query("SELECT tag FROM app_version_tags WHERE app_version_id = ? ORDER BY position", id).compactMap {
            try $0.string("tag")
        }
        let mechanisms = try db.query(
            "SELECT mechanism FROM app_version_security_mechanisms WHERE app_version_id = ? ORDER BY mechanism", id
        ).compactMap { try $0.string("mechanism") }
        let version = AppVersion(
            id: try row.requiredString("id"), appID: try row.requiredString("app_id"), tenant: try row.requiredString("tenant"),
            name: try row.requiredString("name"), description: try row.requiredString("description"),
            websiteAddress: try row.requiredString("website_address"), visibility: try row.requiredString("visibility"),
            initialEnvironment: try row.requiredString("initial_environment"),
            currentEnvironment: try row.requiredString("current_environment"),
            state: try row.requiredString("state"), identity: try row.requiredString("identity"),
            identityUserDefined: try row.requiredBool("identity_user_defined"), sharedSecret: try row.requiredString("shared_secret"),
            hasKeyInfo: try row.requiredBool("has_key_info"), created: try row.requiredString("created"),
            updated: try row.requiredString("updated"),
            tags: tags, securityMechanisms: mechanisms)
        return (version, try row.string("team_role"))
    }

    static func app(_ db: SQLiteConnection, id: String) throws -> Application? {
        guard
            let row = try db.queryFirst(
                "SELECT id, tenant, name, summary, description, business_id, created, updated FROM apps WHERE id = ?", id)
        else { return nil }
        let defaultID = try db.queryFirst(
            "SELECT id FROM app_versions WHERE app_id = ? ORDER BY created DESC, rowid DESC LIMIT 1", id)?.string("id")
        return Application(
            id: try row.requiredString("id"), tenant: try row.requiredString("tenant"), name: try row.requiredString("name"),
            summary: try row.requiredString("summary"), description: try row.requiredString("description"),
            businessID: try row.string("business_id"),
            created: try row.requiredString("created"), updated: try row.requiredString("updated"),
            defaultVersion: try defaultID.flatMap { try version(db, id: $0) })
    }

    static func appName(_ db: SQLiteConnection, id: String) throws -> String? {
        try db.queryFirst("SELECT name FROM apps WHERE id = ?", id)?.requiredString("name")
    }

    static func versionIDs(_ db: SQLiteConnection, appID: String) throws -> [String] {
        try db.query("SELECT id FROM app_versions WHERE app_id = ? ORDER BY created, rowid", appID).map { try $0.requiredString("id") }
    }

    /// The app's id when it exists (its own id), for fixtures.
    package static func appOwner(_ db: SQLiteConnection, appID: String) throws -> String? {
        try db.queryFirst("SELECT id FROM apps WHERE id = ?", appID)?.requiredString("id")
    }

    /// The oldest app of `tenant` named `name`.
    package static func appID(_ db: SQLiteConnection, tenant: String, named name: String) throws -> String? {
        try db.queryFirst("SELECT id FROM apps WHERE tenant = ? AND name = ? ORDER BY created, rowid LIMIT 1", tenant, name)?
            .requiredString("id")
    }

    /// The app a version belongs to.
    package static func versionOwner(_ db: SQLiteConnection, versionID: String) throws -> String? {
        try db.queryFirst("SELECT app_id FROM app_versions WHERE id = ?", versionID)?.requiredString("app_id")
    }

    /// The oldest version of the app named `name`.
    package static func versionID(_ db: SQLiteConnection, appID: String, named name: String) throws -> String? {
        try db.queryFirst("SELECT id FROM app_versions WHERE app_id = ? AND name = ? ORDER BY created, rowid LIMIT 1", appID, name)?
            .requiredString("id")
    }

    package static func isTeamMember(_ db: SQLiteConnection, appID: String, userID: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS member FROM app_team_members WHERE app_id = ? AND user_id = ?", appID, userID) != nil
    }

    /// The caller's team role ("Admin" or "Member") on the app, nil when not on its team.
    /// What deciding on an operation on a version needs, without the version's other columns,
    /// tags or mechanisms: one indexed lookup, for writes that change only a column or two.
    static func versionAccess(_ db: SQLiteConnection, id: String, userID: String) throws -> AppVersionAccess? {
        guard
            let row = try db.queryFirst(
                """
                SELECT v.app_id, v.tenant, v.visibility, v.identity,
                       (SELECT role FROM app_team_members WHERE app_id = v.app_id AND user_id = ?) AS team_role
                FROM app_versions v WHERE v.id = ?
                """, userID, id)
        else { return nil }
        return AppVersionAccess(
            id: id, appID: try row.requiredString("app_id"), tenant: try row.requiredString("tenant"),
            visibility: try row.requiredString("visibility"), identity: try row.requiredString("identity"),
            teamRole: try row.string("team_role"))
    }

    static func teamRole(_ db: SQLiteConnection, appID: String, userID: String) throws -> String? {
        try db.queryFirst("SELECT role FROM app_team_members WHERE app_id = ? AND user_id = ?", appID, userID)?.string("role")
    }

    /// The apps whose team `userID` is on, by name.
    static func appIDs(_ db: SQLiteConnection, teamMember userID: String) throws -> [String] {
        try db.query(
            "SELECT a.id FROM app_team_members m JOIN apps a ON a.id = m.app_id WHERE m.user_id = ? ORDER BY a.name COLLATE NOCASE, a.id",
            userID
        ).map { try $0.requiredString("id") }
    }

    /// The ids of the tenant's app versions with this Identity (at most one: the index is unique).
    static func versionIDs(_ db: SQLiteConnection, tenant: String, identity: String) throws -> [String] {
        try db.query("SELECT id FROM app_versions WHERE tenant = ? AND identity = ?", tenant, identity).map { try $0.requiredString("id") }
    }

    static func identityTaken(_ db: SQLiteConnection, tenant: String, identity: String, except versionID: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS taken FROM app_versions WHERE tenant = ? AND identity = ? AND id <> ?", tenant, identity, versionID)
            != nil
    }

    /// Inserts the app and its team group (`appteam-<AppID>`), and returns the group.
    @discardableResult
    package static func insertApp(_ db: SQLiteConnection, _ app: Application, createdBy: String) throws -> Group {
        try db.change(
            app.id,
            "INSERT INTO apps (id, tenant, name, summary, description, business_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            app.id, app.tenant, app.name, app.summary, app.description, app.businessID, app.created, app.updated)
        let team = GroupMemberships.appTeam(appID: app.id, tenant: app.tenant, name: app.name, createdBy: createdBy, now: app.created)
        try GroupRepository.insert(db, team)
        return team
    }

    static func updateApp(_ db: SQLiteConnection, _ app: Application) throws {
        try db.change(
            app.id, "UPDATE apps SET name = ?, summary = ?, description = ?, business_id = ?, updated = ? WHERE id = ?",
            app.name, app.summary, app.description, app.businessID, app.updated, app.id)
    }

    static func insertVersion(_ db: SQLiteConnection, _ version: AppVersion) throws {
        try db.change(
            version.id,
            """
            INSERT INTO app_versions (id, app_id, tenant, name, description, website_address, visibility, initial_environment,
                current_environment, state, identity, identity_user_defined, shared_secret, has_key_info, created, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            version.id, version.appID, version.tenant, version.name, version.description, version.websiteAddress, version.visibility,
            version.initialEnvironment, version.currentEnvironment, version.state, version.identity, version.identityUserDefined,
            version.sharedSecret, version.hasKeyInfo, version.created, version.updated)
        try replaceTags(db, versionID: version.id, tags: version.tags)
        for mechanism in version.securityMechanisms {
            try db.change(
                version.id, "INSERT INTO app_version_security_mechanisms (app_version_id, mechanism) VALUES (?, ?)", version.id, mechanism)
        }
    }

    static func updateVersion(_ db: SQLiteConnection, _ version: AppVersion) throws {
        try db.change(
            version.id,
            """
            UPDATE app_versions SET name = ?, description = ?, website_address = ?, visibility = ?, initial_environment = ?,
                identity = ?, identity_user_defined = ?, shared_secret = ?, updated = ? WHERE id = ?
            """,
            version.name, version.description, version.websiteAddress, version.visibility, version.initialEnvironment,
            version.identity, version.identityUserDefined, version.sharedSecret, version.updated, version.id)
        try replaceTags(db, versionID: version.id, tags: version.tags)
    }

    static func replaceTags(_ db: SQLiteConnection, versionID: String, tags: [String]) throws {
        try db.change(versionID, "DELETE FROM app_version_tags WHERE app_version_id = ?", versionID)
        for (position, tag) in tags.enumerated() {
            try db.change(
                versionID, "INSERT INTO app_version_tags (app_version_id, position, tag) VALUES (?, ?, ?)", versionID, position, tag)
        }
    }

    /// Replaces the shared secret; returns false when the version does not exist.
    static func setSharedSecret(_ db: SQLiteConnection, versionID: String, secret: String, updated: String) throws -> Bool {
        return try db.change(versionID, "UPDATE app_versions SET shared_secret = ?, updated = ? WHERE id = ?", secret, updated, versionID)
            == 1
    }

    static func deleteVersion(_ db: SQLiteConnection, id: String) throws {
        try DeleteCascadeRepository.delete(db, from: .appVersions, id: id, versionIDs: [id])
    }

    static func deleteApp(_ db: SQLiteConnection, id: String) throws {
        try DeleteCascadeRepository.delete(db, from: .apps, id: id, versionIDs: try versionIDs(db, appID: id))
    }
}
