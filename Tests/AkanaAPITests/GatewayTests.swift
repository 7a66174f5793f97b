import AkanaDomain
import Dispatch
import DispatchHTTP
import Foundation
import JSONCodec
import Logging
import SQLiteStore
import Synchronization
import TestSupport
import Testing

@testable import AkanaAPI

/// An emulator (`APIWorld`) with its gateway listening on a free port, and a target: a small
/// DispatchHTTP server on another free port that answers every call with what it received.
final class TestGateway: @unchecked Sendable {  // immutable lets; the servers are thread-safe
    let world: APIWorld
    let server: HTTPServer
    let target: HTTPServer
    /// What the target received: method, target and headers of each call.
    let received = Received()

    final class Received: Sendable {
        private let calls = Mutex<[HTTPRequest]>([])
        /// Answers held back (calls to a path ending in /slow) until `release()`.
        private let held = Mutex<[(HTTPResponder, HTTPResponse)]>([])
        func append(_ request: HTTPRequest) { calls.withLock { $0.append(request) } }
        func withLock<T>(_ body: ([HTTPRequest]) -> T) -> T { calls.withLock { body($0) } }
        func hold(_ responder: HTTPResponder, _ response: HTTPResponse) { held.withLock { $0.append((responder, response)) } }
        func release() {
            for (responder, response) in held.withLock({ held in
                defer { held = [] }
                return held
            }) { responder.respond(response) }
        }
    }

