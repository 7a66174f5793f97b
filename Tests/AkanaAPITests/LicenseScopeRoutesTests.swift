import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import JSONCodec
import Testing

@testable import AkanaAPI

/// Scopes (POST/GET /api/businesses/{BusinessID}/resources, GET/PUT/DELETE
/// /api/businesses/resources/{ResourceID}), licenses (POST /api/licenses, GET/PUT/DELETE
/// /api/licenses/{LicenseID}, GET /api/apis/versions/{APIVersionID}/licenses) and operations mapped
/// to scopes (PUT/GET /api/apis/versions/{APIVersionID}/resources), through the API itself.
@Suite struct LicenseScopeRoutesTests {
    let world: APIWorld
    static let business = "/api/businesses/tenantbusiness.acmepaymentscorp/resources"

    init() throws { world = try APIWorld() }

    /// m_businesses_addBusinessResource's sample request body, verbatim (flags as strings).
    static let documentedScope = """
        { "ResourceID":"", "Name":"Bronze access", "ShortDescription":"Bronze access", "LongDescription":"Bronze access",
          "Visibility":"Public", "SandboxAnonymousAccessAllowed":"false", "ProductionAnonymousAccessAllowed":"false",
          "ResourcePath":"", "OAuthGrantDefaultResource":"true", "OAuthGrantUserAuthorizationRequired":"true",
          "ParentResourceID":"", "BusinessID":"tenantbusiness.acmepaymentscorp" }
        """

    /// m_licenses_addLicense's sample request body with the scopes of this tenant.
    static func documentedLicense(scopes: [String], name: String = "Platinum", sandboxAuto: String = "\"true\"") -> String {
        """
        { "Environment":[ "Sandbox", "Production" ], "Visibility":"Limited", "SandboxAccessAutoApproved":\(sandboxAuto),
          "ProductionAccessAutoApproved":"false", "Active":true,
          "AgreementDetails":{ "AgreementDocument":[ { "Name":"AcmePaymentsCorp Legal Agreement",
            "Description":"Legal agreement for use with Platinum license",
            "ContentPath":"business/tenantbusiness.acmepaymentscorp/legal/legalagreement.txt",
            "AgreementType":"com.soa.atmosphere.legals.eula" } ] },
          "Name":"\(name)", "Description":"Top tier with unlimited throughput",
          "LicenseParts":{ "LicensePart":[ { "ResourceID":[ \(scopes.map { "\"\($0)\"" }.joined(separator: ", ")) ], "PolicyKey":[ ] } ] },
          "BusinessID":"tenantbusiness.acmepaymentscorp" }
        """
    }

