/// Text from a request made safe for a one-line log entry: nothing a client sends can end the line
/// or forge another one.
public enum LogEscaping {
    /// `text` with every control character escaped: C0 controls (CR, LF, TAB, ESC, NUL, …), DEL and
    /// the C1 controls as `\xNN`, the Unicode line and paragraph separators (U+2028, U+2029) and
    /// the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, which can make a
    /// log line read differently from its bytes) as `\u{NNNN}`, and a backslash as `\\` so an
    /// escape in the output always means an escaped character. Everything else is kept, so a
    /// plain path logs exactly as it reads: `/api/apps/caf\u{E9}` stays `/api/apps/café`.
    ///
    /// Use it for every request-controlled value in a log line, e.g.
    /// `logger.info("\(request.method.rawValue) \(LogEscaping.printable(request.path)) …")`.
    public static func printable(_ text: String) -> String {
        // Fast path on the UTF-8 bytes: printable ASCII other than a backslash never needs an
        // escape. Anything else (a control, a backslash, any non-ASCII byte) takes the scalar scan.
        var bytes = text
        let plainASCII = bytes.withUTF8 { utf8 in
            !utf8.contains { $0 < 0x20 || $0 == 0x5C || $0 >= 0x7F }
        }
        if plainASCII { return text }
        guard text.unicodeScalars.contains(where: { needsEscape($0) }) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                output.unicodeScalars.append(scalar)
                continue
            }
            if scalar == "\\" {
                output += "\\\\"
            } else if scalar.value < 0x100 {
                output += "\\x" + hex(scalar.value, digits: 2)
            } else {
                output += "\\u{" + hex(scalar.value, digits: 4) + "}"
            }
        }
        return output
    }

    /// The per-request log line, `GET /api/apps 200 1.234ms id=0-17`: method, `printable(path)`,
    /// status, milliseconds with three decimals, request id. Built as bytes in one buffer.
    public static func requestLine(method: String, path: String, status: Int, micros: UInt64, id: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40 + method.utf8.count + path.utf8.count + id.utf8.count)
        bytes.append(contentsOf: method.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: printable(path).utf8)
        bytes.append(0x20)
        if status >= 0 { appendDecimal(UInt64(status), to: &bytes) } else { bytes.append(contentsOf: String(status).utf8) }
        bytes.append(0x20)
        appendDecimal(micros / 1000, to: &bytes)
        let fraction = micros % 1000
        bytes.append(UInt8(ascii: "."))
        if fraction < 100 { bytes.append(UInt8(ascii: "0")) }
        if fraction < 10 { bytes.append(UInt8(ascii: "0")) }
        appendDecimal(fraction, to: &bytes)
        bytes.append(contentsOf: "ms id=".utf8)
        bytes.append(contentsOf: id.utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
            divisor /= 10
        }
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x5C, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
