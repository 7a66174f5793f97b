/// Mints the identifiers, tokens and secrets of the platform's shapes.
public struct IDGenerator: Sendable {
    public init() {}

    /// A random (version 4) UUID in lowercase, e.g. `8697a0a0-2c6f-4bee-a501-c0819b649791`.
    public func uuid() -> String {
        var bytes = Crypto.randomBytes(16)
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
            for byte in Crypto.randomBytes(count) where byte < 248 && result.count < count {
                result.append(Self.alphanumerics[Int(byte) % 62])
            }
        }
        return result
    }

    /// `byteCount` random bytes as lowercase hex (a 20-byte value is a 40-hex shared secret).
    public func hex(byteCount: Int) -> String {
        Crypto.hex(Crypto.randomBytes(byteCount))
    }
}
