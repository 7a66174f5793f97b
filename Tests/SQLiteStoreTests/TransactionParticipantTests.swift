import Foundation
import Synchronization
import TestSupport
import Testing

@testable import SQLiteStore

/// `TransactionScope.participant`: work that joins the write transactions it is handed to.
@Suite struct TransactionParticipantTests {
    /// Writes its own row in each transaction it joins and logs what it was told.
    final class RecordingParticipant: TransactionParticipant {
        let events = Mutex<[String]>([])
        let failing: Bool

        init(failing: Bool = false) { self.failing = failing }

        func willCommit(_ connection: SQLiteConnection) throws {
            events.withLock { $0.append("willCommit") }
            #expect(connection.participant === self)  // the body sees it too
            try connection.run("INSERT INTO log (what) VALUES ('participant')")
            if failing { throw TestFailure(id: 7) }
        }

        func didCommit() { events.withLock { $0.append("didCommit") } }
        func didRollBack() { events.withLock { $0.append("didRollBack") } }

        var log: [String] { events.withLock { $0 } }
    }

    func rows(_ pool: DatabasePool) throws -> [String] {
        try pool.read { try $0.query("SELECT what FROM log ORDER BY rowid").compactMap { try $0.string("what") } }
    }

    func prepare(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { try $0.execute("CREATE TABLE log (what TEXT NOT NULL)") }
    }

    @Test func joinsEveryWriteItIsHandedToAndCommitsWithIt() throws {
        try withPool { pool, _ in
            try prepare(pool)
            let participant = RecordingParticipant()
            let scope = TransactionScope(participant: participant)
            try pool.write(in: scope) { db in
                #expect(db.participant === participant)
                try db.run("INSERT INTO log (what) VALUES ('body 1')")
            }
            try pool.write(in: scope) { try $0.run("INSERT INTO log (what) VALUES ('body 2')") }
            #expect(try rows(pool) == ["body 1", "participant", "body 2", "participant"])
            #expect(participant.log == ["willCommit", "didCommit", "willCommit", "didCommit"])
            // Writes without the scope run alone, and the connection forgets it.
            try pool.write { db in
                #expect(db.participant == nil)
                try db.run("INSERT INTO log (what) VALUES ('alone')")
            }
            #expect(participant.log.count == 4)
        }
    }

    @Test func aFailingParticipantRollsTheWholeWriteBack() throws {
        try withPool { pool, _ in
            try prepare(pool)
            let participant = RecordingParticipant(failing: true)
            #expect(throws: TestFailure(id: 7)) {
                try pool.write(in: TransactionScope(participant: participant)) { try $0.run("INSERT INTO log (what) VALUES ('body')") }
            }
            #expect(try rows(pool).isEmpty)
            #expect(participant.log == ["willCommit", "didRollBack"])
        }
    }

    @Test func aRollbackAfterItJoinedIsReported() throws {
        try withPool { pool, _ in
            try prepare(pool)
            pool.setBeforeCommit { _ in throw TestFailure(id: 9) }  // runs after the participant
            let participant = RecordingParticipant()
            #expect(throws: TestFailure(id: 9)) {
                try pool.write(in: TransactionScope(participant: participant)) { try $0.run("INSERT INTO log (what) VALUES ('body')") }
            }
            pool.setBeforeCommit(nil)
            #expect(try rows(pool).isEmpty)
            #expect(participant.log == ["willCommit", "didRollBack"])
        }
    }

    @Test func aBodyThatThrowsRollsBackBeforeItJoins() throws {
        try withPool { pool, _ in
            try prepare(pool)
            let participant = RecordingParticipant()
            #expect(throws: TestFailure.self) {
                try pool.write(in: TransactionScope(participant: participant)) { _ in throw TestFailure() }
            }
            // Never joined, but told the transaction it was bound to did not commit.
            #expect(participant.log == ["didRollBack"])
        }
    }

    @Test func aRestoreIsJoinedWithoutTheBeforeCommitHook() throws {
        try withPool { pool, directory in
            try prepare(pool)
            try pool.write { try $0.run("INSERT INTO log (what) VALUES ('snapshotted')") }
            try pool.backup(to: directory + "/copy.sqlite", in: .detached)
            try pool.write { try $0.run("INSERT INTO log (what) VALUES ('later')") }
            let hookRuns = Mutex(0)
            pool.setBeforeCommit { _ in hookRuns.withLock { $0 += 1 } }
            defer { pool.setBeforeCommit(nil) }
            let participant = RecordingParticipant()
            try pool.replaceContents(from: directory + "/copy.sqlite", in: TransactionScope(participant: participant))
            // The participant's row is written after the copy, in the same transaction.
            #expect(try rows(pool) == ["snapshotted", "participant"])
            #expect(participant.log == ["willCommit", "didCommit"])
            #expect(hookRuns.withLock { $0 } == 0)
        }
    }

    @Test func otherPoolsAndAsyncWritesAreNotJoined() throws {
        try withPool { pool, directory in
            try prepare(pool)
            let other = try DatabasePool(path: directory + "/other.sqlite")
            defer { try? other.close() }
            try prepare(other)
            let participant = RecordingParticipant()
            try other.write { try $0.run("INSERT INTO log (what) VALUES ('other pool')") }
            let done = DispatchSemaphore(value: 0)
            pool.asyncWrite({ try $0.run("INSERT INTO log (what) VALUES ('async')") }, completion: { _ in done.signal() })
            done.wait()
            // The scope travels with the work, not with the thread: another thread can carry it.
            let scope = TransactionScope(participant: participant)
            let thread = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                try? pool.write(in: scope) { try $0.run("INSERT INTO log (what) VALUES ('thread')") }
                thread.signal()
            }
            thread.wait()
            #expect(participant.log == ["willCommit", "didCommit"])
            #expect(try rows(pool) == ["async", "thread", "participant"])
            #expect(try rows(other) == ["other pool"])
        }
    }
}
