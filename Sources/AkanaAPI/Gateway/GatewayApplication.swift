import AkanaDomain
import Dispatch
import DispatchHTTP
import Foundation
import JSONCodec
import Logging
import SQLiteStore
import Synchronization
import WorkQueues

/// The emulated gateway's HTTP handler, served by its own listener (`gateway.port`): every call to
/// an access point `/<tenant>/<ImplementationCode>/<APIVersionID>/…` is taken off the event loop
/// onto the gateway's own worker pool (the portal's handler threads never serve it), decided by
/// `GatewayService.admit` (credentials, contract), answered (a stub, the target on this machine,
/// the descriptor's example, or an echo), recorded as a transaction, counted for Prometheus, and
/// only then written back.
public final class GatewayApplication: HTTPHandler {
    private let gateway: GatewayService
    private let metrics: EmulatorMetrics
    private let accessPoints: GatewayAccessPoints
    private let logger: Logger
    private let workers: WorkerPool
    private let timeout: UInt64
    /// The largest answer taken from a target (head and body).
    private let maxResponseBytes: Int

    public init(
        gateway: GatewayService, metrics: EmulatorMetrics, accessPoints: GatewayAccessPoints, execution: HandlerExecution,
        maxResponseBytes: Int, logger: Logger
    ) {
        self.gateway = gateway
        self.metrics = metrics
        self.accessPoints = accessPoints
        self.logger = logger
        self.workers = WorkerPool(name: "akana-gateway", threadCount: execution.threads, queueLimit: execution.queueLimit)
        self.timeout = MonotonicTime.nanoseconds(execution.timeoutSeconds)
        self.maxResponseBytes = maxResponseBytes
    }

    /// Lets queued calls finish and ends the worker threads (after the gateway's server stopped).
    public func shutdown() { workers.shutdown() }

    /// Calls waiting for a gateway worker now.
    public var queuedCalls: Int { workers.queuedCount }

