import Foundation
import TestSupport
import Testing

/// The real binary with fixtures (Config/fixtures in its working directory) and deterministic ids.
@Suite(.serialized) struct FixturesAndDeterministicDaemonTests {
    static let login = #"{"email":"administrator@acmepaymentscorp.com","password":"password"}"#

    func start(
        _ directory: TemporaryDirectory, database: String = "db.sqlite", environment: [String: String] = [:],
        extra: [String] = []
    ) throws -> EmulatorProcess {
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path(database), "--log-level", "warning"] + extra,
            directory: directory.url, environment: environment)
        try emulator.waitUntilListening()
        return emulator
    }

    struct Session {
        var cookie: String
        var csrf: String
    }

    func logIn(_ port: Int) throws -> Session {
        let login = try RawHTTPClient.send(
            port: port, "POST", "/api/login", headers: [("Content-Type", "application/json")], body: Self.login)
        #expect(login.status == 200)
        let cookies = login.headers.values("Set-Cookie").map { String($0.prefix { $0 != ";" }) }
        let csrf = cookies.first { $0.hasPrefix("Csrf-Token_") }.map { String($0.drop { $0 != "=" }.dropFirst()) } ?? ""
        return Session(cookie: cookies.joined(separator: "; "), csrf: csrf)
    }

    /// Creates an app; returns its AppID, AppVersionID and shared secret.
    func createApp(_ port: Int, _ session: Session, _ name: String) throws -> [String] {
        let created = try RawHTTPClient.send(
            port: port, "POST", "/api/apps",
            headers: [
                ("Cookie", session.cookie), ("X-Csrf-Token_acmepaymentscorp", session.csrf), ("Content-Type", "application/json"),
                ("Accept", "application/json")
            ],
            body: #"{"Name":"\#(name)"}"#)
        #expect(created.status == 200)
        func field(_ name: String, _ body: String) -> String {
            guard let range = body.range(of: "\"\(name)\":\"") else { return "" }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
        let versionID = field("DefaultVersionID", created.text)
        let secret = try RawHTTPClient.send(
            port: port, "GET", "/api/apps/versions/\(versionID)/secret",
            headers: [("Cookie", session.cookie), ("Accept", "text/plain")])
        return [field("AppID", created.text), versionID, secret.text]
    }

    @Test func twoFreshDaemonsWithTheSameSeedAgreeAndASIGKILLedOneContinuesItsSequence() throws {
        let directory = try TemporaryDirectory()
        let seeded = ["AKANA_EMULATOR_DETERMINISTIC_IDS": "true", "AKANA_EMULATOR_DETERMINISTIC_SEED": "4711"]
        // Daemon A: two apps, SIGKILL, restart, two more.
        var first = try start(directory, database: "a.sqlite", environment: seeded)
        var session = try logIn(first.port)
        var restarted = try createApp(first.port, session, "One") + createApp(first.port, session, "Two")
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        first = try start(directory, database: "a.sqlite", environment: seeded)
        session = try logIn(first.port)
        restarted += try createApp(first.port, session, "Three") + createApp(first.port, session, "Four")
        #expect(first.stop() == 0)
        // Daemon B, fresh, same seed, the same requests without a restart.
        let second = try start(directory, database: "b.sqlite", environment: seeded)
        session = try logIn(second.port)
        var straight = try createApp(second.port, session, "One") + createApp(second.port, session, "Two")
        session = try logIn(second.port)
        straight += try createApp(second.port, session, "Three") + createApp(second.port, session, "Four")
        #expect(second.stop() == 0)
        #expect(restarted == straight)
        #expect(Set(restarted).count == 12)
        #expect(restarted.allSatisfy { !$0.isEmpty })
        // Another seed, other ids; and without deterministicIds, random ones.
        let other = try start(
            directory, database: "c.sqlite",
            environment: ["AKANA_EMULATOR_DETERMINISTIC_IDS": "true", "AKANA_EMULATOR_DETERMINISTIC_SEED": "4712"])
        let otherApp = try createApp(other.port, try logIn(other.port), "One")
        #expect(other.stop() == 0)
        #expect(otherApp[0] != straight[0] && otherApp[1] != straight[1] && otherApp[2] != straight[2])
    }

    @Test func deterministicIdsAreRefusedBeyondLoopback() throws {
        let directory = try TemporaryDirectory()
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--host", "0.0.0.0", "--database", directory.path("db.sqlite")], directory: directory.url,
            environment: ["AKANA_EMULATOR_DETERMINISTIC_IDS": "true", "AKANA_EMULATOR_ADMIN_TOKEN": "0123456789abcdef0123"])
        #expect(emulator.waitForExit() == 1)
        #expect(emulator.readStderr().contains("deterministicIds"))
    }

    @Test func fixturesInTheWorkingDirectoryAreLoadedOnceAndBadOnesStopTheStart() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path("Config/fixtures"), withIntermediateDirectories: true)
        try """
        // one app with a chosen id
        {"apps": [{"AppID": "fixture-app.acmepaymentscorp", "Name": "From a file", "Team": ["jane@acmepaymentscorp.com"]}]}
        """.write(toFile: directory.path("Config/fixtures/app.json"), atomically: true, encoding: .utf8)
        var emulator = try start(directory)
        var session = try logIn(emulator.port)
        let read = try RawHTTPClient.send(
            port: emulator.port, "GET", "/api/apps/fixture-app.acmepaymentscorp", headers: [("Cookie", session.cookie)])
        #expect(read.status == 200)
        #expect(read.text.contains("From a file"))
        // Renamed through the API, then a restart: the fixture leaves the existing app as it is.
        let renamed = try RawHTTPClient.send(
            port: emulator.port, "PUT", "/api/apps/fixture-app.acmepaymentscorp",
            headers: [("Cookie", session.cookie), ("X-Csrf-Token_acmepaymentscorp", session.csrf), ("Content-Type", "application/json")],
            body: #"{"Name":"Renamed"}"#)
        #expect(renamed.status == 200)
        #expect(emulator.stop() == 0)
        emulator = try start(directory)
        session = try logIn(emulator.port)
        #expect(
            try RawHTTPClient.send(
                port: emulator.port, "GET", "/api/apps/fixture-app.acmepaymentscorp", headers: [("Cookie", session.cookie)]
            ).text.contains("Renamed"))
        // A reset puts the fixture's version back.
        #expect(try RawHTTPClient.send(port: emulator.port, "POST", "/_emulator/reset").status == 200)
        session = try logIn(emulator.port)
        #expect(
            try RawHTTPClient.send(
                port: emulator.port, "GET", "/api/apps/fixture-app.acmepaymentscorp", headers: [("Cookie", session.cookie)]
            ).text.contains("From a file"))
        #expect(emulator.stop() == 0)

        // A broken file: the daemon does not start, and says which element is wrong.
        try #"{"apps": [{"Name": "No team", "Team": ["nobody@acmepaymentscorp.com"]}]}"#
            .write(toFile: directory.path("Config/fixtures/broken.json"), atomically: true, encoding: .utf8)
        let refused = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("db.sqlite")], directory: directory.url)
        #expect(refused.waitForExit() == 1)
        #expect(refused.readStderr().contains("Config/fixtures/broken.json: apps[0]: Team[0]: no user nobody@acmepaymentscorp.com"))
        // An explicitly configured directory must exist.
        let missing = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("db.sqlite")], directory: directory.url,
            environment: ["AKANA_EMULATOR_FIXTURES": directory.path("nowhere")])
        #expect(missing.waitForExit() == 1)
        #expect(missing.readStderr().contains("is not a directory"))
    }
}
