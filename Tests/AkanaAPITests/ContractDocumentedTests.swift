import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

/// Contracts as the help pages describe them (issue 27 part 4): activate approves a pending request
/// (`m_contracts_executeWorkflowAction.htm`'s sample), reject and resubmit, revisions started with
/// `@Revise` (`cm/workflow/05_api_contract_wf.htm`, `m_contracts_requestContract.htm`), and a
/// contract's API and app details.
@Suite struct ContractDocumentedTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    /// Jane's API, Kim's app: returns (APIID, APIVersionID, AppVersionID).
    func setUp() throws -> (String, String, String) {
        let (apiID, apiVersionID) = try world.createAPI(as: world.jane)
        let appVersionID = try world.createApp(as: world.kim)
        return (apiID, apiVersionID, appVersionID)
    }

    func request(_ apiVersionID: String, _ appVersionID: String) throws -> HTTPResponse {
        try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID)
    }

    func history(_ id: String) throws -> [String] {
        try world.app.pool.read { db in
            try db.query("SELECT action_name FROM workflow_history WHERE object_id = ? ORDER BY id", id).compactMap {
                try $0.string("action_name")
            }
        }
    }

    func state(_ id: String) throws -> String? {
        try world.get("/api/contracts/\(id)", as: world.jane).json()["State"]?.stringValue
    }

    @Test func activateApprovesAPendingRequestAsTheSampleDoes() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let id = try #require(try request(apiVersionID, appVersionID).json()["ContractID"]?.stringValue)
        // The app team may not activate its own request: 403, nothing moves.
        let before = try world.counts()
        #expect(try world.act(id, "apicontract.action.activate", as: world.kim).status == .forbidden)
        #expect(try world.counts() == before)
        let activated = try world.act(
            id, "apicontract.action.activate", as: world.jane, comments: "Granting production access (activating).")
        #expect(activated.status == .ok, "\(activated.text)")
        #expect(activated.text == "apicontract.status.activated")
        #expect(try history(id) == ["@Create", "apicontract.action.activate"])

        // A Business Admin activates a pending request too; approve then activate still works.
        let production = try #require(
            try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID, environment: "Production")
                .json()["ContractID"]?.stringValue)
        #expect(try world.act(production, "apicontract.action.approve", as: world.jane).text == "apicontract.status.approved")
        #expect(try world.act(production, "apicontract.action.activate", as: world.bob).text == "apicontract.status.activated")
    }

    @Test func rejectedRequestsAreResubmittedByTheAppTeamAndActivated() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let id = try #require(try request(apiVersionID, appVersionID).json()["ContractID"]?.stringValue)
        #expect(try world.act(id, "apicontract.action.reject", as: world.kim).status == .forbidden)
        #expect(try world.act(id, "apicontract.action.reject", as: world.jane).text == "apicontract.status.rejected")
        // Bob (Business Admin, neither team) is not named for resubmit by the page: 403.
        #expect(try world.act(id, "apicontract.action.resubmit", as: world.bob).status == .forbidden)
        #expect(try world.act(id, "apicontract.action.resubmit", as: world.kim).text == "apicontract.status.resubmitted")
        #expect(try world.act(id, "apicontract.action.activate", as: world.kim).status == .forbidden)
        #expect(try world.act(id, "apicontract.action.activate", as: world.jane).text == "apicontract.status.activated")
        #expect(
            try history(id) == ["@Create", "apicontract.action.reject", "apicontract.action.resubmit", "apicontract.action.activate"])
    }

    @Test func aSecondRequestForAnActiveContractIsItsRevision() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let original = try #require(try request(apiVersionID, appVersionID).json()["ContractID"]?.stringValue)
        // Not active yet: nothing to revise, 409 and nothing made.
        let pending = try world.counts()
        #expect(try request(apiVersionID, appVersionID).status == .conflict)
        #expect(try world.counts() == pending)
        #expect(try world.act(original, "apicontract.action.activate", as: world.jane).text == "apicontract.status.activated")

        let revised = try request(apiVersionID, appVersionID)
        #expect(revised.status == .ok, "\(revised.text)")
        let revision = try revised.json()
        let revisionID = try #require(revision["ContractID"]?.stringValue)
        #expect(revisionID != original)
        #expect(revision["RevisionOf"] == .string(original))
        #expect(revision["State"] == .string("apicontract.status.pending_approval"))
        #expect(try history(revisionID) == ["@Revise"])
        // The existing contract stays in place; the original names no revision of its own.
        let stored = try world.get("/api/contracts/\(original)", as: world.kim).json()
        #expect(stored["State"] == .string("apicontract.status.activated"))
        #expect(stored["RevisionOf"] == nil)
        // The state browser's API page names the original beside the revision, linked.
        let page = try world.app.send(.get, "/_emulator/ui/apis").text
        #expect(page.contains("revision_of"))
        // (once on its own row, once on the revision's)
        #expect(page.components(separatedBy: #"href="/_emulator/ui/workflow/\#(original)""#).count - 1 == 2)

        // Only one revised contract at a time: 409 with nothing made, while it is pending or rejected.
        let withRevision = try world.counts()
        #expect(try request(apiVersionID, appVersionID).status == .conflict)
        #expect(try world.counts() == withRevision)
        #expect(try world.act(revisionID, "apicontract.action.reject", as: world.jane).text == "apicontract.status.rejected")
        let rejected = try world.counts()
        #expect(try request(apiVersionID, appVersionID).status == .conflict)
        #expect(try world.counts() == rejected)
        #expect(try world.act(revisionID, "apicontract.action.resubmit", as: world.kim).text == "apicontract.status.resubmitted")

        // Activating the revision replaces the original, which is cancelled.
        #expect(try world.act(revisionID, "apicontract.action.activate", as: world.jane).text == "apicontract.status.activated")
        #expect(try state(original) == "apicontract.status.cancelled")
        #expect(try history(original) == ["@Create", "apicontract.action.activate", "apicontract.action.cancel"])
        // The journal names both contracts the activation changed (so an undo takes back both).
        world.app.environment.journal.flush()
        let journal = try world.app.send(.get, "/_emulator/requests?method=POST&path=/api/contracts/\(revisionID)/actions&limit=1").json()
        let changed = journal["Request"]?.arrayValue?.first?["changedIDs"]?.arrayValue ?? []
        #expect(changed.contains(.string(original)) && changed.contains(.string(revisionID)), "\(journal)")
        let active = try world.get("/api/apps/versions/\(appVersionID)/contracts?ActivatedOnly=true", as: world.kim).json()
        #expect(active["Contract"]?.arrayValue?.map { $0["ContractID"]?.stringValue ?? "" } == [revisionID])

        // The revision, now the active contract, can be revised in turn.
        let next = try request(apiVersionID, appVersionID)
        #expect(next.status == .ok, "\(next.text)")
        #expect(try next.json()["RevisionOf"] == .string(revisionID))
    }

    @Test func aCancelledRevisionLeavesTheOriginalAndMakesRoomForAnother() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let original = try #require(try request(apiVersionID, appVersionID).json()["ContractID"]?.stringValue)
        #expect(try world.act(original, "apicontract.action.activate", as: world.bob).text == "apicontract.status.activated")
        let first = try #require(try request(apiVersionID, appVersionID).json()["ContractID"]?.stringValue)
        #expect(try world.act(first, "apicontract.action.cancel", as: world.kim).text == "apicontract.status.cancelled")
        #expect(try state(original) == "apicontract.status.activated")
        let second = try request(apiVersionID, appVersionID)
        #expect(second.status == .ok, "\(second.text)")
        #expect(try second.json()["RevisionOf"] == .string(original))
    }

    /// `POST /api/workflow/objects/{ObjectID}/actions` on a contract: the API's admin (a role the
    /// contract gives, not the session) activates a revision there too, which replaces its original;
    /// the app team sees its own actions listed, a stranger gets 404.
    @Test func theGenericWorkflowRouteActsOnContractsAsTheirTeamsDo() throws {
        let (_, apiVersionID, appVersionID) = try setUp()
        let original = try #require(try request(apiVersionID, appVersionID).json()["ContractID"]?.stringValue)
        let generic = { (id: String, action: String, session: TestApp.Session) throws -> HTTPResponse in
            try world.post(
                "/api/workflow/objects/\(id)/actions", as: session, body: #"{"ActionName":"\#(action)"}"#, accept: "text/plain")
        }
        let listed = try world.get("/api/workflow/objects/\(original)/actions", as: world.kim)
        #expect(listed.status == .ok, "\(listed.text)")
        #expect(listed.text.contains("apicontract.action.cancel") && !listed.text.contains("apicontract.action.activate"))
        #expect(try generic(original, "apicontract.action.activate", world.kim).status == .forbidden)
        #expect(try generic(original, "apicontract.action.activate", world.jane).text == "apicontract.status.activated")
        let revision = try #require(try request(apiVersionID, appVersionID).json()["ContractID"]?.stringValue)
        #expect(try generic(revision, "apicontract.action.activate", world.jane).text == "apicontract.status.activated")
        #expect(try state(original) == "apicontract.status.cancelled")

        let response = try world.app.send(
            .post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"],
            body: #"{"users":[{"email":"sam@acmepaymentscorp.com","password":"password"}]}"#)
        #expect(response.status == .ok, "\(response.text)")
        let sam = try world.app.login("sam@acmepaymentscorp.com")
        #expect(try generic(revision, "apicontract.action.cancel", sam).status == .notFound)
        #expect(try world.get("/api/workflow/objects/\(revision)/actions", as: sam).status == .notFound)
    }

    @Test func aContractsAPIAndAppDetails() throws {
        let (apiID, apiVersionID, appVersionID) = try setUp()
        let id = try #require(try request(apiVersionID, appVersionID).json()["ContractID"]?.stringValue)

        let api = try world.get("/api/contracts/\(id)/apidetails", as: world.kim)
        #expect(api.status == .ok, "\(api.text)")
        let apiJSON = try api.json()
        #expect(apiJSON["APIID"] == .string(apiID))
        #expect(apiJSON["Name"] == .string("ACME Payments"))
        #expect(apiJSON["APIVersion"]?["APIVersionID"] == .string(apiVersionID))

        let app = try world.get("/api/contracts/\(id)/appdetails", as: world.jane)
        #expect(app.status == .ok, "\(app.text)")
        let appJSON = try app.json()
        #expect(appJSON["Name"] == .string("Crosfhocal"))
        #expect(appJSON["AppVersion"]?["RuntimeID"] == .string(appVersionID))
        #expect(appJSON["AppID"] == appJSON["AppVersion"]?["AppID"])

        let xml = try world.get("/api/contracts/\(id)/apidetails", as: world.bob, accept: "application/xml")
        #expect(xml.status == .ok)
        #expect(xml.text.contains("<API>"))
        #expect(try world.get("/api/contracts/\(id)/appdetails", as: world.admin, accept: "application/xml").text.contains("<Application>"))

        // Whoever may not read the contract gets 404, as for the contract itself.
        let response = try world.app.send(
            .post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"],
            body: #"{"users":[{"email":"sam@acmepaymentscorp.com","password":"password"}]}"#)
        #expect(response.status == .ok, "\(response.text)")
        let sam = try world.app.login("sam@acmepaymentscorp.com")
        #expect(try world.get("/api/contracts/\(id)/apidetails", as: sam).status == .notFound)
        #expect(try world.get("/api/contracts/\(id)/appdetails", as: sam).status == .notFound)
        #expect(try world.get("/api/contracts/nosuch.acmepaymentscorp/apidetails", as: world.admin).status == .notFound)
        #expect(try world.app.send(.get, "/api/contracts/\(id)/appdetails").status == .unauthorized)
    }
}
