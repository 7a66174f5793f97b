/// A route's path, e.g. `/api/apps/versions/{AppVersionID}/action`: literal segments and named
/// parameters, one path segment each. A last parameter written `{name...}` is a remainder: it takes
/// one or more segments (the platform's `/content/{path}` and `/resources/{path:.*}`), and the
/// pattern's template (`description`, what the OpenAPI document and the journal name) is written
/// without the dots, `/content/{path}`.
struct RoutePattern: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        /// The rest of the path, one segment or more, joined with `/` as its value.
        case remainder(String)
    }

    let segments: [Segment]
    let description: String

    init(_ path: String) {
        let pieces = path.split(separator: "/")
        segments = pieces.enumerated().map { position, piece in
            if piece.hasPrefix("{"), piece.hasSuffix("...}"), position == pieces.count - 1 {
                return .remainder(String(piece.dropFirst().dropLast(4)))
            }
            if piece.hasPrefix("{"), piece.hasSuffix("}") {
                return .parameter(String(piece.dropFirst().dropLast()))
            }
            return .literal(String(piece))
        }
        description = path.replacingOccurrences(of: "...}", with: "}")
    }

    /// Whether the last segment takes the rest of the path.
    var hasRemainder: Bool {
        if case .remainder = segments.last { return true }
        return false
    }

    /// The parameter values when `pathSegments` (already percent-decoded) match, else nil.
    func match(_ pathSegments: [String]) -> [(String, String)]? {
        if hasRemainder {
            guard pathSegments.count >= segments.count else { return nil }
        } else {
            guard pathSegments.count == segments.count else { return nil }
        }
        var parameters: [(String, String)] = []
        for (position, segment) in segments.enumerated() {
            let value = pathSegments[position]
            switch segment {
            case .literal(let literal):
                guard literal == value else { return nil }
            case .parameter(let name):
                guard !value.isEmpty else { return nil }
                parameters.append((name, value))
            case .remainder(let name):
                let rest = pathSegments[position...]
                guard !rest.contains(where: \.isEmpty) else { return nil }
                parameters.append((name, rest.joined(separator: "/")))
            }
        }
        return parameters
    }

    /// Literal segments win over parameters at the first position where two patterns differ, so
    /// `/api/apps/versions/{id}` is tried before `/api/apps/{AppID}/versions`.
    static func precedes(_ lhs: RoutePattern, _ rhs: RoutePattern) -> Bool {
        for (left, right) in zip(lhs.segments, rhs.segments) {
            switch (left, right) {
            case (.literal, .parameter), (.literal, .remainder), (.parameter, .remainder): return true
            case (.parameter, .literal), (.remainder, .literal), (.remainder, .parameter): return false
            default: continue
            }
        }
        return lhs.segments.count < rhs.segments.count
    }
}
