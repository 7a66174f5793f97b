import Foundation
import Testing

@testable import AkanaDomain

/// The shipped ticket and API contract workflows.
@Suite struct TicketAndContractWorkflowTests {
    let fixture: WorkflowFixture

    init() throws {
        fixture = try WorkflowFixture()
    }

    @Test func ticketsMayBeReopenedButNotResolvedOnceClosed() throws {
        let ticket = "ticket1.acmepaymentscorp"
        #expect(try fixture.start("ticket", ticket) == "Open")
        #expect(
            try fixture.perform(ticket, "ticket.action.resolve", as: Callers.apiAdmin, comments: ["Bug is fixed. Resolving this ticket."])
                == "Resolved")
        #expect(try fixture.perform(ticket, "ticket.action.close", as: Callers.nobody) == "Closed")
        expectDomainError(.conflict, "'ticket.action.resolve' is not valid", "state 'Closed'", "valid actions: ticket.action.reopen") {
            try fixture.perform(ticket, "ticket.action.resolve", as: Callers.apiAdmin)
        }
        #expect(try fixture.perform(ticket, "ticket.action.reopen", as: Callers.nobody) == "Reopened")
        expectDomainError(.forbidden, "role ApiAdmin or BusinessAdmin or SiteAdmin") {
            try fixture.perform(ticket, "ticket.action.resolve", as: Callers.nobody)
        }
        #expect(try fixture.actions(ticket, as: Callers.nobody) == ["ticket.action.close"])
        #expect(try fixture.perform(ticket, "ticket.action.resolve", as: Callers.businessAdmin) == "Resolved")
        #expect(try fixture.actions(ticket, as: Callers.nobody) == ["ticket.action.close", "ticket.action.reopen"])
    }

    @Test func contractsRunThroughTheDocumentedStatuses() throws {
        let contract = "contract1.acmepaymentscorp"
        #expect(try fixture.start("apicontract", contract, as: Callers.teamMember) == "apicontract.status.pending_approval")
        expectDomainError(.forbidden) { try fixture.perform(contract, "apicontract.action.approve", as: Callers.teamMember) }
        #expect(try fixture.perform(contract, "apicontract.action.reject", as: Callers.apiAdmin) == "apicontract.status.rejected")
        #expect(try fixture.perform(contract, "apicontract.action.resubmit", as: Callers.teamMember) == "apicontract.status.resubmitted")
        #expect(try fixture.perform(contract, "apicontract.action.approve", as: Callers.apiAdmin) == "apicontract.status.approved")
        #expect(try fixture.perform(contract, "apicontract.action.configure", as: Callers.apiAdmin) == "apicontract.status.config_pending")
        #expect(try fixture.perform(contract, "apicontract.action.activate", as: Callers.businessAdmin) == "apicontract.status.activated")
        #expect(try fixture.perform(contract, "apicontract.action.suspend", as: Callers.apiAdmin) == "apicontract.status.suspended")
        expectDomainError(.conflict, "state 'apicontract.status.suspended'") {
            try fixture.perform(contract, "apicontract.action.activate", as: Callers.apiAdmin)
        }
        #expect(try fixture.perform(contract, "apicontract.action.resume", as: Callers.apiAdmin) == "apicontract.status.activated")
        #expect(try fixture.perform(contract, "apicontract.action.cancel", as: Callers.teamMember) == "apicontract.status.cancelled")
        #expect(try fixture.actions(contract, as: .emulator(), reserved: true).isEmpty)
        #expect(try fixture.engine.history(objectID: contract, scope: .detached).count == 9)
    }

    /// The actions page's sample approves a request with activate: pending (or resubmitted) →
    /// activated, for API and Business Admins only. A revision starts with @Revise.
    @Test func activateApprovesAPendingContractAndRevisionsStartPending() throws {
        let contract = "contract2.acmepaymentscorp"
        #expect(try fixture.start("apicontract", contract, as: Callers.teamMember) == "apicontract.status.pending_approval")
        expectDomainError(.forbidden) { try fixture.perform(contract, "apicontract.action.activate", as: Callers.teamMember) }
        #expect(try fixture.perform(contract, "apicontract.action.activate", as: Callers.apiAdmin) == "apicontract.status.activated")
        let definition = try #require(try ShippedWorkflow.all().first { $0.key == "apicontract" }).definition
        #expect(definition.initialActions.map(\.name) == ["@Create", "@Revise"])
        let resubmitted = try #require(definition.steps.first { $0.name == "Resubmitted" })
        #expect(resubmitted.actions.map(\.name).contains("apicontract.action.activate"))
    }

    @Test func everyDocumentedContractStatusIsReachable() throws {
        let definition = try #require(try ShippedWorkflow.all().first { $0.key == "apicontract" }).definition
        let statuses = Set((definition.initialActions + definition.steps.flatMap(\.actions)).compactMap(\.unconditionalResult.status))
        #expect(
            statuses
                == Set(
                    ["pending_approval", "config_pending", "approved", "activated", "rejected", "resubmitted", "suspended", "cancelled"]
                        .map { "apicontract.status.\($0)" }))
        let actions = Set(definition.steps.flatMap(\.actions).map(\.name))
        #expect(
            actions.isSuperset(of: [
                "apicontract.action.activate", "apicontract.action.suspend", "apicontract.action.resume", "apicontract.action.cancel"
            ]))
    }
}
