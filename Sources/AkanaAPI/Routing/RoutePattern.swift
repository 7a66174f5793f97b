/// A route's path, e.g. `/api/apps/versions/{AppVersionID}/action`: literal segments and named
/// parameters, one path segment each.
struct RoutePattern: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    let description: String

    init(_ path: String) {
        description = path
        segments = path.split(separator: "/").map { piece in
            if piece.hasPrefix("{"), piece.hasSuffix("}") {
                return .parameter(String(piece.dropFirst().dropLast()))
            }
            return .literal(String(piece))
        }
    }

    /// The parameter values when `pathSegments` (already percent-decoded) match, else nil.
    func match(_ pathSegments: [String]) -> [(String, String)]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [(String, String)] = []
        for (segment, value) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let literal):
                guard literal == value else { return nil }
            case .parameter(let name):
                guard !value.isEmpty else { return nil }
                parameters.append((name, value))
            }
        }
        return parameters
    }

    /// Literal segments win over parameters at the first position where two patterns differ, so
    /// `/api/apps/versions/{id}` is tried before `/api/apps/{AppID}/versions`.
    static func precedes(_ lhs: RoutePattern, _ rhs: RoutePattern) -> Bool {
        for (left, right) in zip(lhs.segments, rhs.segments) {
            switch (left, right) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return lhs.segments.count < rhs.segments.count
    }
}
