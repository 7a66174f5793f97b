import AkanaDomain
import Dispatch
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec
import Logging
import SQLiteStore
import TestSupport
import Testing

@testable import AkanaAPI

/// Issue 18: faults injected on purpose, and assertions on what a client sent.
@Suite struct FaultInjectionTests {
    static let json: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]

    func createVersion(_ app: TestApp, _ session: TestApp.Session, name: String = "faulted") throws -> String {
        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"\#(name)","ApplicationVersion":{"Name":"1.0"}}"#)
        #expect(created.status == .ok)
        return try #require(
            try app.send(.get, "/api/apps/\(created.text)", headers: ["Cookie": session.cookieHeader, "Accept": "application/json"])
                .json()["DefaultVersionID"]?.stringValue)
    }

    func addFault(_ app: TestApp, _ body: String) throws -> String {
        let response = try app.send(.post, "/_emulator/faults", headers: Self.json, body: body)
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.json()["id"]?.stringValue)
    }

    func journal(_ app: TestApp, _ query: String = "") throws -> [JSONValue] {
        try app.send(.get, "/_emulator/requests" + query, headers: ["Accept": "application/json"]).json()["Request"]?.arrayValue ?? []
    }

    func secret(_ app: TestApp, _ session: TestApp.Session, _ version: String) throws -> String {
        try app.send(.get, "/api/apps/versions/\(version)/secret", headers: ["Cookie": session.cookieHeader, "Accept": "text/plain"]).text
    }

    /// The issue's own example: the seed 000 action answered 500 twice, then let through.
    @Test func aFaultAnswersTheActionTwiceThenLetsItThroughAndTheJournalSaysSo() throws {
        let app = try TestApp()
        let session = try app.login()
        let version = try createVersion(app, session)
        let id = try addFault(
            app,
            #"{"match": {"method": "POST", "path": "/api/apps/versions/{AppVersionID}/action"}, "respond": {"status": 500}, "times": 2}"#)
        let before = try secret(app, session, version)
        var statuses: [Int] = []
        for _ in 0..<3 {
            let response = try app.send(
                .post, "/api/apps/versions/\(version)/action",
                headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
                body: #"{"ActionName":"@RegeneratedSecret"}"#)
            statuses.append(response.status.code)
            if response.status.code == 500 {
                #expect(response.text.contains(id))  // the Akana fault in its text form
                #expect(try secret(app, session, version) == before)  // nothing behind the fault ran
            }
        }
        #expect(statuses == [500, 500, 200])
        #expect(try secret(app, session, version) != before)
        let actions = try journal(app, "?path=/api/apps/versions/\(version)/action")
        #expect(actions.map { $0["faultID"] } == [.null, .string(id), .string(id)])  // newest first
        #expect(actions.map { $0["status"] } == [.integer(200), .integer(500), .integer(500)])
        #expect(actions.allSatisfy { $0["route"] == .string("/api/apps/versions/{AppVersionID}/action") })
        let listed = try app.send(.get, "/_emulator/faults", headers: ["Accept": "application/json"]).json()["Fault"]?.arrayValue ?? []
        #expect(listed.count == 1)
        #expect(listed.first?["hits"] == .integer(2))
        #expect(listed.first?["matched"] == .integer(3))
    }

    @Test func globsTenantsEveryNthBodiesAndHeaders() throws {
        let app = try TestApp()
        let session = try app.login()
        _ = try addFault(
            app,
            #"{"match": {"path": "/api/login/*"}, "respond": {"status": 418, "body": {"teapot": true}, "headers": {"X-Injected": "yes"}}, "everyNth": 2}"#
        )
        // Another tenant: never matches.
        _ = try addFault(app, #"{"match": {"path": "/api/login/status", "tenant": "globex"}, "respond": {"status": 503}}"#)
        var statuses: [Int] = []
        for _ in 0..<4 {
            let response = try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader, "Accept": "application/json"])
            statuses.append(response.status.code)
            if response.status.code == 418 {
                #expect(response.headers["X-Injected"] == "yes")
                #expect(try response.json()["teapot"] == .bool(true))
            }
        }
        #expect(statuses == [200, 418, 200, 418])
    }

    @Test func aDelayFaultDelaysAndThenRunsTheRequest() throws {
        let app = try TestApp()
        _ = try addFault(app, #"{"match": {"method": "GET", "path": "/api/businesses/*"}, "respond": {"delayMs": 300}, "times": 1}"#)
        let session = try app.login()
        let start = DispatchTime.now()
        let response = try app.send(
            .get, "/api/businesses/tenantbusiness.acmepaymentscorp/settings",
            headers: ["Cookie": session.cookieHeader, "Accept": "application/json"])
        #expect(response.status == .ok)
        #expect(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 >= 0.29)
    }

    @Test func aCloseFaultClosesTheConnectionWithoutAnAnswer() throws {
        let app = try TestApp()
        _ = try addFault(app, #"{"match": {"path": "/api/login/status"}, "respond": {"closeConnection": true}}"#)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 1), handler: app.app, logger: logger)
        try server.start()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try RawHTTPClient(port: server.port, timeout: 15)
        try client.send("GET /api/login/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(throws: (any Error).self) { try client.readResponse() }
        let entry = try journal(app, "?path=/api/login/status").first
        #expect(entry?["status"] == .integer(0))
        #expect(entry?["faultID"]?.stringValue?.hasPrefix("fault-") == true)
    }

    @Test func faultsNeverApplyToTheEmulatorsOwnRoutesAndCanBeRemoved() throws {
        let app = try TestApp()
        let first = try addFault(app, #"{"respond": {"status": 500}}"#)  // everything
        #expect(try app.send(.get, "/_emulator/health").status == .ok)
        #expect(try app.send(.get, "/api/login/status").status == .internalServerError)
        #expect(try app.send(.delete, "/_emulator/faults/\(first)").status == .noContent)
        #expect(try app.send(.delete, "/_emulator/faults/\(first)").status == .notFound)
        _ = try addFault(app, #"{"respond": {"status": 500}}"#)
        #expect(try app.send(.delete, "/_emulator/faults").status == .noContent)
        #expect(try app.send(.get, "/api/login/status").status == .unauthorized)
    }

    @Test func badFaultsAre400AndAddNothing() throws {
        let app = try TestApp()
        for body in [
            #"{}"#, #"{"respond": {"status": 99}}"#, #"{"respond": {"delayMs": -1}}"#, #"{"respond": {"closeConnection": false}}"#,
            #"{"respond": {"status": 500}, "times": 0}"#, #"{"respond": {"status": 500}, "times": 1, "everyNth": 2}"#,
            #"{"respond": {"status": 500}, "probability": 2}"#, #"{"match": {"path": "api"}, "respond": {"status": 500}}"#,
            #"{"respond": {"status": 500, "headers": {"Bad Name": "x"}}}"#, #"{"respond": {"status": 500, "headers": {"X": "a\nb"}}}"#,
            #"{"respond": {"status": 500}, "persist": "yes"}"#, #"[1]"#
        ] {
            let response = try app.send(.post, "/_emulator/faults", headers: Self.json, body: body)
            #expect(response.status == .badRequest, "\(body) → \(response.status)")
            #expect(try response.json()["faultcode"] == .string("Client"))
        }
        #expect(try app.send(.get, "/_emulator/faults").json()["Fault"]?.arrayValue?.isEmpty == true)
    }

    @Test func onlyPersistedFaultsAreStoredAndTheyLoadAgain() throws {
        let app = try TestApp()
        let kept = try addFault(app, #"{"match": {"path": "/api/login/status"}, "respond": {"status": 502}, "times": 3, "persist": true}"#)
        _ = try addFault(app, #"{"respond": {"status": 500}}"#)
        #expect(try app.send(.get, "/api/login/status").status.code == 502)
        let rows = try app.pool.read { try $0.query("SELECT id FROM emulator_faults").compactMap { try $0.string("id") } }
        #expect(rows == [kept])
        // A new injector over the same database (as after a restart) has the persisted one, with its hits.
        // The hit count is written asynchronously: wait until an injector loaded from the database sees it.
        waitUntil { (try? FaultInjector(database: app.pool, clock: app.clock, ids: IDGenerator(), scope: .detached))?.all.first?.hits == 1 }
        let again = try FaultInjector(database: app.pool, clock: app.clock, ids: IDGenerator(), scope: .detached)
        #expect(again.all.map(\.rule.id) == [kept])
        #expect(again.all.first?.hits == 1)
        #expect(again.fault(method: "GET", route: "/api/login/status", path: "/api/login/status", tenant: "acmepaymentscorp")?.id == kept)
    }

    @Test func requestsCanBeCountedByWhatTheirBodyContains() throws {
        let app = try TestApp()
        let session = try app.login()
        for name in ["marker-one", "marker-one again", "other"] {
            _ = try app.send(
                .post, "/api/apps", headers: TestApp.headers(session, ["Content-Type": "application/json", "Accept": "text/plain"]),
                body: #"{"Name":"\#(name)"}"#)
        }
        func count(_ query: String) throws -> JSONValue? {
            try app.send(.get, "/_emulator/requests/count" + query, headers: ["Accept": "application/json"]).json()["count"]
        }
        #expect(try count("?method=POST&path=/api/apps") == .integer(3))
        #expect(try count("?method=POST&path=/api/apps&body=marker-one") == .integer(2))
        #expect(try count("?body=nowhere") == .integer(0))
        #expect(try count("?status=2xx&path=/api/login") == .integer(1))
        #expect(try app.send(.get, "/_emulator/requests/count?status=9").status == .badRequest)
        // Counting is not journaled: counting twice gives the same answer.
        #expect(try count("") == count(""))
    }

    @Test func unmatchedRequestsAreListedWithTheNearestRoute() throws {
        let app = try TestApp()
        #expect(try app.send(.get, "/api/app/versions/abc.acmepaymentscorp").status == .notFound)  // "app" for "apps"
        #expect(try app.send(.delete, "/api/login").status == .methodNotAllowed)
        #expect(try app.send(.get, "/api/apps/versions/missing.acmepaymentscorp").status == .unauthorized)  // matched: not listed
        let listed =
            try app.send(.get, "/_emulator/requests/unmatched", headers: ["Accept": "application/json"]).json()["Request"]?.arrayValue ?? []
        #expect(listed.count == 2)
        #expect(listed.first?["path"] == .string("/api/login"))
        #expect(listed.first?["nearestRoute"]?["template"] == .string("/api/login"))
        #expect(listed.first?["nearestRoute"]?["methods"] == .array([.string("POST")]))
        #expect(listed.last?["nearestRoute"]?["template"] == .string("/api/apps/versions/{AppVersionID}"))
    }
}
