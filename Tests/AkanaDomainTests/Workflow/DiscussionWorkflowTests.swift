import Foundation
import Testing

@testable import AkanaDomain

/// The shipped discussion workflow (Config/workflows/discussion.xml) and seed 002.
@Suite struct DiscussionWorkflowTests {
    let fixture: WorkflowFixture
    let discussion = "discussion11018.acmepaymentscorp"

    init() throws {
        fixture = try WorkflowFixture()
    }

    @Test func seed002UnpublishAnswersPending() throws {
        #expect(try fixture.start("discussion", discussion) == "Published")
        let transition = try fixture.engine.perform(
            objectID: discussion, actionName: "discussion.action.unpublish", comments: ["Unpublishing while I edit."],
            caller: Callers.siteAdmin, scope: .detached)
        #expect(transition.status == "Pending")
        #expect(transition.previousStatus == "Published")
        let last = try #require(try fixture.engine.history(objectID: discussion, scope: .detached).last)
        #expect(last.actionName == "discussion.action.unpublish")
        #expect(last.oldStatus == "Published")
        #expect(last.newStatus == "Pending")
        #expect(last.comments == ["Unpublishing while I edit."])
        #expect(last.at == "2027-01-15T08:00:00Z")
    }

    @Test func startingReportsMarkPublished() throws {
        let transition = try #require(
            try fixture.pool.write { db in
                try fixture.engine.startTransition(
                    db, tenant: WorkflowFixture.tenant, objectType: "discussion", objectID: discussion,
                    caller: Callers.nobody)
            })
        #expect(transition.actionName == "@StartDiscussion")
        #expect(transition.previousStatus == nil)
        #expect(transition.functions == [WorkflowFunctionCall(type: "MarkPublished", args: [:], handled: false)])
        #expect(try fixture.start("discussion", "discussion2.acmepaymentscorp", initialAction: "@Alert") == "Published")
        expectDomainError(.badRequest, "'@Nope' is not an initial action", "@StartDiscussion, @Audit, @Alert") {
            try fixture.start("discussion", "discussion3.acmepaymentscorp", initialAction: "@Nope")
        }
    }

    @Test func approveOrPublishBringsItBack() throws {
        try fixture.start("discussion", discussion)
        try fixture.perform(discussion, "discussion.action.unpublish", as: Callers.businessAdmin)
        #expect(try fixture.actions(discussion, as: Callers.apiAdmin) == ["discussion.action.approve", "discussion.action.publish"])
        #expect(try fixture.perform(discussion, "discussion.action.approve", as: Callers.apiAdmin) == "Published")
        try fixture.perform(discussion, "discussion.action.unpublish", as: Callers.businessAdmin)
        #expect(try fixture.perform(discussion, "discussion.action.publish", as: Callers.businessAdmin) == "Published")
    }

    @Test func onlyAdminsUnpublishOrReadWhatIsPending() throws {
        try fixture.start("discussion", discussion)
        expectDomainError(.forbidden, "discussion.action.unpublish") {
            try fixture.perform(discussion, "discussion.action.unpublish", as: Callers.nobody)
        }
        #expect(try fixture.actions(discussion, as: Callers.nobody, reserved: true) == ["@read"])
        #expect(try fixture.actions(discussion, as: Callers.nobody).isEmpty)
        try fixture.perform(discussion, "discussion.action.unpublish", as: Callers.siteAdmin)
        let (nobodyReads, adminReads) = try fixture.pool.read { db in
            (
                try fixture.engine.isActionAvailable(db, objectID: discussion, actionName: "@read", caller: Callers.nobody),
                try fixture.engine.isActionAvailable(db, objectID: discussion, actionName: "@read", caller: Callers.apiAdmin)
            )
        }
        #expect(!nobodyReads)
        #expect(adminReads)
        // @read keeps the status (step="-1").
        #expect(try fixture.perform(discussion, "@read", as: Callers.apiAdmin) == "Pending")
    }

    @Test func unknownObjectsAndActions() throws {
        expectDomainError(.notFound, "discussion404") {
            try fixture.perform("discussion404.acmepaymentscorp", "discussion.action.unpublish", as: Callers.siteAdmin)
        }
        try fixture.start("discussion", discussion)
        expectDomainError(.badRequest, "'discussion.action.explode' is not an action of workflow 'discussion'", "state 'Published'") {
            try fixture.perform(discussion, "discussion.action.explode", as: Callers.siteAdmin)
        }
        expectDomainError(.conflict, "already runs under a workflow") {
            try fixture.start("discussion", discussion)
        }
        // Another tenant's caller does not see the object.
        expectDomainError(.notFound) {
            try fixture.engine.perform(
                objectID: discussion, actionName: "@read", caller: Callers.nobody, tenant: "globex", scope: .detached)
        }
        #expect(
            try fixture.engine.availableActions(
                objectID: discussion, caller: Callers.nobody, includeReserved: true,
                tenant: WorkflowFixture.tenant, scope: .detached) == [WorkflowActionChoice(value: "@read", label: "Read", actionID: 102)])
    }
}
