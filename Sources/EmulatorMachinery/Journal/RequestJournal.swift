import AkanaDomain
import Dispatch
import Foundation
import SQLiteStore
import Synchronization

/// The request journal: every request the emulator answers, kept in `request_journal`.
///
/// Two ways in, so that a change and its entry commit together while reads never pay a write:
/// - A request that commits a change has its entry written by that change's own transaction
///   (`insert(_:joining:)`, called by the request's `TransactionParticipant` just before COMMIT),
///   without the response, which does not exist yet; the response half (status, duration, size) is
///   buffered with `complete(_:)` once it does. A 2xx therefore means the entry is committed too; a
///   kill -9 between the commit and the next drain leaves that entry with a NULL status.
/// - Every other request (reads, refusals) is buffered whole with `record(_:)`.
///
/// Buffering appends to an in-memory buffer under a mutex (held for the append alone). A *drain* —
/// one `asyncWrite` transaction that takes the whole buffer, inserts its entries (multi-row INSERTs
/// on cached statements), applies its completions and prunes by count and age — is queued when the
/// buffer reaches `Policy.batchSize` or `Policy.flushDelay` after its first item, whichever comes
/// first; `flush()` queues one and waits. A joining transaction takes the buffer too and inserts it
/// before its own entry, so ids follow the order in which requests took effect: a change when it
/// committed, anything else when it was answered. Everything that takes the buffer runs on the
/// writer's serial queue, and the mutex is never held while calling the pool.
public final class RequestJournal: Sendable {
    public struct Policy: Sendable, Equatable {
        /// Rows kept (the newest); 0 turns the journal off.
        public var maxEntries = 100_000
        /// Rows older than this (by the emulator clock) are removed.
        public var maxAgeHours = 168
        /// A buffer this full is written at once (and joining transactions prune this often).
        public var batchSize = 256
        /// A buffered entry is written at most this long (seconds) after it was recorded.
        public var flushDelay = 0.2
        /// Also keep each request's header lines and the response's header lines and body (for the
        /// HAR export and the state browser's request page). Off by default: measured, it takes a
        /// third of the throughput of reads and writes (the writer stores a few KB more per request).
        public var captureExchange = false

        public init(maxEntries: Int = 100_000, maxAgeHours: Int = 168, captureExchange: Bool = false) {
            self.maxEntries = maxEntries
            self.maxAgeHours = maxAgeHours
            self.captureExchange = captureExchange
        }

        public var isEnabled: Bool { maxEntries > 0 }
    }

    /// The response half of an entry that its request's transaction already wrote.
    public struct Completion: Sendable, Equatable {
        public var rowID: Int64
        /// Checked with the row id, so a completion never lands on another request's row (after a
        /// snapshot restore brought older ids back, say).
        public var requestID: String
        public var status: Int
        public var durationMs: Double
        public var responseBytes: Int
        public var responseHeaders: String?
        public var responseBody: String?

        public init(
            rowID: Int64, requestID: String, status: Int, durationMs: Double, responseBytes: Int, responseHeaders: String? = nil,
            responseBody: String? = nil
        ) {
            self.responseHeaders = responseHeaders
            self.responseBody = responseBody
            self.rowID = rowID
            self.requestID = requestID
            self.status = status
            self.durationMs = durationMs
            self.responseBytes = responseBytes
        }
    }

    /// What `insert(_:joining:)` wrote: the entry's row, and the buffered work it took along
    /// (given back by `rolledBack` if that transaction does not commit).
    public struct JoinedEntry: Sendable {
        public let rowID: Int64
        fileprivate let taken: [Pending]
    }

    fileprivate enum Pending: Sendable {
        case entry(RequestJournalEntry)
        case completion(Completion)
    }

    private struct State {
        var buffer: [Pending] = []
        /// A flush timer is pending. At most one is: it drains whatever the buffer holds when it fires,
        /// which is never older than `flushDelay` (anything buffered since it was armed is younger).
        /// Re-arming per buffered item would cost a timer per mutation, whose joining transaction
        /// empties the buffer each time.
        var timerArmed = false
        /// A size- or timer-triggered drain is queued and has not taken the buffer yet.
        var drainQueued = false
        /// Items the running drain took (read by its completion when the write failed).
        var taken = 0
        /// Items lost to failed writes since start.
        var dropped = 0
        /// Rows inserted since the last prune.
        var sincePrune = 0
    }

    private enum Next {
        case nothing
        case drain
        case armTimer
    }

    public let database: DatabasePool
    public let clock: EmulatorClock
    public let policy: Policy
    private let state = Mutex(State())
    private let timerQueue = DispatchQueue(label: "AkanaDomain.RequestJournal.timer")
    private let onError: @Sendable (any Error) -> Void

