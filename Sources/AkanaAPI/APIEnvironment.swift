import AkanaDomain
import Dispatch
import SQLiteStore

/// What the routes share: the database, the clock, the tenants and sessions. Built once at startup.
public struct APIEnvironment: Sendable {
    public let database: DatabasePool
    public let clock: EmulatorClock
    public let tenants: TenantDirectory
    public let sessions: SessionService
    public let apps: AppService
    public let workflow: WorkflowEngine
    /// The configured users, for resets.
    public let seedUsers: [SeedUser]
    public let snapshots: SnapshotStore
    /// `DispatchTime` uptime nanoseconds when the daemon started (for `uptimeSeconds`).
    public let startedAt: UInt64

    public init(database: DatabasePool, clock: EmulatorClock, tenants: TenantDirectory, sessions: SessionService,
                apps: AppService, workflow: WorkflowEngine, seedUsers: [SeedUser] = [],
                startedAt: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        self.seedUsers = seedUsers
        self.snapshots = SnapshotStore(database: database)
        self.apps = apps
        self.workflow = workflow
        self.database = database
        self.clock = clock
        self.tenants = tenants
        self.sessions = sessions
        self.startedAt = startedAt
    }
}
