import AkanaDomain
import SQLiteStore

extension StateBrowser {
    public struct Dashboard: Sendable {
        /// Per tenant: `tenant` and a count per resource (see `StateBrowserRepository.resourceCounts`).
        public var counts: [Row]
        /// Per tenant and workflow state: `tenant`, `state`, `contracts`.
        public var contractStates: [Row]
        public var tenants: [Row]
        public var settings: [Row]
        public var snapshots: [SnapshotStore.Snapshot]
        public var checkpoints: [(mark: UndoLog.Mark, changesSince: Int)]
    }

    /// `GET /_emulator/ui`: the counts, tenants, settings and checkpoints from one read (the snapshot
    /// files are listed from the directory).
    public func dashboard(scope: TransactionScope) throws -> Dashboard {
        let files = try snapshots.list()
        return try database.read(in: scope) { db in
            Dashboard(
                counts: try StateBrowserRepository.resourceCounts(db), contractStates: try StateBrowserRepository.contractStates(db),
                tenants: try StateBrowserRepository.tenants(db), settings: try StateBrowserRepository.settings(db), snapshots: files,
                checkpoints: try UndoLog.checkpoints(db))
        }
    }

    public struct RequestObjects: Sendable {
        /// Each id the request changed, with the page that shows it now (nil: none, or deleted since).
        public var changed: [(id: String, page: ObjectPage?)]
        /// The outbox entries the request caused; nil when this schema has no outbox.
        public var outbox: [Row]?
    }

    /// `GET /_emulator/ui/requests/{requestID}`: where the objects a request changed are shown, and
    /// the outbox entries it caused, from one read.
    public func requestObjects(
        tenant: String, requestID: String, changedIDs: [String], scope: TransactionScope
    ) throws -> RequestObjects {
        try database.read(in: scope) { db in
            RequestObjects(
                changed: try changedIDs.prefix(StateBrowserRepository.limit).map { id in (id: id, page: try Self.page(db, forObject: id)) },
                outbox: try StateBrowserRepository.outboxEntries(db, tenant: tenant, requestID: requestID))
        }
    }

    static func page(_ db: SQLiteConnection, forObject id: String) throws -> ObjectPage? {
        if try StateBrowserRepository.app(db, id: id) != nil { return .app(id) }
        if let app = try StateBrowserRepository.appOfVersion(db, versionID: id) { return .app(app) }
        if try StateBrowserRepository.workflowObject(db, id: id) != nil { return .workflowObject(id) }
        return nil
    }
}
