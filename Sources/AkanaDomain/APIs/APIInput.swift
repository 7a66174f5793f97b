import Foundation
import JSONCodec

/// `APIVersionInfo` of the create and update operations: Name, Description, Visibility, Tag. Absent
/// fields are nil (keep the stored value on update).
struct APIVersionInfoInput: BodyInput {
    var name: String?
    var description: String?
    var visibility: String?
    var tags: [String]?

    init(_ body: JSONValue) throws { try self.init(body: body, context: "APIVersionInfo") }

    init(_ reader: BodyReader) throws {
        name = try reader.name("Name")
        description = try reader.string("Description")
        visibility = try reader.visibility()
        tags = try reader.tags()
    }

    /// A string member of `body` (the `BodyReader` rules), for the nested objects read here.
    static func string(_ body: JSONValue, _ key: String, context: String) throws -> String? {
        try BodyReader(body, context: context).string(key)
    }

    static func bool(_ body: JSONValue, _ key: String, context: String) throws -> Bool? {
        guard let value = body.member(caseInsensitive: key), value != .null else { return nil }
        if let flag = value.boolValue { return flag }
        if let text = value.stringValue, ["true", "false"].contains(text.lowercased()) { return text.lowercased() == "true" }
        throw DomainError.badRequest("\(context).\(key) must be true or false, not \(value.typeName).")
    }
}

/// `AddAPIImplementationRequest` (one object, or an array for both implementations):
/// ImplementationCode (Sandbox or Live; Live by default), Description, CreateMechanism (PROXY,
/// ORCHESTRATION or PHYSICAL), ProxyImplementationRequest.TargetEndpointURL[], EndpointAccessAutoApproved.
enum APIImplementationInput {
    static let mechanisms = ["PROXY", "ORCHESTRATION", "PHYSICAL"]
    static let maxEndpoints = 20

    static func parse(_ value: JSONValue?) throws -> [APIImplementation] {
        guard let value, value != .null else { return [] }
        let items = value.arrayValue ?? [value]
        var result: [APIImplementation] = []
        for (index, item) in items.enumerated() {
            let context = items.count == 1 ? "AddAPIImplementationRequest" : "AddAPIImplementationRequest[\(index)]"
            guard case .object = item else { throw DomainError.badRequest("\(context) must be an object.") }
            let codeText = try APIVersionInfoInput.string(item, "ImplementationCode", context: context) ?? "Live"
            guard let code = APIImplementation.codes.first(where: { $0.lowercased() == codeText.lowercased() }) else {
                throw DomainError.badRequest("\(context).ImplementationCode must be Sandbox or Live, not '\(codeText)'.")
            }
            guard !result.contains(where: { $0.code == code }) else {
                throw DomainError.badRequest("\(context): the \(code) implementation is given twice.")
            }
            let mechanismText = try APIVersionInfoInput.string(item, "CreateMechanism", context: context) ?? "PROXY"
            guard let mechanism = mechanisms.first(where: { $0 == mechanismText.uppercased() }) else {
                throw DomainError.badRequest("\(context).CreateMechanism must be one of \(mechanisms.joined(separator: ", ")), not '\(mechanismText)'.")
            }
            var endpoints: [String] = []
            if let proxy = item.member(caseInsensitive: "ProxyImplementationRequest"), proxy != .null {
                guard case .object = proxy else { throw DomainError.badRequest("\(context).ProxyImplementationRequest must be an object.") }
                if let urls = proxy.member(caseInsensitive: "TargetEndpointURL"), urls != .null {
                    let list = urls.arrayValue ?? [urls]
                    guard list.allSatisfy({ $0.stringValue != nil }) else {
                        throw DomainError.badRequest("\(context).ProxyImplementationRequest.TargetEndpointURL must be an array of strings.")
                    }
                    guard list.count <= maxEndpoints else {
                        throw DomainError.badRequest("\(context).ProxyImplementationRequest.TargetEndpointURL has more than \(maxEndpoints) URLs.")
                    }
                    endpoints = try FieldLimits.check(list.compactMap(\.stringValue), field: "\(context).TargetEndpointURL")
                    for url in endpoints where !(url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://")) {
                        throw DomainError.badRequest("\(context).ProxyImplementationRequest.TargetEndpointURL '\(url)' is not an http or https URL.")
                    }
                }
            }
            if mechanism == "PROXY" && endpoints.isEmpty {
                throw DomainError.badRequest("\(context): a PROXY implementation needs ProxyImplementationRequest.TargetEndpointURL.")
            }
            result.append(APIImplementation(
                code: code, description: try APIVersionInfoInput.string(item, "Description", context: context) ?? "",
                createMechanism: mechanism,
                endpointAccessAutoApproved: try APIVersionInfoInput.bool(item, "EndpointAccessAutoApproved", context: context) ?? false,
                endpoints: endpoints))
        }
        return result
    }
}
