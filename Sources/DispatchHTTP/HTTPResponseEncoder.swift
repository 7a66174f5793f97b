/// Serialises responses: status line, the handler's headers (minus the framing headers the server
/// owns), `Date`, `Content-Length` and `Connection`.
enum HTTPResponseEncoder {
    /// Bodies up to this size are copied into the head buffer so the response goes out in one send.
    static let inlineBodyLimit = 16 * 1024

    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// What the `Connection` header says.
    enum ConnectionHeader {
        case none
        case close
        case keepAlive
    }

    /// Returns the chunks to write, in order (the head, possibly with the body inlined, then the body).
    ///
    /// - Parameters:
    ///   - headOnly: a response to HEAD: `Content-Length` of the body, but no body bytes.
    ///   - connection: `.close` when the server closes after this response, `.keepAlive` for an
    ///     HTTP/1.0 persistent connection.
    static func encode(_ response: HTTPResponse, headOnly: Bool, connection: ConnectionHeader,
                       date: [UInt8]) -> [[UInt8]]
    {
        let status = response.status
        let sendsBody = !status.forbidsBody && !headOnly && !response.body.isEmpty
        var head: [UInt8] = []
        head.reserveCapacity(256 + (sendsBody && response.body.count <= inlineBodyLimit ? response.body.count : 0))
        head.append(contentsOf: "HTTP/1.1 \(status.code) ".utf8)
        appendSanitized(status.reasonPhrase, to: &head)
        head.append(contentsOf: [.cr, .lf])
        for (name, value) in response.headers {
            guard !isServerOwned(name), !name.isEmpty, name.utf8.allSatisfy(\.isTokenCharacter) else { continue }
            head.append(contentsOf: name.utf8)
            head.append(contentsOf: [UInt8(ascii: ":"), .space])
            appendSanitized(value, to: &head)
            head.append(contentsOf: [.cr, .lf])
        }
        head.append(contentsOf: "Date: ".utf8)
        head.append(contentsOf: date)
        head.append(contentsOf: [.cr, .lf])
        if !status.forbidsBody {
            head.append(contentsOf: "Content-Length: \(response.body.count)\r\n".utf8)
        }
        switch connection {
        case .none: break
        case .close: head.append(contentsOf: "Connection: close\r\n".utf8)
        case .keepAlive: head.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        head.append(contentsOf: [.cr, .lf])
        guard sendsBody else { return [head] }
        if response.body.count <= inlineBodyLimit {
            head.append(contentsOf: response.body)
            return [head]
        }
        return [head, response.body]
    }

    /// Whether the response asks for the connection to be closed (`Connection: close`).
    static func requestsClose(_ response: HTTPResponse) -> Bool {
        response.headers.tokens("Connection").contains("close")
    }

    private static func isServerOwned(_ name: String) -> Bool {
        HTTPHeaders.namesEqual(name, "Content-Length") || HTTPHeaders.namesEqual(name, "Date")
            || HTTPHeaders.namesEqual(name, "Connection") || HTTPHeaders.namesEqual(name, "Transfer-Encoding")
    }

    /// Appends `text`, replacing CR, LF and other control characters (except tab) with spaces so
    /// a handler cannot split the response.
    private static func appendSanitized(_ text: String, to buffer: inout [UInt8]) {
        for byte in text.utf8 {
            buffer.append((byte < 0x20 && byte != .tab) || byte == 0x7F ? .space : byte)
        }
    }
}
