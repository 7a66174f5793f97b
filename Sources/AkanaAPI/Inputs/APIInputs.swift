import AkanaDomain
import JSONCodec

/// The APIs' request bodies (JSON, or XML read as the same tree), decoded in the routes.
extension APIVersionInfoInput {
    /// `APIVersionInfo`: Name, Description, Visibility, Tag.
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "APIVersionInfo")
        self.init(
            name: try reader.name("Name"), description: try reader.string("Description"), visibility: try reader.visibility(),
            tags: try reader.tags())
    }

    /// PUT /api/apis/versions/{APIVersionID}/info: the APIVersionInfo, alone or wrapped in `{"APIVersionInfo": …}`.
    init(updateBody body: JSONValue) throws {
        guard case .object = body else { throw DomainError.badRequest("The APIVersionInfo must be a JSON object.") }
        try self.init(body: body.member(caseInsensitive: "APIVersionInfo") ?? body)
    }
}

extension APIInput {
    /// POST /api/apis: `APIVersionInfo` (+ `AddAPIImplementationRequest`), or a `DLDescriptor`.
    init(body: JSONValue) throws {
        guard case .object = body else { throw DomainError.badRequest("The request must be a JSON object with APIVersionInfo.") }
        let infoValue = body.member(caseInsensitive: "APIVersionInfo")
        let descriptor = try DropboxDescriptorInput(body.member(caseInsensitive: "DLDescriptor"))
        guard infoValue != nil || descriptor != nil else {
            throw DomainError.badRequest("Creating an API needs APIVersionInfo (with Name) or a DLDescriptor naming an uploaded document.")
        }
        let info = try infoValue.map { try APIVersionInfoInput(body: $0) }
        self.init(
            info: info, descriptor: descriptor,
            implementations: try APIImplementation.decode(body.member(caseInsensitive: "AddAPIImplementationRequest")))
    }
}

extension APIVersionInput {
    /// POST /api/apis/{APIID}/versions: `APIVersionInfo` (required) with an optional
    /// `AddAPIImplementationRequest`, `DLDescriptor` or `CloneAPIVersionRequest`.
    init(body: JSONValue) throws {
        guard case .object = body else { throw DomainError.badRequest("The request must be a JSON object with APIVersionInfo.") }
        guard let infoValue = body.member(caseInsensitive: "APIVersionInfo") else {
            throw DomainError.badRequest("APIVersionInfo (with the new version's Name) is required.")
        }
        let info = try APIVersionInfoInput(body: infoValue)
        let implementations = try APIImplementation.decode(body.member(caseInsensitive: "AddAPIImplementationRequest"))
        let descriptor = try DropboxDescriptorInput(body.member(caseInsensitive: "DLDescriptor"))
        let clone = try CloneAPIVersionInput(body.member(caseInsensitive: "CloneAPIVersionRequest"))
        self.init(info: info, implementations: implementations, descriptor: descriptor, clone: clone)
    }
}

extension DropboxDescriptorInput {
    /// `DLDescriptor`: flat, {"DropboxFileId": 1150, "FileName": "…", "ServiceName": "…"}, or with
    /// the reference wrapped, {"ServiceDescriptorReference": {"ServiceName", "FileName",
    /// "DropboxFileId"}} (what rwctl and pipelines send; not both forms at once); nil when absent
    /// or null. FileName is a label (the upload's name or e.g. `<service>.swagger`).
    init?(_ value: JSONValue?) throws {
        guard let value, value != .null else { return nil }
        guard case .object = value else { throw DomainError.badRequest("DLDescriptor must be an object.") }
        var fields = value
        var context = "DLDescriptor"
        if let reference = value.member(caseInsensitive: "ServiceDescriptorReference"), reference != .null {
            context = "DLDescriptor.ServiceDescriptorReference"
            guard case .object = reference else { throw DomainError.badRequest("\(context) must be an object.") }
            for key in ["DropboxFileId", "FileName", "ServiceName"] where value.member(caseInsensitive: key) != nil {
                throw DomainError.badRequest("DLDescriptor has both ServiceDescriptorReference and a flat \(key): send one form.")
            }
            fields = reference
        }
        let idValue = fields.member(caseInsensitive: "DropboxFileId")
        guard let id = idValue?.intValue ?? idValue?.stringValue.flatMap({ Int64($0) }), id > 0 else {
            throw DomainError.badRequest("\(context).DropboxFileId (from POST /api/dropbox/readfiledetails) is required.")
        }
        let reader = try BodyReader(fields, context: context)
        self.init(fileID: id, fileName: try reader.string("FileName"), serviceName: try reader.string("ServiceName"))
    }
}

