import EmulatorMachinery
import Foundation
import SQLiteStore
import Synchronization
import Testing

@testable import AkanaDomain

#if canImport(Glibc)
    import Glibc
#endif

/// Counts the transactions a piece of work starts on the calling thread: `read(in:)` and
/// `write(in:)` each ask their scope's deadline once before they begin. (A write's statements run
/// on the writer's queue, so their progress checks are not counted.)
final class TransactionCounter: TransactionDeadline, Sendable {
    private let thread = pthread_self()
    private let count = Atomic<Int>(0)

    var isExpired: Bool {
        if pthread_equal(pthread_self(), thread) != 0 { count.add(1, ordering: .relaxed) }
        return false
    }

    func sealForCommit() -> Bool { true }

    var started: Int { count.load(ordering: .relaxed) }
}

/// A request's unit of work is one service call and one transaction: the role check and the write
/// it guards can never see two states of the database (a role cannot change between them).
@Suite struct OneTransactionPerRequestTests {
    let fixture: WorkflowFixture
    let actions: WorkflowObjectActions
    let discussion = "discussion7.\(WorkflowFixture.tenant)"

    init() throws {
        fixture = try WorkflowFixture()
        let groups = GroupService(database: fixture.pool, clock: fixture.clock, engine: fixture.engine, ids: IDGenerator())
        actions = WorkflowObjectActions(
            database: fixture.pool, engine: fixture.engine,
            apps: AppService(
                database: fixture.pool, clock: fixture.clock, workflow: fixture.engine,
                ids: IDGenerator(), deletionObserver: nil, groups: groups),
            models: ModelService(
                database: fixture.pool, clock: fixture.clock, workflow: fixture.engine,
                ids: IDGenerator()), groups: groups)
        try fixture.start("discussion", discussion)
    }

    func siteAdmin(_ counter: TransactionCounter) -> AuthenticatedSession {
        AuthenticatedSession(
            tokenID: "t", tenant: WorkflowFixture.tenant, userID: Callers.siteAdmin.userID, userName: "Admin",
            email: "admin@acmepaymentscorp.com", roles: Callers.siteAdmin.roles, csrfToken: "",
            startedAt: fixture.clock.now(), issuedAt: fixture.clock.now(), expiresAt: fixture.clock.now(),
            scope: TransactionScope(deadline: counter))
    }

    @Test func performingAnActionIsOneWrite() throws {
        let counter = TransactionCounter()
        let status = try actions.perform(
            objectID: discussion, action: WorkflowActionInput(name: "discussion.action.unpublish", comments: []),
            caller: siteAdmin(counter))
        #expect(status == "Pending")
        #expect(try fixture.status(discussion) == "Pending")
        #expect(counter.started == 1)  // the object's state, the caller's roles and the action: one transaction
        // The counter sees every transaction: a state read of its own (as the route used to make
        // before the write) counts as one more.
        _ = try fixture.engine.state(objectID: discussion, scope: TransactionScope(deadline: counter))
        #expect(counter.started == 2)
    }

    @Test func listingTheActionsIsOneRead() throws {
        let counter = TransactionCounter()
        let listed = try actions.availableActions(objectID: discussion, includeReserved: true, caller: siteAdmin(counter))
        #expect(listed.map(\.value) == (try fixture.actions(discussion, as: Callers.siteAdmin, reserved: true)))
        #expect(counter.started == 1)
    }

    @Test func anUnknownObjectIsNotFoundWhateverTheQuery() throws {
        let counter = TransactionCounter()
        struct BadQuery: Error {}
        expectDomainError(.notFound, "Workflow object nothing.acmepaymentscorp was not found.") {
            _ = try actions.availableActions(
                objectID: "nothing.acmepaymentscorp", includeReserved: try { throw BadQuery() }(),
                caller: siteAdmin(counter))
        }
    }

    @Test func creatingAnObjectMintsChecksAndStartsInOneWrite() throws {
        let admin = EmulatorAdmin(
            database: fixture.pool, clock: fixture.clock,
            tenants: TenantDirectory(defaultTenant: TenantSettings(fedmemberid: WorkflowFixture.tenant)),
            workflow: fixture.engine, snapshots: SnapshotStore(database: fixture.pool), seedUsers: [],
            fixtures: FixtureCatalog(documents: [], hasher: PasswordHasher(iterations: 1_000)), ids: IDGenerator(),
            hasher: PasswordHasher(iterations: 1_000))
        let counter = TransactionCounter()
        let created = try admin.createObject(
            tenant: WorkflowFixture.tenant, objectType: "discussion", objectID: nil, initialAction: nil,
            scope: TransactionScope(deadline: counter))
        #expect(created.objectID.hasPrefix("discussion") && created.objectID.hasSuffix(".\(WorkflowFixture.tenant)"))
        #expect(created.status == "Published")
        #expect(counter.started == 1)
        expectDomainError(.conflict, "Workflow object \(discussion) already exists.") {
            _ = try admin.createObject(
                tenant: WorkflowFixture.tenant, objectType: "discussion", objectID: discussion, initialAction: nil,
                scope: .detached)
        }
    }
}
