import AkanaDomain
import Dispatch
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec
import Logging
import SQLiteStore
import WorkQueues

/// How request handlers are run: off the event loops, on two bounded pools, within a deadline.
///
/// GET and HEAD requests (reads: CPU-bound) run on `readThreads` threads, one per core by default,
/// so they are not preempted by each other; every other method (writes: mostly waiting for the
/// group commit that holds their change) runs on `threads` threads, so that many writes can share
/// one commit.
public struct HandlerExecution: Sendable {
    /// Threads running the handlers of changing requests (POST, PUT, DELETE …).
    public var threads: Int
    /// Threads running GET and HEAD handlers; 0 means one per CPU core.
    public var readThreads: Int
    /// Requests allowed to wait for a handler thread (per pool); one more is answered 503 with `Retry-After`.
    public var queueLimit: Int
    /// Seconds a request may run; past it the request is answered 503, its statements are
    /// interrupted and its writes rolled back.
    public var timeoutSeconds: Double
    /// Bytes the answers of cached reads may take (`ResponseCache`); 0 turns the cache off.
    public var responseCacheBytes: Int

    public init(
        threads: Int = 8, readThreads: Int = 0, queueLimit: Int = 256, timeoutSeconds: Double = 30,
        responseCacheBytes: Int = 4 << 20
    ) {
        self.threads = threads
        self.readThreads = readThreads
        self.queueLimit = queueLimit
        self.timeoutSeconds = timeoutSeconds
        self.responseCacheBytes = responseCacheBytes
    }
}

/// The emulator's HTTP handler: takes each request off the event loop onto its handler pool,
/// routes it, turns every failure into an Akana fault in the negotiated form, journals it, and
/// logs one line per request (method, path, status, duration, request id).
///
/// The event-loop thread only builds the request's `RequestContext` and queues it: when the queue
/// is full the request is answered 503 at once (back-pressure), and when a request outlives the
/// handler deadline the deadline monitor answers it 503 and its database work is interrupted.
public final class AkanaApplication: HTTPHandler {
    private let router: Router
    private let logger: Logger
    /// When set, every `/_emulator/` route needs `Authorization: Bearer <adminToken>` (the daemon
    /// sets it when listening on a non-loopback address).
    private let adminToken: [UInt8]?
    /// Records each request in the environment's journal (nil only for `withoutEnvironment`).
    let journalHook: RequestJournalHook?
    public let execution: HandlerExecution
    private let writeHandlers: WorkerPool
    private let readHandlers: WorkerPool
    private let deadlines: DeadlineMonitor
    private let timeout: UInt64
    /// Injected faults (`/_emulator/faults`), checked after routing and before the handler.
    private let faults: FaultInjector?
    private let tenants: TenantDirectory?
    private let metrics: EmulatorMetrics?
    /// The answers of cached reads, found again on the event loop; nil when off (or `withoutEnvironment`).
    let responseCache: ResponseCache?
    private let clock: EmulatorClock?
    /// The database's disk-full state, told of full disks found outside SQLite (a snapshot file).
    private let storage: StorageStatus?

    /// The emulator's application: requests are journaled, faults injected, metrics counted and
    /// cached reads kept, all through `environment`.
    public convenience init(
        router: Router, logger: Logger, adminToken: String?, environment: APIEnvironment, execution: HandlerExecution
    ) {
        self.init(router: router, logger: logger, adminToken: adminToken, optionalEnvironment: environment, execution: execution)
    }

    /// An application over `router` alone, for exercising the routing and execution machinery in
    /// isolation: no journal, no injected faults, no metrics, no response cache, no admin token.
    public static func withoutEnvironment(router: Router, logger: Logger, execution: HandlerExecution) -> AkanaApplication {
        AkanaApplication(router: router, logger: logger, adminToken: nil, optionalEnvironment: nil, execution: execution)
    }

