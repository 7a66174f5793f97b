/// One call through the emulated gateway to an API implementation's access point, as the platform
/// records it for its metrics and transaction logs (table `gateway_transactions`,
/// `0019_gateway_traffic.sql`). The gateway writes one per call; `POST /_emulator/traffic` states
/// them in bulk.
public struct GatewayTransaction: Sendable, Equatable {
    /// Where a transaction came from.
    public enum Source: String, Sendable {
        /// A call the gateway listener served.
        case gateway
        /// A transaction a test stated (`POST /_emulator/traffic`).
        case stated
    }

    /// The row's position in the table (0 before it is recorded).
    public var seq: Int64
    public var tenant: String
    /// The transaction's id as reports print it (a UUID).
    public var transactionID: String
    /// The emulator clock's time of the call: ISO-8601 text and milliseconds since the epoch.
    public var time: String
    public var timeMillis: Int64
    public var apiID: String
    public var apiVersionID: String
    public var implementationCode: String
    /// The implementation's Environment: `Production` or `Sandbox`.
    public var environment: String
    /// The operation the call matched; empty when it matched none.
    public var operation: String
    public var method: String
    public var path: String
    /// The calling app and app version; empty when the call carried no credentials the gateway knows.
    public var appID: String
    public var appVersionID: String
    /// The contract that let the call through; empty when none did.
    public var contractID: String
    public var status: Int
    /// A fault in the reports' sense: refused by the gateway, or an error status from the target.
    public var fault: Bool
    public var faultMessage: String
    public var durationMillis: Double
    public var requestSize: Int
    public var responseSize: Int
    public var clientAddress: String
    public var source: Source

    public init(
        seq: Int64 = 0, tenant: String, transactionID: String, time: String, timeMillis: Int64, apiID: String, apiVersionID: String,
        implementationCode: String, environment: String, operation: String, method: String, path: String, appID: String,
        appVersionID: String, contractID: String, status: Int, fault: Bool, faultMessage: String, durationMillis: Double,
        requestSize: Int, responseSize: Int, clientAddress: String, source: Source
    ) {
        self.seq = seq
        self.tenant = tenant
        self.transactionID = transactionID
        self.time = time
        self.timeMillis = timeMillis
        self.apiID = apiID
        self.apiVersionID = apiVersionID
        self.implementationCode = implementationCode
        self.environment = environment
        self.operation = operation
        self.method = method
        self.path = path
        self.appID = appID
        self.appVersionID = appVersionID
        self.contractID = contractID
        self.status = status
        self.fault = fault
        self.faultMessage = faultMessage
        self.durationMillis = durationMillis
        self.requestSize = requestSize
        self.responseSize = responseSize
        self.clientAddress = clientAddress
        self.source = source
    }
}
