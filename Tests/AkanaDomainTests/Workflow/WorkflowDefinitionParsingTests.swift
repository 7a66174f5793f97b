import Foundation
import Testing

@testable import AkanaDomain

@Suite struct WorkflowDefinitionParsingTests {
    @Test func everyShippedFileParsesWithoutWarnings() throws {
        let shipped = try ShippedWorkflow.all()
        #expect(
            Set(shipped.map(\.fileName)) == [
                "apicontract.xml", "apiversion.xml", "appversion.xml", "discussion.xml", "groupmembership.xml",
                "groupmembership-autoaccept.xml", "model.xml", "ticket.xml"
            ])
        for workflow in shipped {
            #expect(workflow.definition.warnings.isEmpty, "\(workflow.fileName): \(workflow.definition.warnings)")
            #expect(workflow.key == String(workflow.fileName.dropLast(4)), "key of \(workflow.fileName)")
            // The auto-accepting group membership workflow is an alternative for the same type, not its default.
            let alternative = workflow.key == "groupmembership-autoaccept"
            #expect(workflow.objectType == (alternative ? "groupmembership" : workflow.key), "object type of \(workflow.fileName)")
            #expect(
                workflow.activeByDefault == !["appversion", "apiversion", "groupmembership-autoaccept"].contains(workflow.key),
                "activeByDefault of \(workflow.fileName)")
            #expect(!workflow.definition.initialActions.isEmpty)
            #expect(workflow.definition.initialActions.allSatisfy { $0.isReserved })
        }
    }

    @Test func modelDefinitionHasTheDocumentedShape() throws {
        let model = try #require(try ShippedWorkflow.all().first { $0.key == "model" }).definition
        #expect(model.initialActions.map(\.name) == ["@Create"])
        #expect(model.steps.map(\.name) == ["Draft", "Pending Approval", "Active", "Rejected", "Deleted"])
        let draft = try #require(model.step(id: 100))
        #expect(model.actions(in: draft).map(\.name) == ["model.action.submit.approval", "@modify", "@delete"])
        #expect(model.actions(in: draft).first?.label == "Submit for Approval")
        // @delete is a common action shared by three steps.
        #expect(model.commonActions.map(\.name) == ["@delete"])
        #expect(model.steps.filter { $0.actions.contains { $0.name == "@delete" } }.map(\.name) == ["Draft", "Active", "Rejected"])
    }

    @Test func malformedXMLIsRefusedWithItsLine() {
        let xml = """
            <?xml version="1.0"?>
            <workflow>
              <initial-actions>
                <action id="1" name="@Create">
                  <results><unconditional-result old-status="x" status="Open" step="100"/></results>
                </actoin>
              </initial-actions>
            </workflow>
            """
        expectRefused(xml, line: 6, "end tag does not match")
        expectRefused("<workflow>\n  <meta name=\"a\">Tom & Jerry</meta>\n</workflow>", line: 2, "&amp;")
        expectRefused("<workflow>\n<step id=\"1 name=\"x\"/>\n</workflow>", line: 2, "not well-formed")
        expectRefused("", line: nil, "empty")
    }

    @Test func hostileDocumentsAreRefusedBeforeTheTreeIsBuilt() {
        // 10^5 levels: refused at the limit, and nothing deep is ever built or torn down.
        let deep = "<workflow>" + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000) + "</workflow>"
        expectRefused(deep, line: 1, "nested deeper than \(UntrustedText.maxXMLDepth) levels")
        expectRefused("<!DOCTYPE workflow [<!ENTITY x \"y\">]>\n<workflow>&x;</workflow>", line: nil, "internal subset")
        expectRefused("<workflow><!ENTITY x \"y\"></workflow>", line: nil, "<!ENTITY")
        // Found by fuzz-workflow-definition: a processing instruction without data crashed FoundationXML.
        expectRefused("<?xf?>\n<workflow/>", line: nil, "processing instructions")
        expectRefused("<workflow><?x?></workflow>", line: nil, "processing instructions")
        expectRefused("<!DOCTYPE workflow SYSTEM \"w.dtd\" [ ]>\n<workflow/>", line: nil, "internal subset")
        // The platform's external DOCTYPE stays accepted (miniWorkflow carries it).
        #expect(throws: Never.self) { try WorkflowDefinition.parse(miniWorkflow()) }
    }

    @Test func structuralMistakesNameTheLine() {
        expectRefused("<flow/>", line: 1, "root element is <flow>")
        expectRefused(
            miniWorkflow().replacingOccurrences(of: "step=\"200\"", with: "step=\"300\""), line: 15, "step 300, which is not declared")
        expectRefused(
            miniWorkflow().replacingOccurrences(of: "<action id=\"101\"", with: "<action id=\"1\""), line: 14,
            "action id 1 is used twice (also on line 6)")
        expectRefused(
            miniWorkflow().replacingOccurrences(of: " name=\"widget.action.close\"", with: ""), line: 14, "<action> needs a non-empty name")
        expectRefused(miniWorkflow().replacingOccurrences(of: "step id=\"100\"", with: "step id=\"abc\""), line: 12, "must be an integer")
        expectRefused(miniWorkflow(extra: "<common-action id=\"77\"/>"), line: 17, "names no action of <common-actions>")
        expectRefused(
            miniWorkflow(
                extra: """
                    <action id="102" name="widget.action.close">
                          <results><unconditional-result old-status="Finished" status="Closed" step="200"/></results>
                        </action>
                    """), line: 17, "two actions named 'widget.action.close' (the other is on line 14)")
        expectRefused(
            miniWorkflow(
                extra: """
                    <action id="102" name="widget.action.split">
                          <results><unconditional-result old-status="Finished" split="1"/></results>
                        </action>
                    """), line: 18, "splits and joins are not supported")
        expectRefused(
            miniWorkflow(
                extra: """
                    <action id="102" name="widget.action.nothing">
                          <results/>
                        </action>
                    """), line: 17, "has no <results><unconditional-result")
        expectRefused(
            miniWorkflow(
                initialRestriction: """
                    <restrict-to><conditions type="XOR"><condition type="authorizeByAtmosphereRole"><arg name="role">SiteAdmin</arg></condition></conditions></restrict-to>
                    """), line: 7, "must be AND or OR")
        expectRefused(
            miniWorkflow(
                initialRestriction: """
                    <restrict-to><conditions type="OR"><condition type="authorizeByAtmosphereRole"/></conditions></restrict-to>
                    """), line: 7, "needs <arg name=\"role\">")
        expectRefused(miniWorkflow().replacingOccurrences(of: "step=\"100\"", with: "step=\"-1\""), line: 8, "must lead to a step")
        expectRefused("<workflow><initial-actions/><steps/></workflow>", line: 1, "at least one <action>")
    }

    @Test func unknownConditionTypesAreReportedAndNeverGrant() throws {
        let unknown = "<condition type=\"checkSubscription\"><arg name=\"plan\">gold</arg></condition>"
        let negated = "<condition type=\"checkSubscription\" negate=\"true\"><arg name=\"plan\">gold</arg></condition>"
        for condition in [unknown, negated] {
            let xml = miniWorkflow(initialRestriction: "<restrict-to><conditions type=\"AND\">\(condition)</conditions></restrict-to>")
            let definition = try WorkflowDefinition.parse(xml)
            #expect(definition.warnings.count == 1)
            #expect(definition.warnings.first?.contains("line 7: condition type 'checkSubscription' cannot be evaluated") == true)
            let evaluator = WorkflowConditionEvaluator(caller: .emulator(), status: nil)
            #expect(!evaluator.grants(definition.initialActions[0].restriction))
        }
        // Inside an OR, a known condition that holds still grants; one that fails does not.
        let mixed = miniWorkflow(
            initialRestriction: """
                <restrict-to><conditions type="OR">\(unknown)<condition type="authorizeByAtmosphereRole"><arg name="role">BusinessAdmin</arg></condition></conditions></restrict-to>
                """)
        let restriction = try WorkflowDefinition.parse(mixed).initialActions[0].restriction
        #expect(WorkflowConditionEvaluator(caller: Callers.businessAdmin, status: nil).grants(restriction))
        #expect(!WorkflowConditionEvaluator(caller: Callers.designer, status: nil).grants(restriction))
    }

    @Test func unknownFunctionsRolesAndElementsAreKeptAndReported() throws {
        let xml = miniWorkflow(
            extra: """
                <action id="102" name="widget.action.ping">
                      <restrict-to><conditions type="AND"><condition type="authorizeByAtmosphereRole"><arg name="role">ChiefWizard</arg></condition></conditions></restrict-to>
                      <validators><validator type="beanshell"/></validators>
                      <results><unconditional-result old-status="Finished" status="Open" step="100"/></results>
                      <post-functions><function type="sendCarrierPigeon"><arg name="to">ops</arg></function></post-functions>
                    </action>
                """)
        let definition = try WorkflowDefinition.parse(xml)
        let warnings = definition.warnings.joined(separator: "\n")
        #expect(warnings.contains("role 'ChiefWizard' is not one the emulator gives callers"))
        #expect(warnings.contains("validators of action 'widget.action.ping' are not run"))
        #expect(warnings.contains("function type 'sendCarrierPigeon' is not one the platform documents"))
        let ping = try #require(definition.step(id: 100)?.actions.first { $0.name == "widget.action.ping" })
        #expect(ping.postFunctions == [WorkflowFunction(type: "sendCarrierPigeon", args: ["to": "ops"], line: 21)])
        // The role condition still works for a caller given that role.
        #expect(
            WorkflowConditionEvaluator(caller: WorkflowCaller(userID: "w", roles: ["ChiefWizard"]), status: nil).grants(ping.restriction))
    }

    @Test func labelsComeFromMetaViewOrTheName() throws {
        #expect(WorkflowDefinitionReader.label(forActionName: "model.action.submit.approval") == "Submit Approval")
        #expect(WorkflowDefinitionReader.label(forActionName: "@RegeneratedSecret") == "Regenerated Secret")
        #expect(WorkflowDefinitionReader.label(forActionName: "@read") == "Read")
        let xml = miniWorkflow(
            extra: """
                <action id="102" name="widget.action.a" view="From View">
                      <meta name="label">From Meta</meta>
                      <results><unconditional-result old-status="Finished" status="Open" step="100"/></results>
                    </action>
                <action id="103" name="widget.action.b" view="From View">
                      <results><unconditional-result old-status="Finished" status="Open" step="100"/></results>
                    </action>
                """)
        let labels = try #require(WorkflowDefinition.parse(xml).step(id: 100)).actions.map(\.label)
        #expect(labels == ["Close", "From Meta", "From View"])
    }

    @Test func roleNamesMatchWithoutCaseOrSpaces() throws {
        let xml = miniWorkflow(
            initialRestriction: """
                <restrict-to><conditions type="OR"><condition type="authorizeByAtmosphereRole"><arg name="role">Business Admin, SchemaApprover</arg></condition></conditions></restrict-to>
                """)
        let restriction = try WorkflowDefinition.parse(xml).initialActions[0].restriction
        #expect(WorkflowConditionEvaluator(caller: Callers.businessAdmin, status: nil).grants(restriction))
        #expect(WorkflowConditionEvaluator(caller: WorkflowCaller(userID: "x", roles: ["schemaapprover"]), status: nil).grants(restriction))
        #expect(!WorkflowConditionEvaluator(caller: Callers.siteAdmin, status: nil).grants(restriction))
    }

    @Test func nestedConditionsEvaluateAsWritten() throws {
        // SiteAdmin OR (BusinessAdmin AND NOT ApiAdmin)
        let xml = miniWorkflow(
            initialRestriction: """
                <restrict-to><conditions type="OR">
                  <condition type="authorizeByAtmosphereRole"><arg name="role">SiteAdmin</arg></condition>
                  <conditions type="AND">
                    <condition type="authorizeByAtmosphereRole"><arg name="role">BusinessAdmin</arg></condition>
                    <condition type="authorizeByAtmosphereRole" negate="true"><arg name="role">ApiAdmin</arg></condition>
                  </conditions>
                </conditions></restrict-to>
                """)
        let restriction = try WorkflowDefinition.parse(xml).initialActions[0].restriction
        func grants(_ roles: Set<String>) -> Bool {
            WorkflowConditionEvaluator(caller: WorkflowCaller(userID: "u", roles: roles), status: nil).grants(restriction)
        }
        #expect(grants(["SiteAdmin"]))
        #expect(grants(["BusinessAdmin"]))
        #expect(!grants(["BusinessAdmin", "ApiAdmin"]))
        #expect(grants(["BusinessAdmin", "ApiAdmin", "SiteAdmin"]))
        #expect(!grants([]))
        #expect(
            WorkflowConditionEvaluator.describe(try #require(restriction)) == "role SiteAdmin or (role BusinessAdmin and not role ApiAdmin)"
        )
    }
}
