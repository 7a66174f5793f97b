import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// The deployment pipeline of issue 26, as the public Jenkins pipeline's Python tools send it
/// (`createApi.py`, `attachPolicies.py`, the licenses tools): each request with the pipeline's
/// media types and bodies (string booleans, the lower-case implementation code in the path), and
/// each answer read for the fields the pipeline reads from it.
@Suite struct APIPipelineTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    static let swagger = #"""
        {"swagger":"2.0","info":{"title":"Travel Offers","description":"Offers","version":"1.0"},
         "host":"offers.example.com","basePath":"/v1","schemes":["https"],
         "paths":{"/offers":{"get":{"operationId":"listOffers","summary":"List offers","responses":{"200":{"description":"ok"}}},
                             "post":{"operationId":"createOffer","responses":{"201":{"description":"created"}}}},
                  "/offers/{id}":{"get":{"operationId":"getOffer","responses":{"200":{"description":"ok"}}}}}}
        """#

    func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, accept: String = "application/json",
        contentType: String = "application/json"
    ) throws -> HTTPResponse {
        var headers = TestApp.headers(world.admin, ["Accept": accept])
        if body != nil { headers.add("Content-Type", contentType) }
        return try world.app.send(method, path, headers: headers, body: body ?? "")
    }

    /// `tools/policies.policy_attach_format`: a channel item as the attach body's Policy.
    static func attachFormat(_ item: JSONValue) -> String {
        let key = item["guid"]?["value"]?.stringValue ?? ""
        let name = item["title"]?.stringValue ?? ""
        let type = item["category"]?.arrayValue?[1]["value"]?.stringValue ?? ""
        let subType = item["category"]?.arrayValue?[0]["value"]?.stringValue ?? ""
        return #"{"PolicyKey":"\#(key)","Name":"\#(name)","Description":"","PolicyType":"\#(type)","PolicySubType":"\#(subType)"}"#
    }

    @Test func uploadCreateImplementPolicyLicenseScopeMapDefinitionAndAutoApprovedContract() throws {
        let v81 = "application/vnd.soa.v81+json"
        // 1. Upload the Swagger file (tools/apis.upload_file_to_dropbox).
        let boundary = "pipelineBoundary"
        let form =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"offers.json\"\r\n"
            + "Content-Type: application/json\r\n\r\n\(Self.swagger)\r\n--\(boundary)--\r\n"
        let uploaded = try send(
            .post, "/api/dropbox/readfiledetails", body: form, accept: "application/json, \(v81)",
            contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(uploaded.status == .ok, "\(uploaded.text)")
        let details = try uploaded.json()
        let fileID = try #require(details["DropboxFileId"])
        let serviceName = try #require(
            details["ServiceDescriptorDocument"]?.arrayValue?.first?["ServiceName"]?.arrayValue?.first?.stringValue)
        #expect(serviceName == "Travel Offers")

        // 2. Create the API from it (create_api_with_file): DLDescriptor.ServiceDescriptorReference.
        let created = try send(
            .post, "/api/apis",
            body:
                #"{"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"\#(serviceName)","FileName":"\#(serviceName).swagger","DropboxFileId":\#(JSONWriter.string(fileID))}}}"#,
            accept: v81, contentType: v81)
        #expect(created.status == .ok, "\(created.text)")
        let api = try created.json()
        #expect(api["Name"] == .string("Travel Offers"))
        let apiID = try #require(api["APIID"]?.stringValue)
        let versionID = try #require(api["LatestVersionID"]?.stringValue)

        // 3. The policy catalogue (get_policies_list) and two policies attached to Live, as
        //    create_api does right after the create, with the lower-case code it sends.
        let channel = try send(.get, "/api/policies").json()
        let items = try #require(channel["channel"]?["item"]?.arrayValue)
        let wanted = ["BasicAuditing", "AtmosphereApplicationSecurityPolicy"]
        let chosen = items.filter { wanted.contains($0["title"]?.stringValue ?? "") }
        #expect(chosen.count == 2)
        let attachBody = #"{"Policy":[\#(chosen.map(Self.attachFormat).joined(separator: ","))]}"#
        let liveAttach = try send(
            .put, "/api/apis/versions/\(versionID)/implementations/live/policies", body: attachBody, accept: v81, contentType: v81)
        #expect(liveAttach.status == .ok, "\(liveAttach.text)")

        // 4. The Sandbox implementation (create_sandbox_impl): an empty endpoint list.
        let sandbox = try send(
            .post, "/api/apis/versions/\(versionID)/implementations",
            body:
                #"{"ImplementationCode":"Sandbox","Description":"Sandbox implementation.","CreateMechanism":"PROXY","ProxyImplementationRequest":{"TargetEndpointURL":[]},"APIVersionID":"\#(versionID)"}"#,
            accept: "\(v81), text/javascript, */*; q=0.01", contentType: v81)
        #expect(sandbox.status == .ok, "\(sandbox.text)")
        #expect(try sandbox.json()["ImplementationCode"] == .string("Sandbox"))

        // 5. Two policies attached to Sandbox (attachPolicies.py with IMPLEMENTATION=sandbox), read back.
        let sandboxAttach = try send(
            .put, "/api/apis/versions/\(versionID)/implementations/sandbox/policies", body: attachBody, accept: v81, contentType: v81)
        #expect(sandboxAttach.status == .ok, "\(sandboxAttach.text)")
        let attached = try send(
            .get, "/api/apis/versions/\(versionID)/implementations/sandbox/policies",
            accept: "application/json, text/javascript, */*; q=0.01"
        ).json()
        #expect(Set(attached["Policy"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } ?? []) == Set(wanted))

        // 6. A scope (add_scope), its flags as strings the way the pipeline sends them.
        let business = "tenantbusiness.acmepaymentscorp"
        let scope = try send(
            .post, "/api/businesses/\(business)/resources",
            body:
                #"{"ResourceID":"","Name":"Offers access","ShortDescription":"Offers access","LongDescription":"Offers access","Visibility":"Public","SandboxAnonymousAccessAllowed":"false","ProductionAnonymousAccessAllowed":"false","ResourcePath":"","OAuthGrantDefaultResource":"true","OAuthGrantUserAuthorizationRequired":"true","ParentResourceID":"","BusinessID":"\#(business)"}"#
        )
        #expect(scope.status == .ok, "\(scope.text)")
        let scopeID = try #require(try scope.json()["ResourceID"]?.stringValue)

        // 7. A license with that scope that auto-approves Sandbox access (add_licenses).
        let license = try send(
            .post, "/api/licenses",
            body:
                #"{"Environment":["Sandbox","Production"],"Visibility":"Public","SandboxAccessAutoApproved":"true","ProductionAccessAutoApproved":"false","Active":"true","AgreementDetails":{"AgreementDocument":[]},"Name":"Offers Bronze","Description":"Sandbox at once","LicenseParts":{"LicensePart":[{"ResourceID":["\#(scopeID)"],"PolicyKey":[]}]},"BusinessID":"\#(business)"}"#,
            contentType: "application/json; charset=UTF-8")
        #expect(license.status == .ok, "\(license.text)")
        let licenseID = try #require(try license.json()["LicenseID"]?.stringValue)

        // 8. An operation of the uploaded document mapped to the scope (add_scope_mapping_to_api).
        let operations = try send(.get, "/api/apis/versions/\(versionID)?includeOperations=true").json()
        let names = operations["Operations"]?["Operation"]?.arrayValue?.compactMap { $0["Name"]?.stringValue }
        #expect(names == ["listOffers", "createOffer", "getOffer"])
        let mapping = try send(
            .put, "/api/apis/versions/\(versionID)/resources",
            body: #"{"OperationResource":[{"OperationName":"listOffers","ResourceID":["\#(scopeID)"]}]}"#)
        #expect(mapping.status == .ok, "\(mapping.text)")
        let licenses = try send(.get, "/api/apis/versions/\(versionID)/licenses").json()
        #expect(licenses["License"]?.arrayValue?.map { $0["LicenseID"]?.stringValue } == [licenseID])

        // 9. The Swagger definition read back (get_swagger_doc_for_api): the document's paths, the
        //    Live implementation's endpoint as its host.
        let definition = try send(
            .get, "/api/apis/versions/\(versionID)/definition/swagger", accept: "application/json, text/javascript, */*; q=0.01")
        #expect(definition.status == .ok, "\(definition.text)")
        let document = try definition.json()
        #expect(document["swagger"] == .string("2.0"))
        #expect(document["host"] == .string("offers.example.com"))
        #expect(document["basePath"] == .string("/v1"))
        #expect(document["paths"]?["/offers/{id}"]?["get"]?["operationId"] == .string("getOffer"))

        // 10. A developer's app asks for Sandbox access under the license: approved and active at once.
        let appVersionID = try world.createApp(as: world.jane, name: "Offers client")
        let contract = try world.requestContract(
            as: world.jane, apiVersionID: versionID, appVersionID: appVersionID, scope: #"{"LicenseID":["\#(licenseID)"]}"#)
        #expect(contract.status == .ok, "\(contract.text)")
        #expect(try contract.json()["State"] == .string("apicontract.status.activated"))
        // The same request for Production waits for an approver.
        let production = try world.requestContract(
            as: world.jane, apiVersionID: versionID, appVersionID: appVersionID, environment: "Production",
            scope: #"{"LicenseID":["\#(licenseID)"]}"#)
        #expect(try production.json()["State"] == .string("apicontract.status.pending_approval"), "\(production.text)")
        _ = apiID
    }

    /// A document that names no server still makes an API with its Live implementation (no endpoint
    /// yet): the pipeline attaches policies to `live` right after the create.
    @Test func anAPIFromADocumentWithoutServersHasItsLiveImplementation() throws {
        let boundary = "b"
        let document = "openapi: 3.0.1\ninfo:\n  title: Hostless\n  version: '1'\npaths:\n  /ping:\n    get:\n      operationId: ping\n"
        let form =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hostless.yaml\"\r\n\r\n\(document)\r\n--\(boundary)--\r\n"
        let uploaded = try send(.post, "/api/dropbox/readfiledetails", body: form, contentType: "multipart/form-data; boundary=\(boundary)")
        let fileID = try #require(try uploaded.json()["DropboxFileId"])
        let created = try send(
            .post, "/api/apis",
            body:
                #"{"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"Hostless","FileName":"Hostless.swagger","DropboxFileId":\#(JSONWriter.string(fileID))}}}"#
        )
        #expect(created.status == .ok, "\(created.text)")
        let versionID = try #require(try created.json()["LatestVersionID"]?.stringValue)
        let live = try send(.get, "/api/apis/versions/\(versionID)/implementations/live")
        #expect(live.status == .ok, "\(live.text)")
        #expect(try live.json()["ImplementationCode"] == .string("Live"))
        let attach = try send(
            .put, "/api/apis/versions/\(versionID)/implementations/live/policies",
            body: #"{"Policy":[{"PolicyKey":"acmepaymentscorp-BasicAuditing"}]}"#)
        #expect(attach.status == .ok, "\(attach.text)")
    }
}
