import AkanaDomain
import DispatchHTTP
import Foundation
import WorkQueues

#if canImport(Glibc)
    import Glibc
#endif

/// Forwards a call the gateway let through to its implementation's target on this machine
/// (`GatewayTarget`: an `http://` loopback URL), with one blocking socket on the gateway's worker
/// thread: never on an event loop. Every step is bounded: the connect, each write and each read by
/// the time left before `deadline`, the answer by `maxResponseBytes` (head and body). One request
/// per connection (`Connection: close`); the answer's body is read by `Content-Length`, chunked
/// transfer coding, or until the target closes.
enum GatewayForwarder {
    struct Failure: Error {
        /// 502 (the target could not be reached or answered badly) or 504 (it did not answer in time).
        var status: HTTPStatus
        var message: String
    }

    /// Request headers a gateway does not pass on (hop-by-hop, or its own business).
    static let droppedRequestHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "host", "content-length", "expect"
    ]
    /// Answer headers not passed back (hop-by-hop; the server writes its own Date, Content-Length, Connection).
    static let droppedResponseHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "date"
    ]

    /// Sends `request` (its method, headers and body) to `target`, at the target's base path
    /// followed by `pathAndQuery` (raw, as the caller sent it below the access point).
    static func forward(
        _ request: HTTPRequest, to target: GatewayTarget, pathAndQuery: String, clientAddress: String, deadline: UInt64,
        maxResponseBytes: Int
    ) throws(Failure) -> HTTPResponse {
        var head = "\(request.method.rawValue) \(target.basePath)\(pathAndQuery.isEmpty ? "/" : pathAndQuery) HTTP/1.1\r\n"
        let hostHeader = target.host.contains(":") ? "[\(target.host)]:\(target.port)" : "\(target.host):\(target.port)"
        head += "Host: \(hostHeader)\r\n"
        for (name, value) in request.headers {
            let lowered = name.lowercased()
            if droppedRequestHeaders.contains(lowered) { continue }
            // The Atmosphere credentials are the gateway's to check, not the target's to see.
            if lowered == "authorization", AtmosphereCredentials.isAtmosphere(value) { continue }
            head += "\(name): \(value)\r\n"
        }
        if !clientAddress.isEmpty { head += "X-Forwarded-For: \(clientAddress)\r\n" }
        if let host = request.headers["Host"] { head += "X-Forwarded-Host: \(host)\r\n" }
        head += "Content-Length: \(request.body.count)\r\nConnection: close\r\n\r\n"
        let fd = try connect(target, deadline: deadline)
        defer { Glibc.close(fd) }
        try sendAll(fd, Array(head.utf8) + request.body, deadline: deadline, target: target)
        let raw = try receive(fd, deadline: deadline, limit: maxResponseBytes, target: target)
        return try parse(raw, method: request.method, target: target)
    }

    private static func failure(_ target: GatewayTarget, _ what: String, status: HTTPStatus = .badGateway) -> Failure {
        Failure(status: status, message: "The implementation's target \(target.url) \(what).")
    }

    private static func remaining(_ deadline: UInt64, _ target: GatewayTarget) throws(Failure) -> timeval {
        let now = MonotonicTime.now()
        guard now < deadline else { throw failure(target, "did not answer in time", status: .gatewayTimeout) }
        let left = deadline - now
        return timeval(tv_sec: Int(left / 1_000_000_000), tv_usec: Int(left % 1_000_000_000 / 1000))
    }

    private static func connect(_ target: GatewayTarget, deadline: UInt64) throws(Failure) -> Int32 {
        let isIPv6 = target.host.contains(":")
        let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(target, "could not be called: no socket (errno \(errno))") }
        var timeout = try remaining(deadline, target)
        // A blocking socket whose connect, sends and receives each give up after the time left.
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(target.port).bigEndian
            inet_pton(AF_INET6, target.host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(target.port).bigEndian
            inet_pton(AF_INET, target.host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let error = errno
            Glibc.close(fd)
            if error == EINPROGRESS || error == EAGAIN || error == ETIMEDOUT {
                throw failure(target, "did not accept the connection in time", status: .gatewayTimeout)
            }
            throw failure(target, "could not be reached: \(String(cString: strerror(error))) (errno \(error))")
        }
        return fd
    }

    private static func sendAll(_ fd: Int32, _ bytes: [UInt8], deadline: UInt64, target: GatewayTarget) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            var timeout = try remaining(deadline, target)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                offset += count
                continue
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK {
                throw failure(target, "did not read the request in time", status: .gatewayTimeout)
            }
            // The target may answer and close before reading a whole body: read what it said.
            return
        }
    }

    private static func receive(_ fd: Int32, deadline: UInt64, limit: Int, target: GatewayTarget) throws(Failure) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var timeout = try remaining(deadline, target)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return received }
            if count < 0 {
                let error = errno
                if error == EINTR { continue }
                if error == EAGAIN || error == EWOULDBLOCK { throw failure(target, "did not answer in time", status: .gatewayTimeout) }
                if !received.isEmpty, error == ECONNRESET { return received }
                throw failure(target, "broke the connection: \(String(cString: strerror(error))) (errno \(error))")
            }
            received.append(contentsOf: chunk[0..<count])
            guard received.count <= limit else { throw failure(target, "answered more than \(limit) bytes") }
            if complete(received) { return received }
        }
    }

    /// Whether `raw` already holds a whole answer framed by Content-Length (so a target that keeps
    /// the connection open despite `Connection: close` does not hold the call until the deadline).
    private static func complete(_ raw: [UInt8]) -> Bool {
        guard let end = headEnd(raw), let head = try? parseHead(raw[..<end]) else { return false }
        guard let length = head.headers["Content-Length"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
            !head.headers.containsToken("Transfer-Encoding", "chunked")
        else { return false }
        return raw.count - end >= length
    }

    private static func headEnd(_ raw: [UInt8]) -> Int? {
        guard raw.count >= 4 else { return nil }
        for index in 0...(raw.count - 4)
        where raw[index] == 13 && raw[index + 1] == 10 && raw[index + 2] == 13 && raw[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    private struct Head {
        var status: HTTPStatus
        var headers: HTTPHeaders
    }

    private static func parseHead(_ bytes: ArraySlice<UInt8>) throws -> Head {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard let statusLine = lines.first else { throw CocoaError(.coderReadCorrupt) }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
            throw CocoaError(.coderReadCorrupt)
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw CocoaError(.coderReadCorrupt) }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Head(status: HTTPStatus(code: code, reasonPhrase: parts.count > 2 ? String(parts[2]) : nil), headers: headers)
    }

    static func parse(_ raw: [UInt8], method: HTTPMethod, target: GatewayTarget) throws(Failure) -> HTTPResponse {
        guard let end = headEnd(raw), let head = try? parseHead(raw[..<end]) else {
            throw failure(target, "did not answer with an HTTP/1.x response")
        }
        var body = Array(raw[end...])
        if method == .head || head.status.forbidsBody {
            body = []
        } else if head.headers.containsToken("Transfer-Encoding", "chunked") {
            guard let decoded = dechunk(body) else { throw failure(target, "answered with a malformed chunked body") }
            body = decoded
        } else if let length = head.headers["Content-Length"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            guard length >= 0, body.count >= length else { throw failure(target, "closed the connection before the whole body") }
            body = Array(body.prefix(length))
        }
        var headers = HTTPHeaders()
        for (name, value) in head.headers where !droppedResponseHeaders.contains(name.lowercased()) { headers.add(name, value) }
        return HTTPResponse(status: head.status, headers: headers, body: body)
    }

    /// Decodes a chunked body (extensions and trailers ignored); nil when malformed.
    static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = (index..<max(index, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else {
                return nil
            }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).prefix { $0 != ";" }
                .trimmingCharacters(in: .whitespaces)
            guard !sizeText.isEmpty, sizeText.count <= 8, let size = Int(sizeText, radix: 16) else { return nil }
            index = lineEnd + 2
            if size == 0 { return output }
            guard bytes.count - index >= size + 2 else { return nil }
            output.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
    }
}
