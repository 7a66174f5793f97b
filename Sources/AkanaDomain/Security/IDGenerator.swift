/// Mints the identifiers, tokens and secrets of the platform's shapes. The single door for them:
/// every id, session TokenID and secret comes from `source` (secure random by default, or the
/// seeded generator of `deterministicIds`).
public struct IDGenerator: Sendable {
    public let source: RandomSource

    public init(source: RandomSource = .secure) {
        self.source = source
    }

    public var isDeterministic: Bool {
        if case .deterministic = source { return true }
        return false
    }

    /// A random (version 4) UUID in lowercase, e.g. `8697a0a0-2c6f-4bee-a501-c0819b649791`.
    public func uuid() -> String {
        var bytes = source.bytes(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Crypto.hex(bytes)
        let characters = Array(hex)
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-" + String(characters[12..<16]) + "-"
            + String(characters[16..<20]) + "-" + String(characters[20..<32])
    }

    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// `count` random letters and digits (uniform: bytes ≥ 248 are redrawn), as in app version ids.
    public func alphanumeric(_ count: Int) -> String {
        var result = ""
        result.reserveCapacity(count)
        while result.count < count {
            for byte in source.bytes(count) where byte < 248 && result.count < count {
                result.append(Self.alphanumerics[Int(byte) % 62])
            }
        }
        return result
    }

    /// `byteCount` random bytes as lowercase hex (a 20-byte value is a 40-hex shared secret).
    public func hex(byteCount: Int) -> String {
        Crypto.hex(source.bytes(byteCount))
    }

    /// A number drawn uniformly from `range` (4 bytes per draw, out-of-range draws are redrawn).
    public func number(in range: ClosedRange<UInt32>) -> UInt32 {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        let limit = (UInt64(1) << 32) / span * span
        while true {
            let bytes = source.bytes(4)
            let value = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if value < limit { return range.lowerBound + UInt32(value % span) }
        }
    }

    /// The 32-byte key that signs session cookies and CSRF tokens, made once per database: random,
    /// or in deterministic mode derived from the seed (HMAC-SHA256(seed, "akana-emulator session
    /// signing key")), so cookies and CSRF tokens are reproducible too (at a frozen clock).
    public func signingKey() -> [UInt8] {
        if case .deterministic(let generator) = source { return generator.derivedKey("session signing key") }
        return Crypto.randomBytes(32)
    }
}
