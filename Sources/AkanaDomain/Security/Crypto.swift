import ByteCodecs
import CCrypto
import Foundation

/// The few cryptographic primitives the emulator needs, from OpenSSL's libcrypto.
public enum Crypto {
    /// Cryptographically secure random bytes (RAND_bytes).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(status == 1, "RAND_bytes failed: the system has no entropy source")
        return bytes
    }

    /// HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        let result = key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    HMAC(
                        EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count),
                        messageBuffer.baseAddress, messageBuffer.count, outputBuffer.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == 32, "HMAC-SHA256 failed")
        return output
    }

    /// PBKDF2-HMAC-SHA256 (RFC 8018) of `password` with `salt`.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let status = password.withUnsafeBufferPointer { passwordBuffer in
            salt.withUnsafeBufferPointer { saltBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    passwordBuffer.withMemoryRebound(to: CChar.self) { passwordChars in
                        PKCS5_PBKDF2_HMAC(
                            passwordChars.baseAddress, Int32(passwordChars.count),
                            saltBuffer.baseAddress, Int32(saltBuffer.count), Int32(iterations),
                            EVP_sha256(), Int32(length), outputBuffer.baseAddress)
                    }
                }
            }
        }
        precondition(status == 1, "PBKDF2 failed")
        return output
    }

    /// Compares without an early exit, so timing does not reveal how much of a secret matched.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let base64URLValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in base64URLAlphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
        table[Int(UInt8(ascii: "+"))] = 62  // standard base64 is read too
        table[Int(UInt8(ascii: "/"))] = 63
        return table
    }()

    /// base64url without padding (RFC 4648 §5), as in the cookie's `sig`. Byte-level: it runs on
    /// every authenticated request.
    public static func base64URLBytes(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 2 < bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(base64URLAlphabet[Int(chunk >> 18 & 63)])
            output.append(base64URLAlphabet[Int(chunk >> 12 & 63)])
            output.append(base64URLAlphabet[Int(chunk >> 6 & 63)])
            output.append(base64URLAlphabet[Int(chunk & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let chunk = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(base64URLAlphabet[Int(chunk >> 18 & 63)])
            output.append(base64URLAlphabet[Int(chunk >> 12 & 63)])
            if rest == 2 { output.append(base64URLAlphabet[Int(chunk >> 6 & 63)]) }
        }
        return output
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        String(decoding: base64URLBytes(bytes), as: UTF8.self)
    }

    /// Decodes base64url (or standard base64), padding optional; nil on anything that is not the
    /// canonical encoding of some bytes: a character outside the alphabets, a length of 4n+1, unused
    /// low bits that are not zero (`QR` for `QQ`), padding that is wrong or followed by anything.
    public static func fromBase64URL<Bytes: Collection<UInt8>>(bytes text: Bytes) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var symbols = 0
        var padding = 0
        for symbol in text {
            if symbol == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0 else { return nil }  // data after padding
            let value = base64URLValues[Int(symbol)]
            guard value != 0xFF else { return nil }
            buffer = (buffer << 6 | UInt32(value)) & 0xFFFF
            bits += 6
            symbols += 1
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        switch symbols % 4 {
        case 0: guard padding == 0 else { return nil }
        case 1: return nil
        case 2: guard padding == 0 || padding == 2 else { return nil }
        default: guard padding == 0 || padding == 1 else { return nil }
        }
        // The bits left over must be zero, or two encodings would decode to the same bytes.
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }

    public static func fromBase64URL(_ text: String) -> [UInt8]? {
        fromBase64URL(bytes: Array(text.utf8))
    }

    /// Lowercase hex.
    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

    /// SHA-256 of `bytes` (OpenSSL).
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest
    }

    /// Lowercase hex SHA-256 of `bytes`, as `sha256sum` prints it (the migrations' checksum).
    @Sendable public static func sha256Hex(_ bytes: [UInt8]) -> String { Hex.encode(sha256(bytes)) }
}