    /// On the event loop: queue the call, or refuse it at once when the queue is full.
    public func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let arrived = MonotonicTime.now()
        guard workers.submit({ [self] in run(request, responder: responder, arrived: arrived) }) else {
            let error = APIError(
                .serviceUnavailable, "The gateway is busy: too many calls are already waiting. Retry shortly.",
                headers: ["Retry-After": "1"])
            metrics.recordGateway(apiVersionID: nil, status: 503)
            responder.respond(FaultRenderer.response(for: error, accept: request.headers["Accept"]))
            return
        }
    }

    /// On a gateway worker: decide, answer, record.
    private func run(_ request: HTTPRequest, responder: HTTPResponder, arrived: UInt64) {
        let deadline = arrived &+ timeout
        guard let place = GatewayPath(request) else {
            finish(
                request, responder, nil,
                fault(
                    request, .notFound,
                    "No access point at \(LogEscaping.printable(request.path)): access points are /<tenant>/<Sandbox|Live>/<APIVersionID>/…"
                ),
                arrived: arrived)
            return
        }
        let host = request.headers["Host"].map { "http://\($0)" } ?? accessPoints.baseURL ?? ""
        let call = GatewayService.Call(
            tenant: place.tenant, implementationCode: place.implementationCode, apiVersionID: place.apiVersionID,
            method: request.method.rawValue, path: place.path, authorization: request.headers.joinedValues("Authorization"),
            signed: AtmosphereSignature.Request(
                method: request.method.rawValue, url: host + place.rawPath, query: request.query.map { ($0.name, $0.value) }))
        let admission: GatewayService.Admission?
        do {
            admission = try gateway.admit(call, scope: TransactionScope(deadline: GatewayDeadline(deadline)))
        } catch {
            logger.error("gateway \(request.method.rawValue) \(LogEscaping.printable(request.path)) failed: \(String(reflecting: error))")
            let status: HTTPStatus =
                (error as? DatabaseError).map { $0.isBusy || $0.isInterrupted } == true ? .serviceUnavailable : .internalServerError
            finish(
                request, responder, nil, fault(request, status, "The gateway could not decide this call; retry shortly."), arrived: arrived)
            return
        }
        guard let admission else {
            finish(
                request, responder, nil,
                fault(
                    request, .notFound,
                    "No access point at \(LogEscaping.printable(request.path)): tenant \(place.tenant) has no \(place.implementationCode) implementation of API version \(place.apiVersionID)."
                ), arrived: arrived)
            return
        }
        if let refusal = admission.refusal {
            var headers: HTTPHeaders = [:]
            if refusal.status == 401 { headers.add("WWW-Authenticate", "Atmosphere realm=\"\(admission.tenant)\"") }
            let response = FaultRenderer.response(
                for: APIError(HTTPStatus(code: refusal.status), refusal.message, headers: headers), accept: request.headers["Accept"])
            finish(request, responder, admission, response, arrived: arrived, faultMessage: refusal.message)
            return
        }
        if let stub = admission.stub {
            var stubbed = HTTPResponse(status: HTTPStatus(code: stub.status), body: stub.body)
            for (name, value) in stub.headers { stubbed.headers.add(name, value) }
            let response = stubbed
            guard stub.delayMillis > 0 else {
                finish(request, responder, admission, response, arrived: arrived)
                return
            }
            // No thread waits out the delay: a timer hands the call back to a worker.
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(stub.delayMillis)) { [self] in
                if !workers.submit({ [self] in finish(request, responder, admission, response, arrived: arrived) }) {
                    finish(request, responder, admission, response, arrived: arrived)
                }
            }
            return
        }
        if let target = admission.target {
            let response: HTTPResponse
            var message = ""
            do {
                response = try GatewayForwarder.forward(
                    request, to: target, pathAndQuery: place.rawRest + place.rawQuery, clientAddress: Self.clientAddress(request),
                    deadline: deadline, maxResponseBytes: maxResponseBytes)
            } catch {
                message = error.message
                response = fault(request, error.status, error.message)
            }
            finish(request, responder, admission, response, arrived: arrived, faultMessage: message)
            return
        }
        if let example = admission.example {
            finish(
                request, responder, admission,
                HTTPResponse(status: HTTPStatus(code: example.status), headers: ["Content-Type": example.contentType], body: example.body),
                arrived: arrived)
            return
        }
        finish(request, responder, admission, echo(request, place, admission), arrived: arrived)
    }

    /// Records the call (when it reached an access point), counts it and answers.
    private func finish(
        _ request: HTTPRequest, _ responder: HTTPResponder, _ admission: GatewayService.Admission?, _ response: HTTPResponse,
        arrived: UInt64, faultMessage: String = ""
    ) {
        let status = response.status.code
        if let admission {
            let now = gateway.now()
            let transaction = GatewayTransaction(
                tenant: admission.tenant, transactionID: gateway.transactionID(), time: now.text, timeMillis: now.millis,
                apiID: admission.apiID, apiVersionID: admission.apiVersionID, implementationCode: admission.implementationCode,
                environment: admission.environment, operation: admission.operation, method: request.method.rawValue,
                path: String(request.path.prefix(2048)), appID: admission.appID, appVersionID: admission.appVersionID,
                contractID: admission.contractID, status: status, fault: admission.refusal != nil || status >= 400,
                faultMessage: faultMessage.isEmpty && status >= 400 ? response.status.description : faultMessage,
                durationMillis: Double(MonotonicTime.now() &- arrived) / 1_000_000, requestSize: request.body.count,
                responseSize: response.body.count, clientAddress: Self.clientAddress(request), source: .gateway)
            do {
                try gateway.record(transaction)
            } catch {
                logger.warning(
                    "gateway: the transaction of \(request.method.rawValue) \(LogEscaping.printable(request.path)) was not recorded: \(error)"
                )
            }
        }
        metrics.recordGateway(apiVersionID: admission?.apiVersionID, status: status)
        if logger.logLevel <= .info {
            let micros = (MonotonicTime.now() &- arrived) / 1000
            let line = LogEscaping.requestLine(
                method: request.method.rawValue, path: request.path, status: status, micros: micros, id: request.id)
            logger.info(Logger.Message(stringLiteral: "gateway " + line))
        }
        responder.respond(response)
    }

    private func fault(_ request: HTTPRequest, _ status: HTTPStatus, _ message: String) -> HTTPResponse {
        FaultRenderer.response(for: APIError(status, message), accept: request.headers["Accept"])
    }

    /// The answer when nothing else answers: the call as the gateway received it, as JSON.
    private func echo(_ request: HTTPRequest, _ place: GatewayPath, _ admission: GatewayService.Admission) -> HTTPResponse {
        var headers: [(String, JSONValue)] = []
        for (name, value) in request.headers where name.lowercased() != "authorization" || !AtmosphereCredentials.isAtmosphere(value) {
            headers.append((name, .string(value)))
        }
        // The body as text when it is UTF-8, else base64.
        let body: JSONValue = .string(String(bytes: request.body, encoding: .utf8) ?? Data(request.body).base64EncodedString())
        let echo: JSONValue = .object([
            ("method", .string(request.method.rawValue)),
            ("path", .string(place.path)),
            ("query", .object(request.query.map { ($0.name, .string($0.value)) })),
            ("headers", .object(headers)),
            ("body", body),
            ("apiVersionID", .string(admission.apiVersionID)),
            ("implementationCode", .string(admission.implementationCode)),
            ("operation", .string(admission.operation)),
            ("appVersionID", .string(admission.appVersionID)),
            ("contractID", .string(admission.contractID))
        ])
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: JSONWriter.bytes(echo))
    }

    /// The peer's address without its port (`127.0.0.1`, `::1`).
    static func clientAddress(_ request: HTTPRequest) -> String {
        let address = request.remoteAddress
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<close])
        }
        if let colon = address.lastIndex(of: ":") { return String(address[..<colon]) }
        return address
    }
}

