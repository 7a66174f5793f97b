import AkanaDomain
import Dispatch
import DispatchHTTP
import EmulatorMachinery
import Foundation
import Logging
import SQLiteStore
import Synchronization
import Testing

@testable import AkanaAPI

/// An emulator with a Site Admin, a Business Admin and two plain users, and helpers to make APIs,
/// apps and contracts through the API itself.
struct APIWorld {
    static let users = [
        SeedUser(tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
        SeedUser(tenant: "acmepaymentscorp", email: TestApp.jane, password: "password", name: "Jane", roles: []),
        SeedUser(
            tenant: "acmepaymentscorp", email: "bob@acmepaymentscorp.com", password: "password", name: "Bob", roles: ["BusinessAdmin"]),
        SeedUser(tenant: "acmepaymentscorp", email: "kim@acmepaymentscorp.com", password: "password", name: "Kim", roles: [])
    ]

    let app: TestApp
    let admin: TestApp.Session
    let jane: TestApp.Session
    let bob: TestApp.Session
    let kim: TestApp.Session

    init(fixtures: [FixtureDocument] = [], execution: HandlerExecution = HandlerExecution()) throws {
        app = try TestApp(users: Self.users, fixtures: fixtures, execution: execution)
        admin = try app.login()
        jane = try app.login(TestApp.jane)
        bob = try app.login("bob@acmepaymentscorp.com")
        kim = try app.login("kim@acmepaymentscorp.com")
    }

    static func createBody(name: String = "ACME Payments", visibility: String = "Public", sandboxAuto: Bool = false) -> String {
        """
        {"APIVersionInfo":{"Name":"\(name)","Description":"Payments API","Visibility":"\(visibility)","Tag":["payments"]},
         "AddAPIImplementationRequest":[
           {"ImplementationCode":"Sandbox","CreateMechanism":"PROXY","EndpointAccessAutoApproved":\(sandboxAuto),
            "ProxyImplementationRequest":{"TargetEndpointURL":["http://www.acmepaymentscorp.com/api/sbox"]}},
           {"ImplementationCode":"Live","CreateMechanism":"PROXY",
            "ProxyImplementationRequest":{"TargetEndpointURL":["http://www.acmepaymentscorp.com/api/live"]}}]}
        """
    }

    func post(
        _ path: String, as session: TestApp.Session, body: String, accept: String = "application/json",
        contentType: String = "application/json"
    ) throws -> HTTPResponse {
        try app.send(.post, path, headers: TestApp.headers(session, ["Content-Type": contentType, "Accept": accept]), body: body)
    }

    func get(_ path: String, as session: TestApp.Session, accept: String = "application/json") throws -> HTTPResponse {
        try app.send(.get, path, headers: ["Cookie": session.cookieHeader, "Accept": accept])
    }

    /// Creates an API as `session`; returns (APIID, APIVersionID).
    func createAPI(
        as session: TestApp.Session? = nil, name: String = "ACME Payments", visibility: String = "Public",
        sandboxAuto: Bool = false
    ) throws -> (String, String) {
        let response = try post(
            "/api/apis", as: session ?? jane, body: Self.createBody(name: name, visibility: visibility, sandboxAuto: sandboxAuto))
        try #require(response.status == .ok, "\(response.text)")
        let json = try response.json()
        return (try #require(json["APIID"]?.stringValue), try #require(json["LatestVersionID"]?.stringValue))
    }

    /// Creates an app as `session`; returns its default AppVersionID.
    func createApp(as session: TestApp.Session, name: String = "Crosfhocal", visibility: String = "Public") throws -> String {
        let response = try post(
            "/api/apps", as: session,
            body: #"{"Name":"\#(name)","ApplicationVersion":{"Name":"1.0","Visibility":"\#(visibility)"}}"#)
        try #require(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["DefaultVersionID"]?.stringValue)
    }

    func requestContract(
        as session: TestApp.Session, apiVersionID: String, appVersionID: String, environment: String = "Sandbox",
        scope: String = ""
    ) throws -> HTTPResponse {
        let scopePart = scope.isEmpty ? "" : #","ContractScope":\#(scope)"#
        return try post(
            "/api/contracts", as: session,
            body: #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(appVersionID)","Environment":"\#(environment)"\#(scopePart)}"#)
    }

    func act(_ contractID: String, _ action: String, as session: TestApp.Session, comments: String = "") throws -> HTTPResponse {
        try post(
            "/api/contracts/\(contractID)/actions", as: session, body: #"{"ActionName":"\#(action)","Comments":"\#(comments)"}"#,
            accept: "text/plain")
    }

    func count(_ table: String) throws -> Int {
        try app.pool.read { db in try db.queryFirst("SELECT count(*) AS n FROM \(table)")?.int("n") ?? -1 }
    }

    /// Row counts of every table this feature writes (a refusal must leave them all alone).
    func counts() throws -> [Int] {
        try [
            "apis", "api_versions", "api_admins", "api_implementations", "api_endpoints", "contracts", "contract_licenses",
            "workflow_objects", "workflow_history", "dropbox_files", "groups", "group_members"
        ].map(count)
    }

    /// The emulator as it starts again: a second pool over the same file and a new assembly (the
    /// daemon's composition root), as a restarted daemon would build them.
    func restarted() throws -> RestartedEmulator { try RestartedEmulator(path: app.pool.path) }
}

/// An emulator assembled anew over an existing database file.
final class RestartedEmulator: @unchecked Sendable {  // immutable lets; the app and pool are thread-safe
    let pool: DatabasePool
    let application: AkanaApplication

    init(path: String) throws {
        pool = try DatabasePool(path: path)
        try AkanaSchema.migrator().migrate(pool, now: "2026-01-02T00:00:00Z")
        var logger = Logger(label: "restarted")
        logger.logLevel = .critical
        let hasher = PasswordHasher(iterations: 1_000)
        application = try EmulatorAssembly.assemble(
            database: pool, clock: EmulatorClock(mode: .frozen(Date(timeIntervalSince1970: 1_800_000_100))),
            settings: EmulatorAssembly.Settings(
                tenants: TenantDirectory(defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp")),
                seedUsers: APIWorld.users, fixtures: FixtureCatalog(documents: [], hasher: hasher), ids: IDGenerator(), hasher: hasher,
                integrity: IntegrityStatus()),
            logger: logger
        ).application
    }

    deinit {
        application.shutdown()
        try? pool.close()
    }

    func get(_ target: String, session: TestApp.Session, accept: String = "application/json") throws -> HTTPResponse {
        let request = try HTTPRequest(
            method: .get, target: target,
            headers: ["Host": "127.0.0.1:8080", "Cookie": session.cookieHeader, "Accept": accept], body: [])
        let answer = Mutex<HTTPResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        application.handle(
            request,
            responder: HTTPResponder { response in
                answer.withLock { $0 = response }
                done.signal()
            })
        done.wait()
        return answer.withLock { $0 } ?? HTTPResponse(status: .internalServerError)
    }
}
