import Dispatch
import Foundation
import Synchronization

/// Something with a deadline that the monitor expires unless it finished first.
public protocol Expirable: AnyObject, Sendable {
    /// Monotonic nanoseconds (`MonotonicTime.now()`) after which `expire()` is called.
    var deadline: UInt64 { get }
    /// True once the work finished; the monitor then forgets it without calling `expire()`.
    var isFinished: Bool { get }
    /// Called once, on the monitor's thread, when the deadline passed and the work had not finished.
    func expire()
}

/// Watches many deadlines with one thread. Entries are kept in arrival order, which is deadline
/// order when every entry gets the same timeout (as a server's requests do); an entry with an
/// earlier deadline than those before it is expired no later than the one ahead of it.
/// Finished entries cost nothing beyond a slot until the thread reaches them.
public final class DeadlineMonitor: Sendable {
    private let core = Core()

    public init(name: String) {
        core.finished.enter()
        // The thread holds the core, not the monitor: dropping the monitor ends it.
        let core = core
        let thread = Thread {
            core.run()
            core.finished.leave()
        }
        thread.name = name
        thread.stackSize = 1 << 18
        thread.start()
    }

    deinit {
        core.stop()
    }

    /// Starts watching `entry`.
    public func watch(_ entry: any Expirable) {
        core.watch(entry)
    }

    /// Ends the thread (entries still watched are forgotten). Idempotent.
    public func shutdown() {
        core.stop()
        core.finished.wait()
    }

    final class Core: Sendable {
        struct State: ~Copyable {
            var entries: Ring<any Expirable> = Ring(capacity: 256)
            var stopping = false
            var sleeping = false
        }

        let state = Mutex(State())
        let wake = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()

        func watch(_ entry: any Expirable) {
            let wakeUp = state.withLock { state -> Bool in
                state.entries.append(entry)
                guard state.sleeping else { return false }
                state.sleeping = false
                return true
            }
            if wakeUp { wake.signal() }
        }

        func stop() {
            let first = state.withLock { state -> Bool in
                defer { state.stopping = true }
                return !state.stopping
            }
            if first { wake.signal() }
        }

        func run() {
            while true {
                var due: [any Expirable] = []
                let next = state.withLock { state -> UInt64? in
                    if state.stopping { return 0 }
                    let now = MonotonicTime.now()
                    while let head = state.entries.first {
                        if head.isFinished {
                            _ = state.entries.popFirst()
                        } else if head.deadline <= now {
                            due.append(head)
                            _ = state.entries.popFirst()
                        } else {
                            // A slow request at the head keeps finished ones behind it: drop those
                            // now and then, so memory stays bounded by the requests in flight.
                            if state.entries.count > 4096 { state.entries.removeAll { $0.isFinished } }
                            return head.deadline
                        }
                    }
                    state.sleeping = true
                    return nil
                }
                if next == 0 { return }
                for entry in due where !entry.isFinished { entry.expire() }
                if let next {
                    let now = MonotonicTime.now()
                    // Wake at the head's deadline, and at least every 100 ms so that finished heads
                    // are dropped and memory stays bounded by the requests in flight.
                    let wait = min(next > now ? next - now : 0, 100_000_000)
                    _ = wake.wait(timeout: .now() + .nanoseconds(Int(wait)))
                } else {
                    wake.wait()
                }
            }
        }
    }
}

/// `CLOCK_MONOTONIC` in nanoseconds.
public enum MonotonicTime {
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// `seconds` as nanoseconds, clamped to [0, ~292 years].
    public static func nanoseconds(_ seconds: Double) -> UInt64 {
        guard seconds > 0 else { return 0 }
        guard seconds < 9e9 else { return UInt64(9e18) }
        return UInt64(seconds * 1_000_000_000)
    }
}
