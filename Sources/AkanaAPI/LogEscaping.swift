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
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { output.unicodeScalars.append(scalar); continue }
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
