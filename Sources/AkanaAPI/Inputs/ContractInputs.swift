import AkanaDomain
import JSONCodec

/// The contracts' request bodies (JSON, or XML read as the same tree), decoded in the routes.
extension ContractInput {
    /// POST /api/contracts: APIVersionID, RuntimeID (the AppVersionID), Environment, ContractScope.
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "Contract", notAnObject: "The Contract must be a JSON object.")
        self.init(
            apiVersionID: try reader.string("APIVersionID"), runtimeID: try reader.string("RuntimeID"),
            environment: try reader.string("Environment"),
            scope: try ContractScopeInput(body.member(caseInsensitive: "ContractScope")) ?? ContractScopeInput())
    }
}

extension ContractUpdateInput {
    /// PUT /api/contracts/{ContractID}: the Contract, of which only ContractScope changes.
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "Contract", notAnObject: "The Contract must be a JSON object.")
        let contractID = try reader.string("ContractID")
        var scope: ContractScopeInput?
        if let value = body.member(caseInsensitive: "ContractScope") {
            scope = try ContractScopeInput(value) ?? ContractScopeInput()
        }
        self.init(
            contractID: contractID, apiVersionID: try reader.string("APIVersionID"), runtimeID: try reader.string("RuntimeID"),
            scope: scope)
    }
}

extension ContractScopeInput {
    /// `ContractScope`: {"Restricted": bool, "LicenseID": [ids] | id}; nil when absent or null.
    init?(_ value: JSONValue?) throws {
        guard let value, value != .null else { return nil }
        guard case .object = value else { throw DomainError.badRequest("Contract.ContractScope must be an object.") }
        let restricted = try BodyReader(value, context: "ContractScope").bool("Restricted")
        var ids: [String] = []
        if let list = value.member(caseInsensitive: "LicenseID"), list != .null {
            let items = list.arrayValue ?? [list]
            guard items.allSatisfy({ $0.stringValue != nil }) else {
                throw DomainError.badRequest("ContractScope.LicenseID must be an array of strings.")
            }
            guard items.count <= Self.maxLicenses else {
                throw DomainError.badRequest("ContractScope.LicenseID has more than \(Self.maxLicenses) licenses.")
            }
            ids = try FieldLimits.check(items.compactMap(\.stringValue), field: "ContractScope.LicenseID")
        }
        var unique: [String] = []
        for id in ids where !unique.contains(id) { unique.append(id) }
        self.init(restricted: restricted, licenseIDs: unique)
    }
}
