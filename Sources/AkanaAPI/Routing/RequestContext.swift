import AkanaDomain
import DispatchHTTP
import SQLiteStore
import Synchronization
import WorkQueues

/// One request on its way through the API, handed explicitly to everything that runs it: the
/// route handler gets it as `RouteRequest.context`, the services get its `scope` (through the
/// caller's `AuthenticatedSession.scope`, or as a parameter), and the database joins that scope's
/// participant (the request's journal entry) to every write and obeys its deadline. Nothing is
/// found through task-locals or thread-locals, so the work may run on any thread.
///
/// Its life: `running` → `sealed` (a write of it is about to commit: it is answered with what
/// really happened, however late) or `expired` (the handler deadline passed first: it is answered
/// 503 at once, its statements are interrupted, its writes refused) → `finished` (answered).
public final class RequestContext: Sendable {
    private enum Phase: UInt8 {
        case running = 0
        case sealed = 1
        case expired = 2
        case finished = 3
    }

    public let http: HTTPRequest
    /// What the journal learns while the request runs (session user, path parameters, changed ids).
    public let notes: RequestNotes
    /// The request's journal entry; nil when the journal is off or for the journal's own routes.
    let journaling: JournaledRequest?
    /// Monotonic nanoseconds after which the request is answered 503.
    public let deadline: UInt64
    /// Monotonic nanoseconds at arrival (for the logged duration).
    let arrived: UInt64
    let responder: HTTPResponder
    /// Answers the request when its deadline passed first (set by `AkanaApplication`).
    private let onExpire: @Sendable (RequestContext) -> Void
    private let phase = Atomic<UInt8>(Phase.running.rawValue)

    init(
        http: HTTPRequest, journaling: JournaledRequest?, timeout: UInt64, responder: HTTPResponder,
        onExpire: @escaping @Sendable (RequestContext) -> Void
    ) {
        self.onExpire = onExpire
        self.http = http
        self.journaling = journaling
        self.notes = journaling?.notes ?? RequestNotes()
        self.arrived = MonotonicTime.now()
        self.deadline = arrived &+ timeout
        self.responder = responder
    }

    /// A context for code that runs a request outside the server (tests, tools): no journal, no deadline.
    public convenience init(http: HTTPRequest) {
        self.init(http: http, journaling: nil, timeout: .max / 2, responder: HTTPResponder { _ in }, onExpire: { _ in })
    }

    /// What the request's database work brings along: the journal entry and the deadline.
    public var scope: TransactionScope { TransactionScope(participant: journaling, deadline: self) }

    /// Claims the right to answer: true once, for whoever gets here first (the handler or the deadline).
    func claimAnswer(expiring: Bool) -> Bool {
        if expiring {
            return phase.compareExchange(
                expected: Phase.running.rawValue, desired: Phase.expired.rawValue, ordering: .acquiringAndReleasing
            ).exchanged
        }
        let previous = phase.exchange(Phase.finished.rawValue, ordering: .acquiringAndReleasing)
        return previous == Phase.running.rawValue || previous == Phase.sealed.rawValue
    }

    var isAnswered: Bool {
        let value = phase.load(ordering: .acquiring)
        return value == Phase.expired.rawValue || value == Phase.finished.rawValue
    }
}

extension RequestContext: TransactionDeadline {
    public var isExpired: Bool { phase.load(ordering: .acquiring) == Phase.expired.rawValue }

    public func sealForCommit() -> Bool {
        let (exchanged, original) = phase.compareExchange(
            expected: Phase.running.rawValue, desired: Phase.sealed.rawValue,
            ordering: .acquiringAndReleasing)
        return exchanged || original == Phase.sealed.rawValue || original == Phase.finished.rawValue
    }
}

extension RequestContext: Expirable {
    public var isFinished: Bool { phase.load(ordering: .acquiring) == Phase.finished.rawValue }

    public func expire() {
        guard claimAnswer(expiring: true) else { return }
        onExpire(self)
    }
}