    /// `onError` hears about drains that could not be written (their entries are dropped); it runs
    /// on the writer queue and must not use the database.
    public init(
        database: DatabasePool, clock: EmulatorClock, policy: Policy = Policy(),
        onError: @escaping @Sendable (any Error) -> Void = { _ in }
    ) {
        self.database = database
        self.clock = clock
        self.policy = policy
        self.onError = onError
    }

    public var isEnabled: Bool { policy.isEnabled }

    /// Entries (and completions) lost because their drain could not be written.
    public var droppedEntries: Int { state.withLock { $0.dropped } }

    /// Buffers `entry`; never blocks on the database. Does nothing when the journal is off.
    public func record(_ entry: RequestJournalEntry) {
        buffer(.entry(entry))
    }

    /// Buffers the response half of an entry written by `insert(_:joining:)`.
    public func complete(_ completion: Completion) {
        buffer(.completion(completion))
    }

    private func buffer(_ item: Pending) {
        guard policy.isEnabled else { return }
        let next = state.withLock { state -> Next in
            state.buffer.append(item)
            if state.buffer.count >= policy.batchSize, !state.drainQueued {
                state.drainQueued = true
                return .drain
            }
            guard !state.timerArmed else { return .nothing }
            state.timerArmed = true
            return .armTimer
        }
        switch next {
        case .nothing: break
        case .drain: queueDrain(completion: nil)
        case .armTimer:
            timerQueue.asyncAfter(deadline: .now() + policy.flushDelay) { [self] in
                let due = state.withLock { state -> Bool in
                    state.timerArmed = false
                    guard !state.buffer.isEmpty, !state.drainQueued else { return false }
                    state.drainQueued = true
                    return true
                }
                if due { queueDrain(completion: nil) }
            }
        }
    }

    // MARK: Joining a change's transaction

    /// Writes `entry` (its response half still nil) on `db`, inside the open write transaction of
    /// the change it describes, after taking along whatever is buffered. On the writer queue only
    /// (a `TransactionParticipant.willCommit`). If the transaction then rolls back, call `rolledBack`.
    public func insert(_ entry: RequestJournalEntry, joining db: SQLiteConnection) throws -> JoinedEntry {
        var taken: [Pending] = []
        let mustPrune = state.withLock { state -> Bool in
            swap(&taken, &state.buffer)
            state.sincePrune += 1
            return state.sincePrune >= policy.batchSize
        }
        do {
            try Self.write(taken, into: db)
            try RequestJournalRepository.insert([entry], into: db)
            let rowID = db.lastInsertRowID
            if mustPrune {
                try Self.prune(db, policy: policy, now: clock.now())
                state.withLock { $0.sincePrune = 0 }
            }
            return JoinedEntry(rowID: rowID, taken: taken)
        } catch {
            giveBack(taken)
            throw error
        }
    }

    /// Rewrites the changed ids of a joined entry (a later transaction of the same request changed
    /// more). The request id is checked with the row id: ids are rowids, reused once the table was
    /// emptied (by `DELETE /_emulator/requests` or an age pruning that removed every row).
    public func updateChangedIDs(rowID: Int64, requestID: String, _ ids: [String], db: SQLiteConnection) throws {
        try RequestJournalRepository.updateChangedIDs(db, rowID: rowID, requestID: requestID, ids)
    }

    /// The transaction `joined` was written in rolled back: the buffered work it took is buffered
    /// again (ahead of anything newer) and a drain is queued for it.
    public func rolledBack(_ joined: JoinedEntry) {
        giveBack(joined.taken)
    }

    private func giveBack(_ taken: [Pending]) {
        guard !taken.isEmpty else { return }
        let mustDrain = state.withLock { state -> Bool in
            state.buffer.insert(contentsOf: taken, at: 0)
            guard !state.drainQueued else { return false }
            state.drainQueued = true
            return true
        }
        if mustDrain { queueDrain(completion: nil) }
    }

    // MARK: Draining

    /// Writes whatever is buffered and returns once it, and every write queued before (drains, and
    /// a change's transaction that took the buffer along and has not committed yet), is committed
    /// (or failed). Always one trip through the writer queue, which is what orders it after such a
    /// transaction. Blocks the caller: not for the writer queue (an `asyncWrite` completion).
    public func flush() {
        guard policy.isEnabled else { return }
        let done = DispatchSemaphore(value: 0)
        queueDrain { done.signal() }
        done.wait()
    }

