import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// The apps operations, with the seed samples (000, 001, 004) sent exactly as printed.
@Suite struct AppRoutesTests {
    let app: TestApp
    let admin: TestApp.Session

    static let createBody = """
        {
          "Name":"Crosfhocal",
          "Summary":"Crossword puzzle app",
          "Description":"Crossword puzzle app for Android phones and iPhones",
          "ApplicationVersion":{
            "Name":"1.0",
            "Description":"Initial version",
            "Tag":["puzzle","language","learning","iPhone","Android"],
            "Visibility":"Public",
            "Identity":"",
            "SharedSecret":"",
            "WebsiteAddress":"http://www.acmepaymentscorp.com/crosfhocal"
          },
          "PictureID":""
        }
        """

    /// Seed 001, sample request body #1, verbatim (trailing comma included).
    static let seed001Body1 = """
        {
          "Name":"1.1",
          "Description":"First version, great puzzle app.",
          "Tag":[
            "puzzle",
            "language",
            "learning"
          ],
          "AppID":"ae7f7f68-eb0d-4ca7-a89a-4530c2d01793.acmepaymentscorp",
          "InitialEnvironment":"Sandbox",
          "Visibility":"Public",
          "WebsiteAddress":"http://www.acmepaymentscorp.com/crosfhocal",
        }
        """

    /// Seed 001, sample request body #2, verbatim.
    static let seed001Body2 = """
        {
          "Name":"1.0",
          "Description":"Initial version",
          "Tag":[
            "puzzle",
            "language",
            "learning"
          ],
          "AppID":"ae7f7f68-eb0d-4ca7-a89a-4530c2d01793.acmepaymentscorp",
          "InitialEnvironment":"Sandbox",
          "Visibility":"Public",
          "WebsiteAddress":"http://www.acmepaymentscorp.com/crosfhocal",
          "Identity":"myappversionid",
          "SharedSecret":"23456000012"
        }
        """

