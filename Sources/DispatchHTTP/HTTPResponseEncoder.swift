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
    static func encode(
        _ response: HTTPResponse, headOnly: Bool, connection: ConnectionHeader,
        date: [UInt8]
    ) -> [[UInt8]] {
        let status = response.status
        let bodyCount = response.body.count
        let sendsBody = !status.forbidsBody && !headOnly && bodyCount > 0
        let inline = sendsBody && bodyCount <= inlineBodyLimit
        // One buffer, appended to in place: no String is made for the status line or the length.
        var head: [UInt8] = []
        head.reserveCapacity(256 + (inline ? bodyCount : 0))
        appendLiteral("HTTP/1.1 ", to: &head)
        appendDecimal(status.code, to: &head)
        head.append(.space)
        appendSanitized(status.reasonPhrase, to: &head)
        head.append(.cr)
        head.append(.lf)
        for (name, value) in response.headers {
            guard !isServerOwned(name), !name.isEmpty, name.utf8.allSatisfy(\.isTokenCharacter) else { continue }
            head.append(contentsOf: name.utf8)
            head.append(UInt8(ascii: ":"))
            head.append(.space)
            appendSanitized(value, to: &head)
            head.append(.cr)
            head.append(.lf)
        }
        appendLiteral("Date: ", to: &head)
        head.append(contentsOf: date)
        head.append(.cr)
        head.append(.lf)
        if !status.forbidsBody {
            appendLiteral("Content-Length: ", to: &head)
            appendDecimal(bodyCount, to: &head)
            head.append(.cr)
            head.append(.lf)
        }
        switch connection {
        case .none: break
        case .close: appendLiteral("Connection: close\r\n", to: &head)
        case .keepAlive: appendLiteral("Connection: keep-alive\r\n", to: &head)
        }
        head.append(.cr)
        head.append(.lf)
        guard sendsBody else { return [head] }
        if inline {
            head.append(contentsOf: response.body)
            return [head]
        }
        return [head, response.body]
    }

    @inline(__always)
    private static func appendLiteral(_ literal: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `value` in decimal, as `"\(value)"` writes it.
    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        guard value >= 0 else {
            buffer.append(contentsOf: String(value).utf8)
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            var position = scratch.count
            var rest = value
            repeat {
                position -= 1
                scratch[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[position...]))
        }
    }

    /// Whether the response asks for the connection to be closed (`Connection: close`).
    static func requestsClose(_ response: HTTPResponse) -> Bool {
        response.headers.containsToken("Connection", "close")
    }

    private static func isServerOwned(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4, 10, 14, 17: break
        default: return false
        }
        return HTTPHeaders.namesEqual(name, "Content-Length") || HTTPHeaders.namesEqual(name, "Date")
            || HTTPHeaders.namesEqual(name, "Connection") || HTTPHeaders.namesEqual(name, "Transfer-Encoding")
    }

    /// Appends `text`, replacing CR, LF and other control characters (except tab) with spaces so
    /// a handler cannot split the response.
    private static func appendSanitized(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            if !bytes.contains(where: { ($0 < 0x20 && $0 != .tab) || $0 == 0x7F }) {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                buffer.append((byte < 0x20 && byte != .tab) || byte == 0x7F ? .space : byte)
            }
        }
    }
}
