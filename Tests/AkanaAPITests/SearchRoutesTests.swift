import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

/// GET /api/search and GET /api/apps/versions?Identity=….
@Suite struct SearchRoutesTests {
    let app: TestApp
    let admin: TestApp.Session
    let jane: TestApp.Session
    let kim: TestApp.Session

    init() throws {
        app = try TestApp(users: [
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.jane, password: "password", name: "Jane", roles: []),
            SeedUser(tenant: "acmepaymentscorp", email: "kim@acmepaymentscorp.com", password: "password", name: "Kim", roles: [])
        ])
        admin = try app.login()
        jane = try app.login(TestApp.jane)
        kim = try app.login("kim@acmepaymentscorp.com")
    }

    @discardableResult
    func createApp(_ name: String, visibility: String = "Public", summary: String = "Crossword puzzle app", as session: TestApp.Session)
        throws -> String
    {
        let body = AppRoutesTests.createBody.replacingOccurrences(of: "Crosfhocal", with: name)
            .replacingOccurrences(of: #""Visibility":"Public""#, with: #""Visibility":"\#(visibility)""#)
            .replacingOccurrences(of: "Crossword puzzle app for Android phones and iPhones", with: summary)
            .replacingOccurrences(of: "Crossword puzzle app\"", with: "\(summary)\"")
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]), body: body)
        try #require(created.status == .ok)
        return created.text
    }

    func search(_ query: String, as session: TestApp.Session?, accept: String = "application/json") throws -> HTTPResponse {
        var headers: HTTPHeaders = ["Accept": accept]
        if let session { headers.add("Cookie", session.cookieHeader) }
        return try app.send(.get, "/api/search?\(query)", headers: headers)
    }

    func titles(_ query: String, as session: TestApp.Session?) throws -> [String] {
        let response = try search(query, as: session)
        try #require(response.status == .ok, "\(query): \(response.text)")
        return try response.json()["channel"]?["item"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
    }

    @Test func listAppsAsRwctlDoesShowsWhatTheCallerMaySee() throws {
        let crosfhocal = try createApp("Crosfhocal", as: jane)
        try createApp("anagrams", as: jane)
        try createApp("Secret Sudoku", visibility: "Limited", as: jane)
        try createApp("Members Only", visibility: "com.soa.visibility.registered.users", as: admin)
        let rwctl = "q=type:app&sortBy=com.soa.sort.order.alphabetical&count=20&start=0"
        // Jane: her three apps and the registered-users one, alphabetically (case-insensitive).
        #expect(try titles(rwctl, as: jane) == ["anagrams", "Crosfhocal", "Members Only", "Secret Sudoku"])
        // Kim is off the team: not the Limited app. Anonymous: Public apps only.
        #expect(try titles(rwctl, as: kim) == ["anagrams", "Crosfhocal", "Members Only"])
        #expect(try titles(rwctl, as: nil) == ["anagrams", "Crosfhocal"])
        #expect(try titles(rwctl, as: admin).count == 4)
        // The item as rwctl reads it.
        let item = try #require(try search(rwctl, as: jane).json()["channel"]?["item"]?.arrayValue?[1])
        #expect(
            item.objectMembers?.map(\.0) == ["title", "description", "guid", "category", "pubDate", "Connections", "Followers", "Rating"])
        #expect(item["guid"]?["value"]?.stringValue == crosfhocal)
        #expect(
            item["category"]?.arrayValue?.contains {
                $0["domain"] == .string("uddi:soa.com:visibility") && $0["value"] == .string("Public")
            } == true)
        #expect(item["Connections"] == .integer(0))
        // Descending, and paging is stable: two pages of two are the list of four.
        #expect(
            try titles("q=type:app&sort=desc&sortBy=com.soa.sort.order.title_sort", as: jane) == [
                "Secret Sudoku", "Members Only", "Crosfhocal", "anagrams"
            ])
        let first = try titles("q=type:app&count=2&start=0", as: jane)
        let second = try titles("q=type:app&count=2&start=2", as: jane)
        #expect(first + second == ["anagrams", "Crosfhocal", "Members Only", "Secret Sudoku"])
        #expect(try titles("q=type:app&count=2&start=4", as: jane).isEmpty)
    }

    @Test func usersAreListedForLoggedInCallersWithTheirFields() throws {
        let query = "q=type:user&sort=asc&sortBy=com.soa.sort.order.title_sort&Federation=false"
        #expect(try titles(query, as: jane) == ["Administrator", "Jane", "Kim"])
        #expect(try titles(query, as: nil).isEmpty)
        let jane = try #require(try search(query, as: kim).json()["channel"]?["item"]?.arrayValue?[1])
        #expect(jane["Email"] == .string(TestApp.jane))
        #expect(jane["UserName"] == .string("Jane"))
        #expect(jane["Domain"] == .string("Local Domain"))
        #expect(jane["description"] == .string(TestApp.jane))
        let xml = try search(query, as: kim, accept: "application/xml")
        #expect(xml.text.contains("<Email>jane@acmepaymentscorp.com</Email>"))
    }

    @Test func wordsWildcardsOperatorsAndIDs() throws {
        let crosfhocal = try createApp("Crosfhocal", as: jane)
        try createApp("Anagrams", summary: "Word games", as: jane)
        try createApp("OAuth Tester", summary: "Tries oauth flows", as: jane)
        #expect(try titles("q=puzzle", as: jane) == ["Crosfhocal"])
        #expect(try titles("q=cros*", as: jane) == ["Crosfhocal"])
        #expect(try titles("q=*gram*", as: jane) == ["Anagrams"])
        #expect(try titles("count=20&start=0&q=type:*%20AND%20oauth", as: jane) == ["OAuth Tester"])
        #expect(try titles("q=puzzle%20OR%20games", as: jane) == ["Anagrams", "Crosfhocal"])
        #expect(try titles("q=type:app%20-puzzle", as: jane) == ["Anagrams", "OAuth Tester"])
        #expect(try titles("q=type:app%20NOT%20puzzle%20NOT%20oauth", as: jane) == ["Anagrams"])
        #expect(try titles("q=jane*", as: jane) == ["Jane"])  // users too, by email
        #expect(try titles("q=\(crosfhocal)", as: jane) == ["Crosfhocal"])
        #expect(try titles("q=\(crosfhocal)", as: nil) == ["Crosfhocal"])
        #expect(try titles("q=type:group", as: jane).isEmpty)
        #expect(try titles("q=type:api", as: jane).isEmpty)
        #expect(try titles("q=type:app%20type:user", as: jane).isEmpty)
        // Models come from the models service.
        #expect(
            try app.send(
                .post, "/api/models", headers: TestApp.headers(admin, ["Accept": "application/json", "Content-Type": "application/json"]),
                body: ModelRoutesTests.documentedBody
            ).status == .ok)
        #expect(try titles("q=type:model", as: jane).count == 1)
        // An updated-first order.
        #expect(try titles("q=type:app&sortBy=updated", as: jane).count == 3)
    }

    @Test func hostileSearchesAre400Faults() throws {
        for query in [
            "q=\(String(repeating: "a", count: 1_100))", "q=" + Array(repeating: "w", count: 40).joined(separator: "%20"),
            "q=type:widget", "q=(a%20OR%20b)", "q=a&sort=sideways", "q=a&sortBy=com.soa.sort.order.random", "q=a&count=0",
            "q=a&count=100000", "q=a&start=-1", "q=a&start=x", "q=a&Federation=maybe", "q=a&Federation=",
            "q=" + String(repeating: "*a", count: 20)
        ] {
            let response = try search(query, as: jane)
            #expect(response.status == .badRequest, "\(query.prefix(60))")
            #expect(try response.json()["faultcode"] == .string("Client"))
        }
        #expect(
            try app.send(.get, "/api/search?q=type:app", headers: ["Cookie": "AtmoAuthToken_acmepaymentscorp=forged"]).status
                == .unauthorized)
    }

    @Test func identityFindsTheOwningVersionForThoseWhoMayListIt() throws {
        let appID = try createApp("Crosfhocal", as: jane)
        let version = try #require(
            try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": jane.cookieHeader]).json()["DefaultVersionID"]?.stringValue)
        let identity = "acmepaymentscorp-" + version.split(separator: ".")[0]
        let found = try app.send(.get, "/api/apps/versions?Identity=\(identity)", headers: ["Cookie": jane.cookieHeader])
        #expect(found.status == .ok)
        #expect(try found.json()["channel"]?["item"]?.arrayValue?.first?["guid"]?["value"]?.stringValue == version)
        #expect(
            try app.send(.get, "/api/apps/versions?Identity=nobody", headers: ["Cookie": jane.cookieHeader]).json()["channel"]?["item"]?
                .arrayValue?.isEmpty == true)
        #expect(try app.send(.get, "/api/apps/versions", headers: ["Cookie": jane.cookieHeader]).status == .badRequest)
        #expect(try app.send(.get, "/api/apps/versions?Identity=\(identity)", headers: [:]).status == .unauthorized)
        // A Limited app's version is not found by an outsider.
        let hidden = try createApp("Hidden", visibility: "Limited", as: jane)
        let hiddenVersion = try #require(
            try app.send(.get, "/api/apps/\(hidden)", headers: ["Cookie": jane.cookieHeader]).json()["DefaultVersionID"]?.stringValue)
        let hiddenIdentity = "acmepaymentscorp-" + hiddenVersion.split(separator: ".")[0]
        #expect(
            try app.send(.get, "/api/apps/versions?Identity=\(hiddenIdentity)", headers: ["Cookie": kim.cookieHeader]).json()["channel"]?[
                "item"]?.arrayValue?.isEmpty == true)
    }
}
