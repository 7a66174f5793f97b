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
                if let found = header.withUTF8({ value(named: wanted, in: $0) }) { return found }
            }
            return nil
        }
    }

    /// The cookie `wanted` in one header's bytes, on indices (no copies, no split arrays).
    private static func value(named wanted: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let count = bytes.count
        var pairStart = 0
        while pairStart < count {
            var pairEnd = pairStart
            while pairEnd < count && bytes[pairEnd] != UInt8(ascii: ";") { pairEnd += 1 }
            defer { pairStart = pairEnd + 1 }
            var start = pairStart
            while start < pairEnd, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
            var equals = start
            while equals < pairEnd && bytes[equals] != UInt8(ascii: "=") { equals += 1 }
            guard equals < pairEnd, equals - start == wanted.count,
                wanted.isEmpty || memcmp(bytes.baseAddress! + start, wanted.baseAddress!, wanted.count) == 0
            else { continue }
            var end = pairEnd
            while end > equals + 1, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            var valueStart = equals + 1
            if end - valueStart >= 2, bytes[valueStart] == UInt8(ascii: "\""), bytes[end - 1] == UInt8(ascii: "\"") {
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