/// A call's place: `/<tenant>/<ImplementationCode>/<APIVersionID>` and what follows it.
struct GatewayPath: Equatable {
    var tenant: String
    var implementationCode: String
    var apiVersionID: String
    /// The raw path as sent (`/acme/Sandbox/v1/pets/1`), without the query.
    var rawPath: String
    /// The raw path below the access point (`/pets/1`; `""` for none) and the raw query (`?a=b`; `""`).
    var rawRest: String
    var rawQuery: String
    /// The path below the access point, decoded (`/pets/1`; `/` for none).
    var path: String

    /// nil when the target does not name an access point: fewer than three segments, or an empty
    /// one among the first three.
    init?(_ request: HTTPRequest) {
        var target = Substring(request.target)
        if !target.hasPrefix("/") {
            // absolute-form: http://host/path
            guard let scheme = target.range(of: "://") else { return nil }
            let afterScheme = target[scheme.upperBound...]
            target = afterScheme.drop { $0 != "/" && $0 != "?" }
            if target.isEmpty || target.hasPrefix("?") { return nil }
        }
        let rawPath = target.prefix { $0 != "?" }
        let rawQuery = target.dropFirst(rawPath.count)
        let raw = rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard raw.count >= 3, raw.prefix(3).allSatisfy({ !$0.isEmpty }), request.pathSegments.count >= 3 else { return nil }
        tenant = request.pathSegments[0]
        implementationCode = request.pathSegments[1]
        apiVersionID = request.pathSegments[2]
        self.rawPath = String(rawPath)
        let rest = raw.dropFirst(3)
        rawRest = rest.isEmpty ? "" : "/" + rest.joined(separator: "/")
        self.rawQuery = String(rawQuery)
        path = "/" + request.pathSegments.dropFirst(3).joined(separator: "/")
    }
}

/// The gateway's deadline for its database work: `limits.handlerTimeoutSeconds` from the call's arrival.
final class GatewayDeadline: TransactionDeadline {
    private let deadline: UInt64
    private let sealed = Atomic<Bool>(false)

    init(_ deadline: UInt64) { self.deadline = deadline }

    var isExpired: Bool { !sealed.load(ordering: .acquiring) && MonotonicTime.now() >= deadline }

    func sealForCommit() -> Bool {
        guard !isExpired else { return false }
        sealed.store(true, ordering: .releasing)
        return true
    }
}
