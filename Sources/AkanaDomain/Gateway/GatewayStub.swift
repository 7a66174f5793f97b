/// An answer a test set for calls through the gateway (`PUT /_emulator/gateway/responses`, table
/// `gateway_stubs`), WireMock-style: it matches calls to one API version by operation name, or by
/// method and path below the access point (empty matches any), and answers them with its status,
/// headers and body after `delayMillis`.
public struct GatewayStub: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var apiVersionID: String
    /// The operation's name (as `GET …/versions/{id}?includeOperations=true` lists it); empty for any.
    public var operation: String
    /// The HTTP method in capitals; empty for any.
    public var method: String
    /// The path below the access point, decoded (`/pets/1`); empty for any.
    public var path: String
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var delayMillis: Int
    public var created: String

    public init(
        id: String, tenant: String, apiVersionID: String, operation: String, method: String, path: String, status: Int,
        headers: [(name: String, value: String)], body: [UInt8], delayMillis: Int, created: String
    ) {
        self.id = id
        self.tenant = tenant
        self.apiVersionID = apiVersionID
        self.operation = operation
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers
        self.body = body
        self.delayMillis = delayMillis
        self.created = created
    }

    public static func == (lhs: GatewayStub, rhs: GatewayStub) -> Bool {
        lhs.id == rhs.id && lhs.tenant == rhs.tenant && lhs.apiVersionID == rhs.apiVersionID && lhs.operation == rhs.operation
            && lhs.method == rhs.method && lhs.path == rhs.path && lhs.status == rhs.status
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
            && lhs.body == rhs.body && lhs.delayMillis == rhs.delayMillis && lhs.created == rhs.created
    }

    /// Whether the stub answers a call of `method` to `path` that matched `operation` ("" for none).
    public func matches(method: String, path: String, operation: String) -> Bool {
        (self.operation.isEmpty || self.operation == operation) && (self.method.isEmpty || self.method == method)
            && (self.path.isEmpty || self.path == path)
    }
}

/// What `PUT /_emulator/gateway/responses` sets: the match (API version required; operation, method
/// and path optional) and the answer. A stub with the same API version, operation, method and path
/// is replaced.
public struct GatewayStubInput: Sendable {
    public var apiVersionID: String?
    public var operation: String?
    public var method: String?
    public var path: String?
    public var status: Int?
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var delayMillis: Int?

    public init(
        apiVersionID: String?, operation: String?, method: String?, path: String?, status: Int?, headers: [(name: String, value: String)],
        body: [UInt8], delayMillis: Int?
    ) {
        self.apiVersionID = apiVersionID
        self.operation = operation
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers
        self.body = body
        self.delayMillis = delayMillis
    }

    /// The longest delay a stub may ask for (a minute: longer would outlive every client's timeout).
    public static let maxDelayMillis = 60_000
    /// The most headers one stub may set.
    public static let maxHeaders = 50
    /// The largest body one stub may hold.
    public static let maxBodyBytes = 1 << 20
}
