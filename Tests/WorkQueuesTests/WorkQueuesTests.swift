import Dispatch
import Foundation
import Synchronization
import Testing

@testable import WorkQueues

@Suite struct WorkerPoolTests {
    @Test func itemsRunInOrderOnOneThread() {
        let pool = WorkerPool(name: "test", threadCount: 1, queueLimit: 100)
        let seen = Mutex<[Int]>([])
        let done = DispatchGroup()
        for index in 0..<50 {
            done.enter()
            #expect(
                pool.submit {
                    seen.withLock { $0.append(index) }
                    done.leave()
                })
        }
        done.wait()
        #expect(seen.withLock { $0 } == Array(0..<50))
        pool.shutdown()
    }

    @Test func submitRefusesOnceTheQueueIsFullAndAcceptsAgainWhenItDrains() {
        let pool = WorkerPool(name: "test", threadCount: 1, queueLimit: 2)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        finished.enter()
        #expect(
            pool.submit {
                started.signal()
                release.wait()
                finished.leave()
            })
        started.wait()  // the only thread is busy
        for _ in 0..<2 {
            finished.enter()
            #expect(pool.submit { finished.leave() })
        }
        #expect(pool.queuedCount == 2)
        #expect(!pool.submit {})  // a third would wait: refused at once
        release.signal()
        finished.wait()
        finished.enter()
        #expect(pool.submit { finished.leave() })
        finished.wait()
        pool.shutdown()
        #expect(!pool.submit {})  // after shutdown
    }

    @Test func shutdownLetsQueuedItemsFinish() {
        let pool = WorkerPool(name: "test", threadCount: 2, queueLimit: 100)
        let count = Atomic<Int>(0)
        for _ in 0..<40 {
            pool.submit {
                usleep(1000)
                count.add(1, ordering: .relaxed)
            }
        }
        pool.shutdown()
        #expect(count.load(ordering: .relaxed) == 40)
    }

    /// A niced lane stays under the normal policy (SCHED_OTHER): it gets a smaller share of a
    /// contended core, never none. (Nice 19 used to switch to SCHED_IDLE, which the kernel runs
    /// only when nothing else wants the core: beside three busy processes a login waited 30 s.)
    @Test(arguments: [Int32(5), 19]) func nicedThreadsKeepTheNormalPolicy(niceness: Int32) {
        let pool = WorkerPool(name: "niced", threadCount: 1, queueLimit: 1, niceness: niceness)
        let seen = Mutex<(policy: Int32, nice: Int32)?>(nil)
        let done = DispatchSemaphore(value: 0)
        #expect(
            pool.submit {
                errno = 0
                let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
                let policy = sched_getscheduler(0)
                seen.withLock { $0 = (policy, nice) }
                done.signal()
            })
        done.wait()
        pool.shutdown()
        let observed = seen.withLock { $0 }
        #expect(observed?.policy == 0, "SCHED_OTHER is 0; SCHED_IDLE is 5")  // SCHED_OTHER
        #expect(observed?.nice == niceness)
    }

    @Test func theRingKeepsOrderAcrossGrowthAndRemoval() {
        var ring = Ring<Int>(capacity: 2)
        for value in 0..<10 { ring.append(value) }
        #expect(ring.popFirst() == 0)
        ring.append(10)
        ring.removeAll { $0 % 2 == 0 }
        var rest: [Int] = []
        while let value = ring.popFirst() { rest.append(value) }
        #expect(rest == [1, 3, 5, 7, 9])
    }
}

@Suite struct DeadlineMonitorTests {
    final class Entry: Expirable {
        let deadline: UInt64
        let finished = Atomic<Bool>(false)
        let expired = Atomic<Int>(0)
        init(after seconds: Double) { deadline = MonotonicTime.now() + MonotonicTime.nanoseconds(seconds) }
        var isFinished: Bool { finished.load(ordering: .acquiring) }
        func expire() { expired.add(1, ordering: .relaxed) }
    }

    @Test func unfinishedEntriesExpireOnceAndFinishedOnesNever() {
        let monitor = DeadlineMonitor(name: "test")
        let late = Entry(after: 0.1)
        let done = Entry(after: 0.5)
        let far = Entry(after: 600)
        let last = Entry(after: 0.6)
        // In deadline order, as a server's requests (one timeout for all) arrive.
        monitor.watch(late)
        monitor.watch(done)
        monitor.watch(last)
        monitor.watch(far)
        done.finished.store(true, ordering: .releasing)
        // Conditions, not fixed sleeps: a loaded machine may run the monitor late, never early.
        let deadline = Date().addingTimeInterval(20)
        while (late.expired.load(ordering: .relaxed) == 0 || last.expired.load(ordering: .relaxed) == 0) && Date() < deadline {
            usleep(10_000)
        }
        #expect(late.expired.load(ordering: .relaxed) == 1)
        #expect(last.expired.load(ordering: .relaxed) == 1)
        #expect(done.expired.load(ordering: .relaxed) == 0)
        #expect(far.expired.load(ordering: .relaxed) == 0)
        monitor.shutdown()
    }
}
