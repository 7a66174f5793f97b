import Dispatch
import Synchronization
import Testing
@testable import WorkQueues

/// The test target Package.swift declares: without a source file a fresh clone does not build.
@Suite struct WorkerPoolTests {
    @Test func runsItemsInOrderOnOneThread() {
        let pool = WorkerPool(name: "test-order", threadCount: 1, queueLimit: 100)
        let seen = Mutex<[Int]>([])
        let done = DispatchGroup()
        for index in 0..<50 {
            done.enter()
            #expect(pool.submit {
                seen.withLock { $0.append(index) }
                done.leave()
            })
        }
        done.wait()
        #expect(seen.withLock { $0 } == Array(0..<50))
        pool.shutdown()
    }

    @Test func refusesWorkBeyondTheQueueLimitAndAfterShutdown() {
        let pool = WorkerPool(name: "test-limit", threadCount: 1, queueLimit: 2)
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        #expect(pool.submit {
            started.signal()
            release.wait()
        })
        started.wait()  // the only thread is busy now
        #expect(pool.submit {})
        #expect(pool.submit {})
        #expect(pool.queuedCount == 2)
        #expect(!pool.submit {}, "a third waiting item is over the limit")
        release.signal()
        pool.shutdown()
        #expect(pool.queuedCount == 0)
        #expect(!pool.submit {}, "a pool that shut down takes nothing")
    }
}

@Suite struct DeadlineMonitorTests {
    final class Entry: Expirable {
        let deadline: UInt64
        let finished: Bool
        let expired = Mutex(0)
        let signal = DispatchSemaphore(value: 0)
        var isFinished: Bool { finished }

        init(in seconds: Double, finished: Bool = false) {
            deadline = MonotonicTime.now() + MonotonicTime.nanoseconds(seconds)
            self.finished = finished
        }

        func expire() {
            expired.withLock { $0 += 1 }
            signal.signal()
        }
    }

    @Test func expiresUnfinishedEntriesOnceAndForgetsFinishedOnes() {
        let monitor = DeadlineMonitor(name: "test-deadlines")
        let finished = Entry(in: 0.01, finished: true)
        let late = Entry(in: 0.02)
        monitor.watch(finished)
        monitor.watch(late)
        #expect(late.signal.wait(timeout: .now() + 5) == .success)
        let after = Entry(in: 0.01)
        monitor.watch(after)
        #expect(after.signal.wait(timeout: .now() + 5) == .success)
        #expect(finished.expired.withLock { $0 } == 0)
        #expect(late.expired.withLock { $0 } == 1)
        #expect(MonotonicTime.now() >= late.deadline)
        monitor.shutdown()
    }
}
