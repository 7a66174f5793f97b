import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import JSONCodec
import Testing

@testable import AkanaAPI

/// The policy catalogue (help `policies/m_policies_getPoliciesList.htm`) and attaching policies to
/// implementations and operations (`apis/m_apis_modifyAPIImplementationPolicies.htm`,
/// `apis/m_apis_getAPIImplementationPolicies.htm`).
@Suite struct PolicyRoutesTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    static let security = "acmepaymentscorp-AtmosphereApplicationSecurityPolicy"
    static let auditing = "acmepaymentscorp-DetailedAuditing"

    func put(_ path: String, as session: TestApp.Session, body: String, accept: String = "application/vnd.soa.v81+json") throws
        -> HTTPResponse
    {
        try world.app.send(
            .put, path, headers: TestApp.headers(session, ["Content-Type": "application/vnd.soa.v81+json", "Accept": accept]),
            body: body)
    }

    func items(_ response: HTTPResponse) throws -> [JSONValue] {
        try #require(response.status == .ok, "\(response.text)")
        return try response.json()["channel"]?["item"]?.arrayValue ?? []
    }

    /// What rwctl's `policies list "Operational Policy"` sends and reads: the RSS items' guid.value
    /// (PolicyKey), title, category[0] (sub-type) and category[1] (type).
    @Test func rwctlListsOperationalPolicies() throws {
        let response = try world.get("/api/policies?Type=Operational%20Policy", as: world.kim, accept: "application/json")
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(try response.json()["channel"]?["title"] == .string("Policies"))
        let list = try items(response)
        #expect(list.count > 1)
        #expect(list.allSatisfy { $0["category"]?.arrayValue?[1]["value"] == .string("Operational Policy") })
        let security = try #require(list.first { $0["guid"]?["value"] == .string(Self.security) })
        #expect(security["title"] == .string("AtmosphereApplicationSecurityPolicy"))
        #expect(security["category"]?.arrayValue?[0]["value"] == .string("policy.apisec"))
        #expect(list.contains { $0["guid"]?["value"] == .string(Self.auditing) })
    }

    @Test func typesFilterAndTheVendorTypesChooseTheForm() throws {
        let all = try items(try world.get("/api/policies", as: world.jane))
        let types = Set(all.compactMap { $0["category"]?.arrayValue?[1]["value"]?.stringValue })
        #expect(types == Set(Policy.types))
        let two = try items(try world.get("/api/policies?Type=Service%20Level%20Policy&Type=Compliance%20Policy", as: world.jane))
        #expect(two.count == 2)
        #expect(try items(try world.get("/api/policies?Type=Nonsense", as: world.jane)).isEmpty)
        let v81 = try world.get("/api/policies", as: world.jane, accept: "application/vnd.soa.v81+json")
        #expect(v81.headers["Content-Type"] == "application/vnd.soa.v81+json")
        #expect(try items(v81).count == all.count)
        let v2020 = try world.get("/api/policies?Type=Operational%20Policy", as: world.jane, accept: "application/vnd.akana.v2020+json")
        #expect(v2020.status == .ok)
        let objects = try #require(try v2020.json()["Policy"]?.arrayValue)
        #expect(objects.first?["PolicyKey"] == .string(Self.security))
        #expect(objects.first?["PolicyType"] == .string("Operational Policy"))
        #expect(objects.first?["PolicySubType"] == .string("policy.apisec"))
        let xml = try world.get("/api/policies", as: world.jane, accept: "application/xml")
        #expect(xml.text.contains("<guid>\(Self.security)</guid>"))
        #expect(try world.app.send(.get, "/api/policies", headers: ["Accept": "application/json"]).status == .unauthorized)
        #expect(try world.get("/api/policies?IncludeInactivePolicies=perhaps", as: world.jane).status == .badRequest)
    }

    @Test func onePolicyByKey() throws {
        let response = try world.get("/api/policies/\(Self.auditing)", as: world.kim)
        #expect(response.status == .ok, "\(response.text)")
        let json = try response.json()
        #expect(json["Name"] == .string("DetailedAuditing"))
        #expect(json["PolicySubType"] == .string("policy.auditservice"))
        #expect(json["Active"] == .bool(true))
        #expect(try world.get("/api/policies/othertenant-DetailedAuditing", as: world.kim).status == .notFound)
    }

    @Test func fixturePoliciesJoinTheCatalogue() throws {
        let document = try FixtureDocument.parse(
            Array(
                #"""
                {"tenant": "acmepaymentscorp",
                 "policies": [
                   {"PolicyKey": "acmepaymentscorp-TravelportAppID", "Name": "Travelport AppID", "PolicyType": "Operational Policy",
                    "PolicySubType": "policy.apisec", "Description": "App ID check"},
                   {"Name": "Retired", "PolicyType": "Service Level Policy", "Active": false, "BusinessID": "tenantbusiness.acmepaymentscorp"}]}
                """#.utf8), source: "test")
        let world = try APIWorld(fixtures: [document])
        let operational = try items(try world.get("/api/policies?Type=Operational%20Policy", as: world.jane))
        let added = try #require(operational.first { $0["title"] == .string("Travelport AppID") })
        #expect(added["guid"]?["value"] == .string("acmepaymentscorp-TravelportAppID"))
        let sla = "/api/policies?Type=Service%20Level%20Policy"
        #expect(try items(try world.get(sla, as: world.jane)).count == 1)
        #expect(try items(try world.get(sla + "&IncludeInactivePolicies=true", as: world.jane)).count == 2)
        #expect(try items(try world.get(sla + "&IncludeInactivePolicies=true&BusinessID=other", as: world.jane)).count == 1)
        let retired = try world.get("/api/policies/acmepaymentscorp-Retired", as: world.jane).json()
        #expect(retired["Active"] == .bool(false))
        #expect(retired["BusinessID"] == .string("tenantbusiness.acmepaymentscorp"))
    }

    /// A version with two operations (as helper C's parser would store them from its document).
    func versionWithOperations() throws -> String {
        let (_, versionID) = try world.createAPI(as: world.jane)
        try world.app.pool.write(in: .detached) { db in
            try APIRepository.replaceOperations(
                db, apiVersionID: versionID,
                [
                    APIOperation(name: "addPet", method: "POST", path: "/pet", description: "Add a pet"),
                    APIOperation(name: "deletePet", method: "DELETE", path: "/pet/{petId}", description: "")
                ])
        }
        return versionID
    }

    static func attachBody(operation: String = "addPet", key: String = auditing) -> String {
        #"""
        {"Policy":[{"PolicyKey":"\#(security)","Name":"AtmosphereApplicationSecurityPolicy","Description":"","PolicyType":"Operational Policy","PolicySubType":"policy.apisec"}],
         "ApiOperationPolicy":[{"Operation":{"Name":"\#(operation)","Method":"POST","Path":"/pet"},
                                "Policy":[{"PolicyKey":"\#(key)","Name":"DetailedAuditing","PolicyType":"Operational Policy","PolicySubType":"policy.auditservice"}]}]}
        """#
    }

    @Test func thePipelineAttachesPoliciesAndReadsThemBack() throws {
        let versionID = try versionWithOperations()
        // The pipeline names the implementation in lower case.
        let path = "/api/apis/versions/\(versionID)/implementations/live/policies"
        let response = try put(path, as: world.jane, body: Self.attachBody())
        #expect(response.status == .ok, "\(response.text)")
        let read = try world.get(path, as: world.kim, accept: "application/json, text/javascript, */*; q=0.01")
        #expect(read.status == .ok)
        let json = try read.json()
        #expect(json == (try response.json()))
        #expect(json["Policy"]?.arrayValue?.map { $0["PolicyKey"]?.stringValue ?? "" } == [Self.security])
        #expect(json["Policy"]?.arrayValue?.first?["PolicySubType"] == .string("policy.apisec"))
        let operation = try #require(json["ApiOperationPolicy"]?.arrayValue?.first)
        #expect(operation["Operation"]?["Name"] == .string("addPet"))
        #expect(operation["Operation"]?["Path"] == .string("/pet"))
        #expect(operation["Policy"]?.arrayValue?.map { $0["PolicyKey"]?.stringValue ?? "" } == [Self.auditing])
        // The APIImplementation object shows the implementation's own policies.
        let implementation = try world.get("/api/apis/versions/\(versionID)/implementations/Live", as: world.jane).json()
        #expect(
            implementation["Policies"]?["Policy"]?.arrayValue?.map { $0["Name"]?.stringValue ?? "" } == [
                "AtmosphereApplicationSecurityPolicy"
            ])
        // The Sandbox implementation has none.
        let sandbox = try world.get("/api/apis/versions/\(versionID)/implementations/Sandbox/policies", as: world.jane).json()
        #expect(sandbox["Policy"] == .array([]))

        // PUT replaces.
        let replaced = try put(path, as: world.jane, body: #"{"Policy":[{"PolicyKey":"\#(Self.auditing)"}]}"#)
        #expect(try replaced.json()["Policy"]?.arrayValue?.map { $0["PolicyKey"]?.stringValue ?? "" } == [Self.auditing])
        #expect(try replaced.json()["ApiOperationPolicy"] == .array([]))
    }

    @Test func anUnknownPolicyOrOperationIsABadRequestThatChangesNothing() throws {
        let versionID = try versionWithOperations()
        let path = "/api/apis/versions/\(versionID)/implementations/Live/policies"
        #expect(try put(path, as: world.jane, body: Self.attachBody()).status == .ok)
        let before = try world.get(path, as: world.jane).json()
        for body in [
            Self.attachBody(key: "acmepaymentscorp-NoSuchPolicy"), Self.attachBody(operation: "findPets"),
            #"{"Policy":[{"PolicyKey":"othertenant-DetailedAuditing"}]}"#, #"{"Policy":[{"Name":"DetailedAuditing"}]}"#,
            #"{"Policy":"acmepaymentscorp-DetailedAuditing"}"#, #"{"ApiOperationPolicy":[{"Policy":[]}]}"#,
            #"{"ApiOperationPolicy":[{"Operation":{"Name":"addPet"}},{"Operation":{"Name":"addPet"}}]}"#
        ] {
            let response = try put(path, as: world.jane, body: body)
            #expect(response.status == .badRequest, "\(body): \(response.text)")
            #expect(try response.json()["faultcode"] != nil)
        }
        #expect(try world.get(path, as: world.jane).json() == before)
        #expect(try put(path, as: world.kim, body: Self.attachBody()).status == .forbidden)
        // A version the caller may not read: "limited (or empty) results", as for one that does not exist.
        let (_, hidden) = try world.createAPI(as: world.jane, name: "Hidden", visibility: "Limited")
        #expect(
            try put("/api/apis/versions/\(hidden)/implementations/Live/policies", as: world.jane, body: Self.attachBody(operation: "x"))
                .status == .badRequest)
        #expect(
            try put(
                "/api/apis/versions/\(hidden)/implementations/Live/policies", as: world.jane,
                body: #"{"Policy":[{"PolicyKey":"\#(Self.security)"}]}"#
            ).status == .ok)
        for target in [hidden, "nothing.acmepaymentscorp"] {
            let empty = try world.get("/api/apis/versions/\(target)/implementations/Live/policies", as: world.kim)
            #expect(empty.status == .ok)
            #expect(try empty.json()["Policy"] == .array([]))
        }
        #expect(
            try world.get("/api/apis/versions/\(hidden)/implementations/Live/policies", as: world.jane).json()["Policy"]?.arrayValue?.count
                == 1)
        #expect(try world.get("/api/apis/versions/\(versionID)/implementations/Staging/policies", as: world.kim).status == .notFound)
        #expect(try put("/api/apis/versions/\(versionID)/implementations/Staging/policies", as: world.jane, body: "{}").status == .notFound)
    }

    @Test func aCheckpointRollbackUndoesAnAttach() throws {
        let versionID = try versionWithOperations()
        let path = "/api/apis/versions/\(versionID)/implementations/Live/policies"
        let checkpoint = try world.app.send(.post, "/_emulator/checkpoints")
        let id = try #require(try checkpoint.json()["id"]?.stringValue)
        #expect(try put(path, as: world.jane, body: Self.attachBody()).status == .ok)
        #expect(try world.count("api_implementation_policies") == 2)
        let journal = try world.app.send(.get, "/_emulator/requests?limit=1").text
        #expect(journal.contains(versionID), "\(journal)")
        #expect(try world.app.send(.post, "/_emulator/checkpoints/\(id)/rollback").status == .ok)
        #expect(try world.count("api_implementation_policies") == 0)
        #expect(try world.get(path, as: world.jane).json()["Policy"] == .array([]))
    }

    /// XML bodies and answers: a single Policy element is a list of one, two are two.
    @Test func policiesAttachAndReadAsXML() throws {
        let versionID = try versionWithOperations()
        let path = "/api/apis/versions/\(versionID)/implementations/Live/policies"
        let one = try world.app.send(
            .put, path, headers: TestApp.headers(world.jane, ["Content-Type": "application/xml", "Accept": "application/xml"]),
            body: "<APIImplementationPolicies><Policy><PolicyKey>\(Self.security)</PolicyKey></Policy></APIImplementationPolicies>")
        #expect(one.status == .ok, "\(one.text)")
        #expect(one.text.contains("<APIImplementationPolicies><Policy><PolicyKey>\(Self.security)</PolicyKey>"), "\(one.text)")
        let two = try world.app.send(
            .put, path, headers: TestApp.headers(world.jane, ["Content-Type": "application/xml", "Accept": "application/json"]),
            body:
                "<APIImplementationPolicies><Policy><PolicyKey>\(Self.security)</PolicyKey></Policy><Policy><PolicyKey>\(Self.auditing)</PolicyKey></Policy>"
                + "<ApiOperationPolicy><Operation><Name>deletePet</Name></Operation><Policy><PolicyKey>\(Self.auditing)</PolicyKey></Policy></ApiOperationPolicy>"
                + "</APIImplementationPolicies>")
        #expect(two.status == .ok, "\(two.text)")
        let json = try two.json()
        #expect(json["Policy"]?.arrayValue?.count == 2)
        #expect(json["ApiOperationPolicy"]?.arrayValue?.first?["Operation"]?["Path"] == .string("/pet/{petId}"))
    }

    /// A version cloned with its implementations carries their policies.
    @Test func aCloneWithImplementationsCarriesTheirPolicies() throws {
        let (apiID, versionID) = try world.createAPI()
        let attach = try put(
            "/api/apis/versions/\(versionID)/implementations/Sandbox/policies", as: world.jane,
            body: #"{"Policy":[{"PolicyKey":"\#(Self.security)"},{"PolicyKey":"\#(Self.auditing)"}]}"#)
        #expect(attach.status == .ok, "\(attach.text)")
        let cloned = try world.post(
            "/api/apis/\(apiID)/versions", as: world.jane,
            body:
                #"{"APIVersionInfo":{"Name":"2.0"},"CloneAPIVersionRequest":{"SourceAPIVersionID":"\#(versionID)","CloneDesign":true,"CloneImplementations":true}}"#
        )
        #expect(cloned.status == .ok, "\(cloned.text)")
        let cloneID = try #require(try cloned.json()["APIVersionID"]?.stringValue)
        let policies = try world.get("/api/apis/versions/\(cloneID)/implementations/Sandbox/policies", as: world.jane).json()
        #expect(policies["Policy"]?.arrayValue?.compactMap { $0["PolicyKey"]?.stringValue } == [Self.security, Self.auditing])
        let live = try world.get("/api/apis/versions/\(cloneID)/implementations/Live/policies", as: world.jane).json()
        #expect(live["Policy"]?.arrayValue?.isEmpty != false)
    }

    /// Fixtures attach policies to an implementation (a policy the same document adds, and a
    /// built-in one); a key that is no policy of the tenant is refused with its element's path.
    @Test func fixturesAttachPoliciesToImplementations() throws {
        let text = #"""
            {"tenant": "acmepaymentscorp",
             "policies": [{"PolicyKey": "acmepaymentscorp-TravelportAppID", "Name": "Travelport AppID", "PolicyType": "Operational Policy"}],
             "apis": [{"Name": "Fixture Offers", "Versions": [{"APIVersionID": "offers-v1.acmepaymentscorp", "Name": "1.0",
                        "Implementations": [{"ImplementationCode": "Live", "TargetEndpointURL": ["http://live.example.com"],
                                             "Policies": ["acmepaymentscorp-TravelportAppID", "acmepaymentscorp-DetailedAuditing"]}]}]}]}
            """#
        let world = try APIWorld(fixtures: [try FixtureDocument.parse(Array(text.utf8), source: "test")])
        let attached = try world.get("/api/apis/versions/offers-v1.acmepaymentscorp/implementations/Live/policies", as: world.admin).json()
        #expect(
            attached["Policy"]?.arrayValue?.compactMap { $0["PolicyKey"]?.stringValue } == [
                "acmepaymentscorp-TravelportAppID", Self.auditing
            ])
        let unknown = text.replacingOccurrences(of: "acmepaymentscorp-DetailedAuditing", with: "acmepaymentscorp-NoSuchPolicy")
        #expect(throws: (any Error).self) {
            _ = try APIWorld(fixtures: [try FixtureDocument.parse(Array(unknown.utf8), source: "test")])
        }
    }
}
