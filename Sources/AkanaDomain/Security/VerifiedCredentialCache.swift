import Synchronization

/// Remembers, in memory only, which passwords recently verified against which stored hash, so a
/// test suite that logs in hundreds of times pays the deliberately slow KDF once per password, not
/// per login. Entries are HMACs under a key that exists only in this process; wrong passwords are
/// never cached, so guessing still costs a full KDF run per attempt.
final class VerifiedCredentialCache: Sendable {
    private let key = Crypto.randomBytes(32)
    private let entries = Mutex<[String: [UInt8]]>([:])
    private let capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    private func tag(_ password: String) -> [UInt8] {
        Crypto.hmacSHA256(key: key, message: Array(password.utf8))
    }

    func contains(password: String, storedHash: String) -> Bool {
        guard let remembered = entries.withLock({ $0[storedHash] }) else { return false }
        return Crypto.constantTimeEquals(remembered, tag(password))
    }

    func remember(password: String, storedHash: String) {
        let value = tag(password)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[storedHash] = value
        }
    }
}
