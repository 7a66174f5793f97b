import Dispatch
import Synchronization
import WorkQueues

/// Runs the deliberately slow password KDF on its own small pool of threads, so that password
/// guessing can never take the threads that serve everything else: at most `threads`
/// verifications run at once, at most `queueLimit` wait, and one more is refused at once with a
/// 503 fault (`Retry-After`). The lane's threads run at the normal priority (nice 0, SCHED_OTHER),
/// so a login makes progress on a busy machine: beside three busy processes on 2 cores a first
/// login takes 0.4 s (`Benchmarks/busy_logins.py`); at nice 19 with SCHED_IDLE it got no CPU at
/// all and waited 30 s for a 503. A login flood is held off by what does not depend on the
/// scheduler: this bounded queue (at most `threads` cores busy hashing), the per-account and
/// per-address failure locks checked before hashing, and the verified-credential cache; the
/// bench's flood keeps GET throughput at 0.70 of a quiet run at this priority.
public final class PasswordVerifier: Sendable {
    public let hasher: PasswordHasher
    private let lane: WorkerPool

    /// The lane threads' nice value (see the type's comment; measured in Benchmarks/busy_logins.py).
    public static let niceness: Int32 = 0

    public init(hasher: PasswordHasher, threads: Int = 1, queueLimit: Int = 4) {
        self.hasher = hasher
        lane = WorkerPool(name: "akana-kdf", threadCount: threads, queueLimit: queueLimit, niceness: Self.niceness)
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
