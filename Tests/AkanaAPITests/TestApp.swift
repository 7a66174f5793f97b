import AkanaDomain
import Dispatch
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec
import Logging
import SQLiteStore
import Synchronization
import TestSupport

@testable import AkanaAPI

/// The whole API in process, over a migrated temporary database, without sockets.
final class TestApp: @unchecked Sendable {  // only immutable lets; the app and pool are thread-safe
    /// The database's directory, removed after the pool is closed (deinit).
    private let temporary: TemporaryDirectory
    var directory: URL { temporary.url }
    let pool: DatabasePool
    let clock = EmulatorClock(mode: .frozen(Date(timeIntervalSince1970: 1_800_000_000)))
    let environment: APIEnvironment
    let app: AkanaApplication
    /// The emulated gateway's handler (no listener: `TestGateway` starts one).
    let gateway: GatewayApplication

    static let admin = "administrator@acmepaymentscorp.com"
    static let jane = "jane@acmepaymentscorp.com"

    init(
        tenants: TenantDirectory = TenantDirectory(defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp")),
        users: [SeedUser]? = nil, journal: RequestJournal.Policy = .init(),
        fixtures: [FixtureDocument] = [], deterministicSeed: String? = nil, sessionPolicy: SessionPolicy = SessionPolicy(),
        execution: HandlerExecution = HandlerExecution(), passwordIterations: Int = 1_000,
        configuration: DatabaseConfiguration = .init(), undo: UndoLog.Policy = .init()
    ) throws {
        temporary = try TemporaryDirectory(prefix: "akana-api")
        pool = try DatabasePool(path: temporary.path("api.sqlite"), configuration: configuration)
        try AkanaSchema.migrator().migrate(pool, now: "2026-01-01T00:00:00Z")
        var ids = IDGenerator()
        if let deterministicSeed {
            ids = IDGenerator(source: .deterministic(try DeterministicRandom.attach(seed: deterministicSeed, database: pool)))
        }
        let hasher = PasswordHasher(iterations: passwordIterations)
        let seeds =
            users ?? [
                SeedUser(tenant: "acmepaymentscorp", email: Self.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
                SeedUser(tenant: "acmepaymentscorp", email: Self.jane, password: "password", name: "Jane", roles: [])
            ]
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        // The daemon's composition root, so the tests run exactly what the daemon runs.
        let assembled = try EmulatorAssembly.assemble(
            database: pool, clock: clock,
            settings: EmulatorAssembly.Settings(
                tenants: tenants, seedUsers: seeds, fixtures: FixtureCatalog(documents: fixtures, hasher: hasher),
                ids: ids, hasher: hasher, integrity: IntegrityStatus(), sessionPolicy: sessionPolicy, journalPolicy: journal,
                execution: execution, undoPolicy: undo),
            logger: logger)
        environment = assembled.environment
        app = assembled.application
        gateway = assembled.gateway
    }

    deinit {
        app.shutdown()
        gateway.shutdown()
        environment.journal.flush()
        try? pool.close()
    }

    func send(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:], body: String = "") throws -> HTTPResponse {
        var headers = headers
        if !headers.contains("Host") { headers.add("Host", "127.0.0.1:8080") }
        return handle(try HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8)))
    }

    /// Through `handle`, as the server calls it (on the handler pool, journaled, within the
    /// deadline), waiting for the answer.
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let answer = Mutex<HTTPResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        app.handle(
            request,
            responder: HTTPResponder { response in
                answer.withLock { $0 = response }
                done.signal()
            })
        done.wait()
        return answer.withLock { $0 } ?? HTTPResponse(status: .internalServerError)
    }

    struct Session {
        var cookieHeader: String
        var csrf: String
        var authCookie: String
    }

    /// What a client sends on a write: the session's cookies and its CSRF header, plus `extra`.
    static func headers(_ session: Session, _ extra: HTTPHeaders = [:]) -> HTTPHeaders {
        var headers = extra
        headers.add("Cookie", session.cookieHeader)
        headers.add("X-Csrf-Token_acmepaymentscorp", session.csrf)
        return headers
    }

    /// Logs in and returns what a cookie jar would send back.
    func login(_ email: String = TestApp.admin, password: String = "password", host: String = "127.0.0.1:8080") throws -> Session {
        let response = try send(
            .post, "/api/login", headers: ["Content-Type": "application/json", "Host": host],
            body: #"{"email":"\#(email)","password":"\#(password)"}"#)
        guard response.status == .ok else { throw APIError(response.status, String(decoding: response.body, as: UTF8.self)) }
        var cookies: [String: String] = [:]
        for header in response.headers.values("Set-Cookie") {
            let pair = header.prefix { $0 != ";" }
            let name = String(pair.prefix { $0 != "=" })
            cookies[name] = String(pair.dropFirst(name.count + 1))
        }
        let authName = cookies.keys.first { $0.hasPrefix("AtmoAuthToken_") } ?? ""
        let csrfName = cookies.keys.first { $0.hasPrefix("Csrf-Token_") }
        return Session(
            cookieHeader: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
            csrf: csrfName.flatMap { cookies[$0] } ?? "", authCookie: cookies[authName] ?? "")
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> JSONValue { try JSONParser.parse(body) }
}
