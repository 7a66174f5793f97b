import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// `GET /api/apis/versions/{APIVersionID}/connectedapps` (akana help `apis/m_apis_getConnectedApps.htm`):
/// the RSS channel of the app versions with contracts with the API version, filtered by
/// `ActivatedOnly` and `Environment`, for whoever may read the API version.
@Suite struct ConnectedAppsTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    func path(_ apiVersionID: String, _ query: String = "") -> String {
        "/api/apis/versions/\(apiVersionID)/connectedapps" + (query.isEmpty ? "" : "?\(query)")
    }

    func items(_ response: HTTPResponse) throws -> [JSONValue] {
        try #require(response.status == .ok, "\(response.text)")
        return try response.json()["channel"]?["item"]?.arrayValue ?? []
    }

    /// Jane's public API (Sandbox auto-approved); Kim's app with an activated Sandbox contract; Bob's
    /// app with a pending Production contract. Returns (APIVersionID, Kim's AppVersionID, Bob's).
    func setUp(visibility: String = "Public") throws -> (String, String, String) {
        let (_, apiVersionID) = try world.createAPI(as: world.jane, visibility: visibility, sandboxAuto: true)
        let kims = try world.createApp(as: world.kim, name: "Kim's app")
        let bobs = try world.createApp(as: world.bob, name: "Bob's app")
        let sandbox = try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: kims)
        #expect(try sandbox.json()["State"] == .string(Contract.activated), "\(sandbox.text)")
        let production = try world.requestContract(
            as: world.bob, apiVersionID: apiVersionID, appVersionID: bobs, environment: "Production")
        #expect(try production.json()["State"] == .string("apicontract.status.pending_approval"), "\(production.text)")
        return (apiVersionID, kims, bobs)
    }

    @Test func anAppWithAnActivatedContractAppearsWithItsAppNamed() throws {
        let (apiVersionID, kims, bobs) = try setUp()
        let response = try world.get(path(apiVersionID), as: world.jane)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(try response.json()["channel"]?["title"] == .string("Connected apps"))
        let all = try items(response)
        #expect(all.map { $0["guid"]?["value"]?.stringValue ?? "" } == [kims, bobs])
        let item = try #require(all.first)
        #expect(item["title"] == .string("1.0"))
        let categories = try #require(item["category"]?.arrayValue).map {
            "\($0["domain"]?.stringValue ?? ""):\($0["value"]?.stringValue ?? "")"
        }
        #expect(categories.contains("uddi:soa.com:environment:Sandbox"))
        // What a dashboard reads: the app's reference, its first category's value "app" and the AppID.
        let reference = try #require(item["EntityReferences"]?["EntityReference"]?.arrayValue?.first)
        #expect(reference["Title"] == .string("Kim's app"))
        #expect(reference["Category"]?.arrayValue?.first?["value"] == .string("app"))
        let appID = try #require(reference["Guid"]?.stringValue)
        let versions = try world.get("/api/apps/\(appID)/versions", as: world.kim)
        #expect(try items(versions).map { $0["guid"]?["value"]?.stringValue ?? "" } == [kims])

        // XML: the same channel as RSS.
        let xml = try world.get(path(apiVersionID), as: world.jane, accept: "application/xml")
        #expect(xml.status == .ok)
        #expect(xml.text.contains("<rss version=\"2.0\"><channel><title>Connected apps</title>"))
        #expect(xml.text.contains("<EntityReferences><EntityReference><Title>Kim"))
    }

    @Test func activatedOnlyHidesAPendingContractAndEnvironmentFilters() throws {
        let (apiVersionID, kims, bobs) = try setUp()
        func guids(_ query: String) throws -> [String] {
            try items(try world.get(path(apiVersionID, query), as: world.jane)).map { $0["guid"]?["value"]?.stringValue ?? "" }
        }
        #expect(try guids("ActivatedOnly=true") == [kims])
        #expect(try guids("ActivatedOnly=false") == [kims, bobs])
        #expect(try guids("Environment=Production") == [bobs])
        #expect(try guids("Environment=sandbox") == [kims])
        #expect(try guids("Environment=Production&ActivatedOnly=true") == [])
        #expect(try guids("IncludeActions=true") == [kims, bobs])
    }

    @Test func anAppVersionWithTwoContractsIsOneItem() throws {
        let (apiVersionID, kims, _) = try setUp()
        let production = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: kims, environment: "Production")
        #expect(production.status == .ok, "\(production.text)")
        let all = try items(try world.get(path(apiVersionID), as: world.jane))
        #expect(all.count == 2)
        let environments = try #require(all.first?["category"]?.arrayValue).filter {
            $0["domain"] == .string("uddi:soa.com:environment")
        }.map { $0["value"]?.stringValue ?? "" }
        #expect(environments == ["Sandbox", "Production"])
    }

    @Test func anUnknownVersionIsNotFound() throws {
        let response = try world.get(path("no-such-version.acmepaymentscorp"), as: world.admin)
        #expect(response.status == .notFound)
        #expect(try response.json()["faultcode"] != nil)
    }

    /// "Must have Read permission for the resource": a private API's version is a 404 for a user who
    /// may not see it, the same as an unknown one; its admin, a Business Admin and a Site Admin read it.
    @Test func aCallerWhoMayNotSeeTheAPIGetsNotFound() throws {
        let (_, apiVersionID) = try world.createAPI(as: world.jane, visibility: "Private", sandboxAuto: true)
        let bobs = try world.createApp(as: world.bob, name: "Bob's app")
        #expect(try world.requestContract(as: world.bob, apiVersionID: apiVersionID, appVersionID: bobs).status == .ok)
        let hidden = try world.get(path(apiVersionID), as: world.kim)
        #expect(hidden.status == .notFound)
        for session in [world.jane, world.bob, world.admin] {
            #expect(try items(try world.get(path(apiVersionID), as: session)).map { $0["guid"]?["value"]?.stringValue ?? "" } == [bobs])
        }
        #expect(try world.app.send(.get, path(apiVersionID), headers: ["Accept": "application/json"]).status == .unauthorized)
    }

    @Test func badQueryValuesAreBadRequests() throws {
        let (apiVersionID, _, _) = try setUp()
        for query in ["ActivatedOnly=yes", "Environment=Staging", "Environment=", "IncludeActions=maybe"] {
            let response = try world.get(path(apiVersionID, query), as: world.jane)
            #expect(response.status == .badRequest, "\(query): \(response.text)")
        }
    }
}
