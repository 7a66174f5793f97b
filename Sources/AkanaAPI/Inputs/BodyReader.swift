import AkanaDomain
import Foundation
import JSONCodec

/// Reads and validates the members of a JSON (or XML-as-JSON) request body: the one way every
/// route turns a body into the typed input its service takes (`ApplicationInput`, `ModelInput`,
/// …; their decoders are beside this file). Every problem is a 400 that names the
/// field as `<context>.<Field>`; absent and null members are nil (keep the stored value). Member
/// names match without case, as the platform's JSON binding does.
struct BodyReader: Sendable {
    let body: JSONValue
    /// The object's name in messages (`Model`, `Application.ApplicationVersion`, …).
    let context: String

    /// `notAnObject` replaces the message of a body that is not an object.
    init(_ body: JSONValue, context: String, notAnObject: String? = nil) throws {
        guard case .object = body else {
            throw DomainError.badRequest(notAnObject ?? "\(context) must be a JSON object, not \(body.typeName).")
        }
        self.body = body
        self.context = context
    }

    /// `<context>.<key>`, for messages.
    func field(_ key: String) -> String { "\(context).\(key)" }

    /// The member, nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let value = body.member(caseInsensitive: key), value != .null else { return nil }
        return value
    }

    /// A string member within its `FieldLimits`.
    func string(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else {
            throw DomainError.badRequest("\(context).\(key) must be a string, not \(value.typeName).")
        }
        return try FieldLimits.check(text, field: "\(context).\(key)")
    }

    /// A name: a string that is not blank, within the name limit (`FieldLimits`), trimmed.
    func name(_ key: String) throws -> String? {
        guard let text = try string(key) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError.badRequest("\(context).\(key) must not be empty.") }
        return trimmed
    }

    /// A visibility, normalised (`Visibility`).
    func visibility(_ key: String = "Visibility") throws -> String? {
        guard let text = try string(key) else { return nil }
        guard let value = Visibility.normalize(text) else {
            throw DomainError.badRequest("\(context).\(key) must be Public, Limited or com.soa.visibility.registered.users, not '\(text)'.")
        }
        return value
    }

    /// Tags: a list of strings (a single string is a one-element list), empty ones and repeats dropped.
    func tags(_ key: String = "Tag") throws -> [String]? {
        guard let value = value(key) else { return nil }
        if let text = value.stringValue { return text.isEmpty ? [] : [try FieldLimits.check(text, field: "\(context).\(key)")] }
        guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
            throw DomainError.badRequest("\(context).\(key) must be an array of strings, not \(value.typeName).")
        }
        var seen = Set<String>()
        return try FieldLimits.check(
            list.compactMap(\.stringValue).filter { !$0.isEmpty && seen.insert($0).inserted }, field: "\(context).\(key)")
    }

    /// A nested object member, read with its own reader (`<context>.<key>`).
    func object(_ key: String) throws -> BodyReader? {
        guard let value = value(key) else { return nil }
        return try BodyReader(value, context: "\(context).\(key)")
    }
}
