import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import SQLiteStore
import Testing

@testable import AkanaAPI

/// Long runs stay flat: snapshot files hold the state, not the undo log, and the undo log is
/// bounded by `undo.maxEntries` (the oldest marks are released past it).
@Suite struct UndoLogCapTests {
    /// An emulator with an undo log capped at `maxEntries` rows, and the helpers the tests share.
    struct Harness {
        let app: TestApp
        let admin: TestApp.Session

        init(maxEntries: Int = UndoLog.Policy.defaultMaxEntries, deleteBatch: Int = 1_000) throws {
            app = try TestApp(deterministicSeed: "undo-cap", undo: UndoLog.Policy(maxEntries: maxEntries, deleteBatch: deleteBatch))
            admin = try app.login()
        }

        func createApp(_ name: String) throws -> String {
            let response = try app.send(
                .post, "/api/apps", headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
                body: #"{"Name":"\#(name)"}"#)
            #expect(response.status == .ok, "\(response.text)")
            return response.text
        }

        func checkpoint() throws -> String {
            let response = try app.send(.post, "/_emulator/checkpoints")
            #expect(response.status == .created)
            return try response.json()["id"]?.stringValue ?? ""
        }

        func snapshot(_ name: String) throws {
            let response = try app.send(
                .post, "/_emulator/snapshots", headers: ["Content-Type": "application/json"], body: #"{"name":"\#(name)"}"#)
            #expect(response.status == .created, "\(response.text)")
        }

        func restore(_ name: String) throws -> String? {
            let response = try app.send(.post, "/_emulator/snapshots/\(name)/restore")
            #expect(response.status == .ok, "\(response.text)")
            return try response.json()["method"]?.stringValue
        }

        func count(_ sql: String, in pool: DatabasePool? = nil) throws -> Int {
            try (pool ?? app.pool).read { try $0.queryFirst(sql)?.int("n") } ?? -1
        }

        /// The rows `undo_log` holds, and the count `undo_state` keeps of them.
        func logRows() throws -> (rows: Int, counted: Int) {
            try app.pool.read { db in
                (
                    try db.queryFirst("SELECT count(*) AS n FROM undo_log")?.int("n") ?? -1,
                    try db.queryFirst("SELECT entries AS n FROM undo_state WHERE id = 1")?.int("n") ?? -1
                )
            }
        }

        /// Every row of the tables a rollback or a restore puts back (not the journal, the undo
        /// bookkeeping or the emulator's own state): equal dumps are equal states.
        func dump() throws -> [String: [[SQLiteValue]]] {
            try app.pool.read { db in
                var result: [String: [[SQLiteValue]]] = [:]
                let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                    .compactMap { try $0.string("name") }.filter { !UndoLog.untracked.contains($0) && $0 != "emulator_state" }
                for table in tables {
                    result[table] = try db.query("SELECT rowid AS _rowid, * FROM \"\(table)\" ORDER BY rowid").map(\.values)
                }
                return result
            }
        }

        /// Opens a copy of the snapshot file (opening the file itself would change its stamp).
        func withSnapshotFile<T>(_ name: String, _ body: (DatabasePool) throws -> T) throws -> T {
            let copy = app.directory.appendingPathComponent("inspect-\(UUID().uuidString).sqlite").path
            try FileManager.default.copyItem(atPath: app.pool.path + ".snapshots/\(name).sqlite", toPath: copy)
            let pool = try DatabasePool(path: copy, configuration: DatabaseConfiguration(readerCount: 1))
            defer { try? pool.close() }
            return try body(pool)
        }

    }

    @Test func aSnapshotFileHoldsTheStateNotTheUndoLog() throws {
        let test = try Harness()
        // A checkpoint keeps the log recording; many changes fill it before the snapshot is taken.
        let kept = try test.checkpoint()
        for index in 0..<40 { _ = try test.createApp("Logged \(index)") }
        #expect(try test.logRows().rows > 100)
        try test.snapshot("s")
        let atSnapshot = try test.dump()
        let apps = try test.count("SELECT count(*) AS n FROM apps")
        try test.withSnapshotFile("s") { (file: DatabasePool) throws -> Void in
            #expect(try test.count("SELECT count(*) AS n FROM undo_log", in: file) == 0)
            #expect(try test.count("SELECT count(*) AS n FROM undo_marks", in: file) == 0)
            #expect(try test.count("SELECT count(*) AS n FROM undo_mark_sequences", in: file) == 0)
            #expect(try test.count("SELECT recording AS n FROM undo_state WHERE id = 1", in: file) == 0)
            #expect(try test.count("SELECT count(*) AS n FROM apps", in: file) == apps)
            #expect(try test.count("SELECT count(*) AS n FROM request_journal", in: file) == 0)  // a restore keeps the current one
            #expect(try file.read { try $0.queryFirst("SELECT freelist_count AS n FROM pragma_freelist_count")?.int("n") } == 0)
        }
        // The fast path still works: the live log leads back to the snapshot's mark.
        _ = try test.createApp("After")
        #expect(try test.restore("s") == "rollback")
        #expect(try test.dump() == atSnapshot)
        // And the file itself restores the same state (a reset drops the mark: the file is copied).
        #expect(try test.app.send(.post, "/_emulator/reset").status == .ok)
        #expect(try test.restore("s") == "copy")
        #expect(try test.dump() == atSnapshot)
        // The copy brought no log and no checkpoint along; the snapshot's mark is set again.
        #expect(try test.logRows() == (0, 0))
        #expect(try test.app.send(.post, "/_emulator/checkpoints/\(kept)/rollback").status == .notFound)
        _ = try test.createApp("After the copy")
        #expect(try test.restore("s") == "rollback")
        #expect(try test.dump() == atSnapshot)
    }

    @Test func theUndoLogStaysWithinItsCapAndKeepsItsCount() throws {
        let cap = 100
        let test = try Harness(maxEntries: cap, deleteBatch: 40)
        var checkpoints: [(id: String, state: [String: [[SQLiteValue]]])] = []
        var largest = 0
        for index in 0..<100 {
            if index % 4 == 0 { checkpoints.append((try test.checkpoint(), try test.dump())) }
            _ = try test.createApp("App \(index)")
            let (rows, counted) = try test.logRows()
            #expect(rows == counted, "undo_state.entries must count undo_log exactly")
            largest = max(largest, rows)
        }
        // Bounded by the cap plus what one commit wrote and the garbage of one release (at most
        // deleteBatch rows go per commit), never by the number of writes.
        let written = try test.count("SELECT seq AS n FROM sqlite_sequence WHERE name = 'undo_log'")
        #expect(written > 4 * cap)  // about 5 rows per app created
        #expect(largest <= 2 * cap, "the log held \(largest) rows with a cap of \(cap)")
        // The oldest checkpoints were released; the newest still rolls back exactly.
        let remaining =
            try test.app.send(.get, "/_emulator/checkpoints").json()["Checkpoint"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(!remaining.contains(checkpoints[0].id))
        #expect(remaining.contains(checkpoints.last!.id))
        let newest = checkpoints.last!
        #expect(try test.app.send(.post, "/_emulator/checkpoints/\(newest.id)/rollback").status == .ok)
        #expect(try test.dump() == newest.state)
    }

    @Test func withNoMarkLeftTheLogEmptiesAndStopsRecording() throws {
        let test = try Harness(maxEntries: 100, deleteBatch: 25)
        _ = try test.checkpoint()
        for index in 0..<30 { _ = try test.createApp("App \(index)") }
        // The only mark was released; later commits delete the rest, a batch at a time.
        for index in 0..<20 where try test.logRows().rows > 0 { _ = try test.createApp("More \(index)") }
        #expect(try test.logRows() == (0, 0))
        #expect(try test.count("SELECT count(*) AS n FROM undo_marks") == 0)
        #expect(try test.count("SELECT recording AS n FROM undo_state WHERE id = 1") == 0)
        _ = try test.createApp("Not logged")
        #expect(try test.logRows() == (0, 0))
    }

    @Test func aRollbackToAReleasedCheckpointIsAConflictThatSaysWhy() throws {
        let test = try Harness(maxEntries: 100)
        let released = try test.checkpoint()
        for index in 0..<30 { _ = try test.createApp("App \(index)") }
        let response = try test.app.send(.post, "/_emulator/checkpoints/\(released)/rollback", headers: ["Accept": "application/json"])
        #expect(response.status == .conflict)
        let fault = try response.json()
        #expect(fault["faultcode"]?.stringValue == "Client")
        let text = fault["faultstring"]?.stringValue ?? ""
        #expect(text.contains("Checkpoint \(released) was released"), "\(text)")
        #expect(text.contains("cap of 100 entries") && text.contains("undo.maxEntries"), "\(text)")
        // Nothing was rolled back, and the answer stays the same.
        #expect(try test.count("SELECT count(*) AS n FROM apps") >= 30)
        #expect(try test.app.send(.post, "/_emulator/checkpoints/\(released)/rollback").status == .conflict)
        // Deleting it is fine (it is gone already); after that it is unknown.
        #expect(try test.app.send(.delete, "/_emulator/checkpoints/\(released)").status == .noContent)
        #expect(try test.app.send(.post, "/_emulator/checkpoints/\(released)/rollback").status == .notFound)
        // A new checkpoint works as ever.
        let fresh = try test.checkpoint()
        let state = try test.dump()
        _ = try test.createApp("Undone")
        #expect(try test.app.send(.post, "/_emulator/checkpoints/\(fresh)/rollback").status == .ok)
        #expect(try test.dump() == state)
    }

    @Test func aSnapshotWhoseMarkWasReleasedIsRestoredFromItsFile() throws {
        let test = try Harness(maxEntries: 100)
        _ = try test.createApp("Before")
        try test.snapshot("base")
        let atSnapshot = try test.dump()
        for index in 0..<30 { _ = try test.createApp("After \(index)") }
        #expect(try test.count("SELECT count(*) AS n FROM undo_marks WHERE kind = 'snapshot'") == 0)
        #expect(try test.restore("base") == "copy")
        #expect(try test.dump() == atSnapshot)
        #expect(try test.app.send(.get, "/api/login/status", headers: ["Cookie": test.admin.cookieHeader]).status == .ok)
        // The copy set the mark again: a few changes later the restore rolls back.
        _ = try test.createApp("One more")
        #expect(try test.restore("base") == "rollback")
        #expect(try test.dump() == atSnapshot)
    }
}
