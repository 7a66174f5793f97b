import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import Logging
import SQLiteStore
import TestSupport
import Testing

@testable import AkanaAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile and malformed requests, sent as raw bytes to a live server (port 0, temporary database):
/// each must be answered with a 4xx, the server must still answer afterwards, and no resource table
/// may change (a dump of every table but the request journal, before and after).
@Suite(.serialized) struct MalformedInputCatalogueTests {
    /// One catalogue entry: what is sent and the status expected (nil: any 4xx).
    struct Case: CustomStringConvertible {
        var name: String
        var bytes: [UInt8]
        var status: Int?
        var description: String { name }
    }

    /// The harness itself: a well-formed request of the same shape is answered 2xx and shows up in
    /// the fingerprint, so the catalogue's "nothing changed" can fail.
    @Test func wellFormedRequestsChangeTheFingerprint() throws {
        let bench = try Bench()
        let before = try bench.fingerprint()
        #expect(before["apps"]?.isEmpty == false)
        let valid = bench.post("apps: valid", "/api/apps", json: #"{"Name":"\#(String(repeating: "é", count: 255))"}"#)
        #expect(try bench.send(valid.bytes) == 200)
        let after = try bench.fingerprint()
        #expect(after["apps"] != before["apps"])
        let action = bench.post(
            "action: valid XML", "/api/apps/versions/\(bench.versionID)/action",
            body: "<Action><ActionName>@RegeneratedSecret</ActionName><Comments><![CDATA[new]]></Comments></Action>",
            contentType: "application/xml")
        #expect(try bench.send(action.bytes) == 200)
        #expect(try bench.fingerprint()["app_versions"] != after["app_versions"])
    }

    static func framingCases(_ bench: Bench) -> [Case] {
        let oversizedHead = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "a", count: 9_000) + "\r\n\r\n"
        let manyHeaders = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<60).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        let cases: [Case] = [
            raw("no Host in HTTP/1.1", "GET /_emulator/health HTTP/1.1\r\n\r\n", 400),
            raw("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
            raw(
                "conflicting Content-Length", "POST /api/login HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
                400),
            raw(
                "Content-Length and chunked",
                "POST /api/login HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            raw("negative Content-Length", "POST /api/login HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
            raw("Content-Length not digits", "POST /api/login HTTP/1.1\r\nHost: h\r\nContent-Length: 1e3\r\n\r\n", 400),
            raw("bad chunk size", "POST /api/login HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
            raw("bare CR in a header", "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400),
            raw("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n  folded\r\n\r\n", 400),
            raw("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
            raw("bad percent-encoding", "GET /api/apps/%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400),
            raw("percent-encoded invalid UTF-8", "GET /api/apps/%FF%FE HTTP/1.1\r\nHost: h\r\n\r\n", 400),
            raw("control character in the target", "GET /api/\u{1}apps HTTP/1.1\r\nHost: h\r\n\r\n", 400),
            raw("garbage request line", "\u{16}\u{3}\u{1}\u{0}\u{1}\u{1}\r\n\r\n", 400),
            raw("unknown expectation", "POST /api/login HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}", 417),
            raw("head over the limit", oversizedHead, 431),
            raw("too many header fields", manyHeaders, 431),
            raw(
                "body over the limit",
                "POST /api/login HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{", 413)
        ]
        return cases
    }

    static func loginCases(_ bench: Bench) -> [Case] {
        let email = "administrator@acmepaymentscorp.com"
        let cases: [Case] = [
            bench.post(
                "login: invalid UTF-8 in the email", "/api/login", json: #"{"email":"administrator"#, invalid: [0xC3, 0x28],
                tail: #"@acmepaymentscorp.com","password":"password"}"#, auth: false),
            bench.post(
                "login: invalid UTF-8 in the password", "/api/login",
                bytes: Array(#"{"email":"\#(email)","password":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8), auth: false),
            bench.post("login: truncated JSON", "/api/login", json: #"{"email":"\#(email)","password":"#, auth: false),
            bench.post("login: JSON nested too deep", "/api/login", json: String(repeating: "[", count: 100_000), auth: false),
            bench.post(
                "login: email over the limit", "/api/login",
                json: #"{"email":"\#(String(repeating: "a", count: 300))@acmepaymentscorp.com","password":"wrong"}"#, auth: false),
            bench.post(
                "login: form with invalid UTF-8", "/api/login", bytes: Array("email=\(email)&password=".utf8) + [0xC0, 0xAF],
                contentType: "application/x-www-form-urlencoded", auth: false),
            bench.post(
                "login: form with an escape that is not UTF-8", "/api/login",
                body: "email=administrator%FF%40acmepaymentscorp.com&password=x",
                contentType: "application/x-www-form-urlencoded", auth: false),
            bench.post("login: XML content type", "/api/login", body: "<login/>", contentType: "application/xml", auth: false, status: 415)
        ]
        return cases
    }

    static func appCases(_ bench: Bench) -> [Case] {
        let app = bench.appID
        let version = bench.versionID
        let cases: [Case] = [
            bench.post("apps: a 900 KB Name", "/api/apps", json: #"{"Name":"\#(String(repeating: "n", count: 900_000))"}"#),
            bench.post("apps: a 256-character Name", "/api/apps", json: #"{"Name":"\#(String(repeating: "é", count: 256))"}"#),
            bench.post(
                "apps: invalid UTF-8 in the Name", "/api/apps", json: #"{"Name":"ok"#, invalid: [0xE2, 0x82], tail: #"","Summary":"s"}"#),
            bench.post("apps: a Name that is a number", "/api/apps", json: #"{"Name":42}"#),
            bench.post(
                "apps: Summary over the limit", "/api/apps", json: #"{"Name":"A","Summary":"\#(String(repeating: "s", count: 1_025))"}"#),
            bench.post(
                "apps: Description over the limit", "/api/apps",
                json: #"{"Name":"A","Description":"\#(String(repeating: "d", count: 8_193))"}"#),
            bench.post(
                "apps: version Tag list too long", "/api/apps",
                json: #"{"Name":"A","ApplicationVersion":{"Name":"1","Tag":[\#((0..<101).map { "\"t\($0)\"" }.joined(separator: ","))]}}"#),
            bench.post(
                "apps: a Tag over the limit", "/api/apps",
                json: #"{"Name":"A","ApplicationVersion":{"Name":"1","Tag":["\#(String(repeating: "t", count: 256))"]}}"#),
            bench.post(
                "apps: WebsiteAddress over the limit", "/api/apps",
                json: #"{"Name":"A","ApplicationVersion":{"Name":"1","WebsiteAddress":"http://\#(String(repeating: "w", count: 2_050))"}}"#),
            bench.post("apps: trailing garbage after the JSON", "/api/apps", json: #"{"Name":"A"} {"Name":"B"}"#),
            bench.post("apps: a JSON array", "/api/apps", json: #"[{"Name":"A"}]"#),
            bench.put("apps: PUT with invalid UTF-8", "/api/apps/\(app)", json: #"{"Name":"x"#, invalid: [0xF8, 0x88, 0x80, 0x80, 0x80]),
            bench.put("apps: PUT Name over the limit", "/api/apps/\(app)", json: #"{"Name":"\#(String(repeating: "n", count: 300))"}"#),
            bench.post(
                "versions: Name over the limit", "/api/apps/\(app)/versions", json: #"{"Name":"\#(String(repeating: "v", count: 256))"}"#),
            bench.post(
                "versions: invalid UTF-8 in the Description", "/api/apps/\(app)/versions", json: #"{"Name":"2","Description":""#,
                invalid: [0xED, 0xB0, 0x80]),
            bench.put(
                "versions: Description over the limit", "/api/apps/versions/\(version)",
                json: #"{"Description":"\#(String(repeating: "d", count: 9_000))"}"#),
            bench.put(
                "versions: Identity over the limit", "/api/apps/versions/\(version)",
                json: #"{"Identity":"\#(String(repeating: "i", count: 300))"}"#),
            bench.put("versions: a Tag that is an object", "/api/apps/versions/\(version)", json: #"{"Tag":[{"a":1}]}"#),
            bench.post(
                "action: 10^5 nested XML elements", "/api/apps/versions/\(version)/action", body: deepXML(100_000),
                contentType: "application/xml"),
            bench.post(
                "action: truncated XML", "/api/apps/versions/\(version)/action",
                body: "<Action><ActionName>@RegeneratedSecret</ActionName>", contentType: "application/xml"),
            bench.post(
                "action: content after the root element", "/api/apps/versions/\(version)/action",
                body: "<Action><ActionName>@RegeneratedSecret</ActionName></Action><x/>", contentType: "application/xml"),
            bench.post(
                "action: an internal entity", "/api/apps/versions/\(version)/action",
                body: "<!DOCTYPE Action [<!ENTITY n \"@RegeneratedSecret\">]><Action><ActionName>&n;</ActionName></Action>",
                contentType: "application/xml"),
            bench.post(
                "action: invalid UTF-8 in XML", "/api/apps/versions/\(version)/action",
                bytes: Array("<Action><ActionName>@RegeneratedSecret</ActionName><Comments>".utf8) + [0xC3]
                    + Array("</Comments></Action>".utf8), contentType: "application/xml"),
            bench.post(
                "action: invalid UTF-8 in JSON Comments", "/api/apps/versions/\(version)/action",
                json: #"{"ActionName":"@RegeneratedSecret","Comments":""#, invalid: [0x80]),
            bench.post(
                "action: 40,000 repeated children then an error", "/api/apps/versions/\(version)/action",
                body: "<Action><ActionName>@RegeneratedSecret</ActionName>" + String(repeating: "<Comments>c</Comments>", count: 40_000)
                    + "</Actio>", contentType: "application/xml"),
            bench.request(
                "secret: PUT on another tenant's id", "PUT",
                "/api/apps/versions/\(version.replacingOccurrences(of: ".acmepaymentscorp", with: ".globex"))/secret",
                body: [], contentType: nil, status: 404),
            bench.request(
                "secret: PUT without the CSRF header", "PUT", "/api/apps/versions/\(version)/secret", body: [], contentType: nil,
                csrf: false, status: 401)
        ]
        return cases
    }

    static func modelCases(_ bench: Bench) -> [Case] {
        let model = bench.modelID
        let modelVersion = bench.modelVersionID
        let cases: [Case] = [
            bench.post(
                "models: Name over the limit", "/api/models", json: #"{"Name":"\#(String(repeating: "m", count: 256))","VersionName":"v1"}"#
            ),
            bench.post(
                "models: invalid UTF-8 in the Name", "/api/models", json: #"{"Name":""#, invalid: [0xC1, 0xBF],
                tail: #"","VersionName":"v1"}"#),
            bench.post(
                "models: Summary over the limit", "/api/models",
                json: #"{"Name":"M2","VersionName":"v1","Summary":"\#(String(repeating: "s", count: 1_100))"}"#),
            bench.post(
                "models: 101 tags", "/api/models",
                json: #"{"Name":"M2","VersionName":"v1","Tag":[\#((0..<101).map { "\"t\($0)\"" }.joined(separator: ","))]}"#),
            bench.put(
                "models: PUT Description over the limit", "/api/models/\(model)",
                json: #"{"Description":"\#(String(repeating: "d", count: 8_200))"}"#),
            bench.post(
                "model versions: VersionName over the limit", "/api/models/\(model)/versions",
                json: #"{"VersionName":"\#(String(repeating: "v", count: 300))"}"#),
            bench.post(
                "model versions: JSON nested 65 deep", "/api/models/\(model)/versions",
                json: String(repeating: "[", count: 65) + String(repeating: "]", count: 65)),
            bench.put(
                "model versions: PUT with invalid UTF-8", "/api/models/versions/\(modelVersion)", json: #"{"Name":"v"#, invalid: [0xFF]),
            bench.post(
                "model versions: action with comments over the limit", "/api/models/versions/\(modelVersion)/action",
                json: #"{"ActionName":"model.action.submit.approval","Comments":["\#(String(repeating: "c", count: 8_193))"]}"#),
            bench.post(
                "model versions: action with invalid UTF-8", "/api/models/versions/\(modelVersion)/action",
                json: #"{"ActionName":"model.action.submit.approval"#, invalid: [0xE0, 0x80, 0x80])
        ]
        return cases
    }

    static func workflowCases(_ bench: Bench) -> [Case] {
        let object = bench.objectID
        let laughs =
            "<?xml version=\"1.0\"?><!DOCTYPE Action [<!ENTITY a \"aaaaaaaaaa\">"
            + (1...8).map { level in "<!ENTITY a\(level) \"" + String(repeating: level == 1 ? "&a;" : "&a\(level - 1);", count: 10) + "\">"
            }.joined()
            + "]><Action><ActionName>&a8;</ActionName></Action>"
        let cases: [Case] = [
            bench.post(
                "workflow action: 10^5 nested XML elements", "/api/workflow/objects/\(object)/actions", body: deepXML(100_000),
                contentType: "application/xml"),
            bench.post(
                "workflow action: entity expansion", "/api/workflow/objects/\(object)/actions", body: laughs, contentType: "text/xml"),
            bench.post(
                "workflow action: a processing instruction without data", "/api/workflow/objects/\(object)/actions",
                body: "<Action><?x?><ActionName>discussion.action.unpublish</ActionName></Action>", contentType: "application/xml"),
            multipart(bench, "definitions: a processing instruction without data", file: Array("<?xf?>\n<workflow/>".utf8)),
            bench.post(
                "workflow action: truncated XML", "/api/workflow/objects/\(object)/actions",
                body: "<Action><ActionName>discussion.action.unpublish</ActionName>", contentType: "application/xml"),
            bench.post(
                "workflow action: two root elements", "/api/workflow/objects/\(object)/actions",
                body: "<Action><ActionName>discussion.action.unpublish</ActionName></Action><Action/>", contentType: "application/xml"),
            bench.post(
                "workflow action: invalid UTF-8 in JSON", "/api/workflow/objects/\(object)/actions",
                json: #"{"ActionName":"discussion.action.unpublish","Comments":["#, invalid: [0xFE], tail: #""]}"#),
            bench.post(
                "workflow action: a comment over the limit", "/api/workflow/objects/\(object)/actions",
                json: #"{"ActionName":"discussion.action.unpublish","Comments":"\#(String(repeating: "c", count: 8_193))"}"#),
            bench.post(
                "workflow action: 101 comments", "/api/workflow/objects/\(object)/actions",
                json:
                    #"{"ActionName":"discussion.action.unpublish","Comments":[\#((0..<101).map { "\"c\($0)\"" }.joined(separator: ","))]}"#),
            multipart(
                bench, "definitions: file with invalid UTF-8",
                file: Array(miniDefinition.utf8.dropLast(12)) + [0xC3, 0x28] + Array("</workflow>\n".utf8)),
            multipart(bench, "definitions: 10^5 nested elements", file: Array(("<workflow>" + deepXML(100_000) + "</workflow>").utf8)),
            multipart(
                bench, "definitions: an internal DTD subset",
                file: Array(
                    miniDefinition.replacingOccurrences(of: "workflow_2_8.dtd\">", with: "workflow_2_8.dtd\" [<!ENTITY x \"y\">]>").utf8)),
            multipart(
                bench, "definitions: Name over the limit", file: Array(miniDefinition.utf8), name: String(repeating: "n", count: 256)),
            multipart(bench, "definitions: Name part not UTF-8", file: Array(miniDefinition.utf8), nameBytes: [0x4E, 0xFF]),
            multipart(bench, "definitions: body never closed", file: Array(miniDefinition.utf8), close: false),
            bench.post(
                "definitions: raw XML with invalid UTF-8", "/api/workflow/definitions?Name=Raw&ObjectType=widget",
                bytes: Array(miniDefinition.utf8) + [0xFF], contentType: "application/xml")
        ]
        return cases
    }

    static func emulatorCases(_ bench: Bench) -> [Case] {
        let cases: [Case] = [
            bench.post("objects: a non-string ObjectID", "/_emulator/objects", json: #"{"ObjectType":"discussion","ObjectID":12345}"#),
            bench.post(
                "objects: an ObjectType over the limit", "/_emulator/objects",
                json: #"{"ObjectType":"\#(String(repeating: "d", count: 300))"}"#),
            bench.post(
                "objects: invalid UTF-8 in the ObjectID", "/_emulator/objects", json: #"{"ObjectType":"discussion","ObjectID":"d"#,
                invalid: [0xC3], tail: #".acmepaymentscorp"}"#),
            bench.post(
                "objects: a non-string InitialAction", "/_emulator/objects", json: #"{"ObjectType":"discussion","InitialAction":[1]}"#),
            bench.post("fixtures: invalid UTF-8", "/_emulator/fixtures", json: #"{"apps":[{"Name":""#, invalid: [0xFF], tail: #""}]}"#),
            bench.post(
                "fixtures: an app Name over the limit", "/_emulator/fixtures",
                json: #"{"apps":[{"Name":"\#(String(repeating: "a", count: 256))"}]}"#),
            bench.post(
                "fixtures: nested too deep", "/_emulator/fixtures",
                json: String(repeating: #"{"a":"#, count: 70) + "1" + String(repeating: "}", count: 70)),
            bench.post("clock: 2018-02-31", "/_emulator/clock", json: #"{"frozenAt":"2018-02-31T00:00:00Z"}"#),
            bench.post("clock: advanceSeconds as a string", "/_emulator/clock", json: #"{"advanceSeconds":"60"}"#),
            bench.post("clock: invalid UTF-8", "/_emulator/clock", json: #"{"frozenAt":"2030-01-01T00:00:00Z"#, invalid: [0x80]),
            bench.post("snapshots: a name that is a number", "/_emulator/snapshots", json: #"{"name":5}"#),
            bench.post("snapshots: invalid UTF-8 in the name", "/_emulator/snapshots", json: #"{"name":"s"#, invalid: [0xC0, 0x80]),
            bench.request(
                "workflows: an ObjectType over the limit", "PUT", "/_emulator/workflows/\(String(repeating: "o", count: 300))",
                body: Array(#"{"Definition":"discussion"}"#.utf8), contentType: "application/json")
        ]
        return cases
    }

    // MARK: - Building requests

    static func raw(_ name: String, _ text: String, _ status: Int) -> Case {
        Case(name: name, bytes: Array(text.utf8), status: status)
    }

    static func deepXML(_ depth: Int) -> String {
        String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
    }

    static let miniDefinition = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE workflow PUBLIC "-//OpenSymphony Group//DTD OSWorkflow 2.8//EN" "http://www.opensymphony.com/osworkflow/workflow_2_8.dtd">
        <workflow>
          <meta name="objectType">widget</meta>
          <initial-actions>
            <action id="1" name="@Create"><results><unconditional-result old-status="Finished" status="Open" step="100"/></results></action>
          </initial-actions>
          <steps><step id="100" name="Open"/></steps>
        </workflow>

        """

    static func multipart(
        _ bench: Bench, _ name: String, file: [UInt8], name partName: String = "Gate", nameBytes: [UInt8]? = nil, close: Bool = true
    ) -> Case {
        let boundary = "XyZ123"
        var body =
            Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"Name\"\r\n\r\n".utf8) + (nameBytes ?? Array(partName.utf8))
        body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"ObjectType\"\r\n\r\nwidget".utf8)
        body +=
            Array(
                "\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"gate.xml\"\r\nContent-Type: text/xml\r\n\r\n"
                    .utf8) + file
        if close { body += Array("\r\n--\(boundary)--\r\n".utf8) }
        return bench.post(name, "/api/workflow/definitions", bytes: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }
}

/// A live server over a `TestApp`, with a logged-in Site Admin and one object of each kind.
final class Bench {
    let app: TestApp
    let server: HTTPServer
    let session: TestApp.Session
    let appID: String
    let versionID: String
    let modelID: String
    let modelVersionID: String
    let objectID = "discussion77.acmepaymentscorp"

    init() throws {
        app = try TestApp()
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.maxHeaderBytes = 8_192
        configuration.maxHeaderCount = 50
        configuration.headerReadTimeout = 5
        // As the daemon renders framing errors (EmulatorDaemon.Daemon): Akana faults.
        configuration.errorResponse = { status, message in FaultRenderer.response(for: APIError(status, message), accept: nil) }
        server = HTTPServer(
            configuration: configuration, handler: app.app, logger: Logger(label: "catalogue") { _ in SwiftLogNoOpLogHandler() })
        try server.start()
        session = try app.login()
        let json: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, json), body: #"{"Name":"Catalogue","ApplicationVersion":{"Name":"1.0"}}"#)
        try #require(created.status == .ok, "\(created.text)")
        let application = try created.json()
        appID = try #require(application["AppID"]?.stringValue)
        let versions = try app.send(.get, "/api/apps/\(appID)/versions", headers: TestApp.headers(session, ["Accept": "application/json"]))
        versionID = try #require(Self.firstGuid(try versions.json()), "\(versions.text)")
        let model = try app.send(
            .post, "/api/models", headers: TestApp.headers(session, json), body: #"{"Name":"Catalogue model","VersionName":"v1"}"#)
        try #require(model.status == .ok, "\(model.text)")
        modelID = try #require(try model.json()["ModelID"]?.stringValue)
        modelVersionID = try #require(try model.json()["LatestVersionID"]?.stringValue)
        let object = try app.send(
            .post, "/_emulator/objects", headers: json, body: #"{"ObjectType":"discussion","ObjectID":"\#(objectID)"}"#)
        try #require(object.status == .created, "\(object.text)")
    }

    deinit { server.shutdown(gracePeriod: 1) }

    private static func firstGuid(_ value: JSONValue) -> String? {
        // The RSS channel: channel.item[0].guid (the AppVersionID).
        func find(_ value: JSONValue) -> String? {
            switch value {
            case .object(let members):
                for (key, member) in members {
                    if key.lowercased() == "guid", let text = member.stringValue ?? member["value"]?.stringValue { return text }
                    if let found = find(member) { return found }
                }
                return nil
            case .array(let items): return items.lazy.compactMap(find).first
            default: return nil
            }
        }
        return find(value)
    }

    // MARK: Requests

    func request(
        _ name: String, _ method: String, _ path: String, body: [UInt8], contentType: String?,
        auth: Bool = true, csrf: Bool = true, status: Int? = nil
    ) -> MalformedInputCatalogueTests.Case {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: */*\r\nContent-Length: \(body.count)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if auth {
            head += "Cookie: \(session.cookieHeader)\r\n"
            if csrf { head += "X-Csrf-Token_acmepaymentscorp: \(session.csrf)\r\n" }
        }
        return .init(name: name, bytes: Array((head + "\r\n").utf8) + body, status: status)
    }

    func post(
        _ name: String, _ path: String, bytes: [UInt8], contentType: String = "application/json", auth: Bool = true,
        status: Int? = nil
    ) -> MalformedInputCatalogueTests.Case {
        request(name, "POST", path, body: bytes, contentType: contentType, auth: auth, status: status)
    }

    func post(_ name: String, _ path: String, body: String, contentType: String, auth: Bool = true, status: Int? = nil)
        -> MalformedInputCatalogueTests.Case
    {
        post(name, path, bytes: Array(body.utf8), contentType: contentType, auth: auth, status: status)
    }

    /// A JSON body; with `invalid`, those raw bytes follow `json` (then `tail`, or `"}` closing a string member).
    /// `status`: 400 unless told (nil: any 4xx).
    func post(
        _ name: String, _ path: String, json: String, invalid: [UInt8]? = nil, tail: String = #""}"#, auth: Bool = true,
        status: Int? = 400
    ) -> MalformedInputCatalogueTests.Case {
        post(name, path, bytes: Self.jsonBytes(json, invalid, tail), auth: auth, status: status)
    }

    func put(
        _ name: String, _ path: String, json: String, invalid: [UInt8]? = nil, tail: String = #""}"#,
        status: Int? = 400
    ) -> MalformedInputCatalogueTests.Case {
        request(name, "PUT", path, body: Self.jsonBytes(json, invalid, tail), contentType: "application/json", status: status)
    }

    private static func jsonBytes(_ json: String, _ invalid: [UInt8]?, _ tail: String) -> [UInt8] {
        guard let invalid else { return Array(json.utf8) }
        return Array(json.utf8) + invalid + Array(tail.utf8)
    }

    // MARK: Running

    func run(_ cases: [MalformedInputCatalogueTests.Case], sourceLocation: SourceLocation = #_sourceLocation) throws {
        var before = try fingerprint()
        for entry in cases {
            let (status, body) = try exchange(entry.bytes)
            let answered =
                "\(entry.name): answered \(status.map(String.init) ?? "nothing") \(String(decoding: body.prefix(300), as: UTF8.self))"
            if let expected = entry.status {
                #expect(status == expected, "\(answered)", sourceLocation: sourceLocation)
            } else {
                #expect(status.map { (400..<500).contains($0) } == true, "\(answered)", sourceLocation: sourceLocation)
            }
            // An Akana fault (every catalogue request accepts */*, so JSON): {"faultcode":"Client","faultstring":"…"}.
            let fault = try? JSONParser.parse(body)
            #expect(
                fault?["faultcode"] == .string("Client") && fault?["faultstring"]?.stringValue?.isEmpty == false,
                "\(answered): not an Akana Client fault", sourceLocation: sourceLocation)
            let health = try send(Array("GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
            #expect(health == 200, "\(entry.name): the server no longer answers", sourceLocation: sourceLocation)
            let after = try fingerprint()
            let changed = after.keys.filter { after[$0] != before[$0] }.sorted()
            #expect(changed.isEmpty, "\(entry.name): changed \(changed.joined(separator: ", "))", sourceLocation: sourceLocation)
            before = after
        }
    }

    /// Every row of every table except the request journal's, per table.
    func fingerprint() throws -> [String: String] {
        try app.pool.read { db in
            var tables: [String: String] = [:]
            let names = try db.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'request_journal%'"
            )
            .compactMap { $0.string(0) }
            for name in names {
                let rows = try db.query("SELECT * FROM \"\(name)\" ORDER BY rowid")
                tables[name] = rows.map { $0.values.map(\.description).joined(separator: "|") }.joined(separator: "\n")
            }
            return tables
        }
    }

    /// Sends `bytes` on a new connection; the status of the response, nil when none came.
    func send(_ bytes: [UInt8]) throws -> Int? { try exchange(bytes).status }

    /// Sends `bytes` on a new connection; the status and body of the response (nil, [] when none came).
    func exchange(_ bytes: [UInt8]) throws -> (status: Int?, body: [UInt8]) {
        let raw = try RawHTTPClient.exchange(port: server.port, bytes: bytes)
        guard let response = try? RawHTTPClient.parse(raw) else { return (nil, []) }
        return (response.status, response.body)
    }
}
