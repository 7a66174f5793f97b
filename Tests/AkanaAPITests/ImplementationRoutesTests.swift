import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import JSONCodec
import Testing

@testable import AkanaAPI

/// An API version's implementations (help `apis/m_apis_addAPIImplementation.htm`,
/// `m_apis_getAPIImplementation.htm`, `m_apis_updateAPIImplementationInfo.htm`,
/// `m_apis_findAPIImplementations.htm`; object `obj/o_apis_APIImplementation.htm`).
@Suite struct ImplementationRoutesTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    /// What `apis create NAME` makes: an API whose version has only a Live implementation without endpoint.
    func createLiveOnlyAPI(as session: TestApp.Session? = nil, visibility: String = "Public") throws -> (String, String) {
        let response = try world.post(
            "/api/apis", as: session ?? world.jane,
            body:
                #"{"APIVersionInfo":{"Name":"Pets","Visibility":"\#(visibility)"},"AddAPIImplementationRequest":{"ImplementationCode":"Live","CreateMechanism":"PROXY"}}"#
        )
        try #require(response.status == .ok, "\(response.text)")
        let json = try response.json()
        return (try #require(json["APIID"]?.stringValue), try #require(json["LatestVersionID"]?.stringValue))
    }

    /// The deployment pipeline's body (`create_sandbox_impl`): an empty TargetEndpointURL list.
    static func pipelineBody(_ apiVersionID: String) -> String {
        #"{"ImplementationCode":"Sandbox","Description":"Sandbox implementation.","CreateMechanism":"PROXY","ProxyImplementationRequest":{"TargetEndpointURL":[]},"APIVersionID":"\#(apiVersionID)"}"#
    }

    func put(_ path: String, as session: TestApp.Session, body: String, accept: String = "application/json") throws -> HTTPResponse {
        try world.app.send(
            .put, path, headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": accept]), body: body)
    }

    @Test func thePipelinesSandboxImplementationIsAddedAndReadBack() throws {
        let (_, versionID) = try createLiveOnlyAPI()
        let response = try world.post(
            "/api/apis/versions/\(versionID)/implementations", as: world.jane, body: Self.pipelineBody(versionID),
            accept: "application/vnd.soa.v81+json, text/javascript, */*; q=0.01", contentType: "application/vnd.soa.v81+json")
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/vnd.soa.v81+json")
        let created = try response.json()
        #expect(
            created.objectMembers?.map(\.0) == [
                "Environment", "Name", "ImplementationCode", "Description", "Pattern", "AccessPoints", "Endpoints", "Policies",
                "AnonymousAccessAllowed", "EndpointAccessAutoApproved", "APIVersionID"
            ])
        #expect(created["Environment"] == .string("Sandbox"))
        #expect(created["ImplementationCode"] == .string("Sandbox"))
        #expect(created["Description"] == .string("Sandbox implementation."))
        #expect(created["Pattern"] == .string("com.akana.pattern.proxy"))
        #expect(created["Name"] == .string("Pets (1.0) Sandbox"))
        #expect(created["Endpoints"]?["Endpoint"] == .array([]))
        #expect(created["AccessPoints"] == .array([]))
        #expect(created["Policies"]?["Policy"] == .array([]))

        let read = try world.get("/api/apis/versions/\(versionID)/implementations/Sandbox", as: world.kim)
        #expect(read.status == .ok, "\(read.text)")
        #expect(try read.json() == created)
        // The version lists both implementations' settings now.
        let version = try world.get("/api/apis/versions/\(versionID)", as: world.jane).json()
        #expect(version["SandboxEndpointAccessAutoApproved"] == .bool(false))
    }

    @Test func anImplementationWithEndpointsAndTheOrchestrationPattern() throws {
        let (_, versionID) = try createLiveOnlyAPI()
        let response = try world.post(
            "/api/apis/versions/\(versionID)/implementations", as: world.jane,
            body:
                #"{"ImplementationCode":"Sandbox","CreateMechanism":"ORCHESTRATION","ProxyImplementationRequest":{"TargetEndpointURL":["http://sbox.example.com/pets"]}}"#
        )
        #expect(response.status == .ok, "\(response.text)")
        let json = try response.json()
        #expect(json["Pattern"] == .string("com.akana.pattern.orchestration"))
        let endpoint = try #require(json["Endpoints"]?["Endpoint"]?.arrayValue?.first)
        #expect(endpoint["Uri"] == .string("http://sbox.example.com/pets"))
        #expect(endpoint["Category"] == .string("Sandbox"))
        // The pipeline names the implementation in lower case.
        let lower = try world.get("/api/apis/versions/\(versionID)/implementations/sandbox", as: world.jane)
        #expect(try lower.json()["ImplementationCode"] == .string("Sandbox"))
        // XML.
        let xml = try world.get("/api/apis/versions/\(versionID)/implementations/Sandbox", as: world.jane, accept: "application/xml")
        #expect(xml.status == .ok)
        #expect(xml.text.contains("<APIImplementation><Environment>Sandbox</Environment>"), "\(xml.text)")
        #expect(xml.text.contains("<Uri>http://sbox.example.com/pets</Uri>"))
    }

    @Test func addingACodeTheVersionHasIsAConflictThatChangesNothing() throws {
        let (_, versionID) = try createLiveOnlyAPI()
        let before = try world.counts()
        let response = try world.post(
            "/api/apis/versions/\(versionID)/implementations", as: world.jane,
            body: #"{"ImplementationCode":"Live","CreateMechanism":"PROXY"}"#)
        #expect(response.status == .conflict, "\(response.text)")
        #expect(try response.json()["faultcode"] != nil)
        #expect(try world.counts() == before)
    }

    @Test func badBodiesAreBadRequestsThatChangeNothing() throws {
        let (_, versionID) = try createLiveOnlyAPI()
        let before = try world.counts()
        for body in [
            #"{"CreateMechanism":"PROXY"}"#, #"{"ImplementationCode":"Staging"}"#,
            #"{"ImplementationCode":"Sandbox","CreateMechanism":"MAGIC"}"#,
            #"{"ImplementationCode":"Sandbox","ProxyImplementationRequest":{"TargetEndpointURL":["ftp://x"]}}"#,
            #"{"ImplementationCode":"Sandbox","APIVersionID":"other.acmepaymentscorp"}"#, "[]", #"{"ImplementationCode":5}"#
        ] {
            let response = try world.post("/api/apis/versions/\(versionID)/implementations", as: world.jane, body: body)
            #expect(response.status == .badRequest, "\(body): \(response.text)")
        }
        #expect(try world.counts() == before)
    }

    @Test func onlyTheAPIsAdminsChangeAndHiddenVersionsAreNotFound() throws {
        let (_, versionID) = try createLiveOnlyAPI()
        let path = "/api/apis/versions/\(versionID)/implementations"
        #expect(try world.post(path, as: world.kim, body: Self.pipelineBody(versionID)).status == .forbidden)
        #expect(try world.post(path, as: world.bob, body: Self.pipelineBody(versionID)).status == .ok)
        let (_, hiddenID) = try createLiveOnlyAPI(visibility: "Limited")
        #expect(try world.get("/api/apis/versions/\(hiddenID)/implementations/Live", as: world.kim).status == .notFound)
        #expect(try world.get("/api/apis/versions/\(hiddenID)/implementations/Live", as: world.jane).status == .ok)
        #expect(try world.get("/api/apis/versions/\(versionID)/implementations/Staging", as: world.jane).status == .notFound)
        #expect(try world.get("/api/apis/versions/nothing.acmepaymentscorp/implementations/Live", as: world.admin).status == .notFound)
    }

    @Test func infoSetsAnonymousAccessAutoApprovalAndPatternAndKeepsTheRest() throws {
        let (_, versionID) = try world.createAPI(as: world.jane)
        let path = "/api/apis/versions/\(versionID)/implementations/Sandbox/info"
        let response = try put(path, as: world.jane, body: #"{"AnonymousAccessAllowed":true,"EndpointAccessAutoApproved":true}"#)
        #expect(response.status == .ok, "\(response.text)")
        let json = try response.json()
        #expect(json["AnonymousAccessAllowed"] == .bool(true))
        #expect(json["EndpointAccessAutoApproved"] == .bool(true))
        #expect(json["Pattern"] == .string("com.akana.pattern.proxy"))
        #expect(json["Endpoints"]?["Endpoint"]?.arrayValue?.count == 1)
        let described = try put(
            path, as: world.jane, body: #"{"Description":"Swagger Slim Version","Pattern":"com.akana.pattern.orchestration"}"#)
        #expect(try described.json()["Description"] == .string("Swagger Slim Version"))
        #expect(try described.json()["Pattern"] == .string("com.akana.pattern.orchestration"))
        #expect(try described.json()["AnonymousAccessAllowed"] == .bool(true))
        // EndpointAccessAutoApproved drives contracts: a Sandbox contract is approved at once now.
        let app = try world.createApp(as: world.kim)
        let contract = try world.requestContract(as: world.kim, apiVersionID: versionID, appVersionID: app)
        #expect(try contract.json()["State"] == .string(Contract.activated), "\(contract.text)")

        #expect(try put(path, as: world.kim, body: #"{"Description":"x"}"#).status == .forbidden)
        for body in [#"{"Pattern":"proxy"}"#, #"{"AnonymousAccessAllowed":"sometimes"}"#, #"{"Description":7}"#, "[1]"] {
            #expect(try put(path, as: world.jane, body: body).status == .badRequest, "\(body)")
        }
    }

    @Test func findListsTheImplementationsTheCallerMaySee() throws {
        let (apiID, versionID) = try world.createAPI(as: world.jane)
        let (_, otherID) = try createLiveOnlyAPI()
        let (_, hiddenID) = try createLiveOnlyAPI(visibility: "Limited")
        func found(_ query: String, as session: TestApp.Session) throws -> [String] {
            let response = try world.get("/api/apis/versions/implementations\(query)", as: session)
            try #require(response.status == .ok, "\(query): \(response.text)")
            return (try response.json()["APIImplementation"]?.arrayValue ?? []).map {
                "\($0["APIVersionID"]?.stringValue ?? ""):\($0["ImplementationCode"]?.stringValue ?? "")"
            }
        }
        #expect(try found("?APIVersionID=\(versionID)", as: world.kim) == ["\(versionID):Sandbox", "\(versionID):Live"])
        #expect(try found("?APIID=\(apiID)&ImplementationCode=live", as: world.kim) == ["\(versionID):Live"])
        #expect(try Set(found("", as: world.kim)) == ["\(versionID):Sandbox", "\(versionID):Live", "\(otherID):Live"])
        #expect(try found("", as: world.jane).contains("\(hiddenID):Live"))
        #expect(try found("?APIVersionID=\(hiddenID)", as: world.kim) == [])
        #expect(try found("?ServiceKey=uddi:f1ebef06", as: world.jane) == [])
        #expect(try world.get("/api/apis/versions/implementations?ImplementationCode=Staging", as: world.jane).status == .badRequest)
    }

    /// The columns 0014 adds to api_implementations are undone like the others: a checkpoint taken
    /// before an added implementation and a changed pattern rolls both back.
    @Test func aCheckpointRollbackUndoesAnAddedImplementationAndItsInfo() throws {
        let (_, versionID) = try createLiveOnlyAPI()
        let checkpoint = try world.app.send(.post, "/_emulator/checkpoints")
        let id = try #require(try checkpoint.json()["id"]?.stringValue)
        #expect(
            try world.post("/api/apis/versions/\(versionID)/implementations", as: world.jane, body: Self.pipelineBody(versionID)).status
                == .ok)
        let info = "/api/apis/versions/\(versionID)/implementations/Live/info"
        #expect(
            try put(info, as: world.jane, body: #"{"Pattern":"com.akana.pattern.physical","AnonymousAccessAllowed":true}"#).status == .ok)
        #expect(try world.app.send(.post, "/_emulator/checkpoints/\(id)/rollback").status == .ok)
        #expect(try world.get("/api/apis/versions/\(versionID)/implementations/Sandbox", as: world.jane).status == .notFound)
        let live = try world.get("/api/apis/versions/\(versionID)/implementations/Live", as: world.jane).json()
        #expect(live["Pattern"] == .string("com.akana.pattern.proxy"))
        #expect(live["AnonymousAccessAllowed"] == .bool(false))
    }

    @Test func fixtureImplementationsCarryPatternAndAnonymousAccess() throws {
        let document = try FixtureDocument.parse(
            Array(
                #"""
                {"tenant": "acmepaymentscorp",
                 "apis": [{"Name": "Fixture API", "Versions": [{"APIVersionID": "fixture-v1.acmepaymentscorp", "Name": "1.0",
                   "Implementations": [{"ImplementationCode": "Live", "Pattern": "com.akana.pattern.orchestration",
                                        "CreateMechanism": "ORCHESTRATION", "AnonymousAccessAllowed": true}]}]}]}
                """#.utf8), source: "test")
        let world = try APIWorld(fixtures: [document])
        let live = try world.get("/api/apis/versions/fixture-v1.acmepaymentscorp/implementations/Live", as: world.admin).json()
        #expect(live["Pattern"] == .string("com.akana.pattern.orchestration"))
        #expect(live["AnonymousAccessAllowed"] == .bool(true))
        let bad = #"{"apis": [{"Name": "X", "Versions": [{"Name": "1", "Implementations": [{"Pattern": "proxy"}]}]}]}"#
        #expect(throws: DomainError.self) { try FixtureDocument.parse(Array(bad.utf8), source: "bad") }
    }
}
