import AkanaDomain
import EmulatorMachinery
import Foundation
import Logging
import SQLiteStore
import TestSupport
import Testing

@testable import AkanaAPI

/// `EmulatorAssembly.assemble` builds everything once and swallows nothing.
@Suite struct CompositionRootTests {
    // A faults table that cannot be read used to give an empty injector (the persisted rules silently
    // gone); now the start fails and says why.
    @Test func anUnreadableFaultsTableStopsTheAssembly() throws {
        let error = try Self.assemblyError(DatabaseError.self) { db in try db.run("DROP TABLE emulator_faults") }
        #expect(error.map { "\($0)".contains("emulator_faults") } == true, "\(String(describing: error))")
    }

    // A stored fault row that is not a rule used to be skipped (the fault silently gone); now the
    // start fails naming the row.
    @Test(arguments: ["{not json", #"{"respond": {"status": 99}}"#])
    func aMalformedStoredFaultStopsTheAssembly(rule: String) throws {
        let error = try Self.assemblyError(FaultInjector.StoredRuleError.self) { db in
            try db.run(
                "INSERT INTO emulator_faults (id, created, rule, hits) VALUES (?, ?, ?, 0)", "fault-broken", "2026-01-01T00:00:00Z", rule)
        }
        #expect(error?.id == "fault-broken")
        #expect(error.map { "\($0)".contains("fault-broken") } == true, "\(String(describing: error))")
    }

    /// Assembles the emulator over a migrated database that `damage` changed first, expecting the
    /// assembly to throw an error of `type`.
    static func assemblyError<E: Error>(_ type: E.Type, damage: (SQLiteConnection) throws -> Void) throws -> E? {
        try withPool { pool, _ in
            try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z")
            try pool.write(in: .detached) { db in try damage(db) }
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let hasher = PasswordHasher(iterations: 1_000)
            let settings = EmulatorAssembly.Settings(
                tenants: TenantDirectory(defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp")), seedUsers: [],
                fixtures: FixtureCatalog(documents: [], hasher: hasher), ids: IDGenerator(), hasher: hasher, integrity: IntegrityStatus())
            return #expect(throws: type) {
                _ = try EmulatorAssembly.assemble(database: pool, clock: EmulatorClock(), settings: settings, logger: logger)
            }
        }
    }
}