    private init(
        router: Router, logger: Logger, adminToken: String?, optionalEnvironment environment: APIEnvironment?,
        execution: HandlerExecution
    ) {
        self.router = router
        self.logger = logger
        self.journalHook = environment.flatMap(RequestJournalHook.init)
        self.faults = environment?.faults
        self.tenants = environment?.tenants
        self.metrics = environment?.metrics
        self.clock = environment?.clock
        self.storage = environment?.database.storage
        self.adminToken = adminToken.map { Array("Bearer \($0)".utf8) }
        self.execution = execution
        self.writeHandlers = WorkerPool(name: "akana-write", threadCount: execution.threads, queueLimit: execution.queueLimit)
        let readThreads = execution.readThreads > 0 ? execution.readThreads : ProcessInfo.processInfo.activeProcessorCount
        self.readHandlers = WorkerPool(name: "akana-read", threadCount: readThreads, queueLimit: execution.queueLimit)
        self.deadlines = DeadlineMonitor(name: "akana-deadlines")
        self.timeout = MonotonicTime.nanoseconds(execution.timeoutSeconds)
        if let environment, execution.responseCacheBytes > 0 {
            responseCache = ResponseCache(counter: environment.database.changeCounter(), maxBytes: execution.responseCacheBytes)
        } else {
            responseCache = nil
        }
        if let metrics, let cache = responseCache {
            metrics.responseCache.withLock { $0 = EmulatorMetrics.ResponseCacheSource { (cache.hits, cache.misses, cache.bytes) } }
        }
        if let metrics {
            let reads = readHandlers
            let writes = writeHandlers
            metrics.queues.withLock {
                $0 = EmulatorMetrics.QueueDepthSource {
                    [("read", reads.queuedCount, reads.runningCount), ("write", writes.queuedCount, writes.runningCount)]
                }
            }
        }
    }

    /// Requests waiting for a handler thread now.
    public var queuedRequests: Int { readHandlers.queuedCount + writeHandlers.queuedCount }

    /// Lets queued requests finish and ends the handler threads (after the server stopped).
    public func shutdown() {
        readHandlers.shutdown()
        writeHandlers.shutdown()
        deadlines.shutdown()
    }