    func send(_ method: HTTPMethod, _ path: String, as session: TestApp.Session, body: String = "", accept: String = "application/json")
        throws -> HTTPResponse
    {
        try world.app.send(
            method, path, headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": accept]), body: body)
    }

    func addScope(_ body: String = documentedScope, as session: TestApp.Session? = nil) throws -> String {
        let response = try send(.post, Self.business, as: session ?? world.bob, body: body)
        try #require(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["ResourceID"]?.stringValue)
    }

    func addLicense(_ body: String, as session: TestApp.Session? = nil) throws -> String {
        let response = try send(.post, "/api/licenses", as: session ?? world.bob, body: body)
        try #require(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["LicenseID"]?.stringValue)
    }

    /// The rows of every table these routes write (a refusal must leave them alone).
    func counts() throws -> [Int] {
        try world.counts()
            + [
                "scopes", "licenses", "license_parts", "license_part_scopes", "license_part_policies", "license_agreements",
                "operation_scopes"
            ].map(world.count)
    }

    /// An API (as Jane, its admin) whose version has the operations `names`.
    func apiVersion(operations names: [String]) throws -> String {
        let (_, versionID) = try world.createAPI()
        try world.app.pool.write { db in
            try APIRepository.replaceOperations(
                db, apiVersionID: versionID, names.map { APIOperation(name: $0, method: "GET", path: "/\($0)", description: "") })
        }
        return versionID
    }

    // MARK: - Scopes

    @Test func aBusinessAdminAddsTheDocumentedScopeAndEveryoneListsIt() throws {
        let response = try send(.post, Self.business, as: world.bob, body: Self.documentedScope)
        #expect(response.status == .ok, "\(response.text)")
        let scope = try response.json()
        #expect(
            scope.objectMembers?.map(\.0) == [
                "ResourceID", "Name", "ShortDescription", "LongDescription", "Visibility", "ParentResourceID",
                "SandboxAnonymousAccessAllowed", "ProductionAnonymousAccessAllowed", "ResourcePath", "OAuthGrantDefaultResource",
                "OAuthGrantUserAuthorizationRequired", "BusinessID"
            ])
        let id = try #require(scope["ResourceID"]?.stringValue)
        #expect(id.hasSuffix(".acmepaymentscorp") && id.count > ".acmepaymentscorp".count)
        #expect(scope["Name"] == .string("Bronze access"))
        #expect(scope["OAuthGrantDefaultResource"] == .bool(true))
        #expect(scope["SandboxAnonymousAccessAllowed"] == .bool(false))
        #expect(scope["BusinessID"] == .string("tenantbusiness.acmepaymentscorp"))
        // Any logged-in user lists the business's scopes (an RSS channel) and reads one.
        let list = try send(.get, Self.business, as: world.jane).json()
        let items = try #require(list["channel"]?["item"]?.arrayValue)
        #expect(items.count == 1)
        #expect(items.first?["title"] == .string("Bronze access"))
        #expect(items.first?["guid"]?["value"] == .string(id))
        #expect(try send(.get, "/api/businesses/resources/\(id)", as: world.jane).json()["Name"] == .string("Bronze access"))
        #expect(
            try send(.get, "/api/businesses/resources/\(id)", as: world.jane, accept: "application/xml").text.contains(
                "<ResourceID>\(id)</ResourceID>"))
        // PUT changes what it names; DELETE answers the deleted scope.
        let renamed = try send(
            .put, "/api/businesses/resources/\(id)", as: world.admin, body: #"{"Name":"Silver access","ResourceID":"\#(id)"}"#)
        #expect(renamed.status == .ok, "\(renamed.text)")
        #expect(try renamed.json()["Name"] == .string("Silver access"))
        #expect(try renamed.json()["ShortDescription"] == .string("Bronze access"))
        let deleted = try send(.delete, "/api/businesses/resources/\(id)", as: world.bob)
        #expect(deleted.status == .ok)
        #expect(try deleted.json()["ResourceID"] == .string(id))
        #expect(try send(.get, "/api/businesses/resources/\(id)", as: world.bob).status == .notFound)
    }

