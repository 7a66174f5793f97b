import DispatchHTTP
#if canImport(Glibc)
import Glibc
#endif

/// Reading the `Cookie` request header and writing `Set-Cookie`.
public enum Cookies {
    /// The value of cookie `name` from every `Cookie` header of the request (first match).
    /// Byte-level: it runs on every authenticated request.
    public static func value(named name: String, in headers: HTTPHeaders) -> String? {
        var wanted = name
        return wanted.withUTF8 { wanted in
            for header in headers.values("Cookie") {
                var header = header
                if let value = header.withUTF8({ value(named: wanted, in: $0) }) { return value }
            }
            return nil
        }
    }

    /// The value of cookie `wanted` in one `Cookie` header's bytes, scanned in place.
    private static func value(named wanted: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let semicolon = UInt8(ascii: ";"), equalsSign = UInt8(ascii: "="), quote = UInt8(ascii: "\"")
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var pairStart = 0
        while pairStart <= bytes.count {
            var pairEnd = pairStart
            while pairEnd < bytes.count, bytes[pairEnd] != semicolon { pairEnd += 1 }
            defer { pairStart = pairEnd + 1 }
            var start = pairStart
            while start < pairEnd, isBlank(bytes[start]) { start += 1 }
            var equals = start
            while equals < pairEnd, bytes[equals] != equalsSign { equals += 1 }
            guard equals < pairEnd, equals - start == wanted.count,
                  wanted.isEmpty || memcmp(bytes.baseAddress! + start, wanted.baseAddress!, wanted.count) == 0
            else { continue }
            var end = pairEnd
            while end > equals + 1, isBlank(bytes[end - 1]) { end -= 1 }
            var valueStart = equals + 1
            if end - valueStart >= 2, bytes[valueStart] == quote, bytes[end - 1] == quote {
                valueStart += 1
                end -= 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)
        }
        return nil
    }

    /// A `Set-Cookie` value. No `Secure`: the emulator speaks plain HTTP on loopback, where cookie
    /// jars would drop a secure cookie.
    public static func setCookie(name: String, value: String, httpOnly: Bool) -> String {
        "\(name)=\(value); Path=/" + (httpOnly ? "; HttpOnly" : "")
    }

    /// A `Set-Cookie` value that deletes the cookie, as the platform's logout does.
    public static func expireCookie(name: String) -> String {
        "\(name)=none; Path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT"
    }
}
