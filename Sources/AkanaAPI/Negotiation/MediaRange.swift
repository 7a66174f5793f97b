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
        for (position, element) in header.split(separator: ",").enumerated() {
            if let range = parse(element, position: position) { ranges.append(range) }
        }
        return ranges
    }

    /// Parses one `type/subtype; params` element; nil when it is not of that shape.
    static func parse(_ element: Substring, position: Int = 0) -> MediaRange? {
        let parts = element.split(separator: ";", omittingEmptySubsequences: false)
        let typeText = trimmed(parts[0]).lowercased()
        let pieces = typeText.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else { return nil }
        var quality = 1.0
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if trimmed(pair[0]).lowercased() == "q" {
                quality = Double(trimmed(pair[1])).map { min(max($0, 0), 1) } ?? 1
            }
        }
        return MediaRange(type: String(pieces[0]), subtype: String(pieces[1]), quality: quality, position: position)
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

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> String {
        var view = text
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
