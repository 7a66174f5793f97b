import AkanaDomain
import Foundation
import JSONCodec
import SQLiteStore
import Synchronization

/// The injected faults in force, in creation order, with how often each matched and answered.
/// Rules live in memory; those created with `persist` are also rows of `emulator_faults` and are
/// loaded again at startup. The first rule whose match covers a request and whose trigger fires
/// applies to it.
public final class FaultInjector: Sendable {
    public struct Listed: Sendable {
        public var rule: FaultRule
        public var created: String
        /// Requests its match covered.
        public var matched: Int
        /// Requests it answered (or delayed, or closed).
        public var hits: Int

        public init(rule: FaultRule, created: String, matched: Int, hits: Int) {
            self.rule = rule
            self.created = created
            self.matched = matched
            self.hits = hits
        }
    }

    private struct State {
        var rules: [Listed] = []
    }

    /// A row of `emulator_faults` that is not a fault rule: the start stops, naming the row, rather
    /// than run without a fault the tests persisted.
    public struct StoredRuleError: Error, CustomStringConvertible {
        public var id: String
        public var reason: String
        public var description: String {
            "The stored fault \(id) (a row of emulator_faults) is not a valid fault rule: \(reason). Delete the row or fix its rule."
        }
    }

    private let state = Mutex(State())
    private let database: DatabasePool
    private let clock: EmulatorClock
    /// Mints the rules' ids (`fault-<uuid>`), so `deterministicIds` covers them.
    private let ids: IDGenerator
    /// True while no rule exists: the request path then costs one atomic load.
    private let empty = Atomic<Bool>(true)

    /// Loads the persisted rules; a row that is not a valid rule throws `StoredRuleError` naming it.
    public init(database: DatabasePool, clock: EmulatorClock, ids: IDGenerator, scope: TransactionScope) throws {
        self.database = database
        self.clock = clock
        self.ids = ids
        let rows = try database.read(in: scope) { db in try FaultRepository.all(db) }
        var loaded: [Listed] = []
        for row in rows {
            let id = row.id ?? "(no id, created \(row.created))"
            guard let text = row.rule, row.id != nil else { throw StoredRuleError(id: id, reason: "its id or rule is missing") }
            var rule: FaultRule
            do {
                rule = try FaultRule.parse(try JSONParser.parse(Array(text.utf8)))
            } catch {
                throw StoredRuleError(id: id, reason: "\(error)")
            }
            rule.id = id
            loaded.append(Listed(rule: rule, created: row.created, matched: 0, hits: row.hits))
        }
        state.withLock { $0.rules = loaded }
        empty.store(loaded.isEmpty, ordering: .releasing)
    }

    /// Adds `rule` under a new id (`fault-<uuid>` from the configured generator), created now on the
    /// emulator clock; stores it first when it persists. Returns it as listed.
    public func add(_ rule: FaultRule, scope: TransactionScope) throws -> Listed {
        var rule = rule
        rule.id = "fault-\(ids.uuid())"
        let created = Timestamp.iso8601(clock.now())
        if rule.persist {
            try database.write(in: scope) { db in
                try FaultRepository.insert(db, id: rule.id, created: created, rule: JSONWriter.string(rule.source))
            }
        }
        let listed = Listed(rule: rule, created: created, matched: 0, hits: 0)
        state.withLock { $0.rules.append(listed) }
        empty.store(false, ordering: .releasing)
        return listed
    }

    public var all: [Listed] { state.withLock { $0.rules } }

    /// Removes one rule (true when it existed) or, with nil, all of them.
    @discardableResult
    public func remove(_ id: String?, scope: TransactionScope) throws -> Bool {
        let removed = state.withLock { state -> [Listed] in
            let gone = state.rules.filter { id == nil || $0.rule.id == id }
            state.rules.removeAll { id == nil || $0.rule.id == id }
            return gone
        }
        empty.store(state.withLock { $0.rules.isEmpty }, ordering: .releasing)
        if removed.contains(where: \.rule.persist) {
            try database.write(in: scope) { db in
                try FaultRepository.delete(db, id: id)
            }
        }
        return !removed.isEmpty
    }

    /// The rule that applies to this request now, if any (counting the match and the hit).
    /// No rule is set (one atomic load).
    public var isEmpty: Bool { empty.load(ordering: .acquiring) }

    public func fault(method: String, route: String?, path: String, tenant: String) -> FaultRule? {
        guard !empty.load(ordering: .acquiring) else { return nil }
        let fired = state.withLock { state -> FaultRule? in
            for index in state.rules.indices {
                let rule = state.rules[index].rule
                guard rule.matches(method: method, route: route, path: path, tenant: tenant) else { continue }
                state.rules[index].matched += 1
                let fires: Bool
                switch rule.trigger {
                case .always: fires = true
                case .times(let limit): fires = state.rules[index].hits < limit
                case .probability(let chance): fires = Double.random(in: 0..<1) < chance
                case .everyNth(let n): fires = state.rules[index].matched % n == 0
                }
                guard fires else { continue }
                state.rules[index].hits += 1
                return rule
            }
            return nil
        }
        if let fired, fired.persist {
            let id = fired.id
            database.asyncWrite(
                { db in try FaultRepository.countHit(db, id: id) },
                completion: { _ in })
        }
        return fired
    }
}
