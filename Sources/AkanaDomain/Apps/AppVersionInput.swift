import Foundation
import JSONCodec

/// The fields of an ApplicationVersion request body, validated. Absent fields are nil (keep the
/// stored value); `AppID` and the read-only fields are ignored, since the URL names the version.
struct AppVersionInput: BodyInput {
    var name: String?
    var description: String?
    var websiteAddress: String?
    var visibility: String?
    var initialEnvironment: String?
    var tags: [String]?
    var identity: String?
    var sharedSecret: String?

    static let environments = ["Sandbox", "Production"]

    /// Reads `body` as the object `context` (`ApplicationVersion` when the body is the version itself).
    init(_ body: JSONValue, context: String = "ApplicationVersion") throws {
        try self.init(BodyReader(body, context: context, notAnObject: "\(context) must be a JSON object."))
    }

    init(_ reader: BodyReader) throws {
        let context = reader.context
        name = try reader.string("Name")
        description = try reader.string("Description")
        websiteAddress = try reader.string("WebsiteAddress")
        identity = try reader.string("Identity")
        sharedSecret = try reader.string("SharedSecret")
        visibility = try reader.visibility()
        if let text = try reader.string("InitialEnvironment") {
            guard let value = Self.environments.first(where: { $0.lowercased() == text.lowercased() }) else {
                throw DomainError.badRequest("\(context).InitialEnvironment must be Sandbox or Production, not '\(text)'.")
            }
            initialEnvironment = value
        }
        // Unlike a model's tags, an app version's are a list as given (no single string, no de-duplication).
        if let value = reader.value("Tag") {
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
