import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Testing

@testable import AkanaAPI

/// Fixtures for APIs, licenses and contracts, and how resets, checkpoints and snapshots treat the
/// new tables.
@Suite struct APIFixtureTests {
    static let document = """
        {
          "licenses": [{"LicenseID": "gold.acmepaymentscorp", "Name": "Gold", "SandboxAccessAutoApproved": true}],
          "apis": [{"APIID": "payments.acmepaymentscorp", "Name": "Payments", "Admins": ["jane@acmepaymentscorp.com"],
                    "Versions": [{"APIVersionID": "payments-v1.acmepaymentscorp", "Name": "1.0",
                                  "Implementations": [{"ImplementationCode": "Sandbox", "TargetEndpointURL": ["http://sbox.example.com"]},
                                                      {"ImplementationCode": "Live", "TargetEndpointURL": ["http://live.example.com"]}]}]}],
          "apps": [{"AppID": "puzzle.acmepaymentscorp", "Name": "Puzzle", "Team": ["kim@acmepaymentscorp.com"],
                    "Versions": [{"AppVersionID": "puzzle-v1.acmepaymentscorp", "Name": "1.0"}]}],
          "contracts": [{"ContractID": "c1.acmepaymentscorp", "APIVersionID": "payments-v1.acmepaymentscorp",
                         "RuntimeID": "puzzle-v1.acmepaymentscorp", "Environment": "Sandbox", "LicenseID": ["gold.acmepaymentscorp"],
                         "Actions": ["apicontract.action.approve", "apicontract.action.activate"]}]
        }
        """

    @Test func fixturesMakeAPIsLicensesAndContractsInAGivenState() throws {
        let fixture = try FixtureDocument.parse(Array(Self.document.utf8), source: "test")
        let world = try APIWorld(fixtures: [fixture])
        let contract = try world.get("/api/contracts/c1.acmepaymentscorp", as: world.kim).json()
        #expect(contract["State"] == .string("apicontract.status.activated"))
        #expect(contract["ContractScope"]?["LicenseID"] == .array([.string("gold.acmepaymentscorp")]))
        let api = try world.get("/api/apis/payments.acmepaymentscorp?includeDefaultVersion=true", as: world.jane).json()
        #expect(api["APIVersion"]?["Endpoints"]?["Endpoint"]?.arrayValue?.count == 2)
        // Jane is an admin of the fixture API: she may suspend the contract.
        #expect(try world.act("c1.acmepaymentscorp", "apicontract.action.suspend", as: world.jane).text == "apicontract.status.suspended")

        // Applying the document again finds everything there.
        let again = try world.app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: Self.document)
        #expect(again.status == .ok, "\(again.text)")
        let report = try again.json()
        #expect(report["created"]?["contracts"] == .array([]))
        #expect(report["skipped"]?["contracts"] == .array([.string("c1.acmepaymentscorp")]))
        #expect(report["skipped"]?["licenses"] == .array([.string("gold.acmepaymentscorp")]))