    @Test func onlyAdminsChangeScopesAndBadScopesChangeNothing() throws {
        let id = try addScope()
        let child = try addScope(#"{"Name":"Child","ParentResourceID":"\#(id)"}"#)
        let grandchild = try addScope(#"{"Name":"Grandchild","ParentResourceID":"\#(child)"}"#)
        let before = try counts()
        // A scope cannot become its own ancestor.
        #expect(
            try send(.put, "/api/businesses/resources/\(id)", as: world.bob, body: #"{"ParentResourceID":"\#(grandchild)"}"#).status
                == .badRequest)
        #expect(try send(.post, Self.business, as: world.jane, body: Self.documentedScope).status == .forbidden)
        #expect(try send(.put, "/api/businesses/resources/\(id)", as: world.jane, body: #"{"Name":"x"}"#).status == .forbidden)
        #expect(try send(.delete, "/api/businesses/resources/\(id)", as: world.jane).status == .forbidden)
        #expect(
            try send(.post, "/api/businesses/tenantbusiness.other/resources", as: world.bob, body: Self.documentedScope).status == .notFound
        )
        for body in [
            #"{"ShortDescription":"no name"}"#, #"{"Name":7}"#, #"{"Name":"  "}"#, #"{"Name":"n","Visibility":"Secret"}"#,
            #"{"Name":"n","SandboxAnonymousAccessAllowed":"maybe"}"#, #"{"Name":"n","ParentResourceID":"nope.acmepaymentscorp"}"#,
            #"{"Name":"n","BusinessID":"tenantbusiness.other"}"#, "[]", #"{"Name":"\#(String(repeating: "x", count: 256))"}"#
        ] {
            #expect(try send(.post, Self.business, as: world.bob, body: body).status == .badRequest, "\(body)")
        }
        #expect(
            try send(.put, "/api/businesses/resources/\(id)", as: world.bob, body: #"{"ParentResourceID":"\#(id)"}"#).status == .badRequest)
        #expect(
            try send(.put, "/api/businesses/resources/nope.acmepaymentscorp", as: world.bob, body: #"{"Name":"x"}"#).status == .notFound)
        #expect(try counts() == before)
    }

    // MARK: - Licenses

    @Test func theDocumentedLicenseIsAddedReadUpdatedAndDeleted() throws {
        let bronze = try addScope()
        let gold = try addScope(#"{"Name":"Gold access"}"#)
        let response = try send(.post, "/api/licenses", as: world.bob, body: Self.documentedLicense(scopes: [bronze, gold]))
        #expect(response.status == .ok, "\(response.text)")
        let license = try response.json()
        #expect(
            license.objectMembers?.map(\.0) == [
                "LicenseID", "Name", "Description", "Visibility", "SandboxAccessAutoApproved", "ProductionAccessAutoApproved",
                "LicenseParts", "BusinessID", "Active", "Environment", "AgreementDetails"
            ])
        let id = try #require(license["LicenseID"]?.stringValue)
        #expect(id.hasSuffix(".acmepaymentscorp"))
        #expect(license["SandboxAccessAutoApproved"] == .bool(true))
        #expect(license["ProductionAccessAutoApproved"] == .bool(false))
        #expect(license["Visibility"] == .string("Limited"))
        #expect(license["Environment"] == .array([.string("Sandbox"), .string("Production")]))
        #expect(license["LicenseParts"]?["LicensePart"]?.arrayValue?.first?["ResourceID"] == .array([.string(bronze), .string(gold)]))
        #expect(
            license["AgreementDetails"]?["AgreementDocument"]?.arrayValue?.first?["AgreementType"]
                == .string("com.soa.atmosphere.legals.eula"))
        // GET answers the LicenseDetails object.
        let details = try send(.get, "/api/licenses/\(id)", as: world.jane).json()
        #expect(details["Name"] == .string("Platinum"))
        #expect(
            details["LicensePartsDetails"]?["LicensePart"]?.arrayValue?.first?["ResourceID"] == .array([.string(bronze), .string(gold)]))
        #expect(
            try send(.get, "/api/licenses/\(id)", as: world.jane, accept: "application/xml").text.contains("<LicenseID>\(id)</LicenseID>"))
        // PUT replaces the members given (the parts as a whole).
        let updated = try send(
            .put, "/api/licenses/\(id)", as: world.admin,
            body:
                #"{"Name":"Gold","LicenseParts":{"LicensePart":{"ResourceID":"\#(gold)","PolicyKey":["acmepaymentscorp-ThroughputLimit"]}}}"#
        )
        #expect(updated.status == .ok, "\(updated.text)")
        let after = try updated.json()
        #expect(after["Name"] == .string("Gold"))
        #expect(after["Description"] == .string("Top tier with unlimited throughput"))
        #expect(after["LicenseParts"]?["LicensePart"]?.arrayValue?.first?["ResourceID"] == .array([.string(gold)]))
        #expect(
            after["LicenseParts"]?["LicensePart"]?.arrayValue?.first?["PolicyKey"] == .array([.string("acmepaymentscorp-ThroughputLimit")]))
        // DELETE answers the deleted License; it is gone.
        let deleted = try send(.delete, "/api/licenses/\(id)", as: world.bob)
        #expect(deleted.status == .ok)
        #expect(try deleted.json()["Name"] == .string("Gold"))
        #expect(try send(.get, "/api/licenses/\(id)", as: world.bob).status == .notFound)
        #expect(try world.count("license_parts") == 0)
    }

    @Test func licensesAndScopesTravelAsXMLAndVendorTypes() throws {
        let scope = try addScope()
        // The pipeline's client sends and accepts application/vnd.soa.v81+json.
        let vendor = try world.app.send(
            .post, "/api/licenses",
            headers: TestApp.headers(world.bob, ["Content-Type": "application/vnd.soa.v81+json", "Accept": "application/vnd.soa.v81+json"]),
            body: Self.documentedLicense(scopes: [scope]))
        #expect(vendor.status == .ok, "\(vendor.text)")
        #expect(vendor.headers["Content-Type"]?.hasPrefix("application/vnd.soa.v81+json") == true)
        // An XML License whose lists hold one element each.
        let xml = """
            <License><Name>Silver</Name><Environment>Sandbox</Environment><SandboxAccessAutoApproved>true</SandboxAccessAutoApproved>
            <LicenseParts><LicensePart><ResourceID>\(scope)</ResourceID><PolicyKey>acmepaymentscorp-ThroughputLimit</PolicyKey></LicensePart></LicenseParts>
            </License>
            """
        let added = try world.app.send(
            .post, "/api/licenses", headers: TestApp.headers(world.bob, ["Content-Type": "application/xml", "Accept": "application/xml"]),
            body: xml)
        #expect(added.status == .ok, "\(added.text)")
        #expect(added.text.contains("<Name>Silver</Name>"))
        #expect(added.text.contains("<ResourceID>\(scope)</ResourceID>"))
        #expect(added.text.contains("<Environment>Sandbox</Environment>"))
        #expect(!added.text.contains("<Environment>Production</Environment>"))
        let mapping = try world.app.send(
            .post, Self.business, headers: TestApp.headers(world.bob, ["Content-Type": "application/xml", "Accept": "application/xml"]),
            body: "<Resource><Name>Gold access</Name><OAuthGrantDefaultResource>true</OAuthGrantDefaultResource></Resource>")
        #expect(mapping.status == .ok, "\(mapping.text)")
        #expect(mapping.text.contains("<OAuthGrantDefaultResource>true</OAuthGrantDefaultResource>"))
    }

    @Test func onlyBusinessAdminsChangeLicensesAndBadLicensesChangeNothing() throws {
        let scope = try addScope()
        let id = try addLicense(Self.documentedLicense(scopes: [scope]))
        let before = try counts()
        #expect(try send(.post, "/api/licenses", as: world.jane, body: Self.documentedLicense(scopes: [scope])).status == .forbidden)
        #expect(try send(.put, "/api/licenses/\(id)", as: world.jane, body: #"{"Name":"x"}"#).status == .forbidden)
        #expect(try send(.delete, "/api/licenses/\(id)", as: world.jane).status == .forbidden)
        for body in [
            Self.documentedLicense(scopes: ["nope.acmepaymentscorp"]), Self.documentedLicense(scopes: [scope], sandboxAuto: "\"perhaps\""),
            #"{"Description":"no name"}"#, #"{"Name":"n","Environment":["Staging"]}"#, #"{"Name":"n","Environment":[]}"#,
            #"{"Name":"n","Environment":[""]}"#, #"{"Name":"n","LicenseParts":"all"}"#,
            #"{"Name":"n","LicenseParts":{"LicensePart":[{"ResourceID":[7]}]}}"#,
            #"{"Name":"n","LicenseParts":{"LicensePart":[{"ResourceID":["\#(scope)"],"PolicyKey":["  "]}]}}"#,
            #"{"Name":"n","LicenseParts":{"LicensePart":[{"ResourceID":["\#(scope)"],"PolicyKey":["acmepaymentscorp-NotShipped"]}]}}"#,
            #"{"Name":"n","BusinessID":"tenantbusiness.other"}"#, #"{"Name":"n","Visibility":"Secret"}"#, "[]"
        ] {
            #expect(try send(.post, "/api/licenses", as: world.bob, body: body).status == .badRequest, "\(body)")
        }
        #expect(
            try send(.put, "/api/licenses/\(id)", as: world.bob, body: #"{"LicenseParts":{"LicensePart":[{"ResourceID":["nope"]}]}}"#)
                .status
                == .badRequest)
        #expect(try send(.put, "/api/licenses/nope.acmepaymentscorp", as: world.bob, body: #"{"Name":"x"}"#).status == .notFound)
        #expect(try send(.delete, "/api/licenses/nope.acmepaymentscorp", as: world.bob).status == .notFound)
        #expect(try counts() == before)
    }

    @Test func aContractRequestedWithALicenseAddedThroughTheAPIIsAutoApproved() throws {
        let scope = try addScope()
        let license = try addLicense(Self.documentedLicense(scopes: [scope]))
        let (_, apiVersionID) = try world.createAPI()
        let appVersionID = try world.createApp(as: world.kim)
        let sandbox = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID, scope: #"{"LicenseID":["\#(license)"]}"#)
        #expect(sandbox.status == .ok, "\(sandbox.text)")
        #expect(try sandbox.json()["State"] == .string("apicontract.status.activated"))
        // The license does not auto-approve Production: that contract waits for approval.
        let production = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID, environment: "Production",
            scope: #"{"LicenseID":["\#(license)"]}"#)
        #expect(try production.json()["State"] == .string("apicontract.status.pending_approval"))
        // Deleting the license detaches it from the contracts that named it.
        #expect(try send(.delete, "/api/licenses/\(license)", as: world.bob).status == .ok)
        #expect(try world.count("contract_licenses") == 0)
        #expect(try world.count("contracts") == 2)
    }

    /// A contract may name only an active license offered for its environment (400, nothing made).
    @Test func contractsNameOnlyActiveLicensesOfTheirEnvironment() throws {
        let scope = try addScope()
        let inactive = try addLicense(
            Self.documentedLicense(scopes: [scope], name: "Retired").replacingOccurrences(of: #""Active":true"#, with: #""Active":false"#))
        let sandboxOnly = try addLicense(
            Self.documentedLicense(scopes: [scope], name: "Trial").replacingOccurrences(
                of: #""Environment":[ "Sandbox", "Production" ]"#, with: #""Environment":[ "Sandbox" ]"#))
        let (_, apiVersionID) = try world.createAPI()
        let appVersionID = try world.createApp(as: world.kim)
        let before = try world.counts()
        let refused = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID, scope: #"{"LicenseID":["\#(inactive)"]}"#)
        #expect(refused.status == .badRequest)
        #expect(refused.text.contains("not active"))
        let production = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID, environment: "Production",
            scope: #"{"LicenseID":["\#(sandboxOnly)"]}"#)
        #expect(production.status == .badRequest)
        #expect(production.text.contains("offered for Sandbox, not Production"))
        #expect(try world.counts() == before)
        let sandbox = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID, scope: #"{"LicenseID":["\#(sandboxOnly)"]}"#)
        #expect(try sandbox.json()["State"] == .string("apicontract.status.activated"), "\(sandbox.text)")
    }

    // MARK: - Operations mapped to scopes, and the licenses of a version

    @Test func operationsMapToScopesAndTheVersionListsTheLicensesOfThoseScopes() throws {
        let versionID = try apiVersion(operations: ["listPayments", "getPayment", "addPayment"])
        let bronze = try addScope()
        let gold = try addScope(#"{"Name":"Gold access"}"#)
        let unused = try addScope(#"{"Name":"Unused"}"#)
        let platinum = try addLicense(Self.documentedLicense(scopes: [bronze]))
        let sandboxOnly = try addLicense(
            #"{"Name":"Sandbox only","Environment":["Sandbox"],"LicenseParts":{"LicensePart":[{"ResourceID":["\#(gold)"]}]}}"#)
        _ = try addLicense(#"{"Name":"Elsewhere","LicenseParts":{"LicensePart":[{"ResourceID":["\#(unused)"]}]}}"#)
        // Nothing mapped yet: no license applies.
        #expect(
            try send(.get, "/api/apis/versions/\(versionID)/resources", as: world.jane).json()
                == .object([("OperationResource", .array([]))]))
        #expect(try send(.get, "/api/apis/versions/\(versionID)/licenses", as: world.jane).json()["License"] == .array([]))
        // The API's admin (Jane) maps operations, as the page's sample does.
        let body = """
            {"OperationResource":[{"OperationName":"addPayment","ResourceID":["\(gold)"]},
                                  {"OperationName":"listPayments","ResourceID":["\(bronze)"]},
                                  {"OperationName":"getPayment","ResourceID":["\(gold)","\(bronze)"]}]}
            """
        let saved = try send(.put, "/api/apis/versions/\(versionID)/resources", as: world.jane, body: body)
        #expect(saved.status == .ok, "\(saved.text)")
        let mapping = try send(.get, "/api/apis/versions/\(versionID)/resources", as: world.kim).json()
        let operations = try #require(mapping["OperationResource"]?.arrayValue)
        // In the operations' order, each with its scopes in the order given.
        #expect(operations.map { $0["OperationName"]?.stringValue ?? "" } == ["listPayments", "getPayment", "addPayment"])
        #expect(operations[1]["ResourceID"] == .array([.string(gold), .string(bronze)]))
        // The licenses whose parts name a mapped scope, by name; Environment filters them.
        let licenses = try #require(try send(.get, "/api/apis/versions/\(versionID)/licenses", as: world.kim).json()["License"]?.arrayValue)
        #expect(licenses.map { $0["LicenseID"]?.stringValue ?? "" } == [platinum, sandboxOnly])
        #expect(licenses.first?["LicensePartsDetails"]?["LicensePart"]?.arrayValue?.first?["ResourceID"] == .array([.string(bronze)]))
        let production = try send(.get, "/api/apis/versions/\(versionID)/licenses?Environment=Production", as: world.kim).json()
        #expect(production["License"]?.arrayValue?.map { $0["LicenseID"]?.stringValue ?? "" } == [platinum])
        #expect(try send(.get, "/api/apis/versions/\(versionID)/licenses?Environment=Staging", as: world.kim).status == .badRequest)
        // Deleting a scope removes its mappings and the license parts' references to it.
        #expect(try send(.delete, "/api/businesses/resources/\(gold)", as: world.bob).status == .ok)
        let remaining = try #require(
            try send(.get, "/api/apis/versions/\(versionID)/resources", as: world.kim).json()["OperationResource"]?.arrayValue)
        #expect(remaining.map { $0["OperationName"]?.stringValue ?? "" } == ["listPayments", "getPayment"])
        #expect(remaining[1]["ResourceID"] == .array([.string(bronze)]))
        #expect(
            try send(.get, "/api/licenses/\(sandboxOnly)", as: world.bob).json()["LicensePartsDetails"]?["LicensePart"]?.arrayValue?.first?[
                "ResourceID"]
                == .array([]))
        // An empty list unmaps every operation.
        #expect(
            try send(.put, "/api/apis/versions/\(versionID)/resources", as: world.bob, body: #"{"OperationResource":[]}"#).status == .ok)
        #expect(try world.count("operation_scopes") == 0)
    }

    @Test func theJournalNamesWhatADeletedScopeTookWithItAndARollbackUndoesIt() throws {
        let versionID = try apiVersion(operations: ["listPayments"])
        let checkpoint = try #require(try world.app.send(.post, "/_emulator/checkpoints").json()["id"]?.stringValue)
        let before = try counts()
        let scope = try addScope()
        let license = try addLicense(#"{"Name":"Bronze","LicenseParts":{"LicensePart":[{"ResourceID":["\#(scope)"]}]}}"#)
        let body = #"{"OperationResource":[{"OperationName":"listPayments","ResourceID":["\#(scope)"]}]}"#
        #expect(try send(.put, "/api/apis/versions/\(versionID)/resources", as: world.jane, body: body).status == .ok)
        #expect(try send(.delete, "/api/businesses/resources/\(scope)", as: world.bob).status == .ok)
        let entries = try world.app.send(.get, "/_emulator/requests").json()["Request"]?.arrayValue ?? []
        let deletion = try #require(entries.first { $0["method"] == .string("DELETE") })
        let changed = Set(deletion["changedIDs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(changed.isSuperset(of: [scope, license, versionID]), "\(changed)")
        // A rollback to the checkpoint undoes the scope, the license and the mapping.
        #expect(try world.app.send(.post, "/_emulator/checkpoints/\(checkpoint)/rollback").status == .ok)
        #expect(try counts() == before)
    }

    @Test func theStateBrowserShowsLicensesScopesAndMappings() throws {
        let versionID = try apiVersion(operations: ["listPayments"])
        let scope = try addScope()
        _ = try addLicense(Self.documentedLicense(scopes: [scope], name: "Platinum <tier>"))
        let body = #"{"OperationResource":[{"OperationName":"listPayments","ResourceID":["\#(scope)"]}]}"#
        #expect(try send(.put, "/api/apis/versions/\(versionID)/resources", as: world.jane, body: body).status == .ok)
        let page = try world.app.send(.get, "/_emulator/ui/licenses")
        #expect(page.status == .ok)
        #expect(page.text.contains("Platinum &lt;tier&gt;"))
        #expect(page.text.contains("Bronze access"))
        #expect(page.text.contains("listPayments"))
        #expect(page.text.contains("href=\"/_emulator/ui/licenses\""))
    }

    @Test func aTenantResetTakesScopesLicensesAndMappings() throws {
        let versionID = try apiVersion(operations: ["listPayments"])
        let scope = try addScope()
        _ = try addLicense(Self.documentedLicense(scopes: [scope]))
        let body = #"{"OperationResource":[{"OperationName":"listPayments","ResourceID":["\#(scope)"]}]}"#
        #expect(try send(.put, "/api/apis/versions/\(versionID)/resources", as: world.jane, body: body).status == .ok)
        let reset = try world.app.send(.post, "/_emulator/tenants/acmepaymentscorp/reset")
        #expect(reset.status == .ok, "\(reset.text)")
        for table in ["scopes", "licenses", "license_parts", "license_part_scopes", "license_agreements", "operation_scopes"] {
            #expect(try world.count(table) == 0, "\(table)")
        }
    }

    @Test func badMappingsAre400AndChangeNothing() throws {
        let versionID = try apiVersion(operations: ["listPayments"])
        let scope = try addScope()
        let path = "/api/apis/versions/\(versionID)/resources"
        #expect(
            try send(
                .put, path, as: world.jane, body: #"{"OperationResource":[{"OperationName":"listPayments","ResourceID":["\#(scope)"]}]}"#
            ).status
                == .ok)
        let before = try counts()
        for body in [
            #"{"OperationResource":[{"OperationName":"nosuchOperation","ResourceID":["\#(scope)"]}]}"#,
            #"{"OperationResource":[{"OperationName":"listPayments","ResourceID":["nope.acmepaymentscorp"]}]}"#,
            #"{"OperationResource":[{"ResourceID":["\#(scope)"]}]}"#, #"{"OperationResource":[{"OperationName":5}]}"#,
            #"{"OperationResource":[{"OperationName":"listPayments"},{"OperationName":"listPayments"}]}"#,
            #"{"OperationResource":"all"}"#, #"{}"#, "[]"
        ] {
            #expect(try send(.put, path, as: world.jane, body: body).status == .badRequest, "\(body)")
        }
        // Kim is no admin of the API: 403; an unknown version: 404.
        #expect(try send(.put, path, as: world.kim, body: #"{"OperationResource":[]}"#).status == .forbidden)
        #expect(
            try send(.put, "/api/apis/versions/nope.acmepaymentscorp/resources", as: world.bob, body: #"{"OperationResource":[]}"#).status
                == .notFound)
        #expect(try send(.get, "/api/apis/versions/nope.acmepaymentscorp/licenses", as: world.bob).status == .notFound)
        #expect(try counts() == before)
    }
}

/// The `scopes` fixture key and the licenses fixture's new members (old license elements keep loading).
@Suite struct LicenseScopeFixtureTests {
    static let document = """
        {
          "scopes": [{"ResourceID": "bronze.acmepaymentscorp", "Name": "Bronze", "ShortDescription": "Bronze access"},
                     {"ResourceID": "bronze-read.acmepaymentscorp", "Name": "Bronze read", "ParentResourceID": "bronze.acmepaymentscorp",
                      "OAuthGrantDefaultResource": true}],
          "licenses": [{"LicenseID": "gold.acmepaymentscorp", "Name": "Gold", "SandboxAccessAutoApproved": true},
                       {"LicenseID": "bronze.acmepaymentscorp", "Name": "Bronze", "Environment": ["Sandbox"], "Visibility": "Limited",
                        "LicenseParts": [{"Name": "reads", "ResourceID": ["bronze.acmepaymentscorp", "bronze-read.acmepaymentscorp"],
                                          "PolicyKey": ["acmepaymentscorp-ThroughputLimit"]}]}]
        }
        """

    @Test func fixturesMakeScopesAndLicensesWithParts() throws {
        let world = try APIWorld(fixtures: [try FixtureDocument.parse(Array(Self.document.utf8), source: "test")])
        let scope = try world.get("/api/businesses/resources/bronze-read.acmepaymentscorp", as: world.jane).json()
        #expect(scope["ParentResourceID"] == .string("bronze.acmepaymentscorp"))
        #expect(scope["OAuthGrantDefaultResource"] == .bool(true))
        let bronze = try world.get("/api/licenses/bronze.acmepaymentscorp", as: world.jane).json()
        #expect(bronze["Environment"] == .array([.string("Sandbox")]))
        #expect(bronze["Visibility"] == .string("Limited"))
        let part = bronze["LicensePartsDetails"]?["LicensePart"]?.arrayValue?.first
        #expect(part?["Name"] == .string("reads"))
        #expect(part?["ResourceID"] == .array([.string("bronze.acmepaymentscorp"), .string("bronze-read.acmepaymentscorp")]))
        #expect(part?["PolicyKey"] == .array([.string("acmepaymentscorp-ThroughputLimit")]))
        // An element of the old shape keeps its defaults.
        let gold = try world.get("/api/licenses/gold.acmepaymentscorp", as: world.jane).json()
        #expect(gold["SandboxAccessAutoApproved"] == .bool(true))
        #expect(gold["Environment"] == .array([.string("Sandbox"), .string("Production")]))
        #expect(gold["Active"] == .bool(true))
        // Applying the document again finds everything there.
        let again = try world.app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: Self.document)
        #expect(again.status == .ok, "\(again.text)")
        #expect(try again.json()["skipped"]?["scopes"]?.arrayValue?.count == 2)
    }

    @Test func aLicensePartNamingAnUnknownScopeIsRefused() throws {
        let document = """
            {"licenses": [{"LicenseID": "x.acmepaymentscorp", "LicenseParts": [{"ResourceID": ["nope.acmepaymentscorp"]}]}]}
            """
        let world = try APIWorld()
        let response = try world.app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: document)
        #expect(response.status == .badRequest)
        #expect(try world.count("licenses") == 0)
        let unknownKey = #"{"scopes": [{"ResourceID": "s.acmepaymentscorp", "Colour": "red"}]}"#
        #expect(
            try world.app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: unknownKey).status
                == .badRequest)
    }
}
