/// One element of an `Accept` or `Content-Type` header: `type/subtype; params; q=…`.
struct MediaRange: Sendable, Equatable {
    var type: String
    var subtype: String
    var quality: Double
    /// Position in the header, to keep the client's order among equal qualities.
    var position: Int

    var fullType: String { "\(type)/\(subtype)" }

    /// Parses a comma-separated list of media ranges. Malformed elements are skipped, as servers do.
    static func parseList(_ header: String) -> [MediaRange] {
        var ranges: [MediaRange] = []
        var position = 0
        for element in header.utf8.split(separator: comma) {
            if let range = parse(element, position: position) { ranges.append(range) }
            position += 1
        }
        return ranges
    }

    /// Parses one `type/subtype; params` element; nil when it is not of that shape.
    static func parse(_ element: Substring, position: Int = 0) -> MediaRange? {
        parse(element.utf8, position: position)
    }

    private static let comma = UInt8(ascii: ","), semicolon = UInt8(ascii: ";"), slash = UInt8(ascii: "/"), equals = UInt8(ascii: "=")

    /// Byte-level: these headers are read on every request, and Character-level splitting,
    /// trimming and lowercasing cost ~20,000 instructions per header.
    static func parse(_ element: Substring.UTF8View, position: Int) -> MediaRange? {
        let end = element.endIndex
        let typeEnd = element[element.startIndex...].firstIndex(of: semicolon) ?? end
        let typeText = trimmedBytes(element[element.startIndex..<typeEnd])
        guard let divider = typeText.firstIndex(of: slash) else { return nil }
        let typeBytes = typeText[typeText.startIndex..<divider]
        let subtypeBytes = typeText[typeText.index(after: divider)...]
        guard !typeBytes.isEmpty, !subtypeBytes.isEmpty, !subtypeBytes.contains(slash) else { return nil }
        var quality = 1.0
        var cursor = typeEnd
        while cursor < end {
            let start = element.index(after: cursor)
            let parameterEnd = element[start...].firstIndex(of: semicolon) ?? end
            let parameter = element[start..<parameterEnd]
            if let mark = parameter.firstIndex(of: equals) {
                let name = trimmedBytes(parameter[parameter.startIndex..<mark])
                if name.count == 1, name.first == UInt8(ascii: "q") || name.first == UInt8(ascii: "Q") {
                    let value = String(decoding: trimmedBytes(parameter[parameter.index(after: mark)...]), as: UTF8.self)
                    quality = Double(value).map { min(max($0, 0), 1) } ?? 1
                }
            }
            cursor = parameterEnd
        }
        return MediaRange(type: lowercased(typeBytes), subtype: lowercased(subtypeBytes), quality: quality, position: position)
    }

    /// `bytes` without leading and trailing spaces and tabs.
    private static func trimmedBytes(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start = bytes.index(after: start) }
        while end > start {
            let last = bytes.index(before: end)
            guard bytes[last] == 32 || bytes[last] == 9 else { break }
            end = last
        }
        return bytes[start..<end]
    }

    /// ASCII letters lowered (media types are ASCII; anything else is kept as sent).
    private static func lowercased(_ bytes: Substring.UTF8View) -> String {
        if !bytes.contains(where: { $0 >= 65 && $0 <= 90 }) { return String(Substring(bytes)) }
        return String(decoding: bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// What representation a concrete type in a request `Content-Type` (or a specific `Accept`
    /// entry) stands for: JSON for `application/json`, `*/*+json` (e.g. `application/vnd.soa.v81+json`);
    /// XML for `application/xml`, `text/xml`, `*/*+xml`; text for `text/plain`.
    var concreteRepresentation: Representation? {
        switch (type, subtype) {
        case ("application", "json"): return .json
        case ("application", "xml"), ("text", "xml"): return .xml
        case ("text", "plain"): return .text
        default:
            if subtype.hasSuffix("+json") { return .json }
            if subtype.hasSuffix("+xml") { return .xml }
            return nil
        }
    }

    /// `text` without leading and trailing spaces and tabs (for multipart headers).
    static func trimmed(_ text: Substring) -> String {
        String(Substring(trimmedBytes(text.utf8)))
    }
}
