import Foundation
import JSONCodec
import Testing

@testable import AkanaDomain

/// The operations parser of uploaded API description documents (issue 26 part 6): OpenAPI 3 and
/// Swagger 2 in JSON and YAML, WSDL 1.1 and 2.0, and the bounds hostile documents meet.
@Suite struct DescriptorDocumentTests {
    static let petstoreYAML = """
        openapi: 3.0.1
        info:
          title: 'Swagger Petstore'
          version: "1.0"
        servers:
          - url: https://pets.example.com/v1
        paths:
          /pets:
            parameters: []
            get:
              operationId: listPets
              summary: List all pets
              description: |
                * every pet
                * &not an anchor, a line of a block scalar
            post:
              operationId: createPet
              summary: Create a pet
          /pets/{petId}:
            get:
              operationId: showPetById
            delete: {}
            x-internal: true
          x-extension: {}
        """

    func read(_ type: String, _ text: String) throws -> DescriptorDocument {
        try DescriptorDocument.read(fileType: type, content: Array(text.utf8))
    }

    func refusal(_ type: String, _ text: String) -> String? {
        do {
            _ = try read(type, text)
            return nil
        } catch {
            return (error as? DescriptorDocument.Unreadable)?.reason ?? "\(error)"
        }
    }

    @Test func openAPI3YAMLOperationsInDocumentOrder() throws {
        let document = try read("OpenAPI", Self.petstoreYAML)
        #expect(document.kind == .openAPI3)
        #expect(document.title == "Swagger Petstore")
        #expect(document.serverURL == "https://pets.example.com/v1")
        #expect(
            document.operations == [
                APIOperation(
                    name: "listPets", method: "GET", path: "/pets",
                    description: "* every pet\n* &not an anchor, a line of a block scalar\n"),
                APIOperation(name: "createPet", method: "POST", path: "/pets", description: "Create a pet"),
                APIOperation(name: "showPetById", method: "GET", path: "/pets/{petId}", description: ""),
                APIOperation(name: "DELETE /pets/{petId}", method: "DELETE", path: "/pets/{petId}", description: "")
            ])
        // The tree keeps YAML's types and order.
        #expect(document.tree?["info"]?["version"] == .string("1.0"))
        #expect(document.tree?["paths"]?["/pets/{petId}"]?["x-internal"] == .bool(true))
    }

    @Test func swagger2JSONNamesAreMadeUnique() throws {
        let json = """
            {"swagger":"2.0","info":{"title":"Orders","version":"1"},"host":"orders.example.com","basePath":"/v2","schemes":["http"],
             "paths":{"/orders":{"get":{"operationId":"list"},"post":{"operationId":"list","description":"Create","summary":"ignored"}},
                      "/orders/{id}":{"get":{"summary":"One order"},"head":{"operationId":""}}}}
            """
        let document = try read("Swagger", json)
        #expect(document.kind == .swagger2)
        #expect(document.serverURL == "http://orders.example.com/v2")
        #expect(document.operations.map(\.name) == ["list", "list_2", "GET /orders/{id}", "HEAD /orders/{id}"])
        #expect(document.operations.map(\.description) == ["", "Create", "One order", ""])
    }

    @Test func unquotedVersionsAreNumbersInYAML() throws {
        #expect(try read("Swagger", "swagger: 2.0\ninfo: {title: T}\npaths: {/a: {get: {}}}\n").kind == .swagger2)
        #expect(try read("OpenAPI", "openapi: 3.0\npaths: {}\n").kind == .openAPI3)
        #expect(refusal("Swagger", "swagger: 1.2\n")?.contains("neither") == true)
    }

    @Test func wsdlOperations() throws {
        let wsdl11 = """
            <?xml version="1.0"?>
            <definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" name="Stock">
              <portType name="StockPort"><operation name="GetQuote"/><operation name="GetHistory"/></portType>
              <binding name="b" type="StockPort"><operation name="GetQuote"/></binding>
              <service name="StockQuote"><port name="p" binding="b"><soap:address location="https://stock.example.com/soap"/></port></service>
            </definitions>
            """
        let document = try read("WSDL", wsdl11)
        #expect(document.kind == .wsdl)
        #expect(document.title == "StockQuote")
        #expect(document.serverURL == "https://stock.example.com/soap")
        #expect(document.operations.map(\.name) == ["GetQuote", "GetHistory"])
        #expect(document.operations.allSatisfy { $0.method.isEmpty && $0.path.isEmpty })

        let wsdl20 = """
            <description xmlns="http://www.w3.org/ns/wsdl">
              <interface name="Reservation"><operation name="makeReservation" pattern="http://www.w3.org/ns/wsdl/in-out"/></interface>
              <service name="ReservationService" interface="Reservation"><endpoint name="e" binding="b" address="http://hotel.example.com/r"/></service>
            </description>
            """
        let second = try read("WSDL", wsdl20)
        #expect(second.operations.map(\.name) == ["makeReservation"])
        #expect(second.serverURL == "http://hotel.example.com/r")
    }

    @Test func malformedDocumentsAreUnreadable() {
        #expect(refusal("OpenAPI", #"{"openapi":"3.0.1","info":{"title":"#)?.contains("JSON") == true)
        #expect(refusal("OpenAPI", "openapi: 3.0.0\npaths: [1, 2]\n") == "paths is not an object")
        #expect(refusal("OpenAPI", "openapi: 3.0.0\npaths:\n  pets: {}\n")?.contains("does not start with /") == true)
        #expect(refusal("OpenAPI", "info: {title: x}\n")?.contains("neither OpenAPI 3") == true)
        #expect(refusal("OpenAPI", "openapi: 3.0.0\nkey: [unclosed\n")?.contains("malformed") == true)
        #expect(refusal("OpenAPI", "openapi: 3.0.0\npaths: {/a: {get: {operationId: [1]}}}\n")?.contains("not a string") == true)
        #expect(refusal("OpenAPI", "openapi: 3.0.0\na: 1\na: 2\n") != nil)
        #expect(refusal("WSDL", "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"><portType>") != nil)
        #expect(refusal("WSDL", "<!DOCTYPE d [<!ENTITY e \"x\">]><definitions/>")?.contains("DOCTYPE") == true)
        #expect(refusal("WSDL", "<root/>")?.contains("not a WSDL") == true)
        #expect(refusal("ZIP", "PK") == "Service Definition parser not found.")
        #expect(refusal("RAML", "#%RAML 1.0") == nil)
    }

    @Test func aliasBombsAreRefusedBeforeYamsSeesThem() {
        // Billion laughs, and the same used as a mapping key (Yams hashes keys: exponential).
        var laughs = "openapi: 3.0.0\nl0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...9 {
            laughs += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        let started = Date()
        #expect(refusal("OpenAPI", laughs)?.contains("anchors and aliases") == true)
        #expect(refusal("OpenAPI", laughs + "? *l9\n: x\n")?.contains("anchors and aliases") == true)
        for hidden in [
            "openapi: 3.0.0\nx: !!seq &a [1]\ny: *a\n", "openapi: 3.0.0\nx: [1, &a 2]\ny: [*a]\n", "openapi: 3.0.0\nx: {\"k\":&a 1}\n",
            "openapi: 3.0.0\n- &a x\n", "openapi: 3.0.0\nd: |\n  text\ne: &a 1\n", "openapi: 3.0.0\nk: 'it''s'\nv: *a\n",
            "openapi: 3.0.0\nk: \"multi\n  line\"\nv: &a x\n", "--- &a\nopenapi: 3.0.0\n", "\u{FEFF}&a x: 1\n",
            "openapi: 3.0.0\n- a: |\n   text\n  c: &x 1\n", "openapi: 3.0.0\nx:\t*a\n"
        ] {
            #expect(refusal("OpenAPI", hidden)?.contains("anchors and aliases") == true, "\(hidden)")
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func depthAndCountsAreBounded() {
        let deepFlow = "openapi: 3.0.0\npaths: " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n"
        #expect(refusal("OpenAPI", deepFlow)?.contains("deeper than") == true)
        var deepBlock = "openapi: 3.0.0\n"
        for level in 0..<100 { deepBlock += String(repeating: " ", count: level) + "k\(level):\n" }
        #expect(refusal("OpenAPI", deepBlock)?.contains("deeper than") == true)
        let dashes = "openapi: 3.0.0\nx: " + String(repeating: "- ", count: 100) + "v\n"
        #expect(refusal("OpenAPI", dashes)?.contains("deeper than") == true)
        let deepJSON = #"{"openapi":"3.0.0","x":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}"
        #expect(refusal("OpenAPI", deepJSON) != nil)

        // 2,000 operations are read; one more is refused, in JSON and YAML alike.
        func paths(_ count: Int) -> String {
            (0..<count).map { "\"/p\($0)\":{\"get\":{}}" }.joined(separator: ",")
        }
        let atLimit = #"{"openapi":"3.0.0","paths":{"# + paths(DescriptorDocument.maxOperations) + "}}"
        #expect(refusal("OpenAPI", atLimit) == nil)
        let overLimit = #"{"openapi":"3.0.0","paths":{"# + paths(DescriptorDocument.maxOperations + 1) + "}}"
        #expect(refusal("OpenAPI", overLimit)?.contains("more than 2000 operations") == true)
        let yamlOver =
            "openapi: 3.0.0\npaths:\n" + (0...DescriptorDocument.maxOperations).map { "  /p\($0):\n    get: {}\n" }.joined()
        #expect(refusal("OpenAPI", yamlOver)?.contains("more than 2000 operations") == true)
        let longName = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      operationId: " + String(repeating: "n", count: 300) + "\n"
        #expect(refusal("OpenAPI", longName)?.contains("longer than 255") == true)
    }

    @Test func serviceNamesReadYAMLThroughYams() {
        let names = DescriptorServiceNames.names(fileType: "OpenAPI", content: Array(Self.petstoreYAML.utf8))
        #expect(names == ["Swagger Petstore"])
        #expect(
            DescriptorServiceNames.names(fileType: "Swagger", content: Array("swagger: \"2.0\"\ninfo:\n  title: \"Quoted \\u0041\"\n".utf8))
                == ["Quoted A"])
        #expect(DescriptorServiceNames.names(fileType: "OpenAPI", content: Array("info: &i {title: X}\nb: *i\n".utf8)) == [])
    }
}
