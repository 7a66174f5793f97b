#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 socket address.
struct SocketAddress: Sendable, CustomStringConvertible {
    var storage: sockaddr_storage
    var length: socklen_t

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// Parses a numeric host (`"127.0.0.1"`, `"0.0.0.0"`, `"::1"`, `"[::1]"`, `"::"`) or
    /// `"localhost"` (→ 127.0.0.1); no DNS look-up is done.
    static func resolve(host: String, port: Int) throws(HTTPServerError) -> SocketAddress {
        guard (0...65_535).contains(port) else { throw .invalidAddress(host: host, port: port) }
        var name = host
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.isEmpty || name == "*" { name = "0.0.0.0" }
        if name.lowercased() == "localhost" { name = "127.0.0.1" }
        var storage = sockaddr_storage()
        if name.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET6, name, &address.sin6_addr) == 1 else {
                throw .invalidAddress(host: host, port: port)
            }
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.storeBytes(of: address, as: sockaddr_in6.self)
            }
            return SocketAddress(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        guard inet_pton(AF_INET, name, &address.sin_addr) == 1 else {
            throw .invalidAddress(host: host, port: port)
        }
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.storeBytes(of: address, as: sockaddr_in.self)
        }
        return SocketAddress(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in>.size))
    }

    var family: Int32 { Int32(storage.ss_family) }

    var port: Int {
        withUnsafeBytes(of: storage) { raw in
            switch Int32(storage.ss_family) {
            case AF_INET: Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
            case AF_INET6: Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            default: 0
            }
        }
    }

    /// The numeric host, without brackets (`"127.0.0.1"`, `"::1"`).
    var host: String {
        withUnsafeBytes(of: storage) { raw -> String in
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            switch Int32(storage.ss_family) {
            case AF_INET:
                var address = raw.load(as: sockaddr_in.self).sin_addr
                guard inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil else { return "?" }
            case AF_INET6:
                var address = raw.load(as: sockaddr_in6.self).sin6_addr
                guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return "?" }
            default:
                return "?"
            }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// `"127.0.0.1:8080"` or `"[::1]:8080"`.
    var description: String {
        family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
