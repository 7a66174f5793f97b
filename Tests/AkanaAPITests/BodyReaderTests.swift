import AkanaDomain
import JSONCodec
import Testing

@testable import AkanaAPI

/// The one way request bodies become the typed inputs the services take.
@Suite struct BodyReaderTests {
    struct Probe {
        var name: String?
        var tags: [String]?
        init(_ reader: BodyReader) throws {
            name = try reader.name("Name")
            tags = try reader.tags()
        }

        init(body: JSONValue, context: String) throws {
            try self.init(BodyReader(body, context: context))
        }
    }

    @Test func readsMembersIgnoringCaseAndNull() throws {
        let probe = try Probe(
            body: .object([("name", .string("  Payments ")), ("TAG", .array([.string("a"), .string("a"), .string("")]))]),
            context: "Probe")
        #expect(probe.name == "Payments")
        #expect(probe.tags == ["a"])
        let empty = try Probe(body: .object([("Name", .null)]), context: "Probe")
        #expect(empty.name == nil && empty.tags == nil)
    }

    @Test func problemsNameTheField() throws {
        #expect(throws: DomainError.badRequest("Probe must be a JSON object, not an array.")) {
            try Probe(body: .array([]), context: "Probe")
        }
        #expect(throws: DomainError.badRequest("Probe.Name must be a string, not a number.")) {
            try Probe(body: .object([("Name", .integer(3))]), context: "Probe")
        }
        #expect(throws: DomainError.badRequest("Probe.Name must not be empty.")) {
            try Probe(body: .object([("Name", .string(" "))]), context: "Probe")
        }
        #expect(throws: DomainError.badRequest("Custom.")) { try BodyReader(.string("x"), context: "Probe", notAnObject: "Custom.") }
    }

    @Test func appVersionInputKeepsItsOwnRules() throws {
        #expect(throws: DomainError.badRequest("ApplicationVersion must be a JSON object.")) { try AppVersionInput(body: .array([])) }
        let input = try AppVersionInput(
            body: .object([
                ("Visibility", .string("public")), ("InitialEnvironment", .string("sandbox")),
                ("Tag", .array([.string("b"), .string("b")]))
            ]))
        #expect(input.visibility == "Public")
        #expect(input.initialEnvironment == "Sandbox")
        #expect(input.tags == ["b", "b"])
    }

    @Test func aJSONSchemaObjectArrivesAsItsText() throws {
        let input = try ModelVersionInput(body: .object([("Schema", .object([("type", .string("object"))]))]))
        #expect(input.schema == #"{"type":"object"}"#)
        #expect(
            throws: DomainError.badRequest("ModelVersion.Schema must be the schema text (a string) or a JSON schema object, not a number.")
        ) {
            try ModelVersionInput(body: .object([("Schema", .integer(3))]))
        }
    }

    @Test func anAppsFirstVersionTravelsInsideTheApplication() throws {
        let input = try ApplicationInput(
            creationBody: .object([
                ("Name", .string("Crosfhocal")),
                ("ApplicationVersion", .object([("Visibility", .string("limited"))]))
            ]))
        #expect(input.name == "Crosfhocal")
        #expect(input.version?.visibility == "Limited")
        #expect(input.version?.name == nil)
        #expect(throws: DomainError.badRequest("Application.ApplicationVersion must be a JSON object.")) {
            try ApplicationInput(creationBody: .object([("Name", .string("x")), ("ApplicationVersion", .null)]))
        }
    }

    @Test func aContractScopeAbsentIsNotAScopeNull() throws {
        // PUT needs the member (it is what PUT changes); null is an empty scope, as on POST.
        #expect(try ContractUpdateInput(body: .object([("ContractID", .string("c1"))])).scope == nil)
        #expect(try ContractUpdateInput(body: .object([("ContractScope", .null)])).scope == ContractScopeInput())
        let scope = try ContractUpdateInput(
            body: .object([("ContractScope", .object([("LicenseID", .array([.string("l1"), .string("l1")]))]))])
        ).scope
        #expect(scope == ContractScopeInput(restricted: nil, licenseIDs: ["l1"]))
        #expect(try ContractInput(body: .object([])).scope == ContractScopeInput())
    }
}
