/// The body of `POST /api/apis/versions/{APIVersionID}/implementations` (help
/// `apis/m_apis_addAPIImplementation.htm`): the implementation (ImplementationCode, Description,
/// CreateMechanism, ProxyImplementationRequest.TargetEndpointURL[]) and the APIVersionID it names.
public struct ImplementationInput: Sendable, Equatable {
    public var implementation: APIImplementation
    /// The body's APIVersionID; when given it must be the path's.
    public var apiVersionID: String?

    public init(implementation: APIImplementation, apiVersionID: String?) {
        self.implementation = implementation
        self.apiVersionID = apiVersionID
    }
}

/// The body of `PUT …/implementations/{ImplementationCode}/info` (help
/// `apis/m_apis_updateAPIImplementationInfo.htm`); absent members keep their values.
public struct ImplementationInfoInput: Sendable, Equatable {
    public var anonymousAccessAllowed: Bool?
    public var endpointAccessAutoApproved: Bool?
    public var description: String?
    public var pattern: String?

    public init(anonymousAccessAllowed: Bool?, endpointAccessAutoApproved: Bool?, description: String?, pattern: String?) {
        self.anonymousAccessAllowed = anonymousAccessAllowed
        self.endpointAccessAutoApproved = endpointAccessAutoApproved
        self.description = description
        self.pattern = pattern
    }
}

/// The filters of `GET /api/apis/versions/implementations` (help `apis/m_apis_findAPIImplementations.htm`),
/// all optional.
public struct ImplementationFilter: Sendable, Equatable {
    public var apiID: String?
    public var apiVersionID: String?
    public var implementationCode: String?
    public var serviceKey: String?
    public var proxiedServiceKey: String?

    public init(apiID: String?, apiVersionID: String?, implementationCode: String?, serviceKey: String?, proxiedServiceKey: String?) {
        self.apiID = apiID
        self.apiVersionID = apiVersionID
        self.implementationCode = implementationCode
        self.serviceKey = serviceKey
        self.proxiedServiceKey = proxiedServiceKey
    }
}

/// An implementation with what its APIImplementation object names: its API version and API, and
/// the policies attached to the implementation itself.
public struct ImplementationDetails: Sendable, Equatable {
    public var apiID: String
    public var apiName: String
    public var apiVersionID: String
    public var versionName: String
    public var implementation: APIImplementation
    public var policies: [Policy]
}
