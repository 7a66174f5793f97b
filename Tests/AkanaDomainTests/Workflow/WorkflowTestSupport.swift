import Foundation
import SQLiteStore
import TestSupport
import Testing

@testable import AkanaDomain

/// A migrated database with one tenant and a workflow engine over it (shipped definitions installed
/// unless asked otherwise).
struct WorkflowFixture {
    static let tenant = "acmepaymentscorp"

    let database: TemporaryDatabase
    let clock = EmulatorClock(mode: .frozen(Date(timeIntervalSince1970: 1_800_000_000)))
    let engine: WorkflowEngine
    var pool: DatabasePool { database.pool }

    init(shipped: Bool = true) throws {
        database = try TemporaryDatabase()
        try database.pool.write { db in
            try db.run("INSERT INTO tenants (fedmemberid, created) VALUES (?, ?)", Self.tenant, "2026-01-01T00:00:00Z")
        }
        engine = WorkflowEngine(database: database.pool, clock: clock)
        if shipped { try engine.installShippedDefinitions(tenant: Self.tenant, scope: .detached) }
    }

    /// Starts `objectID` under the tenant's active definition for `objectType`.
    @discardableResult
    func start(
        _ objectType: String, _ objectID: String, as caller: WorkflowCaller = .emulator(),
        initialAction: String? = nil
    ) throws -> String? {
        try engine.start(
            tenant: Self.tenant, objectType: objectType, objectID: objectID, caller: caller, initialAction: initialAction, scope: .detached)
    }

    /// Performs an action and returns the new status.
    @discardableResult
    func perform(_ objectID: String, _ action: String, as caller: WorkflowCaller, comments: [String] = []) throws -> String {
        try engine.perform(objectID: objectID, actionName: action, comments: comments, caller: caller, scope: .detached).status
    }

    func status(_ objectID: String) throws -> String? { try engine.state(objectID: objectID, scope: .detached)?.status }

    func actions(_ objectID: String, as caller: WorkflowCaller, reserved: Bool = false) throws -> [String] {
        try engine.availableActions(objectID: objectID, caller: caller, includeReserved: reserved, scope: .detached).map(\.value)
    }

    func historyCount() throws -> Int {
        try pool.read { db in try db.queryFirst("SELECT COUNT(*) FROM workflow_history")?.int(0) ?? -1 }
    }
}

enum Callers {
    static let siteAdmin = WorkflowCaller(userID: "admin.acmepaymentscorp", roles: ["SiteAdmin"])
    static let businessAdmin = WorkflowCaller(userID: "bob.acmepaymentscorp", roles: ["BusinessAdmin"])
    static let designer = WorkflowCaller(userID: "dana.acmepaymentscorp", roles: ["SchemaDesigner"])
    static let approver = WorkflowCaller(userID: "april.acmepaymentscorp", roles: ["SchemaApprover"])
    static let apiAdmin = WorkflowCaller(userID: "alan.acmepaymentscorp", roles: ["ApiAdmin"])
    static let teamMember = WorkflowCaller(userID: "tim.acmepaymentscorp", roles: ["AppTeamMember"])
    static let nobody = WorkflowCaller(userID: "jane.acmepaymentscorp", roles: [])
}

/// Runs `body`, expecting a `DomainError` of `kind` whose message contains every fragment.
func expectDomainError(
    _ kind: DomainError.Kind, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected a \(kind) DomainError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DomainError {
        #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "'\(fragment)' missing from: \(error.message)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a \(kind) DomainError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Parses `xml`, expecting refusal at `line` with a message containing `fragment`.
func expectRefused(_ xml: String, line: Int?, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try WorkflowDefinition.parse(xml)
        Issue.record("expected the definition to be refused (\(fragment))", sourceLocation: sourceLocation)
    } catch {
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
    }
}

/// A small valid definition; `extra` lands inside step 100's <actions>.
func miniWorkflow(objectType: String = "widget", initialRestriction: String = "", extra: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE workflow PUBLIC "-//OpenSymphony Group//DTD OSWorkflow 2.8//EN" "http://www.opensymphony.com/osworkflow/workflow_2_8.dtd">
    <workflow>
      <meta name="objectType">\(objectType)</meta>
      <initial-actions>
        <action id="1" name="@Create">
          \(initialRestriction)
          <results><unconditional-result old-status="Finished" status="Open" step="100"/></results>
        </action>
      </initial-actions>
      <steps>
        <step id="100" name="Open">
          <actions>
            <action id="101" name="widget.action.close">
              <results><unconditional-result old-status="Finished" status="Closed" step="200"/></results>
            </action>
            \(extra)
          </actions>
        </step>
        <step id="200" name="Closed"/>
      </steps>
    </workflow>
    """
}
