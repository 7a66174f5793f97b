import Dispatch
import Foundation
import SQLiteStore
import Synchronization

/// The request journal: every request the emulator answers, kept in `request_journal`.
///
/// Recording must not cost the request path a database write, so `record` only appends the entry
/// to an in-memory buffer under a mutex (held for the append alone). A *drain* — one `asyncWrite`
/// transaction that takes the whole buffer, inserts it (multi-row INSERTs on cached statements) and
/// prunes by count and age — is queued when the buffer reaches `Policy.batchSize` entries or
/// `Policy.flushDelay` after its first entry, whichever comes first; `flush()` queues one and waits.
/// A drain takes the buffer when it runs on the writer's serial queue, so batches are inserted (and
/// numbered) in the order they were recorded, and the mutex is never held while calling the pool.
///
/// Journal rows are therefore not written in the transaction of the change they describe: a
/// SIGKILL can lose the last `flushDelay` (200 ms) of entries, never an acknowledged change.
public final class RequestJournal: Sendable {
    public struct Policy: Sendable, Equatable {
        /// Rows kept (the newest); 0 turns the journal off.
        public var maxEntries = 100_000
        /// Rows older than this (by the emulator clock) are removed.
        public var maxAgeHours = 168
        /// A buffer this full is written at once.
        public var batchSize = 256
        /// A buffered entry is written at most this long (seconds) after it was recorded.
        public var flushDelay = 0.2

        public init(maxEntries: Int = 100_000, maxAgeHours: Int = 168) {
            self.maxEntries = maxEntries
            self.maxAgeHours = maxAgeHours
        }

        public var isEnabled: Bool { maxEntries > 0 }
    }

    private struct State {
        var buffer: [RequestJournalEntry] = []
        /// Incremented whenever a drain takes the buffer, so a timer armed for an earlier buffer does nothing.
        var epoch: UInt64 = 0
        /// A size- or timer-triggered drain is queued and has not taken the buffer yet.
        var drainQueued = false
        /// Drains queued and not finished (committed or failed).
        var inFlight = 0
        /// Entries the running drain took (read by its completion when the write failed).
        var taken = 0
        /// Entries lost to failed writes since start.
        var dropped = 0
    }

    private enum Next {
        case nothing
        case drain
        case armTimer(UInt64)
    }

    public let database: DatabasePool
    public let clock: EmulatorClock
    public let policy: Policy
    private let state = Mutex(State())
    private let timerQueue = DispatchQueue(label: "AkanaDomain.RequestJournal.timer")
    private let onError: @Sendable (any Error) -> Void

    /// `onError` hears about drains that could not be written (their entries are dropped); it runs
    /// on the writer queue and must not use the database.
    public init(database: DatabasePool, clock: EmulatorClock, policy: Policy = Policy(),
                onError: @escaping @Sendable (any Error) -> Void = { _ in }) {
        self.database = database
        self.clock = clock
        self.policy = policy
        self.onError = onError
    }

    public var isEnabled: Bool { policy.isEnabled }

    /// Entries lost because their drain could not be written.
    public var droppedEntries: Int { state.withLock { $0.dropped } }

    /// Buffers `entry`; never blocks on the database. Does nothing when the journal is off.
    public func record(_ entry: RequestJournalEntry) {
        guard policy.isEnabled else { return }
        let next = state.withLock { state -> Next in
            state.buffer.append(entry)
            if state.buffer.count >= policy.batchSize, !state.drainQueued {
                state.drainQueued = true
                state.inFlight += 1
                return .drain
            }
            return state.buffer.count == 1 ? .armTimer(state.epoch) : .nothing
        }
        switch next {
        case .nothing: break
        case .drain: queueDrain(completion: nil)
        case .armTimer(let epoch):
            timerQueue.asyncAfter(deadline: .now() + policy.flushDelay) { [self] in
                let due = state.withLock { state -> Bool in
                    guard state.epoch == epoch, !state.buffer.isEmpty, !state.drainQueued else { return false }
                    state.drainQueued = true
                    state.inFlight += 1
                    return true
                }
                if due { queueDrain(completion: nil) }
            }
        }
    }

    /// Writes whatever is buffered and returns once it, and every drain queued before, is committed
    /// (or failed). Blocks the caller: not for the writer queue (an `asyncWrite` completion).
    public func flush() {
        let mustWait = state.withLock { state -> Bool in
            guard !state.buffer.isEmpty || state.inFlight > 0 else { return false }
            state.inFlight += 1
            return true
        }
        guard mustWait else { return }
        let done = DispatchSemaphore(value: 0)
        queueDrain { done.signal() }
        done.wait()
    }

    /// Queues a drain on the writer queue (the caller counted it in `inFlight`).
    private func queueDrain(completion: (@Sendable () -> Void)?) {
        let policy = self.policy
        let clock = self.clock
        database.asyncWrite({ [self] db in
            var batch: [RequestJournalEntry] = []
            batch.reserveCapacity(policy.batchSize)
            state.withLock { state in
                swap(&batch, &state.buffer)
                state.epoch &+= 1
                state.drainQueued = false
                state.taken = batch.count
            }
            guard !batch.isEmpty else { return }
            try Self.insert(batch, into: db)
            try Self.prune(db, policy: policy, now: clock.now())
        }, completion: { [self] result in
            self.state.withLock { state in
                state.inFlight -= 1
                if case .failure = result { state.dropped += state.taken }  // 0 when the body never ran
                state.taken = 0
            }
            if case .failure(let error) = result { onError(error) }
            completion?()
        })
    }

