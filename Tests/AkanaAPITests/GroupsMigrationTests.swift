import AkanaDomain
import Foundation
import SQLiteStore
import TestSupport
import Testing

@testable import AkanaAPI

/// A database the previous binary made (migrations up to 0017) keeps its app teams, pending
/// invitations and API admins through 0018_groups.sql, and the first start governs them by the
/// group membership workflow.
@Suite struct GroupsMigrationTests {
    @Test func teamsInvitationsAndAdminsSurviveTheMigration() throws {
        let directory = try TemporaryDirectory(prefix: "akana-groups-migration")
        let path = directory.path("old.sqlite")
        let t = "acmepaymentscorp"
        do {
            let pool = try DatabasePool(path: path)
            try Migrator(migrations: AkanaSchema.migrations.filter { $0.name < "0018" }).migrate(pool, now: "2026-01-01T00:00:00Z")
            try pool.write { db in
                try db.run("INSERT INTO tenants (fedmemberid, created) VALUES (?, '2026-01-01T00:00:00Z')", t)
                for name in ["ann", "ben", "cat"] {
                    try db.run(
                        """
                        INSERT INTO users (id, tenant, email, display_name, password_hash, created, updated)
                        VALUES (?, ?, ?, ?, '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                        """, "\(name).\(t)", t, "\(name)@example.com", name)
                }
                try db.run(
                    "INSERT INTO apps (id, tenant, name, created, updated) VALUES (?, ?, 'Old', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                    "app1.\(t)", t)
                try db.run("INSERT INTO app_team_members (app_id, user_id, role) VALUES (?, ?, 'Admin')", "app1.\(t)", "ann.\(t)")
                try db.run("INSERT INTO app_team_members (app_id, user_id, role) VALUES (?, ?, 'Member')", "app1.\(t)", "ben.\(t)")
                try db.run(
                    """
                    INSERT INTO app_team_invitations (app_id, user_id, message, invited_by, created)
                    VALUES (?, ?, 'Join us', ?, '2026-01-01T00:00:00Z')
                    """, "app1.\(t)", "cat.\(t)", "ann.\(t)")
                try db.run(
                    """
                    INSERT INTO apis (id, tenant, name, visibility, admin_group_id, created, updated)
                    VALUES (?, ?, 'Old API', 'Public', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                    """, "api1.\(t)", t, "oldgroup.\(t)")
                try db.run(
                    "INSERT INTO api_admins (api_id, user_id, added) VALUES (?, ?, '2026-01-01T00:00:00Z')", "api1.\(t)", "ben.\(t)")
                try db.run(
                    "INSERT INTO settings (tenant, name, value, updated) VALUES (?, 'AutoAcceptAppTeamInvitations', 'true', '2026-01-01T00:00:00Z')",
                    t)
            }
            try pool.close()
        }
        let restarted = try RestartedEmulator(path: path)
        let rows = try restarted.pool.read { db in
            try db.query(
                """
                SELECT m.group_id, m.user_id, m.role, m.state, m.message, w.status, w.object_type FROM group_members m
                  LEFT JOIN workflow_objects w ON w.object_id = m.request_id ORDER BY m.group_id, m.user_id
                """
            ).map { row in
                [
                    try row.string("group_id") ?? "", try row.string("user_id") ?? "", try row.string("role") ?? "",
                    try row.string("state") ?? "", try row.string("message") ?? "", try row.string("status") ?? "-",
                    try row.string("object_type") ?? "-"
                ].joined(separator: " ")
            }
        }
        let admin = "com.soa.group.membership.role.admin"
        let member = "com.soa.group.membership.role.member"
        let accepted = "com.soa.group.membership.state.accepted"
        let pending = "com.soa.group.membership.state.pending"
        #expect(
            rows == [
                "appteam-app1.\(t) ann.\(t) \(admin) \(accepted)  \(accepted) groupmembership",
                "appteam-app1.\(t) ben.\(t) \(member) \(accepted)  \(accepted) groupmembership",
                "appteam-app1.\(t) cat.\(t) \(member) \(pending) Join us \(pending) groupmembership",
                "oldgroup.\(t) ben.\(t) \(admin) \(accepted)  \(accepted) groupmembership"
            ])
        // The old names read the same rows; the AdminGroupID is now a group of the API.
        let team = try restarted.pool.read { db in
            try db.query("SELECT user_id, role FROM app_team_members WHERE app_id = ? ORDER BY user_id", "app1.\(t)").map {
                "\(try $0.string("user_id") ?? "") \(try $0.string("role") ?? "")"
            }
        }
        #expect(team == ["ann.\(t) Admin", "ben.\(t) Member"])
        #expect(
            try restarted.pool.read { try $0.queryFirst("SELECT api_id FROM groups WHERE id = ?", "oldgroup.\(t)")?.string("api_id") }
                == "api1.\(t)")
        #expect(try restarted.pool.read { try $0.query("SELECT user_id FROM api_admins WHERE api_id = ?", "api1.\(t)").count } == 1)
        // The system groups exist; the legacy setting became the auto-accept workflow's assignment.
        #expect(
            try restarted.pool.read {
                try $0.query("SELECT id FROM groups WHERE tenant = ? AND kind IN ('siteadmin', 'businessadmin')", t).count
            } == 2)
        #expect(
            try restarted.pool.read { try $0.queryFirst("SELECT value FROM settings WHERE name = 'AutoAcceptAppTeamInvitations'") } == nil)
        let assigned = try restarted.pool.read { db in
            try db.queryFirst(
                """
                SELECT d.key FROM workflow_assignments a JOIN workflow_definitions d ON d.id = a.definition_id
                 WHERE a.tenant = ? AND a.object_type = 'groupmembership'
                """, t)?.string("key")
        }
        #expect(assigned == "groupmembership-autoaccept")
        #expect(try restarted.pool.integrityCheck(quick: false).isEmpty)
    }
}
