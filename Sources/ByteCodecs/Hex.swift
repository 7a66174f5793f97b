/// Hexadecimal digits, the one implementation every target uses: SHA-256 and secret hex strings,
/// percent-escapes (`%2E`), JSON `\u00XX` escapes, chunk sizes.
public enum Hex {
    public static let lowercaseDigits: [UInt8] = Array("0123456789abcdef".utf8)
    public static let uppercaseDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The value of one hex digit (`0-9`, `a-f`, `A-F`), nil for any other byte.
    @inlinable @inline(__always)
    public static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Two digits per byte, appended to `output`.
    @inlinable @inline(__always)
    public static func append(_ byte: UInt8, to output: inout [UInt8], uppercase: Bool = false) {
        let digits = uppercase ? uppercaseDigits : lowercaseDigits
        output.append(digits[Int(byte >> 4)])
        output.append(digits[Int(byte & 0x0F)])
    }

    /// `bytes` as hex (lowercase unless asked). Inlinable, so it is specialised for the caller's
    /// collection (unspecialised it cost ~600 instructions a byte).
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { append(byte, to: &output, uppercase: uppercase) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of an even number of hex digits (either case); nil on anything else (no sign, no
    /// whitespace, no `0x`).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

/// Percent-decoding (RFC 3986 `%XX`, and `+` as a space for form and query encoding), the one
/// implementation the request target, query strings, form bodies and cookies share.
public enum PercentDecoding {
    /// The decoded bytes; nil when a `%` is not followed by two hex digits. Whether the result is
    /// text (valid UTF-8) is the caller's question.
    @inlinable
    public static func decode<Bytes: Collection<UInt8>>(_ input: Bytes, plusAsSpace: Bool = false) -> [UInt8]? where Bytes.Index == Int {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = input.startIndex
        while index < input.endIndex {
            let byte = input[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < input.endIndex, let high = Hex.value(input[index + 1]), let low = Hex.value(input[index + 2]) else {
                    return nil
                }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return output
    }

    /// True when `input` has anything to decode (a `%`, or a `+` when `plusAsSpace`).
    /// Inlinable so that callers get a loop specialised for their byte collection: unspecialised, the
    /// generic `contains(where:)` cost about a thousand instructions per byte of every request target.
    @inlinable
    public static func needsDecoding<Bytes: Sequence<UInt8>>(_ input: Bytes, plusAsSpace: Bool = false) -> Bool {
        for byte in input where byte == UInt8(ascii: "%") || (plusAsSpace && byte == UInt8(ascii: "+")) {
            return true
        }
        return false
    }
}
