import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A fixed set of threads taking work from one bounded FIFO queue.
///
/// - `submit` never blocks: it returns false when `queueLimit` items are already waiting, so the
///   caller can refuse the work at once (e.g. a 503) instead of letting a queue grow without bound.
/// - Items run in submission order, each on one of the `threadCount` threads, to completion.
/// - `niceness` (Linux `setpriority` on each thread) lets CPU-heavy lanes, such as password
///   hashing, yield part of a contended core to everything else (CFS weights: at +5 a busy lane
///   gets about a quarter of a core shared with one normal thread), while still making progress.
///
/// The threads live as long as the pool; `shutdown()` lets queued items finish and ends them.
public final class WorkerPool: Sendable {
    public typealias Work = @Sendable () -> Void

    public let name: String
    public var threadCount: Int { core.threadCount }
    public var queueLimit: Int { core.queueLimit }
    private let core: Core

    /// - Parameters:
    ///   - threadCount: threads (at least 1).
    ///   - queueLimit: items allowed to wait while every thread is busy.
    ///   - niceness: 0 (normal) … 19 (lowest); applied to each thread, under the normal scheduling policy.
    public init(name: String, threadCount: Int, queueLimit: Int, niceness: Int32 = 0) {
        self.name = name
        core = Core(threadCount: max(1, threadCount), queueLimit: max(0, queueLimit))
        for index in 0..<core.threadCount {
            core.finished.enter()
            // The threads hold the core, not the pool: dropping the pool ends them.
            let core = core
            let thread = Thread {
                if niceness != 0 { Self.setNiceness(niceness) }
                core.run()
                core.finished.leave()
            }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        core.stop()
    }

    /// Items waiting for a thread.
    public var queuedCount: Int { core.state.withLock { $0.queue.count } }
    /// Items running now.
    public var runningCount: Int { core.state.withLock { $0.running } }

    /// Queues `work`; false (and `work` dropped) when `queueLimit` items already wait for a
    /// busy thread, or the pool is shutting down.
    @discardableResult
    public func submit(_ work: @escaping Work) -> Bool {
        core.submit(work)
    }

    /// Lets queued items finish, then ends the threads. Blocks until they ended; idempotent.
    /// Must not be called from one of the pool's own threads.
    public func shutdown() {
        core.stop()
        core.finished.wait()
    }

    private static func setNiceness(_ value: Int32) {
        #if os(Linux)
            // On Linux the nice value is per thread, and `who` 0 names the calling thread. The policy
            // stays the normal one (SCHED_OTHER): a niced thread gets a smaller share of a contended
            // core, never none (SCHED_IDLE would give it nothing while any other process is runnable,
            // which starves it on a busy machine).
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, value)
        #endif
    }

    final class Core: Sendable {
        struct State: ~Copyable {
            var queue: Ring<Work>
            var running = 0
            var stopping = false
        }

        let threadCount: Int
        let queueLimit: Int
        let state: Mutex<State>
        /// Counts queued items (a thread waits on it when the queue is empty).
        let available = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()

        init(threadCount: Int, queueLimit: Int) {
            self.threadCount = threadCount
            self.queueLimit = queueLimit
            state = Mutex(State(queue: Ring(capacity: max(16, min(queueLimit + threadCount, 1 << 16)))))
        }

        func submit(_ work: @escaping Work) -> Bool {
            let accepted = state.withLock { state -> Bool in
                guard !state.stopping else { return false }
                // Idle threads take items at once: only what exceeds them counts as waiting.
                let idle = threadCount - state.running
                guard state.queue.count - max(0, idle) < queueLimit else { return false }
                state.queue.append(work)
                return true
            }
            if accepted { available.signal() }
            return accepted
        }

        func stop() {
            let first = state.withLock { state -> Bool in
                defer { state.stopping = true }
                return !state.stopping
            }
            if first { for _ in 0..<threadCount { available.signal() } }
        }

        func run() {
            while true {
                available.wait()
                let work = state.withLock { state -> Work? in
                    guard let work = state.queue.popFirst() else { return nil }
                    state.running += 1
                    return work
                }
                guard let work else {
                    // Only `stop` signals without an item: end once nothing is left.
                    if state.withLock({ $0.stopping && $0.queue.count == 0 }) { return }
                    continue
                }
                work()
                state.withLock { $0.running -= 1 }
            }
        }
    }
}

/// A growable FIFO ring buffer (amortised O(1) append and pop, no shifting).
struct Ring<Element>: ~Copyable {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = Array(repeating: nil, count: max(1, capacity))
    }

    mutating func append(_ element: Element) {
        if count == storage.count {
            var grown: [Element?] = Array(repeating: nil, count: storage.count * 2)
            for offset in 0..<count { grown[offset] = storage[(head + offset) % storage.count] }
            storage = grown
            head = 0
        }
        storage[(head + count) % storage.count] = element
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return element
    }

    var first: Element? { count > 0 ? storage[head] : nil }

    /// Removes the elements for which `shouldRemove` is true, keeping the order of the others.
    mutating func removeAll(where shouldRemove: (Element) -> Bool) {
        var kept = Ring(capacity: storage.count)
        while let element = popFirst() {
            if !shouldRemove(element) { kept.append(element) }
        }
        self = kept
    }
}
