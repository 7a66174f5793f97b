import Foundation
import SQLiteStore
import TestSupport

@testable import AkanaDomain

extension TemporaryDatabase {
    /// A database migrated to the Akana schema, in its own temporary directory.
    convenience init() throws {
        try self.init(prefix: "akana-domain") { pool in try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z") }
    }
}

extension PasswordHasher {
    /// Cheap hashes for tests; production uses `defaultIterations`.
    static let fast = PasswordHasher(iterations: 1_000)
}
