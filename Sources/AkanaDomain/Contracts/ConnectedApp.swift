/// An app version connected to an API version (GET /api/apis/versions/{APIVersionID}/connectedapps):
/// the version, its app's name, and its contracts with that API version (per environment, a contract
/// and its revision at most, oldest first) that passed the request's filters.
public struct ConnectedApp: Sendable, Equatable {
    public var appName: String
    public var version: AppVersion
    public var contracts: [Contract]

    public init(appName: String, version: AppVersion, contracts: [Contract]) {
        self.appName = appName
        self.version = version
        self.contracts = contracts
    }
}
