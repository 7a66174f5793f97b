import Dispatch
import Foundation
import SQLiteStore
import Synchronization
import Testing

@testable import AkanaDomain

/// Engine behaviour independent of any one shipped definition: atomicity, history, concurrency,
/// automatic, global and conditional actions.
@Suite struct WorkflowEngineTests {
    let tenant = WorkflowFixture.tenant

    @Test func anInvalidActionChangesNothing() throws {
        let fixture = try WorkflowFixture()
        let model = "m1.acmepaymentscorp"
        try fixture.start("model", model, as: Callers.designer)
        let before = try fixture.engine.state(objectID: model, scope: .detached)
        let historyBefore = try fixture.historyCount()
        fixture.clock.advance(by: 60)
        expectDomainError(.conflict) { try fixture.perform(model, "model.action.approve", as: Callers.approver) }
        expectDomainError(.forbidden) { try fixture.perform(model, "model.action.submit.approval", as: Callers.approver) }
        expectDomainError(.badRequest) { try fixture.perform(model, "model.action.publish", as: Callers.siteAdmin) }
        #expect(try fixture.engine.state(objectID: model, scope: .detached) == before)
        #expect(try fixture.historyCount() == historyBefore)
    }

    @Test func historyRecordsEveryTransition() throws {
        let fixture = try WorkflowFixture()
        let model = "m1.acmepaymentscorp"
        try fixture.start("model", model, as: Callers.designer)
        fixture.clock.advance(by: 90)
        try fixture.perform(model, "model.action.submit.approval", as: Callers.designer, comments: ["one", "two"])
        let history = try fixture.engine.history(objectID: model, scope: .detached)
        #expect(history.count == 2)
        let created = history[0]
        #expect(created.actionID == 1 && created.actionName == "@Create")
        #expect(created.oldStatus == nil && created.newStatus == "Draft" && created.stepID == 100)
        #expect(created.userID == Callers.designer.userID && created.comments.isEmpty && created.at == "2027-01-15T08:00:00Z")
        let submitted = history[1]
        #expect(submitted.actionID == 101 && submitted.actionName == "model.action.submit.approval")
        #expect(submitted.oldStatus == "Draft" && submitted.newStatus == "Pending Approval" && submitted.stepID == 200)
        #expect(submitted.comments == ["one", "two"] && submitted.at == "2027-01-15T08:01:30Z")
        // Stored readably for sqlite3 users.
        let raw = try fixture.pool.read { db in
            try db.queryFirst("SELECT comments FROM workflow_history WHERE id = ?", submitted.id)?.string(0)
        }
        #expect(raw == #"["one","two"]"#)
        let state = try #require(try fixture.engine.state(objectID: model, scope: .detached))
        #expect(state.stepName == "Pending Approval" && state.definitionKey == "model" && state.updated == "2027-01-15T08:01:30Z")
        expectDomainError(.notFound) { _ = try fixture.engine.history(objectID: "nothing", scope: .detached) }
    }

