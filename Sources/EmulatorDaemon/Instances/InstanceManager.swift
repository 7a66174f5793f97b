import AkanaAPI
import AkanaDomain
import Dispatch
import DispatchHTTP
import EmulatorMachinery
import Foundation
import Logging
import SQLiteStore
import Synchronization

/// The daemon's isolated instances (`POST /_emulator/instances`): each one a whole emulator — its
/// own database file under `<database>.instances/`, assembled by the same composition root as the
/// daemon, its own listener on a free loopback port — so parallel test jobs sharing one daemon
/// never see each other's state, checkpoints, clock, faults or journal.
///
/// Creating one copies a *template*: a database seeded as a fresh start (tenants, users, shipped
/// workflows, fixtures), built once (`PlatformReset.buildSeededDatabase`, the full reset's own
/// builder) the first time one is asked for — a daemon that never creates one never writes it — and
/// copied per instance, so a creation is a file copy, an open and an assembly, not a seeding.
/// Instances run lean: one event loop, small handler pools, one reader connection, small caches.
/// They live as long as the daemon, or until deleted, or idle for `instances.idleMinutes`; the
/// directory is emptied at startup (a crash leaves files behind) and at a clean stop.
final class InstanceManager: EmulatorInstanceDirectory, Sendable {
    private struct Instance: Sendable {
        let info: EmulatorInstanceInfo
        let server: HTTPServer
        let application: AkanaApplication
        let journal: RequestJournal
        let pool: DatabasePool
        let path: String
        let activity: ActivityHandler
    }

    private struct State: Sendable {
        var instances: [String: Instance] = [:]
        /// Creations under way (they count against `instances.max`).
        var reserved = 0
        var closed = false
    }

    let directory: String
    private let configuration: EmulatorConfiguration
    private let fixtures: FixtureCatalog
    private let logger: Logger
    /// Seeded users' hashes, so the template does not run the slow KDF again.
    private let knownHashes: [String: String]
    private let state = Mutex(State())
    /// Serializes building the template (creations wait for the one build).
    private let templateLock = Mutex<String?>(nil)
    // A DispatchSource is thread-safe (scheduled once in start, cancelled once in shutdown).
    nonisolated(unsafe) private let sweeper: any DispatchSourceTimer