        // A reset puts the fixture state back: the contract active again, an API made since gone.
        _ = try world.createAPI(name: "Made later")
        #expect(try world.app.send(.post, "/_emulator/reset").status == .ok)
        let jane = try world.app.login(TestApp.jane)
        let kim = try world.app.login("kim@acmepaymentscorp.com")
        #expect(try world.get("/api/contracts/c1.acmepaymentscorp", as: kim).json()["State"] == .string("apicontract.status.activated"))
        let list = try world.get("/api/apis", as: jane).json()
        #expect(list["channel"]?["item"]?.arrayValue?.map { $0["title"]?.stringValue ?? "" } == ["Payments"])
    }

    @Test func theStateBrowserShowsAPIsAndContracts() throws {
        let world = try APIWorld(fixtures: [try FixtureDocument.parse(Array(Self.document.utf8), source: "test")])
        let page = try world.app.send(.get, "/_emulator/ui/apis")
        #expect(page.status == .ok)
        #expect(page.text.contains("Payments"))
        #expect(page.text.contains("c1.acmepaymentscorp"))
        #expect(page.text.contains("apicontract.status.activated"))
        #expect(page.text.contains("Implementations"))
        // An implementation's attached policy shows on the page.
        let versionID = try #require(
            try world.get("/api/apis/versions", as: world.admin).json()["channel"]?["item"]?.arrayValue?.first?["guid"]?["value"]?
                .stringValue)
        let attach = try world.app.send(
            .put, "/api/apis/versions/\(versionID)/implementations/Sandbox/policies",
            headers: TestApp.headers(world.admin, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: #"{"Policy":[{"PolicyKey":"acmepaymentscorp-DetailedAuditing"}]}"#)
        #expect(attach.status == .ok, "\(attach.text)")
        #expect(try world.app.send(.get, "/_emulator/ui/apis").text.contains("acmepaymentscorp-DetailedAuditing"))
        let app = try world.app.send(.get, "/_emulator/ui/apps/puzzle.acmepaymentscorp")
        #expect(app.status == .ok)
        #expect(app.text.contains("c1.acmepaymentscorp"))
        #expect(!app.text.contains("No API contracts exist"))
    }

    /// Tenants see none of each other's APIs and contracts, and a tenant's reset removes only its own.
    @Test func tenantsAreIsolated() throws {
        let tenants = TenantDirectory(
            defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp"),
            others: [TenantSettings(fedmemberid: "globex", hosts: ["globex.localhost"])])
        let app = try TestApp(
            tenants: tenants,
            users: APIWorld.users + [
                SeedUser(tenant: "globex", email: "hank@globex.com", password: "password", name: "Hank", roles: ["SiteAdmin"])
            ])
        let acme = try app.login()
        let hank = try app.login("hank@globex.com", host: "globex.localhost:8080")
        func send(_ method: HTTPMethod, _ target: String, _ session: TestApp.Session, host: String, _ body: String = "") throws
            -> HTTPResponse
        {
            let tenant = host.hasPrefix("globex") ? "globex" : "acmepaymentscorp"
            return try app.send(
                method, target,
                headers: [
                    "Host": host, "Content-Type": "application/json", "Accept": "application/json",
                    "Cookie": session.cookieHeader, "X-Csrf-Token_\(tenant)": session.csrf
                ], body: body)
        }
        let created = try send(.post, "/api/apis", hank, host: "globex.localhost:8080", APIWorld.createBody(name: "Globex API"))
        #expect(created.status == .ok, "\(created.text)")
        let globexAPI = try created.json()
        let globexAPIID = try #require(globexAPI["APIID"]?.stringValue)
        let globexVersion = try #require(globexAPI["LatestVersionID"]?.stringValue)
        #expect(globexAPIID.hasSuffix(".globex"))
        let acmeAPIID = try #require(
            try send(.post, "/api/apis", acme, host: "127.0.0.1:8080", APIWorld.createBody()).json()["APIID"]?.stringValue)
        // Acme's Site Admin neither sees Globex's API nor may contract for it.
        #expect(try send(.get, "/api/apis/\(globexAPIID)", acme, host: "127.0.0.1:8080").status == .notFound)
        let acmeApp =
            try send(.post, "/api/apps", acme, host: "127.0.0.1:8080", #"{"Name":"Acme app"}"#).json()["DefaultVersionID"]?.stringValue
            ?? ""
        let crossTenant = try send(
            .post, "/api/contracts", acme, host: "127.0.0.1:8080",
            #"{"APIVersionID":"\#(globexVersion)","RuntimeID":"\#(acmeApp)","Environment":"Sandbox"}"#)
        #expect(crossTenant.status == .notFound)
        #expect(try send(.get, "/api/apis", hank, host: "globex.localhost:8080").json()["channel"]?["item"]?.arrayValue?.count == 1)
        // Globex's reset removes Globex's API only.
        #expect(try app.send(.post, "/_emulator/tenants/globex/reset").status == .ok)
        let count = try app.pool.read { db in try db.query("SELECT id FROM apis ORDER BY id").compactMap { try $0.string("id") } }
        #expect(count == [acmeAPIID])
    }

    @Test func badFixturesAreRefusedWhole() throws {
        let world = try APIWorld()
        let before = try world.counts()
        for body in [
            #"{"licenses":[{"Name":"x"}]}"#, #"{"licenses":[{"LicenseID":"x.othertenant"}]}"#,
            #"{"apis":[{"Name":"A","Versions":[{"Implementations":[{"ImplementationCode":"Beta"}]}]}]}"#,
            #"{"apis":[{"Name":"A","Admins":["nobody@acmepaymentscorp.com"]}]}"#,
            #"{"contracts":[{"APIVersionID":"a.acmepaymentscorp","RuntimeID":"b.acmepaymentscorp"}]}"#
        ] {
            let response = try world.app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: body)
            #expect(response.status == .badRequest, "\(body): \(response.text)")
        }
        #expect(try world.counts() == before)
    }

    @Test func checkpointsRollBackAPIsAndContracts() throws {
        let world = try APIWorld()
        let checkpoint = try world.app.send(.post, "/_emulator/checkpoints")
        #expect(checkpoint.status == .created, "\(checkpoint.text)")
        let id = try #require(try checkpoint.json()["id"]?.stringValue)
        let before = try world.counts()
        let (_, apiVersionID) = try world.createAPI()
        let appVersionID = try world.createApp(as: world.kim)
        #expect(try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID).status == .ok)
        #expect(try world.app.send(.post, "/_emulator/checkpoints/\(id)/rollback").status == .ok)
        #expect(try world.counts() == before)
        #expect(try world.count("apps") == 0)
    }
}
