import AkanaDomain
import Dispatch
import Foundation
import JSONCodec
import SQLiteStore
import Synchronization
import TestSupport
import Testing

/// The real binary: startup, migrations, restart survival, refusals, graceful shutdown.
@Suite(.serialized) struct DaemonProcessTests {
    static let login = #"{"email":"administrator@acmepaymentscorp.com","password":"password"}"#

    func start(_ directory: TemporaryDirectory, _ extra: [String] = [], database: String = "db.sqlite") throws -> EmulatorProcess {
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path(database), "--log-level", "warning"] + extra,
            directory: directory.url)
        try emulator.waitUntilListening()
        return emulator
    }

    @Test func servesHealthAndStopsCleanlyOnSIGTERM() throws {
        let directory = try TemporaryDirectory()
        let emulator = try start(directory)
        let health = try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/health")
        #expect(health.status == 200)
        #expect(health.headers["Content-Type"] == "application/json")
        #expect(health.text.contains(#""status":"ok""#))
        #expect(health.text.contains(#""schemaVersion":"\#(AkanaSchema.latestVersion)""#))
        let missing = try RawHTTPClient.send(port: emulator.port, "GET", "/api/unknown")
        #expect(missing.status == 404)
        #expect(missing.text.hasPrefix(#"{"faultcode":"Client","faultstring":"#))
        #expect(emulator.stop(signal: SIGTERM) == 0)
        // The WAL was checkpointed on the way out.
        let wal = try? FileManager.default.attributesOfItem(atPath: directory.path("db.sqlite-wal"))[.size] as? Int
        #expect(wal == nil || wal == 0)
    }

    /// The durability contract: a SIGKILL in the middle of a write burst loses no write that got a
    /// 2xx, nor its request journal entry, and the database passes PRAGMA integrity_check afterwards.
    @Test func sigkillDuringAWriteBurstLosesNoAcknowledgedWrite() throws {
        let directory = try TemporaryDirectory()
        let emulator = try start(directory)
        let login = try RawHTTPClient.send(
            port: emulator.port, "POST", "/api/login", headers: [("Content-Type", "application/json")], body: Self.login)
        let cookies = login.headers.values("Set-Cookie").map { String($0.prefix { $0 != ";" }) }
        let csrf = cookies.first { $0.hasPrefix("Csrf-Token_") }.map { String($0.drop { $0 != "=" }.dropFirst()) } ?? ""
        let acknowledged = Mutex<[String]>([])
        let stop = Mutex(false)
        let group = DispatchGroup()
        let port = emulator.port
        for worker in 0..<4 {
            DispatchQueue.global().async(group: group) {
                var count = 0
                while !stop.withLock({ $0 }) {
                    count += 1
                    guard
                        let response = try? RawHTTPClient.send(
                            port: port, "POST", "/api/apps",
                            headers: [
                                ("Cookie", cookies.joined(separator: "; ")), ("X-Csrf-Token_acmepaymentscorp", csrf),
                                ("Content-Type", "application/json"), ("Accept", "text/plain")
                            ],
                            body: #"{"Name":"burst-\#(worker)-\#(count)"}"#)
                    else { continue }
                    if response.status == 200 { acknowledged.withLock { $0.append(response.text) } }
                }
            }
        }
        // Mid-burst: once plenty of writes were acknowledged (the workers keep writing).
        #expect(waitUntil(timeout: 60) { acknowledged.withLock { $0.count } >= 50 })
        kill(emulator.process.processIdentifier, SIGKILL)
        emulator.process.waitUntilExit()
        stop.withLock { $0 = true }
        group.wait()
        let acknowledgedIDs = acknowledged.withLock { $0 }
        #expect(acknowledgedIDs.count > 10)

        let check = try EmulatorProcess(arguments: ["check", "--database", directory.path("db.sqlite")], directory: directory.url)
        #expect(check.waitForExit() == 0)
        let restarted = try start(directory)
        let pool = try DatabasePool(path: directory.path("db.sqlite"))
        let stored = Set(try pool.read { try $0.query("SELECT id FROM apps").compactMap { try $0.string("id") } })
        // Each acknowledged write's journal entry committed with it (its response half may be missing).
        let journaled = Set(
            try pool.read { db in
                try db.query("SELECT changed_ids FROM request_journal WHERE method = 'POST' AND path = '/api/apps'").flatMap { row in
                    (try? JSONParser.parse(Array((row.string("changed_ids") ?? "").utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
                }
            })
        try pool.close()
        let lost = acknowledgedIDs.filter { !stored.contains($0) }
        #expect(lost.count == 0, "acknowledged but lost: \(lost.prefix(5))")
        let unjournaled = acknowledgedIDs.filter { !journaled.contains($0) }
        #expect(unjournaled.count == 0, "acknowledged but not journaled: \(unjournaled.prefix(5))")
        #expect(restarted.stop() == 0)
    }

    @Test func sigintStopsCleanlyToo() throws {
        let directory = try TemporaryDirectory()
        let emulator = try start(directory)
        #expect(emulator.stop(signal: SIGINT) == 0)
    }

    @Test func sessionsWrittenBeforeSIGTERMSurviveARestart() throws {
        let directory = try TemporaryDirectory()
        var emulator = try start(directory)
        let login = try RawHTTPClient.send(
            port: emulator.port, "POST", "/api/login", headers: [("Content-Type", "application/json")], body: Self.login)
        #expect(login.status == 200)
        let cookies = login.headers.values("Set-Cookie").map { String($0.prefix { $0 != ";" }) }.joined(separator: "; ")
        #expect(emulator.stop() == 0)

        emulator = try start(directory)
        let status = try RawHTTPClient.send(port: emulator.port, "GET", "/api/login/status", headers: [("Cookie", cookies)])
        #expect(status.status == 200)
        #expect(status.text.contains(#""userName":"Administrator""#))
        #expect(emulator.stop() == 0)
    }

    @Test func theVirtualClockSurvivesARestart() throws {
        let directory = try TemporaryDirectory()
        var emulator = try start(directory)
        let frozen = try RawHTTPClient.send(
            port: emulator.port, "POST", "/_emulator/clock", headers: [("Content-Type", "application/json")],
            body: #"{"frozenAt":"2031-02-03T04:05:06Z"}"#)
        #expect(frozen.status == 200)
        #expect(emulator.stop() == 0)
        emulator = try start(directory)
        let clock = try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/clock")
        #expect(clock.text.contains(#""now":"2031-02-03T04:05:06Z""#))
        #expect(emulator.stop() == 0)
    }

    @Test func theBinaryAloneInAnEmptyDirectoryStartsAndMigrates() throws {
        let directory = try TemporaryDirectory()
        let copy = directory.url.appendingPathComponent("akana-emulator")
        try FileManager.default.copyItem(at: EmulatorProcess.binary, to: copy)
        let emulator = try EmulatorProcess(arguments: ["--port", "0"], directory: directory.url, binary: copy)
        try emulator.waitUntilListening()
        #expect(FileManager.default.fileExists(atPath: directory.path("akana-emulator.sqlite")))
        #expect(try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/health").status == 200)
        #expect(emulator.stop() == 0)
    }

    func migratedDatabase(_ directory: TemporaryDirectory) throws -> String {
        let path = directory.path("db.sqlite")
        let migrate = try EmulatorProcess(arguments: ["migrate", "--database", path], directory: directory.url)
        #expect(migrate.waitForExit() == 0)
        return path
    }

    @Test func aDatabaseWithAnUnknownMigrationIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try migratedDatabase(directory)
        let pool = try DatabasePool(path: path)
        try pool.write {
            try $0.run("INSERT INTO schema_migrations (name, checksum, applied_at) VALUES ('9999_future.sql', 'x', '2030-01-01T00:00:00Z')")
        }
        try pool.close()
        let emulator = try EmulatorProcess(arguments: ["--port", "0", "--database", path], directory: directory.url)
        #expect(emulator.waitForExit() != 0)
        #expect(emulator.readStderr().contains("9999_future.sql"))
    }

    @Test func aDatabaseWhoseAppliedMigrationChangedIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try migratedDatabase(directory)
        let pool = try DatabasePool(path: path)
        try pool.write { try $0.run("UPDATE schema_migrations SET checksum = 'edited'") }
        try pool.close()
        let emulator = try EmulatorProcess(arguments: ["--port", "0", "--database", path], directory: directory.url)
        #expect(emulator.waitForExit() != 0)
        #expect(emulator.readStderr().contains(AkanaSchema.migrations[0].name))
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x41, count: 8192).write(to: directory.url.appendingPathComponent("db.sqlite"))
        let emulator = try EmulatorProcess(arguments: ["--port", "0", "--database", directory.path("db.sqlite")], directory: directory.url)
        #expect(emulator.waitForExit() == 1)
        #expect(emulator.readStderr().contains("db.sqlite"))
    }

    @Test func migrateAndCheckCommands() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        let migrate = try EmulatorProcess(arguments: ["migrate", "--database", path], directory: directory.url)
        #expect(migrate.waitForExit() == 0)
        let output = String(decoding: migrate.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.contains("applied \(AkanaSchema.migrations[0].name)"))
        let check = try EmulatorProcess(arguments: ["check", "--database", path], directory: directory.url)
        #expect(check.waitForExit() == 0)
        let report = String(decoding: check.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(report.contains("integrity_check: ok"))
        #expect(report.contains("applied"))
        #expect(report.contains("sha256:\(AkanaSchema.migrations[0].checksum)"))
    }

    @Test func snapshotCommandsWorkOffline() throws {
        let directory = try TemporaryDirectory()
        let path = try migratedDatabase(directory)
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = try EmulatorProcess(arguments: ["snapshot"] + arguments + ["--database", path], directory: directory.url)
            let status = process.waitForExit()
            return (status, String(decoding: process.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        #expect(try run(["create", "base"]).0 == 0)
        let pool = try DatabasePool(path: path)
        try pool.write { try $0.run("INSERT INTO tenants (fedmemberid, created) VALUES ('later', '2030-01-01T00:00:00Z')") }
        try pool.close()
        #expect(try run(["list"]).1.hasPrefix("base\t"))
        #expect(try run(["restore", "base"]).0 == 0)
        let check = try DatabasePool(path: path)
        #expect(try check.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM tenants WHERE fedmemberid = 'later'")?.int("n") } == 0)
        try check.close()
        #expect(try run(["delete", "base"]).0 == 0)
        #expect(try run(["restore", "base"]).0 == 1)
    }

    @Test func configurationErrorsExitWithStatus2AndNameTheKey() throws {
        let directory = try TemporaryDirectory()
        let badPort = try EmulatorProcess(
            arguments: ["--port", "eighty", "--database", directory.path("db.sqlite")], directory: directory.url)
        #expect(badPort.waitForExit() == 2)
        #expect(badPort.readStderr().contains("port"))
        let badEnv = try EmulatorProcess(
            arguments: ["--port", "0"], directory: directory.url, environment: ["AKANA_EMULATOR_LIMITS_MAX_BODY_BYTES": "-1"])
        #expect(badEnv.waitForExit() == 2)
        #expect(badEnv.readStderr().contains("AKANA_EMULATOR_LIMITS_MAX_BODY_BYTES"))
    }

    @Test func nonLoopbackIsRefusedWhileDefaultPasswordsRemain() throws {
        let directory = try TemporaryDirectory()
        let exposed = try EmulatorProcess(
            arguments: ["--host", "0.0.0.0", "--port", "0", "--database", directory.path("db.sqlite")], directory: directory.url)
        #expect(exposed.waitForExit() == 1)
        #expect(exposed.readStderr().contains("administrator@acmepaymentscorp.com"))

        let config = directory.path("strong.json")
        try #"{"users": [{"email": "ops@acmepaymentscorp.com", "password": "correct horse battery staple", "roles": ["SiteAdmin"]}]}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        // Strong passwords but no admin token: still refused.
        let noToken = try EmulatorProcess(
            arguments: ["--host", "0.0.0.0", "--port", "0", "--config", config, "--database", directory.path("strong.sqlite")],
            directory: directory.url)
        #expect(noToken.waitForExit() == 1)
        #expect(noToken.readStderr().contains("adminToken"))
        let token = "s3cret-admin-token-for-tests"
        let strong = try EmulatorProcess(
            arguments: [
                "--host", "0.0.0.0", "--port", "0", "--config", config, "--database", directory.path("strong.sqlite"),
                "--log-level", "warning"
            ],
            directory: directory.url, environment: ["AKANA_EMULATOR_ADMIN_TOKEN": token])
        try strong.waitUntilListening()
        #expect(try RawHTTPClient.send(port: strong.port, "GET", "/_emulator/health").status == 401)
        #expect(
            try RawHTTPClient.send(port: strong.port, "GET", "/_emulator/health", headers: [("Authorization", "Bearer wrong")]).status
                == 401)
        #expect(
            try RawHTTPClient.send(port: strong.port, "GET", "/_emulator/health", headers: [("Authorization", "Bearer \(token)")]).status
                == 200)
        #expect(strong.stop() == 0)
    }
}
