import CSQLite
import Dispatch
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import SQLiteStore

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

    @Test(.enabled(if: geteuid() == 0,
                   "mounting a tmpfs needs root (mount -t tmpfs): not root here, so the full-disk pool test is skipped; CI runs as root and runs it"))
    func concurrentWritesOnAFullDiskFailAsDiskFullAndTheNextCommitClearsIt() throws {
        let mountPoint = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        guard Self.run("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]) == 0 else {
            Issue.record("mount -t tmpfs -o size=2m tmpfs \(mountPoint) failed although running as root")
            return
        }
        defer { if Self.run("umount", [mountPoint]) != 0 { _ = Self.run("umount", ["-l", mountPoint]) } }

        let pool = try DatabasePool(path: mountPoint + "/test.sqlite")
        defer { try? pool.close() }
        try pool.write { db in try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)") }
        let transitions = LockedArray<Bool>()
        pool.storage.setObserver { transitions.append($0 != nil) }
        let filler = mountPoint + "/filler"
        #expect(FileManager.default.createFile(atPath: filler, contents: Data(count: max(0, try Self.freeBytes(mountPoint) - (384 << 10)))))

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
        try Self.fillRemainingSpace(mountPoint + "/rest")
        let drained = DispatchSemaphore(value: 0)
        let drainResult = LockedArray<Bool>()
        pool.asyncWrite(bookkeeping: true, { db in
            try db.run("INSERT INTO t (payload) VALUES (?)", [UInt8](repeating: 8, count: 64 << 10))
        }, completion: { result in
            if case .failure(let error as DatabaseError) = result { drainResult.append(error.isDiskFull) } else { drainResult.append(false) }
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
        print("full disk, pool: \(committed.values.count) writes committed in \(rounds) rounds of 16, \(failures.values.count) refused as disk-full, all committed rows read back")
    }

    static func freeBytes(_ path: String) throws -> Int {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { throw TestFailure() }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// Appends to `path` until the filesystem refuses a single byte more.
    static func fillRemainingSpace(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TestFailure() }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 4096)
        var size = chunk.count
        while size > 0 {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, size) }
            if written < 0 {
                guard errno == ENOSPC else { throw TestFailure() }
                size /= 2
            }
        }
    }

    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        let candidates = ["/usr/bin/\(tool)", "/bin/\(tool)", "/usr/sbin/\(tool)", "/sbin/\(tool)"]
        process.executableURL = URL(fileURLWithPath: candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0])
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
