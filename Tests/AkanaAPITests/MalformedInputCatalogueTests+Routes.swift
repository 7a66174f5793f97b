import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import Testing
import ZIPFoundation

@testable import AkanaAPI

/// The catalogue over every other mutation route, and the check that no mutation route is left
/// without a case: each case's request line is resolved through the real route table.
extension MalformedInputCatalogueTests {
    /// Every group of cases in the catalogue (the coverage check builds them all).
    static var groups: [(name: String, build: (Bench) throws -> [Case])] {
        [
            ("framing", framingCases), ("login", loginCases), ("apps", appCases), ("models", modelCases),
            ("workflow", workflowCases), ("emulator", emulatorCases), ("apis", apiCases), ("contracts", contractCases),
            ("users", userCases), ("members", memberCases), ("groups", groupCases), ("search", searchCases), ("sessions", sessionCases),
            ("faults", faultCases), ("gateway responses", gatewayResponseCases), ("checkpoints and snapshots", stateCases),
            ("fixtures and clock", fixtureAndClockCases),
            ("encodings", encodingCases), ("implementations and policies", implementationCases), ("licenses and scopes", licenseScopeCases),
            ("business settings", businessSettingsCases), ("traffic and metrics", trafficCases), ("packages", packageCases),
            ("content", contentCases), ("outbox", outboxCases)
        ]
    }

    static var groupNames: [String] { groups.map(\.name) }

    /// Every group of `groups` is sent, each to a fresh emulator: a group named there is both
    /// counted for coverage (below) and run, so no case can be written and never sent.
    @Test(arguments: groupNames)
    func group(_ name: String) throws {
        let bench = try Bench()
        let group = try #require(Self.groups.first { $0.name == name })
        try bench.run(try group.build(bench))
    }

