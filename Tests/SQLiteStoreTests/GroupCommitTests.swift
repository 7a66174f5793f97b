import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import SQLiteStore

/// Group commit (`DatabasePool.write` while the writer is busy) and deadlines (`TransactionDeadline`).
@Suite struct GroupCommitTests {
    /// A deadline that a test expires by hand; counts how often it was sealed.
    final class ManualDeadline: TransactionDeadline {
        let expired = Atomic<Bool>(false)
        let seals = Atomic<Int>(0)
        var isExpired: Bool { expired.load(ordering: .relaxed) }
        func sealForCommit() -> Bool {
            guard !isExpired else { return false }
            seals.add(1, ordering: .relaxed)
            return true
        }
    }

    final class Participant: TransactionParticipant {
        let events = Mutex<[String]>([])
        func willCommit(_ connection: SQLiteConnection) throws { events.withLock { $0.append("will") } }
        func didCommit() { events.withLock { $0.append("commit") } }
        func didRollBack() { events.withLock { $0.append("rollback") } }
    }

    struct Refused: Error {}

    /// Runs `body` after `seconds` on a thread of its own (Dispatch's global queue may be taken by
    /// other tests' blocked work when the whole suite runs in parallel).
    func after(_ seconds: Double, _ body: @escaping @Sendable () -> Void) {
        Thread.detachNewThread {
            usleep(UInt32(seconds * 1_000_000))
            body()
        }
    }

    func prepare(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { try $0.execute("CREATE TABLE t (v TEXT NOT NULL UNIQUE)") }
    }

    func values(_ pool: DatabasePool) throws -> Set<String> {
        Set(try pool.read { try $0.query("SELECT v FROM t").compactMap { try $0.string("v") } })
    }

    /// Holds the writer queue until `release` is signalled, so writes submitted meanwhile queue up
    /// and are committed as one group.
    func holdWriter(_ pool: DatabasePool) -> DispatchSemaphore {
        let held = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        pool.asyncWrite(
            { _ in
                held.signal()
                release.wait()
            }, completion: { _ in })
        held.wait()
        return release
    }

