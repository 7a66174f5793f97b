import Foundation
import SQLiteStore
import TestSupport
import Testing

@testable import AkanaDomain

@Suite struct DeterministicIDTests {
    let clock = EmulatorClock(mode: .frozen(Date(timeIntervalSince1970: 1_800_000_000)))
    let tenants = TenantDirectory(defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp"))

    @Test func blocksAreHMACSHA256OfTheCounterKeyedWithTheSeed() {
        // Block 0 for seed "0" is HMAC-SHA256("0", "akana-emulator ids v1" ‖ 00 00 00 00 00 00 00 00)
        // = 74983432560434f541f35c3740aa9885…; a UUID takes its first 16 bytes (version and variant set).
        let generator = DeterministicRandom(seed: "0")
        #expect(Crypto.hex(generator.block(0)) == "74983432560434f541f35c3740aa988564b27581e22d5cea7d5645f3c26f7a30")
        #expect(Crypto.hex(generator.block(1)) == "d673fa101db257a12b9a95fd0d5fa59c2207a213a365e0ec82e9341a76de8f22")
        let ids = IDGenerator(source: .deterministic(generator))
        #expect(ids.uuid() == "74983432-5604-44f5-81f3-5c3740aa9885")
        #expect(generator.position == 1)
        #expect(ids.hex(byteCount: 20) == "d673fa101db257a12b9a95fd0d5fa59c2207a213")
        #expect(generator.position == 2)
        _ = ids.alphanumeric(40)  // 40 bytes: two blocks (more only if too many bytes ≥ 248)
        #expect(generator.position >= 4)
        #expect(Crypto.hex(ids.signingKey()) == "f326be747754872ba1d1901fb651f2dfb5c4407b96371687351d04c6e74c4d71")
    }

    @Test func sameSeedSameSequenceOtherSeedAnother() {
        func sequence(_ seed: String) -> [String] {
            let ids = IDGenerator(source: .deterministic(DeterministicRandom(seed: seed)))
            return [ids.uuid(), ids.alphanumeric(40), ids.hex(byteCount: 20), String(ids.number(in: 10_000...99_999_999)), ids.uuid()]
        }
        #expect(sequence("42") == sequence("42"))
        #expect(sequence("42") != sequence("43"))
        let secure = IDGenerator()
        #expect(!secure.isDeterministic && secure.uuid() != secure.uuid())
        let sample = sequence("42")
        #expect(sample[1].count == 40 && sample[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(sample[2].count == 40)
        #expect((10_000...99_999_999).contains(UInt32(sample[3]) ?? 0))
    }

    /// Opens the database at `path` (a "daemon start"), creates `count` apps through the apps
    /// service with the deterministic generator, and closes it again. Returns AppID, AppVersionID
    /// and shared secret of each.
    func createApps(path: String, seed: String, count: Int) throws -> [[String]] {
        let pool = try DatabasePool(path: path)
        defer { try? pool.close() }
        try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z")
        let ids = IDGenerator(source: .deterministic(try DeterministicRandom.attach(seed: seed, database: pool)))
        try PlatformBootstrap.run(
            database: pool, tenants: tenants,
            users: [
                SeedUser(
                    tenant: "acmepaymentscorp", email: "administrator@acmepaymentscorp.com", password: "password",
                    name: "Administrator", roles: ["SiteAdmin"])
            ],
            now: clock.now(), hasher: .fast, knownHashes: [:], ids: ids, scope: .detached)
        let userID = try #require(try pool.read { db in try db.queryFirst("SELECT id FROM users")?.string("id") })
        let caller = AuthenticatedSession(
            tokenID: "t", tenant: "acmepaymentscorp", userID: userID, userName: "Administrator",
            email: "administrator@acmepaymentscorp.com",
            roles: ["SiteAdmin"], csrfToken: "", startedAt: clock.now(), issuedAt: clock.now(),
            expiresAt: clock.now().addingTimeInterval(60), scope: .detached)
        let apps = AppService(
            database: pool, clock: clock, workflow: nil, ids: ids, deletionObserver: nil,
            groups: GroupService(database: pool, clock: clock, engine: WorkflowEngine(database: pool, clock: clock), ids: ids))
        return try (0..<count).map { index in
            let app = try apps.createApp(caller: caller, input: ApplicationInput(name: "App \(index)"))
            let version = try #require(app.defaultVersion)
            return [app.id, version.id, version.sharedSecret]
        }
    }

    @Test func aRestartContinuesTheSequenceExactly() throws {
        let work = try TemporaryDirectory(prefix: "akana-deterministic")
        defer { withExtendedLifetime(work) {} }  // removed when the test ends
        let directory = work.url
        // One run of six apps, and another database where the daemon restarts after every two.
        let straight = try createApps(path: directory.appendingPathComponent("a.sqlite").path, seed: "suite-7", count: 6)
        var restarted: [[String]] = []
        for _ in 0..<3 {
            restarted += try createApps(path: directory.appendingPathComponent("b.sqlite").path, seed: "suite-7", count: 2)
        }
        #expect(restarted == straight)
        #expect(Set(straight.flatMap { $0 }).count == 18)  // no repeats
        #expect(straight[0][0].hasSuffix(".acmepaymentscorp") && straight[0][1].count == 40 + ".acmepaymentscorp".count)
        // The counter is a row of emulator_state, written with the apps.
        let pool = try DatabasePool(path: directory.appendingPathComponent("b.sqlite").path)
        defer { try? pool.close() }
        let stored = try pool.read { db in
            try db.queryFirst("SELECT value FROM emulator_state WHERE key = ?", DeterministicRandom.counterStateKey)?.string("value")
        }
        #expect(stored.flatMap { UInt64($0) } ?? 0 >= 6 * 4 + 1)
        // Another seed, another sequence.
        let other = try createApps(path: directory.appendingPathComponent("c.sqlite").path, seed: "suite-8", count: 1)
        #expect(other[0] != straight[0])
    }

    @Test func aFailedWriteDoesNotStoreTheCounterAndCommittedOnesDo() throws {
        let database = try TemporaryDatabase()
        let generator = try DeterministicRandom.attach(seed: "x", database: database.pool)
        _ = generator.bytes(16)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try database.pool.write { db in
                try db.run("DELETE FROM login_failures")
                throw Boom()
            }
        }
        func stored() throws -> String? {
            try database.pool.read { db in
                try db.queryFirst("SELECT value FROM emulator_state WHERE key = ?", DeterministicRandom.counterStateKey)?.string("value")
            }
        }
        #expect(try stored() == nil)
        try database.pool.write { db in _ = try db.run("DELETE FROM login_failures") }
        #expect(try stored() == "1")
        _ = generator.bytes(33)
        try database.pool.write { _ in }
        #expect(try stored() == "3")
        database.pool.setBeforeCommit(nil)
    }
}
