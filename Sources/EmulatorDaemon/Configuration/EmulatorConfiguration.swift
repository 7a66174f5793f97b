import AkanaAPI
import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import Logging
import SQLiteStore

/// Every setting of the daemon with its built-in default. Sources, lowest precedence first:
/// these defaults < the config file (`Config/akana-emulator.json`) < `AKANA_EMULATOR_*` environment
/// variables < command-line flags. `ConfigurationKeys.all` documents each key.
public struct EmulatorConfiguration: Sendable, Equatable {
    /// A user created at startup when missing (an existing one is left as it is).
    public struct SeedUser: Sendable, Equatable {
        public var email: String
        public var password: String
        public var name: String
        public var roles: [String]
        public var tenant: String?

        public init(email: String, password: String, name: String, roles: [String], tenant: String? = nil) {
            self.email = email
            self.password = password
            self.name = name
            self.roles = roles
            self.tenant = tenant
        }
    }

    // Listener and storage.
    public var host = "127.0.0.1"
    public var port = 8080
    /// The emulated gateway's own listener (same host, same limits), serving the access points.
    public var gatewayEnabled = true
    /// `gateway.port`: 8081 unless set, or a free port (0) when `port` is 0 and it is not set — so
    /// daemons started on free ports (tests, CI, the pytest plugin) never fight over 8081.
    public var gatewayPort: Int {
        get { gatewayPortSetting ?? (port == 0 ? 0 : Self.defaultGatewayPort) }
        set { gatewayPortSetting = newValue }
    }
    /// `gateway.port` as configured; nil: not set (see `gatewayPort`).
    public var gatewayPortSetting: Int?
    public static let defaultGatewayPort = 8081
    public var database = "akana-emulator.sqlite"
    /// `normal`: safe against process crashes; `full`: also against power loss (fsync per commit).
    public var durability: SynchronousMode = .normal
    public var databaseReaders = 4
    /// SQLite page cache per reader connection and of the writer, in KiB.
    public var databaseReaderCacheKilobytes = DatabaseConfiguration.defaultReaderCacheKiB
    public var databaseWriterCacheKilobytes = DatabaseConfiguration.defaultWriterCacheKiB
    public var logLevel: Logger.Level = .info

    // The platform.
    /// The default tenant's fedmemberid: ids end in `.<tenant>`, cookies are `AtmoAuthToken_<tenant>`.
    public var tenant = "acmepaymentscorp"
    public var sessionLifetimeMinutes = 30
    public var sessionMaxHours = 8
    public var csrfReadRequests = false
    public var csrfWriteRequests = true
    /// More tenants besides the default one, chosen by the request's `Host` header.
    public var extraTenants: [TenantSettings] = []
    public var loginMaxFailures = 5
    public var loginFailureWindowSeconds = 300.0
    public var loginLockSeconds = 300.0
    public var loginMaxFailuresPerAddress = 20
    public var loginPasswordHashThreads = 1
    public var loginPasswordHashQueueLimit = 4
    public var users: [SeedUser] = [
        SeedUser(email: "administrator@acmepaymentscorp.com", password: "password", name: "Administrator", roles: ["SiteAdmin"]),
        SeedUser(email: "jane@acmepaymentscorp.com", password: "password", name: "Jane", roles: [])
    ]
    /// Directory of fixture documents (`*.json`) applied at startup (what is missing) and by every
    /// reset; a missing default directory means none, "" turns fixtures off.
    public var fixtures = EmulatorConfiguration.defaultFixtures
    public static let defaultFixtures = "Config/fixtures"
    /// Ids, tokens and secrets come from a generator seeded with `deterministicSeed` (tests only).
    public var deterministicIds = false
    public var deterministicSeed = "0"

    // HTTP limits and deadlines.
    public var maxHeaderBytes = 65_536
    public var maxHeaderCount = 200
    public var maxBodyBytes = 1_048_576
    public var headerReadTimeoutSeconds = 10.0
    public var idleTimeoutSeconds = 60.0
    public var maxConnections = 1024
    /// 0 means one event loop per CPU core.
    public var eventLoops = 0
    public var shutdownGraceSeconds = 10.0
    public var handlerThreads = 8
    public var readHandlerThreads = 0
    public var handlerQueueLimit = 256
    public var handlerTimeoutSeconds = 30.0
    /// Required (as `Authorization: Bearer …`) on `/_emulator/` routes when listening beyond loopback.
    public var adminToken = ""

    // Memory.
    /// After migrations and once listening, drop the resident pages of read-only file mappings startup touched (see `ResidentMemory`).
    public var releaseStartupPages = true
    /// glibc malloc arenas (`M_ARENA_MAX`): threads share these instead of one arena each.
    public var mallocArenas = 2
    /// Kilobytes the answers of cached reads may take (`ResponseCache`); 0 turns the cache off.
    public var responseCacheKilobytes = 4096

