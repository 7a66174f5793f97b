import DispatchHTTP

/// Reading the `Cookie` request header and writing `Set-Cookie`.
public enum Cookies {
    /// The value of cookie `name` from every `Cookie` header of the request (first match).
    /// Byte-level: it runs on every authenticated request.
    public static func value(named name: String, in headers: HTTPHeaders) -> String? {
        let wanted = Array(name.utf8)
        for header in headers.values("Cookie") {
            let bytes = Array(header.utf8)
            for pair in bytes.split(separator: UInt8(ascii: ";")) {
                var start = pair.startIndex
                while start < pair.endIndex, pair[start] == UInt8(ascii: " ") || pair[start] == UInt8(ascii: "\t") { start += 1 }
                guard let equals = pair[start...].firstIndex(of: UInt8(ascii: "=")), pair[start..<equals].elementsEqual(wanted) else { continue }
                var end = pair.endIndex
                while end > equals + 1, pair[end - 1] == UInt8(ascii: " ") || pair[end - 1] == UInt8(ascii: "\t") { end -= 1 }
                var valueStart = equals + 1
                if end - valueStart >= 2, pair[valueStart] == UInt8(ascii: "\""), pair[end - 1] == UInt8(ascii: "\"") {
                    valueStart += 1
                    end -= 1
                }
                return String(decoding: pair[valueStart..<end], as: UTF8.self)
            }
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
