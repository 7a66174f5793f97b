import AkanaDomain
import EmulatorMachinery
import SQLiteStore

/// What the routes share: the database, the clock, the tenants, sessions and services. Built once,
/// by `EmulatorAssembly.assemble` (the one composition root) through the memberwise initialiser:
/// no member has a default, so a missing dependency is a compile error rather than a second
/// instance built here. A new service is one member here and one argument there.
public struct APIEnvironment: Sendable {
    /// For the application (its response cache and the storage state it answers 507 from); the
    /// routes reach the database only through services.
    public let database: DatabasePool
    public let clock: EmulatorClock
    public let tenants: TenantDirectory
    public let sessions: SessionService
    /// `/api/businesses/{BusinessID}/…settings`, `…/loginpolicy` and `PUT /_emulator/workflows/{ObjectType}`.
    public let businessSettings: BusinessSettingsService
    public let apps: AppService
    /// Models and model versions (built once: the model routes and the workflow routes share it).
    public let models: ModelService
    /// Groups and membership requests (app teams, API admin groups, independent and system groups).
    public let groups: GroupService
    /// APIs, API versions and the dropbox; contracts (built once: several route files share them).
    public let apis: APIService
    public let contracts: ContractService
    /// API implementations and the policies attached to them.
    public let implementations: ImplementationService
    /// The tenant's policy catalogue (`GET /api/policies…`).
    public let policies: PolicyService
    /// The Users service (POST/GET/DELETE /api/users…).
    public let users: UserService
    /// Licenses and scopes with the operations mapped to them (issue 26 parts 4, 5).
    public let licenses: LicenseService
    public let scopes: ScopeService
    /// The reports from the gateway's traffic (metrics, exports) and `/_emulator/traffic`.
    public let traffic: TrafficService
    /// API packages: export of an API as a ZIP, import of one into a tenant (docs/packages.md).
    public let packages: PackageService
    /// The portal's content store: `/content/{path}` and `/resources/{path}` (issue 29 parts 1, 2).
    public let content: ContentService
    /// The captured messages: `/_emulator/outbox` and the users' notifications.
    public let outbox: OutboxService
    public let workflow: WorkflowEngine
    /// `/api/workflow/objects/{ObjectID}/actions`: one transaction per request.
    public let workflowActions: WorkflowObjectActions
    /// `GET /api/search`.
    public let search: SearchService
    /// The `/_emulator` operations that change the emulator's own state (objects, clock, snapshots, resets).
    public let admin: EmulatorAdmin
    /// The state browser's pages (`GET /_emulator/ui…`).
    public let browser: StateBrowser
    /// The request journal (`GET /_emulator/requests`).
    public let journal: RequestJournal
    /// `DispatchTime` uptime nanoseconds when the daemon started (for `uptimeSeconds`).
    public let startedAt: UInt64
    /// Failures injected on purpose (`/_emulator/faults`).
    public let faults: FaultInjector
    /// `GET /_emulator/metrics`.
    public let metrics: EmulatorMetrics
    /// The database file's integrity as far as the daemon knows (`GET /_emulator/health`).
    public let integrity: IntegrityStatus
    /// The daemon's isolated instances (`/_emulator/instances`); empty inside an instance and in tests.
    public let instances: EmulatorInstanceDirectoryReference
    /// The emulated gateway's decisions, records and stubs (`/_emulator/gateway/responses`).
    public let gateway: GatewayService
    /// Where the gateway listens, once it does: the access points the representations show.
    public let accessPoints: GatewayAccessPoints
}
