import SQLiteStore
import Synchronization
import TestSupport
import Testing

@testable import AkanaDomain

/// Every repository write goes through `SQLiteConnection.change`, which tells the transaction's
/// recorder the object it changes; no write notes an id by hand.
@Suite struct ChangedObjectFunnelTests {
    final class Recorder: TransactionParticipant, ChangedObjectRecorder, @unchecked Sendable {  // used on the writer only
        let ids = Mutex<[String]>([])
        func recordChanged(_ id: String) { ids.withLock { $0.append(id) } }
        func willCommit(_ connection: SQLiteConnection) throws {}
        func didCommit() {}
        func didRollBack() {}
    }

    @Test func aWriteWithoutAHandNoteIsRecorded() throws {
        let database = try TemporaryDatabase()
        let recorder = Recorder()
        // touchModel never noted its change before the funnel; now it cannot forget.
        try database.pool.write(in: TransactionScope(participant: recorder)) { db in
            try ModelRepository.touchModel(db, id: "m1.acmepaymentscorp", updated: "2026-01-02T00:00:00Z")
        }
        #expect(recorder.ids.withLock { $0 } == ["m1.acmepaymentscorp"])
    }

    @Test func childRowsNameTheirOwner() throws {
        let database = try TemporaryDatabase()
        let recorder = Recorder()
        try database.pool.write(in: TransactionScope(participant: recorder)) { db in
            try AppRepository.replaceTags(db, versionID: "v1.acmepaymentscorp", tags: [])  // the DELETE of its tag rows
        }
        #expect(Set(recorder.ids.withLock { $0 }) == ["v1.acmepaymentscorp"])
    }

    @Test func aDirectFunnelWriteIsRecordedAndRuns() throws {
        let database = try TemporaryDatabase()
        let recorder = Recorder()
        let changed = try database.pool.write(in: TransactionScope(participant: recorder)) { db in
            try db.change("o1.acmepaymentscorp", "DELETE FROM workflow_objects WHERE object_id = ?", "o1.acmepaymentscorp")
        }
        #expect(changed == 0)
        #expect(recorder.ids.withLock { $0 } == ["o1.acmepaymentscorp"])
    }
}
