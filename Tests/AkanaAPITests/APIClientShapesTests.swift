import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// The shapes the public clients read (issue 26, part 1), each built from the request a client
/// sends and the fields it reads: rwctl's `apis list` (`EntityReference`), `apis listversions`
/// (`EntityReferences.EntityReference[0].Title`, `Endpoints.Endpoint[].Uri`), `apis create NAME`
/// (PROXY without an endpoint) and `apis create NAME --spec FILE` (`ServiceDescriptorDocument[0]
/// .ServiceName[0]`, then `DLDescriptor.ServiceDescriptorReference`).
@Suite struct APIClientShapesTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    /// A multipart upload of one file, as `rwctl apis create --spec` sends it.
    func upload(_ fileName: String, _ document: String) throws -> HTTPResponse {
        let boundary = "rwctlBoundary"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"FileName\"; filename=\"\(fileName)\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n\(document)\r\n--\(boundary)--\r\n"
        return try world.post(
            "/api/dropbox/readfiledetails", as: world.jane, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    func item(_ channel: JSONValue, guid: String) -> JSONValue? {
        channel["channel"]?["item"]?.arrayValue?.first { $0["guid"]?["value"]?.stringValue == guid }
    }

    @Test func apiListItemsNameTheirDefaultVersion() throws {
        let (apiID, _) = try world.createAPI(name: "Listed")
        let second = try world.post("/api/apis/\(apiID)/versions", as: world.jane, body: #"{"APIVersionInfo":{"Name":"2.0"}}"#)
        #expect(second.status == .ok, "\(second.text)")
        let newest = try #require(try second.json()["APIVersionID"]?.stringValue)

        let list = try world.get("/api/apis", as: world.kim, accept: "application/vnd.soa.v81+json")
        #expect(list.status == .ok)
        let entry = try #require(item(try list.json(), guid: apiID))
        guard case .object(let members) = entry else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == ["title", "description", "guid", "category", "pubDate", "EntityReference"])
        // rwctl: latest version = EntityReference.Title minus the item's title and the parentheses.
        #expect(entry["EntityReference"]?["Title"] == .string("Listed (2.0)"))
        #expect(entry["EntityReference"]?["Guid"] == .string(newest))

        let xml = try world.get("/api/apis", as: world.kim, accept: "application/xml")
        #expect(xml.text.contains("<pubDate>"))
        #expect(xml.text.contains("<EntityReference><Title>Listed (2.0)</Title><Guid>\(newest)</Guid></EntityReference></item>"))
    }

    @Test func versionListItemsNameTheirAPIAndListEndpoints() throws {
        let (apiID, versionID) = try world.createAPI(name: "Versioned")
        let nameOnly = try world.post(
            "/api/apis", as: world.jane,
            body: #"{"APIVersionInfo":{"Name":"Bare"},"AddAPIImplementationRequest":{"CreateMechanism":"PROXY"}}"#)
        #expect(nameOnly.status == .ok, "\(nameOnly.text)")
        let bareVersion = try #require(try nameOnly.json()["LatestVersionID"]?.stringValue)

        let channel = try world.get("/api/apis/versions", as: world.kim).json()
        let entry = try #require(item(channel, guid: versionID))
        guard case .object(let members) = entry else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == ["title", "description", "guid", "category", "pubDate", "EntityReferences", "Endpoints"])
        #expect(entry["title"] == .string("1.0"))
        let reference = try #require(entry["EntityReferences"]?["EntityReference"]?.arrayValue?.first)
        #expect(reference["Title"] == .string("Versioned"))
        #expect(reference["Guid"] == .string(apiID))
        #expect(reference["Category"]?.arrayValue?.first?["value"] == .string("api"))
        #expect(
            entry["Endpoints"]?["Endpoint"]?.arrayValue?.map { $0["Uri"]?.stringValue ?? "" } == [
                "http://www.acmepaymentscorp.com/api/sbox", "http://www.acmepaymentscorp.com/api/live"
            ])
        let bare = try #require(item(channel, guid: bareVersion))
        #expect(bare["EntityReferences"]?["EntityReference"]?.arrayValue?.first?["Title"] == .string("Bare"))
        #expect(bare["Endpoints"]?["Endpoint"] == .array([]))

        let xml = try world.get("/api/apis/versions", as: world.kim, accept: "application/xml").text
        #expect(xml.contains("<EntityReferences><EntityReference><Title>Versioned</Title><Guid>\(apiID)</Guid>"))
        #expect(xml.contains("<Endpoints><Endpoint><Category>Sandbox</Category>"))
    }

    @Test func nameOnlyCreateMakesAnAPIWithoutEndpoints() throws {
        // rwctl `apis create NAME`: a PROXY implementation and no ProxyImplementationRequest.
        let response = try world.post(
            "/api/apis", as: world.jane,
            body: #"{"APIVersionInfo":{"Name":"NameOnly"},"AddAPIImplementationRequest":{"CreateMechanism":"PROXY"}}"#,
            accept: "application/vnd.soa.v81+json", contentType: "application/vnd.soa.v81+json")
        #expect(response.status == .ok, "\(response.text)")
        let api = try response.json()
        #expect(api["Name"] == .string("NameOnly"))
        let versionID = try #require(api["LatestVersionID"]?.stringValue)
        #expect(api["APIVersion"]?["Endpoints"]?["Endpoint"] == .array([]))
        let version = try world.get("/api/apis/versions/\(versionID)", as: world.jane).json()
        #expect(version["Endpoints"]?["Endpoint"] == .array([]))
        // The implementation exists (Live, PROXY), without an endpoint yet.
        let implementations = try world.app.pool.read { db in
            try db.query("SELECT code FROM api_implementations WHERE api_version_id = ?", versionID).map { try $0.requiredString("code") }
        }
        #expect(implementations == ["Live"])
    }

    @Test func readFileDetailsNamesTheDocumentsServices() throws {
        let openAPI = #"{"openapi":"3.0.1","info":{"title":"Petstore","version":"1"},"paths":{}}"#
        let swaggerYAML = """
            swagger: "2.0"
            info:
              description: Pets
              title: 'Swagger Petstore'
              version: 1.0.0
            host: petstore.example.com
            paths: {}
            """
        let wsdl = """
            <?xml version="1.0" encoding="UTF-8"?>
            <wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" name="Stock" targetNamespace="urn:stock">
              <wsdl:service name="StockQuote"><wsdl:port name="p" binding="b"/></wsdl:service>
              <wsdl:service name="StockHistory"/>
            </wsdl:definitions>
            """
        for (fileName, document, type, names) in [
            ("petstore.json", openAPI, "OpenAPI", ["Petstore"]),
            ("petstore.yaml", swaggerYAML, "Swagger", ["Swagger Petstore"]),
            ("stock.wsdl", wsdl, "WSDL", ["StockQuote", "StockHistory"]),
            // Malformed documents: no service names, never a failure.
            ("broken.json", #"{"openapi":"3.0.1","info":{"title":"#, "OpenAPI", []),
            ("broken.wsdl", "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\"><wsdl:service name=\"X\">", "WSDL", []),
            (
                "entity.wsdl",
                "<!DOCTYPE d [<!ENTITY e \"x\">]><definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"><service name=\"&e;\"/></definitions>",
                "WSDL", []
            ),
            (
                "deep.wsdl",
                "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\">" + String(repeating: "<a>", count: 200)
                    + String(repeating: "</a>", count: 200) + "<service name=\"Deep\"/></definitions>", "WSDL", []
            )
        ] {
            let response = try upload(fileName, document)
            #expect(response.status == .ok, "\(fileName): \(response.text)")
            let details = try response.json()
            let descriptor = try #require(details["ServiceDescriptorDocument"]?.arrayValue?.first)
            guard case .object(let members) = descriptor else {
                Issue.record("not an object")
                continue
            }
            #expect(members.map(\.0) == ["FileName", "DescriptorType", "ServiceName", "DropboxFileId"], "\(fileName)")
            #expect(descriptor["FileName"] == .string(fileName))
            #expect(descriptor["DescriptorType"] == .string(type), "\(fileName)")
            #expect(descriptor["ServiceName"] == .array(names.map(JSONValue.string)), "\(fileName)")
            #expect(descriptor["DropboxFileId"] == details["DropboxFileId"])
        }
    }

    @Test func specCreateSendsAServiceDescriptorReference() throws {
        let details = try upload(
            "petstore.json",
            #"{"swagger":"2.0","info":{"title":"Petstore","version":"1"},"host":"pets.example.com","basePath":"/v1","paths":{}}"#
        ).json()
        let fileID = try #require(details["DropboxFileId"]?.intValue)
        let serviceName = try #require(
            details["ServiceDescriptorDocument"]?.arrayValue?.first?["ServiceName"]?.arrayValue?.first?.stringValue)
        #expect(serviceName == "Petstore")
        // What rwctl sends (FileName: the upload's name), then a pipeline's label `<service>.swagger`.
        for (fileName, apiName) in [("petstore.json", "Petstore"), ("Petstore.swagger", "Petstore")] {
            let response = try world.post(
                "/api/apis", as: world.jane,
                body:
                    #"{"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"\#(serviceName)","FileName":"\#(fileName)","DropboxFileId":\#(fileID)}}}"#,
                accept: "application/vnd.soa.v81+json", contentType: "application/vnd.soa.v81+json")
            #expect(response.status == .ok, "\(fileName): \(response.text)")
            let api = try response.json()
            #expect(api["Name"] == .string(apiName))
            #expect(api["APIVersion"]?["DropboxFileId"] == .integer(fileID))
            #expect(api["APIVersion"]?["Endpoints"]?["Endpoint"]?.arrayValue?.first?["Uri"] == .string("https://pets.example.com/v1"))
        }

        let before = try world.counts()
        for body in [
            #"{"DLDescriptor":{"ServiceDescriptorReference":[]}}"#,
            #"{"DLDescriptor":{"ServiceDescriptorReference":"x"}}"#,
            #"{"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"Petstore"}}}"#,
            #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":"abc"}}}"#,
            #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":\#(fileID),"ServiceName":7}}}"#,
            #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":\#(fileID),"FileName":["a"]}}}"#,
            #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":\#(fileID)},"DropboxFileId":\#(fileID)}}"#,
            #"{"DLDescriptor":{"ServiceDescriptorReference":{"DropboxFileId":999999}}}"#
        ] {
            let response = try world.post("/api/apis", as: world.jane, body: body)
            #expect(response.status == .badRequest, "\(body): \(response.text)")
            #expect(try response.json()["faultcode"] == .string("Client"))
        }
        #expect(try world.counts() == before)
    }
}
