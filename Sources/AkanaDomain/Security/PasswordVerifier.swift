import Dispatch
import Synchronization
import WorkQueues

/// Runs the deliberately slow password KDF on its own small pool of low-priority threads, so that
/// password guessing can never take the threads that serve everything else: at most
/// `threads` verifications run at once, at most `queueLimit` wait, and one more is refused
/// at once with a 503 fault (`Retry-After`). The lane's threads run at the lowest CPU priority
/// (nice 19): under load, other requests go first.
public final class PasswordVerifier: Sendable {
    public let hasher: PasswordHasher
    private let lane: WorkerPool

    public init(hasher: PasswordHasher, threads: Int = 1, queueLimit: Int = 4) {
        self.hasher = hasher
        lane = WorkerPool(name: "akana-kdf", threadCount: threads, queueLimit: queueLimit, niceness: 19)
    }

    /// True when `password` matches `stored` (`PasswordHasher.verify`), computed on the lane.
    /// - Throws: `DomainError(.unavailable)` when the lane's queue is full.
    public func verify(_ password: String, against stored: String) throws -> Bool {
        try onLane { $0.verify(password, against: stored) }
    }

    /// Spends the time of a verification on the lane (an unknown user must cost what a known one does).
    public func simulateVerification() throws {
        try onLane { $0.simulateVerification() }
    }

    private func onLane<T: Sendable>(_ work: @escaping @Sendable (PasswordHasher) -> T) throws -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        let hasher = hasher
        let queued = lane.submit {
            let value = work(hasher)
            result.withLock { $0 = value }
            done.signal()
        }
        guard queued else {
            throw DomainError(.unavailable, "Too many logins are being verified right now; retry shortly.", retryAfterSeconds: 1)
        }
        done.wait()
        return result.withLock { $0! }
    }
}
