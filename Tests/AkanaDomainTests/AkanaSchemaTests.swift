import Foundation
import SQLiteStore
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

    @Test func createsThePlainlyNamedTables() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("akana-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("db.sqlite").path)
        defer { try? pool.close() }
        try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z")
        let tables = try pool.read { db in
            try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0.string("name") }
        }
        for table in ["users", "sessions", "apps", "app_versions", "models", "model_versions", "workflow_definitions",
                      "workflow_objects", "workflow_history", "settings", "schema_migrations"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        #expect(try pool.integrityCheck(quick: false).isEmpty)
    }
}
