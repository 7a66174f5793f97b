/// GET /api/contracts/{ContractID}/apidetails: the API of a contract and the API version the
/// contract is with.
public struct ContractAPIDetails: Sendable, Equatable {
    public var api: API
    public var version: APIVersion
}

/// GET /api/contracts/{ContractID}/appdetails: the app of a contract and the app version (the
/// contract's RuntimeID) it is for.
public struct ContractAppDetails: Sendable, Equatable {
    public var app: Application
    public var version: AppVersion
}
