import Foundation
import SQLiteStore
import Synchronization
import Testing

@testable import AkanaDomain

/// The shipped app version template (Config/workflows/appversion.xml).
@Suite struct AppVersionWorkflowTests {
    let fixture: WorkflowFixture
    let version = "4pg3oSwgEuGZruzwORllQY8XsYYo4KBMMqcnOjru.acmepaymentscorp"

    init() throws {
        fixture = try WorkflowFixture()
        try fixture.engine.assign(tenant: WorkflowFixture.tenant, objectType: "appversion", definitionKey: "appversion", scope: .detached)
        #expect(try fixture.start("appversion", version, as: Callers.teamMember) == "Active")
    }

    @Test func reservedActionsKeepTheVersionActive() throws {
        #expect(try fixture.actions(version, as: Callers.teamMember).isEmpty)
        #expect(
            try fixture.actions(version, as: Callers.teamMember, reserved: true) == [
                "@Modify", "@RegeneratedSecret", "@KeyInfoRemoved", "@Delete"
            ])
        #expect(try fixture.perform(version, "@Modify", as: Callers.teamMember) == "Active")
        #expect(try fixture.perform(version, "@RegeneratedSecret", as: Callers.teamMember) == "Active")
        expectDomainError(.forbidden, "role AppTeamMember or BusinessAdmin or SiteAdmin") {
            try fixture.perform(version, "@Modify", as: Callers.nobody)
        }
    }

    @Test func aTeamMembersDeleteNeedsABusinessAdminsApproval() throws {
        let deleted = Mutex<[String]>([])
        fixture.engine.registerFunction("deleteAppVersion") { _, context in
            deleted.withLock { $0.append(context.objectID) }
        }
        let marked = try fixture.engine.perform(objectID: version, actionName: "@Delete", caller: Callers.teamMember, scope: .detached)
        #expect(marked.status == "Marked For Delete")
        #expect(marked.functions.isEmpty)
        // Read-only while marked: no @Modify.
        expectDomainError(.conflict, "state 'Marked For Delete'") { try fixture.perform(version, "@Modify", as: Callers.teamMember) }
        expectDomainError(.forbidden, "role BusinessAdmin or SiteAdmin") {
            try fixture.perform(version, "appversion.action.approve.delete", as: Callers.teamMember)
        }
        #expect(try fixture.perform(version, "appversion.action.reject.delete", as: Callers.businessAdmin) == "Active")
        try fixture.perform(version, "@Delete", as: Callers.teamMember)
        let approved = try fixture.engine.perform(
            objectID: version, actionName: "appversion.action.approve.delete", caller: Callers.businessAdmin, scope: .detached)
        #expect(approved.status == "Deleted")
        #expect(approved.functions == [WorkflowFunctionCall(type: "deleteAppVersion", args: [:], handled: true)])
        #expect(deleted.withLock { $0 } == [version])
    }

    @Test func aBusinessAdminsDeleteIsImmediate() throws {
        let transition = try fixture.engine.perform(
            objectID: version, actionName: "@Delete", caller: Callers.businessAdmin, scope: .detached)
        #expect(transition.status == "Deleted")
        #expect(transition.functions == [WorkflowFunctionCall(type: "deleteAppVersion", args: [:], handled: false)])
    }

    @Test func aFailingFunctionUndoesTheTransition() throws {
        struct Refused: Error {}
        fixture.engine.registerFunction("deleteAppVersion") { db, context in
            // The handler writes in the same transaction, then fails: both must be undone.
            try db.run("UPDATE workflow_objects SET updated = 'tampered' WHERE object_id = ?", context.objectID)
            throw Refused()
        }
        #expect(throws: Refused.self) { try fixture.perform(version, "@Delete", as: Callers.businessAdmin) }
        #expect(try fixture.status(version) == "Active")
        #expect(try fixture.engine.state(objectID: version, scope: .detached)?.updated == "2027-01-15T08:00:00Z")
        #expect(try fixture.engine.history(objectID: version, scope: .detached).count == 1)
    }

    @Test func theAppsServiceProtocolIsServed() throws {
        let workflow: any AppVersionWorkflow = fixture.engine
        let (governed, otherGoverned) = try fixture.pool.read { db in
            (try workflow.isGoverned(db, objectID: version), try workflow.isGoverned(db, objectID: "other.acmepaymentscorp"))
        }
        #expect(governed && !otherGoverned)
        let status = try fixture.pool.write { db -> String in
            _ = try workflow.start(
                db, tenant: WorkflowFixture.tenant, objectID: "v2.acmepaymentscorp",
                caller: (userID: "tim", roles: ["AppTeamMember"]))
            return try workflow.perform(
                db, objectID: "v2.acmepaymentscorp", actionName: "@Delete", comments: [],
                caller: (userID: "tim", roles: ["AppTeamMember"])
            ).status
        }
        #expect(status == "Marked For Delete")
    }
}
