import CSQLite
import Dispatch
import Foundation
import TestSupport
import Testing

@testable import SQLiteStore

#if canImport(Glibc)
    import Glibc
#endif

/// What the pool does when its filesystem fills: the classification of SQLite's errors, and (with
/// root, on a real tmpfs) concurrent writes sharing group commits on a full disk.
@Suite(.serialized) struct DiskFullTests {
    @Test func diskFullIsSQLiteFullOrAnIOErrorCausedByENOSPC() {
        #expect(DatabaseError(resultCode: SQLITE_FULL, message: "database or disk is full").isDiskFull)
        // SQLITE_IOERR_SHMSIZE, SQLITE_IOERR_WRITE, SQLITE_IOERR_READ (macros Swift does not import).
        var shmSize = DatabaseError(resultCode: SQLITE_IOERR, extendedResultCode: SQLITE_IOERR | (19 << 8), message: "disk I/O error")
        #expect(!shmSize.isDiskFull)
        shmSize.systemErrno = ENOSPC
        #expect(shmSize.isDiskFull)
        #expect(shmSize.description.contains("errno \(ENOSPC)"))
        var quota = DatabaseError(resultCode: SQLITE_IOERR, extendedResultCode: SQLITE_IOERR | (3 << 8), message: "disk I/O error")
        quota.systemErrno = EDQUOT
        #expect(quota.isDiskFull)
        var broken = DatabaseError(resultCode: SQLITE_IOERR, extendedResultCode: SQLITE_IOERR | (1 << 8), message: "disk I/O error")
        broken.systemErrno = EIO
        #expect(!broken.isDiskFull)
        #expect(!DatabaseError(resultCode: SQLITE_BUSY, message: "database is locked").isDiskFull)
    }

    @Test(
        .enabled(
            if: TmpfsMount.canMount,
            "mounting a tmpfs needs root (mount -t tmpfs): not root here, so the full-disk pool test is skipped; CI runs as root and runs it"
        ))
    func concurrentWritesOnAFullDiskFailAsDiskFullAndTheNextCommitClearsIt() throws {
        let work = try TemporaryDirectory(prefix: "SQLiteStoreTests")
        let disk = try TmpfsMount(at: work.path("disk"), size: "2m")
        defer {
            disk.unmount()
            withExtendedLifetime(work) {}  // the mount point's parent outlives the mount
        }
        let mountPoint = disk.path

        let pool = try DatabasePool(path: mountPoint + "/test.sqlite")
        defer { try? pool.close() }
        try pool.write { db in try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)") }
        let transitions = LockedArray<Bool>()
        pool.storage.setObserver { transitions.append($0 != nil) }
        let filler = mountPoint + "/filler"
        #expect(FileManager.default.createFile(atPath: filler, contents: Data(count: max(0, try freeBytes(mountPoint) - (384 << 10)))))

        // Rounds of 16 concurrent writes (so they share group commits) until the disk refuses some.
        let committed = LockedArray<Int64>()
        let failures = LockedArray<String>()
        var rounds = 0
        while failures.values.isEmpty, rounds < 100 {
            rounds += 1
            DispatchQueue.concurrentPerform(iterations: 16) { _ in
                do {
                    let id = try pool.write { db -> Int64 in
                        try db.run("INSERT INTO t (payload) VALUES (?)", [UInt8](repeating: 7, count: 8 << 10))
                        return db.lastInsertRowID
                    }
                    committed.append(id)
                } catch let error as DatabaseError where error.isDiskFull {
                    failures.append("disk-full")
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        #expect(!failures.values.isEmpty, "the disk never filled in \(rounds) rounds")
        #expect(failures.values.allSatisfy { $0 == "disk-full" }, "\(failures.values)")
        // The first refusal was noted. (A write of the same round may still have committed after it,
        // in room a rolled-back transaction left, which rightly clears the state again.)
        #expect(transitions.values.first == true)

        // Not a byte left: a bookkeeping write fails too, and says why, without clearing anything.
        try fillRemainingSpace(mountPoint + "/rest")
        let drained = DispatchSemaphore(value: 0)
        let drainResult = LockedArray<Bool>()
        pool.asyncWrite(
            bookkeeping: true,
            { db in
                try db.run("INSERT INTO t (payload) VALUES (?)", [UInt8](repeating: 8, count: 64 << 10))
            },
            completion: { result in
                if case .failure(let error as DatabaseError) = result {
                    drainResult.append(error.isDiskFull)
                } else {
                    drainResult.append(false)
                }
                drained.signal()
            })
        drained.waitOrFail()
        #expect(drainResult.values == [true])

        // Reads go on, every acknowledged write is there, and no transaction was left open.
        let stored = try pool.read { db in try db.query("SELECT id FROM t").compactMap { $0.int64(0) } }
        #expect(Set(stored) == Set(committed.values))
        #expect(try pool.writeWithoutTransaction { $0.isInTransaction } == false)
        #expect(pool.storage.diskFull?.path == mountPoint + "/test.sqlite")

        // Space freed: the next write commits, and the state clears.
        try FileManager.default.removeItem(atPath: mountPoint + "/rest")
        try FileManager.default.removeItem(atPath: filler)
        try pool.write { db in try db.run("INSERT INTO t (payload) VALUES (?)", [UInt8](repeating: 9, count: 8 << 10)) }
        #expect(pool.storage.diskFull == nil)
        // Full, then clear, as often as the rounds above crossed the line; it ends clear.
        let seen = transitions.values
        #expect(seen.count >= 2 && seen.count % 2 == 0 && seen.enumerated().allSatisfy { $0.element == ($0.offset % 2 == 0) }, "\(seen)")
        try pool.close()
        print(
            "full disk, pool: \(committed.values.count) writes committed in \(rounds) rounds of 16, \(failures.values.count) refused as disk-full, all committed rows read back"
        )
    }
}