    @Test func writesQueuedBehindABusyWriterCommitTogetherAndAFailureRollsBackAlone() throws {
        try withPool { pool, _ in
            try prepare(pool)
            try pool.write { try $0.run("INSERT INTO t (v) VALUES ('before')") }
            let release = holdWriter(pool)
            let participants = (0..<8).map { _ in Participant() }
            let outcomes = Mutex<[Int: String]>([:])
            let group = DispatchGroup()
            for index in 0..<8 {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        try pool.write(in: TransactionScope(participant: participants[index])) { db in
                            try db.run("INSERT INTO t (v) VALUES (?)", "row \(index)")
                            if index == 3 { throw Refused() }
                            if index == 5 { try db.run("INSERT INTO t (v) VALUES ('before')") }  // UNIQUE: fails, undoing its own row only
                        }
                        outcomes.withLock { $0[index] = "ok" }
                    } catch {
                        outcomes.withLock { $0[index] = "\(type(of: error))" }
                    }
                }
            }
            // Every write is queued (waiting in its caller) before the writer is released.
            while pool.groupCommit.pendingCount < 8 { usleep(1000) }
            release.signal()
            group.wait()
            let result = outcomes.withLock { $0 }
            #expect(result[3] == "Refused")
            #expect(result[5] == "DatabaseError")
            #expect(result.filter { $0.value == "ok" }.count == 6)
            #expect(try values(pool) == Set([0, 1, 2, 4, 6, 7].map { "row \($0)" } + ["before"]))
            for index in 0..<8 {
                let expected = index == 3 || index == 5 ? ["rollback"] : ["will", "commit"]
                #expect(participants[index].events.withLock { $0 } == expected, "write \(index)")
            }
        }
    }

    @Test func aWriteWhoseDeadlinePassedWhileQueuedIsRefusedAndTheOthersCommit() throws {
        try withPool { pool, _ in
            try prepare(pool)
            let release = holdWriter(pool)
            let late = ManualDeadline()
            let outcomes = Mutex<[String: Bool]>([:])
            let group = DispatchGroup()
            for name in ["a", "late", "b"] {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    let scope = TransactionScope(deadline: name == "late" ? late : ManualDeadline())
                    let ok = (try? pool.write(in: scope) { try $0.run("INSERT INTO t (v) VALUES (?)", name) }) != nil
                    outcomes.withLock { $0[name] = ok }
                }
            }
            while pool.groupCommit.pendingCount < 3 { usleep(1000) }
            late.expired.store(true, ordering: .relaxed)
            release.signal()
            group.wait()
            #expect(outcomes.withLock { $0 } == ["a": true, "late": false, "b": true])
            #expect(try values(pool) == ["a", "b"])
        }
    }

    @Test func anExpiredDeadlineInterruptsARunningStatementAndNothingCommits() throws {
        try withPool { pool, _ in
            try prepare(pool)
            let deadline = ManualDeadline()
            after(0.2) { deadline.expired.store(true, ordering: .relaxed) }
            let started = DispatchTime.now()
            #expect {
                try pool.write(in: TransactionScope(deadline: deadline)) { db in
                    // Billions of rows: only the deadline can stop it.
                    try db.run(
                        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 4000000000) INSERT INTO t (v) SELECT x FROM c"
                    )
                }
            } throws: { ($0 as? DatabaseError)?.isInterrupted == true }
            #expect(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 < 10)
            #expect(try values(pool).isEmpty)
            #expect(deadline.seals.load(ordering: .relaxed) == 0)
            // The writer is fine afterwards.
            try pool.write { try $0.run("INSERT INTO t (v) VALUES ('after')") }
            #expect(try values(pool) == ["after"])
        }
    }

    @Test func aReadIsInterruptedByItsDeadlineToo() throws {
        try withPool { pool, _ in
            try prepare(pool)
            let deadline = ManualDeadline()
            after(0.2) { deadline.expired.store(true, ordering: .relaxed) }
            #expect {
                try pool.read(in: TransactionScope(deadline: deadline)) { db in
                    try db.queryFirst(
                        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 4000000000) SELECT count(*) FROM c")
                }
            } throws: { ($0 as? DatabaseError)?.isInterrupted == true }
            #expect(try pool.read { try $0.queryFirst("SELECT count(*) FROM t")?.int(0) } == 0)
        }
    }

    @Test func aSealedWriteIsCommittedAndTheDeadlineIsAskedOnce() throws {
        try withPool { pool, _ in
            try prepare(pool)
            let deadline = ManualDeadline()
            try pool.write(in: TransactionScope(deadline: deadline)) { try $0.run("INSERT INTO t (v) VALUES ('x')") }
            #expect(deadline.seals.load(ordering: .relaxed) == 1)
            #expect(try values(pool) == ["x"])
        }
    }

    /// How many frames deep the calling thread's stack is at this point (Foundation's
    /// `callStackReturnAddresses`: no /proc parsing, which missed the stack's mapping under load).
    static func stackDepth() -> Int {
        Thread.callStackReturnAddresses.count
    }

    /// The commit observer is called from the same depth after thousands of commits as after the
    /// first: it is not re-wrapped per call (a closure kept bare in the `Mutex` gained two
    /// reabstraction thunks per read, 64 bytes of stack per commit, until the writer thread's stack
    /// overflowed).
    @Test func theCommitObserverDoesNotGetDeeperWithEveryCommit() throws {
        try withPool { pool, _ in
            try prepare(pool)
            let depths = LockedArray<Int>()
            let commits = Atomic<Int>(0)
            pool.setCommitObserver { _ in
                let count = commits.add(1, ordering: .relaxed).newValue
                if count == 1 || count == 3000 { depths.append(Self.stackDepth()) }
            }
            for index in 0..<3000 {
                try pool.write { try $0.run("INSERT INTO t (v) VALUES (?)", "v\(index)") }
            }
            let seen = depths.values
            #expect(commits.load(ordering: .relaxed) == 3000)
            #expect(seen.count == 2)
            let first = try #require(seen.first)
            let last = try #require(seen.last)
            #expect(first > 0)
            // With the thunks piling up, the last call was two frames deeper per commit before it.
            #expect(abs(last - first) < 50, "observer stack depth grew from \(first) to \(last) frames")
        }
    }
}
