import AkanaDomain
import Foundation
import JSONCodec

/// The apps' request bodies, decoded in the routes: wire types and field limits are checked here
/// (400 naming the field); what the values mean (a required Name, the business) is `AppService`'s.
extension ApplicationInput {
    static let notAnObject = "The Application must be a JSON object."

    /// PUT /api/apps/{AppID}: Name, Summary, Description.
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "Application", notAnObject: Self.notAnObject)
        self.init(name: try reader.string("Name"), summary: try reader.string("Summary"), description: try reader.string("Description"))
    }

    /// POST /api/apps: the same, with BusinessID and the first version (`ApplicationVersion`).
    init(creationBody body: JSONValue) throws {
        try self.init(body: body)
        businessID = try BodyReader(body, context: "Application", notAnObject: Self.notAnObject).string("BusinessID")
        if let version = body.member(caseInsensitive: "ApplicationVersion") {
            self.version = try AppVersionInput(body: version, context: "Application.ApplicationVersion")
        }
    }
}

extension AppVersionInput {
    /// Reads `body` as the object `context` (`ApplicationVersion` when the body is the version itself).
    init(body: JSONValue, context: String = "ApplicationVersion") throws {
        let reader = try BodyReader(body, context: context, notAnObject: "\(context) must be a JSON object.")
        self.init()
        name = try reader.string("Name")
        description = try reader.string("Description")
        websiteAddress = try reader.string("WebsiteAddress")
        identity = try reader.string("Identity")
        sharedSecret = try reader.string("SharedSecret")
        visibility = try reader.visibility()
        if let text = try reader.string("InitialEnvironment") {
            guard let value = Self.environment(text) else {
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
