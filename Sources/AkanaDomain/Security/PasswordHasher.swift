/// Salted password hashes from PBKDF2-HMAC-SHA256 (OpenSSL), stored as a self-describing string
/// `pbkdf2-sha256$<iterations>$<salt base64url>$<hash base64url>` so the cost can rise later
/// without invalidating stored hashes. Passwords are never stored or logged in plaintext.
public struct PasswordHasher: Sendable {
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 600_000

    public var iterations: Int

    public init(iterations: Int = PasswordHasher.defaultIterations) {
        self.iterations = iterations
    }

    public func hash(_ password: String) -> String {
        let salt = Crypto.randomBytes(16)
        let derived = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: 32)
        return "pbkdf2-sha256$\(iterations)$\(Crypto.base64URL(salt))$\(Crypto.base64URL(derived))"
    }

    /// True when `password` matches `stored`. A malformed stored hash never matches.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
            let salt = Crypto.fromBase64URL(String(parts[2])), let expected = Crypto.fromBase64URL(String(parts[3])),
            !expected.isEmpty
        else { return false }
        let derived = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: rounds, length: expected.count)
        return Crypto.constantTimeEquals(derived, expected)
    }

    /// Spends the same time as a real verification, so an unknown user is not told apart from a wrong password by timing.
    public func simulateVerification() {
        _ = Crypto.pbkdf2SHA256(password: [0], salt: [0], iterations: iterations, length: 32)
    }
}