    // MARK: Storage

    static let columns = "at, method, path, query, status, duration_ms, tenant, user_id, request_bytes, response_bytes, request_id, changed_ids"
    static let rowsPerStatement = 16
    static let multiRowInsert = "INSERT INTO request_journal (\(columns)) VALUES "
        + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rowsPerStatement).joined(separator: ", ")
    static let singleRowInsert = "INSERT INTO request_journal (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    /// Inserts `entries` in order: 16 rows per statement, the rest one by one (both statements cached).
    static func insert(_ entries: [RequestJournalEntry], into db: SQLiteConnection) throws {
        var index = 0
        var arguments: [any SQLiteBindable] = []
        arguments.reserveCapacity(12 * rowsPerStatement)
        while entries.count - index >= rowsPerStatement {
            arguments.removeAll(keepingCapacity: true)
            for entry in entries[index..<(index + rowsPerStatement)] { append(entry, to: &arguments) }
            try db.run(multiRowInsert, arguments)
            index += rowsPerStatement
        }
        while index < entries.count {
            arguments.removeAll(keepingCapacity: true)
            append(entries[index], to: &arguments)
            try db.run(singleRowInsert, arguments)
            index += 1
        }
    }

    private static func append(_ entry: RequestJournalEntry, to arguments: inout [any SQLiteBindable]) {
        arguments.append(RequestJournalEntry.timestamp(entry.time))
        arguments.append(entry.method)
        arguments.append(entry.path)
        arguments.append(entry.query)
        arguments.append(entry.status)
        arguments.append(entry.durationMs)
        arguments.append(entry.tenant)
        arguments.append(entry.user)
        arguments.append(entry.requestBytes)
        arguments.append(entry.responseBytes)
        arguments.append(entry.requestID)
        arguments.append(entry.changedIDs.isEmpty ? "" : JSONWriter.string(.array(entry.changedIDs.map(JSONValue.string))))
    }

    /// Keeps the newest `maxEntries` rows and none older than `maxAgeHours`.
    static func prune(_ db: SQLiteConnection, policy: Policy, now: Date) throws {
        try db.run("DELETE FROM request_journal WHERE id <= (SELECT MAX(id) FROM request_journal) - ?", policy.maxEntries)
        let cutoff = now.addingTimeInterval(-Double(policy.maxAgeHours) * 3600)
        try db.run("DELETE FROM request_journal WHERE at < ?", RequestJournalEntry.timestamp(cutoff))
    }

    // MARK: Reading

    /// The entries matching `filter`, newest first, after writing the buffer (so a client reads back
    /// its own earlier requests).
    public func entries(matching filter: RequestJournalFilter) throws -> [RequestJournalEntry] {
        flush()
        var conditions: [String] = []
        var arguments: [any SQLiteBindable] = []
        if let method = filter.method {
            conditions.append("method = ?")
            arguments.append(method)
        }
        if let path = filter.path {
            if filter.pathIsPrefix {
                conditions.append("path GLOB ?")
                arguments.append(Self.globPrefix(path))
            } else {
                conditions.append("path = ?")
                arguments.append(path)
            }
        }
        if let status = filter.status {
            if status.count == 1 {
                conditions.append("status = ?")
                arguments.append(status.lowerBound)
            } else {
                conditions.append("status BETWEEN ? AND ?")
                arguments.append(status.lowerBound)
                arguments.append(status.upperBound)
            }
        }
        if let since = filter.since {
            conditions.append("at >= ?")
            arguments.append(RequestJournalEntry.timestamp(since))
        }
        arguments.append(max(0, min(filter.limit, RequestJournalFilter.maxLimit)))
        let sql = "SELECT \(Self.columns) FROM request_journal"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY id DESC LIMIT ?"
        return try database.read { db in
            try db.query(sql, arguments).map(Self.entry)
        }
    }

    /// Removes every entry, buffered or written.
    public func clear() throws {
        try database.write { db in
            state.withLock { state in
                state.buffer.removeAll(keepingCapacity: true)
                state.epoch &+= 1
            }
            try db.run("DELETE FROM request_journal")
        }
    }

    /// `prefix*` with GLOB's own characters in `prefix` taken literally.
    static func globPrefix(_ prefix: String) -> String {
        var pattern = ""
        for character in prefix {
            switch character {
            case "*": pattern += "[*]"
            case "?": pattern += "[?]"
            case "[": pattern += "[[]"
            default: pattern.append(character)
            }
        }
        return pattern + "*"
    }

    private static func entry(_ row: SQLiteRow) -> RequestJournalEntry {
        let changed = row.string("changed_ids") ?? ""
        var changedIDs: [String] = []
        if !changed.isEmpty, let parsed = try? JSONParser.parse(Array(changed.utf8)), let elements = parsed.arrayValue {
            changedIDs = elements.compactMap(\.stringValue)
        }
        return RequestJournalEntry(
            time: row.string("at").flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0),
            method: row.string("method") ?? "", path: row.string("path") ?? "", query: row.string("query") ?? "",
            status: row.int("status") ?? 0, durationMs: row.double("duration_ms") ?? 0, tenant: row.string("tenant") ?? "",
            user: row.string("user_id"), requestBytes: row.int("request_bytes") ?? 0, responseBytes: row.int("response_bytes") ?? 0,
            requestID: row.string("request_id") ?? "", changedIDs: changedIDs)
    }
}
