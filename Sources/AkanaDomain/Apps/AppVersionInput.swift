import Foundation

/// The fields of an ApplicationVersion request body, validated. Absent fields are nil (keep the
/// stored value); `AppID` and the read-only fields are ignored, since the URL names the version.
struct AppVersionInput {
    var name: String?
    var description: String?
    var websiteAddress: String?
    var visibility: String?
    var initialEnvironment: String?
    var tags: [String]?
    var identity: String?
    var sharedSecret: String?

    static let environments = ["Sandbox", "Production"]

    init(_ body: JSONValue, context: String = "ApplicationVersion") throws {
        guard case .object = body else { throw DomainError.badRequest("\(context) must be a JSON object.") }
        func string(_ key: String) throws -> String? {
            guard let value = body.member(caseInsensitive: key) else { return nil }
            switch value {
            case .null: return nil
            case .string(let text): return try FieldLimits.check(text, field: "\(context).\(key)")
            default: throw DomainError.badRequest("\(context).\(key) must be a string, not \(value.typeName).")
            }
        }
        name = try string("Name")
        description = try string("Description")
        websiteAddress = try string("WebsiteAddress")
        identity = try string("Identity")
        sharedSecret = try string("SharedSecret")
        if let text = try string("Visibility") {
            guard let value = Visibility.normalize(text) else {
                throw DomainError.badRequest("\(context).Visibility must be Public, Limited or com.soa.visibility.registered.users, not '\(text)'.")
            }
            visibility = value
        }
        if let text = try string("InitialEnvironment") {
            guard let value = Self.environments.first(where: { $0.lowercased() == text.lowercased() }) else {
                throw DomainError.badRequest("\(context).InitialEnvironment must be Sandbox or Production, not '\(text)'.")
            }
            initialEnvironment = value
        }
        if let value = body.member(caseInsensitive: "Tag"), value != .null {
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw DomainError.badRequest("\(context).Tag must be an array of strings.")
            }
            tags = try FieldLimits.check(list.compactMap(\.stringValue), field: "\(context).Tag")
        }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw DomainError.badRequest("\(context).Name must not be empty.")
        }
    }
}
