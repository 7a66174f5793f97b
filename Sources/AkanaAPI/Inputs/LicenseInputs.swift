import AkanaDomain
import JSONCodec

/// The Licenses service's request body (m_licenses_addLicense, …updateLicense), decoded in the routes.
extension LicenseInput {
    /// The License object: `{Environment[], Visibility, SandboxAccessAutoApproved,
    /// ProductionAccessAutoApproved, Active, AgreementDetails {AgreementDocument[]}, Name,
    /// Description, LicenseParts {LicensePart[{Name, ResourceID[], PolicyKey[]}]}, BusinessID}`.
    /// Flags are booleans or "true"/"false" (the page's sample sends strings). A list of one may
    /// come as the element itself (XML read as JSON does that).
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "License")
        let agreements = try reader.listMembers("AgreementDetails", item: "AgreementDocument").map { documents in
            try documents.map { document in
                LicenseAgreement(
                    name: try document.string("Name") ?? "", description: try document.string("Description") ?? "",
                    contentPath: try document.string("ContentPath") ?? "", agreementType: try document.string("AgreementType") ?? "")
            }
        }
        let parts = try reader.listMembers("LicenseParts", item: "LicensePart").map { parts in
            try parts.map { part in
                LicensePart(
                    name: try part.string("Name") ?? "", scopeIDs: try part.stringItems("ResourceID") ?? [],
                    policyKeys: try part.stringItems("PolicyKey") ?? [])
            }
        }
        self.init(
            licenseID: try reader.string("LicenseID"), name: try reader.name("Name"), description: try reader.string("Description"),
            visibility: try reader.visibility(), sandboxAccessAutoApproved: try reader.bool("SandboxAccessAutoApproved"),
            productionAccessAutoApproved: try reader.bool("ProductionAccessAutoApproved"), active: try reader.bool("Active"),
            environments: try reader.stringItems("Environment", keepEmpty: true), agreements: agreements, parts: parts,
            businessID: try reader.string("BusinessID"))
    }
}

extension BodyReader {
    /// A list of strings (a single string is a list of one), each within its field's limit, at
    /// most `FieldLimits.maxListItems`; empty strings dropped unless `keepEmpty`.
    func stringItems(_ key: String, keepEmpty: Bool = false) throws -> [String]? {
        guard let value = value(key) else { return nil }
        let items: [JSONValue] = value.arrayValue ?? [value]
        let texts = try items.map { item in
            guard let text = item.stringValue else {
                throw DomainError.badRequest("\(context).\(key) must be an array of strings, not \(value.typeName).")
            }
            return text
        }
        return try FieldLimits.check(keepEmpty ? texts : texts.filter { !$0.isEmpty }, field: field(key))
    }

    /// A wrapped list, `{"<key>": {"<item>": [ {…}, … ]}}` (or `"<key>": [ … ]`, or one object
    /// for a list of one), each element read with its own reader (`<context>.<item>`). Nil when
    /// `key` is absent; at most `FieldLimits.maxListItems` elements.
    func listMembers(_ key: String, item: String) throws -> [BodyReader]? {
        guard let value = value(key) else { return nil }
        var list = value
        if case .object = value {
            guard let inner = value.member(caseInsensitive: item) else {
                throw DomainError.badRequest("\(context).\(key) must hold \(item)[].")
            }
            list = inner
        }
        if list == .null { return [] }
        let elements = list.arrayValue ?? [list]
        guard elements.count <= FieldLimits.maxListItems else {
            throw DomainError.badRequest(
                "\(context).\(key).\(item) has \(elements.count) entries; at most \(FieldLimits.maxListItems) are accepted.")
        }
        return try elements.map { element in
            try BodyReader(element, context: item, notAnObject: "\(context).\(key).\(item) must hold objects, not \(element.typeName).")
        }
    }
}
