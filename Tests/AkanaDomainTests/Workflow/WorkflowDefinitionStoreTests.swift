import Foundation
import SQLiteStore
import Testing

@testable import AkanaDomain

@Suite struct WorkflowDefinitionStoreTests {
    let tenant = WorkflowFixture.tenant

    @Test func shippedDefinitionsInstallOnceAndTheDefaultOnesAreActive() throws {
        let fixture = try WorkflowFixture(shipped: false)
        let installed = try fixture.engine.installShippedDefinitions(tenant: tenant, scope: .detached)
        #expect(
            installed.map(\.key).sorted() == [
                "apicontract", "apiversion", "appversion", "discussion", "groupmembership", "groupmembership-autoaccept", "model", "ticket"
            ])
        #expect(installed.allSatisfy { $0.version == 1 && $0.warnings.isEmpty })
        #expect(try fixture.engine.installShippedDefinitions(tenant: tenant, scope: .detached).isEmpty)
        #expect(try fixture.engine.definitions(tenant: tenant, allVersions: true, scope: .detached).count == 8)
        for type in ["model", "discussion", "ticket", "apicontract", "groupmembership"] {
            #expect(try fixture.engine.activeDefinition(tenant: tenant, objectType: type, scope: .detached)?.key == type)
        }
        #expect(try fixture.engine.activeDefinition(tenant: tenant, objectType: "appversion", scope: .detached) == nil)
        #expect(try fixture.start("appversion", "v1.acmepaymentscorp") == nil)
        // A cleared assignment stays cleared when the shipped definitions are installed again (restart).
        #expect(try fixture.engine.clearAssignment(tenant: tenant, objectType: "ticket", scope: .detached))
        try fixture.engine.installShippedDefinitions(tenant: tenant, scope: .detached)
        #expect(try fixture.engine.activeDefinition(tenant: tenant, objectType: "ticket", scope: .detached) == nil)
        #expect(try fixture.engine.clearAssignment(tenant: tenant, objectType: "ticket", scope: .detached) == false)
    }

    @Test func metadataDefaultsFromTheFileAndFormFieldsWin() throws {
        let fixture = try WorkflowFixture(shipped: false)
        let stored = try fixture.engine.installDefinition(tenant: tenant, key: "widget-flow", xml: miniWorkflow(), scope: .detached)
        #expect(stored.key == "widget-flow")
        #expect(stored.name == "widget-flow")
        #expect(stored.objectType == "widget")
        #expect(stored.created == "2027-01-15T08:00:00Z")
        #expect(!stored.isActive)
        #expect(stored.objectReferenceCount == 0)
        let named = try fixture.engine.installDefinition(
            tenant: tenant, key: "other", name: "Widget Flow", description: "For widgets", objectType: "widget", xml: miniWorkflow(),
            scope: .detached)
        #expect(named.name == "Widget Flow")
        #expect(named.description == "For widgets")
        expectDomainError(.badRequest, "declares", "'gadget'") {
            try fixture.engine.installDefinition(tenant: tenant, key: "x", objectType: "gadget", xml: miniWorkflow(), scope: .detached)
        }
        expectDomainError(.badRequest, "ObjectType is required") {
            try fixture.engine.installDefinition(
                tenant: tenant, key: "x", xml: miniWorkflow().replacingOccurrences(of: "<meta name=\"objectType\">widget</meta>", with: ""),
                scope: .detached)
        }
        expectDomainError(.notFound, "Tenant 'globex'") {
            try fixture.engine.installDefinition(tenant: "globex", key: "x", xml: miniWorkflow(), scope: .detached)
        }
    }

    /// POST /api/workflow/definitions' rules: Name is required, an absent or empty Key is the Name.
    @Test func anUploadNeedsANameAndItsKeyDefaultsToIt() throws {
        let fixture = try WorkflowFixture(shipped: false)
        for name in [nil, ""] {
            expectDomainError(.badRequest, "Name is required.") {
                _ = try fixture.engine.uploadDefinition(
                    tenant: tenant, name: name, key: "k", description: nil, objectType: nil, xml: miniWorkflow(), scope: .detached)
            }
        }
        for key in [nil, ""] {
            let stored = try fixture.engine.uploadDefinition(
                tenant: tenant, name: "Widget Flow", key: key, description: nil, objectType: nil, xml: miniWorkflow(), scope: .detached)
            #expect(stored.key == "Widget Flow")
        }
        let keyed = try fixture.engine.uploadDefinition(
            tenant: tenant, name: "Widget Flow", key: "widgets", description: nil, objectType: nil, xml: miniWorkflow(), scope: .detached)
        #expect(keyed.key == "widgets")
        #expect(keyed.name == "Widget Flow")
    }

    @Test func aBadDefinitionIsRefusedWithItsLineAndNothingIsStored() throws {
        let fixture = try WorkflowFixture(shipped: false)
        let broken = miniWorkflow().replacingOccurrences(of: "</steps>", with: "</step>")
        expectDomainError(.badRequest, "The workflow definition was refused: line 21:", "end tag does not match") {
            try fixture.engine.installDefinition(tenant: tenant, key: "broken", xml: broken, scope: .detached)
        }
        expectDomainError(.badRequest, "line 15:", "step 300") {
            try fixture.engine.installDefinition(
                tenant: tenant, key: "broken", xml: miniWorkflow().replacingOccurrences(of: "step=\"200\"", with: "step=\"300\""),
                scope: .detached)
        }
        #expect(try fixture.engine.definitions(tenant: tenant, allVersions: true, scope: .detached).isEmpty)
    }

    @Test func aNewVersionTakesOverTheAssignmentAndRunningObjectsKeepTheirs() throws {
        let fixture = try WorkflowFixture(shipped: false)
        let v1 = try fixture.engine.installDefinition(tenant: tenant, key: "widgets", xml: miniWorkflow(), scope: .detached)
        let assigned = try fixture.engine.assign(tenant: tenant, objectType: "widget", definitionKey: "widgets", scope: .detached)
        #expect(assigned.id == v1.id && assigned.isActive)
        #expect(try fixture.start("widget", "w1") == "Open")

        // Version 2 renames the closed status.
        let v2 = try fixture.engine.installDefinition(
            tenant: tenant, key: "widgets", xml: miniWorkflow().replacingOccurrences(of: "status=\"Closed\"", with: "status=\"Shut\""),
            scope: .detached)
        #expect(v2.version == 2)
        #expect(v2.isActive)
        #expect(try fixture.engine.activeDefinition(tenant: tenant, objectType: "widget", scope: .detached)?.id == v2.id)
        #expect(try fixture.start("widget", "w2") == "Open")
        #expect(try fixture.perform("w1", "widget.action.close", as: Callers.nobody) == "Closed")
        #expect(try fixture.perform("w2", "widget.action.close", as: Callers.nobody) == "Shut")
        #expect(try fixture.engine.state(objectID: "w1", scope: .detached)?.definitionVersion == 1)
        #expect(try fixture.engine.state(objectID: "w2", scope: .detached)?.definitionVersion == 2)

        let latest = try fixture.engine.definitions(tenant: tenant, objectType: "widget", scope: .detached)
        #expect(latest.map(\.version) == [2])
        #expect(latest.first?.objectReferenceCount == 1)
        let all = try fixture.engine.definitions(tenant: tenant, objectType: "widget", allVersions: true, scope: .detached)
        #expect(all.map(\.version) == [1, 2])
        #expect(all.map(\.isActive) == [false, true])
        #expect(try fixture.engine.definitions(tenant: tenant, objectType: "gadget", scope: .detached).isEmpty)
    }

    @Test func assignmentResolvesKeyOrNameAndChecksTheObjectType() throws {
        let fixture = try WorkflowFixture(shipped: false)
        try fixture.engine.installDefinition(tenant: tenant, key: "k1", name: "Strict Widgets", xml: miniWorkflow(), scope: .detached)
        #expect(
            try fixture.engine.assign(tenant: tenant, objectType: "widget", definitionKey: "Strict Widgets", scope: .detached).key == "k1")
        expectDomainError(.notFound, "'nope'") {
            try fixture.engine.assign(tenant: tenant, objectType: "widget", definitionKey: "nope", scope: .detached)
        }
        expectDomainError(.badRequest, "is for object type 'widget', not 'model'") {
            try fixture.engine.assign(tenant: tenant, objectType: "model", definitionKey: "k1", scope: .detached)
        }
        try fixture.engine.installDefinition(tenant: tenant, key: "k2", name: "Strict Widgets", xml: miniWorkflow(), scope: .detached)
        expectDomainError(.badRequest, "keys k1, k2") {
            try fixture.engine.assign(tenant: tenant, objectType: "widget", definitionKey: "Strict Widgets", scope: .detached)
        }
        expectDomainError(.conflict, "key 'k1' is for object type 'widget'") {
            try fixture.engine.installDefinition(
                tenant: tenant, key: "k1", objectType: "gadget",
                xml: miniWorkflow(objectType: "gadget"), scope: .detached)
        }
        #expect(try fixture.engine.clearAssignment(tenant: tenant, objectType: "widget", scope: .detached))
        #expect(try fixture.start("widget", "w1") == nil)
        #expect(try fixture.engine.state(objectID: "w1", scope: .detached) == nil)
    }

    @Test func aStaleCacheEntryIsNeverUsed() throws {
        let fixture = try WorkflowFixture(shipped: false)
        let stored = try fixture.engine.installDefinition(tenant: tenant, key: "widgets", xml: miniWorkflow(), scope: .detached)
        #expect(try fixture.engine.definition(id: stored.id, scope: .detached)?.definition.step(id: 200)?.name == "Closed")
        // A restore or reset could put different XML under the same id.
        try fixture.pool.write { db in
            try db.run(
                "UPDATE workflow_definitions SET xml = ? WHERE id = ?",
                miniWorkflow().replacingOccurrences(of: "name=\"Closed\"", with: "name=\"Done\""), stored.id)
        }
        #expect(try fixture.engine.definition(id: stored.id, scope: .detached)?.definition.step(id: 200)?.name == "Done")
    }

    /// An upgrade: where a tenant's newest version of a shipped key is a text an earlier release
    /// shipped, the next start installs the current text as its next version and new objects run
    /// under it; a text someone uploaded under the key is left alone.
    @Test func aSupersededShippedTextIsUpgradedAndAnUploadedOneIsNot() throws {
        let fixture = try WorkflowFixture(shipped: true)
        let old = try #require(try fixture.engine.activeDefinition(tenant: tenant, objectType: "apicontract", scope: .detached))
        // The tenant runs an "earlier release's" text: store one and name its digest as superseded.
        let earlier = try #require(ShippedWorkflow.all().first { $0.key == "apicontract" }).xml
            .replacingOccurrences(of: "<workflow>", with: "<workflow><!-- an earlier release -->")
        _ = try fixture.engine.installDefinition(tenant: tenant, key: "apicontract", xml: earlier, scope: .detached)
        let superseded = ["apicontract": Set([Crypto.sha256Hex(Array(earlier.utf8))])]
        let started = try #require(try fixture.start("apicontract", "c1.acmepaymentscorp"))

        let upgraded = try fixture.engine.installShippedDefinitions(tenant: tenant, superseded: superseded, scope: .detached)
        #expect(upgraded.map(\.key) == ["apicontract"])
        #expect(upgraded.first?.version == old.version + 2)
        #expect(
            try fixture.engine.activeDefinition(tenant: tenant, objectType: "apicontract", scope: .detached)?.version == old.version + 2)
        // Once upgraded, nothing more to do; the object started before keeps its version.
        #expect(try fixture.engine.installShippedDefinitions(tenant: tenant, superseded: superseded, scope: .detached).isEmpty)
        _ = started

        // Someone's own text under the key is never replaced.
        let own = earlier.replacingOccurrences(of: "an earlier release", with: "our own flow")
        let uploaded = try fixture.engine.installDefinition(tenant: tenant, key: "apicontract", xml: own, scope: .detached)
        #expect(try fixture.engine.installShippedDefinitions(tenant: tenant, superseded: superseded, scope: .detached).isEmpty)
        #expect(
            try fixture.engine.activeDefinition(tenant: tenant, objectType: "apicontract", scope: .detached)?.version == uploaded.version)
    }
}
