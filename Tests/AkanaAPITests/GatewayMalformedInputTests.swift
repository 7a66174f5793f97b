import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import TestSupport
import Testing

@testable import AkanaAPI

/// The gateway listener's own malformed-input catalogue (beside `MalformedInputCatalogueTests`,
/// which covers the portal): raw bytes sent to the gateway — broken framing, hostile Atmosphere
/// credentials, paths that name no access point. Each is answered with a 4xx Akana Client fault,
/// the gateway still answers afterwards, and nothing changes but the refused calls' own
/// transaction rows (a refusal at an access point is recorded, as the platform records it).
@Suite(.serialized) struct GatewayMalformedInputTests {
    struct Case: CustomStringConvertible {
        var name: String
        var bytes: [UInt8]
        var status: Int?
        var description: String { name }
    }

    static func raw(_ name: String, _ text: String, status: Int? = nil) -> Case {
        Case(name: name, bytes: Array(text.utf8), status: status)
    }

    /// A GET of `path` with `headers` (each line without CRLF).
    static func get(_ name: String, _ path: String, _ headers: [String] = [], status: Int? = nil) -> Case {
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: */*\r\n"
        for line in headers { head += line + "\r\n" }
        return raw(name, head + "\r\n", status: status)
    }

    static func framingCases(_ accessPoint: String) -> [Case] {
        [
            raw("framing: not HTTP", "GARBAGE\r\n\r\n", status: 400),
            raw(
                "framing: a Content-Length that is not a number",
                "POST \(accessPoint)/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n", status: 400),
            raw(
                "framing: Content-Length and chunked together",
                "POST \(accessPoint)/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                status: 400),
            raw(
                "framing: a broken chunk size",
                "POST \(accessPoint)/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                status: 400),
            raw(
                "framing: a body over limits.maxBodyBytes",
                "POST \(accessPoint)/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\n\r\n", status: 413),
            get(
                "framing: a header section over limits.maxHeaderBytes", "\(accessPoint)/x",
                ["X-Big: " + String(repeating: "a", count: 9_000)], status: 431),
            get("framing: a header without a colon", "\(accessPoint)/x", ["NoColonHere"], status: 400)
        ]
    }

    static func credentialCases(_ accessPoint: String, identity: String) -> [Case] {
        let path = "\(accessPoint)/pets"
        return [
            get("credentials: an unterminated quote", path, [#"Authorization: Atmosphere atmosphere_app_id="\#(identity)"#], status: 401),
            get(
                "credentials: the app id twice", path,
                [#"Authorization: Atmosphere atmosphere_app_id="\#(identity)",atmosphere_app_id="other""#], status: 401),
            get(
                "credentials: 40 parameters", path,
                ["Authorization: Atmosphere atmosphere_app_id=\(identity)," + (0..<40).map { "p\($0)=v" }.joined(separator: ",")],
                status: 401),
            get("credentials: no app id", path, [#"Authorization: Atmosphere realm="x""#], status: 401),
            get("credentials: the scheme alone", path, ["Authorization: Atmosphere"], status: 401),
            get("credentials: a parameter without a value", path, ["Authorization: Atmosphere atmosphere_app_id"], status: 401),
            get(
                "credentials: a signature that is not base64", path,
                [
                    #"Authorization: Atmosphere atmosphere_app_id="\#(identity)",atmosphere_signature_method="HMACSHA256",atmosphere_signature="!!!""#
                ], status: 401),
            get(
                "credentials: an unknown signature method", path,
                [
                    #"Authorization: Atmosphere atmosphere_app_id="\#(identity)",atmosphere_signature_method="ROT13",atmosphere_signature="AA==""#
                ],
                status: 401),
            get(
                "credentials: an unknown digest method", path,
                [
                    #"Authorization: Atmosphere atmosphere_app_id="\#(identity)",atmosphere_digest_method="MD5",atmosphere_secret_digest="AA==""#
                ],
                status: 401),
            // The header decoder refuses the control byte before the gateway sees it (400), or the gateway does (401).
            get("credentials: an identity with a control byte", path, ["Authorization: Atmosphere atmosphere_app_id=\"a\u{7F}b\""]),
            get(
                "credentials: two Authorization headers", path,
                ["Authorization: Atmosphere atmosphere_app_id=\(identity)", "Authorization: Basic x"], status: 401),
            get(
                "credentials: an unknown identity of 7,000 characters", path,
                ["Authorization: Atmosphere atmosphere_app_id=\"" + String(repeating: "y", count: 7_000) + "\""], status: 401)
        ]
    }

    static func pathCases(_ accessPoint: String, apiVersionID: String) -> [Case] {
        [
            get("paths: the root", "/", status: 404),
            get("paths: an empty tenant segment", "//Sandbox/\(apiVersionID)/x", status: 404),
            get("paths: two segments", "/acmepaymentscorp/Sandbox", status: 404),
            get("paths: an unknown implementation code", "/acmepaymentscorp/Stage/\(apiVersionID)/x", status: 404),
            get("paths: another tenant", "/evil/Sandbox/\(apiVersionID)/x", status: 404),
            get("paths: an encoded slash in the version", "/acmepaymentscorp/Sandbox/\(apiVersionID)%2F..%2Fx/y", status: 404),
            get("paths: a NUL byte", "/acmepaymentscorp/Sandbox/%00/x", status: 404),
            get("paths: bad percent-encoding", "/acmepaymentscorp/Sandbox/%zz/x", status: 400),
            get("paths: a very long version id", "/acmepaymentscorp/Sandbox/" + String(repeating: "a", count: 4_000), status: 404),
            get("paths: absolute-form to another host", "http://evil.example/acmepaymentscorp/Sandbox/nosuch/x", status: 404),
            raw("paths: OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", status: 404)
        ]
    }

    @Test func everyCaseIsAClientFaultAndChangesNothingButItsRecord() throws {
        let gateway = try TestGateway(maxHeaderBytes: 8_192)
        let (_, apiVersionID) = try gateway.createAPI()
        let appVersionID = try gateway.world.createApp(as: gateway.world.kim)
        let (identity, _) = try gateway.credentials(appVersionID)
        _ = try gateway.activatedContract(apiVersionID: apiVersionID, appVersionID: appVersionID)
        let accessPoint = gateway.accessPoint(apiVersionID)
        let cases =
            Self.framingCases(accessPoint) + Self.credentialCases(accessPoint, identity: identity)
            + Self.pathCases(accessPoint, apiVersionID: apiVersionID)
        var before = try fingerprint(gateway)
        var recorded = try gateway.transactions().count
        for entry in cases {
            let raw = try RawHTTPClient.exchange(port: gateway.server.port, bytes: entry.bytes)
            let response = try? RawHTTPClient.parse(raw)
            let answered = "\(entry.name) answered \(response.map { "\($0.status) \($0.text.prefix(300))" } ?? "nothing")"
            if let expected = entry.status {
                #expect(response?.status == expected, "\(answered)")
            } else {
                #expect(response.map { (400..<500).contains($0.status) } == true, "\(answered)")
            }
            let fault = response.flatMap { try? JSONParser.parse($0.body) }
            #expect(fault?["faultcode"] == .string("Client") && fault?["faultstring"]?.stringValue?.isEmpty == false, "\(answered)")
            // Still serving: a well-formed call gets through.
            let alive = try gateway.call("GET", accessPoint + "/alive", authorization: #"Atmosphere atmosphere_app_id="\#(identity)""#)
            #expect(alive.status == 200, "\(entry.name): the gateway no longer answers")
            let after = try fingerprint(gateway)
            let changed = after.keys.filter { after[$0] != before[$0] }.sorted()
            #expect(changed.isEmpty, "\(entry.name): changed \(changed.joined(separator: ", "))")
            before = after
            let transactions = try gateway.transactions()
            // The refused call's own row (when it reached an access point), then the one of the check.
            let added = transactions.dropFirst(recorded)
            #expect(added.last?.status == 200 && added.dropLast().allSatisfy { $0.fault && $0.status == response?.status }, "\(entry.name)")
            recorded = transactions.count
        }
    }

    /// Every table but the request journal's and the gateway's traffic (its transactions and their
    /// per-minute, hour and day totals), per table.
    func fingerprint(_ gateway: TestGateway) throws -> [String: String] {
        try gateway.world.app.pool.read { db in
            var tables: [String: String] = [:]
            let names = try db.query(
                """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'request_journal%'
                   AND name <> 'gateway_transactions' AND name NOT LIKE 'gateway_traffic_%'
                """
            ).compactMap { $0.string(0) }
            for name in names {
                let rows = try db.query("SELECT * FROM \"\(name)\" ORDER BY rowid")
                tables[name] = rows.map { $0.values.map(\.description).joined(separator: "|") }.joined(separator: "\n")
            }
            return tables
        }
    }
}
