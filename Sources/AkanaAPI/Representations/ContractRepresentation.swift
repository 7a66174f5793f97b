import AkanaDomain
import JSONCodec

/// The contracts' wire objects.
enum ContractRepresentation {
    /// The Contract object: ContractID, APIVersionID, RuntimeID, Environment, State, Status,
    /// ContractScope{Restricted, LicenseID[]}, Created, Updated, and on a revision RevisionOf (the
    /// ContractID it revises). The Contract object page (`obj/o_contracts_Contract.htm`) names no
    /// member for the revised contract, so the emulator adds this one, only on revisions, after the
    /// documented members.
    static func contract(_ contract: Contract) -> JSONValue {
        var scope: [(String, JSONValue)] = [("Restricted", .bool(contract.restricted))]
        if !contract.licenseIDs.isEmpty { scope.append(("LicenseID", .array(contract.licenseIDs.map(JSONValue.string)))) }
        var members: [(String, JSONValue)] = [
            ("ContractID", .string(contract.id)),
            ("APIVersionID", .string(contract.apiVersionID)),
            ("RuntimeID", .string(contract.runtimeID)),
            ("Environment", .string(contract.environment)),
            ("State", .string(contract.state)),
            ("Status", .string(contract.status)),
            ("ContractScope", .object(scope)),
            ("Created", .string(contract.created)),
            ("Updated", .string(contract.updated))
        ]
        if let revisionOf = contract.revisionOf { members.append(("RevisionOf", .string(revisionOf))) }
        return .object(members)
    }

    /// `GET /api/contracts/{ContractID}/apidetails`: "information about the API that's part of" the
    /// contract. The stored help page shows no response sample, so the emulator answers the API
    /// object (as `GET /api/apis/{APIID}`) whose APIVersion is the contract's API version.
    static func apiDetails(_ details: ContractAPIDetails, accessPoints: GatewayAccessPoints) -> JSONValue {
        APIRepresentation.api(
            details.api, defaultVersion: details.version, options: APIRepresentation.VersionOptions(accessPoints: accessPoints))
    }

    /// `GET /api/contracts/{ContractID}/appdetails`: "information about the app that's part of" the
    /// contract. No response sample is shown either: the Application object (as `GET
    /// /api/apps/{AppID}`) followed by `AppVersion`, the ApplicationVersion of the contract's RuntimeID.
    static func appDetails(_ details: ContractAppDetails) -> JSONValue {
        guard case .object(var members) = AppRepresentation.application(details.app) else {
            return AppRepresentation.application(details.app)
        }
        members.append(("AppVersion", AppRepresentation.version(details.version, AppRepresentation.VersionOptions())))
        return .object(members)
    }

    /// A list of contracts: `{"Contract": [...]}`.
    static func list(_ contracts: [Contract]) -> JSONValue {
        .object([("Contract", .array(contracts.map(contract)))])
    }
}

extension ContractRepresentation {
    /// `GET /api/apis/versions/{APIVersionID}/connectedapps`: an RSS channel with an item per connected
    /// app version (title, description, guid = AppVersionID; categories: its visibility, its state and
    /// the environment of each of its contracts with the API version) whose `EntityReferences` names
    /// its app: `{EntityReference: [{Title: <app name>, Guid: <AppID>, Category: [{domain:
    /// "uddi:soa.com:resourcetype", value: "app"}]}]}` (the dashboards read the first category's value
    /// and the Guid as the AppID).
    static func connectedApps(_ apps: [ConnectedApp]) -> RSSChannel {
        RSSChannel(
            title: "Connected apps",
            items: apps.map { connected in
                let version = connected.version
                let reference: JSONValue = .object([
                    ("Title", .string(connected.appName)), ("Guid", .string(version.appID)),
                    ("Category", .array([.object([("domain", .string("uddi:soa.com:resourcetype")), ("value", .string("app"))])]))
                ])
                var item = RSSChannel.Item(
                    title: version.name, description: version.description, guid: version.id,
                    categories: [("uddi:soa.com:visibility", version.visibility), ("uddi:soa.com:state", version.state)]
                        + connected.contracts.map { ("uddi:soa.com:environment", $0.environment) },
                    created: version.created)
                item.fields = [("EntityReferences", .object([("EntityReference", .array([reference]))]))]
                return item
            })
    }
}
