import AkanaDomain
import Dispatch
import Foundation
import Synchronization
import Testing

/// The password lane on a busy CI runner: three CPU-bound processes beside it on this machine
/// (issue 24). A lane that the scheduler starves (SCHED_IDLE) never ran while they did, and a new
/// user's first login waited 30 s for a 503.
@Suite(.serialized) struct PasswordLaneContentionTests {
    /// `count` CPU-bound threads at the normal priority, spinning until `stop` is set. (Threads
    /// rather than processes: the scheduler weighs them the same, and they cannot outlive the test.)
    static func busyLoops(_ count: Int, until stop: StopFlag) -> DispatchGroup {
        let group = DispatchGroup()
        for _ in 0..<count {
            group.enter()
            Thread.detachNewThread {
                var spins: UInt64 = 0
                while !stop.value.load(ordering: .relaxed) { spins &+= 1 }
                group.leave()
            }
        }
        return group
    }

    @Test func verificationsMakeProgressBesideBusyProcesses() throws {
        // A hash of about 10–30 ms on a quiet machine.
        let hasher = PasswordHasher(iterations: 20_000)
        let stored = hasher.hash("correct horse")
        let verifier = PasswordVerifier(hasher: hasher, threads: 1, queueLimit: 4)
        let busy = max(3, ProcessInfo.processInfo.activeProcessorCount + 1)
        let stop = StopFlag()
        let loops = Self.busyLoops(busy, until: stop)
        defer {
            stop.value.store(true, ordering: .relaxed)
            loops.wait()
        }
        // Five verifications in a row, each waited for as an event; a lane that gets no CPU while
        // the loops run never signals, and the generous bound turns that into a failure.
        for attempt in 0..<5 {
            let done = DispatchSemaphore(value: 0)
            let outcome = Mutex<Result<Bool, any Error>?>(nil)
            Thread.detachNewThread {
                let result = Result { try verifier.verify("correct horse", against: stored) }
                outcome.withLock { $0 = result }
                done.signal()
            }
            let finished = done.wait(timeout: .now() + 20) == .success
            #expect(finished, "verification \(attempt) did not finish within 20 s beside \(busy) busy threads")
            guard finished else { return }
            #expect(try outcome.withLock { $0 }?.get() == true)
        }
    }
}

final class StopFlag: Sendable {
    let value = Atomic(false)
}
