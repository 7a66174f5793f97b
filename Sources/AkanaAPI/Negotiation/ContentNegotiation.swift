/// Chooses the response form from the request's `Accept` header and what an operation offers.
///
/// Rules (akana-api.md §6): a missing `Accept` means `*/*`; q-values and wildcards are honoured; the
/// client's order breaks ties; `application/vnd.soa.vNN+json|+xml` selects JSON or XML and is echoed
/// in `Content-Type`; a browser-style `application/json, text/javascript, */*; q=0.01` yields JSON.
public enum ContentNegotiation {
    public struct Choice: Sendable, Equatable {
        public var representation: Representation
        public var contentType: String
    }

    /// The best acceptable form among `offers` (in the server's order of preference), or nil when the
    /// client accepts none of them (→ 406).
    public static func choose(accept: String?, offers: [Representation]) -> Choice? {
        guard let first = offers.first else { return nil }
        guard let accept, !accept.allSatisfy({ $0 == " " }) else {
            return Choice(representation: first, contentType: first.defaultMediaType)
        }
        // The usual header names one media range without parameters: no list to order, nothing excluded.
        if !accept.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") }),
            let range = MediaRange.parse(Substring(accept))
        {
            return range.quality > 0 ? match(range, offers: offers) : nil
        }
        let ranges = MediaRange.parseList(accept)
        if ranges.isEmpty { return Choice(representation: first, contentType: first.defaultMediaType) }
        let excluded = Set(ranges.filter { $0.quality == 0 }.map(\.fullType))
        let ordered = ranges.filter { $0.quality > 0 }.sorted {
            $0.quality != $1.quality ? $0.quality > $1.quality : $0.position < $1.position
        }
        for range in ordered {
            if let choice = match(range, offers: offers), !excluded.contains(choice.contentType) {
                return choice
            }
        }
        return nil
    }

    private static func match(_ range: MediaRange, offers: [Representation]) -> Choice? {
        switch (range.type, range.subtype) {
        case ("*", "*"):
            return Choice(representation: offers[0], contentType: offers[0].defaultMediaType)
        case ("application", "*"):
            guard let offer = offers.first(where: { $0 != .text }) else { return nil }
            return Choice(representation: offer, contentType: offer.defaultMediaType)
        case ("text", "*"):
            if offers.contains(.text) { return Choice(representation: .text, contentType: "text/plain") }
            if offers.contains(.xml) { return Choice(representation: .xml, contentType: "text/xml") }
            return nil
        default:
            guard let representation = range.concreteRepresentation, offers.contains(representation) else { return nil }
            return Choice(representation: representation, contentType: range.fullType)
        }
    }

    /// The representation of a request body from its `Content-Type` (parameters such as
    /// `charset=UTF-8` ignored), or nil when it is not JSON, XML or text.
    public static func bodyRepresentation(contentType: String) -> Representation? {
        MediaRange.parse(Substring(contentType))?.concreteRepresentation
    }

    /// True when `contentType` is `application/x-www-form-urlencoded` (login accepts it).
    public static func isFormEncoded(_ contentType: String) -> Bool {
        MediaRange.parse(Substring(contentType))?.fullType == "application/x-www-form-urlencoded"
    }
}
