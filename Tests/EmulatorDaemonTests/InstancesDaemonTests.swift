import Foundation
import TestSupport
import Testing

/// `POST /_emulator/instances`: isolated emulators inside the running daemon, each with its own
/// database file and loopback listener, seeded as a fresh start.
@Suite(.serialized) struct InstancesDaemonTests {
    func start(_ directory: TemporaryDirectory, environment: [String: String] = [:]) throws -> EmulatorProcess {
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("db.sqlite"), "--log-level", "warning"],
            directory: directory.url, environment: environment)
        try emulator.waitUntilListening()
        return emulator
    }

    struct Instance {
        var id: String
        var port: Int
        var database: String
    }

    func field(_ name: String, _ body: String) -> String {
        guard let range = body.range(of: "\"\(name)\":\"") else { return "" }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }

    func create(_ port: Int) throws -> Instance {
        let created = try RawHTTPClient.send(port: port, "POST", "/_emulator/instances", headers: [("Accept", "application/json")])
        #expect(created.status == 201, "\(created.text)")
        let url = field("url", created.text)
        #expect(url.hasPrefix("http://127.0.0.1:"))
        return Instance(
            id: field("id", created.text), port: Int(url.split(separator: ":").last ?? "") ?? 0, database: field("database", created.text))
    }

    func createApp(_ port: Int, _ name: String) throws -> String {
        let headers = try RawHTTPClient.logIn(port: port)
        let created = try RawHTTPClient.send(
            port: port, "POST", "/api/apps", headers: headers + [("Content-Type", "application/json"), ("Accept", "text/plain")],
            body: #"{"Name":"\#(name)"}"#)
        #expect(created.status == 200, "\(created.text)")
        return created.text
    }

    func appNames(_ port: Int) throws -> String {
        let headers = try RawHTTPClient.logIn(port: port)
        return try RawHTTPClient.send(port: port, "GET", "/api/search?q=type:app", headers: headers.filter { $0.0 == "Cookie" }).text
    }

    @Test func instancesAreIsolatedSeededAsAFreshStartAndGoAway() throws {
        let directory = try TemporaryDirectory()
        let seeded = ["AKANA_EMULATOR_DETERMINISTIC_IDS": "true", "AKANA_EMULATOR_DETERMINISTIC_SEED": "4711"]
        let emulator = try start(directory, environment: seeded)
        let first = try create(emulator.port)
        let second = try create(emulator.port)
        #expect(first.id != second.id && first.port != second.port && first.port != emulator.port)
        #expect(FileManager.default.fileExists(atPath: first.database))
        #expect(first.database.hasPrefix(directory.path("db.sqlite.instances/")))

        // Same seeded accounts, cookie names and tenant; seeded as a fresh start from the same
        // position: the same requests mint the same deterministic ids in each.
        let inFirst = try createApp(first.port, "Only in the first")
        #expect(try createApp(second.port, "Only in the second") == inFirst)
        // Their own data.
        #expect(try appNames(first.port).contains("Only in the first"))
        #expect(try !appNames(second.port).contains("Only in the first"))
        #expect(try !appNames(emulator.port).contains("Only in the first"))

        // Their own /_emulator/ machinery: a checkpoint in one is not in the other.
        let checkpoint = try RawHTTPClient.send(port: first.port, "POST", "/_emulator/checkpoints")
        #expect(checkpoint.status == 201)
        let secondCheckpoints = try RawHTTPClient.send(
            port: second.port, "GET", "/_emulator/checkpoints", headers: [("Accept", "application/json")])
        #expect(!secondCheckpoints.text.contains(field("id", checkpoint.text)))
        // Instances are the main listener's: an instance has none of its own.
        #expect(try RawHTTPClient.send(port: first.port, "POST", "/_emulator/instances").status == 404)

        let listed = try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/instances", headers: [("Accept", "application/json")])
        #expect(listed.text.contains(first.id) && listed.text.contains(second.id))
        // The main listener's state browser lists them, each linked to its own state browser, and an
        // instance's overview has its own checkpoint and no instances of its own (issue 30 part 6).
        let overview = try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/ui").text
        #expect(overview.contains(first.id) && overview.contains("href=\"http://127.0.0.1:\(second.port)/_emulator/ui\""), "\(overview)")
        let instanceOverview = try RawHTTPClient.send(port: first.port, "GET", "/_emulator/ui").text
        #expect(instanceOverview.contains("/_emulator/ui/checkpoints/\(field("id", checkpoint.text))/diff"))
        #expect(instanceOverview.contains("None here: instances are made through the daemon"))

        // Deleting one closes its listener and removes its file.
        #expect(try RawHTTPClient.send(port: emulator.port, "DELETE", "/_emulator/instances/\(first.id)").status == 204)
        #expect(try RawHTTPClient.send(port: emulator.port, "DELETE", "/_emulator/instances/\(first.id)").status == 404)
        #expect(!FileManager.default.fileExists(atPath: first.database))
        #expect(throws: (any Error).self) { try RawHTTPClient.send(port: first.port, "GET", "/_emulator/health") }
        #expect(try RawHTTPClient.send(port: second.port, "GET", "/_emulator/health").status == 200)

        // A clean stop takes the rest with it.
        #expect(emulator.stop(signal: SIGTERM) == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.path("db.sqlite.instances")))
    }

    @Test func theBoundIsA503AndIdleInstancesAreRemoved() throws {
        let directory = try TemporaryDirectory()
        let emulator = try start(
            directory, environment: ["AKANA_EMULATOR_INSTANCES_MAX": "1", "AKANA_EMULATOR_INSTANCES_IDLE_MINUTES": "0.01"])
        let only = try create(emulator.port)
        let refused = try RawHTTPClient.send(port: emulator.port, "POST", "/_emulator/instances", headers: [("Accept", "application/json")])
        #expect(refused.status == 503)
        #expect(refused.text.contains("instances.max"))
        // Idle for 0.6 s: the sweeper removes it (polled: the event is the listing going empty).
        let deadline = Date().addingTimeInterval(20)
        var listed = ""
        repeat {
            listed = try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/instances", headers: [("Accept", "application/json")])
                .text
        } while listed.contains(only.id) && Date() < deadline
        #expect(!listed.contains(only.id))
        #expect(!FileManager.default.fileExists(atPath: only.database))
        // And the room it took is free again.
        _ = try create(emulator.port)
        #expect(emulator.stop(signal: SIGTERM) == 0)
    }
}
