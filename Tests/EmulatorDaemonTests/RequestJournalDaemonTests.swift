import AkanaDomain
import Foundation
import JSONCodec
import SQLiteStore
import TestSupport
import Testing

/// The request journal in the real binary: buffered entries are written on SIGTERM and read back
/// after a restart; `journal.maxEntries = 0` turns it off.
@Suite(.serialized) struct RequestJournalDaemonTests {
    func start(_ directory: TemporaryDirectory, environment: [String: String] = [:]) throws -> EmulatorProcess {
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("db.sqlite"), "--log-level", "warning"],
            directory: directory.url, environment: environment)
        try emulator.waitUntilListening()
        return emulator
    }

    func storedPaths(_ directory: TemporaryDirectory) throws -> [String] {
        let pool = try DatabasePool(path: directory.path("db.sqlite"))
        defer { try? pool.close() }
        return try pool.read { try $0.query("SELECT path FROM request_journal ORDER BY id").compactMap { try $0.string("path") } }
    }

    @Test func entriesBufferedAtSIGTERMSurviveARestart() throws {
        let directory = try TemporaryDirectory()
        var emulator = try start(directory)
        let created = try RawHTTPClient.send(
            port: emulator.port, "POST", "/api/apps",
            headers: try RawHTTPClient.logIn(port: emulator.port)
                + [("Content-Type", "application/json"), ("Accept", "text/plain")],
            body: #"{"Name":"journaled"}"#)
        #expect(created.status == 200)
        #expect(try RawHTTPClient.send(port: emulator.port, "GET", "/api/missing").status == 404)
        // Stopped at once: these entries are most likely still in the buffer (flushed 200 ms after
        // the first); the daemon writes them before it closes the database.
        #expect(emulator.stop(signal: SIGTERM) == 0)
        #expect(try storedPaths(directory) == ["/api/login", "/api/apps", "/api/missing"])

        emulator = try start(directory)
        let read = try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/requests?method=POST")
        #expect(read.status == 200)
        let entries = try JSONParser.parse(Array(read.text.utf8))["Request"]?.arrayValue ?? []
        #expect(entries.map { $0["path"]?.stringValue ?? "" } == ["/api/apps", "/api/login"])
        // The new app, its creator's team membership (a membership request) and its first version.
        #expect(entries.first?["changedIDs"]?.arrayValue?.first == .string(created.text))
        #expect(entries.first?["changedIDs"]?.arrayValue?.count == 3)
        #expect(entries.first?["changedIDs"]?.arrayValue?[1].stringValue?.hasPrefix("group_member_req-") == true)
        #expect(entries.first?["user"]?.stringValue?.hasSuffix(".acmepaymentscorp") == true)
        #expect(entries.first?["requestID"]?.stringValue?.isEmpty == false)
        #expect(emulator.stop() == 0)
    }

    @Test func maxEntriesZeroTurnsTheJournalOff() throws {
        let directory = try TemporaryDirectory()
        let emulator = try start(directory, environment: ["AKANA_EMULATOR_JOURNAL_MAX_ENTRIES": "0"])
        #expect(try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/health").status == 200)
        let read = try RawHTTPClient.send(port: emulator.port, "GET", "/_emulator/requests")
        #expect(read.text == #"{"Request":[]}"#)
        #expect(emulator.stop() == 0)
        #expect(try storedPaths(directory).isEmpty)
    }
}
