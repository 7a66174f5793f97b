import AkanaDomain
import Foundation
import JSONCodec

/// A failure injected on purpose (`POST /_emulator/faults`): which requests it matches, what it
/// does to them, and how often.
public struct FaultRule: Sendable, Equatable {
    public struct Match: Sendable, Equatable {
        /// Upper-case method, or nil for any.
        public var method: String?
        /// A route template (`/api/apps/versions/{AppVersionID}/action`, compared with the route the
        /// request matched) or a glob over the percent-decoded path (`*` any run of characters, `?`
        /// one); nil for any path.
        public var path: String?
        /// fedmemberid, or nil for any tenant.
        public var tenant: String?
    }

    public enum Action: Sendable, Equatable {
        /// Answer with this status; the body as given (a JSON value is sent as JSON, a string as
        /// text) or, when nil, an Akana fault in the negotiated form.
        case respond(status: Int, body: JSONValue?, headers: [(String, String)])
        /// Wait this long, then run the request as usual.
        case delay(milliseconds: Int)
        /// Close the connection without an answer.
        case closeConnection

        public static func == (lhs: Action, rhs: Action) -> Bool {
            switch (lhs, rhs) {
            case (.respond(let a, let b, let c), .respond(let x, let y, let z)):
                return a == x && b == y && c.map { $0.0 + "\n" + $0.1 } == z.map { $0.0 + "\n" + $0.1 }
            case (.delay(let a), .delay(let b)): return a == b
            case (.closeConnection, .closeConnection): return true
            default: return false
            }
        }
    }

    public enum Trigger: Sendable, Equatable {
        /// Every matching request.
        case always
        /// The first N matching requests; then the fault stays listed but no longer fires.
        case times(Int)
        /// Each matching request with this probability (0…1).
        case probability(Double)
        /// Every Nth matching request (the Nth, the 2Nth …).
        case everyNth(Int)
    }

    /// Empty until `FaultInjector.add` gives the rule its id (or the stored row's, at load).
    public var id: String
    public var match: Match
    public var action: Action
    public var trigger: Trigger
    /// Kept in the database (`emulator_faults`) across restarts.
    public var persist: Bool
    /// The rule as given, for listing and storing.
    public var source: JSONValue
    /// The longest `match.path` or `match.tenant`, in characters (the OpenAPI document's `maxLength`).
    public static let maxMatchLength = 1_024

