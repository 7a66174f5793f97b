import AkanaDomain
import Foundation
import JSONCodec
import SQLiteStore
import TestSupport
import Testing

@testable import EmulatorDaemon

/// The real binary: what startup checks when, and checkpoints across restarts and a SIGKILL.
@Suite(.serialized) struct StartupAndUndoDaemonTests {
    func start(_ directory: TemporaryDirectory) throws -> EmulatorProcess {
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("db.sqlite"), "--log-level", "warning"],
            directory: directory.url)
        try emulator.waitUntilListening()
        return emulator
    }

    func userVersion(_ path: String) throws -> Int64 {
        let pool = try DatabasePool(path: path, configuration: DatabaseConfiguration(readerCount: 1))
        defer { try? pool.close() }
        return try pool.read { try $0.queryFirst("PRAGMA user_version")?.int64(0) ?? -1 }
    }

    /// Overwrites the start of the root page of a table nothing reads at startup, and sets the marker.
    func damage(_ path: String, marker: Int32) throws {
        let pool = try DatabasePool(path: path, configuration: DatabaseConfiguration(readerCount: 1))
        let root = try pool.read {
            try $0.queryFirst("SELECT rootpage FROM sqlite_master WHERE name = 'model_version_references'")?.int("rootpage") ?? 0
        }
        let pageSize = try pool.read { try $0.queryFirst("PRAGMA page_size")?.int(0) ?? 0 }
        try pool.writeWithoutTransaction { try $0.execute("PRAGMA user_version = \(marker)") }
        try pool.close()
        #expect(root > 1 && pageSize > 0)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        handle.write(Data(repeating: 0x77, count: 16))
        try handle.close()
    }

    @Test func aCleanStopLeavesTheMarkerAndOnlyAnUncleanOneMakesStartupCheck() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        let first = try start(directory)
        #expect(try userVersion(path) == 0)  // open: no marker
        #expect(first.stop(signal: SIGTERM) == 0)
        #expect(try userVersion(path) == Int64(DatabaseBootstrap.cleanShutdownMarker))

        // Closed cleanly: startup does not read the whole file (the damage goes unnoticed there;
        // health says the check was skipped; `check` finds it).
        try damage(path, marker: DatabaseBootstrap.cleanShutdownMarker)
        let unchecked = try start(directory)
        #expect(
            try RawHTTPClient.send(port: unchecked.port, "GET", "/_emulator/health").text.contains(#""integrityCheck":{"state":"skipped""#))
        #expect(unchecked.stop(signal: SIGTERM) == 0)
        let check = try EmulatorProcess(arguments: ["check", "--database", path], directory: directory.url)
        #expect(check.waitForExit() == 1)

        // Not closed cleanly (a crash, SIGKILL, a file from elsewhere): the commands run the quick
        // check first and refuse the file, saying what to do ...
        try damage(path, marker: 0)
        let refused = try EmulatorProcess(arguments: ["migrate", "--database", path], directory: directory.url)
        #expect(refused.waitForExit() == 1)
        let message = refused.readStderr()
        #expect(message.contains("is damaged") && message.contains("quick_check") && message.contains("akana-emulator check"))
        // ... and the daemon starts at once and runs it in the background: health reports the damage.
        let serving = try start(directory)
        var health = ""
        try waitUntil(timeout: 30, interval: 0.05) {  // the background check ends
            health = try RawHTTPClient.send(port: serving.port, "GET", "/_emulator/health").text
            return !health.contains(#""state":"checking""#)
        }
        #expect(health.contains(#""status":"damaged""#))
        #expect(health.contains(#""integrityCheck":{"state":"damaged""#) && health.contains("akana-emulator check"))
        #expect(serving.stop(signal: SIGTERM) == 0)
    }

    @Test func afterAnUncleanStopAHealthyDatabaseIsCheckedInTheBackground() throws {
        let directory = try TemporaryDirectory()
        let emulator = try start(directory)
        kill(emulator.process.processIdentifier, SIGKILL)
        emulator.process.waitUntilExit()
        #expect(try userVersion(directory.path("db.sqlite")) == 0)
        let restarted = try start(directory)
        var health = ""
        try waitUntil(timeout: 30, interval: 0.05) {  // the background check ends
            health = try RawHTTPClient.send(port: restarted.port, "GET", "/_emulator/health").text
            return !health.contains(#""state":"checking""#)
        }
        #expect(health.contains(#""status":"ok""#) && health.contains(#""integrityCheck":{"state":"ok"}"#))
        #expect(restarted.stop(signal: SIGTERM) == 0)
    }

    @Test func checkpointsSurviveARestartAndASigkill() throws {
        let directory = try TemporaryDirectory()
        var emulator = try start(directory)
        let session = try RawHTTPClient.logIn(port: emulator.port)
        func createApp(_ name: String) throws -> String {
            let response = try RawHTTPClient.send(
                port: emulator.port, "POST", "/api/apps",
                headers: session + [("Content-Type", "application/json"), ("Accept", "text/plain")],
                body: #"{"Name":"\#(name)"}"#)
            #expect(response.status == 200)
            return response.text
        }
        let kept = try createApp("kept")
        let created = try RawHTTPClient.send(port: emulator.port, "POST", "/_emulator/checkpoints")
        #expect(created.status == 201)
        let id = try #require(try JSONParser.parse(Array(created.text.utf8))["id"]?.stringValue)
        let beforeRestart = try createApp("before restart")
        #expect(emulator.stop(signal: SIGTERM) == 0)

        emulator = try start(directory)
        let afterRestart = try createApp("after restart")
        kill(emulator.process.processIdentifier, SIGKILL)
        emulator.process.waitUntilExit()

        emulator = try start(directory)
        let listed = try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/checkpoints")
        #expect(listed.text.contains(id))
        let rolledBack = try RawHTTPClient.send(port: emulator.port, "POST", "/_emulator/checkpoints/\(id)/rollback")
        #expect(rolledBack.status == 200)
        for (app, status) in [(kept, 200), (beforeRestart, 404), (afterRestart, 404)] {
            #expect(try RawHTTPClient.send(port: emulator.port, "GET", "/api/apps/\(app)", headers: session).status == status)
        }
        #expect(emulator.stop(signal: SIGTERM) == 0)
    }
}
