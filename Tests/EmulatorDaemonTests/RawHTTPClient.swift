import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a TCP socket, for tests against the real binary
/// (one request per connection, `Connection: close`).
enum RawHTTPClient {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        func headers(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    }

    struct Failure: Error { var message: String }

    static func send(port: Int, _ method: String, _ path: String, headers: [(String, String)] = [], body: String = "") throws -> Response {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + body
        let raw = try exchange(port: port, bytes: Array(request.utf8))
        return try parse(raw)
    }

    /// Logs the default Site Admin in and returns what a client sends on its writes: the session's
    /// cookies and the CSRF header.
    static func logIn(port: Int) throws -> [(String, String)] {
        let login = try send(port: port, "POST", "/api/login", headers: [("Content-Type", "application/json")],
                             body: DaemonProcessTests.login)
        guard login.status == 200 else { throw Failure(message: "login answered \(login.status): \(login.body)") }
        let cookies = login.headers("Set-Cookie").map { String($0.prefix { $0 != ";" }) }
        let csrf = cookies.first { $0.hasPrefix("Csrf-Token_") }.map { String($0.drop { $0 != "=" }.dropFirst()) } ?? ""
        return [("Cookie", cookies.joined(separator: "; ")), ("X-Csrf-Token_acmepaymentscorp", csrf)]
    }

    /// Writes `bytes` and reads until the server closes the connection.
    static func exchange(port: Int, bytes: [UInt8], timeout: Int = 10) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "socket failed") }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(message: "connect to \(port) failed: errno \(errno)") }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(message: "send failed") }
            sent += n
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received.append(contentsOf: chunk[0..<n])
        }
        return received
    }

    static func parse(_ raw: [UInt8]) throws -> Response {
        let text = String(decoding: raw, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { throw Failure(message: "no response head in \(text.prefix(200))") }
        let lines = text[..<headEnd.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(message: "bad status line \(lines[0])") }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return Response(status: status, headers: headers, body: String(text[headEnd.upperBound...]))
    }
}
