import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one raw-socket HTTP/1.1 client of the test targets: the bytes a test writes are the bytes
/// the server reads (no client library normalises them), and every read has a receive timeout, so a
/// broken server fails the test instead of hanging it.
///
/// Two ways to use it:
/// - an instance is one connection, for keep-alive, pipelining and framing tests:
///   `send(_:)`, `readResponse(forHead:)`, `shutdownWrite()`, `waitForClose(timeout:)`;
/// - the static `send(port:_:_:headers:body:)` makes one `Connection: close` request and
///   `exchange(port:bytes:)` writes any bytes and reads until the server closes.
public final class RawHTTPClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// A response's header fields in arrival order; names compare case-insensitively.
    public struct Headers: Sequence, Sendable {
        public var fields: [(name: String, value: String)]
        public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }
        /// The first value of `name`.
        public subscript(_ name: String) -> String? { fields.first { $0.name.lowercased() == name.lowercased() }?.value }
        /// Every value of `name`, in order.
        public func values(_ name: String) -> [String] { fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
        public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
    }

    /// A response as the client parsed it.
    public struct Response: Sendable {
        public var status: Int
        public var reason: String
        public var headers: Headers
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host:port` (IPv4 or IPv6 literal); `timeout` bounds every send and receive.
    public init(host: String = "127.0.0.1", port: Int, timeout: Double = 5) throws {
        fd = try Self.connect(host: host, port: port, timeout: timeout)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) throws {
        guard Self.sendAll(fd, bytes) else { throw Failure("send failed: errno \(errno)") }
    }

    /// Half-closes the connection (the server reads EOF).
    public func shutdownWrite() {
        Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads more bytes into the buffer; false on EOF.
    @discardableResult
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        if count == 0 { return false }
        let error = errno
        if error == EAGAIN || error == EWOULDBLOCK { throw Failure("read timed out") }
        if error == ECONNRESET { return false }
        throw Failure("recv failed: errno \(error)")
    }

    /// Reads one `Content-Length`-framed response. `forHead`: the response to a HEAD request has no body.
    public func readResponse(forHead: Bool = false) throws -> Response {
        var headEnd: Int?
        while headEnd == nil {
            if let range = buffer.rangeOfBytes(Self.headTerminator) {
                headEnd = range.upperBound
            } else if try !fill() {
                throw Failure("connection closed before a complete response head (\(buffer.count) bytes)")
            }
        }
        var response = try Self.parseHead(buffer[0..<headEnd!])
        buffer.removeFirst(headEnd!)
        var length = 0
        if forHead || (100..<200).contains(response.status) || response.status == 204 || response.status == 304 {
            length = 0
        } else if let value = response.headers["Content-Length"], let parsed = Int(value) {
            length = parsed
        } else {
            throw Failure("response without Content-Length")
        }
        while buffer.count < length {
            guard try fill() else { throw Failure("connection closed mid-body") }
        }
        response.body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return response
    }

    /// True when the server closes the connection (EOF or reset) before `timeout`, with no
    /// further bytes in between.
    public func waitForClose(timeout: Double = 3) throws -> Bool {
        guard buffer.isEmpty else { throw Failure("unexpected extra bytes: \(buffer.count)") }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollFD, 1, 50)
            if ready > 0 {
                var byte: UInt8 = 0
                let count = recv(fd, &byte, 1, 0)
                if count == 0 || (count < 0 && errno == ECONNRESET) { return true }
                if count > 0 { throw Failure("unexpected byte from server: \(byte)") }
            }
        }
        return false
    }

    // MARK: - One request per connection

    /// Sends one `Connection: close` request to `127.0.0.1:port` and parses the answer (its body is
    /// everything the server wrote after the head).
    public static func send(
        port: Int, _ method: String, _ path: String, headers: [(String, String)] = [],
        body: String = ""
    ) throws -> Response {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + body
        return try parse(try exchange(port: port, bytes: Array(request.utf8)))
    }

    /// Writes `bytes` on a new connection to `127.0.0.1:port` and reads until the server closes it
    /// (or `timeout` passes with nothing to read). A write the server refuses part-way (it may
    /// answer and close before reading everything) ends the writing, not the exchange.
    public static func exchange(port: Int, bytes: [UInt8], timeout: Double = 10) throws -> [UInt8] {
        let fd = try connect(host: "127.0.0.1", port: port, timeout: timeout)
        defer { Glibc.close(fd) }
        _ = sendAll(fd, bytes)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: chunk[0..<count])
        }
        return received
    }

    /// A whole response read until close: the head, then every byte after it as the body.
    public static func parse(_ raw: [UInt8]) throws -> Response {
        guard let head = raw.rangeOfBytes(headTerminator) else {
            throw Failure("no response head in \(String(decoding: raw.prefix(200), as: UTF8.self))")
        }
        var response = try parseHead(raw[0..<head.upperBound])
        response.body = Array(raw[head.upperBound...])
        return response
    }

    // MARK: - Plumbing

    private static let headTerminator: [UInt8] = Array("\r\n\r\n".utf8)

    private static func parseHead(_ bytes: ArraySlice<UInt8>) throws -> Response {
        var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw Failure("empty response head") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
            throw Failure("bad status line: \(statusLine)")
        }
        var headers = Headers()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw Failure("bad header line: \(line)") }
            headers.fields.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return Response(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, body: [])
    }

    /// Writes every byte; false when the socket refuses (the error is in `errno`).
    private static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    private static func connect(host: String, port: Int, timeout: Double) throws -> Int32 {
        let isIPv6 = host.contains(":")
        let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket failed: errno \(errno)") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let error = errno
            Glibc.close(fd)
            throw Failure("connect to \(host):\(port) failed: errno \(error)")
        }
        return fd
    }
}

extension Array where Element == UInt8 {
    /// The first occurrence of `pattern`.
    func rangeOfBytes(_ pattern: [UInt8]) -> Range<Int>? {
        guard pattern.count <= count else { return nil }
        for start in 0...(count - pattern.count) where self[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start..<(start + pattern.count)
        }
        return nil
    }
}
