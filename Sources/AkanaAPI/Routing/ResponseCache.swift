import DispatchHTTP
import Foundation
import SQLiteStore
import Synchronization

/// The answers of repeatable reads, kept in memory so that asking again costs no handler thread and
/// no database read: an event-loop thread answers a request it finds here at once
/// (`AkanaApplication.handle`).
///
/// What may be kept: the 200 answers of the GET routes declared `cached: true`, whose response is a
/// function of the database, the request target and the caller alone. An answer is found again only
/// by a request with the same target and the same `Cookie`, `Host` and `Accept` header values (the
/// caller and the form it asked for), and only while:
/// - no commit happened since the read began (`DatabasePool.changeCounter()`: every commit counts,
///   restores and resets included; the request journal's own drains do not). A client that wrote
///   something is answered after its commit moved the counter, so it never reads back the old state;
/// - the session it was read with has not expired by the emulator clock (checked on every hit);
/// - no injected fault is set, and the tenant does not require the CSRF header on reads (either
///   sends every request to its handler).
///
/// Every hit is journaled, counted and logged like any answer. A commit forgets everything at once:
/// the cache only ever holds answers read at the current count. Its size is bounded by `maxBytes`
/// (estimated: key, headers and body, plus a fixed overhead per entry); an answer that does not
/// fit empties it and starts it again (so junk targets cannot hold its room for good).
final class ResponseCache: Sendable {
    /// What a response may vary on besides its target: the caller's cookies, the host that names
    /// the tenant, and the form asked for.
    /// Every field of each name counts (`HTTPHeaders.joinedValues`), so two requests share a caller
    /// only when they sent the same values.
    struct Caller: Hashable, Sendable {
        var cookie: String?
        var host: String?
        var accept: String?

        init(_ request: HTTPRequest) {
            cookie = request.headers.joinedValues("Cookie")
            host = request.headers.joinedValues("Host")
            accept = request.headers.joinedValues("Accept")
        }

        var bytes: Int { (cookie?.utf8.count ?? 0) + (host?.utf8.count ?? 0) + (accept?.utf8.count ?? 0) }
    }

    /// A kept answer and what the journal needs to record a hit on it.
    struct Entry: Sendable {
        var response: HTTPResponse
        /// The matched route's template.
        var route: String
        /// The session's UserID, when the route needed one.
        var userID: String?
        /// The session's expiry (emulator clock): a hit at or after it goes to the handler, which refuses it.
        var sessionExpiresAt: Date?
    }

    /// Bytes counted per entry and per caller on top of their strings and body (dictionary slots,
    /// string and array headers, the response's headers).
    static let entryOverhead = 192

    private struct State {
        /// The counter value every kept entry was read at.
        var stamp: UInt64 = 0
        var bytes = 0
        var entries: [Caller: [String: Entry]] = [:]
    }

    private let counter: TableChangeCounter
    let maxBytes: Int
    private let state = Mutex(State())
    /// `state.stamp + 1` while entries are kept, else 0 (so `discardIfStale` costs two atomic loads).
    private let keptStamp = Atomic<UInt64>(0)
    private let hitCount = Atomic<Int>(0)
    private let missCount = Atomic<Int>(0)

    init(counter: TableChangeCounter, maxBytes: Int) {
        self.counter = counter
        self.maxBytes = maxBytes
    }

    /// The counter's settled value now: read it before the handler reads anything, and store its
    /// answer with it; nil while a commit is under way (the answer is then not kept).
    var stamp: UInt64? { counter.settledValue }

    /// Nothing is kept (one atomic load): lookups can be skipped.
    var isEmpty: Bool { keptStamp.load(ordering: .relaxed) == 0 }

    /// Hits and misses so far (a miss is a cacheable request that went to its handler).
    var hits: Int { hitCount.load(ordering: .relaxed) }
    var misses: Int { missCount.load(ordering: .relaxed) }
    /// Bytes the kept entries are counted at now.
    var bytes: Int { state.withLock { $0.bytes } }

    /// The kept answer to `target` for `caller`, if it is still current at `now`.
    func lookup(target: String, caller: Caller, now: Date) -> Entry? {
        guard let current = counter.settledValue else { return nil }
        let entry = state.withLock { state -> Entry? in
            guard state.stamp == current else { return nil }
            return state.entries[caller]?[target]
        }
        guard let entry, entry.sessionExpiresAt.map({ now < $0 }) ?? true else { return nil }
        hitCount.add(1, ordering: .relaxed)
        return entry
    }

    /// Counts a request that could have been a hit and went to its handler.
    func noteMiss() {
        missCount.add(1, ordering: .relaxed)
    }

    /// Keeps `entry`, read at `stamp`, unless a commit happened since (it may be stale). A full
    /// cache is emptied first: junk targets or callers cannot take its room for good.
    func store(_ entry: Entry, target: String, caller: Caller, stamp: UInt64?) {
        guard let stamp, stamp == counter.settledValue else { return }
        let size = Self.size(entry, target: target)
        var forgotten: [Caller: [String: Entry]] = [:]
        state.withLock { state in
            if stamp > state.stamp {
                swap(&forgotten, &state.entries)  // deallocated outside the lock
                state.stamp = stamp
                state.bytes = 0
            }
            guard stamp == state.stamp else { return }
            keptStamp.store(stamp &+ 1, ordering: .relaxed)
            let isNewCaller = state.entries[caller] == nil
            // What the entry takes alone, with its caller: more than the cache holds is never kept.
            let alone = size + Self.entryOverhead + caller.bytes
            guard alone <= maxBytes else { return }
            let added = isNewCaller ? alone : size
            if state.bytes + added > maxBytes {  // full: start again with this entry (bytes > 0, so nothing was swapped out above)
                swap(&forgotten, &state.entries)
                state.entries[caller] = [target: entry]
                state.bytes = alone
                return
            }
            if let previous = state.entries[caller]?.updateValue(entry, forKey: target) {
                state.bytes -= Self.size(previous, target: target)
            } else if isNewCaller {
                state.entries[caller] = [target: entry]
            }
            state.bytes += added
        }
        _ = forgotten
    }

    /// Frees the kept entries once a commit made them stale, rather than when the next answer is
    /// kept (which may be long after: a run of writes keeps no answer). Call it off the event loop.
    func discardIfStale() {
        let kept = keptStamp.load(ordering: .relaxed)
        guard kept != 0, kept &- 1 != counter.value else { return }
        var forgotten: [Caller: [String: Entry]] = [:]
        state.withLock { state in
            guard state.stamp != counter.value, !state.entries.isEmpty else { return }
            swap(&forgotten, &state.entries)
            state.bytes = 0
            keptStamp.store(0, ordering: .relaxed)
        }
        _ = forgotten
    }

    /// What an entry is counted at.
    static func size(_ entry: Entry, target: String) -> Int {
        entryOverhead + target.utf8.count + entry.response.body.count
            + entry.response.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
    }
}
