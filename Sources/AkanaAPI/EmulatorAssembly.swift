import AkanaDomain
import Dispatch
import EmulatorMachinery
import Logging
import SQLiteStore

/// The one composition root: builds the whole emulator over an open, migrated database, in the
/// same order for the daemon and for the tests — tenants, seeded users and the signing key, the
/// workflow engine with the app-version functions and the shipped definitions, the fixtures, the
/// services, the request journal, the route table and the application that runs it.
public enum EmulatorAssembly {
    public struct Settings: Sendable {
        public var tenants: TenantDirectory
        public var seedUsers: [SeedUser]
        public var fixtures: FixtureCatalog
        public var ids: IDGenerator
        /// Hashes seeded users' passwords (fixtures use `fixtures.hasher`).
        public var hasher: PasswordHasher
        public var sessionPolicy: SessionPolicy
        public var journalPolicy: RequestJournal.Policy
        /// The undo log's bound (`undo.maxEntries`).
        public var undoPolicy: UndoLog.Policy
        public var execution: HandlerExecution
        /// Required as `Authorization: Bearer …` on `/_emulator/` routes when set.
        public var adminToken: String?
        /// What the daemon knows of the database file's integrity (`GET /_emulator/health`).
        public var integrity: IntegrityStatus
        /// Where `/_emulator/instances` finds the daemon's instances (filled in by the daemon).
        public var instances = EmulatorInstanceDirectoryReference()
        /// The largest answer the gateway takes from an implementation's target, head and body
        /// (the daemon: `limits.maxHeaderBytes` + `limits.maxBodyBytes`).
        public var gatewayMaxResponseBytes = 65_536 + 1_048_576

        public init(
            tenants: TenantDirectory, seedUsers: [SeedUser], fixtures: FixtureCatalog, ids: IDGenerator, hasher: PasswordHasher,
            integrity: IntegrityStatus, sessionPolicy: SessionPolicy = SessionPolicy(), journalPolicy: RequestJournal.Policy = .init(),
            execution: HandlerExecution = HandlerExecution(), adminToken: String? = nil, undoPolicy: UndoLog.Policy = .init()
        ) {
            self.undoPolicy = undoPolicy
            self.integrity = integrity
            self.tenants = tenants
            self.seedUsers = seedUsers
            self.fixtures = fixtures
            self.ids = ids
            self.hasher = hasher
            self.sessionPolicy = sessionPolicy
            self.journalPolicy = journalPolicy
            self.execution = execution
            self.adminToken = adminToken
        }
    }

    public struct Assembled: Sendable {
        public let environment: APIEnvironment
        public let application: AkanaApplication
        /// Emails of the seeded users created now (absent before).
        public let createdUsers: [String]
        /// What the fixtures created and found already there.
        public let fixtureReport: FixtureReport
        /// The emulated gateway's handler, for a listener of its own (`gateway.port`).
        public let gateway: GatewayApplication
    }