    @Test func everyMutationRouteHasACase() throws {
        let bench = try Bench()
        let router = AkanaRoutes.makeRouter(environment: bench.app.environment)
        let mutations = Set(router.table.filter { $0.method != .get && $0.method != .head }.map { "\($0.method.rawValue) \($0.template)" })
        #expect(mutations.count >= 45)
        var covered = Set<String>()
        for group in Self.groups {
            for entry in try group.build(bench) {
                if let route = Self.route(of: entry, in: router) { covered.insert(route) }
            }
        }
        #expect(
            mutations.subtracting(covered).sorted() == [], "mutation routes without a malformed-input case in MalformedInputCatalogueTests")
    }

    /// "METHOD template" of the route a case's request line reaches, if any.
    static func route(of entry: Case, in router: Router) -> String? {
        let line = entry.bytes.prefix { $0 != 0x0D && $0 != 0x0A }
        let parts = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard parts.count == 3 else { return nil }
        let method = HTTPMethod(rawValue: String(parts[0]))
        guard let request = try? HTTPRequest(method: method, target: String(parts[1])),
            case .matched(_, _, let template) = router.resolve(method: method, segments: request.pathSegments)
        else { return nil }
        return "\(method.rawValue) \(template)"
    }

    // MARK: - Groups

    static func apiCases(_ bench: Bench) throws -> [Case] {
        let (api, version) = try bench.createAPI()
        let other = "nosuch.acmepaymentscorp"
        let boundary = "Bnd42"
        func upload(_ name: String, _ parts: String, contentType: String = "multipart/form-data; boundary=\(boundary)") -> Case {
            bench.post(name, "/api/dropbox/readfiledetails", body: parts, contentType: contentType)
        }
        let filePart =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"api.json\"\r\nContent-Type: application/json\r\n\r\n{}\r\n"
        // Documents uploaded as they are (the dropbox stores anything); creating from them is refused.
        func uploaded(_ fileName: String, _ document: String) throws -> Int64 {
            let response = try bench.app.send(
                .post, "/api/dropbox/readfiledetails",
                headers: TestApp.headers(
                    bench.session, ["Content-Type": "multipart/form-data; boundary=\(boundary)", "Accept": "application/json"]),
                body:
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n\r\n\(document)\r\n--\(boundary)--\r\n"
            )
            return try #require(try response.json()["DropboxFileId"]?.intValue, "\(response.text)")
        }
        var laughs = "openapi: 3.0.0\nl0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...9 {
            laughs += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        let aliasBomb = try uploaded("laughs.yaml", laughs + "? *l9\n: boom\n")
        let tooMany = try uploaded(
            "many.json",
            #"{"openapi":"3.0.0","paths":{"#
                + (0...DescriptorDocument.maxOperations).map { #""/p\#($0)":{"get":{}}"# }.joined(separator: ",")
                + "}}")
        let unknown = try uploaded("notes.txt", "just notes")
        return [
            bench.post(
                "apis: DLDescriptor naming a YAML alias bomb", "/api/apis", json: #"{"DLDescriptor":{"DropboxFileId":\#(aliasBomb)}}"#),
            bench.post(
                "apis: DLDescriptor naming a document with 2,001 operations", "/api/apis",
                json: #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":\#(tooMany)}}}"#),
            bench.post(
                "api versions: DLDescriptor naming a document no parser reads", "/api/apis/\(api)/versions",
                json: #"{"APIVersionInfo":{"Name":"9"},"DLDescriptor":{"DropboxFileId":\#(unknown)}}"#),
            bench.post("apis: truncated JSON", "/api/apis", json: #"{"APIVersionInfo":{"Name":"A""#),
            bench.post("apis: a JSON array", "/api/apis", json: #"[{"APIVersionInfo":{"Name":"A"}}]"#),
            bench.post("apis: no APIVersionInfo", "/api/apis", json: #"{"AddAPIImplementationRequest":[]}"#),
            bench.post("apis: a Name that is a number", "/api/apis", json: #"{"APIVersionInfo":{"Name":7}}"#),
            bench.post(
                "apis: Name over the limit", "/api/apis", json: #"{"APIVersionInfo":{"Name":"\#(String(repeating: "é", count: 256))"}}"#),
            bench.post(
                "apis: invalid UTF-8 in the Description", "/api/apis", json: #"{"APIVersionInfo":{"Name":"A","Description":"d"#,
                invalid: [0xC3, 0x28], tail: #""}}"#),
            bench.post(
                "apis: 101 tags", "/api/apis",
                json: #"{"APIVersionInfo":{"Name":"A","Tag":[\#((0..<101).map { "\"t\($0)\"" }.joined(separator: ","))]}}"#),
            bench.post(
                "apis: an internal DTD subset in XML", "/api/apis",
                body: "<!DOCTYPE x [<!ENTITY e \"A\">]><APIVersionInfo><Name>&e;</Name></APIVersionInfo>", contentType: "application/xml"),
            bench.post("apis: text/plain", "/api/apis", body: "APIVersionInfo", contentType: "text/plain", status: 415),
            bench.post(
                "apis: ServiceDescriptorReference an array", "/api/apis",
                json: #"{"DLDescriptor":{"ServiceDescriptorReference":[{"DropboxFileId":1}]}}"#),
            bench.post(
                "apis: ServiceDescriptorReference without DropboxFileId", "/api/apis",
                json: #"{"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"Petstore","FileName":"Petstore.swagger"}}}"#),
            bench.post(
                "apis: ServiceDescriptorReference DropboxFileId not a number", "/api/apis",
                json: #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":"one"}}}"#),
            bench.post(
                "apis: ServiceDescriptorReference ServiceName an object", "/api/apis",
                json: #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":1,"ServiceName":{"a":1}}}}"#),
            bench.post(
                "apis: ServiceDescriptorReference FileName over the limit", "/api/apis",
                json:
                    #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":1,"FileName":"\#(String(repeating: "f", count: 300))"}}}"#
            ),
            bench.post(
                "apis: ServiceDescriptorReference beside a flat DropboxFileId", "/api/apis",
                json: #"{"DLDescriptor":{"DropboxFileId":1,"ServiceDescriptorReference":{"DropboxFileId":1}}}"#),
            bench.post(
                "apis: ServiceDescriptorReference to a file never uploaded", "/api/apis",
                json: #"{"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"X","DropboxFileId":987654}}}"#),
            bench.post(
                "apis: ServiceDescriptorReference in XML with a DropboxFileId that is text", "/api/apis",
                body:
                    "<APIRequest><DLDescriptor><ServiceDescriptorReference><DropboxFileId>x</DropboxFileId></ServiceDescriptorReference></DLDescriptor></APIRequest>",
                contentType: "application/xml"),
            bench.post(
                "apis: name-only create with ProxyImplementationRequest a string", "/api/apis",
                json:
                    #"{"APIVersionInfo":{"Name":"A"},"AddAPIImplementationRequest":{"CreateMechanism":"PROXY","ProxyImplementationRequest":"x"}}"#
            ),
            bench.request(
                "apis: DELETE an API that does not exist", "DELETE", "/api/apis/\(other)", body: [], contentType: nil, status: 404),
            bench.request(
                "apis: DELETE another tenant's API", "DELETE",
                "/api/apis/\(api.replacingOccurrences(of: ".acmepaymentscorp", with: ".globex"))",
                body: [], contentType: nil, status: 404),
            bench.request(
                "apis: DELETE without the CSRF header", "DELETE", "/api/apis/\(api)", body: [], contentType: nil, csrf: false, status: 401),
            bench.post(
                "api versions: Name over the limit", "/api/apis/\(api)/versions",
                json: #"{"APIVersionInfo":{"Name":"\#(String(repeating: "v", count: 300))"}}"#),
            bench.post(
                "api versions: invalid UTF-8", "/api/apis/\(api)/versions", json: #"{"APIVersionInfo":{"Name":"v"#, invalid: [0xFF],
                tail: #""}}"#),
            bench.post(
                "api versions: an API that does not exist", "/api/apis/\(other)/versions", json: #"{"APIVersionInfo":{"Name":"2"}}"#,
                status: 404),
            bench.post("api versions: a body that is a string", "/api/apis/\(api)/versions", json: #""2.0""#),
            bench.put(
                "api versions: info Description over the limit", "/api/apis/versions/\(version)/info",
                json: #"{"Description":"\#(String(repeating: "d", count: 8_193))"}"#),
            bench.put("api versions: info with a Tag object", "/api/apis/versions/\(version)/info", json: #"{"Tag":[{"x":1}]}"#),
            bench.put(
                "api versions: info with invalid UTF-8", "/api/apis/versions/\(version)/info", json: #"{"Summary":""#, invalid: [0xE2, 0x82]
            ),
            bench.put(
                "api versions: info nested 65 deep", "/api/apis/versions/\(version)/info",
                json: String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)),
            bench.request(
                "api versions: DELETE a version that does not exist", "DELETE", "/api/apis/versions/\(other)", body: [], contentType: nil,
                status: 404),
            bench.post("api versions: action without ActionName", "/api/apis/versions/\(version)/action", json: #"{"Comments":"c"}"#),
            bench.post("api versions: action name that is a number", "/api/apis/versions/\(version)/action", json: #"{"ActionName":1}"#),
            bench.post(
                "api versions: truncated XML action", "/api/apis/versions/\(version)/action",
                body: "<Action><ActionName>x</ActionName>", contentType: "application/xml"),
            bench.post(
                "api versions: action comment over the limit", "/api/apis/versions/\(version)/action",
                json: #"{"ActionName":"api.action.submit","Comments":"\#(String(repeating: "c", count: 8_193))"}"#),
            upload("dropbox: not multipart", "{}", contentType: "application/json"),
            upload("dropbox: no boundary", filePart, contentType: "multipart/form-data"),
            upload(
                "dropbox: no file part",
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"wrapInHTML\"\r\n\r\nfalse\r\n--\(boundary)--\r\n"),
            upload(
                "dropbox: wrapInHTML neither true nor false",
                filePart + "--\(boundary)\r\nContent-Disposition: form-data; name=\"wrapInHTML\"\r\n\r\nmaybe\r\n--\(boundary)--\r\n"),
            upload("dropbox: body never closed", filePart),
            upload(
                "dropbox: file name over the limit",
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(String(repeating: "f", count: 300)).json\"\r\n\r\n{}\r\n--\(boundary)--\r\n"
            )
        ]
    }

    static func contractCases(_ bench: Bench) throws -> [Case] {
        let (_, apiVersion) = try bench.createAPI()
        let contract = try bench.createContract(apiVersionID: apiVersion)
        let other = "nosuch.acmepaymentscorp"
        return [
            bench.post(
                "contracts: no APIVersionID", "/api/contracts", json: #"{"RuntimeID":"\#(bench.versionID)","Environment":"Sandbox"}"#),
            bench.post(
                "contracts: an APIVersionID that is a number", "/api/contracts",
                json: #"{"APIVersionID":5,"RuntimeID":"\#(bench.versionID)"}"#),
            bench.post(
                "contracts: an app version that does not exist", "/api/contracts",
                json: #"{"APIVersionID":"\#(apiVersion)","RuntimeID":"\#(other)","Environment":"Sandbox"}"#, status: 404),
            bench.post(
                "contracts: Environment over the limit", "/api/contracts",
                json:
                    #"{"APIVersionID":"\#(apiVersion)","RuntimeID":"\#(bench.versionID)","Environment":"\#(String(repeating: "e", count: 256))"}"#
            ),
            bench.post("contracts: invalid UTF-8", "/api/contracts", json: #"{"APIVersionID":""#, invalid: [0xF0, 0x28, 0x8C, 0x28]),
            bench.post(
                "contracts: ContractScope a string", "/api/contracts",
                json: #"{"APIVersionID":"\#(apiVersion)","RuntimeID":"\#(bench.versionID)","Environment":"Live","ContractScope":"all"}"#),
            bench.post(
                "contracts: an entity in XML", "/api/contracts",
                body: "<!DOCTYPE Contract [<!ENTITY x \"y\">]><Contract><APIVersionID>&x;</APIVersionID></Contract>",
                contentType: "application/xml"),
            bench.put("contracts: PUT truncated JSON", "/api/contracts/\(contract)", json: #"{"ContractScope":"#),
            bench.put(
                "contracts: PUT a LicenseID that is an object", "/api/contracts/\(contract)",
                json: #"{"ContractScope":{"LicenseID":[{"a":1}]}}"#),
            bench.put(
                "contracts: PUT a contract that does not exist", "/api/contracts/\(other)", json: #"{"ContractScope":{"LicenseID":[]}}"#,
                status: 404),
            bench.post("contracts: action without ActionName", "/api/contracts/\(contract)/actions", json: #"{"Comments":["c"]}"#),
            bench.post(
                "contracts: an unknown action", "/api/contracts/\(contract)/actions", json: #"{"ActionName":"contract.action.nosuch"}"#),
            bench.post(
                "contracts: action on a contract that does not exist", "/api/contracts/\(other)/actions",
                json: #"{"ActionName":"contract.action.cancel"}"#, status: 404),
            // Issue 27: only an active contract is revised, and @Revise is the platform's initial action.
            bench.post(
                "contracts: a second request while the first is pending approval", "/api/contracts",
                json: #"{"APIVersionID":"\#(apiVersion)","RuntimeID":"\#(bench.versionID)","Environment":"Sandbox"}"#, status: 409),
            bench.post(
                "contracts: @Revise performed as an action", "/api/contracts/\(contract)/actions", json: #"{"ActionName":"@Revise"}"#),
            bench.post(
                "contracts: 101 comments", "/api/contracts/\(contract)/actions",
                json: #"{"ActionName":"contract.action.cancel","Comments":[\#((0..<101).map { "\"c\($0)\"" }.joined(separator: ","))]}"#)
        ]
    }

    static func implementationCases(_ bench: Bench) throws -> [Case] {
        let (_, version) = try bench.createAPI()
        let implementations = "/api/apis/versions/\(version)/implementations"
        let info = "\(implementations)/Sandbox/info"
        let policies = "\(implementations)/Live/policies"
        let other = "nosuch.acmepaymentscorp"
        let key = "acmepaymentscorp-DetailedAuditing"
        return [
            bench.post("implementations: truncated JSON", implementations, json: #"{"ImplementationCode":"Sand"#),
            bench.post("implementations: a JSON array", implementations, json: #"[{"ImplementationCode":"Sandbox"}]"#),
            bench.post("implementations: no ImplementationCode", implementations, json: #"{"CreateMechanism":"PROXY"}"#),
            bench.post("implementations: ImplementationCode a number", implementations, json: #"{"ImplementationCode":1}"#),
            bench.post("implementations: an unknown ImplementationCode", implementations, json: #"{"ImplementationCode":"Staging"}"#),
            bench.post(
                "implementations: an unknown CreateMechanism", implementations,
                json: #"{"ImplementationCode":"Sandbox","CreateMechanism":"TELEPORT"}"#),
            bench.post(
                "implementations: a TargetEndpointURL that is not http", implementations,
                json: #"{"ImplementationCode":"Sandbox","ProxyImplementationRequest":{"TargetEndpointURL":["file:///etc/passwd"]}}"#),
            bench.post(
                "implementations: ProxyImplementationRequest a string", implementations,
                json: #"{"ImplementationCode":"Sandbox","ProxyImplementationRequest":"x"}"#),
            bench.post(
                "implementations: another APIVersionID in the body", implementations,
                json: #"{"ImplementationCode":"Sandbox","APIVersionID":"\#(other)"}"#),
            bench.post(
                "implementations: a code the version has", implementations, json: #"{"ImplementationCode":"Live"}"#, status: 409),
            bench.post(
                "implementations: a version that does not exist", "/api/apis/versions/\(other)/implementations",
                json: #"{"ImplementationCode":"Sandbox"}"#, status: 404),
            bench.post(
                "implementations: an entity in XML", implementations,
                body:
                    "<!DOCTYPE x [<!ENTITY e \"Sandbox\">]><AddAPIImplementationRequest><ImplementationCode>&e;</ImplementationCode></AddAPIImplementationRequest>",
                contentType: "application/xml"),
            bench.put("implementations: info truncated JSON", info, json: #"{"Description":"#),
            bench.put("implementations: info a Pattern that is not one", info, json: #"{"Pattern":"proxy"}"#),
            bench.put("implementations: info AnonymousAccessAllowed not a flag", info, json: #"{"AnonymousAccessAllowed":"maybe"}"#),
            bench.put(
                "implementations: info Description over the limit", info,
                json: #"{"Description":"\#(String(repeating: "d", count: 8193))"}"#),
            bench.put(
                "implementations: info on an implementation that does not exist", "\(implementations)/Staging/info",
                json: #"{"Description":"x"}"#, status: 404),
            bench.put("policies: truncated JSON", policies, json: #"{"Policy":[{"PolicyKey":"#),
            bench.put("policies: an unknown PolicyKey", policies, json: #"{"Policy":[{"PolicyKey":"acmepaymentscorp-NoSuchPolicy"}]}"#),
            bench.put("policies: another tenant's key", policies, json: #"{"Policy":[{"PolicyKey":"othertenant-DetailedAuditing"}]}"#),
            bench.put("policies: a PolicyKey that is a number", policies, json: #"{"Policy":[{"PolicyKey":7}]}"#),
            bench.put("policies: a Policy without PolicyKey", policies, json: #"{"Policy":[{"Name":"DetailedAuditing"}]}"#),
            bench.put("policies: Policy a string", policies, json: #"{"Policy":"\#(key)"}"#),
            bench.put(
                "policies: 101 policies", policies,
                json: #"{"Policy":[\#((0..<101).map { _ in #"{"PolicyKey":"\#(key)"}"# }.joined(separator: ","))]}"#),
            bench.put(
                "policies: an operation the version does not have", policies,
                json: #"{"ApiOperationPolicy":[{"Operation":{"Name":"findPets"},"Policy":[{"PolicyKey":"\#(key)"}]}]}"#),
            bench.put("policies: an operation without Name", policies, json: #"{"ApiOperationPolicy":[{"Operation":{},"Policy":[]}]}"#),
            bench.put(
                "policies: an implementation that does not exist", "\(implementations)/Staging/policies", json: #"{"Policy":[]}"#,
                status: 404)
        ]
    }

    // MARK: - Licenses and scopes (issue 26 parts 4, 5)

    static func licenseScopeCases(_ bench: Bench) throws -> [Case] {
        let (_, apiVersion) = try bench.createAPI()
        try bench.app.pool.write { db in
            try APIRepository.replaceOperations(
                db, apiVersionID: apiVersion, [APIOperation(name: "listPayments", method: "GET", path: "/payments", description: "")])
        }
        let scope = try bench.created(
            "/api/businesses/tenantbusiness.acmepaymentscorp/resources", #"{"Name":"Catalogue scope"}"#, id: "ResourceID")
        let license = try bench.created(
            "/api/licenses", #"{"Name":"Catalogue","LicenseParts":{"LicensePart":[{"ResourceID":["\#(scope)"]}]}}"#, id: "LicenseID")
        let scopes = "/api/businesses/tenantbusiness.acmepaymentscorp/resources"
        let other = "nosuch.acmepaymentscorp"
        return [
            bench.post("scopes: no Name", scopes, json: #"{"ShortDescription":"s"}"#),
            bench.post("scopes: Name a number", scopes, json: #"{"Name":5}"#),
            bench.post("scopes: an unknown Visibility", scopes, json: #"{"Name":"n","Visibility":"Secret"}"#),
            bench.post("scopes: a flag that is no boolean", scopes, json: #"{"Name":"n","OAuthGrantDefaultResource":"maybe"}"#),
            bench.post("scopes: a parent that does not exist", scopes, json: #"{"Name":"n","ParentResourceID":"\#(other)"}"#),
            bench.post("scopes: truncated JSON", scopes, json: #"{"Name":"#),
            bench.post("scopes: invalid UTF-8", scopes, json: #"{"Name":""#, invalid: [0xC3, 0x28]),
            bench.post("scopes: another business", "/api/businesses/tenantbusiness.other/resources", json: #"{"Name":"n"}"#, status: 404),
            bench.put("scopes: PUT a blank Name", "/api/businesses/resources/\(scope)", json: #"{"Name":" "}"#),
            bench.put("scopes: PUT a scope that does not exist", "/api/businesses/resources/\(other)", json: #"{"Name":"n"}"#, status: 404),
            bench.request(
                "scopes: DELETE a scope that does not exist", "DELETE", "/api/businesses/resources/\(other)", body: [], contentType: nil,
                status: 404),
            bench.post("licenses: no Name", "/api/licenses", json: #"{"Description":"d"}"#),
            bench.post(
                "licenses: a scope that does not exist", "/api/licenses",
                json: #"{"Name":"n","LicenseParts":{"LicensePart":[{"ResourceID":["\#(other)"]}]}}"#),
            bench.post(
                "licenses: a blank PolicyKey", "/api/licenses",
                json: #"{"Name":"n","LicenseParts":{"LicensePart":[{"ResourceID":["\#(scope)"],"PolicyKey":["  "]}]}}"#),
            bench.post(
                "licenses: a PolicyKey the catalogue does not have", "/api/licenses",
                json:
                    #"{"Name":"n","LicenseParts":{"LicensePart":[{"ResourceID":["\#(scope)"],"PolicyKey":["acmepaymentscorp-NotShipped"]}]}}"#
            ),
            bench.post("licenses: an unknown Environment", "/api/licenses", json: #"{"Name":"n","Environment":["Staging"]}"#),
            bench.post("licenses: LicenseParts a string", "/api/licenses", json: #"{"Name":"n","LicenseParts":"all"}"#),
            bench.post(
                "licenses: an entity in XML", "/api/licenses",
                body: "<!DOCTYPE License [<!ENTITY x \"y\">]><License><Name>&x;</Name></License>", contentType: "application/xml"),
            bench.put("licenses: PUT a flag that is a number", "/api/licenses/\(license)", json: #"{"SandboxAccessAutoApproved":1}"#),
            bench.put("licenses: PUT a license that does not exist", "/api/licenses/\(other)", json: #"{"Name":"n"}"#, status: 404),
            bench.request(
                "licenses: DELETE a license that does not exist", "DELETE", "/api/licenses/\(other)", body: [], contentType: nil,
                status: 404),
            bench.put(
                "operation scopes: an operation the version does not have", "/api/apis/versions/\(apiVersion)/resources",
                json: #"{"OperationResource":[{"OperationName":"nosuch","ResourceID":["\#(scope)"]}]}"#),
            bench.put(
                "operation scopes: a scope that does not exist", "/api/apis/versions/\(apiVersion)/resources",
                json: #"{"OperationResource":[{"OperationName":"listPayments","ResourceID":["\#(other)"]}]}"#),
            bench.put("operation scopes: no OperationResource", "/api/apis/versions/\(apiVersion)/resources", json: #"{}"#),
            bench.put(
                "operation scopes: a version that does not exist", "/api/apis/versions/\(other)/resources",
                json: #"{"OperationResource":[]}"#,
                status: 404)
        ]
    }

    /// POST /api/tenants/{FedmemberID}/packages: malicious ZIPs (traversal, absolute path, symlink,
    /// bomb, more entries than the import reads) and packages whose JSON or references are wrong,
    /// each a 4xx that imports nothing.
    static func packageCases(_ bench: Bench) throws -> [Case] {
        let (api, _) = try bench.createAPI()
        let exported = try bench.app.send(
            .get, "/api/apis/\(api)/package?migration.export.include.scopes=true",
            headers: TestApp.headers(bench.session, ["Accept": "application/octet-stream"]))
        try #require(exported.status == .ok, "\(exported.text)")
        let valid = try ZipArchive.read(Data(exported.body))
        let path = "/api/tenants/acmepaymentscorp/packages"
        let boundary = "PkgBnd"
        func upload(_ name: String, _ zip: [UInt8], part: String = "Package", target: String = path, status: Int? = 400) -> Case {
            let head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part)\"; filename=\"api-export.zip\"\r\n\r\n"
            return bench.post(
                "packages: \(name)", target, bytes: Array(head.utf8) + zip + Array("\r\n--\(boundary)--\r\n".utf8),
                contentType: "multipart/form-data; boundary=\(boundary)", status: status)
        }
        func package(_ entries: [ZipArchive.Entry]) throws -> [UInt8] { Array(try ZipArchive.write(entries)) }
        func with(_ file: String, _ text: String) throws -> [UInt8] {
            try package(valid.filter { $0.path != file } + [ZipArchive.Entry(path: file, bytes: Array(text.utf8))])
        }
        /// The package with the first row (or the object) of `file` changed: `member` set to `value`.
        func edited(_ file: String, _ member: String, _ value: JSONValue) throws -> [UInt8] {
            let entry = try #require(valid.first { $0.path == file })
            var json = try JSONParser.parse(entry.bytes)
            func set(_ object: JSONValue) -> JSONValue {
                let members = object.objectMembers ?? []
                return .object(
                    members.contains { $0.0 == member }
                        ? members.map { $0.0 == member ? (member, value) : $0 } : members + [(member, value)])
            }
            if var rows = json.arrayValue, !rows.isEmpty {
                rows[0] = set(rows[0])
                json = .array(rows)
            } else {
                json = set(json)
            }
            return try with(file, JSONWriter.string(json))
        }
        let symlink = try Archive(data: try ZipArchive.write(valid), accessMode: .update)
        try symlink.addEntry(with: "documents/link", type: .symlink, uncompressedSize: Int64(11)) { (_: Int64, _: Int) in
            Data("/etc/passwd".utf8)
        }
        let many = (0...PackageService.zipLimits.maxEntries).map { ZipArchive.Entry(path: "documents/f\($0)", bytes: [1]) }
        let bomb = ZipArchive.Entry(path: "documents/zeros.bin", bytes: [UInt8](repeating: 0, count: 4 << 20))
        return [
            upload("not a ZIP", Array("PK\u{3}\u{4} hello".utf8)),
            upload("a traversal entry", try package(valid + [ZipArchive.Entry(path: "../evil.json", bytes: [1])])),
            upload("an absolute entry path", try package(valid + [ZipArchive.Entry(path: "/etc/passwd", bytes: [1])])),
            upload("a symlink entry", Array(try #require(symlink.data))),
            upload("a ZIP bomb", try package(valid + [bomb])),
            upload("more entries than an import reads", try package(valid + many)),
            upload("package.json not JSON", try with("package.json", #"{"Format":"akana-emulator/api-package","#)),
            upload("no package.json", try package(valid.filter { $0.path != "package.json" })),
            upload("a package from a newer version", try edited("package.json", "Version", .string("0.9.0"))),
            upload("a package from another major version", try edited("package.json", "Version", .string("1.0.0"))),
            upload("an unknown member in apis.json", try edited("apis.json", "rowid", .integer(1))),
            upload("a version of another API", try edited("api_versions.json", "api_id", .string("other.acmepaymentscorp"))),
            upload("a number where a string goes", try edited("apis.json", "name", .integer(7))),
            upload("a NUL in a name", try edited("apis.json", "name", .string("a\u{0}b"))),
            upload("an implementation code outside Sandbox and Live", try edited("api_implementations.json", "code", .string("Staging"))),
            upload("a descriptor the package lacks", try edited("api_versions.json", "descriptor_file_id", .integer(99))),
            upload(
                "a document path that climbs",
                try with("documents.json", #"[{"path":"../../x","is_folder":1,"media_type":"","created":"t","updated":"t"}]"#)),
            upload("a file outside the layout", try package(valid + [ZipArchive.Entry(path: "notes/readme.txt", bytes: [1])])),
            upload("no Package part", try package(valid), part: "File"),
            bench.post("packages: not multipart", path, body: "Package", contentType: "text/plain", status: 415),
            upload("another tenant", try package(valid), target: "/api/tenants/othertenant/packages", status: 404)
        ]
    }

    static func userCases(_ bench: Bench) throws -> [Case] {
        let jane = try bench.janeID()
        let admin = try bench.adminID()
        let valid = #""FirstName":"New","LastName":"User","Email":"new.user@acmepaymentscorp.com""#
        return [
            bench.post("users: no Password", "/api/users", json: "{\(valid)}"),
            bench.post(
                "users: an Email that is not one", "/api/users",
                json: #"{"FirstName":"N","LastName":"U","Email":"not-an-email","Password":"p"}"#),
            bench.post(
                "users: a FirstName that is a number", "/api/users",
                json: #"{"FirstName":1,"LastName":"U","Email":"n@acmepaymentscorp.com","Password":"p"}"#),
            bench.post(
                "users: LastName over the limit", "/api/users",
                json:
                    #"{"FirstName":"N","LastName":"\#(String(repeating: "l", count: 256))","Email":"n@acmepaymentscorp.com","Password":"p"}"#
            ),
            bench.post(
                "users: Password over the limit", "/api/users", json: #"{\#(valid),"Password":"\#(String(repeating: "é", count: 1_025))"}"#),
            bench.post(
                "users: ForcePasswordChangeOnLogin maybe", "/api/users",
                json: #"{\#(valid),"Password":"p","ForcePasswordChangeOnLogin":"maybe"}"#),
            bench.post("users: invalid UTF-8 in the Password", "/api/users", json: #"{\#(valid),"Password":"p"#, invalid: [0xC0, 0x80]),
            bench.post(
                "users: an email that is taken", "/api/users",
                json: #"{"FirstName":"J","LastName":"D","Email":"\#(TestApp.jane)","Password":"p"}"#, status: 409),
            bench.post(
                "users: form-encoded", "/api/users", body: "FirstName=N&LastName=U", contentType: "application/x-www-form-urlencoded",
                status: 415),
            bench.request(
                "users: DELETE a user that does not exist", "DELETE", "/api/users/nosuch.acmepaymentscorp", body: [], contentType: nil,
                status: 404),
            bench.request(
                "users: DELETE without a session", "DELETE", "/api/users/\(jane)", body: [], contentType: nil, auth: false, status: 401),
            bench.put(
                "password: NewPassword over the limit", "/api/users/\(jane)/password",
                json: #"{"NewPassword":"\#(String(repeating: "n", count: 100_000))"}"#),
            bench.put("password: no NewPassword", "/api/users/\(jane)/password", json: #"{"OldPassword":"password"}"#),
            bench.put("password: NewPassword a number", "/api/users/\(jane)/password", json: #"{"NewPassword":12345678}"#),
            bench.put(
                "password: OldPassword an array", "/api/users/\(admin)/password", json: #"{"OldPassword":["password"],"NewPassword":"n"}"#),
            bench.put(
                "password: the wrong OldPassword", "/api/users/\(admin)/password", json: #"{"OldPassword":"wrong","NewPassword":"n"}"#,
                status: 403),
            bench.put(
                "password: a user that does not exist", "/api/users/nosuch.acmepaymentscorp/password", json: #"{"NewPassword":"n"}"#,
                status: 404),
            bench.put("password: invalid UTF-8", "/api/users/\(jane)/password", json: #"{"NewPassword":"n"#, invalid: [0xED, 0xA0, 0x80])
        ]
    }

    static func memberCases(_ bench: Bench) throws -> [Case] {
        let app = bench.appID
        let jane = try bench.janeID()
        return [
            bench.post("members: no Message", "/api/apps/\(app)/members", json: #"{"Email":"\#(TestApp.jane)"}"#),
            bench.post("members: no Email", "/api/apps/\(app)/members", json: #"{"Message":"join"}"#),
            bench.post(
                "members: an Email that is no user", "/api/apps/\(app)/members",
                json: #"{"Email":"nobody@acmepaymentscorp.com","Message":"join"}"#),
            bench.post("members: Email a number", "/api/apps/\(app)/members", json: #"{"Email":42,"Message":"join"}"#),
            bench.post(
                "members: Message over the limit", "/api/apps/\(app)/members",
                json: #"{"Email":"\#(TestApp.jane)","Message":"\#(String(repeating: "é", count: 8_193))"}"#),
            bench.post(
                "members: invalid UTF-8 in the Message", "/api/apps/\(app)/members", json: #"{"Email":"\#(TestApp.jane)","Message":"m"#,
                invalid: [0xFE]),
            bench.post(
                "members: an app that does not exist", "/api/apps/nosuch.acmepaymentscorp/members",
                json: #"{"Email":"\#(TestApp.jane)","Message":"join"}"#, status: 404),
            bench.post("members: a JSON string", "/api/apps/\(app)/members", json: #""jane""#),
            bench.request(
                "members: DELETE someone who is not a member", "DELETE", "/api/apps/\(app)/members/\(jane)", body: [], contentType: nil),
            bench.request(
                "members: DELETE from an app that does not exist", "DELETE", "/api/apps/nosuch.acmepaymentscorp/members/\(jane)",
                body: [], contentType: nil, status: 404)
        ]
    }

    /// /api/groups…: bad groups, membership requests and actions. The setup invites Jane into the
    /// app's team (before the catalogue's fingerprint), so an action case has a request to act on.
    static func groupCases(_ bench: Bench) throws -> [Case] {
        let invited = try bench.app.send(
            .post, "/api/apps/\(bench.appID)/members",
            headers: TestApp.headers(bench.session, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Email":"\#(TestApp.jane)","Message":"join"}"#)
        try #require(invited.status == .ok, "\(invited.text)")
        let request = "/api/groups/requests/\(invited.text)/actions"
        let team = "/api/groups/appteam-\(bench.appID)"
        let admins = "/api/groups/tenantadmin.acmepaymentscorp/members"
        let admin = try bench.adminID()
        return [
            bench.post("groups: not an object", "/api/groups", json: "[1]"),
            bench.post("groups: no Name", "/api/groups", json: #"{"Group":{"Description":"x"}}"#),
            bench.post("groups: a blank Name", "/api/groups", json: #"{"Group":{"Name":"  "}}"#),
            bench.post(
                "groups: Name over the limit", "/api/groups", json: #"{"Group":{"Name":"\#(String(repeating: "é", count: 256))"}}"#),
            bench.post(
                "groups: a GroupType other than independent", "/api/groups",
                json: #"{"Group":{"Name":"x","GroupType":"com.soa.group.type.appteam"}}"#),
            bench.post("groups: Tag a number", "/api/groups", json: #"{"Group":{"Name":"x","Tag":42}}"#),
            bench.post("groups: an unknown Visibility", "/api/groups", json: #"{"Group":{"Name":"x","Visibility":"Galaxy"}}"#),
            bench.post(
                "groups: invalid UTF-8 in the Name", "/api/groups", json: #"{"Group":{"Name":"x"#, invalid: [0xC0, 0xAF], tail: #""}}"#),
            bench.post("invite: neither Email nor UserID", admins, json: #"{"Message":"join"}"#),
            bench.post("invite: no Message", admins, json: #"{"Email":"\#(TestApp.jane)"}"#),
            bench.post("invite: an unknown Role", admins, json: #"{"Email":"\#(TestApp.jane)","Message":"m","Role":"owner"}"#),
            bench.post("invite: an Email that is no user", admins, json: #"{"Email":"nobody@acmepaymentscorp.com","Message":"m"}"#),
            bench.post("invite: a UserID that is no user", admins, json: #"{"UserID":"nosuch.acmepaymentscorp","Message":"m"}"#),
            bench.post("invite: Role a number", admins, json: #"{"Email":"\#(TestApp.jane)","Message":"m","Role":1}"#),
            bench.post(
                "invite: a group that does not exist", "/api/groups/nosuch.acmepaymentscorp/members",
                json: #"{"Email":"\#(TestApp.jane)","Message":"m"}"#, status: 404),
            bench.post("actions: no ActionName", request, json: "{}"),
            bench.post("actions: ActionName a number", request, json: #"{"ActionName":7}"#),
            bench.post("actions: an unknown action", request, json: #"{"ActionName":"group.membership.action.promote"}"#),
            bench.post(
                "actions: a request that does not exist", "/api/groups/requests/nosuch.acmepaymentscorp/actions",
                json: #"{"ActionName":"group.membership.action.accept"}"#, status: 404),
            bench.request(
                "members: DELETE someone who is not a member", "DELETE", "\(admins)/nosuch.acmepaymentscorp", body: [], contentType: nil,
                status: 404),
            bench.request("groups: DELETE an app's team", "DELETE", team, body: [], contentType: nil, status: 409),
            bench.request(
                "groups: DELETE a group that does not exist", "DELETE", "/api/groups/nosuch.acmepaymentscorp", body: [], contentType: nil,
                status: 404),
            bench.request(
                "members: DELETE the team's last admin", "DELETE", "\(team)/members/\(admin)", body: [], contentType: nil, status: 409)
        ]
    }

    /// GET /api/search and /api/apps/versions: hostile query parameters.
    static func searchCases(_ bench: Bench) -> [Case] {
        func get(_ name: String, _ target: String) -> Case { bench.request(name, "GET", target, body: [], contentType: nil, status: 400) }
        return [
            get("search: q over the limit", "/api/search?q=" + String(repeating: "a%20", count: 600)),
            get("search: a term over the limit", "/api/search?q=" + String(repeating: "w", count: 256)),
            get("search: too many terms", "/api/search?q=" + (0..<33).map { "t\($0)" }.joined(separator: "+")),
            get("search: parentheses", "/api/search?q=%28a+OR+b%29"),
            get("search: an unknown type", "/api/search?q=type:galaxy"),
            get("search: too many wildcards", "/api/search?q=" + String(repeating: "a*", count: 9)),
            get("search: sortBy unknown", "/api/search?q=a&sortBy=galaxy"),
            get("search: sort sideways", "/api/search?q=a&sort=sideways"),
            get("search: start not a number", "/api/search?q=a&start=-x"),
            get("search: count of ten digits", "/api/search?q=a&count=1234567890"),
            get("search: Federation maybe", "/api/search?q=a&Federation=maybe"),
            get("search: q not UTF-8", "/api/search?q=%C3%28"),
            get("app versions: no Identity", "/api/apps/versions"),
            get("app versions: Identity over the limit", "/api/apps/versions?Identity=" + String(repeating: "i", count: 256))
        ]
    }

    /// Routes without a body: wrong sessions, unacceptable representations.
    static func sessionCases(_ bench: Bench) -> [Case] {
        func header(_ name: String, _ method: String, _ path: String, _ headers: String, status: Int) -> Case {
            Case(
                name: name,
                bytes: Array(
                    "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\(headers)\r\n".utf8),
                status: status)
        }
        return [
            header("renewToken: no session", "POST", "/api/login/renewToken", "Accept: */*\r\n", status: 401),
            header(
                "renewToken: a forged session cookie", "POST", "/api/login/renewToken",
                "Accept: */*\r\nCookie: AtmoAuthToken_acmepaymentscorp=TokenID%3Dforged%2Cexpires%3D0\r\n", status: 401),
            header("logout: no session", "POST", "/api/login/logout", "Accept: */*\r\n", status: 401),
            header("logout: a cookie header of garbage", "POST", "/api/login/logout", "Accept: */*\r\nCookie: ;;;=\u{7F}\r\n", status: 400),
            bench.post(
                "ssoLogin: JSON", "/api/login/ssoLogin", body: #"{"domain":"siteusers"}"#, contentType: "application/json", auth: false,
                status: 415),
            bench.post(
                "ssoLogin: secret_password over the limit", "/api/login/ssoLogin",
                body: "domain=siteusers&identity_username=jane%40acmepaymentscorp.com&secret_password="
                    + String(repeating: "%C3%A9", count: 1_025),
                contentType: "application/x-www-form-urlencoded", auth: false),
            bench.post(
                "ssoLogin: an unknown domain", "/api/login/ssoLogin", body: "domain=ldap&identity_username=j&secret_password=p",
                contentType: "application/x-www-form-urlencoded", auth: false),
            bench.post(
                "ssoLogin: a bad escape", "/api/login/ssoLogin", body: "domain=%zz", contentType: "application/x-www-form-urlencoded",
                auth: false),
            bench.post(
                "ssoLogin: invalid UTF-8", "/api/login/ssoLogin", bytes: Array("domain=siteusers&identity_username=".utf8) + [0xFF],
                contentType: "application/x-www-form-urlencoded", auth: false)
        ]
    }

    /// The content store (`/content`, `/resources`): hostile ZIPs (traversal, bomb, symlink, too many
    /// entries), paths that leave the store, bodies of the wrong kind. Each a 4xx that writes nothing.
    static func contentCases(_ bench: Bench) throws -> [Case] {
        let boundary = "Zb42"
        let multipart = "multipart/form-data; boundary=\(boundary)"
        func file(_ name: String, _ bytes: [UInt8]) -> [UInt8] {
            Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"File\"; filename=\"\(name)\"\r\n\r\n".utf8) + bytes
                + Array("\r\n--\(boundary)--\r\n".utf8)
        }
        func upload(_ name: String, _ path: String, _ zip: [UInt8], status: Int? = 400) -> Case {
            bench.post(name, path, bytes: file("site.zip", zip), contentType: multipart, status: status)
        }
        func form(_ name: String, _ path: String, _ body: String, status: Int? = 400) -> Case {
            bench.post(name, path, body: body, contentType: "application/x-www-form-urlencoded", status: status)
        }
        let traversal = Array(
            try ZipArchive.write([.init(path: "index.htm", bytes: [1]), .init(path: "../../../etc/cron.d/x", bytes: [2])]))
        let absolute = Array(try ZipArchive.write([.init(path: "/etc/passwd", bytes: [2])]))
        let bomb = Array(try ZipArchive.write([.init(path: "zeros.bin", bytes: [UInt8](repeating: 0, count: 16 << 20))]))
        return [
            upload("content: ZIP entry ../../../etc/cron.d/x", "/content/home/landing?unpack=true", traversal),
            upload("content: ZIP entry with an absolute path", "/content/home/landing?unpack=true", absolute),
            upload("content: ZIP bomb (16 MiB of zeros)", "/content/home/landing?unpack=true", bomb),
            upload("content: ZIP symlink entry", "/content/home/landing?unpack=true", HostileZips.symlink()),
            upload("content: ZIP whose deflate stream never ends", "/content/home/landing?unpack=true", HostileZips.unendingDeflate()),
            upload("content: ZIP of 10,001 entries", "/content/home/landing?unpack=true", HostileZips.manyEntries(10_001)),
            upload(
                "content: ZIP of 100,000 entries (over the body limit)", "/content/home/landing?unpack=true",
                HostileZips.manyEntries(100_000), status: 413),
            upload("content: unpack=true on bytes that are not a ZIP", "/content/home/landing?unpack=true", Array("PK\u{3}\u{4}junk".utf8)),
            upload("content: unpack neither true nor false", "/content/home/landing?unpack=perhaps", [1]),
            upload("content: a path with ..", "/content/home/%2E%2E/%2E%2E/x", [1]),
            upload("content: a path with a backslash", "/content/home%5C..%5Cx", [1]),
            bench.post("content: a file name of ..", "/content/home", bytes: file("..", [1]), contentType: multipart, status: 400),
            bench.post(
                "content: multipart without a File part", "/content/home",
                body: "--\(boundary)\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--\(boundary)--\r\n",
                contentType: multipart),
            bench.post(
                "content: multipart never closed", "/content/home", bytes: Array(file("a.htm", [1]).dropLast(8)), contentType: multipart),
            bench.post("content: JSON body", "/content/home", body: "{}", contentType: "application/json", status: 415),
            form("content: an empty new file", "/content/home/empty.htm", "body="),
            form("content: folder neither true nor false", "/content/docs", "folder=maybe"),
            form("content: type over the limit", "/content/home/a.htm", "body=x&type=text/\(String(repeating: "x", count: 300))"),
            bench.post(
                "content: form with invalid UTF-8", "/content/home/a.htm", bytes: Array("body=".utf8) + [0xC3, 0x28],
                contentType: "application/x-www-form-urlencoded"),
            bench.post(
                "content: a form without a session", "/content/home/a.htm", body: "body=x",
                contentType: "application/x-www-form-urlencoded",
                auth: false, status: 401),
            bench.request(
                "content: DELETE what does not exist", "DELETE", "/content/home/none.htm", body: [], contentType: nil, status: 404),
            bench.request(
                "content: DELETE without the CSRF header", "DELETE", "/content/home/none.htm", body: [], contentType: nil, csrf: false,
                status: 401),
            upload("resources: ZIP entry ../x", "/resources/theme/hermosa?unpack=true", traversal),
            form("resources: a folder whose parent does not exist", "/resources/images/icons", "folder=true", status: 404),
            bench.request(
                "resources: DELETE what does not exist", "DELETE", "/resources/theme/none", body: [], contentType: nil, status: 404),
            form("generatestyles: a theme with a slash", "/resources/branding/generatestyles", "theme=a/b"),
            form(
                "generatestyles: a theme over the limit", "/resources/branding/generatestyles",
                "theme=\(String(repeating: "t", count: 256))"),
            bench.post(
                "generatestyles: a JSON body", "/resources/branding/generatestyles", body: "{}", contentType: "application/json",
                status: 415)
        ]
    }

    static func businessSettingsCases(_ bench: Bench) throws -> [Case] {
        let business = "/api/businesses/tenantbusiness.acmepaymentscorp"
        return [
            bench.put("security settings: not an object", "\(business)/securitysettings", json: "[1]"),
            bench.put(
                "security settings: a switch that is not a feature value", "\(business)/securitysettings",
                json: #"{"ReadRequestCSRFSupport":"on"}"#),
            bench.put("security settings: an unknown member", "\(business)/securitysettings", json: #"{"Frobnicate":"x"}"#),
            bench.put("security settings: a number as an object", "\(business)/securitysettings", json: #"{"ChallengeCount":{"n":3}}"#),
            bench.put(
                "security settings: another business", "/api/businesses/tenantbusiness.other/securitysettings",
                json: #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled"}"#, status: 404),
            bench.put("user settings: a negative number", "\(business)/usersettings", json: #"{"ResetValidCodeHours":-1}"#),
            bench.put("user settings: a fraction", "\(business)/usersettings", json: #"{"ResetValidCodeHours":1.5}"#),
            bench.put("login policy: a timeout in words", "\(business)/loginpolicy", json: #"{"InactiveSessionTimeout":"half an hour"}"#),
            bench.put("login policy: a boolean as a number", "\(business)/loginpolicy", json: #"{"PersistentSession":1}"#),
            bench.put("api settings: an unknown workflow key", "\(business)/apisettings", json: #"{"ApiVersionWorkflowDefKey":"nosuch"}"#),
            bench.put(
                "app settings: a workflow for another object type", "\(business)/appsettings",
                json: #"{"AppVersionWorkflowDefKey":"workflow:definition:apicontract:v72"}"#),
            bench.put(
                "model settings: a key over the limit", "\(business)/modelsettings",
                json: #"{"ModelVersionWorkflowDefKey":"\#(String(repeating: "é", count: 4_096))"}"#),
            bench.put("connection settings: no WorkflowSetting", "\(business)/connectionsettings", json: "{}"),
            bench.put(
                "connection settings: an unknown environment", "\(business)/connectionsettings",
                json: #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"apicontract","Environment":"Staging"}]}"#),
            bench.put(
                "connection settings: two definitions", "\(business)/connectionsettings",
                json:
                    #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"apicontract","Environment":"Production"},{"WorkflowDefinitionKey":"model","Environment":"Sandbox"}]}"#
            ),
            bench.put(
                "connection settings: three entries", "\(business)/connectionsettings",
                json: #"{"WorkflowSetting":[{"Environment":"Production"},{"Environment":"Sandbox"},{"Environment":"Production"}]}"#)
        ]
    }

    static func faultCases(_ bench: Bench) throws -> [Case] {
        [
            bench.post("faults: not an object", "/_emulator/faults", json: "[1]"),
            bench.post("faults: a status of 700", "/_emulator/faults", json: #"{"match":{"path":"/api/*"},"respond":{"status":700}}"#),
            bench.post("faults: a method with a space", "/_emulator/faults", json: #"{"match":{"method":"G T"},"respond":{"status":503}}"#),
            bench.post(
                "faults: a path over the limit", "/_emulator/faults",
                json: #"{"match":{"path":"/\#(String(repeating: "é", count: 1_024))"},"respond":{"status":503}}"#),
            bench.post("faults: two triggers", "/_emulator/faults", json: #"{"respond":{"status":503},"times":1,"everyNth":2}"#),
            bench.post("faults: probability 2", "/_emulator/faults", json: #"{"respond":{"status":503},"probability":2}"#),
            bench.post(
                "faults: a header name that is not a token", "/_emulator/faults", json: #"{"respond":{"status":503,"headers":{"X Y":"z"}}}"#
            ),
            bench.post("faults: invalid UTF-8", "/_emulator/faults", json: #"{"match":{"tenant":""#, invalid: [0xC3], tail: #""}}"#),
            bench.post("faults: no respond", "/_emulator/faults", json: #"{"match":{"path":"/api/*"}}"#),
            bench.request(
                "faults: DELETE one that does not exist", "DELETE", "/_emulator/faults/fault-nosuch", body: [], contentType: nil,
                status: 404),
            Case(
                name: "faults: DELETE all with a broken chunked body",
                bytes: Array(
                    "DELETE /_emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                        .utf8), status: 400)
        ]
    }

    /// `PUT`/`DELETE /_emulator/gateway/responses` (the gateway listener's own catalogue is `GatewayMalformedInputTests`).
    static func gatewayResponseCases(_ bench: Bench) throws -> [Case] {
        let path = "/_emulator/gateway/responses"
        return [
            bench.put("gateway responses: not an object", path, json: "[1]"),
            bench.put("gateway responses: no APIVersionID", path, json: #"{"Status":200}"#),
            bench.put("gateway responses: a Status that is text", path, json: #"{"APIVersionID":"v","Status":"200"}"#),
            bench.put("gateway responses: a status of 700", path, json: #"{"APIVersionID":"v","Status":700}"#),
            bench.put("gateway responses: an unknown member", path, json: #"{"APIVersionID":"v","Sttaus":200}"#),
            bench.put(
                "gateway responses: a header value with CRLF", path, json: #"{"APIVersionID":"v","Headers":{"X-A":"b\r\nSet-Cookie: x"}}"#),
            bench.put("gateway responses: a header name that is not a token", path, json: #"{"APIVersionID":"v","Headers":{"X Y":"z"}}"#),
            bench.put("gateway responses: headers that are not strings", path, json: #"{"APIVersionID":"v","Headers":{"X-A":1}}"#),
            bench.put("gateway responses: a method with a space", path, json: #"{"APIVersionID":"v","Method":"G T"}"#),
            bench.put("gateway responses: a path without /", path, json: #"{"APIVersionID":"v","Path":"pets"}"#),
            bench.put("gateway responses: a negative delay", path, json: #"{"APIVersionID":"v","DelayMillis":-1}"#),
            bench.put("gateway responses: a delay of an hour", path, json: #"{"APIVersionID":"v","DelayMillis":3600000}"#),
            bench.put("gateway responses: a fractional status", path, json: #"{"APIVersionID":"v","Status":200.5}"#),
            bench.put("gateway responses: invalid UTF-8", path, json: #"{"APIVersionID":""#, invalid: [0xC3]),
            bench.put(
                "gateway responses: an API version that does not exist", path, json: #"{"APIVersionID":"nosuch.acmepaymentscorp"}"#,
                status: 404),
            bench.request(
                "gateway responses: DELETE one that does not exist", "DELETE", path + "?StubID=nosuch", body: [], contentType: nil,
                status: 404),
            Case(
                name: "gateway responses: DELETE with a broken chunked body",
                bytes: Array(
                    "DELETE \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8),
                status: 400)
        ]
    }

    static func stateCases(_ bench: Bench) throws -> [Case] {
        func bare(_ name: String, _ method: String, _ path: String, accept: String = "*/*", status: Int) -> Case {
            Case(
                name: name,
                bytes: Array(
                    "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: \(accept)\r\nContent-Length: 0\r\n\r\n"
                        .utf8),
                status: status)
        }
        return [
            bare("checkpoints: an unacceptable Accept", "POST", "/_emulator/checkpoints", accept: "image/png", status: 406),
            bare("checkpoints: roll back one that does not exist", "POST", "/_emulator/checkpoints/cp-nosuch/rollback", status: 404),
            bare(
                "checkpoints: roll back a 300-character id", "POST",
                "/_emulator/checkpoints/\(String(repeating: "c", count: 300))/rollback", status: 404),
            bare("checkpoints: DELETE one that does not exist", "DELETE", "/_emulator/checkpoints/cp-nosuch", status: 404),
            // The bench is an emulator without a daemon's instance directory (as an instance is): 404.
            bare("instances: an unacceptable Accept", "POST", "/_emulator/instances", accept: "image/png", status: 406),
            bare("instances: created where there is no instance directory", "POST", "/_emulator/instances", status: 404),
            bare("instances: DELETE one that does not exist", "DELETE", "/_emulator/instances/inst-nosuch", status: 404),
            bare("snapshots: restore one that does not exist", "POST", "/_emulator/snapshots/nosuch/restore", status: 404),
            bare("snapshots: restore a name with a slash", "POST", "/_emulator/snapshots/..%2Fapi/restore", status: 400),
            bare("snapshots: DELETE a dot-dot name", "DELETE", "/_emulator/snapshots/..", status: 400),
            bare("snapshots: DELETE one that does not exist", "DELETE", "/_emulator/snapshots/nosuch", status: 404),
            bench.post("snapshots: a name with a slash", "/_emulator/snapshots", json: #"{"name":"../x"}"#),
            bare("reset: an unacceptable Accept", "POST", "/_emulator/reset", accept: "image/png", status: 406),
            bare("tenant reset: a tenant that does not exist", "POST", "/_emulator/tenants/globex/reset", status: 404),
            bare(
                "tenant reset: an unacceptable Accept", "POST", "/_emulator/tenants/acmepaymentscorp/reset", accept: "image/png",
                status: 406),
            Case(
                name: "requests: DELETE with a broken chunked body",
                bytes: Array(
                    "DELETE /_emulator/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcdeXY0\r\n\r\n"
                        .utf8),
                status: 400),
            bench.request(
                "apps: DELETE an app that does not exist", "DELETE", "/api/apps/nosuch.acmepaymentscorp", body: [], contentType: nil,
                status: 404),
            bench.request(
                "apps: DELETE a version that does not exist", "DELETE", "/api/apps/versions/nosuch.acmepaymentscorp", body: [],
                contentType: nil, status: 404),
            bench.request(
                "models: DELETE a model that does not exist", "DELETE", "/api/models/nosuch.acmepaymentscorp", body: [], contentType: nil,
                status: 404),
            bench.request(
                "models: DELETE a version that does not exist", "DELETE", "/api/models/versions/nosuch.acmepaymentscorp",
                body: [], contentType: nil, status: 404)
        ]
    }

    /// `/_emulator/traffic` (stated transactions) and the metrics reports' parameters: every refusal
    /// records nothing (the run's fingerprint covers gateway_transactions and its per-minute totals).
    /// `DELETE /_emulator/outbox`, over an outbox that holds a message (a new user's account), so
    /// a refused request that emptied it would change the fingerprint.
    static func outboxCases(_ bench: Bench) throws -> [Case] {
        let added = try bench.app.send(
            .post, "/api/users",
            headers: TestApp.headers(bench.session, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: #"{"FirstName":"Out","LastName":"Box","Email":"outbox@acmepaymentscorp.com","Password":"Outbox123"}"#)
        try #require(added.status == .ok, "\(added.text)")
        let outbox = "/_emulator/outbox"
        return [
            bench.request(
                "outbox: DELETE for an unknown tenant", "DELETE", outbox + "?tenant=globex", body: [], contentType: nil, status: 400),
            bench.request("outbox: DELETE for an empty tenant", "DELETE", outbox + "?tenant=", body: [], contentType: nil, status: 400),
            Case(
                name: "outbox: DELETE with an unacceptable Accept",
                bytes: Array(
                    "DELETE \(outbox) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: image/png\r\nContent-Length: 0\r\n\r\n"
                        .utf8),
                status: 406)
        ]
    }

    static func trafficCases(_ bench: Bench) throws -> [Case] {
        let (_, version) = try bench.createAPI()
        let traffic = "/_emulator/traffic"
        func get(_ name: String, _ path: String, status: Int = 400) -> Case {
            bench.request(name, "GET", path, body: [], contentType: nil, status: status)
        }
        let metrics = "/api/apis/versions/\(version)/metrics"
        let many = "[" + Array(repeating: #"{"APIVersionID":"\#(version)"}"#, count: 10_001).joined(separator: ",") + "]"
        return [
            bench.post("traffic: not a list", traffic, json: #"{"APIVersionID":"\#(version)"}"#),
            bench.post("traffic: an empty list", traffic, json: "[]"),
            bench.post("traffic: a string", traffic, json: #""x""#),
            bench.post("traffic: no APIVersionID", traffic, json: #"[{"Status":200}]"#),
            bench.post("traffic: an API version of no tenant", traffic, json: #"[{"APIVersionID":"nosuch.acmepaymentscorp"}]"#),
            bench.post(
                "traffic: the second of two is bad (all or none)", traffic,
                json: #"[{"APIVersionID":"\#(version)"},{"APIVersionID":"\#(version)","Time":"yesterday"}]"#),
            bench.post("traffic: an unknown app version", traffic, json: #"[{"APIVersionID":"\#(version)","AppVersionID":"nosuch"}]"#),
            bench.post("traffic: an unknown contract", traffic, json: #"[{"APIVersionID":"\#(version)","ContractID":"nosuch"}]"#),
            bench.post("traffic: a status out of range", traffic, json: #"[{"APIVersionID":"\#(version)","Status":42}]"#),
            bench.post("traffic: a fractional status", traffic, json: #"[{"APIVersionID":"\#(version)","Status":200.5}]"#),
            bench.post("traffic: a huge status", traffic, json: #"[{"APIVersionID":"\#(version)","Status":1e300}]"#),
            bench.post("traffic: a negative response time", traffic, json: #"[{"APIVersionID":"\#(version)","ResponseTime":-1}]"#),
            bench.post("traffic: a response time as text", traffic, json: #"[{"APIVersionID":"\#(version)","ResponseTime":"fast"}]"#),
            bench.post("traffic: a negative size", traffic, json: #"[{"APIVersionID":"\#(version)","RequestSize":-5}]"#),
            bench.post("traffic: Fault as text", traffic, json: #"[{"APIVersionID":"\#(version)","Fault":"yes"}]"#),
            bench.post("traffic: an unknown environment", traffic, json: #"[{"APIVersionID":"\#(version)","Environment":"Moon"}]"#),
            bench.post(
                "traffic: a relative time without a unit", traffic, json: #"[{"APIVersionID":"\#(version)","Time":"-15"}]"#),
            bench.post(
                "traffic: a 300-character path", traffic,
                json: #"[{"APIVersionID":"\#(version)","Path":"/\#(String(repeating: "p", count: 300))"}]"#),
            bench.post(
                "traffic: one TransactionID twice", traffic,
                json: #"[{"APIVersionID":"\#(version)","TransactionID":"t-1"},{"APIVersionID":"\#(version)","TransactionID":"t-1"}]"#,
                status: 409),
            bench.post("traffic: 10,001 transactions", traffic, json: many),
            bench.post("traffic: an unknown tenant", traffic + "?tenant=globex", json: #"[{"APIVersionID":"\#(version)"}]"#),
            bench.request(
                "traffic: DELETE for an unknown tenant", "DELETE", traffic + "?tenant=globex", body: [], contentType: nil, status: 400),
            get("traffic: list with a limit of 0", traffic + "?limit=0"),
            get("traffic: list with a limit that is no number", traffic + "?limit=ten"),
            get("metrics: an unknown TimeInterval unit", metrics + "?TimeInterval=5x"),
            get("metrics: a TimeInterval of 0", metrics + "?TimeInterval=0m"),
            get("metrics: a Duration that is no span", metrics + "?Duration=forever"),
            get("metrics: a StartDate that is no date", metrics + "?StartDate=yesterday"),
            get("metrics: 31 February", metrics + "?StartDate=2026-02-31"),
            get("metrics: StartDate after EndDate", metrics + "?StartDate=2026-03-02&EndDate=2026-03-01"),
            get("metrics: an unknown Environment", metrics + "?Environment=Moon"),
            get("metrics: an unknown TimeZone", metrics + "?TimeZone=Mars/Olympus"),
            get("metrics: ShowSummary that is no boolean", metrics + "?ShowSummary=maybe"),
            get("metrics: too many intervals", metrics + "?TimeInterval=1s&Duration=4w"),
            get("metrics: an API version that does not exist", "/api/apis/versions/nosuch.acmepaymentscorp/metrics", status: 404),
            get("metrics export: an unknown ReportType", metrics + "/export?ReportType=service.everything"),
            get("txlogs export: a contract of no API version", "/api/apis/versions/\(version)/txlogs/export?ContractID=nosuch"),
            get("txlogs export: a bad EndDate", "/api/apis/versions/\(version)/txlogs/export?EndDate=2026-13-01"),
            get("app metrics: an app version that does not exist", "/api/apps/versions/nosuch.acmepaymentscorp/metrics", status: 404),
            get("app metrics: an unknown ApiVersionID", "/api/apps/versions/\(bench.versionID)/metrics?ApiVersionID=nosuch"),
            get("business metrics: another business", "/api/businesses/tenantbusiness.globex/metrics", status: 404),
            get(
                "business metrics: an unknown ReportType",
                "/api/businesses/tenantbusiness.acmepaymentscorp/metrics?ReportType=business.top10.pets")
        ]
    }

    /// Text that is not what it claims: escapes of lone surrogates, numbers out of range, charsets.
    static func encodingCases(_ bench: Bench) throws -> [Case] {
        let (api, version) = try bench.createAPI()
        return [
            bench.post("apps: a lone high surrogate escape", "/api/apps", json: #"{"Name":"a\uD800b"}"#),
            bench.post("apps: a lone low surrogate escape", "/api/apps", json: #"{"Name":"\uDC00"}"#),
            bench.post("apps: a bad escape", "/api/apps", json: #"{"Name":"\x41"}"#),
            bench.post(
                "apps: Latin-1 bytes declared as such", "/api/apps", bytes: Array(#"{"Name":"caf"#.utf8) + [0xE9] + Array(#""}"#.utf8),
                contentType: "application/json; charset=iso-8859-1", status: nil),
            bench.post(
                "apps: a UTF-16 body", "/api/apps",
                bytes: [0xFF, 0xFE] + Array(#"{"Name":"A"}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
                contentType: "application/json", status: nil),
            bench.post(
                "models: a control character in a string", "/api/models",
                bytes: Array(#"{"Name":"M"#.utf8) + [0x01] + Array(#"","VersionName":"v"}"#.utf8)),
            bench.post("clock: advanceSeconds 1e400", "/_emulator/clock", json: #"{"advanceSeconds":1e400}"#),
            bench.post("clock: advanceSeconds -0x10", "/_emulator/clock", json: #"{"advanceSeconds":-0x10}"#),
            bench.post(
                "api versions: a vendor type, truncated", "/api/apis/\(api)/versions",
                bytes: Array(#"{"APIVersionInfo":{"Name":"#.utf8), contentType: "application/vnd.soa.v81+json"),
            bench.request(
                "api versions: XML info with an entity", "PUT", "/api/apis/versions/\(version)/info",
                body: Array("<!DOCTYPE a [<!ENTITY e \"x\">]><APIVersionInfo><Name>&e;</Name></APIVersionInfo>".utf8),
                contentType: "application/xml", status: 400),
            bench.post("contracts: XML nested 10^5 deep", "/api/contracts", body: deepXML(100_000), contentType: "application/xml"),
            bench.post("users: a BOM then JSON", "/api/users", bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"FirstName":1}"#.utf8), status: nil)
        ]
    }

    static func fixtureAndClockCases(_ bench: Bench) -> [Case] {
        [
            bench.post("fixtures: text/plain", "/_emulator/fixtures", body: "{}", contentType: "text/plain", status: 415),
            bench.post("fixtures: an unknown member", "/_emulator/fixtures", json: #"{"galaxies":[]}"#),
            bench.post(
                "fixtures: a user password over the limit", "/_emulator/fixtures",
                json: #"{"users":[{"email":"f@acmepaymentscorp.com","password":"\#(String(repeating: "p", count: 1_025))"}]}"#),
            bench.post(
                "fixtures: a Team entry over the limit", "/_emulator/fixtures",
                json: #"{"apps":[{"Name":"F","Team":["\#(String(repeating: "t", count: 256))"]}]}"#),
            bench.post(
                "fixtures: a single comment over the limit", "/_emulator/fixtures",
                json:
                    #"{"objects":[{"ObjectType":"discussion","ObjectID":"d9.acmepaymentscorp","Actions":[{"ActionName":"a","Comments":"\#(String(repeating: "c", count: 8_193))"}]}]}"#
            ),
            bench.post("fixtures: an app with a numeric Name", "/_emulator/fixtures", json: #"{"apps":[{"Name":1}]}"#),
            bench.post("fixtures: truncated", "/_emulator/fixtures", json: #"{"apps":[{"Name":"#),
            bench.post("clock: two instructions", "/_emulator/clock", json: #"{"advanceSeconds":1,"realtime":true}"#),
            bench.post("clock: advanceSeconds 1e300", "/_emulator/clock", json: #"{"advanceSeconds":1e300}"#),
            bench.post("clock: realtime false", "/_emulator/clock", json: #"{"realtime":false}"#),
            bench.post("clock: an empty object", "/_emulator/clock", json: "{}"),
            bench.post("clock: not JSON", "/_emulator/clock", json: "now"),
            bench.request(
                "workflows: a Definition that is a number", "PUT", "/_emulator/workflows/discussion",
                body: Array(#"{"Definition":5}"#.utf8), contentType: "application/json", status: 400),
            bench.request(
                "workflows: a Definition over the limit", "PUT", "/_emulator/workflows/discussion",
                body: Array(#"{"Definition":"\#(String(repeating: "d", count: 256))"}"#.utf8), contentType: "application/json", status: 400),
            bench.request(
                "workflows: a Definition that does not exist", "PUT", "/_emulator/workflows/discussion",
                body: Array(#"{"Definition":"nosuch"}"#.utf8), contentType: "application/json"),
            bench.request(
                "workflows: a body that is an array", "PUT", "/_emulator/workflows/discussion",
                body: Array("[]".utf8), contentType: "application/json", status: 400),
            bench.request(
                "workflows: invalid UTF-8", "PUT", "/_emulator/workflows/discussion",
                body: Array(#"{"Definition":""#.utf8) + [0xC3, 0x22, 0x7D], contentType: "application/json", status: 400)
        ]
    }
}

extension Bench {
    /// Creates an API as the Site Admin: (APIID, APIVersionID).
    func createAPI() throws -> (String, String) {
        let response = try app.send(
            .post, "/api/apis", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: APIWorld.createBody(name: "Catalogue API \(UUID().uuidString.prefix(8))"))
        try #require(response.status == .ok, "\(response.text)")
        let json = try response.json()
        return (try #require(json["APIID"]?.stringValue), try #require(json["LatestVersionID"]?.stringValue))
    }

    /// Requests a Sandbox contract between the bench's app version and `apiVersionID`: its ContractID.
    func createContract(apiVersionID: String) throws -> String {
        let response = try app.send(
            .post, "/api/contracts", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(versionID)","Environment":"Sandbox"}"#)
        try #require(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["ContractID"]?.stringValue)
    }

    func userID(_ email: String) throws -> String {
        let response = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: #"{"email":"\#(email)","password":"password"}"#)
        return try #require(try response.json()["userFDN"]?.stringValue, "\(response.text)")
    }

    /// POSTs `json` as the Site Admin and answers the new object's `id` member.
    func created(_ path: String, _ json: String, id: String) throws -> String {
        let response = try app.send(
            .post, path, headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "application/json"]), body: json)
        try #require(response.status == .ok, "\(response.text)")
        return try #require(try response.json()[id]?.stringValue)
    }

    func janeID() throws -> String { try userID(TestApp.jane) }
    func adminID() throws -> String { try userID(TestApp.admin) }
}
