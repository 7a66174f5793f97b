import Foundation
import SQLiteStore
import TestSupport
import Testing

@testable import AkanaDomain

@Suite struct AkanaSchemaTests {
    /// The migrations embedded at build time are exactly the files in Migrations/, byte for byte.
    @Test func embedsTheMigrationsFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!files.isEmpty)
        #expect(AkanaSchema.migrations.map(\.name) == files)
        for migration in AkanaSchema.migrations {
            let text = try String(contentsOf: folder.appendingPathComponent(migration.name), encoding: .utf8)
            #expect(migration.sql == text, "embedded \(migration.name) differs from the file")
        }
    }

    /// An empty database in its own temporary directory, for `body` to migrate as it needs.
    func withEmptyDatabase(_ body: (DatabasePool) throws -> Void) throws {
        try withPool { pool, _ in try body(pool) }
    }

    @Test func createsThePlainlyNamedTables() throws {
        try withEmptyDatabase { pool in
            try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z")
            let tables = try pool.read { db in
                try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { try $0.string("name") }
            }
            for table in [
                "users", "sessions", "apps", "app_versions", "models", "model_versions", "workflow_definitions",
                "workflow_objects", "workflow_history", "settings", "schema_migrations"
            ] {
                #expect(tables.contains(table), "missing table \(table)")
            }
            #expect(try pool.integrityCheck(quick: false).isEmpty)
        }
    }

    /// A database last opened by a build with 0004 keeps its journal rows, ids and values through
    /// 0005's rebuild, and the rebuilt table takes entries without a response half.
    @Test func theJournalRebuildKeepsItsRows() throws {
        try withEmptyDatabase { pool in
            let upTo0004 = AkanaSchema.migrations.filter { $0.name < "0005" }
            try Migrator(migrations: upTo0004).migrate(pool, now: "2026-01-01T00:00:00Z")
            try pool.write { db in
                for (index, path) in ["/api/login", "/api/apps", "/api/apps/x.acme"].enumerated() {
                    try db.run(
                        """
                        INSERT INTO request_journal (at, method, path, query, status, duration_ms, tenant, user_id, request_bytes,
                            response_bytes, request_id, changed_ids)
                        VALUES (?, 'POST', ?, 'a=1', 200, 1.5, 'acme', NULL, 10, 20, ?, '["x.acme"]')
                        """, "2026-01-01T00:00:0\(index).000Z", path, "0-\(index)")
                }
                try db.run("DELETE FROM request_journal WHERE path = '/api/login'")
            }
            let upTo0005 = AkanaSchema.migrations.filter { $0.name < "0006" }
            #expect(
                try Migrator(migrations: upTo0005).migrate(pool, now: "2026-01-02T00:00:00Z") == [
                    "0005_request_journal_pending_responses.sql"
                ])
            let rows = try pool.read { db in
                try db.query(
                    "SELECT id, at, path, query, status, duration_ms, request_bytes, response_bytes, request_id, changed_ids FROM request_journal ORDER BY id"
                )
                .map { row in
                    "\(try row.int("id") ?? 0) \(try row.string("at") ?? "") \(try row.string("path") ?? "") \(try row.string("query") ?? "") \(try row.int("status") ?? 0) "
                        + "\(try row.double("duration_ms") ?? 0) \(try row.int("request_bytes") ?? 0) \(try row.int("response_bytes") ?? 0) "
                        + "\(try row.string("request_id") ?? "") \(try row.string("changed_ids") ?? "")"
                }
            }
            #expect(
                rows == [
                    "2 2026-01-01T00:00:01.000Z /api/apps a=1 200 1.5 10 20 0-1 [\"x.acme\"]",
                    "3 2026-01-01T00:00:02.000Z /api/apps/x.acme a=1 200 1.5 10 20 0-2 [\"x.acme\"]"
                ])
            try pool.write { db in
                try db.run(
                    "INSERT INTO request_journal (at, method, path, tenant, request_bytes) VALUES ('2026-01-02T00:00:00.000Z', 'PUT', '/p', 'acme', 0)"
                )
            }
            #expect(try pool.read { try $0.queryFirst("SELECT id, status FROM request_journal ORDER BY id DESC")?.int("status") } == nil)
            #expect(try pool.integrityCheck(quick: false).isEmpty)
        }
    }
}
