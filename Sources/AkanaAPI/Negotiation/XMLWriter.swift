import AkanaDomain
import JSONCodec

/// Renders the same ordered tree the JSON form uses as XML: the root element is the object's name,
/// members become child elements in order, arrays become repeated elements named after their member,
/// scalars become text. One model therefore drives both forms.
public enum XMLWriter {
    public static func document(root: String, value: JSONValue) -> [UInt8] {
        var output = Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
        element(root, value, into: &output)
        return output
    }

    /// One member as elements: `<name>…</name>`, an array as repeated elements, null as `<name/>`.
    static func element(_ name: String, _ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .array(let elements):
            for element in elements { self.element(name, element, into: &output) }
            return
        case .null:
            output.append(contentsOf: "<\(name)/>".utf8)
            return
        default:
            break
        }
        output.append(contentsOf: "<\(name)>".utf8)
        switch value {
        case .object(let members):
            for (key, member) in members { element(key, member, into: &output) }
        case .string(let text): escape(text, into: &output)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number): output.append(contentsOf: String(number).utf8)
        case .number(let number): output.append(contentsOf: "\(number)".utf8)
        case .array, .null: break
        }
        output.append(contentsOf: "</\(name)>".utf8)
    }

    /// Escapes character data; control characters XML 1.0 cannot carry are dropped.
    public static func escape(_ text: String, into output: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): output.append(contentsOf: "&quot;".utf8)
            case 0x09, 0x0A, 0x0D: output.append(byte)
            case 0x00..<0x20: continue
            default: output.append(byte)
            }
        }
    }
}
