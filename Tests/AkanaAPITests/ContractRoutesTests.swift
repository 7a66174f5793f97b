import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

/// `/api/contracts…` and the contract lists: request (team only), the workflow (API admins and
/// Business Admins approve and activate), auto-approval, the reserved @AppDeleted / @ApiDeleted,
/// JSON and XML, refusals that change nothing, restarts.
@Suite struct ContractRoutesTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    /// Jane's API, Kim's app: returns (APIID, APIVersionID, AppVersionID).
    func setUp(sandboxAuto: Bool = false) throws -> (String, String, String) {
        let (apiID, apiVersionID) = try world.createAPI(as: world.jane, sandboxAuto: sandboxAuto)
        let appVersionID = try world.createApp(as: world.kim)
        return (apiID, apiVersionID, appVersionID)
    }

    func history(_ id: String) throws -> [String] {
        try world.app.pool.read { db in
            try db.query("SELECT action_name FROM workflow_history WHERE object_id = ? ORDER BY id", id).compactMap {
                try $0.string("action_name")
            }
        }
    }

    @Test func aContractsWholeLife() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let requested = try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID)
        #expect(requested.status == .ok, "\(requested.text)")
        let contract = try requested.json()
        guard case .object(let members) = contract else {
            Issue.record("not an object")
            return
        }
        #expect(
            members.map(\.0) == [
                "ContractID", "APIVersionID", "RuntimeID", "Environment", "State", "Status", "ContractScope", "Created", "Updated"
            ])
        let id = try #require(contract["ContractID"]?.stringValue)
        #expect(contract["State"] == .string("apicontract.status.pending_approval"))
        #expect(contract["RuntimeID"] == .string(appVersionID))
        #expect(contract["ContractScope"] == .object([("Restricted", .bool(false))]))
        world.app.environment.journal.flush()
        let journal = try world.app.send(.get, "/_emulator/requests?method=POST&path=/api/contracts&limit=1").json()
        #expect(journal["Request"]?.arrayValue?.first?["changedIDs"]?.arrayValue?.contains(.string(id)) == true)

        // Kim (app team) may not approve; Jane (API admin) approves and activates.
        #expect(try world.act(id, "apicontract.action.approve", as: world.kim).status == .forbidden)
        let approved = try world.act(id, "apicontract.action.approve", as: world.jane, comments: "OK")
        #expect(approved.status == .ok)
        #expect(approved.headers["Content-Type"] == "text/plain")
        #expect(approved.text == "apicontract.status.approved")
        #expect(try world.act(id, "apicontract.action.activate", as: world.jane).text == "apicontract.status.activated")
        #expect(try world.act(id, "apicontract.action.suspend", as: world.bob).text == "apicontract.status.suspended")
        #expect(try world.act(id, "apicontract.action.activate", as: world.jane).status == .conflict)
        #expect(try world.act(id, "apicontract.action.resume", as: world.jane).text == "apicontract.status.activated")

        let active = try world.get("/api/apps/versions/\(appVersionID)/contracts?ActivatedOnly=true&Environment=sandbox", as: world.kim)
            .json()
        #expect(active["Contract"]?.arrayValue?.map { $0["ContractID"]?.stringValue ?? "" } == [id])
        #expect(
            try world.get("/api/apps/versions/\(appVersionID)/contracts?Environment=Production", as: world.kim).json()["Contract"]?
                .arrayValue?.isEmpty == true)
        #expect(try world.get("/api/apis/versions/\(apiVersionID)/contracts", as: world.jane).json()["Contract"]?.arrayValue?.count == 1)
        // An Environment that is given must be Sandbox or Production; empty is not "any".
        #expect(try world.get("/api/apps/versions/\(appVersionID)/contracts?Environment=", as: world.kim).status == .badRequest)
        #expect(try world.get("/api/apis/versions/\(apiVersionID)/contracts?Environment=Staging", as: world.jane).status == .badRequest)

        // Deleting the app (its only version) cancels the contract with @AppDeleted in the same transaction.
        let appID = try #require(
            try world.app.pool.read { db in
                try db.queryFirst("SELECT app_id FROM app_versions WHERE id = ?", appVersionID)?.string("app_id")
            })
        #expect(
            try world.app.send(.delete, "/api/apps/\(appID)", headers: TestApp.headers(world.kim, ["Accept": "text/plain"])).status == .ok)
        #expect(
            try history(id) == [
                "@Create", "apicontract.action.approve", "apicontract.action.activate", "apicontract.action.suspend",
                "apicontract.action.resume", "@AppDeleted"
            ])
        let after = try world.get("/api/contracts/\(id)", as: world.jane).json()
        #expect(after["State"] == .string("apicontract.status.cancelled"))
        let entries = try world.app.send(.get, "/_emulator/objects/\(id)/history").json()
        #expect(entries["Status"] == .string("apicontract.status.cancelled"))
        let steps = try #require(entries["Entry"]?.arrayValue)
        #expect(
            steps.map { $0["NewStatus"]?.stringValue ?? "" } == [
                "apicontract.status.pending_approval", "apicontract.status.approved", "apicontract.status.activated",
                "apicontract.status.suspended", "apicontract.status.activated", "apicontract.status.cancelled"
            ])
        #expect(steps[1]["Comments"] == .array([.string("OK")]))
    }

    @Test func onlyTheAppTeamRequestsAndOnlyMembersSeeTheContract() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        // Jane is the API's admin but not on Kim's (public) app team: 403. A Limited app of Kim's: 404 for Jane.
        #expect(try world.requestContract(as: world.jane, apiVersionID: apiVersionID, appVersionID: appVersionID).status == .forbidden)
        let hidden = try world.createApp(as: world.kim, name: "Hidden", visibility: "Limited")
        let countsWithHidden = try world.counts()
        #expect(try world.requestContract(as: world.jane, apiVersionID: apiVersionID, appVersionID: hidden).status == .notFound)
        #expect(
            try world.requestContract(as: world.kim, apiVersionID: "nope.acmepaymentscorp", appVersionID: appVersionID).status == .notFound)
        #expect(try world.counts() == countsWithHidden)

        let id = try #require(
            try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).json()["ContractID"]?
                .stringValue)
        // The Business Admin and the API admin read it (strangers: strangersGet404AndNothingChanges).
        #expect(try world.get("/api/contracts/\(id)", as: world.bob).status == .ok)
        #expect(try world.get("/api/contracts/\(id)", as: world.jane).status == .ok)
        let xml = try world.get("/api/contracts/\(id)", as: world.kim, accept: "application/vnd.soa.v81+xml")
        #expect(xml.status == .ok)
        #expect(xml.headers["Content-Type"]?.hasPrefix("application/vnd.soa.v81+xml") == true)
        #expect(xml.text.contains("<Contract>"))
        #expect(xml.text.contains("<State>apicontract.status.pending_approval</State>"))
        // A second request for the same app version, API version and environment while the first is
        // still pending: 409 (only an active contract is revised: ContractDocumentedTests).
        let beforeDuplicate = try world.counts()
        #expect(try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).status == .conflict)
        #expect(try world.counts() == beforeDuplicate)
    }

    @Test func strangersGet404AndNothingChanges() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let id = try #require(
            try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).json()["ContractID"]?
                .stringValue)
        // Add a fifth user with no relation to either side.
        let response = try world.app.send(
            .post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"],
            body: #"{"users":[{"email":"sam@acmepaymentscorp.com","password":"password"}]}"#)
        #expect(response.status == .ok, "\(response.text)")
        let sam = try world.app.login("sam@acmepaymentscorp.com")
        let before = try world.counts()
        #expect(try world.get("/api/contracts/\(id)", as: sam).status == .notFound)
        #expect(try world.act(id, "apicontract.action.cancel", as: sam).status == .notFound)
        #expect(
            try world.app.send(
                .put, "/api/contracts/\(id)", headers: TestApp.headers(sam, ["Content-Type": "application/json"]),
                body: #"{"ContractScope":{"Restricted":false}}"#
            ).status == .notFound)
        #expect(try world.counts() == before)
    }

    @Test func badInputIsA400ThatChangesNothing() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let before = try world.counts()
        for body in [
            #"[]"#, #"{}"#, #"{"APIVersionID":"\#(apiVersionID)"}"#,
            #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(appVersionID)"}"#,
            #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(appVersionID)","Environment":"Staging"}"#,
            #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(appVersionID)","Environment":"Sandbox","ContractScope":{"LicenseID":["nope"]}}"#,
            #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(appVersionID)","Environment":"Sandbox","ContractScope":{"LicenseID":[1]}}"#,
            #"{"APIVersionID":7,"RuntimeID":"\#(appVersionID)","Environment":"Sandbox"}"#
        ] {
            let response = try world.post("/api/contracts", as: world.kim, body: body)
            #expect(response.status == .badRequest, "\(body): \(response.text)")
        }
        let id = try #require(
            try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).json()["ContractID"]?
                .stringValue)
        let withContract = try world.counts()
        #expect(try world.act(id, "apicontract.action.fly", as: world.jane).status == .badRequest)
        #expect(try world.act(id, "@AppDeleted", as: world.jane).status == .badRequest)
        #expect(try world.post("/api/contracts/\(id)/actions", as: world.jane, body: "{}", accept: "text/plain").status == .badRequest)
        #expect(try world.get("/api/apps/versions/\(appVersionID)/contracts?Environment=moon", as: world.kim).status == .badRequest)
        #expect(try world.counts() == withContract)
        #expect(before != withContract)
    }

    @Test func licensesAutoApproveAndScopesCanBeRevised() throws {
        try world.app.pool.write { db in
            try db.run(
                """
                INSERT INTO licenses (id, tenant, name, sandbox_access_auto_approved, production_access_auto_approved, created)
                VALUES ('gold.acmepaymentscorp', 'acmepaymentscorp', 'Gold', 1, 0, '2026-01-01T00:00:00Z'),
                       ('silver.acmepaymentscorp', 'acmepaymentscorp', 'Silver', 0, 0, '2026-01-01T00:00:00Z')
                """)
        }
        let (_, apiVersionID, appVersionID) = try setUp()
        let sandbox = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID,
            scope: #"{"LicenseID":["gold.acmepaymentscorp"]}"#
        ).json()
        #expect(sandbox["State"] == .string("apicontract.status.activated"))
        #expect(
            sandbox["ContractScope"] == .object([("Restricted", .bool(true)), ("LicenseID", .array([.string("gold.acmepaymentscorp")]))]))
        let production = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID,
            environment: "Production", scope: #"{"LicenseID":["gold.acmepaymentscorp"]}"#
        ).json()
        #expect(production["State"] == .string("apicontract.status.pending_approval"))
        let id = try #require(production["ContractID"]?.stringValue)
        let revised = try world.app.send(
            .put, "/api/contracts/\(id)", headers: TestApp.headers(world.kim, ["Content-Type": "application/json"]),
            body: #"{"ContractID":"\#(id)","ContractScope":{"LicenseID":["silver.acmepaymentscorp","gold.acmepaymentscorp"]}}"#)
        #expect(revised.status == .ok, "\(revised.text)")
        #expect(
            try revised.json()["ContractScope"]?["LicenseID"]
                == .array([.string("gold.acmepaymentscorp"), .string("silver.acmepaymentscorp")]))
        let before = try world.counts()
        #expect(
            try world.app.send(
                .put, "/api/contracts/\(id)", headers: TestApp.headers(world.kim, ["Content-Type": "application/json"]),
                body: #"{"ContractID":"other","ContractScope":{}}"#
            ).status == .badRequest)
        #expect(try world.counts() == before)
    }

    @Test func implementationAutoApprovalAndApiDeletion() throws {
        let (apiID, apiVersionID, appVersionID) = try setUp(sandboxAuto: true)
        let contract = try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).json()
        #expect(contract["State"] == .string("apicontract.status.activated"))
        let id = try #require(contract["ContractID"]?.stringValue)
        // Kim may not delete Jane's API; Jane may, and the contract moves on with @ApiDeleted.
        #expect(
            try world.app.send(.delete, "/api/apis/\(apiID)", headers: TestApp.headers(world.kim, ["Accept": "text/plain"])).status
                == .forbidden)
        #expect(
            try world.app.send(.delete, "/api/apis/\(apiID)", headers: TestApp.headers(world.jane, ["Accept": "text/plain"])).status == .ok)
        #expect(try history(id) == ["@Create", "apicontract.action.approve", "apicontract.action.activate", "@ApiDeleted"])
        #expect(try world.get("/api/contracts/\(id)", as: world.kim).json()["State"] == .string("apicontract.status.cancelled"))
        // A cancelled contract no longer blocks a new request (for another API version).
        #expect(
            try world.get("/api/apps/versions/\(appVersionID)/contracts?ActivatedOnly=true", as: world.kim).json()["Contract"]?.arrayValue?
                .isEmpty == true)
    }

    @Test func xmlRequestsAndAnswers() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let body =
            "<Contract><APIVersionID>\(apiVersionID)</APIVersionID><RuntimeID>\(appVersionID)</RuntimeID><Environment>Production</Environment></Contract>"
        let requested = try world.post(
            "/api/contracts", as: world.kim, body: body, accept: "application/xml", contentType: "application/xml")
        #expect(requested.status == .ok, "\(requested.text)")
        #expect(requested.text.contains("<Environment>Production</Environment>"))
        let id = try #require(
            try world.get("/api/apps/versions/\(appVersionID)/contracts", as: world.kim).json()["Contract"]?.arrayValue?.first?[
                "ContractID"]?.stringValue)
        let approve = try world.post(
            "/api/contracts/\(id)/actions", as: world.jane,
            body: "<Action><ActionName>apicontract.action.approve</ActionName><Comments>XML</Comments></Action>",
            accept: "text/plain", contentType: "application/xml")
        #expect(approve.text == "apicontract.status.approved")
        let list = try world.get("/api/apis/versions/\(apiVersionID)/contracts", as: world.jane, accept: "application/xml")
        #expect(list.text.contains("<Contracts>"))
        #expect(list.text.contains("<State>apicontract.status.approved</State>"))
    }

    /// Under an app-version workflow, the version goes when a Business Admin approves its deletion
    /// (the workflow's deleteAppVersion function): its contracts move on in that transaction.
    @Test func anApprovedDeletionUnderTheAppVersionWorkflowCancelsContracts() throws {
        let assign = try world.app.send(
            .put, "/_emulator/workflows/appversion", headers: ["Content-Type": "application/json"],
            body: #"{"Definition":"appversion"}"#)
        #expect(assign.status == .ok, "\(assign.text)")
        let (_, apiVersionID, _) = try setUp()
        let appVersionID = try world.createApp(as: world.kim, name: "Governed app")
        let id = try #require(
            try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).json()["ContractID"]?
                .stringValue)
        // Kim's delete only marks the version; the contract stays pending.
        #expect(
            try world.app.send(.delete, "/api/apps/versions/\(appVersionID)", headers: TestApp.headers(world.kim, ["Accept": "text/plain"]))
                .status == .ok)
        #expect(try history(id) == ["@Create"])
        let approve = try world.post(
            "/api/apps/versions/\(appVersionID)/action", as: world.bob,
            body: #"{"ActionName":"appversion.action.approve.delete"}"#, accept: "text/plain")
        #expect(approve.status == .ok, "\(approve.text)")
        #expect(try history(id) == ["@Create", "@AppDeleted"])
        #expect(try world.get("/api/contracts/\(id)", as: world.jane).json()["State"] == .string("apicontract.status.cancelled"))
    }

    @Test func contractsSurviveARestart() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let id = try #require(
            try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).json()["ContractID"]?
                .stringValue)
        #expect(try world.act(id, "apicontract.action.approve", as: world.jane).status == .ok)
        let restarted = try world.restarted()
        let read = try restarted.get("/api/contracts/\(id)", session: world.kim)
        #expect(read.status == .ok, "\(read.text)")
        #expect(try read.json()["State"] == .string("apicontract.status.approved"))
        #expect(
            try restarted.get("/api/apps/versions/\(appVersionID)/contracts", session: world.kim).json()["Contract"]?.arrayValue?.count == 1
        )
    }
}
