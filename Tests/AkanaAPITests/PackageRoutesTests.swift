import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import SQLiteStore
import Testing

@testable import AkanaAPI

/// API packages (issue 29 part 3): `GET /api/apis/{APIID}/package` on one emulator and
/// `POST /api/tenants/{FedmemberID}/packages` on a second, fresh one, as the public pipeline's
/// `export_api` / `import_api` send them; the import rules of m_tenantadmin_importPackage; roles.
@Suite struct PackageRoutesTests {
    /// The query `tools/apis.export_api` sends (every option on), as it sends it.
    static let pipelineQuery =
        "exportVersion=all&migration.operationalpolicy.export=true&migration.qospolicy.export=true&migration.pki.export=true"
        + "&migration.export.include.api.admins=true&migration.export.include.api.connections=true"
        + "&migration.export.include.scopes=true&wrapInHTML=true&document.domain=apiportal.example.com&download=true"

    /// An API made the pipeline's way on `world`: from a Swagger document, a second version, Live
    /// policies (one the tenant defines), a scope mapped to an operation, a license naming it, and
    /// a document in the content store. Returns (APIID, first APIVersionID, second APIVersionID).
    static func pipelineAPI(_ world: APIWorld) throws -> (String, String, String) {
        let send = { (method: HTTPMethod, path: String, body: String) throws -> HTTPResponse in
            try world.app.send(
                method, path, headers: TestApp.headers(world.admin, ["Accept": "application/json", "Content-Type": "application/json"]),
                body: body)
        }
        let boundary = "pipelineBoundary"
        let form =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"offers.json\"\r\n"
            + "Content-Type: application/json\r\n\r\n\(APIPipelineTests.swagger)\r\n--\(boundary)--\r\n"
        let uploaded = try world.post(
            "/api/dropbox/readfiledetails", as: world.admin, body: form, contentType: "multipart/form-data; boundary=\(boundary)")
        let fileID = try #require(try uploaded.json()["DropboxFileId"]?.intValue, "\(uploaded.text)")
        let created = try send(
            .post, "/api/apis",
            #"{"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"Travel Offers","FileName":"offers.swagger","DropboxFileId":\#(fileID)}}}"#
        )
        try #require(created.status == .ok, "\(created.text)")
        let apiID = try #require(try created.json()["APIID"]?.stringValue)
        let first = try #require(try created.json()["LatestVersionID"]?.stringValue)
        // A policy of the tenant's own (fixtures define them; the catalogue API has no POST), attached with a built-in one.
        try world.app.pool.write { db in
            try db.run(
                "INSERT INTO policies (tenant, policy_key, name, description, type, sub_type, active, created) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                "acmepaymentscorp", "acmepaymentscorp-OffersThrottle", "OffersThrottle", "Ten a second", "Operational Policy", "",
                "2027-01-01T00:00:00Z")
        }
        let attach = try send(
            .put, "/api/apis/versions/\(first)/implementations/live/policies",
            #"{"Policy":[{"PolicyKey":"acmepaymentscorp-BasicAuditing"},{"PolicyKey":"acmepaymentscorp-OffersThrottle"}]}"#)
        try #require(attach.status == .ok, "\(attach.text)")
        let business = "tenantbusiness.acmepaymentscorp"
        let scope = try send(.post, "/api/businesses/\(business)/resources", #"{"Name":"Offers access","BusinessID":"\#(business)"}"#)
        let scopeID = try #require(try scope.json()["ResourceID"]?.stringValue, "\(scope.text)")
        let license = try send(
            .post, "/api/licenses",
            #"{"Name":"Offers Bronze","SandboxAccessAutoApproved":"true","LicenseParts":{"LicensePart":[{"ResourceID":["\#(scopeID)"],"PolicyKey":[]}]},"BusinessID":"\#(business)"}"#
        )
        try #require(license.status == .ok, "\(license.text)")
        let mapping = try send(
            .put, "/api/apis/versions/\(first)/resources",
            #"{"OperationResource":[{"OperationName":"listOffers","ResourceID":["\#(scopeID)"]}]}"#)
        try #require(mapping.status == .ok, "\(mapping.text)")
        let second = try send(.post, "/api/apis/\(apiID)/versions", #"{"APIVersionInfo":{"Name":"2.0","Description":"Second"}}"#)
        try #require(second.status == .ok, "\(second.text)")
        let secondID = try #require(try second.json()["APIVersionID"]?.stringValue, "\(second.text)")
        // The document, as POST /content/api/{APIID}/documents stores it (the content routes are issue 29 parts 1, 2).
        try world.app.pool.write { db in
            for (path, parent, name, folder, bytes) in [
                ("api", "", "api", 1, nil), ("api/\(apiID)", "api", apiID, 1, nil),
                ("api/\(apiID)/documents", "api/\(apiID)", "documents", 1, nil),
                ("api/\(apiID)/documents/guide.md", "api/\(apiID)/documents", "guide.md", 0, Array("# Offers guide\n".utf8))
            ] as [(String, String, String, Int, [UInt8]?)] {
                try db.run(
                    """
                    INSERT INTO content_files (tenant, store, path, parent, name, is_folder, bytes, size, media_type, created, updated)
                    VALUES ('acmepaymentscorp', 'content', ?, ?, ?, ?, ?, ?, ?, '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z')
                    """, path, parent, name, folder, bytes.map { SQLiteValue.blob($0) } ?? .null, bytes?.count ?? 0,
                    folder == 1 ? "" : "text/markdown")
            }
        }
        return (apiID, first, secondID)
    }

    static func export(_ world: APIWorld, _ apiID: String, query: String = pipelineQuery, as session: TestApp.Session? = nil)
        throws -> HTTPResponse
    {
        try world.app.send(
            .get, "/api/apis/\(apiID)/package?\(query)",
            headers: TestApp.headers(session ?? world.admin, ["Accept": "application/json, application/octet-stream"]))
    }

    /// `tools/apis.import_api`: multipart field `Package`, the pipeline's browser-style Accept.
    static func importPackage(
        _ world: APIWorld, _ zip: [UInt8], tenant: String = "acmepaymentscorp", as session: TestApp.Session? = nil,
        properties: String? = nil
    ) throws -> HTTPResponse {
        let boundary = "----packageBoundary"
        var body =
            Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"Package\"; filename=\"api-export.zip\"\r\nContent-Type: application/zip\r\n\r\n"
                    .utf8) + zip + Array("\r\n".utf8)
        if let properties {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"Properties\"; filename=\"import.properties\"\r\n\r\n\(properties)\r\n"
                    .utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = TestApp.headers(
            session ?? world.admin,
            [
                "Content-Type": "multipart/form-data; boundary=\(boundary)",
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Host": "127.0.0.1:8080"
            ])
        headers.set("Host", "127.0.0.1:8080")
        return world.app.handle(try HTTPRequest(method: .post, target: "/api/tenants/\(tenant)/packages", headers: headers, body: body))
    }

    /// What a client reads back for the API: the API, its versions, each version with its
    /// operations, implementations, policies, scope mappings, licenses and definition.
    static func readBack(_ world: APIWorld, _ apiID: String, versions: [String]) throws -> [String: JSONValue] {
        var paths = ["/api/apis/\(apiID)", "/api/apis/\(apiID)/versions"]
        for version in versions {
            paths += [
                "/api/apis/versions/\(version)?includeOperations=true", "/api/apis/versions/\(version)/implementations/Live",
                "/api/apis/versions/\(version)/implementations/live/policies", "/api/apis/versions/\(version)/resources",
                "/api/apis/versions/\(version)/licenses", "/api/apis/versions/\(version)/definition/swagger"
            ]
        }
        var answers: [String: JSONValue] = [:]
        for path in paths {
            let response = try world.get(path, as: world.admin)
            // The second version has no implementation: its 404 must read back the same too.
            answers[path] = response.status == .ok ? try response.json() : .string("\(response.status) \(response.text)")
        }
        return answers
    }

    static func document(_ world: APIWorld, _ path: String) throws -> [UInt8]? {
        try world.app.pool.read { db in
            try db.queryFirst("SELECT bytes FROM content_files WHERE tenant = 'acmepaymentscorp' AND store = 'content' AND path = ?", path)?
                .blob("bytes")
        }
    }

    @Test func anAPIExportedFromOneEmulatorReadsBackTheSameInASecondFreshOne() throws {
        let source = try APIWorld()
        let (apiID, first, second) = try Self.pipelineAPI(source)
        let exported = try Self.export(source, apiID)
        #expect(exported.status == .ok, "\(exported.text)")
        #expect(exported.headers["Content-Type"] == "application/octet-stream")
        #expect(exported.headers["Content-Disposition"] == "attachment; filename=\"api-export.zip\"")
        let entries = try ZipArchive.read(Data(exported.body))
        #expect(
            Set(entries.map(\.path)).isSuperset(of: [
                "package.json", "apis.json", "api_versions.json", "api_implementations.json", "api_implementation_policies.json",
                "api_operations.json", "operation_scopes.json", "scopes.json", "licenses.json", "policies.json", "api_admins.json",
                "documents.json", "documents/guide.md"
            ]), "\(entries.map(\.path))")

        let target = try APIWorld()
        let before = try target.counts()
        let imported = try Self.importPackage(target, Array(exported.body))
        #expect(imported.status == .ok, "\(imported.text)")
        #expect(imported.headers["Content-Type"]?.hasSuffix("xml") == true)  // the pipeline's Accept prefers XML to JSON
        #expect(imported.text.contains("<APIID>\(apiID)</APIID>"), "\(imported.text)")
        #expect(try target.counts() != before)

        let expected = try Self.readBack(source, apiID, versions: [first, second])
        let actual = try Self.readBack(target, apiID, versions: [first, second])
        #expect(expected.values.filter { $0.stringValue != nil }.count == 2)  // version 2.0's Live implementation and its policies
        for (path, value) in expected { #expect(actual[path] == value, "\(path)") }
        #expect(try Self.document(target, "api/\(apiID)/documents/guide.md") == Array("# Offers guide\n".utf8))
        // The admin came along by email; the tenant's own policy with migration.operationalpolicy.export.
        #expect(try target.count("api_admins") == 1)
        #expect(
            try target.app.pool.read { db in
                try db.queryFirst("SELECT name FROM policies WHERE policy_key = 'acmepaymentscorp-OffersThrottle'")?.string("name")
            } == "OffersThrottle")

        // Promoting again updates in place: nothing doubles, and exportVersion=current carries the newest version only.
        let current = try Self.export(source, apiID, query: "exportVersion=current&migration.export.include.scopes=true")
        #expect(
            try ZipArchive.read(Data(current.body)).first { $0.path == "api_versions.json" }.map {
                try JSONParser.parse($0.bytes).arrayValue?.count
            } == 1)
        let counts = try target.counts()
        let again = try Self.importPackage(target, Array(exported.body))
        #expect(again.status == .ok, "\(again.text)")
        #expect(again.text.contains("<Result>Updated</Result>"))
        #expect(try target.counts() == counts)
        let reread = try Self.readBack(target, apiID, versions: [first, second])
        for (path, value) in expected {
            #expect(reread[path] == value, "\(path) \(JSONWriter.string(value)) \(JSONWriter.string(reread[path] ?? .null))")
        }
    }

    /// m_tenantadmin_importPackage: "the file must be an export from the same version or from an
    /// earlier minor update of the same major version". A package from a newer minor, or another
    /// major, is a 400 that imports nothing.
    @Test(arguments: ["0.2.0", "0.1.1", "1.0.0", "1.1.0", "x.y", ""])
    func importRulesRefuseOtherMajorsAndNewerUpdates(_ version: String) throws {
        let source = try APIWorld()
        let (apiID, _, _) = try Self.pipelineAPI(source)
        let zip = try Self.rewritten(try Self.export(source, apiID).body, "package.json") { manifest in
            var members = manifest.objectMembers ?? []
            members = members.map { $0.0 == "Version" ? ("Version", .string(version)) : $0 }
            return .object(members)
        }
        let target = try APIWorld()
        let before = try target.counts()
        let refused = try Self.importPackage(target, zip)
        #expect(refused.status == .badRequest, "\(refused.text)")
        #expect(try target.counts() == before)
        #expect(try target.get("/api/apis/\(apiID)", as: target.admin).status == .notFound)
    }

    @Test func anEarlierUpdateOfTheSameMajorVersionImports() throws {
        let source = try APIWorld()
        let (apiID, _, _) = try Self.pipelineAPI(source)
        let zip = try Self.rewritten(try Self.export(source, apiID).body, "package.json") { manifest in
            .object((manifest.objectMembers ?? []).map { $0.0 == "Version" ? ("Version", .string("0.0.9")) : $0 })
        }
        let target = try APIWorld()
        #expect(try Self.importPackage(target, zip).status == .ok)
        #expect(try target.get("/api/apis/\(apiID)", as: target.admin).status == .ok)
    }

    /// A reference that resolves neither in the package nor in the tenant is a 400 with nothing
    /// imported: the tenant's own policy without migration.operationalpolicy.export, a scope the
    /// package lacks.
    @Test func anUnresolvedReferenceImportsNothing() throws {
        let source = try APIWorld()
        let (apiID, _, _) = try Self.pipelineAPI(source)
        let target = try APIWorld()
        let before = try target.counts()
        let withoutPolicies = try Self.export(source, apiID, query: "migration.export.include.scopes=true")
        let refused = try Self.importPackage(target, Array(withoutPolicies.body))
        #expect(refused.status == .badRequest)
        #expect(refused.text.contains("OffersThrottle"), "\(refused.text)")
        let withoutScopes = try Self.rewritten(try Self.export(source, apiID).body, "scopes.json") { _ in .array([]) }
        #expect(try Self.importPackage(target, withoutScopes).status == .badRequest)
        #expect(try target.counts() == before)
        #expect(try target.count("scopes") == 0)
        #expect(try target.count("content_files") == 0)
    }

    /// The properties file maps the source's endpoints to the target's.
    @Test func thePropertiesFileMapsEndpoints() throws {
        let world = try APIWorld()
        let (apiID, versionID) = try world.createAPI(as: world.admin)
        let zip = try Self.export(world, apiID).body
        let target = try APIWorld()
        let imported = try Self.importPackage(
            target, Array(zip),
            properties: "# dev -> test\nhttp\\://www.acmepaymentscorp.com/api/live = https://test.acmepaymentscorp.com/live\n")
        #expect(imported.status == .ok, "\(imported.text)")
        let live = try target.get("/api/apis/versions/\(versionID)/implementations/Live", as: target.admin).text
        #expect(live.contains("https://test.acmepaymentscorp.com/live"), "\(live)")
        #expect(!live.contains("www.acmepaymentscorp.com/api/live"))
    }

    @Test func rolesAndNegotiation() throws {
        let world = try APIWorld()
        let (apiID, _) = try world.createAPI()  // Jane's: she is its admin
        let zip = try Self.export(world, apiID, as: world.jane)
        #expect(zip.status == .ok)
        #expect(try Self.export(world, apiID, as: world.bob).status == .ok)  // Business Admin
        #expect(try Self.export(world, apiID, as: world.kim).status == .forbidden)  // sees the Public API, not its admin
        #expect(try Self.export(world, "nosuch.acmepaymentscorp").status == .notFound)
        #expect(try Self.export(world, apiID, query: "exportVersion=some").status == .badRequest)
        let zipAccept = try world.app.send(
            .get, "/api/apis/\(apiID)/package", headers: TestApp.headers(world.admin, ["Accept": "application/zip"]))
        #expect(zipAccept.headers["Content-Type"] == "application/zip")
        let xmlOnly = try world.app.send(
            .get, "/api/apis/\(apiID)/package", headers: TestApp.headers(world.admin, ["Accept": "text/xml"]))
        #expect(xmlOnly.status == .notAcceptable)
        #expect(try world.app.send(.get, "/api/apis/\(apiID)/package").status == .unauthorized)

        let target = try APIWorld()
        #expect(try Self.importPackage(target, Array(zip.body), as: target.bob).status == .forbidden)  // Site Admin only
        #expect(try Self.importPackage(target, Array(zip.body), tenant: "othertenant").status == .notFound)
        #expect(try target.count("apis") == 0)
        let json = try Self.importPackage(target, Array(zip.body))
        #expect(json.status == .ok)
    }

    /// m_apps_exportAppVersion and m_contracts_export: the same kind of ZIP, with their options;
    /// neither is an API package, so the import refuses them.
    @Test func anAppVersionAndAContractExportWithTheirOptions() throws {
        let world = try APIWorld()
        let (_, apiVersionID) = try world.createAPI(sandboxAuto: true)  // Jane's API
        let appVersionID = try world.createApp(as: world.kim)
        let requested = try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID)
        let contractID = try #require(try requested.json()["ContractID"]?.stringValue, "\(requested.text)")
        func get(_ path: String, as session: TestApp.Session, accept: String = "application/octet-stream") throws -> HTTPResponse {
            try world.app.send(.get, path, headers: TestApp.headers(session, ["Accept": accept]))
        }
        func files(_ response: HTTPResponse) throws -> [String: JSONValue] {
            var files: [String: JSONValue] = [:]
            for entry in try ZipArchive.read(Data(response.body)) { files[entry.path] = try JSONParser.parse(entry.bytes) }
            return files
        }

        let appPath = "/api/apps/versions/\(appVersionID)/package"
        let all =
            "?exportVersion=current&migration.app.pki.export=true&migration.export.include.api.connections=true"
            + "&migration.export.include.app.team=true&wrapInHTML=true&document.domain=acmepaymentscorp&download=true"
        let app = try get(appPath + all, as: world.kim)
        #expect(app.status == .ok, "\(app.text)")
        #expect(app.headers["Content-Disposition"] == "attachment; filename=\"appversion-export.zip\"")
        let appFiles = try files(app)
        #expect(appFiles["package.json"]?["AppVersionID"] == .string(appVersionID))
        #expect(appFiles["app_versions.json"]?.arrayValue?.first?["id"] == .string(appVersionID))
        #expect(appFiles["app_versions.json"]?.arrayValue?.first?["shared_secret"]?.stringValue?.isEmpty == false)
        #expect(appFiles["app_team.json"]?.arrayValue?.first?["email"] == .string("kim@acmepaymentscorp.com"))
        #expect(appFiles["contracts.json"]?.arrayValue?.map { $0["id"] } == [.string(contractID)])
        #expect(appFiles["workflow_objects.json"]?.arrayValue?.first?["status"]?.stringValue?.isEmpty == false)
        let plain = try files(try get(appPath, as: world.bob))  // a Business Admin; no options
        #expect(plain["app_versions.json"]?.arrayValue?.first?["shared_secret"] == .null)
        #expect(plain["contracts.json"] == nil && plain["app_team.json"] == nil)
        #expect(try get(appPath, as: world.jane).status == .forbidden)  // sees the Public app, not on its team
        #expect(try get("/api/apps/versions/nosuch.acmepaymentscorp/package", as: world.admin).status == .notFound)

        let contractPath = "/api/contracts/\(contractID)/package"
        let options =
            "?migration.export.include.apis=true&migration.export.include.apps=true&migration.export.include.licenses=true"
            + "&migration.qospolicy.export=true&download=true&wrapInHTML=true"
        // The page's sample sends a browser's Accept; Jane is the API's admin.
        let contract = try get(
            contractPath + options, as: world.jane, accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        #expect(contract.status == .ok, "\(contract.text)")
        #expect(contract.headers["Content-Disposition"] == "attachment; filename=\"apicontract-export.zip\"")
        let contractFiles = try files(contract)
        #expect(contractFiles["contracts.json"]?.arrayValue?.first?["runtime_id"] == .string(appVersionID))
        #expect(contractFiles["api_versions.json"]?.arrayValue?.map { $0["id"] } == [.string(apiVersionID)])
        #expect(contractFiles["app_versions.json"]?.arrayValue?.first?["shared_secret"] == .null)
        #expect(contractFiles["apps.json"] != nil && contractFiles["apis.json"] != nil)
        let bare = try files(try get(contractPath, as: world.kim))
        #expect(Set(bare.keys) == ["package.json", "contracts.json", "workflow_objects.json"])
        #expect(try get("/api/contracts/nosuch.acmepaymentscorp/package", as: world.admin).status == .notFound)

        let target = try APIWorld()
        let refused = try Self.importPackage(target, Array(app.body))
        #expect(refused.status == .badRequest)
        #expect(refused.text.contains("only API packages"), "\(refused.text)")
    }

    /// Into another tenant: ids and the tenant's policy keys move to the target tenant's suffix
    /// and prefix, so the API reads back under the moved id; names and descriptions stay as they are.
    @Test func anotherTenantGetsTheIdsMovedToItsOwn() throws {
        let source = try APIWorld()
        let (apiID, first, _) = try Self.pipelineAPI(source)
        let exported = try Self.export(source, apiID)
        let target = try TestApp(
            tenants: TenantDirectory(defaultTenant: TenantSettings(fedmemberid: "globex")),
            users: [SeedUser(tenant: "globex", email: "admin@globex.com", password: "password", name: "Admin", roles: ["SiteAdmin"])])
        let admin = try target.login("admin@globex.com")
        let boundary = "b"
        let body =
            Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"Package\"; filename=\"api-export.zip\"\r\n\r\n".utf8)
            + exported.body + Array("\r\n--\(boundary)--\r\n".utf8)
        let headers: HTTPHeaders = [
            "Host": "127.0.0.1:8080", "Cookie": admin.cookieHeader, "X-Csrf-Token_globex": admin.csrf,
            "Content-Type": "multipart/form-data; boundary=\(boundary)", "Accept": "application/json"
        ]
        let imported = target.handle(try HTTPRequest(method: .post, target: "/api/tenants/globex/packages", headers: headers, body: body))
        #expect(imported.status == .ok, "\(imported.text)")
        let moved = apiID.replacingOccurrences(of: ".acmepaymentscorp", with: ".globex")
        #expect(try imported.json()["APIID"] == .string(moved))
        let read = { (path: String) throws -> HTTPResponse in
            try target.send(.get, path, headers: ["Cookie": admin.cookieHeader, "Accept": "application/json"])
        }
        let api = try read("/api/apis/\(moved)")
        #expect(api.status == .ok, "\(api.text)")
        #expect(try api.json()["Name"] == .string("Travel Offers"))
        let version = first.replacingOccurrences(of: ".acmepaymentscorp", with: ".globex")
        let policies = try read("/api/apis/versions/\(version)/implementations/live/policies").text
        #expect(policies.contains("globex-OffersThrottle") && policies.contains("globex-BasicAuditing"), "\(policies)")
        #expect(!policies.contains("acmepaymentscorp"))
        #expect(try read("/api/apis/versions/\(version)/licenses").json()["License"]?.arrayValue?.count == 1)
        // Nobody named admin@acmepaymentscorp.com here: the API came without that admin, and the answer says so.
        #expect(try imported.json()["Message"]?.arrayValue?.count == 1)
    }

    /// A package's file replaced by `change` of its JSON.
    static func rewritten(_ zip: [UInt8], _ file: String, _ change: (JSONValue) throws -> JSONValue) throws -> [UInt8] {
        var entries = try ZipArchive.read(Data(zip))
        let index = try #require(entries.firstIndex { $0.path == file })
        entries[index].bytes = JSONWriter.bytes(try change(try JSONParser.parse(entries[index].bytes)))
        return Array(try ZipArchive.write(entries))
    }
}