    /// Reads a rule from the body of `POST /_emulator/faults`; every problem is a 400 naming the field.
    /// The id is empty: `FaultInjector.add` mints it.
    public static func parse(_ body: JSONValue) throws -> FaultRule {
        guard case .object = body else { throw DomainError.badRequest("The fault must be a JSON object.") }
        var match = Match()
        if let value = body.member(caseInsensitive: "match") {
            guard case .object = value else { throw DomainError.badRequest("match must be an object with method, path and tenant.") }
            match.method = try optionalString(value, "method", in: "match")?.uppercased()
            if let method = match.method, method.isEmpty || method.count > 16 || !method.allSatisfy({ $0.isASCII && $0.isLetter }) {
                throw DomainError.badRequest("match.method must be an HTTP method such as POST, not '\(method)'.")
            }
            match.path = try optionalString(value, "path", in: "match")
            if let path = match.path, !path.hasPrefix("/") && !path.hasPrefix("*") {
                throw DomainError.badRequest("match.path must be a route template or a glob starting with / or *, not '\(path)'.")
            }
            match.tenant = try optionalString(value, "tenant", in: "match")
        }
        guard let respond = body.member(caseInsensitive: "respond"), case .object = respond else {
            throw DomainError.badRequest(
                "respond is required: {\"status\", \"body\", \"headers\"}, {\"delayMs\"} or {\"closeConnection\": true}.")
        }
        let action: Action
        if let delay = respond.member(caseInsensitive: "delayMs") {
            guard let milliseconds = delay.intValue, (0...600_000).contains(milliseconds) else {
                throw DomainError.badRequest("respond.delayMs must be a whole number of milliseconds from 0 to 600000.")
            }
            action = .delay(milliseconds: Int(milliseconds))
        } else if let close = respond.member(caseInsensitive: "closeConnection") {
            guard close == .bool(true) else { throw DomainError.badRequest("respond.closeConnection must be true.") }
            action = .closeConnection
        } else {
            guard let status = respond.member(caseInsensitive: "status")?.intValue, (200...599).contains(status) else {
                throw DomainError.badRequest("respond.status must be an HTTP status from 200 to 599.")
            }
            var headers: [(String, String)] = []
            if let given = respond.member(caseInsensitive: "headers") {
                guard case .object(let members) = given else {
                    throw DomainError.badRequest("respond.headers must be an object of header names and string values.")
                }
                for (name, value) in members {
                    guard let text = value.stringValue, Self.isToken(name),
                        !text.utf8.contains(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F })
                    else {
                        throw DomainError.badRequest(
                            "respond.headers: '\(name)' must be a header name with a string value without control characters.")
                    }
                    guard !["content-length", "transfer-encoding", "connection"].contains(name.lowercased()) else {
                        throw DomainError.badRequest("respond.headers: \(name) is set by the server.")
                    }
                    headers.append((name, text))
                }
            }
            let body = respond.member(caseInsensitive: "body")
            action = .respond(status: Int(status), body: body == .null ? nil : body, headers: headers)
        }
        var triggers: [Trigger] = []
        if let value = body.member(caseInsensitive: "times") {
            guard let count = value.intValue, count >= 1 else { throw DomainError.badRequest("times must be a whole number of 1 or more.") }
            triggers.append(.times(Int(count)))
        }
        if let value = body.member(caseInsensitive: "probability") {
            guard let chance = value.doubleValue, (0...1).contains(chance) else {
                throw DomainError.badRequest("probability must be a number from 0 to 1.")
            }
            triggers.append(.probability(chance))
        }
        if let value = body.member(caseInsensitive: "everyNth") {
            guard let count = value.intValue, count >= 1 else {
                throw DomainError.badRequest("everyNth must be a whole number of 1 or more.")
            }
            triggers.append(.everyNth(Int(count)))
        }
        guard triggers.count <= 1 else { throw DomainError.badRequest("Give at most one of times, probability and everyNth.") }
        var persist = false
        if let value = body.member(caseInsensitive: "persist") {
            guard case .bool(let flag) = value else { throw DomainError.badRequest("persist must be true or false.") }
            persist = flag
        }
        return FaultRule(id: "", match: match, action: action, trigger: triggers.first ?? .always, persist: persist, source: body)
    }

    /// Whether the rule's match covers a request (its trigger is checked separately).
    public func matches(method: String, route: String?, path: String, tenant: String) -> Bool {
        if let wanted = match.method, wanted != method, !(wanted == "GET" && method == "HEAD") { return false }
        if let wanted = match.tenant, wanted != tenant { return false }
        if let pattern = match.path {
            if pattern.contains("{") {
                guard pattern == route else { return false }
            } else if !Self.glob(Array(pattern.utf8), Array(path.utf8)) {
                return false
            }
        }
        return true
    }

    /// `*` matches any run of bytes (slashes included), `?` any one byte (see `Wildcard`).
    static func glob(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        Wildcard.matches(pattern, text, star: UInt8(ascii: "*"), one: UInt8(ascii: "?"))
    }

    private static func optionalString(_ object: JSONValue, _ key: String, in parent: String) throws -> String? {
        guard let value = object.member(caseInsensitive: key), value != .null else { return nil }
        guard let text = value.stringValue, FieldLimits.fits(text, maxMatchLength) else {
            throw DomainError.badRequest("\(parent).\(key) must be a string of at most \(maxMatchLength) characters.")
        }
        return text
    }

    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128
            && name.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
    }
}
