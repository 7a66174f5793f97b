import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec
import Testing

@testable import AkanaAPI

/// One field-limit rule (`FieldLimits`, docs/api-coverage.md "Field limits"): characters, the same limit for a
/// field wherever it appears, the OpenAPI document's `maxLength`, and faults that name the field sent.
@Suite struct FieldLimitTests {
    static let json: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
    /// For the operations that answer text/plain.
    static let jsonIn: HTTPHeaders = ["Content-Type": "application/json", "Accept": "*/*"]

    func faultstring(_ response: HTTPResponse) -> String {
        (try? response.json()["faultstring"]?.stringValue) ?? response.text
    }

    /// The invitation `Message` counts characters: 4,097 × "é" (8,194 bytes) is taken, 8,193 characters are not.
    @Test func anInvitationMessageIsCountedInCharacters() throws {
        let app = try TestApp()
        let admin = try app.login()
        let created = try app.send(.post, "/api/apps", headers: TestApp.headers(admin, Self.json), body: #"{"Name":"Team app"}"#)
        try #require(created.status == .ok, "\(created.text)")
        let appID = try #require(try created.json()["AppID"]?.stringValue)
        let over = try app.send(
            .post, "/api/apps/\(appID)/members", headers: TestApp.headers(admin, Self.jsonIn),
            body: #"{"Email":"\#(TestApp.jane)","Message":"\#(String(repeating: "é", count: 8_193))"}"#)
        #expect(over.status == .badRequest)
        #expect(faultstring(over) == "Message is longer than 8192 characters.")
        let accepted = try app.send(
            .post, "/api/apps/\(appID)/members", headers: TestApp.headers(admin, Self.jsonIn),
            body: #"{"Email":"\#(TestApp.jane)","Message":"\#(String(repeating: "é", count: 4_097))"}"#)
        #expect(accepted.status == .ok, "\(accepted.text)")
    }

    /// A user created with a 1,000-character password logs in through both /api/login and ssoLogin;
    /// both refuse 1,025 characters, naming the field they were sent as.
    @Test func loginAndSSOLoginTakeTheSamePasswords() throws {
        let app = try TestApp()
        let admin = try app.login()
        let email = "long.password@acmepaymentscorp.com"
        let password = String(repeating: "pw-é", count: 250)
        #expect(password.count == 1_000)
        let created = try app.send(
            .post, "/api/users", headers: TestApp.headers(admin, Self.json),
            body: #"{"FirstName":"Long","LastName":"Password","Email":"\#(email)","Password":"\#(password)"}"#)
        try #require(created.status == .ok, "\(created.text)")

        let login = try app.send(.post, "/api/login", headers: Self.json, body: #"{"email":"\#(email)","password":"\#(password)"}"#)
        #expect(login.status == .ok, "\(login.text)")
        func sso(_ secret: String) throws -> HTTPResponse {
            let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
            return try app.send(
                .post, "/api/login/ssoLogin", headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                body: "domain=siteusers&identity_username=\(encode(email))&secret_password=\(encode(secret))")
        }
        let viaSSO = try sso(password)
        #expect(viaSSO.status == .ok, "\(viaSSO.text)")

        let tooLong = String(repeating: "é", count: FieldLimits.password + 1)
        let refusedSSO = try sso(tooLong)
        #expect(refusedSSO.status == .badRequest)
        #expect(faultstring(refusedSSO) == "secret_password is longer than 1024 characters.")
        let refusedLogin = try app.send(.post, "/api/login", headers: Self.json, body: #"{"email":"\#(email)","password":"\#(tooLong)"}"#)
        #expect(refusedLogin.status == .badRequest)
        #expect(faultstring(refusedLogin) == "password is longer than 1024 characters.")
    }

    /// A 100 KB `NewPassword` (or `OldPassword`) is refused naming the member that was sent.
    @Test func aPasswordChangeNamesTheFieldItRefuses() throws {
        let app = try TestApp()
        let admin = try app.login()
        let login = try app.send(.post, "/api/login", headers: Self.json, body: #"{"email":"\#(TestApp.admin)","password":"password"}"#)
        let userID = try #require(try login.json()["userFDN"]?.stringValue)
        let huge = String(repeating: "n", count: 100_000)
        let new = try app.send(
            .put, "/api/users/\(userID)/password", headers: TestApp.headers(admin, Self.jsonIn),
            body: #"{"OldPassword":"password","NewPassword":"\#(huge)"}"#)
        #expect(new.status == .badRequest)
        #expect(faultstring(new) == "PasswordChange.NewPassword is longer than 1024 characters.")
        let old = try app.send(
            .put, "/api/users/\(userID)/password", headers: TestApp.headers(admin, Self.jsonIn),
            body: #"{"OldPassword":"\#(huge)","NewPassword":"another"}"#)
        #expect(old.status == .badRequest)
        #expect(faultstring(old) == "PasswordChange.OldPassword is longer than 1024 characters.")
        // Exactly at the limit, in characters: taken.
        let atLimit = String(repeating: "é", count: FieldLimits.password)
        let changed = try app.send(
            .put, "/api/users/\(userID)/password", headers: TestApp.headers(admin, Self.jsonIn),
            body: #"{"OldPassword":"password","NewPassword":"\#(atLimit)"}"#)
        #expect(changed.status == .ok, "\(changed.text)")
    }

    // MARK: - The OpenAPI document's maxLength

    /// Fields whose limit is not `FieldLimits.limit(for:)` of their member name: the schema path
    /// (`Component.member.member`) and the limit (nil: none, the field is bounded another way).
    static let otherRules: [String: Int?] = [
        "ClockRequest.frozenAt": nil,  // a time: the pattern bounds it
        "SnapshotRequest.name": nil,  // the pattern: 1 to 64 characters
        "FaultRule.match.method": nil,  // the pattern: 1 to 16 letters
        "FaultRule.match.path": FaultRule.maxMatchLength,
        "FaultRule.match.tenant": FaultRule.maxMatchLength,
        "WorkflowDefinitionUpload.file": nil,  // a document: bounded by the body size
        "post /content/{path}.body": nil,  // a file's content: bounded by the body size
        "post /resources/{path}.body": nil
    ]

    struct DocumentedField: CustomStringConvertible {
        var path: String
        var member: String
        var maxLength: Int?
        var description: String { "\(path) (maxLength \(maxLength.map(String.init) ?? "none"))" }
    }

    /// Every string member of every request body in the document, with the member it is the value of.
    static func requestBodyStrings(_ document: JSONValue) throws -> [DocumentedField] {
        let schemas = try #require(document["components"]?["schemas"])
        var found: [DocumentedField] = []
        func isString(_ type: JSONValue?) -> Bool {
            if type == .string("string") { return true }
            return type?.arrayValue?.contains(.string("string")) == true
        }
        func walk(_ node: JSONValue, member: String?, path: String, chain: Set<String>) {
            guard case .object = node else { return }
            if let reference = node["$ref"]?.stringValue {
                let name = String(reference.split(separator: "/").last ?? "")
                guard !chain.contains(name), let schema = schemas[name] else { return }
                walk(schema, member: member, path: name, chain: chain.union([name]))
                return
            }
            for key in ["anyOf", "oneOf", "allOf"] {
                for item in node[key]?.arrayValue ?? [] { walk(item, member: member, path: path, chain: chain) }
            }
            for (key, value) in node["properties"]?.objectMembers ?? [] { walk(value, member: key, path: "\(path).\(key)", chain: chain) }
            if let items = node["items"] { walk(items, member: member, path: path, chain: chain) }
            if isString(node["type"]), let member, node["enum"] == nil, node["const"] == nil, node["format"] != .string("binary") {
                found.append(DocumentedField(path: path, member: member, maxLength: node["maxLength"]?.intValue.map { Int($0) }))
            }
        }
        for (path, item) in try #require(document["paths"]?.objectMembers) {
            for (method, operation) in item.objectMembers ?? [] where !["get", "head", "parameters"].contains(method) {
                for (_, media) in operation["requestBody"]?["content"]?.objectMembers ?? [] {
                    walk(media["schema"] ?? .null, member: nil, path: "\(method) \(path)", chain: [])
                }
            }
        }
        return found
    }

    /// Every string a request body carries has, in the document, the `maxLength` the code enforces
    /// (`FieldLimits.limit(for:)` of its member, or its own rule above), and none where there is no limit.
    @Test func theDocumentsMaxLengthIsTheLimitTheCodeEnforces() throws {
        let document = try JSONParser.parse(OpenAPIDocument.bytes)
        let fields = try Self.requestBodyStrings(document)
        #expect(fields.count >= 100)
        for field in fields {
            let expected: Int? =
                if let rule = Self.otherRules[field.path] { rule } else {
                    FieldLimits.limit(for: field.member) == Int.max ? nil : FieldLimits.limit(for: field.member)
                }
            #expect(field.maxLength == expected, "\(field): the code's limit is \(expected.map(String.init) ?? "none")")
        }
        // Every exception names a field the document still has.
        let paths = Set(fields.map(\.path))
        for path in Self.otherRules.keys { #expect(paths.contains(path), "\(path) is no longer in the document") }
        // Every limit FieldLimits defines is documented somewhere, and the password members share one.
        let documented = Set(fields.compactMap(\.maxLength))
        for limit in [FieldLimits.short, FieldLimits.summary, FieldLimits.websiteAddress, FieldLimits.longText, FieldLimits.password] {
            #expect(documented.contains(limit), "no documented field has the limit \(limit)")
        }
        for member in ["password", "secret_password", "Password", "OldPassword", "NewPassword"] {
            #expect(FieldLimits.limit(for: member) == FieldLimits.password, "\(member)")
        }
        // Query parameters with a limit.
        let search = try #require(
            document["paths"]?["/api/search"]?["get"]?["parameters"]?.arrayValue?.first { $0["name"] == .string("q") })
        #expect(search["schema"]?["maxLength"]?.intValue == Int64(SearchQuery.maxLength))
        for parameter in document["paths"]?["/api/apps/versions"]?["get"]?["parameters"]?.arrayValue ?? [] {
            guard let limit = parameter["schema"]?["maxLength"]?.intValue, let name = parameter["name"]?.stringValue else { continue }
            #expect(limit == Int64(FieldLimits.limit(for: name)), "/api/apps/versions ?\(name)")
        }
    }

    /// Limits beyond the stored fields are counted in characters too.
    @Test func searchAndFaultLimitsCountCharacters() throws {
        #expect(throws: Never.self) { try SearchQuery.parse(String(repeating: "é", count: SearchQuery.maxWordLength)) }
        #expect(throws: DomainError.self) { try SearchQuery.parse(String(repeating: "é", count: SearchQuery.maxWordLength + 1)) }
        let path = "/" + String(repeating: "é", count: FaultRule.maxMatchLength - 1)
        let rule = try FaultRule.parse(
            .object([("match", .object([("path", .string(path))])), ("respond", .object([("status", .integer(503))]))]))
        #expect(rule.match.path == path)
        #expect(throws: DomainError.self) {
            try FaultRule.parse(
                .object([("match", .object([("path", .string(path + "éé"))])), ("respond", .object([("status", .integer(503))]))]))
        }
    }
}
