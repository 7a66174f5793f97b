import Foundation
import SQLiteStore
@testable import AkanaDomain

/// A migrated database in its own temporary directory, removed by `remove()`.
final class TemporaryDatabase {
    let directory: URL
    let pool: DatabasePool

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("akana-domain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        pool = try DatabasePool(path: directory.appendingPathComponent("test.sqlite").path)
        try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z")
    }

    deinit {
        try? pool.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension PasswordHasher {
    /// Cheap hashes for tests; production uses `defaultIterations`.
    static let fast = PasswordHasher(iterations: 1_000)
}
