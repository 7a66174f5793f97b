import ByteCodecs

/// Percent-encoding as the platform's cookies use it.
public enum PercentEncoding {
    /// Encodes every byte except RFC 3986 unreserved characters (`A–Z a–z 0–9 - _ . ~`), and
    /// also `.` when `encodeDot` is set (the cookie's UserFDN carries its dot as `%2E`).
    public static func encode(_ text: String, encodeDot: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: ".") where !encodeDot:
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                Hex.append(byte, to: &output, uppercase: true)
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
        guard PercentDecoding.needsDecoding(input, plusAsSpace: plusAsSpace) else { return input }
        return PercentDecoding.decode(input, plusAsSpace: plusAsSpace)
    }

    /// Parses `a=1&b=two` (application/x-www-form-urlencoded). nil when an escape is malformed.
    public static func decodeForm(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(String(pair[0]), plusAsSpace: true),
                let value = decode(pair.count > 1 ? String(pair[1]) : "", plusAsSpace: true)
            else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }
}