    init(configuration: EmulatorConfiguration, fixtures: FixtureCatalog, knownHashes: [String: String], logger: Logger) {
        self.configuration = configuration
        self.fixtures = fixtures
        self.knownHashes = knownHashes
        self.logger = logger
        directory = configuration.database + ".instances"
        sweeper = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "akana-emulator.instances.sweeper"))
    }

    /// Empties the directory (files of a previous run) and starts the idle sweeper.
    func start() {
        try? FileManager.default.removeItem(atPath: directory)
        let idleSeconds = configuration.instancesIdleMinutes * 60
        let period = min(60, max(0.05, idleSeconds / 4))
        sweeper.schedule(deadline: .now() + period, repeating: period)
        sweeper.setEventHandler { [weak self] in self?.removeIdle(olderThan: idleSeconds) }
        sweeper.resume()
    }

    // MARK: EmulatorInstanceDirectory

    func create() throws -> EmulatorInstanceInfo {
        let reserved = state.withLock { state -> Bool in
            guard !state.closed, state.instances.count + state.reserved < configuration.instancesMax else { return false }
            state.reserved += 1
            return true
        }
        guard reserved else {
            throw APIError(
                .serviceUnavailable,
                "\(configuration.instancesMax) instances are alive, the most instances.max allows; delete one (DELETE /_emulator/instances/{id}) or raise instances.max."
            )
        }
        defer { state.withLock { $0.reserved -= 1 } }
        let instance = try open(id: "inst-" + Self.randomHex(8))
        let kept = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.instances[instance.info.id] = instance
            return true
        }
        guard kept else {
            close(instance)
            throw APIError(.serviceUnavailable, "The daemon is stopping.")
        }
        logger.notice("instance \(instance.info.id) listening on \(instance.info.url)")
        return instance.info
    }

    func list() -> [EmulatorInstanceInfo] {
        state.withLock { state in Array(state.instances.values) }.sorted {
            $0.info.created < $1.info.created || ($0.info.created == $1.info.created && $0.info.id < $1.info.id)
        }
        .map { instance in
            var info = instance.info
            info.lastUsed = Timestamp.iso8601(Date(timeIntervalSince1970: instance.activity.lastUsed))
            return info
        }
    }

    func remove(_ id: String) throws -> Bool {
        guard let instance = state.withLock({ $0.instances[id] }), instance.activity.claim() else { return false }
        close(instance)
        logger.notice("instance \(id) removed")
        return true
    }

    /// Closes every instance and removes the directory (the daemon is stopping).
    func shutdown() {
        sweeper.cancel()
        let all = state.withLock { state -> [Instance] in
            state.closed = true
            return Array(state.instances.values)
        }
        for instance in all where instance.activity.claim() { close(instance) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var count: Int { state.withLock { $0.instances.count } }

    // MARK: Building

    /// The template's path, built on first use.
    private func template() throws -> String {
        try templateLock.withLock { built -> String in
            if let built { return built }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/template.sqlite"
            for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let configuration = self.configuration
            _ = try PlatformReset.buildSeededDatabase(
                at: path, tenants: configuration.tenantDirectory(), users: configuration.seedUsers(), clock: EmulatorClock(),
                hasher: Daemon.passwordHasher, fixtures: fixtures, knownHashes: knownHashes,
                ids: { pool in try Daemon.makeIDGenerator(configuration, database: pool) })
            // Closed cleanly: each copy opens without an integrity check.
            let marked = try DatabasePool(path: path, configuration: DatabaseConfiguration(readerCount: 1))
            try DatabaseBootstrap.close(marked)
            built = path
            return path
        }
    }

    private func open(id: String) throws -> Instance {
        let template = try template()
        let path = directory + "/\(id).sqlite"
        try FileManager.default.copyItem(atPath: template, toPath: path)
        var succeeded = false
        defer { if !succeeded { Self.removeFiles(path) } }
        var instanceConfiguration = configuration
        instanceConfiguration.database = path
        instanceConfiguration.host = "127.0.0.1"
        instanceConfiguration.port = 0
        instanceConfiguration.eventLoops = 1
        instanceConfiguration.databaseReaders = 1
        instanceConfiguration.databaseReaderCacheKilobytes = 256
        instanceConfiguration.databaseWriterCacheKilobytes = 256
        let clock = EmulatorClock()
        let pool = try DatabaseBootstrap.openCopy(instanceConfiguration)
        do {
            clock.mode = try ClockStore.load(pool, scope: .startup)
            let ids = try Daemon.makeIDGenerator(instanceConfiguration, database: pool)
            var execution = instanceConfiguration.handlerExecution()
            execution.threads = 2
            execution.readThreads = 1
            execution.responseCacheBytes = 256 << 10
            let settings = EmulatorAssembly.Settings(
                tenants: instanceConfiguration.tenantDirectory(), seedUsers: instanceConfiguration.seedUsers(), fixtures: fixtures,
                ids: ids, hasher: Daemon.passwordHasher, integrity: IntegrityStatus(),
                sessionPolicy: instanceConfiguration.sessionPolicy(), journalPolicy: instanceConfiguration.journalPolicy(),
                execution: execution, adminToken: nil, undoPolicy: instanceConfiguration.undoPolicy())
            let assembled = try EmulatorAssembly.assemble(database: pool, clock: clock, settings: settings, logger: logger)
            // An instance runs no gateway listener (it shows no access points): its gateway's workers end now.
            assembled.gateway.shutdown()
            var serverConfiguration = instanceConfiguration.httpServerConfiguration()
            serverConfiguration.errorResponse = { status, message in
                FaultRenderer.response(for: APIError(status, message), accept: nil)
            }
            let activity = ActivityHandler(assembled.application)
            let server = HTTPServer(configuration: serverConfiguration, handler: activity, logger: logger)
            do {
                try server.start()
            } catch {
                assembled.application.shutdown()
                throw error
            }
            assembled.environment.metrics.reportConnections { [server] in server.connectionCount }
            let now = Timestamp.iso8601(Date())
            succeeded = true
            return Instance(
                info: EmulatorInstanceInfo(id: id, url: "http://127.0.0.1:\(server.port)", created: now, lastUsed: now, database: path),
                server: server, application: assembled.application, journal: assembled.environment.journal, pool: pool, path: path,
                activity: activity)
        } catch {
            try? pool.close()
            throw error
        }
    }

    /// Closes the listener, lets its requests finish, closes the database, removes the files; then
    /// it leaves the list (so a listed instance's file exists). The caller claimed it first.
    private func close(_ instance: Instance) {
        instance.server.shutdown(gracePeriod: 2)
        instance.application.shutdown()
        instance.journal.flush()
        try? instance.pool.close()
        Self.removeFiles(instance.path)
        state.withLock { _ = $0.instances.removeValue(forKey: instance.info.id) }
    }

    private func removeIdle(olderThan seconds: Double) {
        let cutoff = Date().timeIntervalSince1970 - seconds
        let idle = state.withLock { state in state.instances.values.filter { $0.activity.lastUsed < cutoff } }
        for instance in idle where instance.activity.claim() {
            close(instance)
            logger.notice("instance \(instance.info.id) removed after \(configuration.instancesIdleMinutes) idle minutes")
        }
    }

    private static func removeFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// Forwards to the instance's application and notes when it last had a request (the idle sweeper
/// reads it). One relaxed atomic store per request, on the event loop.
final class ActivityHandler: HTTPHandler {
    private let inner: AkanaApplication
    private let stamp = Atomic<UInt64>(0)

    init(_ inner: AkanaApplication) {
        self.inner = inner
        stamp.store(UInt64(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
    }

    private let claimed = Atomic<Bool>(false)

    /// True for the one caller that gets to close the instance (a DELETE, the idle sweeper, the stop).
    func claim() -> Bool {
        claimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    /// Seconds since the epoch of the last request (or the creation).
    var lastUsed: Double { Double(stamp.load(ordering: .relaxed)) / 1000 }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        stamp.store(UInt64(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
        inner.handle(request, responder: responder)
    }
}