    /// On the event loop: answer the request from the response cache, or queue it (or refuse it at
    /// once) and return.
    public func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let context = RequestContext(
            http: request, journaling: journalHook?.begin(request), timeout: timeout,
            responder: responder, onExpire: { [weak self] context in self?.expired(context) })
        if request.method == .get, let cache = responseCache, let clock, !cache.isEmpty, mayUseCache(request),
            let entry = cache.lookup(target: request.target, caller: ResponseCache.Caller(request), now: clock.now())
        {
            context.notes.noteRoute(entry.route)
            if let user = entry.userID { context.notes.noteUser(user, sessionExpiresAt: entry.sessionExpiresAt) }
            answer(context, entry.response)
            return
        }
        let pool = request.method == .get || request.method == .head ? readHandlers : writeHandlers
        guard pool.submit({ [self] in run(context) }) else {
            answer(context, busy(context))
            return
        }
        deadlines.watch(context)
    }

    /// On a handler thread: the admin token, routing, injected faults, then the route's handler.
    private func run(_ context: RequestContext) {
        guard !context.isAnswered else { return }  // its deadline passed while it waited
        let request = context.http
        if let refusal = adminRefusal(request) {
            answer(context, refusal)
            return
        }
        let resolution = router.resolve(method: request.method, segments: request.pathSegments)
        var template = ""
        if case .matched(_, _, let matched) = resolution { template = matched }
        context.notes.noteRoute(template)
        // Faults never apply to the emulator's own routes, so they can always be listed and removed.
        if let faults, request.pathSegments.first != "_emulator",
            let fault = faults.fault(
                method: request.method.rawValue, route: template.isEmpty ? nil : template, path: request.path,
                tenant: tenants?.tenant(forHost: request.headers["Host"]).fedmemberid ?? "")
        {
            context.notes.noteFault(fault.id)
            switch fault.action {
            case .respond(let status, let body, let headers):
                answer(
                    context,
                    Self.injectedResponse(fault.id, status: status, body: body, headers: headers, accept: request.headers["Accept"]))
            case .closeConnection:
                guard context.claimAnswer(expiring: false) else { return }
                context.journaling?.record(
                    HTTPResponse(status: HTTPStatus(code: 0, reasonPhrase: "connection closed")),
                    micros: (MonotonicTime.now() &- context.arrived) / 1000)
                context.responder.closeConnection()
            case .delay(let milliseconds):
                // No thread waits: the request goes back to its pool when the delay is over.
                let pool = request.method == .get || request.method == .head ? readHandlers : writeHandlers
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [self] in
                    guard !context.isAnswered else { return }
                    guard
                        pool.submit({ [self] in
                            guard !context.isAnswered else { return }
                            answer(context, execute(context, resolution))
                        })
                    else {
                        answer(context, busy(context))
                        return
                    }
                }
            }
            return
        }
        if request.method == .get, let cache = responseCache, router.isCached(template), mayUseCache(request) {
            cache.noteMiss()
            let stamp = cache.stamp  // before anything is read; nil while a commit is under way
            let response = execute(context, resolution)
            if response.status.code == 200 {
                let notes = context.notes.snapshot
                cache.store(
                    ResponseCache.Entry(
                        response: response, route: template, userID: notes.userID,
                        sessionExpiresAt: notes.sessionExpiresAt),
                    target: request.target, caller: ResponseCache.Caller(request), stamp: stamp)
            }
            answer(context, response)
            return
        }
        let response = execute(context, resolution)
        responseCache?.discardIfStale()  // after a write, before its answer: no stale answer stays in memory
        answer(context, response)
    }

    /// Whether `request` may be answered from (and its answer kept in) the response cache now: no
    /// injected fault is set (a fault is decided per request), and its tenant does not want the
    /// CSRF header on reads (the header is not part of the cache's key).
    private func mayUseCache(_ request: HTTPRequest) -> Bool {
        if let faults, !faults.isEmpty { return false }
        if let tenants, tenants.tenant(forHost: request.headers["Host"]).requiresCSRF(isRead: true) { return false }
        return true
    }

    /// The 503 of a full handler queue.
    private func busy(_ context: RequestContext) -> HTTPResponse {
        let error = APIError(
            .serviceUnavailable,
            "The emulator is busy: \(execution.queueLimit) requests are already waiting for a handler. Retry shortly.",
            headers: ["Retry-After": "1"])
        return FaultRenderer.response(for: error, accept: context.http.headers["Accept"])
    }

    /// What an injected fault answers: its body as given (JSON as JSON, a string as text) or an
    /// Akana fault in the negotiated form.
    static func injectedResponse(_ id: String, status: Int, body: JSONValue?, headers: [(String, String)], accept: String?) -> HTTPResponse
    {
        let code = HTTPStatus(code: status)
        var response: HTTPResponse
        switch body {
        case nil:
            response = FaultRenderer.response(for: APIError(code, "Injected fault \(id) answered this request."), accept: accept)
        case .string(let text)?:
            response = Responses.text(text, status: code)
        case let value?:
            response = HTTPResponse(status: code, headers: ["Content-Type": "application/json"], body: JSONWriter.bytes(value))
        }
        for (name, value) in headers { response.headers.set(name, value) }
        return response
    }

    /// The deadline monitor's call for a request still running.
    private func expired(_ context: RequestContext) {
        let seconds = execution.timeoutSeconds
        let error = APIError(
            .serviceUnavailable,
            "The request did not finish within the handler deadline (\(seconds) s); nothing it did was committed. Retry shortly.",
            headers: ["Retry-After": "1"])
        logger.warning(
            "\(context.http.method.rawValue) \(LogEscaping.printable(context.http.path)) passed the handler deadline id=\(context.http.id)")
        deliver(context, FaultRenderer.response(for: error, accept: context.http.headers["Accept"]))
    }

    /// Answers unless the deadline already did.
    private func answer(_ context: RequestContext, _ response: HTTPResponse) {
        guard context.claimAnswer(expiring: false) else { return }
        deliver(context, response)
    }

    private func deliver(_ context: RequestContext, _ response: HTTPResponse) {
        let nanoseconds = MonotonicTime.now() &- context.arrived
        let micros = nanoseconds / 1000
        metrics?.record(route: context.notes.route, method: context.http.method, status: response.status.code, nanoseconds: nanoseconds)
        if logger.logLevel <= .info {
            let line = LogEscaping.requestLine(
                method: context.http.method.rawValue, path: context.http.path,
                status: response.status.code, micros: micros, id: context.http.id)
            logger.info(Logger.Message(stringLiteral: line))
        }
        context.journaling?.record(response, micros: micros)  // before responding: a client reads back its own request
        context.responder.respond(response)
    }

    /// The refusal of an `/_emulator/` request without the admin token, when one is required.
    private func adminRefusal(_ request: HTTPRequest) -> HTTPResponse? {
        guard let adminToken, request.pathSegments.first == "_emulator",
            !Crypto.constantTimeEquals(Array((request.headers["Authorization"] ?? "").utf8), adminToken)
        else { return nil }
        return FaultRenderer.response(
            for: APIError(
                .unauthorized, "The /_emulator/ routes need the header 'Authorization: Bearer <adminToken>' on a non-loopback address.",
                headers: ["WWW-Authenticate": "Bearer"]),
            accept: request.headers["Accept"])
    }

    /// Routes and runs the request on the calling thread (no faults); never throws.
    public func respond(to context: RequestContext) -> HTTPResponse {
        if let refusal = adminRefusal(context.http) { return refusal }
        return execute(context, router.resolve(method: context.http.method, segments: context.http.pathSegments))
    }

    /// Runs the resolved route's handler; every failure becomes a fault.
    private func execute(_ context: RequestContext, _ resolution: Router.Resolution) -> HTTPResponse {
        let request = context.http
        switch resolution {
        case .matched(let handler, let parameters, _):
            if !parameters.isEmpty { context.notes.noteParameters(parameters) }
            do {
                return try handler(RouteRequest(context: context, parameters: parameters))
            } catch let error as APIError {
                return FaultRenderer.response(for: error, accept: request.headers["Accept"])
            } catch let error as DomainError {
                return FaultRenderer.response(for: APIError(error), accept: request.headers["Accept"])
            } catch {
                if Self.isDiskFull(error) {
                    // Logged once when the disk fills (and when writes commit again), not per request.
                    if !(error is DatabaseError) { storage?.noteDiskFull(String(describing: error)) }
                    return FaultRenderer.response(
                        for: .insufficientStorage(file: Self.fileNotWritten(error)), accept: request.headers["Accept"])
                }
                if !context.isExpired {
                    logger.error(
                        "\(request.method.rawValue) \(LogEscaping.printable(request.path)) failed: \(String(reflecting: error)) id=\(request.id)"
                    )
                }
                return FaultRenderer.response(for: Self.serverError(error), accept: request.headers["Accept"])
            }
        case .methodNotAllowed(let allowed):
            let error = APIError(
                .methodNotAllowed,
                "Method \(request.method.rawValue) is not allowed on \(request.path); allowed: \(allowed.map(\.rawValue).joined(separator: ", ")).",
                headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")])
            return FaultRenderer.response(for: error, accept: request.headers["Accept"])
        case .notFound:
            return FaultRenderer.response(
                for: .notFound("The resource could not be found: \(request.path)"), accept: request.headers["Accept"])
        }
    }

    /// Whether `error` says the disk is full: SQLite's (`DatabaseError.isDiskFull`, which the pool
    /// already noted), or a file operation's (a snapshot directory or file that cannot be written).
    static func isDiskFull(_ error: any Error) -> Bool {
        if let error = error as? DatabaseError { return error.isDiskFull }
        if let error = error as? CocoaError, error.code == .fileWriteOutOfSpace { return true }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain, nsError.code == Int(ENOSPC) || nsError.code == Int(EDQUOT) { return true }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            underlying.code == Int(ENOSPC) || underlying.code == Int(EDQUOT)
        {
            return true
        }
        return false
    }

    /// The file a disk-full error failed to write, when it is not the database (a snapshot's copy).
    static func fileNotWritten(_ error: any Error) -> String? {
        if let error = error as? DatabaseError { return error.filePath }
        return (error as NSError).userInfo[NSFilePathErrorKey] as? String
    }

    /// A database that is busy beyond its timeout (or a write rolled back with its group) asks the
    /// client to retry, as does work interrupted by its deadline; anything else is a 500.
    private static func serverError(_ error: any Error) -> APIError {
        if let error = error as? DatabaseError, error.isBusy || error.isInterrupted {
            return APIError(
                .serviceUnavailable, error.isBusy ? "The database is busy; retry shortly." : "The request ran out of time; retry shortly.",
                headers: ["Retry-After": "1"])
        }
        return .internalError()
    }
}
