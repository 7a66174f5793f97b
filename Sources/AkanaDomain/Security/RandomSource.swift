import Foundation
import SQLiteStore
import Synchronization

/// Where `IDGenerator` takes its bytes: OpenSSL's `RAND_bytes`, or (`deterministicIds`) a generator
/// seeded from the configuration, so test suites can assert on ids.
public enum RandomSource: Sendable {
    case secure
    case deterministic(DeterministicRandom)

    public func bytes(_ count: Int) -> [UInt8] {
        switch self {
        case .secure: return Crypto.randomBytes(count)
        case .deterministic(let generator): return generator.bytes(count)
        }
    }
}

/// A deterministic byte generator: HMAC-SHA256 in counter mode (the PRF construction of NIST
/// SP 800-108) keyed with the seed. Block `n` is
///
///     HMAC-SHA256(key: UTF-8 bytes of the seed, message: "akana-emulator ids v1" ‖ n as 8 bytes big-endian)
///
/// and every request for bytes takes whole blocks (`ceil(count / 32)`, the rest of the last block is
/// dropped), so the generator's entire state is the next block number, `counter`.
///
/// Persistence: `attach(seed:database:)` loads the counter from `emulator_state`
/// (`deterministic_ids.counter`) and installs a before-commit hook on the pool, so every write
/// transaction stores the counter as it is at COMMIT, in that same transaction. Anything minted
/// before a committed write that stores it is therefore persisted with it: after a restart (or a
/// SIGKILL) the sequence continues right after the last value any committed write could hold.
/// A value minted by a request whose write failed (or never happened) is minted again; it was
/// never stored or acknowledged. A snapshot restore brings the snapshot's counter back
/// (`reload(from:)`), so the same requests after the restore get the same ids again.
public final class DeterministicRandom: Sendable {
    /// The `emulator_state` row holding the next block number.
    public static let counterStateKey = "deterministic_ids.counter"
    static let label = Array("akana-emulator ids v1".utf8)

    private let key: [UInt8]
    private let counter: Mutex<UInt64>

    public init(seed: String, counter: UInt64 = 0) {
        key = Array(seed.utf8)
        self.counter = Mutex(counter)
    }

    /// The next block number (how many blocks have been used).
    public var position: UInt64 { counter.withLock { $0 } }

    public func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        let blocks = UInt64((count + 31) / 32)
        let first = counter.withLock { value -> UInt64 in
            let first = value
            value += blocks
            return first
        }
        var output: [UInt8] = []
        output.reserveCapacity(Int(blocks) * 32)
        for index in 0..<blocks { output += block(first + index) }
        return Array(output.prefix(count))
    }

    func block(_ number: UInt64) -> [UInt8] {
        var message = Self.label
        withUnsafeBytes(of: number.bigEndian) { message.append(contentsOf: $0) }
        return Crypto.hmacSHA256(key: key, message: message)
    }

    /// A key derived from the seed for `purpose` (independent of the counter):
    /// HMAC-SHA256(seed, "akana-emulator " + purpose).
    public func derivedKey(_ purpose: String) -> [UInt8] {
        Crypto.hmacSHA256(key: key, message: Array("akana-emulator \(purpose)".utf8))
    }

    // MARK: - Persistence

    /// A generator that continues the sequence stored in `database`, kept there by every write
    /// transaction from now on (see the type's documentation).
    public static func attach(seed: String, database: DatabasePool) throws -> DeterministicRandom {
        let generator = DeterministicRandom(seed: seed, counter: try storedCounter(database, scope: .startup))
        database.setBeforeCommit { db in try generator.persist(db) }
        return generator
    }

    /// Takes the counter the database holds now (after a snapshot restore).
    public func reload(from database: DatabasePool, scope: TransactionScope) throws {
        let stored = try Self.storedCounter(database, scope: scope)
        counter.withLock { $0 = stored }
    }

    /// Takes the counter `db` holds, inside a transaction that put another state in place (a
    /// rollback): the before-commit hook then stores that counter, not the one from before.
    public func reload(from db: SQLiteConnection) throws {
        let text = try EmulatorStateRepository.value(db, Self.counterStateKey)
        let stored = text.flatMap(UInt64.init) ?? 0
        counter.withLock { $0 = stored }
    }

    /// Writes the counter into `emulator_state` on the writer's open transaction.
    public func persist(_ db: SQLiteConnection) throws {
        try EmulatorStateRepository.set(db, Self.counterStateKey, String(position))
    }

    static func storedCounter(_ database: DatabasePool, scope: TransactionScope) throws -> UInt64 {
        let text = try database.read(in: scope) { db in
            try EmulatorStateRepository.value(db, counterStateKey)
        }
        guard let text else { return 0 }
        guard let value = UInt64(text) else {
            throw DomainError.conflict(
                "emulator_state.\(counterStateKey) is '\(text)', not a number; delete that row to restart the sequence at 0.")
        }
        return value
    }
}