    init() throws {
        app = try TestApp(users: [
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.jane, password: "password", name: "Jane", roles: []),
            SeedUser(
                tenant: "acmepaymentscorp", email: "bob@acmepaymentscorp.com", password: "password", name: "Bob", roles: ["BusinessAdmin"]),
            SeedUser(tenant: "acmepaymentscorp", email: "kim@acmepaymentscorp.com", password: "password", name: "Kim", roles: [])
        ])
        admin = try app.login()
    }

    /// Creates the documented Crosfhocal app; returns (AppID, AppVersionID).
    func createApp(as session: TestApp.Session? = nil, body: String = AppRoutesTests.createBody) throws -> (String, String) {
        let session = session ?? admin
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]), body: body)
        #expect(created.status == .ok)
        #expect(created.headers["Content-Type"] == "text/plain")
        #expect(created.headers["Atmo-Renew-Token"] == "renew")
        let appID = created.text
        let read = try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": session.cookieHeader])
        let versionID = try #require(try read.json()["DefaultVersionID"]?.stringValue)
        return (appID, versionID)
    }

    @Test func createAppReturnsTheAppIDOrTheApplication() throws {
        let (appID, versionID) = try createApp()
        #expect(appID.hasSuffix(".acmepaymentscorp") && appID.split(separator: ".")[0].count == 36)
        let local = versionID.split(separator: ".")[0]
        #expect(local.count == 40 && local.allSatisfy { $0.isLetter || $0.isNumber })
        let json = try app.send(
            .post, "/api/apps",
            headers: TestApp.headers(admin, ["Content-Type": "application/vnd.soa.v84+json", "Accept": "application/vnd.soa.v84+json"]),
            body: Self.createBody)
        #expect(json.headers["Content-Type"] == "application/vnd.soa.v84+json")
        let body = try json.json()
        #expect(body["Name"] == .string("Crosfhocal"))
        #expect(body["DefaultVersionID"]?.stringValue?.hasSuffix(".acmepaymentscorp") == true)
    }

    @Test func seed004GetVersionAsPrinted() throws {
        let (appID, versionID) = try createApp()
        // Seed 004 sample request headers, including the CSRF header a GET does not need.
        let response = try app.send(
            .get, "/api/apps/versions/\(versionID)",
            headers: TestApp.headers(admin, ["Accept": "application/json, text/javascript, */*; q=0.01"]))
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        let body = try response.json()
        #expect(
            body.objectMembers?.map(\.0) == [
                "RuntimeID", "AppID", "Name", "Description", "WebsiteAddress", "Visibility", "InitialEnvironment",
                "CurrentEnvironment", "Tag", "HasKeyInfo", "Created", "Updated", "State", "SecurityMechanisms",
                "RatingSummary", "Identity"
            ])
        #expect(body["RuntimeID"] == .string(versionID))
        #expect(body["AppID"] == .string(appID))
        #expect(body["Tag"] == .array(["puzzle", "language", "learning", "iPhone", "Android"].map(JSONValue.string)))
        #expect(body["Created"] == .string("2027-01-15T08:00:00Z"))
        #expect(body["State"] == .string("com.soa.app.state.initial"))
        #expect(body["SecurityMechanisms"] == .array([.string("com.soa.security.mechanism.sharedsecret")]))
        #expect(body["RatingSummary"]?.objectMembers?.map(\.0) == ["Five", "Four", "Three", "Two", "One"])
        #expect(body["Identity"] == .string("acmepaymentscorp-\(versionID.split(separator: ".")[0])"))

        let settings = try app.send(.get, "/api/apps/versions/\(versionID)?IncludeSettings=true", headers: ["Cookie": admin.cookieHeader])
        #expect(
            try settings.json()["AppVersionSettings"]?["UserDefinedIdentitySupport"] == .string("com.soa.feature.enabled.for.siteadmins"))
        let trimmed = try app.send(
            .get, "/api/apps/versions/\(versionID)?IncludeTags=false&IncludeSecurityMechanism=false&IdentityAppDeploymentState=false",
            headers: ["Cookie": admin.cookieHeader])
        let trimmedBody = try trimmed.json()
        #expect(trimmedBody["Tag"] == nil && trimmedBody["SecurityMechanisms"] == nil && trimmedBody["State"] == nil)
        #expect(
            try app.send(.get, "/api/apps/versions/\(versionID)?IncludeTags=yes", headers: ["Cookie": admin.cookieHeader]).status
                == .badRequest)
        let xml = try app.send(
            .get, "/api/apps/versions/\(versionID)", headers: ["Cookie": admin.cookieHeader, "Accept": "application/vnd.soa.v81+xml"])
        #expect(xml.headers["Content-Type"] == "application/vnd.soa.v81+xml")
        #expect(xml.text.contains("<ApplicationVersion><RuntimeID>\(versionID)</RuntimeID>"))
        #expect(xml.text.contains("<Tag>puzzle</Tag><Tag>language</Tag>"))
        // Documented errors: 404 for an unknown version, 204 for an id that cannot be one, 401 without login.
        #expect(try app.send(.get, "/api/apps/versions/nope.acmepaymentscorp", headers: ["Cookie": admin.cookieHeader]).status == .notFound)
        #expect(try app.send(.get, "/api/apps/versions/not-an-id", headers: ["Cookie": admin.cookieHeader]).status == .noContent)
        #expect(try app.send(.get, "/api/apps/versions/\(versionID)").status == .unauthorized)
    }

    @Test func seed001PutBothSamplesAsPrinted() throws {
        let (_, versionID) = try createApp()
        let sampleHeaders = TestApp.headers(admin, ["Accept": "*/*", "Content-Type": "application/json; charset=UTF-8"])
        let first = try app.send(.put, "/api/apps/versions/\(versionID)", headers: sampleHeaders, body: Self.seed001Body1)
        #expect(first.status == .ok)
        #expect(first.headers["Content-Type"] == "text/plain")
        #expect(first.headers["Atmo-Renew-Token"] == "renew")
        #expect(first.text == versionID)
        var body = try app.send(.get, "/api/apps/versions/\(versionID)", headers: ["Cookie": admin.cookieHeader]).json()
        #expect(body["Name"] == .string("1.1"))
        #expect(body["Description"] == .string("First version, great puzzle app."))
        #expect(body["Tag"] == .array(["puzzle", "language", "learning"].map(JSONValue.string)))

        let second = try app.send(.put, "/api/apps/versions/\(versionID)", headers: sampleHeaders, body: Self.seed001Body2)
        #expect(second.status == .ok)
        body = try app.send(.get, "/api/apps/versions/\(versionID)", headers: ["Cookie": admin.cookieHeader]).json()
        #expect(body["Identity"] == .string("myappversionid"))
        #expect(try app.send(.get, "/api/apps/versions/\(versionID)/secret", headers: ["Cookie": admin.cookieHeader]).text == "23456000012")

        // Fields absent from the body keep their values; an assigned Identity cannot change.
        #expect(
            try app.send(.put, "/api/apps/versions/\(versionID)", headers: sampleHeaders, body: #"{"Description":"only this"}"#).status
                == .ok)
        body = try app.send(.get, "/api/apps/versions/\(versionID)", headers: ["Cookie": admin.cookieHeader]).json()
        #expect(body["Name"] == .string("1.0") && body["Description"] == .string("only this"))
        let changeIdentity = try app.send(.put, "/api/apps/versions/\(versionID)", headers: sampleHeaders, body: #"{"Identity":"another"}"#)
        #expect(changeIdentity.status == .conflict)
        #expect(try changeIdentity.json()["faultcode"] == .string("Client"))
        #expect(
            try app.send(.put, "/api/apps/versions/nope.acmepaymentscorp", headers: sampleHeaders, body: Self.seed001Body1).status
                == .notFound)
        #expect(
            try app.send(.put, "/api/apps/versions/\(versionID)", headers: sampleHeaders, body: #"{"Visibility":"Everyone"}"#).status
                == .badRequest)
        #expect(
            try app.send(.put, "/api/apps/versions/\(versionID)", headers: sampleHeaders, body: #"{"Tag":"one"}"#).status == .badRequest)
        // A bad edit changed nothing.
        #expect(
            try app.send(.get, "/api/apps/versions/\(versionID)", headers: ["Cookie": admin.cookieHeader]).json()["Visibility"]
                == .string("Public"))
    }

    @Test func seed000RegeneratedSecretAsPrinted() throws {
        let (_, versionID) = try createApp()
        let before = try app.send(.get, "/api/apps/versions/\(versionID)/secret", headers: ["Cookie": admin.cookieHeader]).text
        #expect(before.count == 40 && before.allSatisfy(\.isHexDigit))
        let response = try app.send(
            .post, "/api/apps/versions/\(versionID)/action",
            headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: "{\n  \"ActionName\": \"@RegeneratedSecret\"\n}")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/plain")
        #expect(response.text == versionID)
        let after = try app.send(.get, "/api/apps/versions/\(versionID)/secret", headers: ["Cookie": admin.cookieHeader]).text
        #expect(after.count == 40 && after != before)
        // The +xml vendor body works too; an unknown action without a workflow changes nothing.
        let xml = try app.send(
            .post, "/api/apps/versions/\(versionID)/action",
            headers: TestApp.headers(admin, ["Content-Type": "application/vnd.soa.v81+xml", "Accept": "text/plain"]),
            body: "<Action><ActionName>@RegeneratedSecret</ActionName></Action>")
        #expect(xml.status == .ok)
        let third = try app.send(.get, "/api/apps/versions/\(versionID)/secret", headers: ["Cookie": admin.cookieHeader]).text
        #expect(third != after)
        let unknown = try app.send(
            .post, "/api/apps/versions/\(versionID)/action",
            headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"ActionName":"app.action.fly"}"#)
        #expect(unknown.status == .badRequest)
        #expect(try app.send(.get, "/api/apps/versions/\(versionID)/secret", headers: ["Cookie": admin.cookieHeader]).text == third)
        // Without the CSRF header: 401, nothing changed.
        #expect(
            try app.send(
                .post, "/api/apps/versions/\(versionID)/action",
                headers: ["Cookie": admin.cookieHeader, "Content-Type": "application/json"],
                body: #"{"ActionName":"@RegeneratedSecret"}"#
            ).status == .unauthorized)
        #expect(try app.send(.get, "/api/apps/versions/\(versionID)/secret", headers: ["Cookie": admin.cookieHeader]).text == third)
        // An Accept that excludes text/plain: 406.
        #expect(
            try app.send(
                .post, "/api/apps/versions/\(versionID)/action",
                headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "application/json"]),
                body: #"{"ActionName":"@RegeneratedSecret"}"#
            ).status == .notAcceptable)
        // PUT …/secret regenerates without returning it.
        #expect(
            try app.send(
                .put, "/api/apps/versions/\(versionID)/secret",
                headers: TestApp.headers(admin, ["Content-Type": "application/x-www-form-urlencoded"])
            ).text == versionID)
        #expect(try app.send(.get, "/api/apps/versions/\(versionID)/secret", headers: ["Cookie": admin.cookieHeader]).text != third)
    }

    @Test func versionsAreListedAddedAndDeleted() throws {
        let (appID, first) = try createApp()
        let added = try app.send(
            .post, "/api/apps/\(appID)/versions", headers: TestApp.headers(admin, ["Content-Type": "application/json", "Accept": "*/*"]),
            body: #"{"Name":"2.0"}"#)
        #expect(added.status == .ok && added.headers["Atmo-Renew-Token"] == "renew")
        let second = added.text
        let list = try app.send(.get, "/api/apps/\(appID)/versions", headers: ["Cookie": admin.cookieHeader])
        let items = try #require(try list.json()["channel"]?["item"]?.arrayValue)
        #expect(items.map { $0["guid"]?["value"] } == [.string(first), .string(second)])
        #expect(items[1]["title"] == .string("2.0"))
        #expect(items[0]["category"]?.arrayValue?.first?["domain"] == .string("uddi:soa.com:visibility"))
        #expect(
            try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": admin.cookieHeader]).json()["DefaultVersionID"] == .string(second))
        let xml = try app.send(.get, "/api/apps/\(appID)/versions", headers: ["Cookie": admin.cookieHeader, "Accept": "text/xml"])
        #expect(xml.text.contains("<rss version=\"2.0\"><channel><title>"))
        #expect(
            try app.send(
                .post, "/api/apps/\(appID)/versions", headers: TestApp.headers(admin, ["Content-Type": "application/json"]), body: "{}"
            ).status == .badRequest)

        #expect(
            try app.send(.delete, "/api/apps/versions/\(second)", headers: TestApp.headers(admin, ["Accept": "text/plain"])).text == second)
        #expect(try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": admin.cookieHeader]).status == .ok)
        // Deleting the last version takes the app with it.
        #expect(
            try app.send(.delete, "/api/apps/versions/\(first)", headers: TestApp.headers(admin, ["Accept": "application/json"])).status
                == .ok)
        #expect(try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": admin.cookieHeader]).status == .notFound)
    }

    @Test func updateAndDeleteApp() throws {
        let (appID, versionID) = try createApp()
        let put = try app.send(
            .put, "/api/apps/\(appID)", headers: TestApp.headers(admin, ["Content-Type": "application/json"]),
            body: #"{"Name":"Crosfhocal 2","Summary":"s"}"#)
        #expect(put.text == appID && put.headers["Atmo-Renew-Token"] == "renew")
        #expect(try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": admin.cookieHeader]).json()["Name"] == .string("Crosfhocal 2"))
        let deleted = try app.send(.delete, "/api/apps/\(appID)", headers: TestApp.headers(admin))
        #expect(deleted.status == .ok && deleted.text == appID && deleted.headers["Atmo-Renew-Token"] == "renew")
        #expect(try app.send(.get, "/api/apps/versions/\(versionID)", headers: ["Cookie": admin.cookieHeader]).status == .notFound)
        let rows = try app.pool.read { try $0.query("SELECT COUNT(*) AS n FROM app_versions") }
        #expect(try rows.first?.int("n") == 0)
    }

    @Test func authorizationMatrix() throws {
        let jane = try app.login(TestApp.jane)
        let bob = try app.login("bob@acmepaymentscorp.com")
        let kim = try app.login("kim@acmepaymentscorp.com")
        // Jane creates a public app and a private (Limited) one; she is on both teams.
        let (publicApp, publicVersion) = try createApp(as: jane)
        let (_, privateVersion) = try createApp(
            as: jane, body: Self.createBody.replacingOccurrences(of: #""Visibility":"Public""#, with: #""Visibility":"Limited""#))
        let edit = #"{"Description":"edited"}"#
        // Reading a version takes the team, a Business Admin or a Site Admin (seed 004); changing it the
        // team or a Business Admin (seed 001). Kim sees the Public version exists (403), no more.
        for (session, read, write) in [
            (jane, HTTPStatus.ok, HTTPStatus.ok), (bob, .ok, .ok), (admin, .ok, .forbidden), (kim, .forbidden, .forbidden)
        ] {
            #expect(try app.send(.get, "/api/apps/versions/\(publicVersion)", headers: ["Cookie": session.cookieHeader]).status == read)
            #expect(
                try app.send(
                    .put, "/api/apps/versions/\(publicVersion)", headers: TestApp.headers(session, ["Content-Type": "application/json"]),
                    body: edit
                ).status == write)
        }
        // Kim cannot even see the Limited version: 404, like a missing one.
        #expect(try app.send(.get, "/api/apps/versions/\(privateVersion)", headers: ["Cookie": kim.cookieHeader]).status == .notFound)
        #expect(
            try app.send(
                .put, "/api/apps/versions/\(privateVersion)", headers: TestApp.headers(kim, ["Content-Type": "application/json"]),
                body: edit
            ).status == .notFound)
        #expect(
            try app.send(.get, "/api/apps/versions/\(publicVersion)/secret", headers: ["Cookie": kim.cookieHeader]).status == .forbidden)
        #expect(try app.send(.delete, "/api/apps/\(publicApp)", headers: TestApp.headers(kim)).status == .forbidden)
        // Only Site Admins may choose an Identity by default.
        #expect(
            try app.send(
                .put, "/api/apps/versions/\(publicVersion)", headers: TestApp.headers(jane, ["Content-Type": "application/json"]),
                body: #"{"Identity":"janes-id"}"#
            ).status == .forbidden)
    }

    @Test func unsupportedContentTypeAndMalformedBodies() throws {
        let (_, versionID) = try createApp()
        #expect(
            try app.send(
                .put, "/api/apps/versions/\(versionID)", headers: TestApp.headers(admin, ["Content-Type": "application/xml"]), body: "<x/>"
            ).status == .unsupportedMediaType)
        #expect(
            try app.send(
                .put, "/api/apps/versions/\(versionID)", headers: TestApp.headers(admin, ["Content-Type": "application/json"]),
                body: "{\"Name\":"
            ).status == .badRequest)
        #expect(
            try app.send(
                .post, "/api/apps", headers: TestApp.headers(admin, ["Content-Type": "application/json"]), body: #"{"Summary":"no name"}"#
            ).status == .badRequest)
        #expect(
            try app.send(
                .post, "/api/apps/versions/\(versionID)/action", headers: TestApp.headers(admin, ["Content-Type": "application/json"]),
                body: #"{"Comments":"no action"}"#
            ).status == .badRequest)
    }
}
