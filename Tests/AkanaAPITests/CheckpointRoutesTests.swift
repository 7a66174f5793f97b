import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import SQLiteStore
import Testing

@testable import AkanaAPI

@Suite struct CheckpointRoutesTests {
    let app: TestApp
    let admin: TestApp.Session
    init() throws {
        app = try TestApp(deterministicSeed: "checkpoints")
        admin = try app.login()
    }

    func write(_ method: HTTPMethod, _ target: String, _ body: String = "", accept: String = "*/*") throws -> HTTPResponse {
        try app.send(method, target, headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": accept]), body: body)
    }

    func createApp(_ name: String, identity: String? = nil) throws -> String {
        let version = identity.map { #","ApplicationVersion":{"Name":"1.0","Visibility":"Public","Identity":"\#($0)"}"# } ?? ""
        let response = try write(.post, "/api/apps", #"{"Name":"\#(name)"\#(version)}"#, accept: "text/plain")
        #expect(response.status == .ok, "\(response.text)")
        return response.text
    }

    func checkpoint() throws -> String {
        let response = try app.send(.post, "/_emulator/checkpoints")
        #expect(response.status == .created)
        #expect(response.headers.values("Content-Type").first?.hasPrefix("application/json") == true)
        return try response.json()["id"]?.stringValue ?? ""
    }

    /// Every row of every table a rollback restores (all but the request journal and the undo
    /// bookkeeping), with rowids, plus the AUTOINCREMENT counters: equal dumps are equal states.
    func dump() throws -> [String: [[SQLiteValue]]] {
        try app.pool.read { db in
            var result: [String: [[SQLiteValue]]] = [:]
            let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .compactMap { try $0.string("name") }.filter { !UndoLog.untracked.contains($0) }
            #expect(tables.contains("apps") && tables.contains("sessions") && tables.contains("emulator_state"))
            for table in tables {
                result[table] = try db.query("SELECT rowid AS _rowid, * FROM \"\(table)\" ORDER BY rowid").map(\.values)
            }
            result["sqlite_sequence"] = try db.query(
                "SELECT name, seq FROM sqlite_sequence WHERE name NOT IN ('undo_log', 'request_journal') ORDER BY name"
            ).map(\.values)
            return result
        }
    }

    /// The tables in which two dumps differ (for failure messages).
    func differences(_ a: [String: [[SQLiteValue]]], _ b: [String: [[SQLiteValue]]]) -> [String] {
        Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }.map {
            "\($0): \(a[$0]?.count ?? 0) vs \(b[$0]?.count ?? 0) rows \(Set(a[$0] ?? []).symmetricDifference(Set(b[$0] ?? [])).prefix(3))"
        }
    }

    @Test func rollbackUndoesExactlyTheChangesSinceTheCheckpoint() throws {
        let kept = try createApp("Kept")
        #expect(
            try app.send(
                .post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: #"{"frozenAt": "2027-01-15T08:00:00Z"}"#
            ).status == .ok)
        let id = try checkpoint()
        // The state the checkpoint marks: after its id was minted (the deterministic id counter moved).
        let before = try dump()
        // Inserts, updates, deletes, cascades, a login (a session row), a workflow action, the clock.
        let extra = try createApp("Extra", identity: "chosen-identity")
        let versionID =
            try app.send(.get, "/api/apps/\(kept)", headers: TestApp.headers(admin, ["Accept": "application/json"])).json()[
                "DefaultVersionID"]?.stringValue ?? ""
        #expect(try write(.put, "/api/apps/versions/\(versionID)", #"{"Name":"2.0","Identity":"renamed"}"#, accept: "*/*").status == .ok)
        #expect(try write(.post, "/api/apps/versions/\(versionID)/action", #"{"ActionName":"@RegeneratedSecret"}"#).status == .ok)
        #expect(try write(.delete, "/api/apps/\(kept)").status == .ok)
        let jane = try app.login(TestApp.jane)
        #expect(
            try app.send(.post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: #"{"advanceSeconds": 60}"#).status
                == .ok)
        #expect(try dump() != before)
        let listed = try app.send(.get, "/_emulator/checkpoints").json()["Checkpoint"]?.arrayValue ?? []
        #expect(listed.map { $0["id"]?.stringValue } == [id])
        let pending = listed.first?["changesSince"]?.intValue ?? 0
        #expect(pending > 5)

        let rolledBack = try app.send(.post, "/_emulator/checkpoints/\(id)/rollback")
        #expect(rolledBack.status == .ok)
        #expect(try rolledBack.json()["changesUndone"]?.intValue == pending)
        #expect(differences(try dump(), before) == [])
        // The in-memory views follow: the clock is back, the session made since is gone, the
        // admin's (made before) still works, the app deleted since is back, the new one is gone.
        #expect(try app.send(.get, "/_emulator/clock").json()["now"]?.stringValue == "2027-01-15T08:00:00Z")
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": jane.cookieHeader]).status == .unauthorized)
        #expect(try app.send(.get, "/api/apps/\(kept)", headers: TestApp.headers(admin)).status == .ok)
        #expect(try app.send(.get, "/api/apps/\(extra)", headers: TestApp.headers(admin)).status == .notFound)
        // The request journal is not undone.
        let journal = try app.send(.get, "/_emulator/requests?limit=200").json()["Request"]?.arrayValue ?? []
        #expect(journal.contains { $0["path"]?.stringValue == "/api/apps/\(kept)" && $0["method"]?.stringValue == "DELETE" })
        // The deterministic id sequence went back too: the same request mints the same id again.
        #expect(try createApp("Extra", identity: "chosen-identity") == extra)
    }

    @Test func checkpointsCanBeRolledBackRepeatedlyAndLaterOnesAreDropped() throws {
        let first = try checkpoint()
        let atFirst = try dump()
        _ = try createApp("One")
        let second = try checkpoint()
        let atSecond = try dump()
        _ = try createApp("Two")
        #expect(try app.send(.post, "/_emulator/checkpoints/\(second)/rollback").status == .ok)
        #expect(differences(try dump(), atSecond) == [])
        // Recording goes on after a rollback: a second round is undone as well.
        _ = try createApp("Three")
        #expect(try app.send(.post, "/_emulator/checkpoints/\(second)/rollback").json()["changesUndone"]?.intValue ?? 0 > 0)
        #expect(differences(try dump(), atSecond) == [])
        #expect(try app.send(.post, "/_emulator/checkpoints/\(first)/rollback").status == .ok)
        #expect(differences(try dump(), atFirst) == [])
        // The second checkpoint was made after the first: it is gone now.
        let listed = try app.send(.get, "/_emulator/checkpoints").json()["Checkpoint"]?.arrayValue ?? []
        #expect(listed.map { $0["id"]?.stringValue } == [first])
        let gone = try app.send(.post, "/_emulator/checkpoints/\(second)/rollback")
        #expect(gone.status == .notFound)
    }

    @Test func deletingTheLastCheckpointStopsRecordingAndEmptiesTheLog() throws {
        let id = try checkpoint()
        _ = try createApp("Logged")
        #expect(try app.pool.read { try $0.queryFirst("SELECT count(*) AS n FROM undo_log")?.int("n") } ?? 0 > 0)
        #expect(try app.send(.delete, "/_emulator/checkpoints/\(id)").status == .noContent)
        #expect(try app.pool.read { try $0.queryFirst("SELECT count(*) AS n FROM undo_log")?.int("n") } == 0)
        _ = try createApp("Not logged")
        #expect(try app.pool.read { try $0.queryFirst("SELECT count(*) AS n FROM undo_log")?.int("n") } == 0)
        #expect(try app.pool.read { try $0.queryFirst("SELECT recording FROM undo_state WHERE id = 1")?.int("recording") } == 0)
    }

    @Test func unknownCheckpointsAreFaults() throws {
        for (method, target) in [(HTTPMethod.post, "/_emulator/checkpoints/cp-nope/rollback"), (.delete, "/_emulator/checkpoints/cp-nope")]
        {
            let response = try app.send(method, target, headers: ["Accept": "application/json"])
            #expect(response.status == .notFound)
            let fault = try response.json()
            #expect(fault["faultcode"]?.stringValue == "Client")
            #expect(fault["faultstring"]?.stringValue == "Checkpoint cp-nope was not found.")
        }
        let id = try checkpoint()
        #expect(try app.send(.delete, "/_emulator/checkpoints/\(id)").status == .noContent)
        #expect(try app.send(.delete, "/_emulator/checkpoints/\(id)").status == .notFound)
    }

    @Test func snapshotRestoreRollsBackWhileItCanAndCopiesOtherwise() throws {
        _ = try createApp("Before")
        #expect(
            try app.send(.post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"s"}"#).status
                == .created)
        let atSnapshot = try dump()
        _ = try createApp("After")
        let fast = try app.send(.post, "/_emulator/snapshots/s/restore")
        #expect(try fast.json()["method"]?.stringValue == "rollback")
        #expect(differences(try dump(), atSnapshot) == [])
        // A full reset replaces the database: the mark is gone, the file is copied back.
        #expect(try app.send(.post, "/_emulator/reset").status == .ok)
        #expect(try dump() != atSnapshot)
        let copied = try app.send(.post, "/_emulator/snapshots/s/restore")
        #expect(try copied.json()["method"]?.stringValue == "copy")
        var restored = try dump()
        var expected = atSnapshot
        // The admin's session was made before the snapshot; the reset and the restores changed only the journal and this.
        restored["emulator_state"] = nil
        expected["emulator_state"] = nil
        #expect(differences(restored, expected) == [])
        // ... and the copy set the mark again: the next restore rolls back.
        _ = try createApp("After again")
        #expect(try app.send(.post, "/_emulator/snapshots/s/restore").json()["method"]?.stringValue == "rollback")
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .ok)
    }

    @Test func aFullResetKeepsTheJournalAndTheEmulatorState() throws {
        _ = try createApp("Gone after reset")
        let state = try app.pool.read { try $0.query("SELECT key, value FROM emulator_state ORDER BY key").map(\.values) }
        let journalBefore = try app.pool.read { try $0.queryFirst("SELECT count(*) AS n FROM request_journal")?.int("n") } ?? 0
        #expect(try app.send(.post, "/_emulator/reset").status == .ok)
        app.environment.journal.flush()
        #expect(try app.pool.read { try $0.queryFirst("SELECT count(*) AS n FROM apps")?.int("n") } == 0)
        #expect(try app.pool.read { try $0.queryFirst("SELECT count(*) AS n FROM sessions")?.int("n") } == 0)
        #expect(try app.pool.read { try $0.queryFirst("SELECT count(*) AS n FROM request_journal")?.int("n") } ?? 0 > journalBefore)
        let after = try app.pool.read { try $0.query("SELECT key, value FROM emulator_state ORDER BY key").map(\.values) }
        #expect(
            after.filter { $0.first != .text(DeterministicRandom.counterStateKey) }
                == state.filter { $0.first != .text(DeterministicRandom.counterStateKey) })
        #expect(try app.login().csrf.isEmpty == false)
    }

    // Checkpoint ids come from the configured generator: the same deterministicIds seed gives the
    // same ids (they were UInt64.random).
    @Test func checkpointIdsFollowTheDeterministicSeed() throws {
        let other = try TestApp(deterministicSeed: "checkpoints")
        _ = try other.login()
        let mine = try checkpoint()
        let response = try other.send(.post, "/_emulator/checkpoints")
        #expect(response.status == .created)
        let theirs = try response.json()["id"]?.stringValue
        #expect(theirs == mine)
        #expect(mine.hasPrefix("cp-") && mine.count == 35 && mine.dropFirst(3).allSatisfy(\.isHexDigit))
    }
}
