/// One transaction a test states (`POST /_emulator/traffic`): the domain fields of a
/// `GatewayTransaction`, plain and optional. `TrafficService.state` checks them and fills in the
/// rest (ids from the tenant's API and app versions, defaults).
public struct StatedTransactionInput: Sendable, Equatable {
    public var transactionID: String?
    /// ISO-8601 UTC (`2026-01-05T10:00:00Z`), a date, `now`, or relative to the emulator clock:
    /// `-15m`, `-2d`, `+30s`. Absent: now.
    public var time: String?
    public var apiVersionID: String?
    /// `Sandbox` or `Production` (absent: Production).
    public var environment: String?
    /// Absent: `Live` for Production, `Sandbox` for Sandbox.
    public var implementationCode: String?
    public var operation: String?
    public var method: String?
    public var path: String?
    public var appVersionID: String?
    public var contractID: String?
    public var status: Int?
    /// Absent: whether `status` is 400 or more.
    public var fault: Bool?
    public var faultMessage: String?
    /// Milliseconds.
    public var responseTime: Double?
    public var requestSize: Int?
    public var responseSize: Int?
    public var clientAddress: String?

    public init(
        transactionID: String? = nil, time: String? = nil, apiVersionID: String? = nil, environment: String? = nil,
        implementationCode: String? = nil, operation: String? = nil, method: String? = nil, path: String? = nil,
        appVersionID: String? = nil, contractID: String? = nil, status: Int? = nil, fault: Bool? = nil, faultMessage: String? = nil,
        responseTime: Double? = nil, requestSize: Int? = nil, responseSize: Int? = nil, clientAddress: String? = nil
    ) {
        self.transactionID = transactionID
        self.time = time
        self.apiVersionID = apiVersionID
        self.environment = environment
        self.implementationCode = implementationCode
        self.operation = operation
        self.method = method
        self.path = path
        self.appVersionID = appVersionID
        self.contractID = contractID
        self.status = status
        self.fault = fault
        self.faultMessage = faultMessage
        self.responseTime = responseTime
        self.requestSize = requestSize
        self.responseSize = responseSize
        self.clientAddress = clientAddress
    }
}
