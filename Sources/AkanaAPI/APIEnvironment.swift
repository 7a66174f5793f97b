import AkanaDomain
import Dispatch
import EmulatorMachinery
import SQLiteStore

/// What the routes share: the database, the clock, the tenants and sessions. Built once at startup.
public struct APIEnvironment: Sendable {
    public let database: DatabasePool
    public let clock: EmulatorClock
    public let tenants: TenantDirectory
    public let sessions: SessionService
    public let apps: AppService
    /// Models and model versions (built once: the model routes and the workflow routes share it).
    public let models: ModelService
    /// APIs, API versions and the dropbox; contracts (built once: several route files share them).
    public let apis: APIService
    public let contracts: ContractService
    /// The Users service (POST/GET/DELETE /api/users…).
    public let users: UserService
    public let workflow: WorkflowEngine
    /// The configured users, for resets.
    public let seedUsers: [SeedUser]
    /// The configured fixtures (`Config/fixtures/`), applied again by resets.
    public let fixtures: FixtureCatalog
    /// Mints every id, token and secret (secure random, or the seeded `deterministicIds` generator).
    public let ids: IDGenerator
    public let snapshots: SnapshotStore
    /// The request journal (`GET /_emulator/requests`); off when none is given.
    public let journal: RequestJournal
    /// `DispatchTime` uptime nanoseconds when the daemon started (for `uptimeSeconds`).
    public let startedAt: UInt64
    /// Failures injected on purpose (`/_emulator/faults`).
    public let faults: FaultInjector
    /// `GET /_emulator/metrics`.
    public let metrics = EmulatorMetrics()
    /// The database file's integrity as far as the daemon knows (`GET /_emulator/health`).
    public let integrity: IntegrityStatus

    public init(database: DatabasePool, clock: EmulatorClock, tenants: TenantDirectory, sessions: SessionService,
                apps: AppService, models: ModelService? = nil, apis: APIService? = nil, contracts: ContractService? = nil, workflow: WorkflowEngine, seedUsers: [SeedUser] = [],
                startedAt: UInt64 = DispatchTime.now().uptimeNanoseconds, journal: RequestJournal? = nil,
                fixtures: FixtureCatalog = FixtureCatalog(), ids: IDGenerator = IDGenerator(), faults: FaultInjector? = nil,
                integrity: IntegrityStatus = IntegrityStatus(), users: UserService? = nil) {
        self.users = users ?? UserService(database: database, clock: clock, hasher: PasswordHasher(), ids: ids)
        self.integrity = integrity
        // A pool always has the table (migration 0008); a failed read here means no persisted faults yet.
        self.faults = faults ?? ((try? FaultInjector(database: database)) ?? FaultInjector(empty: database))
        self.fixtures = fixtures
        self.ids = ids
        self.journal = journal ?? RequestJournal(database: database, clock: clock, policy: .init(maxEntries: 0))
        self.seedUsers = seedUsers
        self.snapshots = SnapshotStore(database: database)
        self.apps = apps
        self.models = models ?? ModelService(database: database, clock: clock, workflow: workflow, ids: ids)
        self.apis = apis ?? APIService(database: database, clock: clock, workflow: workflow, contracts: ContractLifecycle(workflow: workflow), ids: ids)
        self.contracts = contracts ?? ContractService(database: database, clock: clock, workflow: workflow, ids: ids)
        self.workflow = workflow
        self.database = database
        self.clock = clock
        self.tenants = tenants
        self.sessions = sessions
        self.startedAt = startedAt
    }
}
