import AkanaDomain
import EmulatorMachinery
import Foundation
import Logging
import SQLiteStore
import Testing

@testable import AkanaAPI

/// `EmulatorAssembly.assemble` builds everything once and swallows nothing.
@Suite struct CompositionRootTests {
    // A faults table that cannot be read used to give an empty injector (the persisted rules silently
    // gone); now the start fails and says why.
    @Test func anUnreadableFaultsTableStopsTheAssembly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("akana-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("api.sqlite").path)
        defer { try? pool.close() }
        try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z")
        try pool.write { db in try db.run("DROP TABLE emulator_faults") }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let settings = EmulatorAssembly.Settings(
            tenants: TenantDirectory(defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp")),
            seedUsers: [], fixtures: FixtureCatalog(documents: [], hasher: PasswordHasher(iterations: 1_000)), ids: IDGenerator(),
            hasher: PasswordHasher(iterations: 1_000), integrity: IntegrityStatus())
        let error = #expect(throws: DatabaseError.self) {
            _ = try EmulatorAssembly.assemble(database: pool, clock: EmulatorClock(), settings: settings, logger: logger)
        }
        #expect(error.map { "\($0)".contains("emulator_faults") } == true, "\(String(describing: error))")
    }

    // A stored fault row that is not a rule used to be skipped (the fault silently gone); now the
    // start fails naming the row.
    @Test(arguments: ["{not json", #"{"respond": {"status": 99}}"#])
    func aMalformedStoredFaultStopsTheAssembly(rule: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("akana-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("api.sqlite").path)
        defer { try? pool.close() }
        try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z")
        try pool.write { db in
            try db.run(
                "INSERT INTO emulator_faults (id, created, rule, hits) VALUES (?, ?, ?, 0)", "fault-broken", "2026-01-01T00:00:00Z", rule)
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let settings = EmulatorAssembly.Settings(
            tenants: TenantDirectory(defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp")),
            seedUsers: [], fixtures: FixtureCatalog(documents: [], hasher: PasswordHasher(iterations: 1_000)), ids: IDGenerator(),
            hasher: PasswordHasher(iterations: 1_000), integrity: IntegrityStatus())
        let error = #expect(throws: FaultInjector.StoredRuleError.self) {
            _ = try EmulatorAssembly.assemble(database: pool, clock: EmulatorClock(), settings: settings, logger: logger)
        }
        #expect(error?.id == "fault-broken")
        #expect(error.map { "\($0)".contains("fault-broken") } == true, "\(String(describing: error))")
    }
}
