import Foundation
import SQLiteStore
import Testing

@testable import AkanaDomain

/// The shipped model workflow (Config/workflows/model.xml) and seed 003.
@Suite struct ModelWorkflowTests {
    let fixture: WorkflowFixture
    let model = "b063e194-3289-4438-90ea-a27b44e38965.acmepaymentscorp"

    init() throws {
        fixture = try WorkflowFixture()
        #expect(try fixture.start("model", model, as: Callers.designer) == "Draft")
    }

    @Test func seed003SubmitThenApprove() throws {
        let transition = try fixture.engine.perform(
            objectID: model, actionName: "model.action.submit.approval",
            comments: ["Requesting approval. This one is ready to go."], caller: Callers.designer, scope: .detached)
        #expect(transition.status == "Pending Approval")
        #expect(transition.previousStatus == "Draft")
        #expect(transition.stepName == "Pending Approval")
        #expect(try fixture.perform(model, "model.action.approve", as: Callers.approver) == "Active")
        #expect(try fixture.actions(model, as: Callers.businessAdmin, reserved: true) == ["@delete"])
        expectDomainError(.conflict, "'@modify' is not valid", "state 'Active'", "valid actions: @delete") {
            try fixture.perform(model, "@modify", as: Callers.designer)
        }
    }

    @Test func rejectedCanBeEditedAndResubmitted() throws {
        try fixture.perform(model, "model.action.submit.approval", as: Callers.businessAdmin)
        #expect(try fixture.perform(model, "model.action.reject", as: Callers.businessAdmin, comments: ["Fix the schema."]) == "Rejected")
        #expect(try fixture.actions(model, as: Callers.designer, reserved: true) == ["@modify", "model.action.submit.approval", "@delete"])
        #expect(try fixture.perform(model, "@modify", as: Callers.designer) == "Draft")
        #expect(try fixture.perform(model, "model.action.submit.approval", as: Callers.designer) == "Pending Approval")
        #expect(try fixture.perform(model, "model.action.reject", as: Callers.approver) == "Rejected")
        // Re-submitting straight from Rejected is allowed too.
        #expect(try fixture.perform(model, "model.action.submit.approval", as: Callers.designer) == "Pending Approval")
        #expect(try fixture.perform(model, "model.action.approve", as: Callers.siteAdmin) == "Active")
        let history = try fixture.engine.history(objectID: model, scope: .detached)
        #expect(
            history.map(\.actionName) == [
                "@Create", "model.action.submit.approval", "model.action.reject", "@modify", "model.action.submit.approval",
                "model.action.reject", "model.action.submit.approval", "model.action.approve"
            ])
        #expect(history[2].comments == ["Fix the schema."])
        #expect(history[2].userID == Callers.businessAdmin.userID)
    }

    @Test func modifyIsValidOnlyInDraftAndRejected() throws {
        #expect(try fixture.perform(model, "@modify", as: Callers.designer) == "Draft")
        #expect(
            try fixture.pool.read { db in
                try fixture.engine.isActionAvailable(db, objectID: model, actionName: "@modify", caller: Callers.designer)
            })
        try fixture.perform(model, "model.action.submit.approval", as: Callers.designer)
        #expect(
            try !fixture.pool.read { db in
                try fixture.engine.isActionAvailable(db, objectID: model, actionName: "@modify", caller: Callers.designer)
            })
        expectDomainError(.conflict, "state 'Pending Approval'", "model.action.approve, model.action.reject") {
            try fixture.perform(model, "@modify", as: Callers.siteAdmin)
        }
        // The reserved names are matched without case, as the platform spells them both ways.
        try fixture.perform(model, "model.action.reject", as: Callers.approver)
        #expect(try fixture.perform(model, "@Modify", as: Callers.designer) == "Draft")
    }

    @Test func rolesAreEnforced() throws {
        expectDomainError(.forbidden, "requires role SiteAdmin or BusinessAdmin or SchemaDesigner") {
            try fixture.perform(model, "model.action.submit.approval", as: Callers.approver)
        }
        #expect(try fixture.actions(model, as: Callers.approver, reserved: true).isEmpty)
        #expect(try fixture.actions(model, as: Callers.designer) == ["model.action.submit.approval"])
        try fixture.perform(model, "model.action.submit.approval", as: Callers.designer)
        expectDomainError(
            .forbidden, "'model.action.approve'", "state 'Pending Approval'", "role SiteAdmin or BusinessAdmin or SchemaApprover"
        ) {
            try fixture.perform(model, "model.action.approve", as: Callers.designer)
        }
        #expect(try fixture.actions(model, as: Callers.approver) == ["model.action.approve", "model.action.reject"])
        #expect(try fixture.status(model) == "Pending Approval")
        // Creating needs a designer role too.
        expectDomainError(.forbidden, "'@Create'") {
            try fixture.start("model", "m2.acmepaymentscorp", as: Callers.approver)
        }
        #expect(try fixture.engine.state(objectID: "m2.acmepaymentscorp", scope: .detached) == nil)
    }

    @Test func deleteEndsTheWorkflow() throws {
        expectDomainError(.forbidden) { try fixture.perform(model, "@delete", as: Callers.approver) }
        #expect(try fixture.perform(model, "@delete", as: Callers.designer) == "Deleted")
        #expect(try fixture.actions(model, as: .emulator(), reserved: true).isEmpty)
        expectDomainError(.conflict, "valid actions: none") {
            try fixture.perform(model, "model.action.submit.approval", as: Callers.siteAdmin)
        }
    }

    @Test func labelsAreOffered() throws {
        let choices = try fixture.engine.availableActions(
            objectID: model, caller: Callers.designer, includeReserved: true, scope: .detached)
        #expect(
            choices == [
                WorkflowActionChoice(value: "model.action.submit.approval", label: "Submit for Approval", actionID: 101),
                WorkflowActionChoice(value: "@modify", label: "Modify", actionID: 102),
                WorkflowActionChoice(value: "@delete", label: "Delete", actionID: 900)
            ])
    }
}
