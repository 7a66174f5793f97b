import Foundation
import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct BackgroundCheckpointerTests {
    /// The writer's auto-checkpoint is replaced by the background one: the WAL is still recycled,
    /// so thousands of commits do not grow it without bound.
    @Test func theWALIsRecycledWithoutCheckpointingOnTheWriter() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/wal.sqlite"
            let pool = try DatabasePool(path: path, configuration: DatabaseConfiguration(checkpointPages: 100))
            defer { try? pool.close() }
            try pool.writeWithoutTransaction { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)") }
            let payload = [UInt8](repeating: 7, count: 100)
            for _ in 0..<10 {
                for _ in 0..<300 {
                    try pool.write { try $0.run("INSERT INTO t (payload) VALUES (?)", payload) }
                }
                // An idle moment lets the background checkpoint finish, so the next write recycles the WAL.
                #expect(waitUntil { pool.checkpointer.isIdle }, "the background checkpoint never finished")
            }
            let walBytes = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            // 3000 commits of at least one page each: a WAL never recycled would hold all of them (> 12 MB).
            #expect(walBytes < 1000 * 4200, "the WAL grew to \(walBytes) bytes")
            #expect(try pool.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM t")?.int("n") } == 3000)
        }
    }
}
