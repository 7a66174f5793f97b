/// Percent-encoding as the platform's cookies use it.
public enum PercentEncoding {
    /// Encodes every byte except RFC 3986 unreserved characters (`A–Z a–z 0–9 - _ . ~`), and
    /// also `.` when `encodeDot` is set (the cookie's UserFDN carries its dot as `%2E`).
    public static func encode(_ text: String, encodeDot: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: ".") where !encodeDot:
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `%XX` sequences (and `+` as space when `plusAsSpace`); nil on a malformed escape or invalid UTF-8.
    public static func decode(_ text: String, plusAsSpace: Bool = false) -> String? {
        guard let bytes = decodeBytes(Array(text.utf8), plusAsSpace: plusAsSpace) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Decodes `%XX` sequences in raw bytes; nil on a malformed escape.
    public static func decodeBytes(_ input: [UInt8], plusAsSpace: Bool = false) -> [UInt8]? {
        guard input.contains(where: { $0 == UInt8(ascii: "%") || ($0 == UInt8(ascii: "+") && plusAsSpace) }) else { return input }
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte == UInt8(ascii: "+") && plusAsSpace ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return output
    }

    /// Parses `a=1&b=two` (application/x-www-form-urlencoded). nil when an escape is malformed.
    public static func decodeForm(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(String(pair[0]), plusAsSpace: true),
                  let value = decode(pair.count > 1 ? String(pair[1]) : "", plusAsSpace: true) else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }
}
