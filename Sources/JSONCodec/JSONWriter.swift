import ByteCodecs

/// Serialises a `JSONValue` to UTF-8 bytes, keeping member order.
public enum JSONWriter {
    public static func bytes(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        write(value, into: &output, pretty: pretty, indent: 0)
        return output
    }

    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        String(decoding: bytes(value, pretty: pretty), as: UTF8.self)
    }

    private static func newline(_ output: inout [UInt8], _ indent: Int) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(0x20, count: indent * 4))
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8], pretty: Bool, indent: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number): output.append(contentsOf: String(number).utf8)
        case .number(let number):
            if number.isFinite, number.rounded() == number, abs(number) < 1e15 {
                output.append(contentsOf: String(Int64(number)).utf8)
            } else if number.isFinite {
                output.append(contentsOf: "\(number)".utf8)
            } else {
                output.append(contentsOf: "null".utf8)
            }
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { newline(&output, indent + 1) }
                write(element, into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty, !elements.isEmpty { newline(&output, indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { newline(&output, indent + 1) }
                writeString(member.0, into: &output)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(0x20) }
                write(member.1, into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty, !members.isEmpty { newline(&output, indent) }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a JSON string literal. Escapes what RFC 8259 requires plus `<`, `>` and `&`, so a body
    /// can never be sniffed as HTML.
    public static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Native strings are read in place; others (bridged, or not contiguous) through a copy.
        if text.utf8.withContiguousStorageIfAvailable({ append(escaping: $0, into: &output) }) == nil {
            var copy = text
            copy.withUTF8 { append(escaping: $0, into: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func append(escaping bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        // Fast path: most strings need no escaping and are copied in one go.
        var clean = true
        for byte in bytes where needsEscape(byte) {
            clean = false
            break
        }
        if clean {
            output.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                Hex.append(byte, to: &output)
            default: output.append(byte)
            }
        }
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
    }
}
