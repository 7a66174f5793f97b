import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// `type:api` in GET /api/search, and an app's Connections (its contracts) in the app results.
@Suite struct APISearchTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    func items(_ query: String, as session: TestApp.Session?) throws -> [JSONValue] {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let session { headers.add("Cookie", session.cookieHeader) }
        let response = try world.app.send(.get, "/api/search?\(query)", headers: headers)
        try #require(response.status == .ok, "\(query): \(response.text)")
        return try response.json()["channel"]?["item"]?.arrayValue ?? []
    }

    func titles(_ query: String, as session: TestApp.Session?) throws -> [String] {
        try items(query, as: session).compactMap { $0["title"]?.stringValue }
    }

    @Test func apisAreSearchableAsTheirReadersMaySeeThem() throws {
        let (publicID, _) = try world.createAPI(as: world.jane, name: "ACME Payments")
        _ = try world.createAPI(as: world.jane, name: "Secret Ledger", visibility: "Limited")
        let query = "q=type:api&sortBy=com.soa.sort.order.alphabetical"
        // Jane administers both; Kim and anonymous callers see the Public one; admins see all.
        #expect(try titles(query, as: world.jane) == ["ACME Payments", "Secret Ledger"])
        #expect(try titles(query, as: world.kim) == ["ACME Payments"])
        #expect(try titles(query, as: nil) == ["ACME Payments"])
        #expect(try titles(query, as: world.bob) == ["ACME Payments", "Secret Ledger"])
        // Free words and ids reach APIs too; other types do not list them.
        #expect(try titles("q=ledger", as: world.jane) == ["Secret Ledger"])
        #expect(try titles("q=ledger", as: world.kim).isEmpty)
        let item = try #require(try items("q=\(publicID)", as: world.kim).first)
        #expect(item["guid"]?["value"]?.stringValue == publicID)
        let categories = item["category"]?.arrayValue ?? []
        #expect(categories.contains { $0["domain"]?.stringValue == "uddi:soa.com:resourcetype" && $0["value"]?.stringValue == "api" })
        #expect(try titles("q=type:app", as: world.jane).allSatisfy { $0 != "ACME Payments" })
    }

    @Test func anAppsConnectionsAreItsContracts() throws {
        let (_, apiVersionID) = try world.createAPI(as: world.jane)
        let appVersionID = try world.createApp(as: world.jane, name: "Crosfhocal")
        func connections() throws -> Int64? {
            try items("q=type:app", as: world.jane).first { $0["title"]?.stringValue == "Crosfhocal" }?["Connections"]?.intValue
        }
        #expect(try connections() == 0)
        let requested = try world.requestContract(as: world.jane, apiVersionID: apiVersionID, appVersionID: appVersionID)
        try #require(requested.status == .ok, "\(requested.text)")
        #expect(try connections() == 1)
    }
}
