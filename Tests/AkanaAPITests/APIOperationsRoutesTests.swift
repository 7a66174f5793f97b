import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import Testing

@testable import AkanaAPI

/// Issue 26 part 6: the operations of an uploaded description document, stored with the version
/// (`GET /api/apis/versions/{id}?includeOperations=true`), and the definition read back with the
/// version's endpoints as servers (`GET …/definition/{Specification}`), built from the requests a
/// pipeline sends and the fields it reads.
@Suite struct APIOperationsRoutesTests {
    let world: APIWorld
    init() throws { world = try APIWorld() }

    static let swagger = """
        {"swagger":"2.0","info":{"title":"Orders","version":"1.0"},"host":"orders.example.com","basePath":"/v1","schemes":["http"],
         "paths":{"/orders":{"get":{"operationId":"listOrders","summary":"List orders"},"post":{"operationId":"createOrder"}},
                  "/orders/{id}":{"get":{"description":"One order"}}}}
        """

    static let openAPIYAML = """
        openapi: 3.0.1
        info:
          title: Pets
          version: "2"
        servers:
          - url: https://pets.example.com/api
        paths:
          /pets:
            get:
              operationId: listPets
              description: |
                * all of them
          /pets/{petId}:
            delete:
              operationId: deletePet
        """

    static let wsdl = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" name="Stock">
          <portType name="StockPort"><operation name="GetQuote"/><operation name="GetHistory"/></portType>
          <service name="StockQuote"><port name="p" binding="b"><soap:address location="https://stock.example.com/soap"/></port></service>
        </definitions>
        """

    /// `POST /api/dropbox/readfiledetails` as the pipeline sends it; the DropboxFileId and first ServiceName.
    func upload(_ fileName: String, _ document: String) throws -> (Int64, String?) {
        let boundary = "pipelineBoundary"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"swagger\"; filename=\"\(fileName)\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n\(document)\r\n--\(boundary)--\r\n"
        let response = try world.post(
            "/api/dropbox/readfiledetails", as: world.jane, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        try #require(response.status == .ok, "\(response.text)")
        let details = try response.json()
        return (
            try #require(details["DropboxFileId"]?.intValue),
            details["ServiceDescriptorDocument"]?.arrayValue?.first?["ServiceName"]?.arrayValue?.first?.stringValue
        )
    }

    func create(fileID: Int64, serviceName: String?, implementations: String = "") throws -> HTTPResponse {
        let extra = implementations.isEmpty ? "" : #","AddAPIImplementationRequest":"# + implementations
        return try world.post(
            "/api/apis", as: world.jane,
            body:
                #"{"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"\#(serviceName ?? "")","FileName":"x.swagger","DropboxFileId":\#(fileID)}}\#(extra)}"#,
            accept: "application/vnd.soa.v81+json", contentType: "application/vnd.soa.v81+json")
    }

    func operations(_ versionID: String) throws -> [JSONValue] {
        let version = try world.get("/api/apis/versions/\(versionID)?includeOperations=true", as: world.jane).json()
        return try #require(version["Operations"]?["Operation"]?.arrayValue)
    }

    func definition(
        _ versionID: String, _ spec: String, query: String = "", accept: String = "application/json, text/javascript, */*; q=0.01"
    )
        throws -> HTTPResponse
    {
        try world.get("/api/apis/versions/\(versionID)/definition/\(spec)\(query)", as: world.jane, accept: accept)
    }

    @Test func swaggerOperationsAndDefinitionWithTheImplementationsEndpoints() throws {
        let (fileID, serviceName) = try upload("orders.json", Self.swagger)
        let response = try create(
            fileID: fileID, serviceName: serviceName,
            implementations: """
                [{"ImplementationCode":"Sandbox","CreateMechanism":"PROXY","ProxyImplementationRequest":{"TargetEndpointURL":["http://sandbox.example.com/orders-sbx"]}},
                 {"ImplementationCode":"Live","CreateMechanism":"PROXY","ProxyImplementationRequest":{"TargetEndpointURL":["https://gw.example.com:8443/orders"]}}]
                """)
        #expect(response.status == .ok, "\(response.text)")
        let versionID = try #require(try response.json()["LatestVersionID"]?.stringValue)

        // includeOperations: Operations {Operation[] {Name, Method, Path, [Description]}}, in document order.
        let listed = try operations(versionID)
        #expect(listed.map { $0["Name"]?.stringValue ?? "" } == ["listOrders", "createOrder", "GET /orders/{id}"])
        #expect(listed.map { $0["Method"]?.stringValue ?? "" } == ["GET", "POST", "GET"])
        #expect(listed.map { $0["Path"]?.stringValue ?? "" } == ["/orders", "/orders", "/orders/{id}"])
        #expect(listed[0]["Description"] == .string("List orders"))
        #expect(listed[1]["Description"] == nil)
        let plain = try world.get("/api/apis/versions/\(versionID)", as: world.jane).json()
        #expect(plain["Operations"] == nil)
        let xml = try world.get("/api/apis/versions/\(versionID)?includeOperations=true", as: world.jane, accept: "application/xml").text
        #expect(xml.contains("<Operations><Operation><Name>listOrders</Name><Method>GET</Method><Path>/orders</Path>"))
        #expect(try world.get("/api/apis/versions/\(versionID)?includeOperations=maybe", as: world.jane).status == .badRequest)

        // The definition: the stored document, its host/basePath/schemes the Live endpoint's.
        let live = try definition(versionID, "swagger")
        #expect(live.status == .ok, "\(live.text)")
        #expect(live.headers["Content-Type"] == "application/json")
        let document = try live.json()
        #expect(document["swagger"] == .string("2.0"))
        #expect(document["info"]?["title"] == .string("Orders"))
        #expect(document["host"] == .string("gw.example.com:8443"))
        #expect(document["basePath"] == .string("/orders"))
        #expect(document["schemes"] == .array([.string("https")]))
        #expect(document["paths"]?["/orders"]?["post"]?["operationId"] == .string("createOrder"))
        let sandbox = try definition(versionID, "swagger", query: "?Environment=Sandbox").json()
        #expect(sandbox["host"] == .string("sandbox.example.com"))
        #expect(sandbox["basePath"] == .string("/orders-sbx"))
        #expect(sandbox["schemes"] == .array([.string("http")]))

        // No conversion between formats; unknown specs and environments; JSON only.
        #expect(try definition(versionID, "openapi").status == .badRequest)
        #expect(try definition(versionID, "wsdl").status == .badRequest)
        #expect(try definition(versionID, "raml").status == .badRequest)
        #expect(try definition(versionID, "swagger", query: "?Environment=Staging").status == .badRequest)
        #expect(try definition(versionID, "swagger", accept: "application/xml").status == .notAcceptable)
        #expect(try definition("nope.acmepaymentscorp", "swagger").status == .notFound)
    }

    @Test func openAPIYAMLOperationsCloneAndServers() throws {
        let (fileID, serviceName) = try upload("pets.yaml", Self.openAPIYAML)
        #expect(serviceName == "Pets")
        let response = try create(fileID: fileID, serviceName: serviceName)
        #expect(response.status == .ok, "\(response.text)")
        let api = try response.json()
        let apiID = try #require(api["APIID"]?.stringValue)
        let versionID = try #require(api["LatestVersionID"]?.stringValue)
        let listed = try operations(versionID)
        #expect(listed.map { $0["Name"]?.stringValue ?? "" } == ["listPets", "deletePet"])
        #expect(listed[0]["Description"] == .string("* all of them\n"))

        // A clone that copies the design copies the operations; one that does not, has none.
        let clone = try world.post(
            "/api/apis/\(apiID)/versions", as: world.jane,
            body:
                #"{"APIVersionInfo":{"Name":"2.0"},"CloneAPIVersionRequest":{"SourceAPIVersionID":"\#(versionID)","CloneDesign":"true","CloneImplementations":"true"}}"#
        )
        #expect(clone.status == .ok, "\(clone.text)")
        let cloneID = try #require(try clone.json()["APIVersionID"]?.stringValue)
        #expect(try operations(cloneID) == listed)
        let bare = try world.post("/api/apis/\(apiID)/versions", as: world.jane, body: #"{"APIVersionInfo":{"Name":"3.0"}}"#)
        let bareID = try #require(try bare.json()["APIVersionID"]?.stringValue)
        #expect(try operations(bareID) == [])
        // A new version from another document has that document's operations.
        let (ordersID, _) = try upload("orders.json", Self.swagger)
        let fromDocument = try world.post(
            "/api/apis/\(apiID)/versions", as: world.jane,
            body: #"{"APIVersionInfo":{"Name":"4.0"},"DLDescriptor":{"DropboxFileId":\#(ordersID)}}"#)
        #expect(fromDocument.status == .ok, "\(fromDocument.text)")
        let fromDocumentID = try #require(try fromDocument.json()["APIVersionID"]?.stringValue)
        #expect(try operations(fromDocumentID).count == 3)

        // The YAML document answered as JSON, its servers the Live implementation's endpoints.
        let openAPI = try definition(versionID, "openapi")
        #expect(openAPI.status == .ok, "\(openAPI.text)")
        let document = try openAPI.json()
        #expect(document["openapi"] == .string("3.0.1"))
        #expect(document["info"]?["version"] == .string("2"))
        #expect(document["servers"] == .array([.object([("url", .string("https://pets.example.com/api"))])]))
        #expect(document["paths"]?["/pets/{petId}"]?["delete"]?["operationId"] == .string("deletePet"))
        #expect(try definition(versionID, "swagger").status == .badRequest)
    }

    @Test func wsdlOperationsAndDefinition() throws {
        let (fileID, serviceName) = try upload("stock.wsdl", Self.wsdl)
        #expect(serviceName == "StockQuote")
        let response = try create(fileID: fileID, serviceName: serviceName)
        #expect(response.status == .ok, "\(response.text)")
        let api = try response.json()
        let versionID = try #require(api["LatestVersionID"]?.stringValue)
        #expect(api["APIVersion"]?["Endpoints"]?["Endpoint"]?.arrayValue?.first?["Uri"] == .string("https://stock.example.com/soap"))
        let listed = try operations(versionID)
        #expect(listed.map { $0["Name"]?.stringValue ?? "" } == ["GetQuote", "GetHistory"])
        #expect(listed.map { $0["WsdlOperationName"]?.stringValue ?? "" } == ["GetQuote", "GetHistory"])
        #expect(listed[0]["Method"] == nil)

        let wsdl = try definition(versionID, "wsdl", accept: "application/xml")
        #expect(wsdl.status == .ok)
        #expect(wsdl.headers["Content-Type"] == "application/xml")
        #expect(wsdl.body == Array(Self.wsdl.utf8))
        #expect(try definition(versionID, "wsdl", accept: "text/xml").headers["Content-Type"] == "text/xml")
        #expect(try definition(versionID, "swagger").status == .badRequest)
    }

    @Test func aVersionWithoutADocumentGetsAGeneratedOne() throws {
        let (_, versionID) = try world.createAPI(name: "Generated")
        let swagger = try definition(versionID, "swagger").json()
        #expect(swagger["swagger"] == .string("2.0"))
        #expect(swagger["info"]?["title"] == .string("Generated"))
        #expect(swagger["info"]?["version"] == .string("1.0"))
        #expect(swagger["host"] == .string("www.acmepaymentscorp.com"))
        #expect(swagger["basePath"] == .string("/api/live"))
        #expect(swagger["paths"] == .object([]))
        let openAPI = try definition(versionID, "openapi", query: "?Environment=Sandbox").json()
        #expect(openAPI["openapi"] == .string("3.0.1"))
        #expect(openAPI["servers"] == .array([.object([("url", .string("http://www.acmepaymentscorp.com/api/sbox"))])]))
        #expect(try definition(versionID, "wsdl", accept: "application/xml").status == .badRequest)
        #expect(try operations(versionID) == [])
    }

    @Test func aRAMLDocumentMakesAVersionWithoutOperationsOrDefinitions() throws {
        let (fileID, _) = try upload("pets.raml", "#%RAML 1.0\ntitle: Pets\n/pets:\n  get:\n")
        let response = try create(fileID: fileID, serviceName: "Pets")
        #expect(response.status == .ok, "\(response.text)")
        let versionID = try #require(try response.json()["LatestVersionID"]?.stringValue)
        #expect(try operations(versionID) == [])
        for spec in ["swagger", "openapi"] {
            let answer = try definition(versionID, spec)
            #expect(answer.status == .badRequest)
            #expect(try answer.json()["faultstring"]?.stringValue?.contains("RAML or WADL") == true)
        }
    }

    @Test func hostileDocumentsAreRefusedAndChangeNothing() throws {
        var laughs =
            "openapi: 3.0.0\ninfo: {title: Laughs}\nl0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...9 {
            laughs += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        laughs += "? *l9\n: boom\n"
        var deep = "openapi: 3.0.0\ninfo: {title: Deep}\n"
        for level in 0..<100 { deep += String(repeating: " ", count: level + 1) + "k\(level):\n" }
        let many =
            #"{"openapi":"3.0.0","info":{"title":"Many"},"paths":{"#
            + (0...DescriptorDocument.maxOperations).map { #""/p\#($0)":{"get":{}}"# }.joined(separator: ",") + "}}"
        let started = Date()
        for (name, document, reason) in [
            ("laughs.yaml", laughs, "anchors and aliases"), ("deep.yaml", deep, "deeper than"),
            ("many.json", many, "more than 2000 operations"), ("broken.json", #"{"openapi":"3.0.1","paths":"#, "JSON"),
            ("notes.txt", "just some notes", "Service Definition parser not found.")
        ] {
            let (fileID, _) = try upload(name, document)
            let before = try world.counts()
            let response = try create(fileID: fileID, serviceName: "X")
            #expect(response.status == .badRequest, "\(name): \(response.text)")
            let fault = try response.json()["faultstring"]?.stringValue ?? ""
            #expect(fault.hasPrefix("The API definition could not be read: ["), "\(name): \(fault)")
            #expect(fault.contains(reason), "\(name): \(fault)")
            #expect(try world.counts() == before, "\(name)")
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