    @Test func startAndPerformJoinTheCallersTransaction() throws {
        let fixture = try WorkflowFixture()
        struct Later: Error {}
        // The domain service fails after starting the workflow: nothing of it may remain.
        #expect(throws: Later.self) {
            try fixture.pool.write { db in
                try db.run(
                    "INSERT INTO models (id, tenant, name, visibility, created, updated) VALUES ('m1', ?, 'M', 'Public', 'x', 'x')", tenant)
                _ = try fixture.engine.start(db, tenant: tenant, objectType: "model", objectID: "m1", caller: Callers.designer)
                throw Later()
            }
        }
        #expect(try fixture.engine.state(objectID: "m1", scope: .detached) == nil)
        #expect(try fixture.historyCount() == 0)
        // A failed action inside a transaction that goes on leaves that transaction's own work intact.
        try fixture.start("model", "m2", as: Callers.designer)
        try fixture.pool.write { db in
            try db.run(
                "INSERT INTO models (id, tenant, name, visibility, created, updated) VALUES ('m2', ?, 'M', 'Public', 'x', 'x')", tenant)
            #expect(throws: DomainError.self) {
                try fixture.engine.perform(db, objectID: "m2", actionName: "model.action.approve", caller: Callers.approver)
            }
        }
        #expect(try fixture.pool.read { db in try db.queryFirst("SELECT COUNT(*) FROM models")?.int(0) } == 1)
        #expect(try fixture.status("m2") == "Draft")
    }

    @Test func concurrentSubmitsOnOneObjectLetExactlyOneWin() throws {
        let fixture = try WorkflowFixture()
        for round in 0..<10 {
            let model = "race\(round).acmepaymentscorp"
            try fixture.start("model", model, as: Callers.designer)
            let outcomes = Mutex<[Result<String, DomainError>]>([])
            let engine = fixture.engine
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let caller = WorkflowCaller(userID: "designer\(index)", roles: ["SchemaDesigner"])
                let outcome: Result<String, DomainError>
                do {
                    outcome = .success(
                        try engine.perform(objectID: model, actionName: "model.action.submit.approval", caller: caller, scope: .detached)
                            .status)
                } catch let error as DomainError {
                    outcome = .failure(error)
                } catch {
                    outcome = .failure(.badRequest("unexpected \(error)"))
                }
                outcomes.withLock { $0.append(outcome) }
            }
            let results = outcomes.withLock { $0 }
            let successes = results.compactMap { try? $0.get() }
            let failures = results.compactMap { result -> DomainError? in
                if case .failure(let error) = result { return error }
                return nil
            }
            #expect(successes == ["Pending Approval"])
            #expect(failures.count == 1)
            #expect(failures.first?.kind == .conflict)
            #expect(failures.first?.message.contains("state 'Pending Approval'") == true)
            #expect(
                try fixture.engine.history(objectID: model, scope: .detached).map(\.actionName) == [
                    "@Create", "model.action.submit.approval"
                ])
        }
    }

    @Test func automaticGlobalAndConditionalActions() throws {
        let fixture = try WorkflowFixture(shipped: false)
        // Like the platform's comment workflow: a routing step whose automatic actions approve an
        // admin's comment at once and queue everyone else's for moderation.
        let xml = """
            <workflow>
              <meta name="objectType">comment</meta>
              <initial-actions>
                <action id="1" name="@AddComment">
                  <results><unconditional-result old-status="Finished" status="Routing" step="100"/></results>
                </action>
              </initial-actions>
              <global-actions>
                <action id="2" name="comment.action.flag" view="Flag">
                  <results><unconditional-result old-status="Finished" status="Flagged" step="-1"/></results>
                </action>
              </global-actions>
              <steps>
                <step id="100" name="Route Add New Comment">
                  <actions>
                    <action id="101" name="Auto Approve Admin Add" auto="true">
                      <restrict-to><conditions type="AND">
                        <condition type="authorizeByAtmosphereRole"><arg name="role">BusinessAdmin</arg></condition>
                      </conditions></restrict-to>
                      <results><unconditional-result old-status="Finished" status="Published" step="300"/></results>
                    </action>
                    <action id="102" name="Auto Queue Add" auto="true">
                      <results><unconditional-result old-status="Finished" status="Pending" step="200"/></results>
                    </action>
                  </actions>
                </step>
                <step id="200" name="Pending">
                  <actions>
                    <action id="201" name="comment.action.approve">
                      <results>
                        <result old-status="Finished" status="Published" step="300">
                          <conditions type="AND">
                            <condition type="class">
                              <arg name="class.name">com.opensymphony.workflow.util.StatusCondition</arg>
                              <arg name="status">Pending</arg>
                            </condition>
                          </conditions>
                        </result>
                        <unconditional-result old-status="Finished" status="Published (was flagged)" step="300"/>
                      </results>
                    </action>
                  </actions>
                </step>
                <step id="300" name="Published"/>
              </steps>
            </workflow>
            """
        try fixture.engine.installDefinition(tenant: tenant, key: "comments", xml: xml, scope: .detached)
        try fixture.engine.assign(tenant: tenant, objectType: "comment", definitionKey: "comments", scope: .detached)

        let byAdmin = try #require(
            try fixture.pool.write { db in
                try fixture.engine.startTransition(db, tenant: tenant, objectType: "comment", objectID: "c1", caller: Callers.businessAdmin)
            })
        #expect(byAdmin.status == "Published")
        #expect(byAdmin.automaticActions == ["Auto Approve Admin Add"])
        #expect(try fixture.engine.history(objectID: "c1", scope: .detached).map(\.newStatus) == ["Routing", "Published"])

        #expect(try fixture.start("comment", "c2", as: Callers.nobody) == "Pending")
        // Automatic actions are never offered; global ones are offered everywhere.
        #expect(try fixture.actions("c2", as: Callers.nobody) == ["comment.action.approve", "comment.action.flag"])
        #expect(try fixture.perform("c2", "comment.action.approve", as: Callers.nobody) == "Published")

        try fixture.start("comment", "c3", as: Callers.nobody)
        #expect(try fixture.perform("c3", "comment.action.flag", as: Callers.nobody) == "Flagged")
        #expect(try fixture.engine.state(objectID: "c3", scope: .detached)?.stepName == "Pending")
        #expect(try fixture.perform("c3", "comment.action.approve", as: Callers.nobody) == "Published (was flagged)")
    }

    @Test func anAutomaticLoopIsStopped() throws {
        let fixture = try WorkflowFixture(shipped: false)
        let xml = """
            <workflow>
              <meta name="objectType">loop</meta>
              <initial-actions>
                <action id="1" name="@Create"><results><unconditional-result old-status="F" status="A" step="1"/></results></action>
              </initial-actions>
              <steps>
                <step id="1" name="A"><actions>
                  <action id="11" name="a" auto="true"><results><unconditional-result old-status="F" status="B" step="2"/></results></action>
                </actions></step>
                <step id="2" name="B"><actions>
                  <action id="21" name="b" auto="true"><results><unconditional-result old-status="F" status="A" step="1"/></results></action>
                </actions></step>
              </steps>
            </workflow>
            """
        try fixture.engine.installDefinition(tenant: tenant, key: "loop", xml: xml, scope: .detached)
        try fixture.engine.assign(tenant: tenant, objectType: "loop", definitionKey: "loop", scope: .detached)
        expectDomainError(.conflict, "the definition loops") { try fixture.start("loop", "l1") }
        #expect(try fixture.engine.state(objectID: "l1", scope: .detached) == nil)
        #expect(try fixture.historyCount() == 0)
    }

    @Test func anUnevaluableConditionDeniesAtRunTime() throws {
        let fixture = try WorkflowFixture(shipped: false)
        let xml = miniWorkflow(
            extra: """
                <action id="102" name="widget.action.secret">
                      <restrict-to><conditions type="OR">
                        <condition type="checkSubscription" negate="true"><arg name="plan">gold</arg></condition>
                      </conditions></restrict-to>
                      <results><unconditional-result old-status="Finished" status="Secret" step="200"/></results>
                    </action>
                """)
        let stored = try fixture.engine.installDefinition(tenant: tenant, key: "widgets", xml: xml, scope: .detached)
        #expect(stored.warnings.count == 1)
        try fixture.engine.assign(tenant: tenant, objectType: "widget", definitionKey: "widgets", scope: .detached)
        try fixture.start("widget", "w1")
        #expect(try fixture.actions("w1", as: .emulator()) == ["widget.action.close"])
        expectDomainError(.forbidden, "checkSubscription", "not evaluable") {
            try fixture.perform("w1", "widget.action.secret", as: .emulator())
        }
        #expect(try fixture.status("w1") == "Open")
    }

    @Test func removingAnObjectForgetsItsHistory() throws {
        let fixture = try WorkflowFixture()
        try fixture.start("ticket", "t1")
        try fixture.perform("t1", "ticket.action.close", as: Callers.nobody)
        #expect(try fixture.pool.write { db in try fixture.engine.removeObject(db, objectID: "t1") })
        #expect(try fixture.historyCount() == 0)
        #expect(try fixture.engine.state(objectID: "t1", scope: .detached) == nil)
        // A new object may then reuse the id.
        #expect(try fixture.start("ticket", "t1") == "Open")
    }
}