    /// Queues a drain on the writer queue.
    private func queueDrain(completion: (@Sendable () -> Void)?) {
        let policy = self.policy
        let clock = self.clock
        // Bookkeeping: a drain changes nothing a cached response shows (the journal's own routes
        // are never cached), so it does not invalidate them.
        database.asyncWrite(
            bookkeeping: true,
            { [self] db in
                var batch: [Pending] = []
                batch.reserveCapacity(policy.batchSize)
                let mustPrune = state.withLock { state -> Bool in
                    swap(&batch, &state.buffer)
                    state.drainQueued = false
                    state.taken = batch.count
                    return !batch.isEmpty || state.sincePrune > 0
                }
                try Self.write(batch, into: db)
                if mustPrune {
                    try Self.prune(db, policy: policy, now: clock.now())
                    state.withLock { $0.sincePrune = 0 }
                }
            },
            completion: { [self] result in
                self.state.withLock { state in
                    if case .failure = result {
                        state.dropped += state.taken  // 0 when the body never ran
                        // When BEGIN failed (a lock held past the busy timeout), the body never cleared
                        // this: without it no timer or full buffer would queue a drain again.
                        state.drainQueued = false
                    }
                    state.taken = 0
                }
                if case .failure(let error) = result { onError(error) }
                completion?()
            })
    }

    // MARK: Storage

    /// The table the journal keeps its rows in.
    public static let table = "request_journal"

    /// Inserts the buffered entries in order, then applies the completions (whose rows are older).
    fileprivate static func write(_ items: [Pending], into db: SQLiteConnection) throws {
        guard !items.isEmpty else { return }
        var entries: [RequestJournalEntry] = []
        entries.reserveCapacity(items.count)
        var completions: [Completion] = []
        for item in items {
            switch item {
            case .entry(let entry): entries.append(entry)
            case .completion(let completion): completions.append(completion)
            }
        }
        try RequestJournalRepository.insert(entries, into: db)
        for completion in completions {
            try RequestJournalRepository.complete(
                db, rowID: completion.rowID, requestID: completion.requestID, status: completion.status,
                durationMs: completion.durationMs, responseBytes: completion.responseBytes,
                responseHeaders: completion.responseHeaders, responseBody: completion.responseBody)
        }
    }

    /// Keeps the newest `maxEntries` rows, and removes rows older than `maxAgeHours` from the oldest
    /// end (in id order, up to the first row that is not expired: with a virtual clock moved back, a
    /// newer row ahead keeps older ones behind it until it expires too). Both use only the primary
    /// key, and cost one row each when there is nothing to remove.
    static func prune(_ db: SQLiteConnection, policy: Policy, now: Date) throws {
        try RequestJournalRepository.pruneByCount(db, maxEntries: policy.maxEntries)
        let cutoff = now.addingTimeInterval(-Double(policy.maxAgeHours) * 3600)
        try RequestJournalRepository.pruneOlder(db, than: cutoff)
    }

    // MARK: Reading

    /// The entries matching `filter`, newest first, after writing the buffer (so a client reads back
    /// its own earlier requests).
    public func entries(matching filter: RequestJournalFilter, scope: TransactionScope) throws -> [RequestJournalEntry] {
        flush()
        let limit = max(0, min(filter.limit, RequestJournalFilter.maxLimit))
        return try database.read(in: scope) { db in
            try RequestJournalRepository.entries(db, matching: filter, limit: limit)
        }
    }

    /// The newest entry with the server's request id `requestID` (the state browser's request
    /// page), after writing the buffer; nil when the journal has none (never kept, or pruned).
    public func entry(requestID: String, scope: TransactionScope) throws -> RequestJournalEntry? {
        flush()
        return try database.read(in: scope) { db in try RequestJournalRepository.latest(db, requestID: requestID) }
    }

    /// The state browser's overview: among the newest `window` entries, at most `limit`, failures
    /// (4xx, 5xx, an injected fault) first, each part newest first; after writing the buffer.
    public func recentFailuresFirst(window: Int, limit: Int, scope: TransactionScope) throws -> [RequestJournalEntry] {
        flush()
        return try database.read(in: scope) { db in
            try RequestJournalRepository.recentFailuresFirst(db, window: max(0, window), limit: max(0, limit))
        }
    }

    /// How many entries match `filter` (its limit aside), after writing the buffer.
    public func count(matching filter: RequestJournalFilter, scope: TransactionScope) throws -> Int {
        flush()
        return try database.read(in: scope) { db in
            try RequestJournalRepository.count(db, matching: filter)
        }
    }

    /// Removes every entry, buffered or written.
    public func clear(scope: TransactionScope) throws {
        try database.write(in: scope) { db in
            state.withLock { state in
                state.buffer.removeAll(keepingCapacity: true)
            }
            try RequestJournalRepository.deleteAll(db)
        }
    }
}
