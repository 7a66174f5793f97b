/// The three forms the platform's operations produce and consume.
public enum Representation: Sendable, Equatable {
    case json
    case xml
    case text

    /// The media type used when the client did not name a more specific one (`*/*`, `application/*`).
    public var defaultMediaType: String {
        switch self {
        case .json: return "application/json"
        case .xml: return "application/xml"
        case .text: return "text/plain"
        }
    }
}
