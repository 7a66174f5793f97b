import Foundation
import JSONCodec
import TestSupport
import Testing

/// The real binary's gateway listener: started beside the portal, announced on stderr, its access
/// points in the portal's answers; `gateway.enabled: false` starts none.
@Suite struct GatewayDaemonTests {
    @Test func theGatewayListensBesideThePortalAndIsAnnounced() throws {
        let directory = try TemporaryDirectory()
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("db.sqlite"), "--log-level", "warning"],
            directory: directory.url)
        let port = try emulator.waitUntilListening()
        let headers = try RawHTTPClient.logIn(port: port) + [("Content-Type", "application/json"), ("Accept", "application/json")]
        let created = try RawHTTPClient.send(
            port: port, "POST", "/api/apis", headers: headers,
            body:
                #"{"APIVersionInfo":{"Name":"Daemon gateway"},"AddAPIImplementationRequest":[{"ImplementationCode":"Sandbox","CreateMechanism":"PROXY"}]}"#
        )
        #expect(created.status == 200, "\(created.text)")
        let versionID = try #require(try JSONParser.parse(created.body)["LatestVersionID"]?.stringValue)
        let implementation = try RawHTTPClient.send(
            port: port, "GET", "/api/apis/versions/\(versionID)/implementations/Sandbox", headers: headers)
        let accessPoint = try #require(try JSONParser.parse(implementation.body)["AccessPoints"]?.arrayValue?.first?["Uri"]?.stringValue)
        let prefix = "http://127.0.0.1:"
        #expect(accessPoint.hasPrefix(prefix), "\(accessPoint)")
        let gatewayPort = try #require(Int(accessPoint.dropFirst(prefix.count).prefix { $0 != "/" }))
        #expect(gatewayPort != port)
        let call = try RawHTTPClient.send(
            port: gatewayPort, "GET", String(accessPoint.dropFirst(prefix.count + String(gatewayPort).count)) + "/x")
        #expect(call.status == 401, "\(call.text)")
        #expect(emulator.stop() == 0)
        #expect(emulator.readStderr().contains("gateway listening on http://127.0.0.1:\(gatewayPort)\n"))
    }

    @Test func gatewayEnabledFalseStartsNoListener() throws {
        let directory = try TemporaryDirectory()
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("db.sqlite"), "--log-level", "warning"],
            directory: directory.url, environment: ["AKANA_EMULATOR_GATEWAY_ENABLED": "false"])
        let port = try emulator.waitUntilListening()
        let headers = try RawHTTPClient.logIn(port: port) + [("Content-Type", "application/json"), ("Accept", "application/json")]
        let created = try RawHTTPClient.send(
            port: port, "POST", "/api/apis", headers: headers,
            body:
                #"{"APIVersionInfo":{"Name":"No gateway"},"AddAPIImplementationRequest":[{"ImplementationCode":"Sandbox","CreateMechanism":"PROXY"}]}"#
        )
        let versionID = try #require(try JSONParser.parse(created.body)["LatestVersionID"]?.stringValue)
        let implementation = try RawHTTPClient.send(
            port: port, "GET", "/api/apis/versions/\(versionID)/implementations/Sandbox", headers: headers)
        #expect(try JSONParser.parse(implementation.body)["AccessPoints"] == .array([]))
        #expect(emulator.stop() == 0)
        #expect(!emulator.readStderr().contains("gateway listening"))
    }
}