extension CloneAPIVersionInput {
    /// `CloneAPIVersionRequest`: SourceAPIVersionID (required), CloneDesign, CloneImplementations
    /// (both true when absent); nil when absent or null.
    init?(_ value: JSONValue?) throws {
        guard let value, value != .null else { return nil }
        guard case .object = value else { throw DomainError.badRequest("CloneAPIVersionRequest must be an object.") }
        let reader = try BodyReader(value, context: "CloneAPIVersionRequest")
        guard let source = try reader.string("SourceAPIVersionID"), !source.isEmpty else {
            throw DomainError.badRequest("CloneAPIVersionRequest.SourceAPIVersionID is required.")
        }
        self.init(
            sourceID: source, design: try reader.bool("CloneDesign") ?? true,
            implementations: try reader.bool("CloneImplementations") ?? true)
    }
}

extension APIImplementation {
    /// `AddAPIImplementationRequest` (one object, or an array for both implementations):
    /// ImplementationCode (Sandbox or Live; Live by default), Description, CreateMechanism (PROXY,
    /// ORCHESTRATION or PHYSICAL), ProxyImplementationRequest.TargetEndpointURL[], EndpointAccessAutoApproved.
    /// A PROXY implementation without ProxyImplementationRequest (`rwctl apis create NAME`) has no
    /// endpoint yet.
    static func decode(_ value: JSONValue?) throws -> [APIImplementation] {
        guard let value, value != .null else { return [] }
        let items = value.arrayValue ?? [value]
        var result: [APIImplementation] = []
        for (index, item) in items.enumerated() {
            let context = items.count == 1 ? "AddAPIImplementationRequest" : "AddAPIImplementationRequest[\(index)]"
            guard case .object = item else { throw DomainError.badRequest("\(context) must be an object.") }
            let reader = try BodyReader(item, context: context)
            let codeText = try reader.string("ImplementationCode") ?? "Live"
            guard let code = codes.first(where: { $0.lowercased() == codeText.lowercased() }) else {
                throw DomainError.badRequest("\(context).ImplementationCode must be Sandbox or Live, not '\(codeText)'.")
            }
            guard !result.contains(where: { $0.code == code }) else {
                throw DomainError.badRequest("\(context): the \(code) implementation is given twice.")
            }
            let mechanismText = try reader.string("CreateMechanism") ?? "PROXY"
            guard let mechanism = mechanisms.first(where: { $0 == mechanismText.uppercased() }) else {
                throw DomainError.badRequest(
                    "\(context).CreateMechanism must be one of \(mechanisms.joined(separator: ", ")), not '\(mechanismText)'.")
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
                        throw DomainError.badRequest(
                            "\(context).ProxyImplementationRequest.TargetEndpointURL has more than \(maxEndpoints) URLs.")
                    }
                    endpoints = try FieldLimits.check(list.compactMap(\.stringValue), field: "\(context).TargetEndpointURL")
                    for url in endpoints where !(url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://")) {
                        throw DomainError.badRequest(
                            "\(context).ProxyImplementationRequest.TargetEndpointURL '\(url)' is not an http or https URL.")
                    }
                }
            }
            result.append(
                APIImplementation(
                    code: code, description: try reader.string("Description") ?? "", createMechanism: mechanism,
                    endpointAccessAutoApproved: try reader.bool("EndpointAccessAutoApproved") ?? false, endpoints: endpoints))
        }
        return result
    }
}

extension BodyReader {
    /// A flag: a boolean, or the string "true" or "false" (without case).
    func bool(_ key: String) throws -> Bool? {
        guard let value = body.member(caseInsensitive: key), value != .null else { return nil }
        if let flag = value.boolValue { return flag }
        if let text = value.stringValue, ["true", "false"].contains(text.lowercased()) { return text.lowercased() == "true" }
        throw DomainError.badRequest("\(context).\(key) must be true or false, not \(value.typeName).")
    }
}