    init(maxHeaderBytes: Int = 65_536, execution: HandlerExecution = HandlerExecution()) throws {
        world = try APIWorld(execution: execution)
        let quiet = Logger(label: "gateway-test") { _ in SwiftLogNoOpLogHandler() }
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.maxHeaderBytes = maxHeaderBytes
        configuration.maxHeaderCount = 50
        configuration.headerReadTimeout = 5
        // As the daemon renders framing errors: Akana faults.
        configuration.errorResponse = { status, message in FaultRenderer.response(for: APIError(status, message), accept: nil) }
        server = HTTPServer(configuration: configuration, handler: world.app.gateway, logger: quiet)
        try server.start()
        world.app.environment.accessPoints.listening(host: server.host, port: server.port)
        let received = received
        target = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 1),
            handler: ClosureHTTPHandler { request, responder in
                received.append(request)
                let answer = HTTPResponse(
                    status: .ok, headers: ["Content-Type": "text/plain", "X-Target": "yes"],
                    text: "target says hello to \(request.method.rawValue) \(request.target)")
                // A path ending in /slow is answered when the test releases it (the gateway's worker waits).
                if request.path.hasSuffix("/slow") {
                    received.hold(responder, answer)
                } else {
                    responder.respond(answer)
                }
            }, logger: quiet)
        try target.start()
    }

    deinit {
        received.release()
        server.shutdown(gracePeriod: 1)
        target.shutdown(gracePeriod: 1)
    }

    var targetURL: String { "http://127.0.0.1:\(target.port)/backend" }

    /// Creates an API whose Sandbox implementation targets `sandboxTarget` (the local target by
    /// default) and whose Live one targets a machine the emulator never calls; (APIID, APIVersionID).
    func createAPI(name: String = "Pets", sandboxTarget: String? = nil) throws -> (String, String) {
        let body = """
            {"APIVersionInfo":{"Name":"\(name)","Visibility":"Public"},
             "AddAPIImplementationRequest":[
               {"ImplementationCode":"Sandbox","CreateMechanism":"PROXY",
                "ProxyImplementationRequest":{"TargetEndpointURL":["\(sandboxTarget ?? targetURL)"]}},
               {"ImplementationCode":"Live","CreateMechanism":"PROXY",
                "ProxyImplementationRequest":{"TargetEndpointURL":["http://www.acmepaymentscorp.com/api/live"]}}]}
            """
        let response = try world.post("/api/apis", as: world.jane, body: body)
        try #require(response.status == .ok, "\(response.text)")
        let json = try response.json()
        return (try #require(json["APIID"]?.stringValue), try #require(json["LatestVersionID"]?.stringValue))
    }

    /// An app version's Identity and shared secret, as its team reads them from the portal.
    func credentials(_ appVersionID: String) throws -> (identity: String, secret: String) {
        let version = try world.get("/api/apps/versions/\(appVersionID)", as: world.kim).json()
        let secret = try world.get("/api/apps/versions/\(appVersionID)/secret", as: world.kim, accept: "text/plain")
        try #require(secret.status == .ok, "\(secret.text)")
        return (try #require(version["Identity"]?.stringValue), secret.text)
    }

    /// A contract requested by Kim for her app and taken to `activated` by Jane (the API's admin).
    func activatedContract(apiVersionID: String, appVersionID: String, environment: String = "Sandbox") throws -> String {
        let requested = try world.requestContract(
            as: world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID, environment: environment)
        try #require(requested.status == .ok, "\(requested.text)")
        let id = try #require(try requested.json()["ContractID"]?.stringValue)
        #expect(try world.act(id, "apicontract.action.approve", as: world.jane).status == .ok)
        #expect(try world.act(id, "apicontract.action.activate", as: world.jane).text == "apicontract.status.activated")
        return id
    }

    func accessPoint(_ apiVersionID: String, _ code: String = "Sandbox") -> String { "/acmepaymentscorp/\(code)/\(apiVersionID)" }

    /// One call to the gateway on its own connection.
    func call(
        _ method: String, _ path: String, authorization: String? = nil, headers: [(String, String)] = [], body: String = ""
    ) throws -> RawHTTPClient.Response {
        var all = headers
        if let authorization { all.append(("Authorization", authorization)) }
        all.append(("Accept", "application/json"))
        return try RawHTTPClient.send(port: server.port, method, path, headers: all, body: body)
    }

    /// The recorded transactions, oldest first.
    func transactions() throws -> [GatewayTransaction] {
        try world.app.pool.read { db in
            try db.query(
                """
                SELECT seq, tenant, transaction_id, time, time_ms, api_id, api_version_id, implementation_code, environment, operation,
                       method, path, app_id, app_version_id, contract_id, status, fault, fault_message, duration_ms, request_size,
                       response_size, client_address, source
                  FROM gateway_transactions ORDER BY seq
                """
            ).map(TrafficRepository.transaction)
        }
    }
}

@Suite struct GatewayTests {
    /// The consumer's story: refused without credentials, refused before approval, through with
    /// the target's body once the contract is activated, refused again once it is suspended; each
    /// call recorded with its columns.
    @Test func contractDecidesWhetherTheCallGetsThrough() throws {
        let gateway = try TestGateway()
        let (apiID, apiVersionID) = try gateway.createAPI()
        let appVersionID = try gateway.world.createApp(as: gateway.world.kim)
        let (identity, _) = try gateway.credentials(appVersionID)
        let path = gateway.accessPoint(apiVersionID) + "/pets/1?color=red"
        let credentials = #"Atmosphere atmosphere_app_id="\#(identity)""#

        let anonymous = try gateway.call("GET", path)
        #expect(anonymous.status == 401, "\(anonymous.text)")
        #expect(anonymous.headers["WWW-Authenticate"] == #"Atmosphere realm="acmepaymentscorp""#)
        #expect(try JSONParser.parse(anonymous.body)["faultcode"] == .string("Client"))
        #expect(try gateway.call("GET", path, authorization: #"Atmosphere atmosphere_app_id="nobody""#).status == 401)
        #expect(try gateway.call("GET", path, authorization: "Bearer abc").status == 401)

        let noContract = try gateway.call("GET", path, authorization: credentials)
        #expect(noContract.status == 403, "\(noContract.text)")
        let requested = try gateway.world.requestContract(as: gateway.world.kim, apiVersionID: apiVersionID, appVersionID: appVersionID)
        let contractID = try #require(try requested.json()["ContractID"]?.stringValue)
        #expect(try gateway.call("GET", path, authorization: credentials).status == 403)
        #expect(try gateway.world.act(contractID, "apicontract.action.approve", as: gateway.world.jane).status == .ok)
        #expect(try gateway.call("GET", path, authorization: credentials).status == 403)
        #expect(try gateway.world.act(contractID, "apicontract.action.activate", as: gateway.world.jane).status == .ok)

        let through = try gateway.call("GET", path, authorization: credentials, headers: [("X-Trace", "t1")])
        #expect(through.status == 200, "\(through.text)")
        #expect(through.text == "target says hello to GET /backend/pets/1?color=red")
        #expect(through.headers["X-Target"] == "yes")
        let forwarded = try #require(gateway.received.withLock { $0.last })
        #expect(forwarded.headers["X-Trace"] == "t1")
        #expect(forwarded.headers["Authorization"] == nil, "the Atmosphere credentials stay at the gateway")
        #expect(forwarded.headers["X-Forwarded-For"] == "127.0.0.1")

        #expect(try gateway.world.act(contractID, "apicontract.action.suspend", as: gateway.world.bob).status == .ok)
        let suspended = try gateway.call("GET", path, authorization: credentials)
        #expect(suspended.status == 403)
        #expect(suspended.text.contains("apicontract.status.suspended"), "\(suspended.text)")
        #expect(gateway.received.withLock { $0.count } == 1, "only the admitted call reached the target")

        let recorded = try gateway.transactions()
        #expect(recorded.map(\.status) == [401, 401, 401, 403, 403, 403, 200, 403])
        let ok = try #require(recorded.first { $0.status == 200 })
        #expect(ok.tenant == "acmepaymentscorp")
        #expect(ok.apiID == apiID && ok.apiVersionID == apiVersionID)
        #expect(ok.implementationCode == "Sandbox" && ok.environment == "Sandbox")
        #expect(ok.appVersionID == appVersionID && !ok.appID.isEmpty && ok.contractID == contractID)
        #expect(ok.method == "GET" && ok.path == gateway.accessPoint(apiVersionID) + "/pets/1")
        #expect(!ok.fault && ok.faultMessage.isEmpty)
        #expect(ok.time == "2027-01-15T08:00:00Z" && ok.timeMillis == 1_800_000_000_000, "the emulator clock (frozen in TestApp)")
        #expect(ok.durationMillis > 0 && ok.requestSize == 0 && ok.responseSize == through.body.count)
        #expect(ok.clientAddress == "127.0.0.1" && ok.source == .gateway && ok.transactionID.count == 36)
        let refused = try #require(recorded.last)
        #expect(refused.fault && refused.faultMessage.contains("suspended") && refused.contractID.isEmpty)
        #expect(refused.appVersionID == appVersionID)
        #expect(recorded.first?.appVersionID == "", "no credentials: no app version")

        // Prometheus: the calls by API version and status.
        let metrics = try gateway.world.app.send(.get, "/_emulator/metrics").text
        #expect(metrics.contains(#"akana_gateway_requests_total{api_version="\#(apiVersionID)",status="403"} 4"#), "\(metrics)")
        #expect(metrics.contains(#"akana_gateway_requests_total{api_version="\#(apiVersionID)",status="200"} 1"#))
    }

    /// The implementation and the API version show the access point the calls above used.
    @Test func accessPointsAreShown() throws {
        let gateway = try TestGateway()
        let (_, apiVersionID) = try gateway.createAPI()
        let url = "http://127.0.0.1:\(gateway.server.port)/acmepaymentscorp/Sandbox/\(apiVersionID)"
        let implementation = try gateway.world.get(
            "/api/apis/versions/\(apiVersionID)/implementations/Sandbox", as: gateway.world.jane
        ).json()
        #expect(
            implementation["AccessPoints"]
                == .array([.object([("Category", .string("Sandbox")), ("ImplementationCode", .string("Sandbox")), ("Uri", .string(url))])]))
        let version = try gateway.world.get("/api/apis/versions/\(apiVersionID)", as: gateway.world.jane).json()
        let uris = try #require(version["Endpoints"]?["Endpoint"]?.arrayValue).compactMap { $0["Uri"]?.stringValue }
        #expect(
            uris == [
                gateway.targetURL, "http://www.acmepaymentscorp.com/api/live", url,
                url.replacingOccurrences(of: "/Sandbox/", with: "/Live/")
            ])
        // Without a listener, no access point.
        gateway.world.app.environment.accessPoints.stopped()
        let quiet = try gateway.world.get("/api/apis/versions/\(apiVersionID)/implementations/Live", as: gateway.world.jane).json()
        #expect(quiet["AccessPoints"] == .array([]))
    }

    /// The shared-secret forms: an HMAC signature over the request, and the secret digest.
    @Test func signedCredentialsAreVerifiedWithTheSharedSecret() throws {
        let gateway = try TestGateway()
        let (_, apiVersionID) = try gateway.createAPI()
        let appVersionID = try gateway.world.createApp(as: gateway.world.kim)
        let (identity, secret) = try gateway.credentials(appVersionID)
        _ = try gateway.activatedContract(apiVersionID: apiVersionID, appVersionID: appVersionID)
        let path = gateway.accessPoint(apiVersionID) + "/pets"

        func signed(_ method: String, secret: String, signatureMethod: String = "HMACSHA256", url: String? = nil) -> String {
            var credentials = AtmosphereCredentials(parameters: [
                .init(name: "atmosphere_app_id", value: identity), .init(name: "atmosphere_nonce", value: "n-1"),
                .init(name: "atmosphere_signature_method", value: signatureMethod),
                .init(name: "atmosphere_timestamp", value: "1800000000000"), .init(name: "atmosphere_version", value: "1.0")
            ])
            let request = AtmosphereSignature.Request(
                method: method, url: url ?? "http://127.0.0.1:\(gateway.server.port)\(path)", query: [("limit", "5")])
            let signature = AtmosphereSignature.sign(credentials, secret: secret, request: request)
            credentials.parameters.append(.init(name: "atmosphere_signature", value: signature))
            return "Atmosphere realm=\"http://acmepaymentscorp\","
                + credentials.parameters.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
        }
        #expect(try gateway.call("POST", path + "?limit=5", authorization: signed("POST", secret: secret), body: "{}").status == 200)
        #expect(
            try gateway.call("GET", path + "?limit=5", authorization: signed("GET", secret: secret, signatureMethod: "HMAC_SHA1")).status
                == 200)
        let wrongSecret = try gateway.call("GET", path + "?limit=5", authorization: signed("GET", secret: "not-the-secret"))
        #expect(wrongSecret.status == 401)
        #expect(wrongSecret.text.contains("does not match"), "\(wrongSecret.text)")
        #expect(try gateway.call("GET", path + "?limit=6", authorization: signed("GET", secret: secret)).status == 401, "another query")
        #expect(try gateway.call("DELETE", path + "?limit=5", authorization: signed("GET", secret: secret)).status == 401, "another method")
        let rsa = try gateway.call("GET", path + "?limit=5", authorization: signed("GET", secret: secret, signatureMethod: "SHA256withRSA"))
        #expect(rsa.status == 401 && rsa.text.contains("certificate"))

        // atmosphere_secret_digest: base64(SHA-1(nonce + timestamp + secret)).
        func digest(_ secret: String) -> String {
            let hash = AtmosphereSignature.digest(method: "SHA1", nonce: "n-2", timestamp: "1800000000001", secret: secret) ?? []
            return #"Atmosphere atmosphere_app_id="\#(identity)",atmosphere_nonce="n-2",atmosphere_timestamp="1800000000001","#
                + #"atmosphere_digest_method="SHA1",atmosphere_secret_digest="\#(Data(hash).base64EncodedString())""#
        }
        #expect(try gateway.call("GET", path, authorization: digest(secret)).status == 200)
        #expect(try gateway.call("GET", path, authorization: digest("other")).status == 401)
    }

    /// Stubs answer before the target, per operation or method and path, with their delay; removed,
    /// the target answers again.
    @Test func stubsAnswerCallsUntilRemoved() throws {
        let gateway = try TestGateway()
        let (_, apiVersionID) = try gateway.createAPI()
        let appVersionID = try gateway.world.createApp(as: gateway.world.kim)
        let (identity, _) = try gateway.credentials(appVersionID)
        _ = try gateway.activatedContract(apiVersionID: apiVersionID, appVersionID: appVersionID)
        let credentials = #"Atmosphere atmosphere_app_id="\#(identity)""#
        let path = gateway.accessPoint(apiVersionID) + "/pets/7"
        let app = gateway.world.app
        let json: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]

        let set = try app.send(
            .put, "/_emulator/gateway/responses", headers: json,
            body:
                #"{"APIVersionID":"\#(apiVersionID)","Method":"GET","Path":"/pets/7","Status":418,"Headers":{"X-Stub":"1"},"Body":{"name":"Rex"}}"#
        )
        #expect(set.status == .ok, "\(set.text)")
        let stubID = try #require(try set.json()["StubID"]?.stringValue)
        let stubbed = try gateway.call("GET", path, authorization: credentials)
        #expect(stubbed.status == 418)
        #expect(stubbed.headers["X-Stub"] == "1" && stubbed.headers["Content-Type"] == "application/json")
        #expect(try JSONParser.parse(stubbed.body) == .object([("name", .string("Rex"))]))
        #expect(try gateway.call("GET", gateway.accessPoint(apiVersionID) + "/pets/8", authorization: credentials).status == 200)

        // The same match again replaces it; a delay holds the answer, not a thread.
        #expect(
            try app.send(
                .put, "/_emulator/gateway/responses", headers: json,
                body: #"{"APIVersionID":"\#(apiVersionID)","Method":"GET","Path":"/pets/7","Body":"slow","DelayMillis":300}"#
            ).status == .ok)
        let listed = try #require(try app.send(.get, "/_emulator/gateway/responses", headers: json).json()["GatewayResponse"]?.arrayValue)
        #expect(listed.count == 1 && listed.first?["DelayMillis"] == .integer(300) && listed.first?["StubID"] != .string(stubID))
        let started = Date()
        let slow = try gateway.call("GET", path, authorization: credentials)
        #expect(slow.status == 200 && slow.text == "slow")
        #expect(Date().timeIntervalSince(started) >= 0.3)
        #expect(try gateway.transactions().last?.durationMillis ?? 0 >= 300)

        #expect(try app.send(.delete, "/_emulator/gateway/responses?StubID=nosuch").status == .notFound)
        #expect(try app.send(.delete, "/_emulator/gateway/responses?APIVersionID=\(apiVersionID)").status == .noContent)
        #expect(try gateway.call("GET", path, authorization: credentials).text.hasPrefix("target says hello"))
        #expect(
            try app.send(
                .put, "/_emulator/gateway/responses", headers: json, body: #"{"APIVersionID":"nosuch.acmepaymentscorp","Status":200}"#
            ).status == .notFound)
    }

    /// Without a target on this machine the gateway echoes the call (here an implementation that
    /// allows anonymous access: no credentials needed, no contract).
    @Test func anonymousAccessAndTheEcho() throws {
        let gateway = try TestGateway()
        let (_, apiVersionID) = try gateway.createAPI()
        let live = gateway.accessPoint(apiVersionID, "Live") + "/orders?page=2"
        #expect(try gateway.call("POST", live, body: #"{"n":1}"#).status == 401)
        let info = try gateway.world.app.send(
            .put, "/api/apis/versions/\(apiVersionID)/implementations/Live/info",
            headers: TestApp.headers(gateway.world.jane, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: #"{"AnonymousAccessAllowed":true}"#)
        #expect(info.status == .ok, "\(info.text)")
        let echo = try gateway.call("POST", live, headers: [("Content-Type", "application/json")], body: #"{"n":1}"#)
        #expect(echo.status == 200, "\(echo.text)")
        let json = try JSONParser.parse(echo.body)
        #expect(json["method"] == .string("POST") && json["path"] == .string("/orders") && json["body"] == .string(#"{"n":1}"#))
        #expect(json["query"]?["page"] == .string("2") && json["headers"]?["Content-Type"] == .string("application/json"))
        #expect(json["implementationCode"] == .string("Live"))
        #expect(gateway.received.withLock { $0.isEmpty }, "a target on another machine is never called")
        let recorded = try #require(try gateway.transactions().last)
        #expect(recorded.environment == "Production" && recorded.status == 200 && recorded.requestSize == 7)
    }

    /// The descriptor's example answers the operation it belongs to when no target is on this machine.
    @Test func theDescriptorsExampleAnswersItsOperation() throws {
        let gateway = try TestGateway()
        let document = #"""
            {"openapi":"3.0.0","info":{"title":"Pets","version":"1"},"paths":{"/pets/{id}":{"get":{"operationId":"getPet",
             "responses":{"200":{"description":"ok","content":{"application/json":{"example":{"id":7,"name":"Rex"}}}}}}}}}
            """#
        let boundary = "b0undary"
        let upload = try gateway.world.post(
            "/api/dropbox/readfiledetails", as: gateway.world.jane,
            body: "--\(boundary)\r\nContent-Disposition: form-data; name=\"swagger\"; filename=\"pets.json\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n\(document)\r\n--\(boundary)--\r\n",
            contentType: "multipart/form-data; boundary=\(boundary)")
        try #require(upload.status == .ok, "\(upload.text)")
        let details = try upload.json()
        let fileID = try #require(details["DropboxFileId"]?.intValue)
        let serviceName = details["ServiceDescriptorDocument"]?.arrayValue?.first?["ServiceName"]?.arrayValue?.first?.stringValue ?? ""
        let created = try gateway.world.post(
            "/api/apis", as: gateway.world.jane,
            body: #"""
                {"DLDescriptor":{"ServiceDescriptorReference":{"ServiceName":"\#(serviceName)","FileName":"pets.json","DropboxFileId":\#(fileID)}},
                 "AddAPIImplementationRequest":[{"ImplementationCode":"Sandbox","CreateMechanism":"PROXY",
                   "ProxyImplementationRequest":{"TargetEndpointURL":["https://pets.example.com"]}}]}
                """#, accept: "application/vnd.soa.v81+json", contentType: "application/vnd.soa.v81+json")
        try #require(created.status == .ok, "\(created.text)")
        let apiVersionID = try #require(try created.json()["LatestVersionID"]?.stringValue)
        _ = try gateway.world.app.send(
            .put, "/api/apis/versions/\(apiVersionID)/implementations/Sandbox/info",
            headers: TestApp.headers(gateway.world.jane, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: #"{"AnonymousAccessAllowed":true}"#)
        let answer = try gateway.call("GET", gateway.accessPoint(apiVersionID) + "/pets/7")
        #expect(answer.status == 200, "\(answer.text)")
        #expect(try JSONParser.parse(answer.body) == .object([("id", .integer(7)), ("name", .string("Rex"))]))
        #expect(try gateway.transactions().last?.operation == "getPet")
        let other = try gateway.call("DELETE", gateway.accessPoint(apiVersionID) + "/pets/7")
        #expect(try JSONParser.parse(other.body)["method"] == .string("DELETE"), "no operation: the echo")
    }

    /// Calls to no access point are answered 404 and recorded nowhere; the portal's routes are not
    /// served on the gateway's port.
    @Test func callsToNoAccessPoint() throws {
        let gateway = try TestGateway()
        let (_, apiVersionID) = try gateway.createAPI()
        for path in [
            "/", "/acmepaymentscorp", "/acmepaymentscorp/Sandbox", "/api/apis", "/_emulator/health",
            "/acmepaymentscorp/Staging/\(apiVersionID)/x", "/othertenant/Sandbox/\(apiVersionID)/x",
            "/acmepaymentscorp/Sandbox/nosuch.acmepaymentscorp/x"
        ] {
            let response = try gateway.call("GET", path)
            #expect(response.status == 404, "\(path): \(response.text)")
            #expect(try JSONParser.parse(response.body)["faultcode"] == .string("Client"))
        }
        #expect(try gateway.transactions().isEmpty)
        // The pipelines' lower-case implementation code reaches the same access point.
        #expect(try gateway.call("GET", "/acmepaymentscorp/sandbox/\(apiVersionID)/x").status == 401)
    }

    /// The gateway runs on workers of its own: while its only worker waits for a slow target and
    /// its queue is full, the portal still answers, and the next gateway call is refused at once
    /// (503, Retry-After) rather than waiting on the portal's threads.
    @Test func gatewayCallsNeverTakeThePortalsThreads() throws {
        let gateway = try TestGateway(execution: HandlerExecution(threads: 1, readThreads: 1, queueLimit: 1))
        let (_, apiVersionID) = try gateway.createAPI()
        let appVersionID = try gateway.world.createApp(as: gateway.world.kim)
        let (identity, _) = try gateway.credentials(appVersionID)
        _ = try gateway.activatedContract(apiVersionID: apiVersionID, appVersionID: appVersionID)
        let credentials = #"Atmosphere atmosphere_app_id="\#(identity)""#
        let statuses = Mutex<[Int]>([])
        let port = gateway.server.port
        let slowPath = gateway.accessPoint(apiVersionID) + "/slow"
        let queuedPath = gateway.accessPoint(apiVersionID) + "/queued"
        for path in [slowPath, queuedPath] {
            DispatchQueue.global().async {
                let status = (try? RawHTTPClient.send(port: port, "GET", path, headers: [("Authorization", credentials)]).status) ?? -1
                statuses.withLock { $0.append(status) }
            }
            if path == slowPath {
                #expect(
                    waitUntil { gateway.received.withLock { $0.contains { $0.path.hasSuffix("/slow") } } },
                    "the slow call reached the target")
            }
        }
        #expect(waitUntil { gateway.world.app.gateway.queuedCalls == 1 }, "the second call waits for the gateway's worker")
        // The portal answers reads and writes meanwhile.
        #expect(try gateway.world.app.send(.get, "/_emulator/health").status == .ok)
        #expect(try gateway.world.get("/api/apis/versions/\(apiVersionID)", as: gateway.world.jane).status == .ok)
        // The gateway's worker is busy and its queue full: refused at once.
        let busy = try gateway.call("GET", gateway.accessPoint(apiVersionID) + "/third", authorization: credentials)
        #expect(busy.status == 503 && busy.headers["Retry-After"] == "1", "\(busy.text)")
        #expect(statuses.withLock { $0.isEmpty }, "the slow call is still waiting for its target")
        gateway.received.release()
        #expect(waitUntil { statuses.withLock { $0.count == 2 } })
        #expect(statuses.withLock { $0 } == [200, 200])
    }

    /// A target that does not answer is a 502; the call is recorded as a fault.
    @Test func anUnreachableTargetIsABadGateway() throws {
        let gateway = try TestGateway()
        // A port nothing listens on: bind one, note it, close it.
        let probe = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 1),
            handler: ClosureHTTPHandler { _, responder in responder.respond(HTTPResponse(status: .ok)) },
            logger: Logger(label: "probe") { _ in SwiftLogNoOpLogHandler() })
        try probe.start()
        let port = probe.port
        probe.shutdown(gracePeriod: 0)
        let (_, apiVersionID) = try gateway.createAPI(sandboxTarget: "http://localhost:\(port)/down")
        let appVersionID = try gateway.world.createApp(as: gateway.world.kim)
        let (identity, _) = try gateway.credentials(appVersionID)
        _ = try gateway.activatedContract(apiVersionID: apiVersionID, appVersionID: appVersionID)
        let response = try gateway.call(
            "GET", gateway.accessPoint(apiVersionID) + "/x", authorization: #"Atmosphere atmosphere_app_id="\#(identity)""#)
        #expect(response.status == 502, "\(response.text)")
        let recorded = try #require(try gateway.transactions().last)
        #expect(recorded.status == 502 && recorded.fault && recorded.faultMessage.contains("could not be reached"))
    }
}

/// The Atmosphere header parser on its own.
@Suite struct AtmosphereCredentialsTests {
    @Test func readsQuotedAndBareValues() throws {
        let credentials = try AtmosphereCredentials.parse(
            #"Atmosphere realm=http://atmosphere,atmosphere_app_id=WorkAndCoApp, atmosphere_signature_method=NONE"#)
        #expect(credentials.appID == "WorkAndCoApp")
        #expect(credentials.value("ATMOSPHERE_SIGNATURE_METHOD") == "NONE")
        let quoted = try AtmosphereCredentials.parse(#"atmosphere  atmosphere_app_id="a\"b" , x="1,2""#)
        #expect(quoted.appID == #"a"b"# && quoted.value("x") == "1,2")
    }

    @Test(arguments: [
        "Basic abc", "Atmosphere", "Atmosphere atmosphere_app_id", "Atmosphere atmosphere_app_id=\"open",
        "Atmosphere atmosphere_app_id=a,atmosphere_app_id=b", "Atmosphere =x", "Atmosphere a b=c", "Atmosphere realm=x",
        "Atmosphere atmosphere_app_id=", "Atmosphere atmosphere_app_id=a " + String(repeating: "x", count: 9000)
    ])
    func refusesMalformedHeaders(_ header: String) {
        #expect(throws: AtmosphereCredentials.Refusal.self) { try AtmosphereCredentials.parse(header) }
    }

    @Test func boundsTheParameterCount() {
        let many = (0..<40).map { "p\($0)=v" }.joined(separator: ",")
        #expect(throws: AtmosphereCredentials.Refusal.self) { try AtmosphereCredentials.parse("Atmosphere atmosphere_app_id=a," + many) }
    }
}