    // The request journal (`GET /_emulator/requests`).
    /// Entries kept, newest first; 0 turns the journal off.
    public var journalMaxEntries = 100_000
    /// Entries older than this (by the emulator clock) are removed.
    public var journalMaxAgeHours = 168
    /// Keep request and response headers and response bodies in the journal (HAR, request page).
    public var journalCaptureExchange = false

    // The undo log behind checkpoints and snapshot restores.
    /// Rows the undo log may hold; past it the oldest checkpoint or snapshot mark is released.
    public var undoMaxEntries = UndoLog.Policy.defaultMaxEntries

    // Isolated instances (POST /_emulator/instances).
    /// Instances alive at once; 0 turns them off.
    public var instancesMax = 100
    /// Minutes without a request after which an instance is removed.
    public var instancesIdleMinutes = 30.0

    public init() {}

    /// The HTTP server's configuration derived from these settings.
    public func httpServerConfiguration() -> HTTPServerConfiguration {
        var server = HTTPServerConfiguration()
        server.host = host
        server.port = port
        server.maxHeaderBytes = maxHeaderBytes
        server.maxHeaderCount = maxHeaderCount
        server.maxBodyBytes = maxBodyBytes
        server.headerReadTimeout = headerReadTimeoutSeconds
        server.idleTimeout = idleTimeoutSeconds
        server.maxConnections = maxConnections
        server.eventLoopCount = eventLoops > 0 ? eventLoops : Self.defaultEventLoops(cores: ProcessInfo.processInfo.activeProcessorCount)
        return server
    }

    /// The gateway listener's configuration: the portal's (host, limits, deadlines, loops) on `gateway.port`.
    public func gatewayServerConfiguration() -> HTTPServerConfiguration {
        var server = httpServerConfiguration()
        server.port = gatewayPort
        return server
    }

    /// `limits.eventLoops: 0`: one loop per core but one, at least one. The loops answer cached reads
    /// and move every byte; the handler pools, the writer and the journal need a core too, and a
    /// loop on every core preempts them (on 2 cores, bench.py's GET p99 went from 4.5–4.9 ms with
    /// 2 loops to 3.4–3.7 ms with 1, for 10% less throughput).
    static func defaultEventLoops(cores: Int) -> Int {
        max(1, cores - 1)
    }

    /// The tenants: the default one (with the `csrf.*` settings) and `tenants`.
    public func tenantDirectory() -> TenantDirectory {
        TenantDirectory(
            defaultTenant: TenantSettings(fedmemberid: tenant, readRequestCSRF: csrfReadRequests, writeRequestCSRF: csrfWriteRequests),
            others: extraTenants)
    }

    public func sessionPolicy() -> SessionPolicy {
        var policy = SessionPolicy()
        policy.lifetime = Double(sessionLifetimeMinutes) * 60
        policy.maxLifetime = Double(sessionMaxHours) * 3600
        policy.maxFailures = loginMaxFailures
        policy.failureWindow = loginFailureWindowSeconds
        policy.lockDuration = loginLockSeconds
        policy.maxFailuresPerAddress = loginMaxFailuresPerAddress
        policy.passwordHashThreads = loginPasswordHashThreads
        policy.passwordHashQueueLimit = loginPasswordHashQueueLimit
        return policy
    }

    /// The seeded users, each with its tenant resolved (the default tenant when none is named).
    public func seedUsers() -> [AkanaDomain.SeedUser] {
        users.map {
            AkanaDomain.SeedUser(tenant: $0.tenant ?? tenant, email: $0.email, password: $0.password, name: $0.name, roles: $0.roles)
        }
    }

    public func handlerExecution() -> HandlerExecution {
        HandlerExecution(
            threads: handlerThreads, readThreads: readHandlerThreads, queueLimit: handlerQueueLimit,
            timeoutSeconds: handlerTimeoutSeconds, responseCacheBytes: responseCacheKilobytes * 1024)
    }

    public func journalPolicy() -> RequestJournal.Policy {
        RequestJournal.Policy(maxEntries: journalMaxEntries, maxAgeHours: journalMaxAgeHours, captureExchange: journalCaptureExchange)
    }

    public func undoPolicy() -> UndoLog.Policy {
        UndoLog.Policy(maxEntries: undoMaxEntries)
    }

    public func databaseConfiguration() -> DatabaseConfiguration {
        var configuration = DatabaseConfiguration()
        configuration.readerCount = databaseReaders
        configuration.readerCacheKiB = databaseReaderCacheKilobytes
        configuration.writerCacheKiB = databaseWriterCacheKilobytes
        configuration.synchronous = durability
        return configuration
    }
}
