import AkanaDomain
import DispatchHTTP
import Prometheus
import SQLiteStore
import Synchronization

/// What `GET /_emulator/metrics` exposes, in the Prometheus text format (swift-prometheus renders it):
///
/// - `akana_http_requests_total{route,method,status}` and `akana_http_request_duration_seconds{route,method}`
///   for every answered request (route = the matched template, `unmatched`, or `none` when answered
///   before routing);
/// - `akana_db_write_transactions_total`, `akana_db_writes_total` (writes per group commit add up
///   here), `akana_db_write_transaction_seconds`, `akana_db_commit_seconds`;
/// - `akana_handler_queue_depth{pool}`, `akana_handler_running{pool}`, `akana_http_open_connections`,
///   `akana_sessions_live`, `akana_login_failures_total{reason}`, `akana_journal_dropped_entries`;
/// - `akana_gateway_requests_total{api_version,status}`: calls answered by the emulated gateway.
///
/// The request path costs one dictionary look-up under a lock (the counter and histogram of the
/// route, method and status are made once and kept), two clock reads and the histogram's own lock.
public final class EmulatorMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    private struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    /// The counter of a route, method and status, and the duration histogram of the route and
    /// method (shared by its statuses): one dictionary look-up per request finds both.
    private struct Instruments: Sendable {
        var byKey: [Key: (counter: Counter, duration: DurationHistogram)] = [:]
        var durations: [Key: DurationHistogram] = [:]
    }

    private let instruments = Mutex(Instruments())
    private static let durationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5), .seconds(10)
    ]
    private let transactions: Counter
    private let writes: Counter
    private let transactionSeconds: DurationHistogram
    private let commitSeconds: DurationHistogram
    private let loginWrongCredentials: Counter
    private let loginLocked: Counter
    private let loginBusy: Counter
    /// Open connections of the HTTP server, when one serves the application (set by the daemon).
    let connectionCount = Mutex<ConnectionCountSource?>(nil)
    /// The handler pools' queue depths (set by the application).
    let queues = Mutex<QueueDepthSource?>(nil)

    // The closures live in structs: kept bare in the generic `Mutex`, every `withLock { $0 }`
    // wrapped a closure in two more reabstraction thunks, so each scrape called through all the
    // earlier ones (the same growth the commit observer had, see `GroupCommitQueue.Observer`).
    struct ConnectionCountSource: Sendable {
        let call: @Sendable () -> Int
    }

    struct QueueDepthSource: Sendable {
        let call: @Sendable () -> [(pool: String, queued: Int, running: Int)]
    }

    /// The response cache's hits, misses and kept bytes (set by the application when the cache is on).
    struct ResponseCacheSource: Sendable {
        let call: @Sendable () -> (hits: Int, misses: Int, bytes: Int)
    }
    let responseCache = Mutex<ResponseCacheSource?>(nil)
    /// Hits and misses already added to the counters (they are read from the cache at each scrape).
    private let reportedCache = Mutex<(hits: Int, misses: Int)>((0, 0))

    public init() {
        transactions = registry.makeCounter(
            descriptor: Self.descriptor("akana_db_write_transactions_total", "Committed write transactions (a group commit counts once)."))
        writes = registry.makeCounter(
            descriptor: Self.descriptor("akana_db_writes_total", "Committed writes (DatabasePool.write calls), over all group commits."))
        transactionSeconds = registry.makeDurationHistogram(
            descriptor: Self.descriptor(
                "akana_db_write_transaction_seconds", "Time from BEGIN to the end of COMMIT of each committed write transaction."),
            buckets: Self.durationBuckets)
        commitSeconds = registry.makeDurationHistogram(
            descriptor: Self.descriptor("akana_db_commit_seconds", "Time the COMMIT statement itself took."),
            buckets: Self.durationBuckets)
        loginWrongCredentials = registry.makeCounter(descriptor: Self.loginFailures, labels: [("reason", "credentials")])
        loginLocked = registry.makeCounter(descriptor: Self.loginFailures, labels: [("reason", "locked")])
        loginBusy = registry.makeCounter(descriptor: Self.loginFailures, labels: [("reason", "busy")])
    }

    /// A metric's full name and help text (the names are written out whole: no namespace or unit split).
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    private static var loginFailures: MetricNameDescriptor {
        descriptor(
            "akana_login_failures_total",
            "Refused logins: wrong email or password (401), locked account or address (429), password hashing busy (503).")
    }

    /// Starts hearing about the pool's commits.
    func observe(_ database: DatabasePool) {
        let transactions = transactions
        let writes = writes
        let transactionSeconds = transactionSeconds
        let commitSeconds = commitSeconds
        database.setCommitObserver { report in
            transactions.increment()
            writes.increment(by: Int64(report.writes))
            transactionSeconds.record(.nanoseconds(Int64(clamping: report.transactionNanoseconds)))
            commitSeconds.record(.nanoseconds(Int64(clamping: report.commitNanoseconds)))
        }
    }

    /// Lets the scrape report the server's open connections.
    public func reportConnections(_ count: @escaping @Sendable () -> Int) {
        connectionCount.withLock { $0 = ConnectionCountSource(call: count) }
    }

    /// One answered request.
    func record(route: String?, method: HTTPMethod, status: Int, nanoseconds: UInt64) {
        let key = Key(route: route.map { $0.isEmpty ? "unmatched" : $0 } ?? "none", method: method.rawValue, status: status)
        let (counter, histogram) = instruments.withLock { instruments -> (Counter, DurationHistogram) in
            if let found = instruments.byKey[key] { return found }
            let labels = [("route", key.route), ("method", key.method)]
            let counter = registry.makeCounter(
                descriptor: Self.descriptor("akana_http_requests_total", "Answered requests by route template, method and status."),
                labels: labels + [("status", String(status))])
            let timing = Key(route: key.route, method: key.method, status: 0)
            let histogram =
                instruments.durations[timing]
                ?? registry.makeDurationHistogram(
                    descriptor: Self.descriptor(
                        "akana_http_request_duration_seconds", "Time from a request's arrival to its answer, by route template and method."),
                    labels: labels, buckets: Self.durationBuckets)
            instruments.durations[timing] = histogram
            instruments.byKey[key] = (counter, histogram)
            return (counter, histogram)
        }
        counter.increment()
        histogram.record(.nanoseconds(Int64(clamping: nanoseconds)))
        if route == "/api/login" && method == .post {
            switch status {
            case 401: loginWrongCredentials.increment()
            case 429: loginLocked.increment()
            case 503: loginBusy.increment()
            default: break
            }
        }
    }

    /// The gateway's counters, by API version and status (`akana_gateway_requests_total`).
    private let gatewayCounters = Mutex<[GatewayKey: Counter]>([:])

    private struct GatewayKey: Hashable {
        var apiVersion: String
        var status: Int
    }

    /// One call answered by the gateway: `apiVersionID` nil when it reached no access point
    /// (counted as `api_version="none"`, so unknown paths cannot grow the label set).
    func recordGateway(apiVersionID: String?, status: Int) {
        let key = GatewayKey(apiVersion: apiVersionID ?? "none", status: status)
        let counter = gatewayCounters.withLock { counters -> Counter in
            if let found = counters[key] { return found }
            let counter = registry.makeCounter(
                descriptor: Self.descriptor(
                    "akana_gateway_requests_total", "Calls answered by the emulated gateway, by API version and status."),
                labels: [("api_version", key.apiVersion), ("status", String(key.status))])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    /// The exposition, with the gauges read now.
    func render(liveSessions: Int, journalDropped: Int) -> [UInt8] {
        for (pool, queued, running) in queues.withLock({ $0 })?.call() ?? [] {
            registry.makeGauge(
                descriptor: Self.descriptor("akana_handler_queue_depth", "Requests waiting for a handler thread."), labels: [("pool", pool)]
            )
            .set(Int64(queued))
            registry.makeGauge(
                descriptor: Self.descriptor("akana_handler_running", "Requests running on a handler thread."), labels: [("pool", pool)]
            )
            .set(Int64(running))
        }
        if let count = connectionCount.withLock({ $0 }) {
            registry.makeGauge(descriptor: Self.descriptor("akana_http_open_connections", "Open HTTP connections.")).set(
                Int64(count.call()))
        }
        if let source = responseCache.withLock({ $0 }) {
            // Read and compared under one lock, so that overlapping scrapes never add a negative
            // amount (a Counter traps on one); a source that starts again from 0 is a new cache.
            let (newHits, newMisses, cache) = reportedCache.withLock { reported -> (Int, Int, (hits: Int, misses: Int, bytes: Int)) in
                let cache = source.call()
                defer { reported = (cache.hits, cache.misses) }
                return (max(0, cache.hits - reported.hits), max(0, cache.misses - reported.misses), cache)
            }
            registry.makeCounter(
                descriptor: Self.descriptor("akana_response_cache_hits_total", "Reads answered from the response cache on the event loop.")
            )
            .increment(by: Int64(newHits))
            registry.makeCounter(
                descriptor: Self.descriptor("akana_response_cache_misses_total", "Reads of cached routes that went to their handler.")
            )
            .increment(by: Int64(newMisses))
            registry.makeGauge(
                descriptor: Self.descriptor(
                    "akana_response_cache_bytes", "What the kept answers are counted at (memory.responseCacheKilobytes bounds it).")
            )
            .set(Int64(cache.bytes))
        }
        registry.makeGauge(descriptor: Self.descriptor("akana_sessions_live", "Login sessions not yet expired (emulator clock).")).set(
            Int64(liveSessions))
        registry.makeGauge(
            descriptor: Self.descriptor("akana_journal_dropped_entries", "Request journal entries lost to failed batch writes since start.")
        )
        .set(Int64(journalDropped))
        return registry.emitToBuffer()
    }
}
