import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import Testing

@testable import AkanaAPI

/// The OpenAPI document (Config/openapi/openapi.json) against the route table: it cannot drift.
@Suite struct OpenAPIDocumentTests {
    static let methods: [String: HTTPMethod] = [
        "get": .get, "put": .put, "post": .post, "delete": .delete, "patch": .patch,
        "head": .head, "options": .options
    ]

    let app: TestApp
    let document: JSONValue
    init() throws {
        app = try TestApp()
        document = try JSONParser.parse(OpenAPIDocument.bytes)
    }

    /// "METHOD path" for every operation of the document.
    func documentedOperations() throws -> Set<String> {
        let paths = try #require(document["paths"]?.objectMembers)
        var operations = Set<String>()
        for (path, item) in paths {
            for (method, _) in try #require(item.objectMembers) where Self.methods[method] != nil {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test func documentListsExactlyTheRoutesOfTheRouter() throws {
        let routes = Set(AkanaRoutes.makeRouter(environment: app.environment).table.map { "\($0.method.rawValue) \($0.template)" })
        let documented = try documentedOperations()
        #expect(routes.count >= 48)
        #expect(routes.subtracting(documented).sorted() == [], "routes without an entry in Config/openapi/openapi.json")
        #expect(documented.subtracting(routes).sorted() == [], "documented operations that no route serves")
    }

    @Test func documentIsOpenAPI31WithTheSessionAndCSRFSchemes() throws {
        #expect(document["openapi"]?.stringValue?.hasPrefix("3.1.") == true)
        let schemes = try #require(document["components"]?["securitySchemes"])
        #expect(schemes["session"]?["in"] == .string("cookie"))
        #expect(schemes["session"]?["name"] == .string("AtmoAuthToken_acmepaymentscorp"))
        #expect(schemes["csrf"]?["in"] == .string("header"))
        #expect(schemes["csrf"]?["name"] == .string("X-Csrf-Token_acmepaymentscorp"))
    }

    /// Every operation: a unique operationId, its path's parameters declared by the same names, a
    /// 2xx answer, and every 4xx/5xx answer the Akana fault.
    @Test func everyOperationIsComplete() throws {
        var operationIDs = Set<String>()
        for (path, item) in try #require(document["paths"]?.objectMembers) {
            let pathNames = Set(
                RoutePattern(path).segments.compactMap { segment -> String? in
                    if case .parameter(let name) = segment { return name }
                    return nil
                })
            for (method, operation) in try #require(item.objectMembers) where Self.methods[method] != nil {
                let label = "\(method.uppercased()) \(path)"
                let id = try #require(operation["operationId"]?.stringValue, "\(label) has no operationId")
                #expect(operationIDs.insert(id).inserted, "\(label): operationId \(id) is used twice")
                let declared = Set(
                    (operation["parameters"]?.arrayValue ?? []).compactMap { parameter -> String? in
                        parameter["in"] == .string("path") ? parameter["name"]?.stringValue : nil
                    })
                #expect(declared == pathNames, "\(label): path parameters \(declared.sorted()) ≠ \(pathNames.sorted())")
                let responses = try #require(operation["responses"]?.objectMembers, "\(label) has no responses")
                #expect(responses.contains { $0.0.hasPrefix("2") || $0.0.hasPrefix("3") }, "\(label) has no 2xx (or redirect) response")
                for (status, response) in responses where status.hasPrefix("4") || status.hasPrefix("5") {
                    #expect(response["$ref"] == .string("#/components/responses/Fault\(status)"), "\(label) \(status) is not the fault")
                }
                #expect(operation["security"] != nil, "\(label) says nothing of security")
            }
        }
    }

    @Test func servedDocumentIsTheCheckedInFile() throws {
        let response = try app.send(.get, "/_emulator/openapi.json")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.body == OpenAPIDocument.bytes)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/openapi/openapi.json")
        #expect(try Array(Data(contentsOf: file)) == OpenAPIDocument.bytes)
        #expect(try app.send(.get, "/_emulator/openapi.json", headers: ["Accept": "application/xml"]).status == .notAcceptable)
    }
}
