import Foundation
import SQLiteStore
import Testing

@testable import AkanaDomain

/// ModelService over a real database and the shipped model workflow: every change and its
/// workflow step commit together or not at all, and model_versions.state follows the workflow.
@Suite struct ModelServiceTests {
    let fixture: WorkflowFixture
    let service: ModelService

    init() throws {
        fixture = try WorkflowFixture()
        service = ModelService(database: fixture.pool, clock: fixture.clock, workflow: fixture.engine, ids: IDGenerator())
    }

    static func session(_ user: String, _ roles: Set<String>) -> AuthenticatedSession {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return AuthenticatedSession(
            tokenID: UUID().uuidString, tenant: WorkflowFixture.tenant, userID: "\(user).\(WorkflowFixture.tenant)",
            userName: user, email: "\(user)@acmepaymentscorp.com", roles: roles, csrfToken: "csrf",
            startedAt: now, issuedAt: now, expiresAt: now.addingTimeInterval(1800), scope: .detached)
    }

    let designer = ModelServiceTests.session("dana", [Role.schemaDesigner])
    let approver = ModelServiceTests.session("april", [Role.schemaApprover])
    let jane = ModelServiceTests.session("jane", [])

    func create(_ name: String, as caller: AuthenticatedSession? = nil) throws -> ModelObject {
        try service.createModel(caller: caller ?? designer, input: ModelInput(name: name, firstVersion: ModelVersionInput(name: "v1")))
    }

    func count(_ sql: String) throws -> Int {
        try fixture.pool.read { db in try db.queryFirst(sql)?.int(0) ?? -1 }
    }

    @Test func stateWireValues() {
        #expect(ModelState.draft == "com.akana.model.state.draft")
        #expect(ModelState.pendingApproval == "com.akana.model.state.pending_approval")
        #expect(ModelState.active == "com.akana.model.state.active")
        #expect(ModelState.rejected == "com.akana.model.state.rejected")
        #expect(ModelState.wireValue(status: "Marked For Delete") == "com.akana.model.state.marked_for_delete")
    }

    @Test func createStartsTheWorkflowInTheSameTransaction() throws {
        let model = try create("Pet")
        let version = try #require(model.embeddedVersion)
        #expect(model.latestVersion?.id == version.id)
        #expect(version.state == ModelState.draft)
        #expect(try fixture.status(version.id) == "Draft")
        #expect(try fixture.engine.state(objectID: version.id, scope: .detached)?.objectType == "model")
        #expect(try fixture.engine.history(objectID: version.id, scope: .detached).map(\.userID) == [designer.userID])
        // Callers without a model role cannot create, and nothing is written.
        expectDomainError(.forbidden, "Schema Designers") { _ = try create("Other", as: approver) }
        expectDomainError(.conflict, "already exists") { _ = try create("PET") }
        #expect(try count("SELECT COUNT(*) FROM models") == 1)
        #expect(try count("SELECT COUNT(*) FROM workflow_objects") == 1)
    }

    @Test func aWorkflowThatRefusesTheCreatorLeavesNoModelBehind() throws {
        let strict = miniWorkflow(
            objectType: "model",
            initialRestriction: """
                <restrict-to><conditions type="AND"><condition type="authorizeByAtmosphereRole"><arg name="role">SiteAdmin</arg></condition></conditions></restrict-to>
                """)
        try fixture.engine.installDefinition(tenant: WorkflowFixture.tenant, key: "strict-model", xml: strict, scope: .detached)
        try fixture.engine.assign(tenant: WorkflowFixture.tenant, objectType: "model", definitionKey: "strict-model", scope: .detached)
        expectDomainError(.forbidden, "@Create") { _ = try create("Pet") }
        #expect(try count("SELECT COUNT(*) FROM models") == 0)
        #expect(try count("SELECT COUNT(*) FROM model_versions") == 0)
        // The workflow's own statuses map by the same rule.
        let admin = Self.session("admin", [Role.siteAdmin])
        let version = try #require(try create("Pet", as: admin).latestVersion)
        #expect(version.state == "com.akana.model.state.open")
    }

    @Test func refusedEditChangesNothing() throws {
        let version = try #require(try create("Pet").latestVersion)
        try fixture.perform(version.id, "model.action.submit.approval", as: Callers.designer)
        #expect(try service.version(version.id, caller: designer).state == ModelState.pendingApproval)
        let historyBefore = try fixture.historyCount()
        expectDomainError(.conflict, "Pending Approval", "@modify") {
            _ = try service.updateVersion(version.id, caller: designer, input: ModelVersionInput(description: "changed"))
        }
        expectDomainError(.conflict, "Pending Approval") {
            _ = try service.updateModel(version.modelID, caller: designer, input: ModelInput(summary: "changed"))
        }
        #expect(try fixture.historyCount() == historyBefore)
        #expect(try service.version(version.id, caller: designer).description == "")
        #expect(try service.model(version.modelID, caller: designer).summary == "")
        // Approvers and plain users edit nothing, even in Draft.
        try fixture.perform(version.id, "model.action.reject", as: Callers.approver)
        expectDomainError(.forbidden) { _ = try service.updateVersion(version.id, caller: approver, input: ModelVersionInput()) }
        expectDomainError(.forbidden) { _ = try service.updateVersion(version.id, caller: jane, input: ModelVersionInput()) }
        #expect(try fixture.status(version.id) == "Rejected")
        // (A JSON schema sent as an object arrives as its text: ModelInputDecodingTests in AkanaAPITests.)
        let edited = try service.updateVersion(version.id, caller: designer, input: ModelVersionInput(schema: #"{"type":"object"}"#))
        #expect(edited.schema == #"{"type":"object"}"#)
        #expect(edited.state == ModelState.draft)
    }

    @Test func theStoredStateFollowsTheWorkflowWhoeverMovesIt() throws {
        let version = try #require(try create("Pet").latestVersion)
        try fixture.perform(version.id, "model.action.submit.approval", as: Callers.designer)
        try fixture.perform(version.id, "model.action.approve", as: Callers.approver)
        let state = try fixture.pool.read { db in try db.queryFirst("SELECT state FROM model_versions WHERE id = ?", version.id)?.string(0)
        }
        #expect(state == ModelState.active)
        #expect(try service.model(version.modelID, caller: jane).latestVersion?.state == ModelState.active)
        #expect(try service.performAction(versionID: version.id, actionName: "@delete", comments: [], caller: designer) == "Deleted")
        #expect(try count("SELECT COUNT(*) FROM models") == 0)
        #expect(try count("SELECT COUNT(*) FROM workflow_history") == 0)
    }

    @Test func withoutAModelWorkflowEverythingIsEditable() throws {
        try fixture.engine.clearAssignment(tenant: WorkflowFixture.tenant, objectType: "model", scope: .detached)
        let version = try #require(try create("Pet").latestVersion)
        #expect(version.state == ModelState.draft)
        #expect(try fixture.engine.state(objectID: version.id, scope: .detached) == nil)
        #expect(try service.version(version.id, caller: designer, includeActions: true).actions == [])
        expectDomainError(.badRequest, "No model workflow") {
            _ = try service.performAction(versionID: version.id, actionName: "model.action.submit.approval", comments: [], caller: designer)
        }
        #expect(try service.updateVersion(version.id, caller: designer, input: ModelVersionInput(description: "d")).description == "d")
        #expect(try service.deleteVersion(version.id, caller: designer))
        #expect(try count("SELECT COUNT(*) FROM models") == 0)
    }
}
