import AkanaDomain
import JSONCodec

/// The contracts' wire objects.
enum ContractRepresentation {
    /// The Contract object: ContractID, APIVersionID, RuntimeID, Environment, State, Status,
    /// ContractScope{Restricted, LicenseID[]}, Created, Updated.
    static func contract(_ contract: Contract) -> JSONValue {
        var scope: [(String, JSONValue)] = [("Restricted", .bool(contract.restricted))]
        if !contract.licenseIDs.isEmpty { scope.append(("LicenseID", .array(contract.licenseIDs.map(JSONValue.string)))) }
        return .object([
            ("ContractID", .string(contract.id)),
            ("APIVersionID", .string(contract.apiVersionID)),
            ("RuntimeID", .string(contract.runtimeID)),
            ("Environment", .string(contract.environment)),
            ("State", .string(contract.state)),
            ("Status", .string(contract.status)),
            ("ContractScope", .object(scope)),
            ("Created", .string(contract.created)),
            ("Updated", .string(contract.updated))
        ])
    }

    /// A list of contracts: `{"Contract": [...]}`.
    static func list(_ contracts: [Contract]) -> JSONValue {
        .object([("Contract", .array(contracts.map(contract)))])
    }
}
