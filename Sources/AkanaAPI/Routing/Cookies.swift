import DispatchHTTP

/// Reading the `Cookie` request header and writing `Set-Cookie`.
public enum Cookies {
    /// The value of cookie `name` from every `Cookie` header of the request (first match).
    public static func value(named name: String, in headers: HTTPHeaders) -> String? {
        for header in headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " || $0 == "\t" }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                var value = trimmed[trimmed.index(after: equals)...]
                while value.last == " " || value.last == "\t" { value = value.dropLast() }
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                return String(value)
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
