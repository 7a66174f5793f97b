import AkanaDomain
import SQLiteStore

/// What the state browser's pages show (`GET /_emulator/ui…`): one method per page, each one read
/// transaction, returning plain rows (`StateBrowserRepository.Row`, column → text) and values; the
/// route renders them as HTML.
public final class StateBrowser: Sendable {
    public typealias Row = StateBrowserRepository.Row

    let database: DatabasePool
    let clock: EmulatorClock
    let workflow: WorkflowEngine
    let snapshots: SnapshotStore

    public init(database: DatabasePool, clock: EmulatorClock, workflow: WorkflowEngine, snapshots: SnapshotStore) {
        self.database = database
        self.clock = clock
        self.workflow = workflow
        self.snapshots = snapshots
    }

    /// `GET /_emulator/ui/users`: live sessions counted at the emulator clock's now.
    public func users(scope: TransactionScope) throws -> [Row] {
        let now = Timestamp.iso8601(clock.now())
        return try database.read(in: scope) { db in try StateBrowserRepository.users(db, now: now) }
    }

    /// `GET /_emulator/ui/apps`.
    public func apps(scope: TransactionScope) throws -> [Row] {
        try database.read(in: scope) { db in try StateBrowserRepository.apps(db) }
    }

    public struct AppPage: Sendable {
        public var app: Row
        public var versions: [Row]
        public var team: [Row]
        public var contracts: [Row]
    }

    /// `GET /_emulator/ui/apps/{AppID}`; nil when there is no such app.
    public func app(id: String, scope: TransactionScope) throws -> AppPage? {
        try database.read(in: scope) { db in
            guard let app = try StateBrowserRepository.app(db, id: id) else { return nil }
            return AppPage(
                app: app, versions: try StateBrowserRepository.appVersions(db, appID: id),
                team: try StateBrowserRepository.team(db, appID: id),
                contracts: try StateBrowserRepository.contracts(db, appID: id))
        }
    }

    /// `GET /_emulator/ui/apis`.
    public func apis(scope: TransactionScope) throws -> (apis: [Row], implementations: [Row], contracts: [Row]) {
        try database.read(in: scope) { db in
            (try StateBrowserRepository.apis(db), try StateBrowserRepository.implementations(db), try StateBrowserRepository.contracts(db))
        }
    }

    /// `GET /_emulator/ui/models`.
    public func models(scope: TransactionScope) throws -> [Row] {
        try database.read(in: scope) { db in try StateBrowserRepository.models(db) }
    }

    /// `GET /_emulator/ui/workflow`.
    public func workflowObjects(scope: TransactionScope) throws -> [Row] {
        try database.read(in: scope) { db in try StateBrowserRepository.workflowObjects(db) }
    }

    public struct WorkflowObjectPage: Sendable {
        public var object: Row
        /// The actions valid now for a caller with every role (reserved ones included).
        public var actions: [WorkflowActionChoice]
        public var history: [WorkflowHistoryEntry]
    }

    /// `GET /_emulator/ui/workflow/{ObjectID}`: the object, its actions and its history from one
    /// read; nil when there is no such object.
    public func workflowObject(id: String, scope: TransactionScope) throws -> WorkflowObjectPage? {
        try database.read(in: scope) { db in
            guard let object = try StateBrowserRepository.workflowObject(db, id: id) else { return nil }
            let history = try self.workflow.history(db, objectID: id)
            let actions = try self.workflow.availableActions(db, objectID: id, caller: .emulator(), includeReserved: true)
            return WorkflowObjectPage(object: object, actions: actions, history: history)
        }
    }

    /// `GET /_emulator/ui/snapshots`: the snapshot files, then every checkpoint with the number of
    /// changes made since (one read).
    public func snapshotsAndCheckpoints(
        scope: TransactionScope
    ) throws -> (snapshots: [SnapshotStore.Snapshot], checkpoints: [(mark: UndoLog.Mark, changesSince: Int)]) {
        let files = try snapshots.list()
        let checkpoints = try database.read(in: scope) { db in try UndoLog.checkpoints(db) }
        return (files, checkpoints)
    }

    /// The page that shows an object named in the journal.
    public enum ObjectPage: Sendable, Equatable {
        /// The app's page (the object is the app, or one of its versions).
        case app(String)
        case workflowObject(String)
    }

    /// `GET /_emulator/ui/objects/{ObjectID}`: where an id from the journal is shown; nil when it is
    /// neither an app, an app version nor a workflow object (any more).
    public func page(forObject id: String, scope: TransactionScope) throws -> ObjectPage? {
        try database.read(in: scope) { db in try Self.page(db, forObject: id) }
    }
}