    public static func assemble(database: DatabasePool, clock: EmulatorClock, settings: Settings, logger: Logger) throws -> Assembled {
        // Every write from here on ends by keeping the undo log within its cap.
        UndoLog.bound(database, policy: settings.undoPolicy)
        // Nothing here runs for a request: every transaction is the daemon starting (`.startup`).
        let bootstrap = try PlatformBootstrap.run(
            database: database, tenants: settings.tenants, users: settings.seedUsers,
            now: clock.now(), hasher: settings.hasher, knownHashes: [:], ids: settings.ids, scope: .startup)
        let workflow = WorkflowEngine(database: database, clock: clock)
        let contractLifecycle = ContractLifecycle(workflow: workflow)
        AppService.registerWorkflowFunctions(on: workflow, deletionObserver: contractLifecycle)
        let groups = GroupService(database: database, clock: clock, engine: workflow, ids: settings.ids)
        for tenant in settings.tenants.all {
            _ = try workflow.installShippedDefinitions(tenant: tenant.fedmemberid, scope: .startup)
            try groups.prepareTenant(tenant.fedmemberid, scope: .startup)
        }
        let fixtureReport = try FixtureLoader.apply(
            settings.fixtures.documents, database: database, tenants: settings.tenants,
            workflow: workflow, ids: settings.ids, now: clock.now(), hasher: settings.fixtures.hasher,
            scope: .startup)
        // Persisted fault rules: a table that cannot be read stops the start (it is not taken for "no faults").
        let faults = try FaultInjector(database: database, clock: clock, ids: settings.ids, scope: .startup)
        let sessions = SessionService(
            database: database, clock: clock, policy: settings.sessionPolicy, signingKey: bootstrap.signingKey,
            hasher: settings.hasher, ids: settings.ids)
        let journalLogger = logger
        let journal = RequestJournal(
            database: database, clock: clock, policy: settings.journalPolicy,
            onError: { error in
                // A full disk is logged once by the pool's storage observer below, not per batch
                // (health's journalDroppedEntries counts what it cost).
                guard (error as? DatabaseError)?.isDiskFull != true else { return }
                journalLogger.warning("request journal: a batch could not be written: \(error)")
            })
        let storageLogger = logger
        database.storage.setObserver { state in
            if let state {
                storageLogger.error(
                    "the disk holding \(state.path) is full: writes are answered 507 until space is freed (\(state.detail))")
            } else {
                storageLogger.notice("a write committed again on \(database.path): the disk has room, writes are accepted")
            }
        }
        let apps = AppService(
            database: database, clock: clock, workflow: workflow, ids: settings.ids, deletionObserver: contractLifecycle, groups: groups)
        let models = ModelService(database: database, clock: clock, workflow: workflow, ids: settings.ids)
        let snapshots = SnapshotStore(database: database)
        let environment = APIEnvironment(
            database: database, clock: clock, tenants: settings.tenants, sessions: sessions,
            businessSettings: BusinessSettingsService(
                database: database, tenants: settings.tenants, clock: clock, workflow: workflow, sessionPolicy: settings.sessionPolicy),
            apps: apps, models: models, groups: groups,
            apis: APIService(database: database, clock: clock, workflow: workflow, contracts: contractLifecycle, ids: settings.ids),
            contracts: ContractService(database: database, clock: clock, workflow: workflow, ids: settings.ids),
            implementations: ImplementationService(database: database, clock: clock),
            policies: PolicyService(database: database),
            users: UserService(database: database, clock: clock, hasher: settings.hasher, ids: settings.ids),
            licenses: LicenseService(database: database, clock: clock, ids: settings.ids),
            scopes: ScopeService(database: database, clock: clock, ids: settings.ids),
            traffic: TrafficService(database: database, clock: clock, ids: settings.ids),
            packages: PackageService(
                database: database, clock: clock, workflow: workflow, ids: settings.ids, version: EmulatorVersion.current),
            content: ContentService(database: database, clock: clock),
            outbox: OutboxService(database: database),
            workflow: workflow,
            workflowActions: WorkflowObjectActions(database: database, engine: workflow, apps: apps, models: models, groups: groups),
            search: SearchService(database: database, sources: SearchService.defaultSources),
            admin: EmulatorAdmin(
                database: database, clock: clock, tenants: settings.tenants, workflow: workflow, snapshots: snapshots,
                seedUsers: settings.seedUsers, fixtures: settings.fixtures, ids: settings.ids, hasher: settings.hasher),
            browser: StateBrowser(database: database, clock: clock, workflow: workflow, snapshots: snapshots), journal: journal,
            startedAt: DispatchTime.now().uptimeNanoseconds, faults: faults, metrics: EmulatorMetrics(), integrity: settings.integrity,
            instances: settings.instances,
            gateway: GatewayService(database: database, clock: clock, ids: settings.ids), accessPoints: GatewayAccessPoints())
        environment.metrics.observe(database)
        let application = AkanaRoutes.makeApplication(
            environment: environment, logger: logger, adminToken: settings.adminToken,
            execution: settings.execution)
        let gateway = GatewayApplication(
            gateway: environment.gateway, metrics: environment.metrics, accessPoints: environment.accessPoints,
            execution: settings.execution, maxResponseBytes: settings.gatewayMaxResponseBytes, logger: logger)
        return Assembled(
            environment: environment, application: application, createdUsers: bootstrap.createdUsers,
            fixtureReport: fixtureReport, gateway: gateway)
    }
}
