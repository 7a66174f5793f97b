import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

/// `/api/apis…` and the dropbox: create (JSON, XML, vendor types, descriptor), read, list, clone,
/// update, delete, the API-version workflow, authorization and refusals that change nothing.
@Suite struct APIRoutesTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    @Test func createAPIAnswersTheDocumentedObjectAndMakesTheCallerAdmin() throws {
        let response = try world.post(
            "/api/apis", as: world.jane, body: APIWorld.createBody(),
            accept: "application/vnd.soa.v81+json", contentType: "application/vnd.soa.v81+json")
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/vnd.soa.v81+json")
        #expect(response.headers["Atmo-Renew-Token"] == "renew")
        let json = try response.json()
        guard case .object(let members) = json else {
            Issue.record("not an object")
            return
        }
        #expect(
            members.map(\.0) == [
                "APIID", "Name", "Description", "Visibility", "LatestVersionID", "AdminGroupID", "APIVersion", "Created", "Updated"
            ])
        let apiID = try #require(json["APIID"]?.stringValue)
        #expect(apiID.hasSuffix(".acmepaymentscorp"))
        let version = try #require(json["APIVersion"])
        #expect(version["APIVersionID"] == json["LatestVersionID"])
        #expect(version["Name"] == .string("1.0"))
        #expect(version["State"] == .string("Active"))
        let endpoints = try #require(version["Endpoints"]?["Endpoint"]?.arrayValue)
        #expect(endpoints.map { $0["Category"]?.stringValue ?? "" } == ["Sandbox", "Production"])
        #expect(
            endpoints.map { $0["Uri"]?.stringValue ?? "" } == [
                "http://www.acmepaymentscorp.com/api/sbox", "http://www.acmepaymentscorp.com/api/live"
            ])
        let admins = try world.app.pool.read { db in try db.query("SELECT user_id FROM api_admins WHERE api_id = ?", apiID).count }
        #expect(admins == 1)
        // Jane, the admin, changes it; Kim (another plain user) reads it but may not change it.
        #expect(
            try world.app.send(
                .put, "/api/apis/versions/\(version["APIVersionID"]!.stringValue!)/info",
                headers: TestApp.headers(world.kim, ["Content-Type": "application/json"]), body: #"{"Name":"x"}"#
            ).status == .forbidden)
        let read = try world.get("/api/apis/\(apiID)", as: world.kim).json()
        #expect(read["LatestVersionID"] == json["LatestVersionID"])
        #expect(read["APIVersion"] == nil)
        #expect(
            try world.get("/api/apis/\(apiID)?includeDefaultVersion=true", as: world.kim).json()["APIVersion"]?["Name"] == .string("1.0"))
    }

    @Test func xmlRequestAndResponse() throws {
        let body = """
            <APIRequest><APIVersionInfo><Name>XML API</Name><Visibility>Public</Visibility></APIVersionInfo>
            <AddAPIImplementationRequest><ImplementationCode>Live</ImplementationCode><CreateMechanism>PROXY</CreateMechanism>
            <ProxyImplementationRequest><TargetEndpointURL>http://xml.example.com/api</TargetEndpointURL></ProxyImplementationRequest>
            </AddAPIImplementationRequest></APIRequest>
            """
        let response = try world.post("/api/apis", as: world.jane, body: body, accept: "application/xml", contentType: "application/xml")
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"]?.hasPrefix("application/xml") == true)
        #expect(response.text.contains("<API>"))
        #expect(response.text.contains("<Name>XML API</Name>"))
        #expect(response.text.contains("http://xml.example.com/api"))
        let list = try world.get("/api/apis", as: world.kim, accept: "application/xml")
        #expect(list.status == .ok)
        #expect(list.text.contains("<title>XML API</title>"))
    }

    @Test func badInputIsA400ThatChangesNothing() throws {
        _ = try world.createAPI()
        let before = try world.counts()
        for body in [
            #"[]"#, #"{}"#, #"{"APIVersionInfo":{"Name":""}}"#, #"{"APIVersionInfo":{"Name":7}}"#,
            #"{"APIVersionInfo":{"Name":"A","Visibility":"Secret"}}"#,
            #"{"APIVersionInfo":{"Name":"A"},"AddAPIImplementationRequest":{"ImplementationCode":"Staging","CreateMechanism":"PROXY","ProxyImplementationRequest":{"TargetEndpointURL":["http://a"]}}}"#,
            #"{"APIVersionInfo":{"Name":"A"},"AddAPIImplementationRequest":{"CreateMechanism":"PROXY","ProxyImplementationRequest":{"TargetEndpointURL":["ftp://a"]}}}"#,
            #"{"DLDescriptor":{"DropboxFileId":999}}"#
        ] {
            let response = try world.post("/api/apis", as: world.jane, body: body)
            #expect(response.status == .badRequest, "\(body): \(response.text)")
            #expect(try response.json()["faultcode"] == .string("Client"))
        }
        #expect(try world.post("/api/apis", as: world.jane, body: "{", accept: "application/json").status == .badRequest)
        #expect(try world.post("/api/apis", as: world.jane, body: "x", contentType: "text/plain").status == .unsupportedMediaType)
        #expect(try world.counts() == before)
    }

    @Test func withoutCSRFOrSessionNothingIsCreated() throws {
        let before = try world.counts()
        let noCSRF = try world.app.send(
            .post, "/api/apis", headers: ["Cookie": world.jane.cookieHeader, "Content-Type": "application/json"],
            body: APIWorld.createBody())
        #expect(noCSRF.status == .unauthorized)
        #expect(try world.app.send(.get, "/api/apis").status == .unauthorized)
        #expect(try world.counts() == before)
    }

    @Test func limitedAPIsAreHiddenFromOthers() throws {
        let (apiID, versionID) = try world.createAPI(visibility: "Limited")
        #expect(try world.get("/api/apis/\(apiID)", as: world.kim).status == .notFound)
        #expect(try world.get("/api/apis/versions/\(versionID)", as: world.kim).status == .notFound)
        #expect(try world.get("/api/apis/\(apiID)", as: world.bob).status == .ok)
        let kimList = try world.get("/api/apis", as: world.kim).json()
        #expect(kimList["channel"]?["item"]?.arrayValue?.isEmpty == true)
        let janeList = try world.get("/api/apis/versions", as: world.jane).json()
        #expect(janeList["channel"]?["item"]?.arrayValue?.map { $0["guid"]?["value"]?.stringValue ?? "" } == [versionID])
        let before = try world.counts()
        let delete = try world.app.send(.delete, "/api/apis/\(apiID)", headers: TestApp.headers(world.kim, ["Accept": "text/plain"]))
        #expect(delete.status == .notFound)
        #expect(try world.counts() == before)
    }

    @Test func versionsCloneUpdateAndDelete() throws {
        let (apiID, firstID) = try world.createAPI()
        let clone = try world.post(
            "/api/apis/\(apiID)/versions", as: world.jane,
            body: """
                {"APIVersionInfo":{"Name":"Version 2 (clone)","Visibility":"Public"},
                 "CloneAPIVersionRequest":{"SourceAPIVersionID":"\(firstID)","CloneDesign":true,"CloneImplementations":true}}
                """, accept: "application/vnd.soa.v81+json")
        #expect(clone.status == .ok, "\(clone.text)")
        let cloned = try clone.json()
        let secondID = try #require(cloned["APIVersionID"]?.stringValue)
        #expect(cloned["Tag"] == .array([.string("payments")]))
        #expect(cloned["Endpoints"]?["Endpoint"]?.arrayValue?.count == 2)
        // A plain user who is not an admin may not add versions.
        #expect(
            try world.post("/api/apis/\(apiID)/versions", as: world.kim, body: #"{"APIVersionInfo":{"Name":"3"}}"#).status == .forbidden)
        let list = try world.get("/api/apis/\(apiID)/versions", as: world.kim).json()
        #expect(list["channel"]?["item"]?.arrayValue?.map { $0["guid"]?["value"]?.stringValue ?? "" } == [firstID, secondID])
        #expect(try world.get("/api/apis/\(apiID)", as: world.kim).json()["LatestVersionID"] == .string(secondID))

        let update = try world.app.send(
            .put, "/api/apis/versions/\(secondID)/info", headers: TestApp.headers(world.jane, ["Content-Type": "application/json"]),
            body: #"{"Name":"2.0","Description":"Second"}"#)
        #expect(update.status == .ok, "\(update.text)")
        let read = try world.get("/api/apis/versions/\(secondID)?IncludeEndpoints=false", as: world.kim).json()
        #expect(read["Name"] == .string("2.0"))
        #expect(read["Description"] == .string("Second"))
        #expect(read["Endpoints"] == nil)
        #expect(try world.get("/api/apis/versions/\(secondID)?IncludeEndpoints=maybe", as: world.kim).status == .badRequest)

        let deleted = try world.app.send(
            .delete, "/api/apis/versions/\(secondID)", headers: TestApp.headers(world.jane, ["Accept": "text/plain"]))
        #expect(deleted.status == .ok)
        #expect(deleted.text == secondID)
        #expect(try world.get("/api/apis/versions/\(secondID)", as: world.jane).status == .notFound)
        // The last version takes the API with it.
        #expect(
            try world.app.send(.delete, "/api/apis/versions/\(firstID)", headers: TestApp.headers(world.jane, ["Accept": "text/plain"]))
                .status == .ok)
        #expect(try world.get("/api/apis/\(apiID)", as: world.jane).status == .notFound)
        #expect(try world.count("apis") == 0)
        #expect(try world.count("api_endpoints") == 0)
    }

    @Test func apiVersionWorkflowActions() throws {
        let (_, ungoverned) = try world.createAPI(name: "Before")
        let refused = try world.post(
            "/api/apis/versions/\(ungoverned)/action", as: world.jane,
            body: #"{"ActionName":"apiversion.action.submit.approval"}"#, accept: "text/plain")
        #expect(refused.status == .badRequest)
        let assign = try world.app.send(
            .put, "/_emulator/workflows/apiversion", headers: ["Content-Type": "application/json"],
            body: #"{"Definition":"apiversion"}"#)
        #expect(assign.status == .ok, "\(assign.text)")
        let (_, versionID) = try world.createAPI(name: "Governed")
        #expect(try world.get("/api/apis/versions/\(versionID)", as: world.jane).json()["State"] == .string("Draft"))
        // Kim sees the public version but is no admin: the workflow refuses her.
        let kim = try world.post(
            "/api/apis/versions/\(versionID)/action", as: world.kim,
            body: #"{"ActionName":"apiversion.action.submit.approval"}"#, accept: "text/plain")
        #expect(kim.status == .forbidden)
        let submit = try world.post(
            "/api/apis/versions/\(versionID)/action", as: world.jane,
            body: #"{"ActionName":"apiversion.action.submit.approval","Comments":"Requesting approval."}"#, accept: "text/plain")
        #expect(submit.status == .ok)
        #expect(submit.text == "Pending Approval")
        #expect(
            try world.post(
                "/api/apis/versions/\(versionID)/action", as: world.jane,
                body: #"{"ActionName":"apiversion.action.approve"}"#, accept: "text/plain"
            ).status == .forbidden)
        let approve = try world.post(
            "/api/apis/versions/\(versionID)/action", as: world.bob,
            body: #"{"ActionName":"apiversion.action.approve"}"#, accept: "text/plain")
        #expect(approve.text == "Approved")
        #expect(
            try world.post(
                "/api/apis/versions/\(versionID)/action", as: world.bob,
                body: #"{"ActionName":"apiversion.action.approve"}"#, accept: "text/plain"
            ).status == .conflict)
        #expect(try world.get("/api/apis/versions/\(versionID)", as: world.kim).json()["State"] == .string("Approved"))
    }

    @Test func dropboxUploadAndDescriptorCreate() throws {
        let document =
            #"{"openapi":"3.0.0","info":{"title":"Petstore","version":"1"},"servers":[{"url":"https://petstore.example.com/v1"}],"paths":{}}"#
        let boundary = "XyZ"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"wrapInHTML\"\r\n\r\nfalse\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"petstore.json\"\r\nContent-Type: application/json\r\n\r\n"
            + document + "\r\n--\(boundary)--\r\n"
        let upload = try world.post(
            "/api/dropbox/readfiledetails", as: world.jane, body: body,
            contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(upload.status == .ok, "\(upload.text)")
        let details = try upload.json()
        guard case .object(let members) = details else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == ["FileName", "FileType", "DropboxFileId", "ServiceDescriptorDocument"])
        #expect(details["FileName"] == .string("petstore.json"))
        #expect(details["FileType"] == .string("OpenAPI"))
        let fileID = try #require(details["DropboxFileId"]?.intValue)
        let stored = try world.app.pool.read { db in
            try db.queryFirst("SELECT content FROM dropbox_files WHERE id = ?", fileID)?.blob("content")
        }
        #expect(stored == Array(document.utf8))

        let create = try world.post(
            "/api/apis", as: world.jane, body: #"{"DLDescriptor":{"FileName":"petstore.json","DropboxFileId":\#(fileID)}}"#)
        #expect(create.status == .ok, "\(create.text)")
        let api = try create.json()
        #expect(api["Name"] == .string("Petstore"))
        #expect(api["APIVersion"]?["DropboxFileId"] == .integer(fileID))
        #expect(api["APIVersion"]?["Endpoints"]?["Endpoint"]?.arrayValue?.first?["Uri"] == .string("https://petstore.example.com/v1"))

        let before = try world.counts()
        #expect(
            try world.post("/api/dropbox/readfiledetails", as: world.jane, body: "--a--", contentType: "multipart/form-data").status
                == .badRequest)
        #expect(try world.post("/api/dropbox/readfiledetails", as: world.jane, body: "{}").status == .unsupportedMediaType)
        // wrapInHTML is true or false: anything else is a 400, and the file is not stored.
        let badWrap = body.replacingOccurrences(of: "\r\n\r\nfalse\r\n", with: "\r\n\r\nAAA\r\n")
        #expect(badWrap != body)
        #expect(
            try world.post(
                "/api/dropbox/readfiledetails", as: world.jane, body: badWrap,
                contentType: "multipart/form-data; boundary=\(boundary)"
            ).status == .badRequest)
        #expect(try world.counts() == before)
    }

    @Test func apisSurviveARestart() throws {
        let (apiID, versionID) = try world.createAPI()
        let restarted = try world.restarted()
        let api = try restarted.get("/api/apis/\(apiID)?includeDefaultVersion=true", session: world.kim)
        #expect(api.status == .ok, "\(api.text)")
        #expect(try api.json()["APIVersion"]?["APIVersionID"] == .string(versionID))
        #expect(
            try restarted.get("/api/apis/versions/\(versionID)", session: world.kim).json()["Endpoints"]?["Endpoint"]?.arrayValue?.count
                == 2)
    }
}
